"""Bookings in the unified calendar, written to the outbox in the same transaction as the
meeting or mediation session that causes them.

Whatever screen, API call, seed or intake adds, moves or deletes a meeting or session, the
rule is applied here once, on the session's flush:

* a new booking, or a change of its time, duration, room, officer or mediator -> a ``book``
  message (the calendar keeps one booking per reference ``plus:<kind>:<id>``, so a move
  replaces the earlier one);
* a deleted meeting or session -> a ``cancel`` message.

The idempotency key is the reference plus a digest of what is booked, so saving the same
booking again (a note changed) queues nothing, and a delivery repeated after a lost answer is
dropped by the calendar. Nothing is queued while the calendar connector is not enabled or has
no endpoint: there is then no calendar to keep in step, and the clash rule is PLUS's own.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from portal.models import MediationSession, Meeting
from portal.services.casework import scheduling
from portal.services.exchanges import outbox

__all__ = ["CONNECTOR", "SYSTEM", "install"]

CONNECTOR = "calendar"
SYSTEM = "Unified calendar"
_FIELDS = ("scheduled_at", "duration_minutes", "room_id", "officer_id", "mediation_id",
           "case_id")
_TODO = "plus_calendar_todo"


def _enabled() -> bool:
    if not has_app_context():
        return False
    config = current_app.config
    return (CONNECTOR in (config.get("CONNECTORS_ENABLED") or [])
            and bool((config.get("CONNECTOR_ENDPOINTS") or {}).get(CONNECTOR)))


def _kind(obj: Any) -> str:
    return "meeting" if isinstance(obj, Meeting) else "mediation_session"


def _changed(obj: Any) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes()
               for name in _FIELDS if name in state.attrs)


def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    if not _enabled():
        return
    todo = session.info.setdefault(_TODO, [])
    for obj in session.new:
        if isinstance(obj, Meeting | MediationSession):
            todo.append(("book", obj))
    for obj in session.dirty:
        if isinstance(obj, Meeting | MediationSession) and _changed(obj):
            todo.append(("book", obj))
    for obj in session.deleted:
        if isinstance(obj, Meeting | MediationSession):
            todo.append(("cancel", obj))


def _after_flush_postexec(session: Session, _ctx: Any) -> None:
    todo = session.info.pop(_TODO, None)
    if not todo:
        return
    with session.no_autoflush:
        for action, obj in todo:
            _enqueue(session, action, obj)


def _enqueue(session: Session, action: str, obj: Any) -> None:
    kind = _kind(obj)
    try:
        slot = scheduling.slot_for(
            session, kind, start=obj.scheduled_at,
            minutes=obj.duration_minutes or 60,
            case=getattr(obj, "case_id", None), mediation=getattr(obj, "mediation_id", None),
            officer=getattr(obj, "officer_id", None), room=None, own_id=obj.id,
        )
    except Exception:  # an unbookable row (no time) is the form's business, not the outbox's
        return
    names = scheduling.resources(slot)
    if obj.room_id is not None:
        names.insert(0, f"room:{obj.room_id}")
    payload = {
        "ref": slot.ref, "action": action, "start": slot.start.isoformat(),
        "end": slot.end.isoformat(), "resources": names,
    }
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]
    outbox.enqueue(
        session, connector=CONNECTOR, system=SYSTEM, kind="booking",
        key=f"calendar:{slot.ref}:{digest}", payload=payload, correlation_id=slot.ref,
        case_id=slot.case_id, client_id=slot.client_id, unit_id=slot.unit_id,
    )


def install(session: Any) -> None:
    """Attach the booking rule (and the outbox's after-commit kick) to a session."""
    if not event.contains(session, "before_flush", _before_flush):
        event.listen(session, "before_flush", _before_flush)
        event.listen(session, "after_flush_postexec", _after_flush_postexec)
    outbox.install(session)
