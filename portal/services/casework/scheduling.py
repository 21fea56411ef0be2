"""The clash rule of the unified calendar, in one place.

A meeting (supervision) or a mediation session is refused when, at an overlapping time,

* the same room is booked,
* the same officer or mediator (officer or volunteer) has another meeting or session, or
* the same client has another meeting or session,

in PLUS, or when the unified calendar says the room or the person is busy then (an officer's
leave, a room booked by another institution). Times overlap when one starts before the other
ends; a meeting that starts exactly when another ends does not clash. A stored meeting never
clashes with itself when it is edited.

Screens, the REST API and anything else that books call :func:`slot_for` then :func:`check`;
``check`` raises :class:`~portal.services.errors.ValidationFailed` naming the field
``scheduled_at`` so the message stands beside the time, and nothing is stored. The calendar's
busy times come from a connector handed in by the caller (services never import connectors);
when it cannot be asked the local check still applies and the result says so.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from flask_babel import lazy_gettext as _l
from sqlalchemy import false, or_, select
from sqlalchemy.orm import Session

from portal.formatting import local_zone
from portal.models import Case, Mediation, MediationSession, Meeting, Room
from portal.services.errors import ValidationFailed
from portal.services.exchanges.shapes import BadMessage, TransientError

__all__ = [
    "Busy", "CheckResult", "Slot", "check", "clashes", "resources", "slot_for", "validate_slot",
]

log = logging.getLogger(__name__)

#: the shortest and the longest booking, in minutes
MIN_MINUTES = 5
MAX_MINUTES = 12 * 60
#: the field a clash is reported beside
FIELD = "scheduled_at"
#: the prefix of PLUS's own bookings in the calendar (already checked in PLUS's tables)
OWN_REF = "plus:"


@dataclass(frozen=True)
class Slot:
    """What one booking occupies: a time span and the resources it needs."""

    kind: str  # "meeting" or "mediation_session"
    own_id: int | None  # the stored row being edited (None: a new one)
    start: dt.datetime  # aware, UTC
    minutes: int
    room_id: int | None = None
    room_name: str | None = None
    officer_ids: frozenset[int] = field(default_factory=frozenset)
    volunteer_id: int | None = None
    client_id: int | None = None
    case_id: int | None = None
    unit_id: int | None = None

    @property
    def end(self) -> dt.datetime:
        return self.start + dt.timedelta(minutes=self.minutes)

    @property
    def ref(self) -> str:
        """The booking's reference in the calendar (stable over edits of the same row)."""
        return f"{OWN_REF}{self.kind}:{self.own_id}"


@dataclass(frozen=True)
class Busy:
    """A busy time the unified calendar reports for one resource (``room:3``, ``officer:7``)."""

    resource: str
    start: dt.datetime
    end: dt.datetime
    ref: str | None = None


@dataclass(frozen=True)
class CheckResult:
    """The outcome of a check that found no clash."""

    external_checked: bool
    external_error: str | None = None


class CalendarSource(Protocol):
    """What :func:`check` needs of the unified calendar connector."""

    configured: bool

    def busy(self, resources: Sequence[str], start: dt.datetime, end: dt.datetime
             ) -> list[Busy]: ...


def _utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:  # naive values in PLUS are UTC (see UTCDateTime)
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def _id(value: Any) -> int | None:
    """An id from a related object, an id, or nothing (forms hand in objects)."""
    if value is None or value == "":
        return None
    if hasattr(value, "id"):
        return value.id
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def validate_slot(start: Any, minutes: Any) -> None:
    """The time and duration a clash check needs.

    :raises ValidationFailed: no time, or a duration out of range (beside its field).
    """
    if not isinstance(start, dt.datetime):
        raise ValidationFailed(_l("Enter the date and time."), FIELD)
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not (
        MIN_MINUTES <= minutes <= MAX_MINUTES
    ):
        raise ValidationFailed(
            _l("The duration must be from %(low)d to %(high)d minutes.",
               low=MIN_MINUTES, high=MAX_MINUTES),
            "duration_minutes",
        )


