"""The officer's worklist: what needs attention today."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from portal.models import (
    Case,
    CaseFunction,
    CaseStatus,
    EvaluationReport,
    EvaluationReportRequest,
    HoursLog,
    Meeting,
    NoShow,
    Process,
    ReportStatus,
    RequestStatus,
    WorkAssignment,
    WorkScheduleEntry,
)
from portal.services import access

LIMIT = 50
OPEN = (CaseStatus.OPENED, CaseStatus.ACTIVE, CaseStatus.SUSPENDED)
SUPERVISION = [f for f in CaseFunction if f.process == Process.SUPERVISION]


@dataclass
class Worklist:
    """Rows per heading; each row is a small dict ready for the template."""

    reports_due: list[dict[str, Any]] = field(default_factory=list)
    meetings_today: list[dict[str, Any]] = field(default_factory=list)
    meetings_week: list[dict[str, Any]] = field(default_factory=list)
    schedules_ending: list[dict[str, Any]] = field(default_factory=list)
    hours_short: list[dict[str, Any]] = field(default_factory=list)
    no_shows: list[dict[str, Any]] = field(default_factory=list)
    no_recent_meeting: list[dict[str, Any]] = field(default_factory=list)
    # Supervision step by step (portal.services.supervision.due).
    reassessments_due: list[dict[str, Any]] = field(default_factory=list)
    plan_reviews_due: list[dict[str, Any]] = field(default_factory=list)
    responses_due: list[dict[str, Any]] = field(default_factory=list)
    supervision_ending: list[dict[str, Any]] = field(default_factory=list)
    # Evaluation reports and mediation (portal.services.casework.evaluation, .mediation).
    reports_to_review: list[dict[str, Any]] = field(default_factory=list)
    terms_overdue: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.__dict__.values())


def mine(actor: access.Actor) -> ColumnElement[bool]:
    """The cases on this actor's worklist: an officer's own, a manager's unit, all for admin."""
    if actor.is_manager:
        return Case.unit_id == actor.unit_id
    if actor.is_officer:
        # Cases of an absent colleague the officer covers appear too (while the cover runs).
        return or_(Case.officer_id == actor.user_id,
                   Case.officer_id.in_(access.covered_officers(actor)))
    return access.case_visible(actor)


def officer_name(case: Case) -> str:
    """The responsible officer as a manager's worklist names them ("" when none)."""
    # A many-to-one by primary key: each officer is loaded once per request, then taken from
    # the session's identity map.
    return case.officer.get_full_name() if case.officer is not None else ""


def _case_row(case: Case, **extra: Any) -> dict[str, Any]:
    return {"case_id": case.id, "number": case.number, "client": case.client.full_name,
            "function": case.function, "officer": officer_name(case), **extra}


