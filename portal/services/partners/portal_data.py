"""What the portal shows: read models for "Mani probācijas dati" and "Probācijas klienta dati".

Who may see which client, case and work assignment is decided by
:mod:`portal.services.partners.portal_scope` alone: the functions here take the links it gives
(``LinkedClient``: case and assignment ids) and read, for those only, the parts of the case
the portal shows (never internal notes, risk assessments or a mediation victim's data):

* a client sees their cases: function, status, responsible officer and contact,
  obligations, work schedule, hours confirmed of hours ordered, upcoming meetings and the
  documents shared with them;
* an employer sees, for a linked client, the linked work assignments (at that employer) with
  schedule and hours; a volunteer sees the tasks given to them and the mediations they lead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.models import (
    Case,
    CaseStatus,
    Client,
    Document,
    HoursLog,
    Mediation,
    MediationSession,
    Meeting,
    Obligation,
    ObligationStatus,
    PlusUser,
    Submission,
    VolunteerTask,
    WorkAssignment,
    WorkScheduleEntry,
)
from portal.models.base import utcnow

__all__ = [
    "AssignmentView",
    "CaseView",
    "PartnerClientView",
    "my_cases",
    "my_submission",
    "partner_client",
    "shared_document",
]

# Bounds so that one long case cannot make a page slow; the officer screens show the rest.
_MAX_ROWS = 200


@dataclass
class AssignmentView:
    """A work assignment with its schedule and hours."""

    assignment: WorkAssignment
    schedule: list[WorkScheduleEntry]
    hours: list[HoursLog]
    hours_confirmed: Decimal
    hours_reported: Decimal  # reported but not yet confirmed by an officer


@dataclass
class CaseView:
    """One of the client's own cases, as the portal shows it."""

    case: Case
    officer: PlusUser | None
    obligations: list[Obligation]
    assignments: list[AssignmentView]
    meetings: list[Meeting]
    documents: list[Document]
    hours_confirmed: Decimal
    hours_ordered: Decimal | None

    @property
    def hours_remaining(self) -> Decimal | None:
        """Hours still to work (never below zero), when the case has hours ordered."""
        if self.hours_ordered is None:
            return None
        return max(self.hours_ordered - self.hours_confirmed, Decimal(0))


@dataclass
class PartnerClientView:
    """A client as an employer or volunteer linked to them sees them."""

    client: Client
    assignments: list[AssignmentView] = field(default_factory=list)
    tasks: list[VolunteerTask] = field(default_factory=list)
    mediation_sessions: list[MediationSession] = field(default_factory=list)


def _assignment_view(
    session: Any, assignment: WorkAssignment, since: dt.date | None
) -> AssignmentView:
    schedule_q = select(WorkScheduleEntry).where(WorkScheduleEntry.assignment_id == assignment.id)
    if since is not None:
        schedule_q = schedule_q.where(WorkScheduleEntry.work_date >= since)
    schedule = list(
        session.execute(schedule_q.order_by(WorkScheduleEntry.work_date).limit(_MAX_ROWS))
        .scalars()
    )
    hours = list(
        session.execute(
            select(HoursLog)
            .where(HoursLog.assignment_id == assignment.id)
            .order_by(HoursLog.work_date.desc())
            .limit(_MAX_ROWS)
        ).scalars()
    )
    totals = dict(
        session.execute(
            select(HoursLog.confirmed, func.coalesce(func.sum(HoursLog.hours), 0))
            .where(HoursLog.assignment_id == assignment.id)
            .group_by(HoursLog.confirmed)
        ).all()
    )
    return AssignmentView(
        assignment=assignment,
        schedule=schedule,
        hours=hours,
        hours_confirmed=Decimal(totals.get(True, 0)),
        hours_reported=Decimal(totals.get(False, 0)),
    )