def slot_for(
    session: Session,
    kind: str,
    *,
    start: dt.datetime,
    minutes: int,
    case: Any = None,
    mediation: Any = None,
    officer: Any = None,
    room: Any = None,
    own_id: int | None = None,
) -> Slot:
    """The slot a meeting (``case``, ``officer``) or a mediation session (``mediation``)
    would take; relations may be given as objects or ids.

    A meeting without a named officer takes the case's officer; a session takes its
    mediation's mediator (officer or volunteer). The client is the case's client.

    :raises ValidationFailed: the time or duration is missing or out of range, or the room is
        not in use.
    """
    validate_slot(start, minutes)
    officers: set[int] = set()
    volunteer_id = None
    case_id = None
    if kind == "meeting":
        case_id = _id(case)
        officer_id = _id(officer)
        if officer_id is not None:
            officers.add(officer_id)
    elif kind == "mediation_session":
        mediation_id = _id(mediation)
        row = session.get(Mediation, mediation_id) if mediation_id is not None else None
        if row is not None:
            case_id = row.case_id
            if row.mediator_officer_id is not None:
                officers.add(row.mediator_officer_id)
            volunteer_id = row.mediator_volunteer_id
    else:
        raise ValueError(kind)
    client_id = unit_id = None
    if case_id is not None:
        found = session.execute(
            select(Case.client_id, Case.officer_id, Case.unit_id).where(Case.id == case_id)
        ).first()
        if found is not None:
            client_id, case_officer, unit_id = found
            if kind == "meeting" and not officers and case_officer is not None:
                officers.add(case_officer)
    room_id = _id(room)
    room_name = None
    if room_id is not None:
        room_row = session.get(Room, room_id)
        if room_row is None or not room_row.active:
            raise ValidationFailed(_l("This room is not in use; choose another."), "room")
        room_name = room_row.name
    return Slot(
        kind=kind, own_id=own_id, start=_utc(start), minutes=minutes, room_id=room_id,
        room_name=room_name, officer_ids=frozenset(officers), volunteer_id=volunteer_id,
        client_id=client_id, case_id=case_id, unit_id=unit_id,
    )


@dataclass(frozen=True)
class Clash:
    """Another booking in PLUS that shares a resource with the slot at an overlapping time."""

    what: str  # "room", "officer", "mediator" or "client"
    start: dt.datetime
    end: dt.datetime


def _bookings(session: Session, slot: Slot) -> Iterable[tuple[Any, ...]]:
    """Every stored meeting and session that could overlap the slot and shares a resource.

    Rows are fetched whatever the actor may see: a room booked by another unit's case is
    busy all the same (the message names no case or person).
    """
    earliest = slot.start - dt.timedelta(minutes=MAX_MINUTES)
    officers = list(slot.officer_ids)
    meeting_officer = Meeting.officer_id
    m_cond = [
        Meeting.room_id == slot.room_id if slot.room_id is not None else false(),
        Case.client_id == slot.client_id if slot.client_id is not None else false(),
        meeting_officer.in_(officers) if officers else false(),
        # A meeting without a named officer is the case officer's.
        (meeting_officer.is_(None) & Case.officer_id.in_(officers)) if officers else false(),
    ]
    meetings = session.execute(
        select(Meeting.id, Meeting.scheduled_at, Meeting.duration_minutes, Meeting.room_id,
               Meeting.officer_id, Case.officer_id, Case.client_id)
        .join(Case, Case.id == Meeting.case_id)
        .where(Meeting.scheduled_at < slot.end, Meeting.scheduled_at > earliest, or_(*m_cond))
    )
    for mid, start, minutes, room_id, officer_id, case_officer, client_id in meetings:
        yield ("meeting", mid, start, minutes, room_id,
               {officer_id if officer_id is not None else case_officer}, None, client_id)
    s_cond = [
        MediationSession.room_id == slot.room_id if slot.room_id is not None else false(),
        Case.client_id == slot.client_id if slot.client_id is not None else false(),
        Mediation.mediator_officer_id.in_(officers) if officers else false(),
        (Mediation.mediator_volunteer_id == slot.volunteer_id
         if slot.volunteer_id is not None else false()),
    ]
    sessions = session.execute(
        select(MediationSession.id, MediationSession.scheduled_at,
               MediationSession.duration_minutes, MediationSession.room_id,
               Mediation.mediator_officer_id, Mediation.mediator_volunteer_id, Case.client_id)
        .join(Mediation, Mediation.id == MediationSession.mediation_id)
        .join(Case, Case.id == Mediation.case_id)
        .where(MediationSession.scheduled_at < slot.end,
               MediationSession.scheduled_at > earliest, or_(*s_cond))
    )
    for sid, start, minutes, room_id, officer_id, volunteer_id, client_id in sessions:
        yield ("mediation_session", sid, start, minutes, room_id, {officer_id}, volunteer_id,
               client_id)


