"""The unified calendar connector against its HTTP simulator: a booking goes to the outbox in
the same transaction as the meeting and is delivered once; the calendar's busy times refuse a
booking; an unreachable or slow calendar leaves the local check in charge and tells the
officer, never a 500."""

from __future__ import annotations

import datetime as dt
import socket
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from connectors import registry
from connectors.calendar import CalendarConnector
from connectors.simulators import Simulator, start
from portal.extensions import db
from portal.models import ExchangeMessage, ExchangeStatus, Meeting
from portal.services.access import Role
from portal.services.casework import scheduling
from portal.services.exchanges import outbox
from tests.factories import make_case
from tests.integration.test_bad_input import assert_refused, assert_saved, count, expected
from tests.integration.test_scheduling import MSG_EXT_OFFICER, _local_input, _span, _when

pytestmark = pytest.mark.usefixtures("keep_languages")


@pytest.fixture(scope="module")
def calendar_sim() -> Iterator[Simulator]:
    sim = start("calendar")
    yield sim
    sim.stop()


@pytest.fixture()
def calendar(app: Flask, calendar_sim: Simulator, monkeypatch: pytest.MonkeyPatch
             ) -> Iterator[Simulator]:
    """The app's calendar connector talks to the simulator, with short timeouts."""
    endpoints = dict(app.config["CONNECTOR_ENDPOINTS"])
    endpoints["calendar"] = calendar_sim.url
    monkeypatch.setitem(app.config, "CONNECTOR_ENDPOINTS", endpoints)
    enabled = list(app.config["CONNECTORS_ENABLED"])
    if "calendar" not in enabled:
        monkeypatch.setitem(app.config, "CONNECTORS_ENABLED", [*enabled, "calendar"])
    monkeypatch.setitem(app.config, "CALENDAR_QUERY_TIMEOUT", 0.5)
    monkeypatch.setitem(app.config, "EXCHANGE_BACKOFF_SECONDS", 1.0)
    calendar_sim.set(mode="ok", latency_ms=0, hang_seconds=2.0, busy=[])
    yield calendar_sim
    calendar_sim.set(mode="ok", latency_ms=0, busy=[])


@pytest.fixture()
def case(app: Flask, base: Any) -> Any:
    with app.app_context():
        records = make_case(db.session, unit_id=base.unit_a, officer_id=base.users[Role.OFFICER],
                            mediator_id=None, employer_id=base.employer,
                            surname=f"Kal{uuid.uuid4().hex[:6]}")
        db.session.commit()
        db.session.remove()
    return records


def _bookings(app: Flask, ref: str) -> list[ExchangeMessage]:
    """The calendar messages of a booking, after delivering the queued ones (with Redis the
    after-commit kick goes to a worker this test does not run; inline it has delivered)."""
    with app.app_context():
        queued = db.session.scalars(select(ExchangeMessage.id).where(
            ExchangeMessage.connector == "calendar", ExchangeMessage.correlation_id == ref,
            ExchangeMessage.status == ExchangeStatus.QUEUED, ExchangeMessage.attempts == 0,
        ).order_by(ExchangeMessage.id)).all()  # in the order written, as the sweep does
        db.session.commit()
        for pk in queued:
            outbox.deliver(db.session, pk, lambda n: registry.get(app.config, n))
        db.session.remove()
    with app.app_context():
        rows = list(db.session.scalars(select(ExchangeMessage).where(
            ExchangeMessage.connector == "calendar", ExchangeMessage.correlation_id == ref
        ).order_by(ExchangeMessage.id)))
        db.session.expunge_all()
        db.session.remove()
    return rows


def test_the_connector_is_registered_and_enabled_by_default(app: Flask) -> None:
    assert registry.available()["calendar"] is CalendarConnector
    import config

    assert "calendar" in config.CONNECTORS_ENABLED
    assert "calendar" in config.CONNECTOR_ENDPOINTS


def test_booking_is_queued_with_the_meeting_and_delivered_once(app: Flask, calendar: Simulator,
                                                                 case: Any) -> None:
    t = _when()
    with app.app_context():
        m = Meeting(case_id=case.case, scheduled_at=t, duration_minutes=30)
        db.session.add(m)
        db.session.commit()  # inline Celery: the after-commit kick delivers at once
        pk = m.id
        db.session.remove()
    ref = f"plus:meeting:{pk}"
    [message] = _bookings(app, ref)
    assert message.status is ExchangeStatus.SENT and message.attempts == 1
    assert message.payload["resources"] == [f"officer:{case and _officer(app)}"]
    with calendar.state.lock:
        assert calendar.state.bookings[ref]["start"] == t.isoformat()
        delivered = [n for n in calendar.state.notices.values() if n["payload"]["ref"] == ref]
    assert len(delivered) == 1
    # Saved again unchanged (a note): nothing new; delivering the sent message again: nothing.
    with app.app_context():
        db.session.get(Meeting, pk).notes = "Piezīme"
        db.session.commit()
        assert outbox.deliver(db.session, message.id, lambda n: registry.get(app.config, n)
                              ) is None
        db.session.remove()
    assert len(_bookings(app, ref)) == 1
    # The same key sent twice (an answer lost on the way) gets the first receipt back.
    connector = registry.get(app.config, "calendar")
    again = connector.send("booking", message.payload, message.idempotency_key)
    assert again["receipt"] == message.response["receipt"]
    with calendar.state.lock:
        assert len([n for n in calendar.state.notices.values()
                    if n["payload"]["ref"] == ref]) == 1
    # Moved: a new booking replaces the old one in the calendar; deleted: cancelled.
    with app.app_context():
        db.session.get(Meeting, pk).scheduled_at = t + dt.timedelta(hours=2)
        db.session.commit()
        db.session.delete(db.session.get(Meeting, pk))
        db.session.commit()
        db.session.remove()
    rows = _bookings(app, ref)
    assert [r.payload["action"] for r in rows] == ["book", "book", "cancel"]
    assert all(r.status is ExchangeStatus.SENT for r in rows)
    with calendar.state.lock:
        assert ref not in calendar.state.bookings


