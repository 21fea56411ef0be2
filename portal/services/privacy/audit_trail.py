"""The audit trail of a unit: who read or changed which client, when and from where.

Reads come from the access log (``privacy.reads``), changes from the change history; both
pass through ``portal.services.access`` (a unit manager sees the unit's clients, Admin all).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from portal.models import AccessLog, Case, ChangeLog, Client, PlusUser
from portal.services import access
from portal.services.errors import AccessDenied

#: the most entries of each kind one page (or one CSV) holds; narrow the filter for more
MAX_ENTRIES = 1000


@dataclass(frozen=True)
class AuditFilter:
    """What the audit screen asks for; every part is optional."""

    client_id: int | None = None
    user_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass(frozen=True)
class AuditEntry:
    """One read or change of a client's data."""

    at: dt.datetime
    kind: str  # "read" or "change"
    user_id: int | None
    user_name: str
    what: str  # the access log's action, or "<entity>.<action>" of the change history
    client_id: int | None
    client_name: str
    case_id: int | None
    case_number: str
    remote_addr: str


def _bounds(flt: AuditFilter, tz: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    # The period is in the service's local days, the log in UTC.
    zone = ZoneInfo(tz)
    start = end = None
    if flt.date_from is not None:
        start = dt.datetime.combine(flt.date_from, dt.time(), zone).astimezone(dt.UTC)
    if flt.date_to is not None:
        end = dt.datetime.combine(flt.date_to + dt.timedelta(days=1), dt.time(), zone)
        end = end.astimezone(dt.UTC)
    return start, end


def entries(session: Session, actor: access.Actor, flt: AuditFilter,
            tz: str = "Europe/Riga") -> list[AuditEntry]:
    """Reads and changes of clients within the actor's reach, newest first.

    :raises AccessDenied: when the actor may not see the audit trail.
    """
    if not access.can_audit(actor):
        raise AccessDenied("audit")
    start, end = _bounds(flt, tz)
    # An alias: the access conditions have subqueries on Case, which must not correlate
    # with the case joined here for its client.
    case = aliased(Case)
    user_name = func.coalesce(PlusUser.first_name + " " + PlusUser.last_name, "")

    reads = (
        select(AccessLog.at, AccessLog.user_id, user_name, AccessLog.action,
               func.coalesce(AccessLog.client_id, case.client_id), AccessLog.case_id,
               AccessLog.remote_addr)
        .outerjoin(PlusUser, PlusUser.id == AccessLog.user_id)
        .outerjoin(case, case.id == AccessLog.case_id)
        .where(access.condition(AccessLog, actor))
    )
    change_client = func.coalesce(ChangeLog.client_id, case.client_id)
    changes = (
        select(ChangeLog.at, ChangeLog.user_id, user_name,
               ChangeLog.entity + "." + ChangeLog.action, change_client, ChangeLog.case_id,
               ChangeLog.remote_addr)
        .outerjoin(PlusUser, PlusUser.id == ChangeLog.user_id)
        .outerjoin(case, case.id == ChangeLog.case_id)
        .where(access.condition(ChangeLog, actor), change_client.is_not(None))
    )
    if flt.client_id is not None:
        reads = reads.where(or_(AccessLog.client_id == flt.client_id,
                                case.client_id == flt.client_id))
        changes = changes.where(change_client == flt.client_id)
    if flt.user_id is not None:
        reads = reads.where(AccessLog.user_id == flt.user_id)
        changes = changes.where(ChangeLog.user_id == flt.user_id)
    if start is not None:
        reads = reads.where(AccessLog.at >= start)
        changes = changes.where(ChangeLog.at >= start)
    if end is not None:
        reads = reads.where(AccessLog.at < end)
        changes = changes.where(ChangeLog.at < end)
    rows: list[tuple[str, Any]] = []
    for kind, stmt, order in (("read", reads, AccessLog.id), ("change", changes, ChangeLog.id)):
        rows.extend((kind, row) for row in session.execute(
            stmt.order_by(order.desc()).limit(MAX_ENTRIES)))
    rows.sort(key=lambda kr: kr[1][0], reverse=True)
    names = _client_names(session, {row[4] for _k, row in rows if row[4] is not None})
    numbers = _case_numbers(session, {row[5] for _k, row in rows if row[5] is not None})
    return [
        AuditEntry(at=at, kind=kind, user_id=user_id, user_name=name or "", what=what,
                   client_id=client_id, client_name=names.get(client_id, ""),
                   case_id=case_id, case_number=numbers.get(case_id, ""),
                   remote_addr=remote or "")
        for kind, (at, user_id, name, what, client_id, case_id, remote) in rows
    ]


def _client_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    # Whole rows, so the audit screen's own reading of names is in the access log too.
    return {c.id: c.full_name for c in session.scalars(select(Client).where(Client.id.in_(ids)))}


def _case_numbers(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(Case.id, Case.number).where(Case.id.in_(ids))).tuples().all())


def auditors_choice(session: Session, actor: access.Actor) -> list[tuple[int, str]]:
    """The users the officer filter offers: the unit's staff (every staff member for Admin)."""
    stmt = select(PlusUser.id, PlusUser.first_name, PlusUser.last_name).where(
        PlusUser.unit_id.is_not(None) if actor.is_admin else PlusUser.unit_id == actor.unit_id
    ).order_by(PlusUser.last_name, PlusUser.first_name)
    return [(uid, f"{first} {last}") for uid, first, last in session.execute(stmt)]


def to_csv(items: Iterable[AuditEntry], headers: list[str],
           describe: Callable[[AuditEntry], str], local: Callable[[dt.datetime], str]) -> bytes:
    """The entries as CSV (UTF-8 with BOM), with the caller's translated headers."""
    from portal.services.casework.exports import _cell

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for e in items:
        writer.writerow([
            local(e.at), _cell(e.user_name), describe(e), e.client_id or "",
            _cell(e.client_name), _cell(e.case_number), _cell(e.remote_addr),
        ])
    return out.getvalue().encode("utf-8-sig")
