"""Working from the case page: which records a case takes, and the case a form is opened for.

An add form opened from the case page names its case in the URL (``?case_id=``). The case is
taken only if the user may add records to it: a case outside their scope is "not found",
a case they may see but not change is "denied" — never preset on the form.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from portal.models import Case, CaseStatus, Client, FormVersion, Process, Submission, WorkAssignment
from portal.services import access
from portal.services.casework import cases
from portal.services.errors import AccessDenied, NotFound


@dataclass(frozen=True)
class RecordKind:
    """A kind of record that can be added to a case from its page."""

    key: str
    label: object  # translatable
    endpoint: str  # the FAB add view
    section: str  # the case page's anchor where the new record shows
    processes: frozenset[Process]
    #: hangs off a work assignment, so the case needs one first
    needs_assignment: bool = False


_WORK = frozenset({Process.FORCED_LABOUR, Process.COMMUNITY_WORK})
_SUPERVISION = frozenset({Process.SUPERVISION})
_ALL = frozenset(Process)

#: in the order the case page offers them
RECORD_KINDS: tuple[RecordKind, ...] = (
    RecordKind("meeting", _l("Meeting"), "MeetingView.add", "case-meetings", _SUPERVISION),
    RecordKind("obligation", _l("Obligation"), "ObligationView.add", "case-obligations",
               _SUPERVISION),
    RecordKind("violation", _l("Violation"), "ViolationView.add", "case-violations",
               _SUPERVISION),
    RecordKind("assessment", _l("Risk and needs assessment"), "RiskNeedsAssessmentView.add",
               "case-assessments", _SUPERVISION),
    RecordKind("plan", _l("Supervision plan"), "SupervisionPlanView.add", "case-plans",
               _SUPERVISION),
    RecordKind("programme", _l("Probation programme"), "ProgrammeParticipationView.add",
               "case-programmes", frozenset({Process.SUPERVISION, Process.PROGRAMMES})),
    RecordKind("assignment", _l("Work assignment"), "WorkAssignmentView.add", "case-work",
               _WORK),
    RecordKind("schedule", _l("Schedule entry"), "WorkScheduleEntryView.add", "case-work",
               _WORK, needs_assignment=True),
    RecordKind("hours", _l("Hours worked"), "HoursLogView.add", "case-work", _WORK,
               needs_assignment=True),
    RecordKind("no_show", _l("No-show"), "NoShowView.add", "case-work", _WORK,
               needs_assignment=True),
    RecordKind("control_act", _l("Control act"), "ControlActView.add", "case-work", _WORK,
               needs_assignment=True),
    RecordKind("incident", _l("Incident at work"), "WorkIncidentView.add", "case-work", _WORK,
               needs_assignment=True),
    RecordKind("evaluation_request", _l("Evaluation report request"),
               "EvaluationReportRequestView.add", "case-evaluation",
               frozenset({Process.EVALUATION})),
    RecordKind("mediation_term", _l("Agreement term"), "MediationTermView.add",
               "case-mediation", frozenset({Process.MEDIATION})),
    RecordKind("document", _l("Document"), "DocumentView.add", "case-documents", _ALL),
)

#: the record kinds (keys are the models' table names) a closed case still offers
_KINDS_TAKEN_WHEN_CLOSED = frozenset(m.__tablename__ for m in cases.TAKEN_WHEN_CLOSED)


def kinds_for(case: Case, *, has_assignment: bool) -> list[RecordKind]:
    """The kinds of record the case's function takes; work records once it has an assignment.

    A closed case takes only what ``cases.TAKEN_WHEN_CLOSED`` names (documents), the rule
    the screens and the API apply to a posted record too.
    """
    closed = case.status == CaseStatus.CLOSED
    return [
        k for k in RECORD_KINDS
        if case.process in k.processes and (has_assignment or not k.needs_assignment)
        and (not closed or k.key in _KINDS_TAKEN_WHEN_CLOSED)
    ]


def case_for_adding(session: Session, case_id: int, actor: access.Actor) -> Case:
    """The case a form is opened for, if the actor may add records to it.

    :raises NotFound: the case does not exist or is outside the actor's scope.
    :raises AccessDenied: the actor may see the case but not add records to it.
    """
    case = session.scalars(
        select(Case).where(Case.id == case_id, access.case_visible(actor))
        .options(selectinload(Case.client))
    ).first()
    if case is None:
        raise NotFound("case")
    if not access.can_add_to_case(session, case.id, actor):
        raise AccessDenied(_l("You may not change records of this case."))
    return case


def assignments_of(session: Session, case_id: int) -> list[WorkAssignment]:
    """The case's work assignments, oldest first (the pickers of work records)."""
    return list(session.scalars(
        select(WorkAssignment).where(WorkAssignment.case_id == case_id)
        .options(selectinload(WorkAssignment.employer))
        .order_by(WorkAssignment.start_date, WorkAssignment.id)
    ))


