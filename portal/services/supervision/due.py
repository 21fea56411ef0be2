"""The supervision rows of the officer's worklist: reassessments due, plan reviews due,
responses to violations due, and supervision terms ending."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, selectinload

from portal.models import (
    Case,
    CaseDecision,
    CaseFunction,
    Process,
    RiskNeedsAssessment,
    SupervisionPlan,
    ViolationResponse,
)
from portal.services.supervision import setting, term

SUPERVISION = [f for f in CaseFunction if f.process == Process.SUPERVISION]


def _row(case: Case, **extra: Any) -> dict[str, Any]:
    from portal.services.casework.worklist import officer_name

    return {"case_id": case.id, "number": case.number, "client": case.client.full_name,
            "function": case.function, "officer": officer_name(case), **extra}


def reassessments(session: Session, scope: ColumnElement[bool], today: dt.date,
                  limit: int) -> list[dict[str, Any]]:
    """Open supervision cases whose latest assessment is due again within
    REASSESSMENT_NOTICE_DAYS (or overdue)."""
    notice = int(setting("REASSESSMENT_NOTICE_DAYS", 14))
    latest = (
        select(RiskNeedsAssessment.case_id,
               func.max(RiskNeedsAssessment.assessment_date).label("last"))
        .group_by(RiskNeedsAssessment.case_id).subquery()
    )
    stmt = (
        select(Case, RiskNeedsAssessment.reassessment_due)
        .join(latest, latest.c.case_id == Case.id)
        .join(RiskNeedsAssessment, (RiskNeedsAssessment.case_id == Case.id)
              & (RiskNeedsAssessment.assessment_date == latest.c.last))
        .where(scope, Case.function.in_(SUPERVISION),
               RiskNeedsAssessment.reassessment_due.is_not(None),
               RiskNeedsAssessment.reassessment_due <= today + dt.timedelta(days=notice))
        .options(selectinload(Case.client))
        .order_by(RiskNeedsAssessment.reassessment_due).limit(limit)
    )
    rows, seen = [], set()
    for case, due in session.execute(stmt):
        if case.id not in seen:  # two assessments on the same latest day
            seen.add(case.id)
            rows.append(_row(case, due=due, overdue=due < today))
    return rows


def plan_reviews(session: Session, scope: ColumnElement[bool], today: dt.date,
                 limit: int) -> list[dict[str, Any]]:
    """Open supervision cases whose latest plan is due for review within
    PLAN_REVIEW_NOTICE_DAYS (or overdue)."""
    notice = int(setting("PLAN_REVIEW_NOTICE_DAYS", 14))
    latest = (
        select(SupervisionPlan.case_id, func.max(SupervisionPlan.plan_date).label("last"))
        .group_by(SupervisionPlan.case_id).subquery()
    )
    stmt = (
        select(Case, SupervisionPlan.review_date)
        .join(latest, latest.c.case_id == Case.id)
        .join(SupervisionPlan, (SupervisionPlan.case_id == Case.id)
              & (SupervisionPlan.plan_date == latest.c.last))
        .where(scope, Case.function.in_(SUPERVISION),
               SupervisionPlan.review_date.is_not(None),
               SupervisionPlan.review_date <= today + dt.timedelta(days=notice))
        .options(selectinload(Case.client))
        .order_by(SupervisionPlan.review_date).limit(limit)
    )
    rows, seen = [], set()
    for case, due in session.execute(stmt):
        if case.id not in seen:  # two plans on the same latest day
            seen.add(case.id)
            rows.append(_row(case, due=due, overdue=due < today))
    return rows


def responses(session: Session, scope: ColumnElement[bool], today: dt.date, due_days: int,
              limit: int) -> list[dict[str, Any]]:
    """Steps of the response ladder not yet done, due within ``due_days`` or overdue."""
    stmt = (
        select(ViolationResponse, Case).join(Case, ViolationResponse.case_id == Case.id)
        .where(scope, ViolationResponse.done_date.is_(None),
               ViolationResponse.due_date <= today + dt.timedelta(days=due_days))
        .options(selectinload(Case.client))
        .order_by(ViolationResponse.due_date).limit(limit)
    )
    return [_row(case, step=r.step, due=r.due_date, overdue=r.due_date < today)
            for r, case in session.execute(stmt)]


def ending(session: Session, scope: ColumnElement[bool], today: dt.date,
           limit: int) -> list[dict[str, Any]]:
    """Open supervision cases whose term (as the decisions make it) ends within
    SUPERVISION_ENDING_DAYS, or has ended without the case being closed.

    The term is computed, not stored, so a later decision changes it at once; a case can end
    no later than its opening decision's months plus every extension and suspension, which
    bounds the candidates the database returns.
    """
    window = int(setting("SUPERVISION_ENDING_DAYS", 30))
    cases = list(session.scalars(
        select(Case).where(scope, Case.function.in_(SUPERVISION))
        .options(selectinload(Case.client), selectinload(Case.decision))
    ))
    if not cases:
        return []
    later: dict[int, list[CaseDecision]] = {}
    for link in session.scalars(
        select(CaseDecision).where(CaseDecision.case_id.in_([c.id for c in cases]))
        .options(selectinload(CaseDecision.decision))
        .order_by(CaseDecision.effective_date, CaseDecision.id)
    ):
        later.setdefault(link.case_id, []).append(link)
    rows = []
    for case in cases:
        the_term = term.compute(case, later.get(case.id, []))
        if the_term.end is not None and the_term.end <= today + dt.timedelta(days=window):
            rows.append(_row(case, ends=the_term.end, overdue=the_term.end < today))
    rows.sort(key=lambda r: r["ends"])
    return rows[:limit]
