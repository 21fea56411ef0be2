"""Who and what is free on a day: the rooms, officers and volunteer mediators of a unit, with
their bookings in PLUS and their busy times in the unified calendar.

The day plan names resources (rooms, staff, volunteer mediators) and times only, never a case
or a client, so any case worker of the unit may read it when choosing a time.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal.formatting import local_zone
from portal.models import (
    Case,
    Mediation,
    MediationSession,
    Meeting,
    PlusUser,
    Room,
    Volunteer,
)
from portal.services import access
from portal.services.casework import scheduling
from portal.services.exchanges.shapes import BadMessage, TransientError

__all__ = ["DayPlan", "Resource", "day_plan"]

log = logging.getLogger(__name__)


@dataclass
class Resource:
    """One room or person with the busy spans of the day (local times, earliest first)."""

    key: str  # as the calendar names it: room:3, officer:7, volunteer:2
    kind: str  # room, officer, volunteer
    name: str
    busy: list[tuple[dt.datetime, dt.datetime, str]] = field(default_factory=list)


@dataclass
class DayPlan:
    day: dt.date
    resources: list[Resource]
    external_checked: bool
    external_configured: bool


def _local_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = local_zone()
    start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    return start.astimezone(dt.UTC), (start + dt.timedelta(days=1)).astimezone(dt.UTC)


def day_plan(session: Session, actor: access.Actor, day: dt.date, calendar: Any = None
             ) -> DayPlan:
    """The actor's unit's rooms, officers and volunteer mediators on ``day``.

    ``calendar`` is the unified calendar connector (or None); when it cannot answer, the plan
    holds PLUS's own bookings and says the calendar was not checked.
    """
    start, end = _local_bounds(day)
    unit_id = actor.unit_id
    resources: dict[str, Resource] = {}
    rooms = select(Room).where(Room.active.is_(True), access.condition(Room, actor))
    for room in session.scalars(rooms.order_by(Room.name)):
        resources[f"room:{room.id}"] = Resource(f"room:{room.id}", "room", room.name)
    if unit_id is not None:
        # Case workers of the unit (portal logins are linked to a party instead).
        staff = select(PlusUser).where(
            PlusUser.unit_id == unit_id, PlusUser.active.is_(True),
            PlusUser.client_id.is_(None), PlusUser.employer_id.is_(None),
            PlusUser.volunteer_id.is_(None))
        for user in session.scalars(staff.order_by(PlusUser.last_name, PlusUser.first_name)):
            resources[f"officer:{user.id}"] = Resource(
                f"officer:{user.id}", "officer", f"{user.first_name} {user.last_name}")
        mediators = select(Volunteer).where(Volunteer.unit_id == unit_id,
                                            Volunteer.certified_mediator.is_(True))
        for v in session.scalars(mediators.order_by(Volunteer.surname)):
            resources[f"volunteer:{v.id}"] = Resource(
                f"volunteer:{v.id}", "volunteer", f"{v.given_name} {v.surname}")
    _local_bookings(session, resources, start, end)
    checked = False
    configured = calendar is not None and getattr(calendar, "configured", False)
    if configured and resources:
        try:
            for b in calendar.busy(list(resources), start, end):
                if b.ref and b.ref.startswith(scheduling.OWN_REF):
                    continue  # shown from PLUS's own tables already
                if b.resource in resources:
                    resources[b.resource].busy.append((b.start, b.end, "calendar"))
            checked = True
        except (TransientError, BadMessage) as exc:
            log.warning("calendar busy query failed (%s)", type(exc).__name__)
    zone = local_zone()
    for res in resources.values():
        res.busy = sorted((s.astimezone(zone), e.astimezone(zone), what)
                          for s, e, what in res.busy)
    return DayPlan(day, list(resources.values()), checked, configured)


def _local_bookings(session: Session, resources: dict[str, Resource], start: dt.datetime,
                    end: dt.datetime) -> None:
    earliest = start - dt.timedelta(minutes=scheduling.MAX_MINUTES)
    officers = [int(k.split(":")[1]) for k in resources if k.startswith("officer:")]
    rooms = [int(k.split(":")[1]) for k in resources if k.startswith("room:")]
    volunteers = [int(k.split(":")[1]) for k in resources if k.startswith("volunteer:")]
    meetings = session.execute(
        select(Meeting.scheduled_at, Meeting.duration_minutes, Meeting.room_id,
               Meeting.officer_id, Case.officer_id)
        .join(Case, Case.id == Meeting.case_id)
        .where(Meeting.scheduled_at < end, Meeting.scheduled_at > earliest,
               or_(Meeting.room_id.in_(rooms), Meeting.officer_id.in_(officers),
                   Meeting.officer_id.is_(None) & Case.officer_id.in_(officers)))
    )
    for at, minutes, room_id, officer_id, case_officer in meetings:
        _add(resources, at, minutes, "meeting", room_id,
             officer_id if officer_id is not None else case_officer, None, start)
    sessions = session.execute(
        select(MediationSession.scheduled_at, MediationSession.duration_minutes,
               MediationSession.room_id, Mediation.mediator_officer_id,
               Mediation.mediator_volunteer_id)
        .join(Mediation, Mediation.id == MediationSession.mediation_id)
        .where(MediationSession.scheduled_at < end, MediationSession.scheduled_at > earliest,
               or_(MediationSession.room_id.in_(rooms),
                   Mediation.mediator_officer_id.in_(officers),
                   Mediation.mediator_volunteer_id.in_(volunteers)))
    )
    for at, minutes, room_id, officer_id, volunteer_id in sessions:
        _add(resources, at, minutes, "mediation_session", room_id, officer_id, volunteer_id,
             start)


def _add(resources: dict[str, Resource], at: dt.datetime, minutes: int, what: str,
         room_id: int | None, officer_id: int | None, volunteer_id: int | None,
         day_start: dt.datetime) -> None:
    begin = scheduling._utc(at)
    finish = begin + dt.timedelta(minutes=minutes or 0)
    if finish <= day_start:
        return
    for key in (f"room:{room_id}", f"officer:{officer_id}", f"volunteer:{volunteer_id}"):
        if key in resources:
            resources[key].busy.append((begin, finish, what))
