"""The case page's supervision section: the registered start, term, decisions, obligations
with their latest compliance, the plan with its goals' progress, meetings, assessments with
their change, violations with their response ladder."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.models import (
    Case,
    Meeting,
    MeetingObligationCheck,
    Process,
    SupervisionStart,
    Violation,
    ViolationResponse,
)
from portal.services.supervision import assessment, obligations, plan, start, term, violations


@dataclass
class Overview:
    """What the supervision section shows."""

    term: term.Term
    days_left: int | None
    meetings: list[tuple[Meeting, dict[str, int]]] = field(default_factory=list)
    latest_compliance: dict[int, MeetingObligationCheck] = field(default_factory=dict)
    history: list[assessment.HistoryRow] = field(default_factory=list)
    reassessment_due: dt.date | None = None
    violations: list[tuple[Violation, list[ViolationResponse]]] = field(default_factory=list)
    next_step: Any = None
    is_supervision: bool = True
    #: the plan in force with its goals' latest progress (migration 0021_plan)
    plan: plan.PlanView | None = None
    #: the registered start of supervision and its notices, if registered
    start: SupervisionStart | None = None
    start_category: str = ""


def build(session: Session, case: Case, today: dt.date) -> Overview:
    """The supervision section of ``case`` (already access-checked by the caller)."""
    the_term = term.of_case(session, case)
    meetings = list(session.scalars(
        select(Meeting).where(Meeting.case_id == case.id)
        .options(selectinload(Meeting.checks), selectinload(Meeting.progress))
        .order_by(Meeting.scheduled_at.desc())
    ))
    latest: dict[int, MeetingObligationCheck] = {}
    for meeting in reversed(meetings):  # oldest first, so the newest answer wins
        if not meeting.held:
            continue
        for check in meeting.checks:
            latest[check.obligation_id] = check
    registered = start.of_case(session, case.id)
    found = list(session.scalars(
        select(Violation).where(Violation.case_id == case.id)
        .options(selectinload(Violation.responses)).order_by(Violation.violation_date.desc())
    ))
    return Overview(
        term=the_term,
        days_left=the_term.days_left(today),
        meetings=[(m, obligations.summary(m.checks)) for m in meetings],
        latest_compliance=latest,
        history=assessment.history(session, case.id),
        reassessment_due=assessment.latest_due(session, case.id),
        violations=[(v, sorted(v.responses, key=lambda r: (r.due_date, r.id))) for v in found],
        next_step=violations.next_step(session, case.id),
        is_supervision=case.process is Process.SUPERVISION,
        plan=plan.overview(session, case, today),
        start=registered,
        start_category=start.category_label(registered.record_category) if registered else "",
    )
