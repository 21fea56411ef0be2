"""The clash rule of the unified calendar (portal.services.casework.scheduling): the same room, officer
or mediator, or client at an overlapping time is refused, in the service, beside the time
field of the meeting and session screens (lv and en) and with 422 from the REST API;
adjacent times pass, and an edited meeting never clashes with itself."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.formatting import local_zone
from portal.models import Mediation, MediationSession, Meeting, Room, Volunteer, VolunteerType
from portal.services.access import Role
from portal.services.casework import scheduling
from portal.services.errors import ValidationFailed
from portal.services.exchanges.shapes import TransientError
from tests.factories import CaseRecords, ensure_user, make_case
from tests.integration.test_bad_input import assert_refused, assert_saved, count, expected

UTC = dt.UTC
MSG_OFFICER = "The officer already has a meeting or session from %(start)s to %(end)s."
MSG_CLIENT = "The client already has a meeting or session from %(start)s to %(end)s."
MSG_ROOM = "The room “%(room)s” is already booked from %(start)s to %(end)s."
MSG_MEDIATOR = "The mediator already has a session from %(start)s to %(end)s."
MSG_EXT_OFFICER = ("The unified calendar shows the officer as not available from %(start)s "
                   "to %(end)s.")


pytestmark = pytest.mark.usefixtures("keep_languages")


# A random start per run (a database kept between runs holds earlier runs' meetings), then a
# day of its own per test: random days alone collided now and then (the birthday paradox).
_DAYS = itertools.count(uuid.uuid4().int % 4000)


def _when() -> dt.datetime:
    """A time of its own per test, far from every other test's meetings."""
    return dt.datetime(2031, 1, 6, 8, 0, tzinfo=UTC) + dt.timedelta(days=next(_DAYS))


def _span(start: dt.datetime, minutes: int = 60) -> dict[str, str]:
    zone = local_zone()
    return {"start": start.astimezone(zone).strftime("%d.%m.%Y %H:%M"),
            "end": (start + dt.timedelta(minutes=minutes)).astimezone(zone).strftime("%H:%M")}


def _local_input(value: dt.datetime) -> str:
    return value.astimezone(local_zone()).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture()
def world(app: Flask, base: Any) -> Iterator[dict[str, Any]]:
    """Two cases of the base officer (two clients), a case of another officer, and a room."""
    with app.app_context():
        s = db.session
        other = ensure_user(app.appbuilder.sm, f"t_sched_{uuid.uuid4().hex[:6]}", Role.OFFICER,
                            unit_id=base.unit_a)
        kw = {"unit_id": base.unit_a, "mediator_id": None, "employer_id": base.employer}
        first = make_case(s, officer_id=base.users[Role.OFFICER], **kw)
        second = make_case(s, officer_id=base.users[Role.OFFICER], **kw)
        elsewhere = make_case(s, officer_id=other, **kw)
        room = Room(unit_id=base.unit_a, name=f"Telpa {uuid.uuid4().hex[:6]}", capacity=4)
        s.add(room)
        s.commit()
        world = {"first": first, "second": second, "elsewhere": elsewhere, "room": room.id,
                 "other": other, "when": _when()}
        s.remove()
    yield world


def _meeting(records: CaseRecords, when: dt.datetime, minutes: int = 60, **kw: Any) -> int:
    m = Meeting(case_id=records.case, scheduled_at=when, duration_minutes=minutes, **kw)
    db.session.add(m)
    db.session.commit()
    return m.id


def _slot(records: CaseRecords, when: dt.datetime, minutes: int = 60, **kw: Any
          ) -> scheduling.Slot:
    return scheduling.slot_for(db.session, "meeting", start=when, minutes=minutes,
                               case=records.case, **kw)


# --- the rule in the service ---------------------------------------------------------------


def test_same_officer_at_an_overlapping_time_clashes(app: Flask, world: dict) -> None:
    t = world["when"]
    with app.app_context():
        _meeting(world["first"], t)
        found = scheduling.clashes(db.session, _slot(world["second"], t + dt.timedelta(minutes=30)))
        assert [c.what for c in found] == ["officer"]
        with pytest.raises(ValidationFailed) as err:
            scheduling.check(db.session, _slot(world["second"], t - dt.timedelta(minutes=59)))
        assert err.value.field == "scheduled_at"


def test_same_room_clashes_across_officers(app: Flask, world: dict) -> None:
    t = world["when"]
    with app.app_context():
        _meeting(world["first"], t, room_id=world["room"])
        found = scheduling.clashes(db.session, _slot(world["elsewhere"], t, room=world["room"]))
        assert [c.what for c in found] == ["room"]
        assert scheduling.clashes(db.session, _slot(world["elsewhere"], t)) == []


