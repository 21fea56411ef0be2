"""Supervision: plan, obligations, meetings, violations, assessments and programmes."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import LabelledEnum, Model, TimestampMixin, UTCDateTime, enum_type

if TYPE_CHECKING:
    from portal.models.case import Case
    from portal.models.org import PlusUser


class ObligationSource(LabelledEnum):
    COURT = "court"
    PROSECUTOR = "prosecutor"
    VPD = "vpd"


class RiskLevel(LabelledEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class EconomicActivity(LabelledEnum):
    EMPLOYED = "employed"
    UNEMPLOYED = "unemployed"
    STUDENT = "student"
    RETIRED = "retired"
    OTHER = "other"


class SupervisionPlan(TimestampMixin, Model):
    """The supervision plan made with the client."""

    __tablename__ = "supervision_plan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), nullable=False, index=True)
    plan_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    goals: Mapped[str] = mapped_column(Text, nullable=False)
    actions: Mapped[str | None] = mapped_column(Text)
    review_date: Mapped[dt.date | None] = mapped_column(Date)
    agreed_with_client: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    case: Mapped[Case] = relationship(back_populates="plans")


class Obligation(TimestampMixin, Model):
    """An obligation (pienākums) set by the court, prosecutor or VPD."""

    __tablename__ = "obligation"
    __table_args__ = (
        # rules.date_order, kept by the database as well (migration 0006).
        CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name="ck_obligation_end_after_start"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), nullable=False, index=True)
    description: Mapped[str] = mapped_column(String(500), nullable=False)
    set_by: Mapped[ObligationSource] = mapped_column(enum_type(ObligationSource), nullable=False)
    start_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    case: Mapped[Case] = relationship(back_populates="obligations")

    def __repr__(self) -> str:
        return self.description


class Meeting(TimestampMixin, Model):
    """A supervision meeting with the client and what came of it."""

    __tablename__ = "meeting"
    __table_args__ = (Index("ix_meeting_case_scheduled", "case_id", "scheduled_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), nullable=False, index=True)
    scheduled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    place: Mapped[str | None] = mapped_column(String(200))
    held: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    obligations_kept: Mapped[bool | None] = mapped_column(Boolean)
    notes: Mapped[str | None] = mapped_column(Text)
    economic_activity: Mapped[EconomicActivity | None] = mapped_column(
        enum_type(EconomicActivity)
    )
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))

    case: Mapped[Case] = relationship(back_populates="meetings")
    officer: Mapped[PlusUser | None] = relationship()


class Violation(TimestampMixin, Model):
    """A violation (pārkāpums) of obligations and what the officer did about it."""

    __tablename__ = "violation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), nullable=False, index=True)
    violation_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    obligation_id: Mapped[int | None] = mapped_column(ForeignKey("obligation.id"))
    action_taken: Mapped[str | None] = mapped_column(Text)
    reported_to_court: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    case: Mapped[Case] = relationship(back_populates="violations")
    obligation: Mapped[Obligation | None] = relationship()


class RiskNeedsAssessment(TimestampMixin, Model):
    """A risk and needs assessment of the client."""

    __tablename__ = "risk_needs_assessment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), nullable=False, index=True)
    assessment_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    risk_level: Mapped[RiskLevel] = mapped_column(enum_type(RiskLevel), nullable=False)
    needs: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    economic_activity: Mapped[EconomicActivity | None] = mapped_column(
        enum_type(EconomicActivity)
    )

    case: Mapped[Case] = relationship(back_populates="assessments")


class ProgrammeParticipation(TimestampMixin, Model):
    """A client's participation in a probation programme."""

    __tablename__ = "programme_participation"
    __table_args__ = (
        # rules.date_order, kept by the database as well (migration 0006).
        CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name="ck_programme_participation_end_after_start"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), nullable=False, index=True)
    programme: Mapped[str] = mapped_column(String(200), nullable=False)
    start_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    completed: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    case: Mapped[Case] = relationship(back_populates="programmes")
