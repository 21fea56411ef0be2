"""Supervision: plan, obligations, meetings, violations, assessments and programmes."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import LabelledEnum, Model, TimestampMixin, UTCDateTime, enum_type

if TYPE_CHECKING:
    from portal.models.calendar import Room
    from portal.models.case import Case
    from portal.models.org import PlusUser
    from portal.models.supervision_plan import MeetingGoalProgress, PlanGoal
    from portal.models.supervision_steps import (
        AssessmentScore,
        MeetingObligationCheck,
        ObligationType,
        ViolationResponse,
    )


class ObligationSource(LabelledEnum):
    COURT = "court"
    PROSECUTOR = "prosecutor"
    VPD = "vpd"


class RiskLevel(LabelledEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class ObligationStatus(LabelledEnum):
    """Where an obligation stands; only one in force is checked at meetings."""

    IN_FORCE = "in_force"
    FULFILLED = "fulfilled"
    ENDED = "ended"
    CANCELLED = "cancelled"


class ViolationSource(LabelledEnum):
    """Where a violation came to light."""

    MEETING = "meeting"
    NO_SHOW = "no_show"
    MONITORING = "monitoring"
    OTHER = "other"


class EconomicActivity(LabelledEnum):
    EMPLOYED = "employed"
    UNEMPLOYED = "unemployed"
    STUDENT = "student"
    RETIRED = "retired"
    OTHER = "other"


class SupervisionPlan(TimestampMixin, Model):
    """The supervision plan made with the client: its goals (PlanGoal, each tied to an
    assessed need area, with its activities) and the date it is next reviewed."""

    __tablename__ = "supervision_plan"
    __table_args__ = (
        # A review comes after the plan it reviews (migration 0021_plan).
        CheckConstraint(
            "review_date IS NULL OR review_date >= plan_date",
            name="ck_supervision_plan_review_after_plan",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), nullable=False, index=True)
    plan_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    # The plan's summary in words; the goals themselves are PlanGoal rows (migration
    # 0021_plan), so older plans keep their free text and new ones may leave it empty.
    goals: Mapped[str | None] = mapped_column(Text)
    actions: Mapped[str | None] = mapped_column(Text)
    review_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    agreed_with_client: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    case: Mapped[Case] = relationship(back_populates="plans")
    goal_rows: Mapped[list[PlanGoal]] = relationship(
        back_populates="plan", cascade="all, delete-orphan",
        order_by="PlanGoal.position, PlanGoal.id",
    )

    def __repr__(self) -> str:
        return f"{self.plan_date:%d.%m.%Y}"


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
    # The catalogue entry (migration 0014); older rows have only their free-text description.
    obligation_type_id: Mapped[int | None] = mapped_column(
        ForeignKey("obligation_type.id"), index=True
    )
    description: Mapped[str] = mapped_column(String(500), nullable=False)
    set_by: Mapped[ObligationSource] = mapped_column(enum_type(ObligationSource), nullable=False)
    start_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[ObligationStatus] = mapped_column(
        enum_type(ObligationStatus), default=ObligationStatus.IN_FORCE, nullable=False
    )

    case: Mapped[Case] = relationship(back_populates="obligations")
    obligation_type: Mapped[ObligationType | None] = relationship()

    @property
    def active(self) -> bool:
        """Whether the obligation is in force (the status before migration 0014 was a flag)."""
        return self.status is ObligationStatus.IN_FORCE

    def __repr__(self) -> str:
        return self.description


class Meeting(TimestampMixin, Model):
    """A supervision meeting with the client and what came of it."""

    __tablename__ = "meeting"
    __table_args__ = (
        Index("ix_meeting_case_scheduled", "case_id", "scheduled_at"),
        # The clash rule looks up every meeting around a time, whatever its case.
        Index("ix_meeting_scheduled_at", "scheduled_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), nullable=False, index=True)
    scheduled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    place: Mapped[str | None] = mapped_column(String(200))
    held: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    # Compliance is recorded per obligation (MeetingObligationCheck, migration 0014).
    notes: Mapped[str | None] = mapped_column(Text)
    economic_activity: Mapped[EconomicActivity | None] = mapped_column(
        enum_type(EconomicActivity)
    )
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    # How long the meeting lasts, so that the clash rule knows when it ends.
    duration_minutes: Mapped[int] = mapped_column(
        Integer, default=60, server_default="60", nullable=False
    )
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id"), index=True)

    case: Mapped[Case] = relationship(back_populates="meetings")
    officer: Mapped[PlusUser | None] = relationship()
    room: Mapped[Room | None] = relationship()
    checks: Mapped[list[MeetingObligationCheck]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )
    # Progress with each plan goal (migration 0021_plan), recorded like compliance.
    progress: Mapped[list[MeetingGoalProgress]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        from portal.formatting import localtime

        return str(localtime(self.scheduled_at))


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
    # Where it came to light (migration 0014): a meeting, a no-show, monitoring ...
    source: Mapped[ViolationSource | None] = mapped_column(enum_type(ViolationSource))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"))

    case: Mapped[Case] = relationship(back_populates="violations")
    obligation: Mapped[Obligation | None] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    responses: Mapped[list[ViolationResponse]] = relationship(back_populates="violation")

    def __repr__(self) -> str:
        return f"{self.violation_date:%d.%m.%Y}: {self.description[:60]}"


class RiskNeedsAssessment(TimestampMixin, Model):
    """A risk and needs assessment of the client."""

    __tablename__ = "risk_needs_assessment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), nullable=False, index=True)
    assessment_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    risk_level: Mapped[RiskLevel] = mapped_column(enum_type(RiskLevel), nullable=False)
    # The instrument's result (migration 0014); older assessments hold only the level.
    total_score: Mapped[int | None] = mapped_column(Integer)
    max_score: Mapped[int | None] = mapped_column(Integer)
    reassessment_due: Mapped[dt.date | None] = mapped_column(Date, index=True)
    needs: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    economic_activity: Mapped[EconomicActivity | None] = mapped_column(
        enum_type(EconomicActivity)
    )

    case: Mapped[Case] = relationship(back_populates="assessments")
    scores: Mapped[list[AssessmentScore]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"{self.assessment_date:%d.%m.%Y} ({self.risk_level})"


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