def _officer(app: Flask) -> int:
    return app.config["BASE_DATA"].users[Role.OFFICER]


def test_an_unreachable_calendar_keeps_the_booking_queued(app: Flask, calendar: Simulator,
                                                           case: Any,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    calendar.set(mode="error")
    with app.app_context():
        m = Meeting(case_id=case.case, scheduled_at=_when())
        db.session.add(m)
        db.session.commit()
        pk = m.id
        db.session.remove()
    [message] = _bookings(app, f"plus:meeting:{pk}")
    assert message.status is ExchangeStatus.QUEUED and "500" in message.last_error


def test_the_calendars_busy_times_refuse_the_booking_on_the_screen(
        app: Flask, calendar: Simulator, case: Any, login_as: Any) -> None:
    t = _when()
    officer = _officer(app)
    leave_start, leave_end = t - dt.timedelta(hours=2), t + dt.timedelta(hours=6)
    calendar.set(busy=[{"resource": f"officer:{officer}", "start": leave_start.isoformat(),
                        "end": leave_end.isoformat(), "reason": "leave"}])
    c = login_as(Role.OFFICER)
    c.get("/lang/lv")
    before = count(app, Meeting)
    data = {"case": str(case.case), "scheduled_at": _local_input(t), "duration_minutes": "60"}
    resp = c.post("/meetingview/add", data=data)
    span = _span(leave_start, 8 * 60)
    assert_refused(resp, "scheduled_at", expected(app, "lv", MSG_EXT_OFFICER, **span))
    assert count(app, Meeting) == before
    # After the leave the same booking passes, and the calendar's answer about PLUS's own
    # booking (a "plus:" reference) is no clash when it is edited.
    data["scheduled_at"] = _local_input(leave_end)
    assert_saved(c.post("/meetingview/add", data=data, follow_redirects=False))


@pytest.mark.parametrize("trouble", ["timeout", "closed"])
def test_an_unreachable_calendar_still_books_and_says_so(
        app: Flask, calendar: Simulator, case: Any, login_as: Any,
        monkeypatch: pytest.MonkeyPatch, trouble: str) -> None:
    if trouble == "timeout":
        calendar.set(mode="timeout", hang_seconds=30.0)
    else:
        with socket.socket() as sock:  # a port nobody listens on
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        endpoints = dict(app.config["CONNECTOR_ENDPOINTS"])
        endpoints["calendar"] = f"http://127.0.0.1:{port}"
        monkeypatch.setitem(app.config, "CONNECTOR_ENDPOINTS", endpoints)
    c = login_as(Role.OFFICER)
    c.get("/lang/en")
    t = _when()
    data = {"case": str(case.case), "scheduled_at": _local_input(t), "duration_minutes": "60"}
    started = time.monotonic()
    resp = c.post("/meetingview/add", data=data, follow_redirects=True)
    # The query's own timeout (0.5 + 0.5 s), never the calendar's 30 s; inline Celery also
    # tries the booking once; the bound leaves room for a loaded machine.
    assert time.monotonic() - started < 15
    assert resp.status_code == 200
    assert str(scheduling.unchecked_warning()) in resp.get_data(as_text=True)
    # The local rule still holds without the calendar.
    resp = c.post("/meetingview/add", data=data)
    assert resp.status_code == 200 and "already has a meeting" in resp.get_data(as_text=True)
    resp = c.post("/api/v1/meeting/", json={"case": case.case, "scheduled_at": (
        t + dt.timedelta(hours=3)).isoformat()})
    assert resp.status_code == 201
    assert resp.get_json()["warnings"] == [str(scheduling.unchecked_warning())]


def test_the_simulator_answers_demo_busy_times(calendar_sim: Simulator) -> None:
    from connectors.simulators.calendar import demo_busy

    wednesday = dt.datetime(2031, 1, 8, 0, 0, tzinfo=dt.UTC)
    assert demo_busy("room:2", wednesday, wednesday + dt.timedelta(days=1))
    assert not demo_busy("room:3", wednesday, wednesday + dt.timedelta(days=1))
    friday = wednesday + dt.timedelta(days=2)
    assert demo_busy("officer:4", friday, friday + dt.timedelta(days=1))[0]["reason"] == "leave"
