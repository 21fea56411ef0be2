"""The supervision plan made with the client: goals tied to the need areas the risk and
needs assessment found, activities per goal, the review date (due on the worklist), and the
plan's execution recorded per goal at meetings, as compliance is per obligation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.models import (
    AssessmentScore,
    Case,
    GoalProgress,
    Meeting,
    MeetingGoalProgress,
    NeedArea,
    PlanActivity,
    PlanGoal,
    RiskNeedsAssessment,
    SupervisionPlan,
)
from portal.services.casework import rules
from portal.services.errors import ValidationFailed
from portal.services.supervision import setting
from portal.services.supervision import term as terms
from portal.services.supervision.obligations import meeting_day
from portal.services.supervision.term import add_months

MAX_GOAL = 500
MAX_ACTIVITY = 300
MAX_ACTIVITIES = 20
MAX_NOTE = 2000


def latest_assessment(session: Session, case_id: int) -> RiskNeedsAssessment | None:
    """The case's latest structured assessment (one scored item by item), or None."""
    return session.scalars(
        select(RiskNeedsAssessment)
        .where(RiskNeedsAssessment.case_id == case_id,
               RiskNeedsAssessment.total_score.is_not(None))
        .options(selectinload(RiskNeedsAssessment.scores).selectinload(AssessmentScore.item))
        .order_by(RiskNeedsAssessment.assessment_date.desc(), RiskNeedsAssessment.id.desc())
        .limit(1)
    ).first()


def assessed_needs(session: Session, case_id: int) -> list[NeedArea]:
    """The need areas a goal may address: those the latest assessment scored above zero,
    in the instrument's order (a goal answers a need that was found, not a guess)."""
    found = latest_assessment(session, case_id)
    if found is None:
        return []
    scored = {s.item.need_area for s in found.scores if s.score > 0}
    return [area for area in NeedArea if area in scored]


def default_review(day: dt.date) -> dt.date:
    """The review date proposed for a plan made on ``day`` (PLAN_REVIEW_MONTHS)."""
    return add_months(day, int(setting("PLAN_REVIEW_MONTHS", 3)))


def check_plan(case: Case | None, plan_date: dt.date | None,
               review_date: dt.date | None) -> None:
    """A plan is dated, not in the future nor before the case started, and its review comes
    after it.

    :raises ValidationFailed: beside ``plan_date`` or ``review_date``.
    """
    if plan_date is None:
        return  # the field's own "required" message says so
    if plan_date > rules.today():
        raise ValidationFailed(_l("A plan cannot be dated in the future."), "plan_date")
    if case is not None and plan_date < case.start_date:
        raise ValidationFailed(
            _l("A plan cannot come before the case started (%(date)s).",
               date=case.start_date.strftime("%d.%m.%Y")), "plan_date")
    if review_date is not None and review_date < plan_date:
        raise ValidationFailed(_l("The review cannot come before the plan is made."),
                               "review_date")


def add_goal(session: Session, plan: SupervisionPlan, need_area: NeedArea | None,
             goal: str | None, activities: list[str], *,
             due_date: dt.date | None = None) -> PlanGoal:
    """Add a goal with its activities to ``plan`` (caller commits).

    :raises ValidationFailed: without a need area, or one the latest assessment did not find
        (``need_area``); without the goal's words or with too many (``goal``); without an
        activity, or with one too long or too many (``activities``); with an activity date
        before the plan or after the supervision ends (``due_date``). Nothing is stored then.
    """
    case = plan.case
    allowed = assessed_needs(session, plan.case_id)
    if not allowed:
        raise ValidationFailed(
            _l("Assess risk and needs first: the plan's goals answer the needs found."),
            "need_area")
    if need_area is None:
        raise ValidationFailed(_l("Choose the need the goal addresses."), "need_area")
    if need_area not in allowed:
        raise ValidationFailed(
            _l("The latest assessment found no need in this area; choose one it found."),
            "need_area")
    text = (goal or "").strip()
    if not text:
        raise ValidationFailed(_l("Write the goal."), "goal")
    if len(text) > MAX_GOAL:
        raise ValidationFailed(_l("At most %(n)s characters.", n=MAX_GOAL), "goal")
    steps = [a.strip() for a in activities if a and a.strip()]
    if not steps:
        raise ValidationFailed(_l("Give at least one activity towards the goal."), "activities")
    if len(steps) > MAX_ACTIVITIES:
        raise ValidationFailed(_l("At most %(n)s activities.", n=MAX_ACTIVITIES), "activities")
    if any(len(a) > MAX_ACTIVITY for a in steps):
        raise ValidationFailed(_l("An activity has at most %(n)s characters.", n=MAX_ACTIVITY),
                               "activities")
    if due_date is not None:
        if due_date < plan.plan_date:
            raise ValidationFailed(_l("An activity cannot be due before the plan is made."),
                                   "due_date")
        end = terms.of_case(session, case).end
        if end is not None and due_date > end:
            raise ValidationFailed(
                _l("It cannot end after the supervision ends (%(date)s).",
                   date=end.strftime("%d.%m.%Y")), "due_date")
    position = 1 + max((g.position for g in plan.goal_rows), default=0)
    row = PlanGoal(plan_id=plan.id, case_id=plan.case_id, need_area=need_area, goal=text,
                   position=position)
    session.add(row)
    session.flush()
    for index, step in enumerate(steps, start=1):
        session.add(PlanActivity(goal_id=row.id, case_id=plan.case_id, description=step,
                                 due_date=due_date, position=index))
    session.flush()
    return row


