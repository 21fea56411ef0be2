"""The transactional outbox: outbound messages are never lost and never sent twice by us.

* :func:`enqueue` adds a message in the caller's transaction, so it commits (or rolls back)
  with the case change that causes it; the same idempotency key never makes a second row.
* After the commit, :func:`kick` asks Celery to deliver the new rows at once. If Redis is
  down the request does not wait (short broker timeouts, no publish retries): the rows stay
  queued and the beat's :func:`due_ids` sweep finds them.
* :func:`deliver` takes one row with ``SELECT … FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite
  has one writer and gets a plain select), calls the connector and records the outcome in
  the same transaction: sent; or another attempt after an exponential backoff with jitter;
  or failed after ``EXCHANGE_MAX_ATTEMPTS`` (admins see it and may :func:`retry` it).

A worker killed during a delivery leaves the row locked only until PostgreSQL drops the dead
connection; the task itself is redelivered by Redis (``acks_late``, visibility timeout), and
the row is still queued. The idempotency key goes along with every delivery so the receiving
system can drop a repeat of a delivery whose answer was lost.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from portal.models import Direction, ExchangeMessage, ExchangeStatus
from portal.models.base import utcnow
from portal.services import access
from portal.services.errors import AccessDenied, IllegalTransition, NotFound
from portal.services.exchanges.shapes import BadMessage, TransientError, UnknownPerson

__all__ = ["backoff", "deliver", "due_ids", "enqueue", "install", "kick", "retry"]

log = logging.getLogger(__name__)

DELIVER_TASK = "connectors.tasks.deliver"
_PENDING = "plus_outbox_new"


def enqueue(
    session: Session,
    *,
    connector: str,
    system: str,
    kind: str,
    payload: dict[str, Any],
    key: str,
    direction: Direction = Direction.OUTBOUND,
    case_id: int | None = None,
    client_id: int | None = None,
    unit_id: int | None = None,
    correlation_id: str | None = None,
) -> ExchangeMessage:
    """Put a message into the outbox in the caller's transaction (the caller commits).

    ``key`` identifies what caused the message (e.g. ``execution_notice:case:12``); a second
    call with the same key returns the first message and adds nothing.
    """
    for obj in session.new:
        if isinstance(obj, ExchangeMessage) and obj.idempotency_key == key:
            return obj
    with session.no_autoflush:
        found = session.scalars(
            select(ExchangeMessage).where(ExchangeMessage.idempotency_key == key)
        ).first()
    if found is not None:
        return found
    message = ExchangeMessage(
        connector=connector, system=system, direction=direction, kind=kind,
        idempotency_key=key, payload=payload, status=ExchangeStatus.QUEUED, attempts=0,
        next_attempt_at=utcnow(), case_id=case_id, client_id=client_id, unit_id=unit_id,
        correlation_id=correlation_id,
    )
    session.add(message)
    session.info.setdefault(_PENDING, []).append(message)
    return message


def _after_commit(session: Session) -> None:
    new = session.info.pop(_PENDING, [])
    ids = [m.id for m in new if m.id is not None]
    if ids:
        kick(ids)


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def install(session: Any) -> None:
    """Attach the after-commit kick to a session (or scoped session / sessionmaker)."""
    if not event.contains(session, "after_commit", _after_commit):
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_soft_rollback", lambda s, _t: _after_rollback(s))


def kick(ids: Iterable[int]) -> int:
    """Ask Celery to deliver these messages now; never raises and never waits long.

    Returns how many were handed over. Whatever is not handed over (Redis down) stays
    queued for the beat's sweep. Inline (no Redis) the deliveries run here and now.
    """
    from portal.extensions import celery_app

    task = celery_app.tasks.get(DELIVER_TASK)
    if task is None:
        return 0
    eager = bool(celery_app.conf.task_always_eager)
    if not eager and time.monotonic() < _broker["down_until"]:
        return 0  # Redis failed a moment ago: do not make every request wait for it
    handed = 0
    for message_id in ids:
        try:
            task.apply_async((message_id,))
            handed += 1
        except Exception as exc:  # broker down: the outbox row is enough
            log.warning("outbox: message %s left for the sweep (%s)", message_id,
                        type(exc).__name__)
            retry_after = float(current_app.config.get("BROKER_RETRY_AFTER_SECONDS", 30))
            _broker["down_until"] = time.monotonic() + retry_after
            break
    return handed


# When the broker last failed a kick, requests skip it until this monotonic time.
_broker: dict[str, float] = {"down_until": 0.0}


def backoff(attempts: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Seconds before attempt ``attempts + 1``: ``base`` doubled per attempt, capped, with
    "equal jitter" (between half and all of it) so retries of many messages spread out."""
    delay = min(cap, base * (2 ** max(0, attempts - 1)))
    return (rng or random).uniform(delay / 2, delay)


