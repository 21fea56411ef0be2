"""Thin Celery tasks of the connectors: they take ids or names, look the connector up in the
registry and call the services of :mod:`portal.services.exchanges`.

Every task is idempotent (a message is stored once, delivered under a row lock, and only
while queued), so a redelivery after a killed worker (``acks_late`` with
``task_reject_on_worker_lost``, config.CELERY) does no harm. Retries are not Celery
countdowns: the outbox row carries ``next_attempt_at`` (exponential backoff with jitter) and
the beat's :func:`sweep` hands due rows to :func:`deliver` again, so no countdown ever exceeds
the broker's visibility timeout and nothing waits in Redis that is not also in the database.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from flask import current_app

from connectors import registry
from connectors.base import InboundConnector
from portal.extensions import db
from portal.services.exchanges import bulk, inbound, notices, outbox
from portal.services.exchanges.shapes import BadMessage, TransientError

log = logging.getLogger(__name__)


def _resolve(name: str) -> Any:
    return registry.get(current_app.config, name)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def deliver(message_id: int) -> str | None:
    """Deliver one outbox message (or ask a registry); returns its status afterwards."""
    message = outbox.deliver(db.session, message_id, _resolve)
    return message.status.value if message is not None else None


@shared_task(acks_late=True, reject_on_worker_lost=True)
def sweep(limit: int = 200) -> int:
    """Hand every due outbox message to :func:`deliver` (the beat runs this)."""
    ids = outbox.due_ids(db.session, limit=limit)
    # Bulk registry queries whose task was lost (broker down when they started).
    for bulk_id in bulk.incomplete_ids(db.session):
        registry_bulk.delay(bulk_id)
    return outbox.kick(ids)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def poll(name: str) -> dict[str, int]:
    """Fetch the messages waiting at an inbound system, store each once, route them.

    A message is acknowledged to the system only after it is stored, so a crash between the
    two makes the system offer it again, and storing it again finds the stored row.
    """
    connector = registry.get(current_app.config, name)
    counts = {"new": 0, "repeated": 0, "rejected": 0}
    try:
        items = connector.fetch(None)
    except (TransientError, BadMessage) as exc:
        log.warning("poll %s: %s", name, exc)
        return counts
    config = current_app.config
    for item in items:
        message, new = inbound.receive(
            db.session, connector, item.external_id, item.kind, item.payload,
            max_bytes=config["EXCHANGE_MAX_PAYLOAD_BYTES"],
            max_depth=config["EXCHANGE_MAX_PAYLOAD_DEPTH"],
        )
        message = inbound.process(db.session, connector, message.id)
        counts["new" if new else "repeated"] += 1
        counts["rejected"] += message.status.value == "rejected"
        if item.external_id:
            try:
                connector.acknowledge(item.external_id)
            except (TransientError, BadMessage) as exc:
                log.warning("poll %s: acknowledging failed (%s); it will be offered again",
                            name, exc)
    return counts


@shared_task(acks_late=True, reject_on_worker_lost=True)
def eaddress_status(limit: int = 200) -> int:
    """Ask the e-address which sent notices reached the mailbox or were read (the beat runs
    this); nothing when the connector is not enabled or has no endpoint."""
    try:
        connector = registry.get(current_app.config, notices.CONNECTOR)
    except LookupError:
        return 0
    if not connector.configured:
        return 0
    return notices.refresh_deliveries(db.session, connector, limit=limit)


@shared_task
def poll_all() -> int:
    """Queue a :func:`poll` of every enabled inbound connector that has an endpoint."""
    started = 0
    for name, connector in registry.enabled(current_app.config).items():
        if isinstance(connector, InboundConnector) and connector.configured:
            poll.delay(name)
            started += 1
    return started


@shared_task(acks_late=True, reject_on_worker_lost=True)
def registry_bulk(bulk_id: int) -> int:
    """Create the queries of a bulk registry query (idempotent); returns how many it made."""
    return bulk.run(db.session, bulk_id)