def plan_at(session: Session, case_id: int, day: dt.date) -> SupervisionPlan | None:
    """The plan in force on ``day``: the latest one made on or before it."""
    return session.scalars(
        select(SupervisionPlan)
        .where(SupervisionPlan.case_id == case_id, SupervisionPlan.plan_date <= day)
        .order_by(SupervisionPlan.plan_date.desc(), SupervisionPlan.id.desc()).limit(1)
    ).first()


def goals_at(session: Session, meeting: Meeting) -> list[PlanGoal]:
    """The goals of the plan in force on the meeting's day: the ones to record progress of."""
    plan = plan_at(session, meeting.case_id, meeting_day(meeting))
    return list(plan.goal_rows) if plan is not None else []


@dataclass
class Answer:
    """The officer's answer for one goal."""

    goal_id: int
    progress: GoalProgress | None
    note: str | None = None


def record_progress(session: Session, meeting: Meeting, answers: list[Answer],
                    done_activities: set[int] | None = None) -> list[MeetingGoalProgress]:
    """Store the progress with each goal of the plan at a held meeting (caller commits).

    Every goal of the plan in force on the meeting's day needs an answer; an answer given
    again replaces the earlier one. With ``done_activities`` (the ids of the activities the
    officer ticked), each activity of those goals is marked done or not done as ticked:
    the meeting is where the officer and the client go through the plan.

    :raises ValidationFailed: for a meeting not held (``meeting``), a goal without an answer
        (``progress_<id>``), one not of the plan in force that day, or a note too long
        (``note_<id>``); nothing is stored then.
    """
    if not meeting.held:
        raise ValidationFailed(_l("Progress is recorded at a meeting that was held."),
                               "meeting")
    due = {g.id: g for g in goals_at(session, meeting)}
    given = {a.goal_id: a for a in answers}
    for goal_id in given:
        if goal_id not in due:
            raise ValidationFailed(
                _l("This goal is not in the plan in force on the day of the meeting."),
                f"progress_{goal_id}")
    for goal_id in due:
        answer = given.get(goal_id)
        if answer is None or answer.progress is None:
            raise ValidationFailed(_l("Record how this goal is progressing."),
                                   f"progress_{goal_id}")
        if answer.note is not None and len(answer.note) > MAX_NOTE:
            raise ValidationFailed(_l("At most %(n)s characters.", n=MAX_NOTE),
                                   f"note_{goal_id}")
    existing = {p.goal_id: p for p in session.scalars(
        select(MeetingGoalProgress).where(MeetingGoalProgress.meeting_id == meeting.id))}
    stored = []
    for goal_id, answer in given.items():
        row = existing.get(goal_id)
        if row is None:
            row = MeetingGoalProgress(meeting_id=meeting.id, goal_id=goal_id,
                                      case_id=meeting.case_id)
            session.add(row)
        row.progress = answer.progress  # type: ignore[assignment]
        row.note = (answer.note or "").strip() or None
        stored.append(row)
    if done_activities is not None:
        for goal in due.values():
            for activity in goal.activities:
                ticked = activity.id in done_activities
                if activity.done != ticked:
                    activity.done = ticked
    session.flush()
    return stored


@dataclass
class PlanView:
    """The case page's plan: the plan in force, its goals with their latest progress."""

    plan: SupervisionPlan | None
    older: list[SupervisionPlan] = field(default_factory=list)
    latest_progress: dict[int, MeetingGoalProgress] = field(default_factory=dict)
    review_overdue: bool = False
    needs: list[NeedArea] = field(default_factory=list)


def overview(session: Session, case: Case, today: dt.date) -> PlanView:
    """The plan section of ``case`` (already access-checked by the caller)."""
    plans = list(session.scalars(
        select(SupervisionPlan).where(SupervisionPlan.case_id == case.id)
        .options(selectinload(SupervisionPlan.goal_rows).selectinload(PlanGoal.activities))
        .order_by(SupervisionPlan.plan_date.desc(), SupervisionPlan.id.desc())
    ))
    current = plans[0] if plans else None
    latest: dict[int, MeetingGoalProgress] = {}
    if current is not None and current.goal_rows:
        rows = session.execute(
            select(MeetingGoalProgress, Meeting.scheduled_at)
            .join(Meeting, Meeting.id == MeetingGoalProgress.meeting_id)
            .where(MeetingGoalProgress.goal_id.in_([g.id for g in current.goal_rows]))
            .order_by(Meeting.scheduled_at, MeetingGoalProgress.id)
        )
        for progress, _at in rows:  # oldest first, so the newest answer wins
            latest[progress.goal_id] = progress
    overdue = bool(current is not None and current.review_date is not None
                   and current.review_date < today)
    return PlanView(plan=current, older=plans[1:], latest_progress=latest,
                    review_overdue=overdue, needs=assessed_needs(session, case.id))


def summary(rows: list[MeetingGoalProgress]) -> dict[str, int]:
    """Counts per progress value, for the case page's meeting list."""
    counts = {p.value: 0 for p in GoalProgress}
    for row in rows:
        counts[row.progress.value] += 1
    return counts
