"""Every human read of personal data, logged in one place (the access log).

How a read is noticed: while a request of a logged-in person runs, every row of a model that
holds a client's personal data (``PERSONAL_MODELS``) that the ORM loads is noted, whoever
loads it (FAB screens and pickers, the REST API, the portal, the search, the case page,
exports). Reads of single columns, which the ORM does not load as rows (the portal's linked
clients), are noted by their service with :func:`note`. When the response is ready, the
notes become access-log rows: one per client (and case) the request touched, written with
one bulk insert. A response that fails (status 400 and above) showed nothing and writes
nothing; if the rows cannot be written, the response fails too, so nothing is shown unlogged.

Background tasks are no human read: they are not noted here; a task that reads on a
person's behalf (an export) records that itself with ``audit.record_access``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, g, has_request_context, request
from sqlalchemy import event, select

from portal.models import (
    Case,
    ChangeLog,
    Client,
    ControlAct,
    Decision,
    Document,
    EvaluationReport,
    EvaluationReportRequest,
    ExchangeMessage,
    HoursLog,
    Mediation,
    MediationParty,
    MediationSession,
    Meeting,
    MeetingGoalProgress,
    NoShow,
    Obligation,
    PlanActivity,
    PlanGoal,
    ProgrammeParticipation,
    RiskNeedsAssessment,
    Submission,
    SupervisionPlan,
    SupervisionStart,
    Violation,
    VolunteerTask,
    WorkAssignment,
    WorkIncident,
    WorkScheduleEntry,
)
from portal.models.audit import AccessLog
from portal.models.base import utcnow

# How each model reaches its client: "client" (the row is the client or names it),
# "case" (its case_id), or the parent it hangs off.
_BY_CLIENT: tuple[type, ...] = (Client, Decision)
_BY_CASE: tuple[type, ...] = (
    Case, SupervisionPlan, Obligation, Meeting, Violation, RiskNeedsAssessment,
    PlanGoal, PlanActivity, MeetingGoalProgress, SupervisionStart,
    ProgrammeParticipation, Mediation, EvaluationReportRequest, Document, VolunteerTask,
    Submission, ChangeLog,
    # A message from or to another system carries the person's data (decisions, registry
    # answers); the screens that show one read the client it is about.
    ExchangeMessage,
)
_BY_ASSIGNMENT: tuple[type, ...] = (
    WorkAssignment, WorkScheduleEntry, HoursLog, ControlAct, NoShow, WorkIncident,
)
_BY_MEDIATION: tuple[type, ...] = (MediationParty, MediationSession)
_BY_REQUEST: tuple[type, ...] = (EvaluationReport,)

#: the models whose rows are a client's personal data (or lead straight to it)
PERSONAL_MODELS: tuple[type, ...] = (
    *_BY_CLIENT, *_BY_CASE, *_BY_ASSIGNMENT, *_BY_MEDIATION, *_BY_REQUEST,
)

_KEY = "_plus_reads"


@dataclass
class _Reads:
    """What the current request has read, by the ids that lead to a client."""

    pairs: set[tuple[int | None, int | None]] = field(default_factory=set)  # (client, case)
    actions: dict[tuple[int | None, int | None], str] = field(default_factory=dict)
    assignments: set[int] = field(default_factory=set)
    mediations: set[int] = field(default_factory=set)
    requests: set[int] = field(default_factory=set)


def _reads() -> _Reads | None:
    """The current request's notes (None outside a request)."""
    if not has_request_context():
        return None
    reads = g.get(_KEY)
    if reads is None:
        reads = _Reads()
        setattr(g, _KEY, reads)
    return reads


def note(*, client_id: int | None = None, case_id: int | None = None,
         action: str | None = None) -> None:
    """Note that the current request shows this client's (or case's) personal data.

    ``action`` names the read when the endpoint alone would not say it (an export; with
    neither id it is a bulk read logged as one row). Outside a request this does nothing.
    """
    reads = _reads()
    if reads is None or (client_id is None and case_id is None and action is None):
        return
    reads.pairs.add((client_id, case_id))
    if action:
        reads.actions[(client_id, case_id)] = action


def _add(reads: _Reads, client_id: int | None, case_id: int | None) -> None:
    if client_id is not None or case_id is not None:
        reads.pairs.add((client_id, case_id))