def clashes(session: Session, slot: Slot) -> list[Clash]:
    """The bookings in PLUS that clash with ``slot`` (empty: none), earliest first."""
    found: list[Clash] = []
    with session.no_autoflush:  # a half-built row of the form must not be flushed here
        rows = list(_bookings(session, slot))
    for kind, row_id, start, minutes, room_id, officers, volunteer_id, client_id in rows:
        if kind == slot.kind and row_id == slot.own_id:
            continue  # the meeting being edited
        start = _utc(start)
        end = start + dt.timedelta(minutes=minutes or 0)
        if not (start < slot.end and end > slot.start):
            continue  # adjacent or apart
        if slot.room_id is not None and room_id == slot.room_id:
            what = "room"
        elif slot.officer_ids & (officers - {None}):
            what = "officer"
        elif slot.volunteer_id is not None and volunteer_id == slot.volunteer_id:
            what = "mediator"
        elif slot.client_id is not None and client_id == slot.client_id:
            what = "client"
        else:
            continue
        found.append(Clash(what, start, end))
    found.sort(key=lambda c: c.start)
    return found


def resources(slot: Slot) -> list[str]:
    """The slot's resources as the unified calendar names them (no client: the calendar holds
    no personal data of clients, their clashes are PLUS's own check)."""
    names = [f"room:{slot.room_id}"] if slot.room_id is not None else []
    names += [f"officer:{i}" for i in sorted(slot.officer_ids)]
    if slot.volunteer_id is not None:
        names.append(f"volunteer:{slot.volunteer_id}")
    return names


def _span(start: dt.datetime, end: dt.datetime) -> dict[str, str]:
    zone = local_zone()
    start_l, end_l = start.astimezone(zone), end.astimezone(zone)
    end_text = end_l.strftime("%H:%M") if end_l.date() == start_l.date() else end_l.strftime(
        "%d.%m.%Y %H:%M")
    return {"start": start_l.strftime("%d.%m.%Y %H:%M"), "end": end_text}


def _message(clash: Clash, slot: Slot) -> Any:
    span = _span(clash.start, clash.end)
    if clash.what == "room":
        return _l("The room “%(room)s” is already booked from %(start)s to %(end)s.",
                  room=slot.room_name or "", **span)
    if clash.what == "officer":
        return _l("The officer already has a meeting or session from %(start)s to %(end)s.",
                  **span)
    if clash.what == "mediator":
        return _l("The mediator already has a session from %(start)s to %(end)s.", **span)
    return _l("The client already has a meeting or session from %(start)s to %(end)s.",
              **span)


def _external_message(busy: Busy, slot: Slot) -> Any:
    span = _span(busy.start, busy.end)
    if busy.resource.startswith("room:"):
        return _l("The unified calendar shows the room “%(room)s” as busy from %(start)s to "
                  "%(end)s.", room=slot.room_name or "", **span)
    if busy.resource.startswith("volunteer:"):
        return _l("The unified calendar shows the mediator as not available from %(start)s "
                  "to %(end)s.", **span)
    return _l("The unified calendar shows the officer as not available from %(start)s to "
              "%(end)s.", **span)


def check(session: Session, slot: Slot, calendar: CalendarSource | None = None) -> CheckResult:
    """Refuse the slot when it clashes, in PLUS or in the unified calendar.

    ``calendar`` is the unified calendar connector (None or unconfigured: not asked). When
    it cannot answer in time the local check still decides and the result says that the
    calendar was not checked.

    :raises ValidationFailed: a clash, with a message for the field ``scheduled_at``.
    """
    found = clashes(session, slot)
    if found:
        raise ValidationFailed(_message(found[0], slot), FIELD)
    if calendar is None or not getattr(calendar, "configured", False):
        return CheckResult(external_checked=False)
    names = resources(slot)
    if not names:
        return CheckResult(external_checked=True)
    try:
        busy = calendar.busy(names, slot.start, slot.end)
    except (TransientError, BadMessage) as exc:
        # The booking still passes the local check; the officer is told the calendar was not.
        log.warning("calendar busy query failed (%s)", type(exc).__name__)
        return CheckResult(external_checked=False, external_error=str(exc)[:200])
    for entry in sorted(busy, key=lambda b: b.start):
        if entry.ref and entry.ref.startswith(OWN_REF):
            continue  # PLUS's own bookings were checked above (and include this one)
        if entry.resource in names and entry.start < slot.end and entry.end > slot.start:
            raise ValidationFailed(_external_message(entry, slot), FIELD)
    return CheckResult(external_checked=True)


def unchecked_warning() -> Any:
    """What the officer is told when the unified calendar could not be asked."""
    return _l("The unified calendar could not be checked just now: the booking was checked "
              "against the meetings and sessions in PLUS only.")
