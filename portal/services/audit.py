"""Change history and access log.

Every flush of audited rows writes ChangeLog rows in the same transaction, so a change and
its history commit or roll back together. Who made the change comes from the logged-in user
or, outside a request, from ``acting_as`` (CLI, tasks, connectors).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import decimal
import enum
from collections.abc import Iterator
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from portal.models.audit import AccessLog, ChangeLog
from portal.models.base import utcnow

_actor: contextvars.ContextVar[tuple[int | None, str | None]] = contextvars.ContextVar(
    "plus_audit_actor", default=(None, None)
)

# Tables whose changes are not case data (or are the history itself).
# pending_upload: a file waiting for its submission is not case data; the submission and its
# attachment that take it over are audited.
# saml_used_message: the replay guard's IDs of accepted national-login messages.
_NOT_AUDITED = {
    "change_log", "access_log", "case_number_counter", "eservice_use", "pending_upload",
    "saml_used_message",
    # exchange_message: a log of its own (status, attempts, errors); what a message changes
    # in a case is audited with the source "<connector>:<message id>".
    "exchange_message",
}
# Columns whose values never go into the history in clear text.
_SECRET_COLUMNS = {"password"}


@contextlib.contextmanager
def acting_as(user_id: int | None, source: str) -> Iterator[None]:
    """Attribute changes made inside the block to ``user_id`` with the given source."""
    token = _actor.set((user_id, source))
    try:
        yield
    finally:
        _actor.reset(token)


def _current_actor() -> tuple[int | None, str | None]:
    user_id, source = _actor.get()
    if user_id is None and has_request_context():
        from portal.services.access import current_actor

        user_id = current_actor().user_id  # the session's or the JWT's user
    if source is None and has_request_context():
        source = getattr(g, "audit_source", None) or (
            "api" if request.path.startswith("/api/") else "screen"
        )
    return user_id, source


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return f"<{len(value)} bytes>"
    return value


def _case_and_client(obj: Any) -> tuple[int | None, int | None]:
    table = obj.__tablename__
    if table == "case":
        return obj.id, obj.client_id
    if table == "client":
        return None, obj.id
    for via in ("assignment", "mediation", "request"):
        parent = getattr(obj, via, None)
        if parent is not None and hasattr(parent, "case_id"):
            return parent.case_id, None
        # A row added with only the parent's id has no loaded parent (pending objects do not
        # lazy-load); the history still needs its case, or access rules cannot scope it.
        rel = inspect(obj).mapper.relationships.get(via)
        parent_id = getattr(obj, f"{via}_id", None)
        if rel is not None and parent_id is not None and "case_id" in rel.mapper.local_table.c:
            parent_table = rel.mapper.local_table
            session = inspect(obj).session
            case_id = session.connection().execute(
                select(parent_table.c.case_id).where(parent_table.c.id == parent_id)
            ).scalar_one_or_none()
            return case_id, getattr(obj, "client_id", None)
    return getattr(obj, "case_id", None), getattr(obj, "client_id", None)


def _row(
    obj: Any, action: str, user_id: int | None, source: str | None
) -> dict[str, Any]:
    state = inspect(obj)
    changes: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in ("created_at", "updated_at"):
            continue
        if action == "create":
            value = getattr(obj, key)
            if value is not None:
                changes[key] = [None, _jsonable(value)]
        elif action == "delete":
            changes[key] = [_jsonable(getattr(obj, key)), None]
        else:
            hist = state.attrs[key].history
            if hist.has_changes():
                old = hist.deleted[0] if hist.deleted else None
                new = hist.added[0] if hist.added else None
                if old != new:
                    changes[key] = [_jsonable(old), _jsonable(new)]
        if key in _SECRET_COLUMNS and key in changes:
            changes[key] = ["***", "***"]
    case_id, client_id = _case_and_client(obj)
    return {
        "at": utcnow(),
        "user_id": user_id,
        "action": action,
        "entity": type(obj).__name__,
        "entity_id": getattr(obj, "id", None),
        "case_id": case_id,
        "client_id": client_id,
        "changes": changes,
        "source": source,
        "remote_addr": request.remote_addr if has_request_context() else None,
    }


def _audited(obj: Any) -> bool:
    table = getattr(obj, "__tablename__", None)
    return bool(table) and table not in _NOT_AUDITED and not table.startswith("ab_")


def _after_flush(session: Session, _ctx: Any) -> None:
    user_id, source = _current_actor()
    rows = []
    for action, objs in (
        ("create", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objs:
            if not _audited(obj):
                continue
            if action == "update" and not session.is_modified(
                obj, include_collections=False
            ):
                continue
            row = _row(obj, action, user_id, source)
            if action == "update" and not row["changes"]:
                continue
            rows.append(row)
    if rows:
        session.connection().execute(ChangeLog.__table__.insert(), rows)


def install(session: Any) -> None:
    """Attach the change-history hook to a session (or scoped session / sessionmaker)."""
    if not event.contains(session, "after_flush", _after_flush):
        event.listen(session, "after_flush", _after_flush)


def record_access(
    session: Session,
    *,
    user_id: int | None,
    action: str,
    client_id: int | None = None,
    case_id: int | None = None,
) -> None:
    """Log that a person opened personal data.

    In a request this is a note for ``privacy.reads``, written with the request's other
    reads after the response (one row per client); elsewhere (a task, or inside
    ``acting_as``) the row is added to ``session`` and committed with the caller's
    transaction.
    """
    # A task run inline inside a request (no Redis) has its own app context, whose notes
    # would be dropped with it: work done ``acting_as`` someone is written directly.
    if has_request_context() and _actor.get()[0] is None:
        from portal.services.privacy import reads

        reads.note(client_id=client_id, case_id=case_id, action=action)
        return
    remote = request.remote_addr if has_request_context() else None
    session.add(
        AccessLog(
            user_id=user_id,
            client_id=client_id,
            case_id=case_id,
            action=action,
            remote_addr=remote,
        )
    )