def build(session: Session, actor: access.Actor, today: dt.date, *, due_days: int = 7,
          gap_days: int = 30, officer_id: int | None = None) -> Worklist:
    """Assemble the worklist for ``actor`` as of ``today`` (a manager may narrow it to
    one officer's cases with ``officer_id``)."""
    wl = Worklist()
    scope = and_(mine(actor), access.case_visible(actor), Case.status.in_(OPEN))
    if officer_id is not None:
        scope = and_(scope, Case.officer_id == officer_id)
    if not actor.does_casework:
        return wl

    stmt = (
        select(EvaluationReportRequest, Case)
        .join(Case, EvaluationReportRequest.case_id == Case.id)
        .where(scope, EvaluationReportRequest.status.in_(
            (RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS)),
            EvaluationReportRequest.due_date <= today + dt.timedelta(days=due_days))
        .order_by(EvaluationReportRequest.due_date).limit(LIMIT)
    )
    for req, case in session.execute(stmt):
        wl.reports_due.append(_case_row(case, due=req.due_date, overdue=req.due_date < today,
                                        institution=req.institution))

    start = dt.datetime.combine(today, dt.time.min, tzinfo=dt.UTC)
    week_end = start + dt.timedelta(days=7)
    stmt = (
        select(Meeting, Case).join(Case, Meeting.case_id == Case.id)
        .where(scope, Meeting.held.is_(False), Meeting.scheduled_at >= start,
               Meeting.scheduled_at < week_end)
        .order_by(Meeting.scheduled_at).limit(LIMIT)
    )
    for meeting, case in session.execute(stmt):
        row = _case_row(case, at=meeting.scheduled_at, place=meeting.place)
        if meeting.scheduled_at < start + dt.timedelta(days=1):
            wl.meetings_today.append(row)
        else:
            wl.meetings_week.append(row)

    last_day = (
        select(WorkScheduleEntry.assignment_id, func.max(WorkScheduleEntry.work_date).label("last"))
        .group_by(WorkScheduleEntry.assignment_id).subquery()
    )
    stmt = (
        select(WorkAssignment, Case, last_day.c.last)
        .join(Case, WorkAssignment.case_id == Case.id)
        .join(last_day, last_day.c.assignment_id == WorkAssignment.id)
        .where(scope, last_day.c.last >= today,
               last_day.c.last <= today + dt.timedelta(days=due_days))
        .order_by(last_day.c.last).limit(LIMIT)
    )
    for assignment, case, last in session.execute(stmt):
        wl.schedules_ending.append(_case_row(case, ends=last, employer=str(assignment.employer)))

    confirmed = (
        select(WorkAssignment.case_id, func.coalesce(func.sum(HoursLog.hours), 0).label("done"))
        .join(HoursLog, HoursLog.assignment_id == WorkAssignment.id)
        .where(HoursLog.confirmed.is_(True)).group_by(WorkAssignment.case_id).subquery()
    )
    scheduled_end = (
        select(WorkAssignment.case_id, func.max(WorkScheduleEntry.work_date).label("last"))
        .join(WorkScheduleEntry, WorkScheduleEntry.assignment_id == WorkAssignment.id)
        .group_by(WorkAssignment.case_id).subquery()
    )
    stmt = (
        select(Case, func.coalesce(confirmed.c.done, 0), scheduled_end.c.last)
        .join(scheduled_end, scheduled_end.c.case_id == Case.id)
        .outerjoin(confirmed, confirmed.c.case_id == Case.id)
        .where(scope, Case.hours_ordered.is_not(None), scheduled_end.c.last < today,
               func.coalesce(confirmed.c.done, 0) < Case.hours_ordered)
        .order_by(scheduled_end.c.last).limit(LIMIT)
    )
    for case, done, last in session.execute(stmt):
        wl.hours_short.append(_case_row(case, done=Decimal(done), ordered=case.hours_ordered,
                                        ended=last))

    stmt = (
        select(NoShow, Case).join(WorkAssignment, NoShow.assignment_id == WorkAssignment.id)
        .join(Case, WorkAssignment.case_id == Case.id)
        .where(scope, NoShow.resolved.is_(False)).order_by(NoShow.event_date.desc()).limit(LIMIT)
    )
    for no_show, case in session.execute(stmt):
        wl.no_shows.append(_case_row(case, date=no_show.event_date,
                                     left=no_show.left_without_leave))

    since = start - dt.timedelta(days=gap_days)
    recent = exists().where(Meeting.case_id == Case.id, Meeting.held.is_(True),
                            Meeting.scheduled_at >= since)
    stmt = (
        select(Case).where(scope, Case.status == CaseStatus.ACTIVE,
                           Case.function.in_(SUPERVISION), ~recent,
                           Case.start_date <= today - dt.timedelta(days=gap_days))
        .order_by(Case.start_date).limit(LIMIT)
    )
    for case in session.scalars(stmt):
        wl.no_recent_meeting.append(_case_row(case, since=case.start_date))

    from portal.services.supervision import due

    wl.reassessments_due = due.reassessments(session, scope, today, LIMIT)
    wl.plan_reviews_due = due.plan_reviews(session, scope, today, LIMIT)
    wl.responses_due = due.responses(session, scope, today, due_days, LIMIT)
    wl.supervision_ending = due.ending(session, scope, today, LIMIT)

    if actor.is_manager:
        # Drafts wait for the unit manager's review; only the manager can take them further.
        stmt = (
            select(EvaluationReport, EvaluationReportRequest, Case)
            .join(EvaluationReportRequest,
                  EvaluationReport.request_id == EvaluationReportRequest.id)
            .join(Case, EvaluationReportRequest.case_id == Case.id)
            .where(scope, EvaluationReport.status == ReportStatus.DRAFT,
                   EvaluationReportRequest.status.in_(
                       (RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS)))
            .order_by(EvaluationReportRequest.due_date).limit(LIMIT)
        )
        for _report, req, case in session.execute(stmt):
            wl.reports_to_review.append(_case_row(case, due=req.due_date,
                                                  institution=req.institution))
    from portal.services.casework import mediation

    # An agreement's follow-up outlives the mediation case: its terms are checked after the
    # case closed, so closed cases count here too.
    terms_scope = and_(mine(actor), access.case_visible(actor))
    if officer_id is not None:
        terms_scope = and_(terms_scope, Case.officer_id == officer_id)
    wl.terms_overdue = mediation.overdue_terms(session, terms_scope, today, LIMIT)
    return wl
