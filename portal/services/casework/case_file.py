"""The case page's data: everything that belongs to one case, already access-filtered."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from portal.models import (
    Case,
    Document,
    EvaluationReport,
    EvaluationReportRequest,
    HoursLog,
    Mediation,
    MediationParty,
    WorkAssignment,
)
from portal.services import access
from portal.services.errors import NotFound


@dataclass
class CaseFile:
    """One case with its lists, for the case page."""

    case: Case
    assignments: list[WorkAssignment]
    hours_confirmed: Decimal
    hours_reported: Decimal
    hours_ordered: Decimal | None
    mediation: Mediation | None
    parties: list[MediationParty]
    evaluation_requests: list[EvaluationReportRequest]
    #: per report id, the workflow steps the actor may take (``access.report_actions``)
    report_actions: dict[int, frozenset[str]]
    documents: list[Document]
    sections: dict[str, Any]


def hours_done(session: Session, case_id: int, *, confirmed_only: bool = True) -> Decimal:
    """Hours worked on a case; by default only hours an officer confirmed."""
    stmt = (
        select(func.coalesce(func.sum(HoursLog.hours), 0))
        .join(WorkAssignment, HoursLog.assignment_id == WorkAssignment.id)
        .where(WorkAssignment.case_id == case_id)
    )
    if confirmed_only:
        stmt = stmt.where(HoursLog.confirmed.is_(True))
    return Decimal(session.execute(stmt).scalar_one())


def build(session: Session, case_id: int, actor: access.Actor) -> CaseFile:
    """Load the case file for the case page.

    :raises NotFound: when the case does not exist or is outside the actor's scope.
    """
    case = session.scalars(
        select(Case)
        .where(Case.id == case_id, access.case_visible(actor))
        .options(
            selectinload(Case.client), selectinload(Case.decision), selectinload(Case.officer),
            selectinload(Case.plans), selectinload(Case.obligations),
            selectinload(Case.meetings), selectinload(Case.violations),
            selectinload(Case.assessments), selectinload(Case.programmes),
        )
    ).first()
    if case is None:
        raise NotFound("case")
    assignments = list(
        session.scalars(
            select(WorkAssignment)
            .where(WorkAssignment.case_id == case.id)
            .options(
                selectinload(WorkAssignment.employer), selectinload(WorkAssignment.schedule),
                selectinload(WorkAssignment.hours), selectinload(WorkAssignment.no_shows),
                selectinload(WorkAssignment.control_acts), selectinload(WorkAssignment.incidents),
            )
            .order_by(WorkAssignment.start_date)
        )
    )
    mediation = session.scalars(
        select(Mediation).where(Mediation.case_id == case.id)
        .options(selectinload(Mediation.sessions), selectinload(Mediation.terms))
    ).first()
    parties: list[MediationParty] = []
    if mediation is not None:
        parties = list(session.scalars(
            select(MediationParty).where(
                MediationParty.mediation_id == mediation.id,
                access.victim_visible(actor),
            ).order_by(MediationParty.role)
        ))
    requests = list(session.scalars(
        select(EvaluationReportRequest).where(EvaluationReportRequest.case_id == case.id)
        .options(selectinload(EvaluationReportRequest.report)
                 .selectinload(EvaluationReport.versions))
        .order_by(EvaluationReportRequest.due_date)
    ))
    report_actions = {
        r.report.id: access.report_actions(session, r.report, actor)
        for r in requests if r.report is not None
    }
    docs = list(session.scalars(
        select(Document).where(Document.case_id == case.id).order_by(Document.id.desc())
    ))
    # The hours are loaded with the assignments: summing them here saves two queries a page.
    hours = [h for a in assignments for h in a.hours]
    return CaseFile(
        case=case,
        assignments=assignments,
        hours_confirmed=sum((Decimal(h.hours) for h in hours if h.confirmed), Decimal(0)),
        hours_reported=sum((Decimal(h.hours) for h in hours), Decimal(0)),
        hours_ordered=case.hours_ordered,
        mediation=mediation,
        parties=parties,
        evaluation_requests=requests,
        report_actions=report_actions,
        documents=docs,
        sections={
            "plans": sorted(case.plans, key=lambda p: p.plan_date, reverse=True),
            "obligations": case.obligations,
            "meetings": sorted(case.meetings, key=lambda m: m.scheduled_at, reverse=True),
            "violations": sorted(case.violations, key=lambda v: v.violation_date, reverse=True),
            "assessments": case.assessments,
            "programmes": case.programmes,
        },
    )
