"""Demo data of the unified calendar: the rooms of every unit, and rooms on some of the coming
meetings and mediation sessions of the demo (never where the clash rule would refuse it)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Case, Mediation, MediationSession, Meeting, Room, TerritorialUnit
from portal.models.base import utcnow
from portal.services.casework import scheduling

#: (name, capacity) of each unit's rooms
ROOMS: tuple[tuple[str, int], ...] = (
    ("Sarunu telpa 1", 4),
    ("Sarunu telpa 2", 4),
    ("Izlīguma telpa", 8),
    ("Grupu nodarbību telpa", 14),
)


def seed_rooms(session: Session) -> dict[str, int]:
    """Give every unit its rooms (once) and book rooms for coming meetings and sessions.

    Returns counts of the rooms and bookings made; the caller commits.
    """
    made = 0
    for unit in session.scalars(select(TerritorialUnit).order_by(TerritorialUnit.id)):
        have = set(session.scalars(select(Room.name).where(Room.unit_id == unit.id)))
        for name, capacity in ROOMS:
            if name not in have:
                session.add(Room(unit_id=unit.id, name=name, capacity=capacity, active=True))
                made += 1
    session.flush()
    return {"room": made, "booked": _book_rooms(session)}


def _book_rooms(session: Session, limit: int = 60) -> int:
    """Rooms for the next weeks' meetings and sessions that have none, where one is free."""
    rooms: dict[int, list[int]] = {}
    for room in session.scalars(select(Room).where(Room.active.is_(True)).order_by(Room.id)):
        rooms.setdefault(room.unit_id, []).append(room.id)
    now = utcnow()
    horizon = now + dt.timedelta(days=21)
    booked = 0
    meetings = session.execute(
        select(Meeting, Case.unit_id)
        .join(Case, Case.id == Meeting.case_id)
        .where(Meeting.room_id.is_(None), Meeting.scheduled_at >= now,
               Meeting.scheduled_at < horizon)
        .order_by(Meeting.scheduled_at).limit(limit)
    ).all()
    for meeting, unit_id in meetings:
        booked += _first_free(session, "meeting", meeting, rooms.get(unit_id, []))
    sessions = session.execute(
        select(MediationSession, Case.unit_id)
        .join(Mediation, Mediation.id == MediationSession.mediation_id)
        .join(Case, Case.id == Mediation.case_id)
        .where(MediationSession.room_id.is_(None), MediationSession.scheduled_at >= now,
               MediationSession.scheduled_at < horizon)
        .order_by(MediationSession.scheduled_at).limit(limit)
    ).all()
    for row, unit_id in sessions:
        # Sessions take the larger rooms (the mediation room first).
        booked += _first_free(session, "mediation_session", row, rooms.get(unit_id, [])[2:])
    return booked


def _first_free(session: Session, kind: str, row: Meeting | MediationSession,
                candidates: list[int]) -> int:
    for room_id in candidates:
        slot = scheduling.Slot(kind=kind, own_id=row.id, start=scheduling._utc(row.scheduled_at),
                               minutes=row.duration_minutes or 60, room_id=room_id)
        if not scheduling.clashes(session, slot):
            row.room_id = room_id
            session.flush()
            return 1
    return 0