def test_same_client_clashes_even_with_another_officer(app: Flask, world: dict) -> None:
    t = world["when"]
    with app.app_context():
        _meeting(world["first"], t)
        found = scheduling.clashes(db.session, _slot(world["first"], t, officer=world["other"]))
        assert [c.what for c in found] == ["client"]


def test_adjacent_times_are_allowed(app: Flask, world: dict) -> None:
    t = world["when"]
    with app.app_context():
        _meeting(world["first"], t, minutes=45)
        after = _slot(world["second"], t + dt.timedelta(minutes=45))
        before = _slot(world["second"], t - dt.timedelta(minutes=60), minutes=60)
        assert scheduling.clashes(db.session, after) == []
        assert scheduling.clashes(db.session, before) == []
        assert scheduling.clashes(db.session, _slot(world["second"], t + dt.timedelta(
            minutes=44)))


def test_an_edited_meeting_does_not_clash_with_itself(app: Flask, world: dict) -> None:
    t = world["when"]
    with app.app_context():
        pk = _meeting(world["first"], t, room_id=world["room"])
        moved = _slot(world["first"], t + dt.timedelta(minutes=15), room=world["room"],
                      own_id=pk)
        assert scheduling.check(db.session, moved).external_checked is False


def test_mediation_session_and_meeting_share_the_officer_and_the_volunteer(
        app: Flask, world: dict, base: Any) -> None:
    t = world["when"]
    with app.app_context():
        s = db.session
        _meeting(world["first"], t)
        mediation = s.get(Mediation, world["second"].mediation)
        mediation.mediator_officer_id = base.users[Role.OFFICER]
        s.commit()
        slot = scheduling.slot_for(s, "mediation_session", start=t, minutes=60,
                                   mediation=mediation.id)
        assert [c.what for c in scheduling.clashes(s, slot)] == ["officer"]
        volunteer = Volunteer(given_name="Vida", surname="Starpniece", certified_mediator=True,
                              volunteer_type=VolunteerType.PROBATION_VOLUNTEER)
        s.add(volunteer)
        s.flush()
        for records in (world["first"], world["elsewhere"]):
            m = s.get(Mediation, records.mediation)
            m.mediator_officer_id, m.mediator_volunteer_id = None, volunteer.id
        s.add(MediationSession(mediation_id=world["first"].mediation,
                               scheduled_at=t + dt.timedelta(days=1), duration_minutes=90))
        s.commit()
        slot = scheduling.slot_for(s, "mediation_session", start=t + dt.timedelta(
            days=1, minutes=60), minutes=60, mediation=world["elsewhere"].mediation)
        assert [c.what for c in scheduling.clashes(s, slot)] == ["mediator"]


def test_a_room_out_of_use_and_a_bad_duration_are_refused(app: Flask, world: dict) -> None:
    with app.app_context():
        room = db.session.get(Room, world["room"])
        room.active = False
        db.session.commit()
        with pytest.raises(ValidationFailed) as err:
            _slot(world["first"], world["when"], room=world["room"])
        assert err.value.field == "room"
        with pytest.raises(ValidationFailed) as err:
            _slot(world["first"], world["when"], minutes=0)
        assert err.value.field == "duration_minutes"


class _Calendar:
    configured = True

    def __init__(self, busy: list[scheduling.Busy] | None = None, fail: bool = False) -> None:
        self._busy, self._fail, self.asked = busy or [], fail, []

    def busy(self, resources: Any, start: dt.datetime, end: dt.datetime) -> list:
        self.asked.append(list(resources))
        if self._fail:
            raise TransientError("Unified calendar unreachable: timed out")
        return self._busy


def test_the_calendars_busy_times_count_and_its_absence_is_reported(
        app: Flask, world: dict, base: Any) -> None:
    t = world["when"]
    officer = base.users[Role.OFFICER]
    leave = scheduling.Busy(f"officer:{officer}", t - dt.timedelta(hours=1), t + dt.timedelta(
        hours=8))
    own = scheduling.Busy(f"officer:{officer}", t, t + dt.timedelta(hours=1),
                          ref="plus:meeting:1")
    with app.app_context():
        slot = _slot(world["first"], t, room=world["room"])
        with pytest.raises(ValidationFailed):
            scheduling.check(db.session, slot, _Calendar([leave]))
        calendar = _Calendar([own])
        assert scheduling.check(db.session, slot, calendar).external_checked is True
        assert calendar.asked == [[f"room:{world['room']}", f"officer:{officer}"]]
        result = scheduling.check(db.session, slot, _Calendar(fail=True))
        assert result.external_checked is False and "timed out" in result.external_error