def due_ids(session: Session, *, limit: int = 100, now: dt.datetime | None = None) -> list[int]:
    """Ids of queued messages whose time has come, skipping rows a delivery holds."""
    stmt = (
        select(ExchangeMessage.id)
        .where(
            ExchangeMessage.status == ExchangeStatus.QUEUED,
            ExchangeMessage.next_attempt_at <= (now or utcnow()),
        )
        # Oldest first, and in the order written when due together: a move then a
        # cancellation of one booking must reach the other system in that order.
        .order_by(ExchangeMessage.next_attempt_at, ExchangeMessage.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    ids = list(session.scalars(stmt))
    session.commit()
    return ids


def deliver(
    session: Session, message_id: int, resolve: Callable[[str], Any]
) -> ExchangeMessage | None:
    """Deliver one queued message through its connector (``resolve(name)`` gives it).

    Returns the message, or None when there is nothing to do (already sent or failed, not
    due, or another worker holds it). Idempotent; commits.
    """
    stmt = select(ExchangeMessage).where(
        ExchangeMessage.id == message_id, ExchangeMessage.status == ExchangeStatus.QUEUED,
        ExchangeMessage.next_attempt_at <= utcnow(),
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    message = session.scalars(stmt).first()
    if message is None:
        session.rollback()
        return None
    config = current_app.config
    now = utcnow()
    message.attempts += 1
    try:
        connector = resolve(message.connector)
        if message.direction is Direction.QUERY:
            answer = connector.query(message.payload.get("personal_code", ""),
                                     message.payload.get("purpose", ""))
        else:
            answer = connector.send(message.kind, message.payload, message.idempotency_key)
    except LookupError as exc:
        _retry_later(message, f"connector not enabled: {exc}", config, now)
    except TransientError as exc:
        _retry_later(message, str(exc), config, now)
    except UnknownPerson as exc:
        # A clear answer, not a fault: the officer is told the registry does not know them.
        message.status = ExchangeStatus.FAILED
        message.last_error = str(exc)
        message.response = {"unknown_person": True}
        message.processed_at = now
    except BadMessage as exc:
        message.status = ExchangeStatus.FAILED
        message.last_error = str(exc)
        message.processed_at = now
        if exc.code:
            # The system's own error code, for the screens (e.g. no active e-address).
            message.response = {"error": exc.code}
    else:
        message.status = ExchangeStatus.SENT
        message.response = answer if isinstance(answer, dict) else {"answer": answer}
        message.last_error = None
        message.processed_at = now
    session.commit()
    return message


def _retry_later(message: ExchangeMessage, error: str, config: Any, now: dt.datetime) -> None:
    message.last_error = error[:2000]
    if message.attempts >= int(config["EXCHANGE_MAX_ATTEMPTS"]):
        message.status = ExchangeStatus.FAILED
        message.processed_at = now
        return
    delay = backoff(message.attempts, float(config["EXCHANGE_BACKOFF_SECONDS"]),
                    float(config["EXCHANGE_BACKOFF_CAP_SECONDS"]))
    message.next_attempt_at = now + dt.timedelta(seconds=delay)


def retry(session: Session, message_id: int, actor: access.Actor) -> ExchangeMessage:
    """Queue a failed outbound message again (admins only), from a fresh count of attempts.

    :raises AccessDenied: the actor is not an admin.
    :raises NotFound: no such message.
    :raises IllegalTransition: the message has not failed.
    """
    if not actor.is_admin:
        raise AccessDenied(_l("Only administrators may retry messages."))
    message = session.get(ExchangeMessage, message_id)
    if message is None or message.direction is Direction.INBOUND:
        raise NotFound(_l("The message does not exist."))
    if message.status is not ExchangeStatus.FAILED:
        raise IllegalTransition(_l("Only a failed message can be retried."), "status")
    message.status = ExchangeStatus.QUEUED
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.processed_at = None
    session.info.setdefault(_PENDING, []).append(message)
    session.commit()
    return message
