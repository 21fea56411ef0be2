"""The supervision plan in depth and the start of supervision (migration 0021_plan): goals
tied to the assessed need areas, activities per goal, progress with each goal recorded at a
meeting, and the registration of the start with the Interior Ministry's record category with
the notices to the State Police and the orphans' court."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import LabelledEnum, Model, TimestampMixin, enum_type
from portal.models.supervision_steps import NeedArea

if TYPE_CHECKING:
    from portal.models.case import Case
    from portal.models.document import Document
    from portal.models.org import PlusUser
    from portal.models.supervision import Meeting, SupervisionPlan


class GoalProgress(LabelledEnum):
    """How a plan goal stands, as the officer finds at a meeting (plan executed or not)."""

    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    NOT_FULFILLED = "not_fulfilled"


class PlanGoal(TimestampMixin, Model):
    """One goal of a supervision plan, addressing a need area the assessment found."""

    __tablename__ = "plan_goal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("supervision_plan.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # The plan's case, kept here so access rules and the change history reach it directly.
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), nullable=False, index=True)
    need_area: Mapped[NeedArea] = mapped_column(enum_type(NeedArea), nullable=False)
    goal: Mapped[str] = mapped_column(String(500), nullable=False)
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)

    plan: Mapped[SupervisionPlan] = relationship(back_populates="goal_rows")
    activities: Mapped[list[PlanActivity]] = relationship(
        back_populates="goal", cascade="all, delete-orphan",
        order_by="PlanActivity.position, PlanActivity.id",
    )

    def __repr__(self) -> str:
        return self.goal


class PlanActivity(TimestampMixin, Model):
    """One activity towards a plan goal (what the client, or VPD, does and by when)."""

    __tablename__ = "plan_activity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    goal_id: Mapped[int] = mapped_column(
        ForeignKey("plan_goal.id", ondelete="CASCADE"), nullable=False, index=True
    )
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), nullable=False, index=True)
    description: Mapped[str] = mapped_column(String(300), nullable=False)
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    done: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)

    goal: Mapped[PlanGoal] = relationship(back_populates="activities")

    def __repr__(self) -> str:
        return self.description


class MeetingGoalProgress(TimestampMixin, Model):
    """The progress with one plan goal as recorded at one meeting."""

    __tablename__ = "meeting_goal_progress"
    __table_args__ = (
        UniqueConstraint("meeting_id", "goal_id", name="uq_meeting_goal_progress"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), nullable=False, index=True
    )
    goal_id: Mapped[int] = mapped_column(
        ForeignKey("plan_goal.id", ondelete="CASCADE"), nullable=False, index=True
    )
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), nullable=False, index=True)
    progress: Mapped[GoalProgress] = mapped_column(enum_type(GoalProgress), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)

    meeting: Mapped[Meeting] = relationship(back_populates="progress")
    goal: Mapped[PlanGoal] = relationship()


class SupervisionStart(TimestampMixin, Model):
    """The registration of the start of supervision in the Interior Ministry's record
    category (IeM IC uzskaites kategorija) and the notices of the start it produced."""

    __tablename__ = "supervision_start"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), nullable=False, unique=True)
    registered_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    # A code of INTERIOR_RECORD_CATEGORIES (config.py), so the list can change with the law.
    record_category: Mapped[str] = mapped_column(String(60), nullable=False)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    police_document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    # The orphans' court is told when needed: always for a minor, or when the officer says
    # so (a client with children or other dependants in their care).
    orphans_court: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    orphans_court_document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    note: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship()
    registered_by: Mapped[PlusUser | None] = relationship()
    police_document: Mapped[Document | None] = relationship(
        foreign_keys=[police_document_id])
    orphans_court_document: Mapped[Document | None] = relationship(
        foreign_keys=[orphans_court_document_id])

    def __repr__(self) -> str:
        return f"{self.registered_on:%d.%m.%Y}"