# --- the screens ---------------------------------------------------------------------------


def _form(records: CaseRecords, when: dt.datetime, **over: Any) -> dict[str, str]:
    data = {"case": str(records.case), "scheduled_at": _local_input(when),
            "duration_minutes": "60", "place": "VPD"}
    data.update({k: str(v) for k, v in over.items()})
    return data


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_screen_refuses_a_clash_beside_the_time(app: Flask, world: dict, login_as: Any,
                                                lang: str) -> None:
    t = world["when"]
    c = login_as(Role.OFFICER)
    c.get(f"/lang/{lang}")
    assert_saved(c.post("/meetingview/add", data=_form(world["first"], t, room=world["room"])))
    before = count(app, Meeting)
    resp = c.post("/meetingview/add", data=_form(world["second"], t + dt.timedelta(minutes=30)))
    assert_refused(resp, "scheduled_at", expected(app, lang, MSG_OFFICER, **_span(t)))
    with app.app_context():
        room = db.session.get(Room, world["room"]).name
    resp = c.post("/meetingview/add", data=_form(world["elsewhere"], t, room=world["room"]))
    assert_refused(resp, "scheduled_at", expected(app, lang, MSG_ROOM, room=room, **_span(t)))
    assert count(app, Meeting) == before  # nothing stored


def test_screen_edit_keeps_the_meeting_and_allows_adjacent(app: Flask, world: dict,
                                                          login_as: Any) -> None:
    t = world["when"]
    c = login_as(Role.OFFICER)
    c.get("/lang/en")
    with app.app_context():
        pk = _meeting(world["first"], t)
        db.session.remove()
    assert_saved(c.post(f"/meetingview/edit/{pk}", data=_form(world["first"], t)))
    assert_saved(c.post("/meetingview/add", data=_form(world["second"], t + dt.timedelta(
        minutes=60))))
    resp = c.post(f"/meetingview/edit/{pk}", data=_form(world["first"], t + dt.timedelta(
        minutes=10)))
    assert_refused(resp, "scheduled_at", expected(
        app, "en", MSG_OFFICER, **_span(t + dt.timedelta(minutes=60))))


def test_session_screen_refuses_the_clients_clash(app: Flask, world: dict, login_as: Any,
                                                  base: Any) -> None:
    t = world["when"]
    with app.app_context():
        _meeting(world["first"], t)
        # The manager may add to every case of the unit (the mediation has no mediator).
        db.session.remove()
    c = login_as(Role.UNIT_MANAGER)
    c.get("/lang/lv")
    data = {"mediation": str(world["first"].mediation), "scheduled_at": _local_input(t),
            "duration_minutes": "60", "place": "VPD"}
    resp = c.post("/mediationsessionview/add", data=data)
    assert_refused(resp, "scheduled_at", expected(app, "lv", MSG_CLIENT, **_span(t)))
    data["scheduled_at"] = _local_input(t + dt.timedelta(hours=1))
    assert_saved(c.post("/mediationsessionview/add", data=data))
    with app.app_context():
        stored = db.session.scalars(select(MediationSession).where(
            MediationSession.mediation_id == world["first"].mediation,
            MediationSession.scheduled_at == t + dt.timedelta(hours=1))).one()
        assert stored.duration_minutes == 60
        db.session.remove()


def test_empty_duration_takes_the_configured_default(app: Flask, world: dict, login_as: Any,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "MEETING_DEFAULT_DURATION_MINUTES", 45)
    t = world["when"]
    c = login_as(Role.OFFICER)
    assert_saved(c.post("/meetingview/add", data=_form(world["first"], t, duration_minutes="")))
    with app.app_context():
        m = db.session.scalars(select(Meeting).where(Meeting.case_id == world["first"].case,
                                                     Meeting.scheduled_at == t)).one()
        assert m.duration_minutes == 45
        db.session.remove()


# --- the REST API --------------------------------------------------------------------------