def submissions_of(session: Session, case_id: int, actor: access.Actor,
                   *, limit: int = 50) -> list[Submission]:
    """The portal submissions about a case that the actor's inbox holds, newest first."""
    return list(session.scalars(
        select(Submission)
        .where(Submission.case_id == case_id, access.condition(Submission, actor))
        .options(selectinload(Submission.version).selectinload(FormVersion.definition))
        .order_by(Submission.id.desc()).limit(limit)
    ))


# --- pickers: choose a case or a client by typing ------------------------------------------

#: the most choices one answer of a picker holds; typing more narrows it
PICKER_LIMIT = 20


@dataclass(frozen=True)
class Choice:
    """One choice of a picker: the row's id and what the user reads."""

    id: int
    text: str


def case_label(case: Case) -> str:
    """How a picker names a case: number, client's name, function."""
    return f"{case.number} — {case.client.full_name} — {case.function}"


def client_label(client: Client) -> str:
    """How a picker names a client: name and the functions of their cases."""
    functions = sorted({str(c.function) for c in client.cases})
    if functions:
        return f"{client.full_name} — {', '.join(functions)}"
    return client.full_name


def _pattern(term: str) -> str:
    escaped = term.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_cases(session: Session, actor: access.Actor, term: str, *,
                 write: bool = True, open_only: bool = False,
                 limit: int = PICKER_LIMIT) -> list[Choice]:
    """Cases whose number or client's name contains ``term``, within the actor's scope
    (by default the cases they may add records to), newest first; with ``open_only``, only
    cases that take new records other than documents (``cases.takes_records``)."""
    cond = access.case_editable(actor) if write else access.case_visible(actor)
    stmt = select(Case).join(Client, Case.client_id == Client.id).where(cond)
    if open_only:
        stmt = stmt.where(cases.taking_records())
    if term.strip():
        pattern = _pattern(term)
        stmt = stmt.where(or_(
            Case.number.ilike(pattern, escape="\\"),
            Client.given_name.ilike(pattern, escape="\\"),
            Client.surname.ilike(pattern, escape="\\"),
            (Client.given_name + " " + Client.surname).ilike(pattern, escape="\\"),
        ))
    rows = session.scalars(
        stmt.options(selectinload(Case.client)).order_by(Case.id.desc()).limit(limit)
    )
    return [Choice(c.id, case_label(c)) for c in rows]


def search_clients(session: Session, actor: access.Actor, term: str, *,
                   write: bool = True, limit: int = PICKER_LIMIT) -> list[Choice]:
    """Clients whose name contains ``term``, within the actor's scope (by default those they
    may add records to), newest first."""
    stmt = select(Client).where(access.condition(Client, actor, write=write))
    if term.strip():
        pattern = _pattern(term)
        stmt = stmt.where(or_(
            Client.given_name.ilike(pattern, escape="\\"),
            Client.surname.ilike(pattern, escape="\\"),
            (Client.given_name + " " + Client.surname).ilike(pattern, escape="\\"),
        ))
    rows = session.scalars(
        stmt.options(selectinload(Client.cases)).order_by(Client.id.desc()).limit(limit)
    )
    return [Choice(c.id, client_label(c)) for c in rows]


__all__ = [
    "RECORD_KINDS", "Choice", "RecordKind", "assignments_of", "case_for_adding",
    "case_label", "client_label", "kinds_for", "search_cases", "search_clients", "submissions_of",
]
