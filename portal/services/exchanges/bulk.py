"""A bulk registry query: one registry asked about every active client of a unit.

A unit manager starts it for the whole unit, an officer for their own clients (an
administrator for any unit), always for one purpose. :func:`start` fixes the list of
clients and hands the work to a background task, which calls :func:`run`: one query
(``ExchangeMessage``, ``correlation_id`` ``bulk:<id>``) per client, delivered through the
outbox like any other. :func:`progress` counts the outcomes from those rows, so a reloaded
page (or a restarted worker) shows the same numbers. The same unit, registry and purpose
cannot run twice at once: starting it again returns the running one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, func, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.models import (
    Case,
    CaseStatus,
    Client,
    ExchangeMessage,
    RegistryBulkQuery,
)
from portal.models.base import utcnow
from portal.services import access, audit
from portal.services.errors import AccessDenied, NotFound, ValidationFailed
from portal.services.exchanges import queries
from portal.services.exchanges.answers import outcome

__all__ = [
    "Progress", "get", "incomplete_ids", "messages", "progress", "recent", "run", "start",
]

log = logging.getLogger(__name__)

RUN_TASK = "connectors.tasks.registry_bulk"
# Clients per transaction while the task creates the queries.
CHUNK = 100


@dataclass(frozen=True)
class Progress:
    """How far a bulk query is: outcomes counted from its messages."""

    total: int
    answered: int = 0
    unknown_person: int = 0
    failed: int = 0

    @property
    def done(self) -> int:
        """Queries with an outcome (answered, not known to the registry, or failed)."""
        return self.answered + self.unknown_person + self.failed

    @property
    def percent(self) -> int:
        return 100 if self.total == 0 else min(100, self.done * 100 // self.total)

    @property
    def finished(self) -> bool:
        return self.done >= self.total

    def as_dict(self) -> dict[str, Any]:
        return {"total": self.total, "done": self.done, "answered": self.answered,
                "unknown_person": self.unknown_person, "failed": self.failed,
                "percent": self.percent, "finished": self.finished}


def _correlation(bulk_id: int) -> str:
    return f"bulk:{bulk_id}"


def _scope(actor: access.Actor, unit_id: int | None) -> tuple[int, int | None]:
    """The unit and (for an officer) the officer whose active clients are asked about."""
    if actor.is_admin:
        if unit_id is None:
            raise ValidationFailed(_l("Choose the territorial unit."), "unit")
        return unit_id, None
    if actor.is_manager:
        return actor.unit_id, None  # type: ignore[return-value]
    if actor.is_officer:
        return actor.unit_id, actor.user_id  # type: ignore[return-value]
    raise AccessDenied(_l("Only case workers may query the registries."))


def _active_clients(session: Session, unit_id: int, officer_id: int | None) -> list[int]:
    """Clients with a case of the unit that is not closed (opened, active or suspended)."""
    stmt = select(Case.client_id).where(
        Case.unit_id == unit_id, Case.status != CaseStatus.CLOSED
    ).distinct().order_by(Case.client_id)
    if officer_id is not None:
        stmt = stmt.where(Case.officer_id == officer_id)
    return list(session.scalars(stmt))


def start(
    session: Session, *, registry: str, purpose: str, actor: access.Actor,
    unit_id: int | None = None,
) -> tuple[RegistryBulkQuery, bool]:
    """Start asking ``registry`` about every active client in the actor's scope; commits.

    Returns the bulk query and whether it is new: while the same unit (or officer), registry
    and purpose is still running, that one is returned instead of a second.

    :raises ValidationFailed: no (known) purpose or registry, no unit (admin), no clients.
    :raises AccessDenied: the actor does no case work.
    """
    queries.check_choice(registry, purpose)
    unit, officer = _scope(actor, unit_id)
    key = f"{unit}:{registry}:{purpose}:{officer or 'unit'}"
    running = _running(session, key)
    if running is not None:
        return running, False
    client_ids = _active_clients(session, unit, officer)
    if not client_ids:
        raise ValidationFailed(_l("There are no active clients to ask about."), "registry")
    bulk = RegistryBulkQuery(
        connector=registry, purpose=purpose, unit_id=unit, officer_id=officer,
        started_by_id=actor.user_id, client_ids=client_ids, total=len(client_ids),
        running_key=key,
    )
    session.add(bulk)
    try:
        session.commit()
    except IntegrityError:
        # Started at the same moment by someone else: theirs is the running one.
        session.rollback()
        running = _running(session, key)
        if running is None:
            raise
        return running, False
    _hand_over(bulk.id)
    return bulk, True


def _running(session: Session, key: str) -> RegistryBulkQuery | None:
    bulk = session.scalars(
        select(RegistryBulkQuery).where(RegistryBulkQuery.running_key == key)
    ).first()
    if bulk is not None and progress(session, bulk).finished:
        return None  # progress() has just marked it finished
    return bulk


def _hand_over(bulk_id: int) -> None:
    """Queue the task; if the broker is down the beat's sweep starts it later."""
    from portal.extensions import celery_app

    task = celery_app.tasks.get(RUN_TASK)
    if task is None:
        return
    try:
        task.apply_async((bulk_id,))
    except Exception as exc:  # broker down: the row is enough, incomplete_ids() finds it
        log.warning("bulk query %s left for the sweep (%s)", bulk_id, type(exc).__name__)


