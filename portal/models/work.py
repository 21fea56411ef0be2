"""Forced labour and community work: referral, schedule, hours and control."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import LabelledEnum, Model, TimestampMixin, UTCDateTime, enum_type
from portal.models.partners import Employer

if TYPE_CHECKING:
    from portal.models.case import Case
    from portal.models.org import PlusUser


class ReportedBy(LabelledEnum):
    EMPLOYER = "employer"
    OFFICER = "officer"
    CLIENT = "client"


class WorkKind(LabelledEnum):
    """Kinds of work, so rules (minors' exclusions, convictions) can name them in config."""

    CLEANING = "cleaning"
    GREEN_AREAS = "green_areas"
    CONSTRUCTION = "construction"
    WORK_AT_HEIGHT = "work_at_height"
    HAZARDOUS_SUBSTANCES = "hazardous_substances"
    MACHINERY = "machinery"
    HEAVY_LIFTING = "heavy_lifting"
    SOCIAL_CARE = "social_care"
    WORK_WITH_CHILDREN = "work_with_children"
    ANIMAL_CARE = "animal_care"
    KITCHEN = "kitchen"
    OFFICE = "office"
    OTHER = "other"


class WorkAssignment(TimestampMixin, Model):
    """The referral to an employer (norīkojums): where and what the client works."""

    __tablename__ = "work_assignment"
    __table_args__ = (
        # rules.date_order, kept by the database as well (migration 0006).
        CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name="ck_work_assignment_end_after_start"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), nullable=False, index=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer.id"), nullable=False, index=True)
    work_type: Mapped[str] = mapped_column(String(200), nullable=False)
    # The catalogue kind the minors' and convictions' exclusions are checked against
    # (portal.services.work.limits); rows made before migration 0014_people have none.
    work_kind: Mapped[WorkKind | None] = mapped_column(enum_type(WorkKind))
    place: Mapped[str] = mapped_column(String(300), nullable=False)
    start_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    referral_number: Mapped[str | None] = mapped_column(String(40))
    schedule_agreed_by_employer: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    schedule_agreed_by_client: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    case: Mapped[Case] = relationship(back_populates="assignments")
    employer: Mapped[Employer] = relationship()
    schedule: Mapped[list[WorkScheduleEntry]] = relationship(
        back_populates="assignment", order_by="WorkScheduleEntry.work_date"
    )
    hours: Mapped[list[HoursLog]] = relationship(
        back_populates="assignment", order_by="HoursLog.work_date"
    )
    control_acts: Mapped[list[ControlAct]] = relationship(back_populates="assignment")
    no_shows: Mapped[list[NoShow]] = relationship(back_populates="assignment")
    incidents: Mapped[list[WorkIncident]] = relationship(back_populates="assignment")

    def __repr__(self) -> str:
        return f"{self.work_type} — {self.employer}"


class WorkScheduleEntry(Model):
    """One planned working day of the work schedule (darba grafiks)."""

    __tablename__ = "work_schedule_entry"
    __table_args__ = (
        UniqueConstraint("assignment_id", "work_date", name="uq_schedule_day"),
        CheckConstraint("planned_hours > 0 AND planned_hours <= 24", name="ck_schedule_hours"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("work_assignment.id"), nullable=False, index=True
    )
    work_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    start_time: Mapped[str | None] = mapped_column(String(5))
    planned_hours: Mapped[Decimal] = mapped_column(Numeric(4, 2), nullable=False)

    assignment: Mapped[WorkAssignment] = relationship(back_populates="schedule")


class HoursLog(TimestampMixin, Model):
    """Hours worked on a day, reported by the employer or officer and confirmed by an officer."""

    __tablename__ = "hours_log"
    __table_args__ = (CheckConstraint("hours >= 0 AND hours <= 24", name="ck_hours_range"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("work_assignment.id"), nullable=False, index=True
    )
    work_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    hours: Mapped[Decimal] = mapped_column(Numeric(4, 2), nullable=False)
    reported_by: Mapped[ReportedBy] = mapped_column(enum_type(ReportedBy), nullable=False)
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(String(500))

    assignment: Mapped[WorkAssignment] = relationship(back_populates="hours")
    confirmed_by: Mapped[PlusUser | None] = relationship()


class ControlAct(TimestampMixin, Model):
    """An on-site check of the client's work (kontroles akts)."""

    __tablename__ = "control_act"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("work_assignment.id"), nullable=False, index=True
    )
    inspection_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    client_present: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    findings: Mapped[str | None] = mapped_column(Text)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))

    assignment: Mapped[WorkAssignment] = relationship(back_populates="control_acts")
    officer: Mapped[PlusUser | None] = relationship()


class NoShow(TimestampMixin, Model):
    """A day the client did not come, or left the work place without leave."""

    __tablename__ = "no_show"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("work_assignment.id"), nullable=False, index=True
    )
    event_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    left_without_leave: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    reported_by: Mapped[ReportedBy] = mapped_column(enum_type(ReportedBy), nullable=False)
    explanation: Mapped[str | None] = mapped_column(Text)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    assignment: Mapped[WorkAssignment] = relationship(back_populates="no_shows")


class WorkIncident(TimestampMixin, Model):
    """An incident at work reported by the employer or found by the officer."""

    __tablename__ = "work_incident"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("work_assignment.id"), nullable=False, index=True
    )
    event_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    reported_by: Mapped[ReportedBy] = mapped_column(enum_type(ReportedBy), nullable=False)

    assignment: Mapped[WorkAssignment] = relationship(back_populates="incidents")


class Vacancy(TimestampMixin, Model):
    """Work an employer offers; VPD then selects suitable clients."""

    __tablename__ = "vacancy"
    # At least one place, as the screen and the portal form require (migration 0006).
    __table_args__ = (CheckConstraint("places >= 1", name="ck_vacancy_places_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer.id"), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    work_kind: Mapped[WorkKind | None] = mapped_column(enum_type(WorkKind))
    places: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    suitable_for_minors: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)

    employer: Mapped[Employer] = relationship()


class PriorityWork(TimestampMixin, Model):
    """A work the municipality or employer wants done first."""

    __tablename__ = "priority_work"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer.id"), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    work_kind: Mapped[WorkKind | None] = mapped_column(enum_type(WorkKind))
    description: Mapped[str | None] = mapped_column(Text)
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)

    employer: Mapped[Employer] = relationship()
