"""People and units: a case moving to another unit, reassignment, cover and caseload.

A transfer keeps the case (its number, records and history); only its unit and officer
change, and only when the receiving unit's manager accepts it. From that moment the access
rules (``portal.services.access``) follow the new unit, because they read ``Case.unit_id``.
Cover gives an officer the rights over an absent colleague's cases for a period; it ends by
itself, as the access rule compares the period with today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models import (
    Case,
    CaseFunction,
    CaseStatus,
    CaseTransfer,
    Client,
    OfficerCover,
    PlusUser,
    TerritorialUnit,
    TransferStatus,
)
from portal.models.base import utcnow
from portal.services import access
from portal.services.casework import rules
from portal.services.errors import AccessDenied, NotFound, ValidationFailed

OPEN = (CaseStatus.OPENED, CaseStatus.ACTIVE, CaseStatus.SUSPENDED)


def _case_workers(session: Session, unit_id: int) -> list[PlusUser]:
    """Active officers and managers of the unit (who may be given cases)."""
    from flask_appbuilder.security.sqla.models import Role as FabRole

    stmt = (
        select(PlusUser)
        .join(PlusUser.roles)
        .where(PlusUser.unit_id == unit_id, PlusUser.active.is_(True),
               FabRole.name.in_((access.Role.OFFICER, access.Role.UNIT_MANAGER)))
        .order_by(PlusUser.last_name, PlusUser.first_name)
        .distinct()
    )
    return list(session.execute(stmt).scalars())


def case_workers(session: Session, unit_id: int | None) -> list[PlusUser]:
    """The officers (and managers) of a unit, for pickers."""
    return _case_workers(session, unit_id) if unit_id is not None else []


def _officer_of(session: Session, user_id: Any, unit_id: int, field_name: str) -> PlusUser:
    try:
        wanted = int(user_id)
    except (TypeError, ValueError):
        raise ValidationFailed(_l("Choose an officer of the unit."), field_name) from None
    for user in _case_workers(session, unit_id):
        if user.id == wanted:
            return user
    raise ValidationFailed(_l("Choose an officer of the unit."), field_name)


# --- transfers -------------------------------------------------------------------------------


def pending_transfer(session: Session, case_id: int) -> CaseTransfer | None:
    """The transfer of the case awaiting the receiving manager, if any."""
    return session.execute(
        select(CaseTransfer).where(CaseTransfer.case_id == case_id,
                                   CaseTransfer.status == TransferStatus.REQUESTED)
    ).scalars().first()


def request_transfer(
    session: Session, case_id: int, to_unit_id: Any, reason: str, actor: access.Actor
) -> CaseTransfer:
    """Ask another unit to take over a case (the client moved); the caller commits.

    :raises NotFound: for a case the actor may not see.
    :raises AccessDenied: when the actor may not change the case.
    :raises ValidationFailed: for a closed case, a transfer already waiting, the case's own
        unit or no reason.
    """
    case = session.get(Case, case_id)
    if case is None or not access.can_view(session, case, actor):
        raise NotFound(_l("The case was not found."))
    if not access.can_edit(session, case, actor):
        raise AccessDenied(_l("You may not change records of this case."))
    if case.status == CaseStatus.CLOSED:
        raise ValidationFailed(_l("A closed case cannot be transferred."), "to_unit")
    try:
        unit = session.get(TerritorialUnit, int(to_unit_id))
    except (TypeError, ValueError):
        unit = None
    if unit is None:
        raise ValidationFailed(_l("Choose the unit that takes over the case."), "to_unit")
    if unit.id == case.unit_id:
        raise ValidationFailed(_l("The case is already in this unit."), "to_unit")
    if pending_transfer(session, case.id) is not None:
        raise ValidationFailed(
            _l("A transfer of this case is already waiting for acceptance."), "to_unit")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_l("Give the reason for the transfer."), "reason")
    if len(reason) > 500 or "\x00" in reason:
        raise ValidationFailed(_l("Keep the reason under 500 characters."), "reason")
    transfer = CaseTransfer(case_id=case.id, from_unit_id=case.unit_id, to_unit_id=unit.id,
                            reason=reason, requested_by_id=actor.user_id,
                            status=TransferStatus.REQUESTED)
    session.add(transfer)
    session.flush()
    return transfer


def _decidable(session: Session, transfer_id: int, actor: access.Actor) -> CaseTransfer:
    transfer = session.get(CaseTransfer, transfer_id)
    if transfer is None or not access.can_view(session, transfer, actor):
        raise NotFound(_l("The transfer was not found."))
    if not (actor.is_admin or (actor.is_manager and actor.unit_id == transfer.to_unit_id)):
        raise AccessDenied(_l("Only the receiving unit's manager may decide on a transfer."))
    if transfer.status != TransferStatus.REQUESTED:
        raise ValidationFailed(_l("This transfer has already been decided."), "status")
    return transfer


def accept_transfer(
    session: Session, transfer_id: int, officer_id: Any, actor: access.Actor
) -> CaseTransfer:
    """The receiving manager takes the case over and names its officer; the caller commits.

    The case keeps its number and records; its unit and officer change, and so does the
    client's unit (the client lives there now).

    :raises NotFound, AccessDenied, ValidationFailed: see :func:`_decidable`; an officer
        who is not of the receiving unit.
    """
    transfer = _decidable(session, transfer_id, actor)
    officer = _officer_of(session, officer_id, transfer.to_unit_id, "new_officer")
    case = session.get(Case, transfer.case_id)
    assert case is not None  # a transfer's case is never deleted (foreign key)
    case.unit_id = transfer.to_unit_id
    case.officer_id = officer.id
    client = session.get(Client, case.client_id)
    if client is not None:
        client.unit_id = transfer.to_unit_id
    transfer.status = TransferStatus.ACCEPTED
    transfer.new_officer_id = officer.id
    transfer.decided_by_id = actor.user_id
    transfer.decided_at = utcnow()
    session.flush()
    return transfer


def decline_transfer(
    session: Session, transfer_id: int, reason: str, actor: access.Actor
) -> CaseTransfer:
    """The receiving manager declines; the case stays where it is. The caller commits.

    :raises NotFound, AccessDenied, ValidationFailed: as :func:`accept_transfer`; no reason.
    """
    transfer = _decidable(session, transfer_id, actor)
    reason = (reason or "").strip()
    if not reason or "\x00" in reason:
        raise ValidationFailed(_l("Give the reason for declining."), "decline_reason")
    transfer.status = TransferStatus.DECLINED
    transfer.decline_reason = reason[:2000]
    transfer.decided_by_id = actor.user_id
    transfer.decided_at = utcnow()
    session.flush()
    return transfer


def transfers(session: Session, actor: access.Actor) -> list[CaseTransfer]:
    """The transfers the actor may see, waiting ones first, newest first."""
    stmt = access.scope(select(CaseTransfer), CaseTransfer, actor).order_by(
        (CaseTransfer.status == TransferStatus.REQUESTED).desc(), CaseTransfer.id.desc()
    ).limit(200)
    return list(session.execute(stmt).scalars())


# --- reassignment and cover --------------------------------------------------------------------


def reassign(
    session: Session, case_ids: Iterable[Any], officer_id: Any, actor: access.Actor
) -> int:
    """A manager gives cases of their unit to another officer of it; returns how many.

    :raises AccessDenied: for anyone but the unit's manager (or Admin), or a case outside
        the unit.
    :raises ValidationFailed: no case chosen, or an officer not of the unit.
    """
    if not (actor.is_admin or actor.is_manager):
        raise AccessDenied(_l("Only the unit manager may reassign cases."))
    try:
        ids = sorted({int(i) for i in case_ids})
    except (TypeError, ValueError):
        ids = []
    if not ids:
        raise ValidationFailed(_l("Choose the cases to reassign."), "case_ids")
    cases = list(session.execute(
        access.scope(select(Case).where(Case.id.in_(ids)), Case, actor, write=True)
    ).scalars())
    if len(cases) != len(ids):
        raise AccessDenied(_l("You may not change records of this case."))
    units = {c.unit_id for c in cases}
    if len(units) != 1:
        raise ValidationFailed(_l("Reassign cases of one unit at a time."), "case_ids")
    officer = _officer_of(session, officer_id, units.pop(), "officer")
    for case in cases:
        case.officer_id = officer.id
    session.flush()
    return len(cases)


def _date(value: Any, field_name: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(_l("Enter the date as YYYY-MM-DD."), field_name) from None


def start_cover(
    session: Session,
    absent_id: Any,
    covering_id: Any,
    start: Any,
    end: Any,
    reason: str | None,
    actor: access.Actor,
) -> OfficerCover:
    """A manager has one officer cover an absent one's cases from ``start`` to ``end``.

    :raises AccessDenied: for anyone but a unit manager (or Admin).
    :raises ValidationFailed: officers not of the unit, the same officer twice, dates out of
        order or a period already over.
    """
    if not (actor.is_admin or actor.is_manager):
        raise AccessDenied(_l("Only the unit manager may arrange cover."))
    unit_id = actor.unit_id
    if unit_id is None:
        absent_user = session.get(PlusUser, int(absent_id)) if str(absent_id).isdigit() else None
        unit_id = absent_user.unit_id if absent_user is not None else None
    if unit_id is None:
        raise ValidationFailed(_l("Choose an officer of the unit."), "absent_officer")
    absent = _officer_of(session, absent_id, unit_id, "absent_officer")
    covering = _officer_of(session, covering_id, unit_id, "covering_officer")
    if absent.id == covering.id:
        raise ValidationFailed(_l("An officer cannot cover their own cases."),
                               "covering_officer")
    first, last = _date(start, "start_date"), _date(end, "end_date")
    rules.date_order(first, last)
    if last < rules.today():
        raise ValidationFailed(_l("The cover would already be over."), "end_date")
    cover = OfficerCover(unit_id=unit_id, absent_officer_id=absent.id,
                         covering_officer_id=covering.id, start_date=first, end_date=last,
                         reason=(reason or "").strip()[:300] or None)
    session.add(cover)
    session.flush()
    return cover


def covers(session: Session, actor: access.Actor) -> list[OfficerCover]:
    """Covers of the actor's unit that are running or still to come."""
    stmt = access.scope(select(OfficerCover), OfficerCover, actor).where(
        OfficerCover.end_date >= rules.today()
    ).order_by(OfficerCover.start_date)
    return list(session.execute(stmt).scalars())