def run(session: Session, bulk_id: int) -> int:
    """Create the queries of a bulk query, one per client (idempotent: a repeated run finds
    the queries already made); commits per chunk. Returns how many it created."""
    bulk = session.get(RegistryBulkQuery, bulk_id)
    if bulk is None or bulk.finished_at is not None:
        return 0
    registry, purpose, unit_id, user_id = (bulk.connector, bulk.purpose, bulk.unit_id,
                                           bulk.started_by_id)
    ids = list(bulk.client_ids)
    created = 0
    # Acting as the officer who started it: their name is on the access log of each query.
    with audit.acting_as(user_id, f"registry_bulk:{bulk_id}"):
        for start_at in range(0, len(ids), CHUNK):
            chunk = ids[start_at:start_at + CHUNK]
            for client in session.scalars(select(Client).where(Client.id.in_(chunk))):
                key = f"bulk:{bulk_id}:{client.id}"
                new = session.scalars(select(ExchangeMessage.id).where(
                    ExchangeMessage.idempotency_key == key)).first() is None
                if not new:
                    continue
                queries.enqueue_query(
                    session, registry=registry, client=client, purpose=purpose,
                    user_id=user_id, unit_id=unit_id, key=key,
                    correlation_id=_correlation(bulk_id),
                )
                created += 1
            session.commit()  # the outbox hands these to delivery after each commit
    return created


def incomplete_ids(session: Session, *, limit: int = 20) -> list[int]:
    """Running bulk queries that have fewer queries than clients (their task was lost)."""
    made = (select(func.count(ExchangeMessage.id))
            .where(ExchangeMessage.correlation_id
                   == literal("bulk:") + cast(RegistryBulkQuery.id, String))
            .correlate(RegistryBulkQuery).scalar_subquery())
    return list(session.scalars(
        select(RegistryBulkQuery.id).where(RegistryBulkQuery.running_key.is_not(None),
                                           made < RegistryBulkQuery.total).limit(limit)
    ))


def get(session: Session, bulk_id: int, actor: access.Actor) -> RegistryBulkQuery:
    """A bulk query the actor may see: their unit's (Admin: any).

    :raises NotFound: otherwise.
    """
    bulk = session.get(RegistryBulkQuery, bulk_id)
    if bulk is None or not actor.does_casework or not (
        actor.is_admin or bulk.unit_id == actor.unit_id
    ):
        raise NotFound(_l("The bulk query does not exist or is not in your unit."))
    return bulk


def recent(session: Session, actor: access.Actor, *, limit: int = 10
           ) -> list[RegistryBulkQuery]:
    """The latest bulk queries of the actor's unit (Admin: of every unit), newest first."""
    if not actor.does_casework:
        return []
    stmt = select(RegistryBulkQuery).order_by(RegistryBulkQuery.id.desc()).limit(limit)
    if not actor.is_admin:
        stmt = stmt.where(RegistryBulkQuery.unit_id == actor.unit_id)
    return list(session.scalars(stmt))


def progress(session: Session, bulk: RegistryBulkQuery) -> Progress:
    """The outcomes so far, counted from the bulk query's messages (never from memory).

    Reads columns only, not message rows, so polling it reads no one's personal data. Marks
    the bulk query finished (and commits) when every client has an outcome.
    """
    counts = {"answered": 0, "unknown_person": 0, "failed": 0, "waiting": 0}
    rows = session.execute(
        select(ExchangeMessage.status, ExchangeMessage.response)
        .where(ExchangeMessage.correlation_id == _correlation(bulk.id))
    ).all()
    for status, response in rows:
        counts[outcome(status, response)] += 1
    result = Progress(total=bulk.total, answered=counts["answered"],
                      unknown_person=counts["unknown_person"], failed=counts["failed"])
    if result.finished and bulk.finished_at is None:
        bulk.finished_at = utcnow()
        bulk.running_key = None
        session.commit()
    return result


def messages(session: Session, bulk: RegistryBulkQuery, actor: access.Actor
             ) -> list[ExchangeMessage]:
    """The bulk query's messages with their clients, ordered by client name (a read of
    those clients' data: the page that shows them is logged)."""
    return list(session.scalars(
        select(ExchangeMessage).join(Client, Client.id == ExchangeMessage.client_id)
        .where(ExchangeMessage.correlation_id == _correlation(bulk.id),
               access.condition(ExchangeMessage, actor))
        .order_by(Client.surname, Client.given_name, ExchangeMessage.id)
    ))