def _on_load(obj: Any, *_args: Any) -> None:
    reads = _reads()
    if reads is None:
        return
    # The loaded values, read without attribute access: a partial refresh must not trigger
    # further loads from inside its own event.
    row = obj.__dict__
    if isinstance(obj, Client):
        _add(reads, row.get("id"), None)
    elif isinstance(obj, Decision):
        _add(reads, row.get("client_id"), None)
    elif isinstance(obj, _BY_CASE):  # Case itself included: its id is the case
        case_id = row.get("id") if isinstance(obj, Case) else row.get("case_id")
        _add(reads, row.get("client_id"), case_id)
    elif isinstance(obj, WorkAssignment):
        _add(reads, None, row.get("case_id"))
    elif isinstance(obj, _BY_ASSIGNMENT):
        reads.assignments.add(row.get("assignment_id"))
    elif isinstance(obj, _BY_MEDIATION):
        reads.mediations.add(row.get("mediation_id"))
    elif isinstance(obj, _BY_REQUEST):
        reads.requests.add(row.get("request_id"))


def _case_ids_of(session: Any, reads: _Reads) -> set[int]:
    case_ids = {case for _client, case in reads.pairs if case is not None}
    for ids, model in (
        (reads.assignments, WorkAssignment),
        (reads.mediations, Mediation),
        (reads.requests, EvaluationReportRequest),
    ):
        ids.discard(None)  # type: ignore[arg-type]
        if ids:
            case_ids.update(session.execute(
                select(model.case_id).where(model.id.in_(ids))  # type: ignore[attr-defined]
            ).scalars())
    return case_ids


def rows_for(session: Any, reads: _Reads, user_id: int, action: str,
             remote_addr: str | None) -> list[dict[str, Any]]:
    """The access-log rows for one request's notes: one per client (and case) read."""
    case_ids = _case_ids_of(session, reads)
    client_of: dict[int, int] = {}
    if case_ids:
        client_of = dict(session.execute(
            select(Case.id, Case.client_id).where(Case.id.in_(case_ids))
        ).tuples().all())
    named: dict[tuple[int | None, int | None], str | None] = {}
    for client_id, case_id in reads.pairs:
        key = (client_of.get(case_id, client_id) if case_id is not None else client_id, case_id)
        explicit = reads.actions.get((client_id, case_id))
        if explicit or key not in named:
            named[key] = explicit or named.get(key)
    for case_id in case_ids:
        named.setdefault((client_of.get(case_id), case_id), None)
    # A client read together with one of their cases needs no row of its own.
    with_case = {client for client, case in named if case is not None}
    at = utcnow()
    return [
        {"at": at, "user_id": user_id, "client_id": client_id, "case_id": case_id,
         "action": (explicit or action)[:80], "remote_addr": remote_addr}
        for (client_id, case_id), explicit in sorted(
            named.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1] or 0))
        if not (case_id is None and client_id in with_case and explicit is None)
    ]


def endpoint_action() -> str:
    """The name a read gets from the request: its endpoint, e.g. ``ClientView.list``."""
    return (request.endpoint or request.path)[:80]


def _flush(response: Response) -> Response:
    reads = g.pop(_KEY, None)
    if reads is None or response.status_code >= 400:
        return response
    if not (reads.pairs or reads.assignments or reads.mediations or reads.requests):
        return response
    from portal.extensions import db
    from portal.services.access import current_actor

    user_id = current_actor().user_id
    if user_id is None:
        return response
    session = db.session
    rows = rows_for(session, reads, user_id, endpoint_action(), request.remote_addr)
    if rows:
        # The request's own work is committed by now (views commit before they answer);
        # what is left is a read transaction, which this commit ends.
        session.execute(AccessLog.__table__.insert(), rows)
        session.commit()
    return response


def install(app: Flask) -> None:
    """Note personal-data rows as the ORM loads them; write the notes after each request."""
    for model in PERSONAL_MODELS:
        if not event.contains(model, "load", _on_load):
            event.listen(model, "load", _on_load)
            event.listen(model, "refresh", _on_load)
    app.after_request(_flush)


def iter_models() -> Iterable[type]:
    """The personal-data models (for tests and the data export)."""
    return PERSONAL_MODELS