def my_cases(session: Any, links: list[Any], today: dt.date) -> list[CaseView]:
    """A client's cases (the ``portal_scope.linked_clients`` of the client), newest first."""
    case_ids = _case_ids(links)
    cases = (
        session.execute(
            select(Case)
            .where(Case.id.in_(case_ids))
            .options(selectinload(Case.officer), selectinload(Case.unit))
            .order_by((Case.status == CaseStatus.CLOSED), Case.start_date.desc(), Case.id.desc())
        )
        .scalars()
        .all()
    )
    now = utcnow()
    views: list[CaseView] = []
    for case in cases:
        obligations = list(
            session.execute(
                select(Obligation)
                .where(Obligation.case_id == case.id, Obligation.status == ObligationStatus.IN_FORCE)
                .order_by(Obligation.start_date, Obligation.id)
                .limit(_MAX_ROWS)
            ).scalars()
        )
        assignments = [
            _assignment_view(session, a, since=today)
            for a in session.execute(
                select(WorkAssignment)
                .where(WorkAssignment.case_id == case.id)
                .options(selectinload(WorkAssignment.employer))
                .order_by(WorkAssignment.start_date, WorkAssignment.id)
            ).scalars()
        ]
        meetings = list(
            session.execute(
                select(Meeting)
                .where(
                    Meeting.case_id == case.id,
                    Meeting.scheduled_at >= now,
                    Meeting.held.is_(False),
                )
                .order_by(Meeting.scheduled_at)
                .limit(_MAX_ROWS)
            ).scalars()
        )
        documents = list(
            session.execute(
                select(Document)
                .where(Document.case_id == case.id, Document.shared_with_client.is_(True))
                .order_by(Document.created_at.desc(), Document.id.desc())
                .limit(_MAX_ROWS)
            ).scalars()
        )
        views.append(
            CaseView(
                case=case,
                officer=case.officer,
                obligations=obligations,
                assignments=assignments,
                meetings=meetings,
                documents=documents,
                hours_confirmed=sum((a.hours_confirmed for a in assignments), Decimal(0)),
                hours_ordered=case.hours_ordered,
            )
        )
    return views


def shared_document(session: Any, links: list[Any], document_id: int) -> Document | None:
    """A document shared with the client on one of their linked cases, else None."""
    return session.execute(
        select(Document).where(
            Document.id == document_id,
            Document.shared_with_client.is_(True),
            Document.case_id.in_(_case_ids(links)),
        )
    ).scalar_one_or_none()


def _case_ids(links: list[Any]) -> list[int]:
    return [link.case_id for link in links if link.case_id is not None]


def partner_client(
    session: Any,
    client_id: int,
    links: list[Any],
    *,
    employer_id: int | None,
    volunteer_id: int | None,
) -> PartnerClientView | None:
    """What an employer or volunteer sees of a client, through its links to them.

    :param links: the user's ``portal_scope.linked_clients`` entries for this client; only
        their work assignments (employers) and cases (volunteers) are read.
    """
    links = [link for link in links if link.client_id == client_id]
    client = session.get(Client, client_id) if links else None
    if client is None:
        return None
    view = PartnerClientView(client=client)
    assignment_ids = [link.assignment_id for link in links if link.assignment_id is not None]
    if employer_id is not None and assignment_ids:
        assignments = session.execute(
            select(WorkAssignment)
            .where(WorkAssignment.id.in_(assignment_ids),
                   WorkAssignment.employer_id == employer_id)
            .options(selectinload(WorkAssignment.case))
            .order_by(WorkAssignment.start_date, WorkAssignment.id)
        ).scalars()
        view.assignments = [_assignment_view(session, a, since=None) for a in assignments]
    case_ids = _case_ids(links)
    if volunteer_id is not None and case_ids:
        view.tasks = list(
            session.execute(
                select(VolunteerTask)
                .where(VolunteerTask.case_id.in_(case_ids),
                       VolunteerTask.volunteer_id == volunteer_id)
                .order_by(VolunteerTask.start_date, VolunteerTask.id)
            ).scalars()
        )
        view.mediation_sessions = list(
            session.execute(
                select(MediationSession)
                .join(Mediation, Mediation.id == MediationSession.mediation_id)
                .where(
                    Mediation.case_id.in_(case_ids),
                    Mediation.mediator_volunteer_id == volunteer_id,
                )
                .order_by(MediationSession.scheduled_at)
                .limit(_MAX_ROWS)
            ).scalars()
        )
    return view


def my_submission(session: Any, user_id: int, submission_id: int) -> Submission | None:
    """One of the user's own submissions, else None (someone else's is "not found")."""
    return session.execute(
        select(Submission).where(
            Submission.id == submission_id, Submission.submitted_by_id == user_id
        )
    ).scalar_one_or_none()