def test_api_answers_422_with_the_message_and_stores_nothing(app: Flask, world: dict,
                                                             login_as: Any) -> None:
    t = world["when"]
    c = login_as(Role.OFFICER)
    c.get("/lang/en")
    body = {"case": world["first"].case, "scheduled_at": t.isoformat(),
            "duration_minutes": 60, "room": world["room"]}
    resp = c.post("/api/v1/meeting/", json=body)
    assert resp.status_code == 201, resp.get_json()
    before = count(app, Meeting)
    resp = c.post("/api/v1/meeting/", json={**body, "case": world["second"].case,
                                             "room": None})
    assert resp.status_code == 422
    assert resp.get_json()["message"]["scheduled_at"] == [
        expected(app, "en", MSG_OFFICER, **_span(t))]
    assert count(app, Meeting) == before
    # Adjacent is fine; an edit of the stored one to its own time is fine.
    resp = c.post("/api/v1/meeting/", json={**body, "case": world["second"].case,
                                             "room": None,
                                             "scheduled_at": (t + dt.timedelta(hours=1))
                                             .isoformat()})
    assert resp.status_code == 201, resp.get_json()
    pk = resp.get_json()["id"]
    assert c.put(f"/api/v1/meeting/{pk}", json={"place": "Cita telpa"}).status_code == 200
    resp = c.put(f"/api/v1/meeting/{pk}", json={"scheduled_at": t.isoformat()})
    assert resp.status_code == 422 and "scheduled_at" in resp.get_json()["message"]


def test_api_of_a_foreign_case_is_refused(app: Flask, base: Any, login_as: Any) -> None:
    c = login_as(Role.OFFICER)
    resp = c.post("/api/v1/meeting/", json={"case": base.foreign.case,
                                             "scheduled_at": _when().isoformat()})
    assert resp.status_code in (403, 422)
    assert c.get(f"/api/v1/meeting/{base.foreign.meeting}").status_code == 404


# --- demo data -----------------------------------------------------------------------------


def test_demo_rooms_are_made_once_and_booked_without_clashes(app: Flask, base: Any,
                                                             db_session: Any) -> None:
    from portal.services.demo import calendar as demo_calendar

    counts = demo_calendar.seed_rooms(db_session)
    assert counts["room"] >= len(demo_calendar.ROOMS) * 2  # both test units
    assert demo_calendar.seed_rooms(db_session)["room"] == 0
    names = set(db_session.scalars(select(Room.name).where(Room.unit_id == base.unit_a)))
    assert {name for name, _ in demo_calendar.ROOMS} <= names
    for m in db_session.scalars(select(Meeting).where(Meeting.room_id.is_not(None))):
        slot = scheduling.slot_for(db_session, "meeting", start=m.scheduled_at,
                                   minutes=m.duration_minutes, case=m.case_id,
                                   officer=m.officer_id, room=m.room_id, own_id=m.id)
        assert not [c for c in scheduling.clashes(db_session, slot) if c.what == "room"]


# --- the day calendar ----------------------------------------------------------------------


def test_day_calendar_shows_busy_rooms_and_officers_without_case_data(
        app: Flask, world: dict, login_as: Any, base: Any) -> None:
    t = world["when"]
    with app.app_context():
        _meeting(world["first"], t, room_id=world["room"])
        room = db.session.get(Room, world["room"]).name
        number = db.session.get(__import__("portal.models", fromlist=["Case"]).Case,
                                world["first"].case).number
        db.session.remove()
    day = t.astimezone(local_zone()).date()
    c = login_as(Role.OFFICER)
    c.get("/lang/lv")
    html = c.get(f"/calendar/?day={day.isoformat()}").get_data(as_text=True)
    start = t.astimezone(local_zone()).strftime("%H:%M")
    assert room in html and start in html
    assert number not in html  # times and resources only, no case
    assert c.get("/calendar/?day=nonsense").status_code == 200
    assert login_as(Role.ANALYST).get("/calendar/").status_code in (302, 403)


# --- rooms: the manager's screen, its scope and its change history --------------------------


def test_manager_keeps_the_units_rooms_with_change_history(app: Flask, base: Any,
                                                           login_as: Any) -> None:
    from portal.models import ChangeLog

    name = f"Telpa {uuid.uuid4().hex[:6]}"
    manager = login_as(Role.UNIT_MANAGER)
    resp = manager.post("/roomview/add", data={"unit": str(base.unit_a), "name": name,
                                               "capacity": "6", "active": "y"})
    assert resp.status_code == 302
    other = f"Telpa {uuid.uuid4().hex[:6]}"
    manager.post("/roomview/add", data={"unit": str(base.unit_b), "name": other,
                                        "capacity": "6", "active": "y"})
    with app.app_context():
        room = db.session.scalars(select(Room).where(Room.name == name)).one()
        assert db.session.scalars(select(Room).where(Room.name == other)).first() is None
        assert db.session.scalars(select(ChangeLog).where(
            ChangeLog.entity == "Room", ChangeLog.entity_id == room.id)).first() is not None
        db.session.remove()
    assert login_as(Role.OFFICER).get("/roomview/list/").status_code == 403
    assert login_as("ManagerB").get(f"/roomview/show/{room.id}").status_code == 404