# --- caseload ----------------------------------------------------------------------------------


@dataclass
class Caseload:
    """Open cases per officer and function of a unit (managers' view)."""

    functions: list[CaseFunction] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    totals: dict[CaseFunction, int] = field(default_factory=dict)
    total: int = 0


def caseload(session: Session, actor: access.Actor, unit_id: int | None = None) -> Caseload:
    """Open cases of the unit by officer and function (unassigned ones as a row of their own).

    :raises AccessDenied: for anyone but a unit manager (or Admin).
    """
    if not (actor.is_admin or actor.is_manager):
        raise AccessDenied(_l("Only the unit manager sees the caseload."))
    unit_id = actor.unit_id if actor.is_manager else unit_id
    stmt = (
        select(Case.officer_id, Case.function, func.count())
        .where(access.case_visible(actor), Case.status.in_(OPEN))
        .group_by(Case.officer_id, Case.function)
    )
    if unit_id is not None:
        stmt = stmt.where(Case.unit_id == unit_id)
    counts: dict[int | None, dict[CaseFunction, int]] = {}
    for officer_id, function, n in session.execute(stmt):
        counts.setdefault(officer_id, {})[CaseFunction(function)] = n
    result = Caseload()
    result.functions = [f for f in CaseFunction if any(f in c for c in counts.values())]
    people = {u.id: u for u in (case_workers(session, unit_id) if unit_id else [])}
    for uid in [*people, *(k for k in counts if k not in people)]:
        by_function = counts.get(uid, {})
        user = people.get(uid) if uid is not None else None
        if user is None and uid is not None:
            user = session.get(PlusUser, uid)
        result.rows.append({"officer_id": uid, "officer": user, "counts": by_function,
                            "total": sum(by_function.values())})
    for by_function in counts.values():
        for f, n in by_function.items():
            result.totals[f] = result.totals.get(f, 0) + n
    result.total = sum(result.totals.values())
    return result
