"""Notices to the state e-address, end to end against its HTTP simulator on a free port:
summons queued with the meeting in one transaction, delivered once per idempotency key even
when delivered twice, a person without an active e-address failed with the reason and a
marker for the officer, 500 and timeouts retried through the outbox's backoff, delivery and
read status asked afterwards, and the notices shown only to those who see the case."""

from __future__ import annotations

import datetime as dt
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from connectors import registry
from connectors.simulators import start
from connectors.simulators.eaddress import EAddressSimulator
from portal.extensions import db
from portal.models import (
    Case,
    CaseFunction,
    CaseStatus,
    Client,
    ExchangeMessage,
    ExchangeStatus,
    Gender,
    Meeting,
    NoticeKind,
    NoticeStatus,
    OutgoingNotice,
    PlusUser,
)
from portal.services import access
from portal.services.access import Role
from portal.services.exchanges import notices, outbox
from tests.factories import BaseData, new_code


@pytest.fixture(scope="module")
def eaddress_sim() -> Iterator[EAddressSimulator]:
    sim = start("eaddress")
    yield sim
    sim.stop()


@pytest.fixture()
def ea(app: Flask, eaddress_sim: EAddressSimulator, monkeypatch: pytest.MonkeyPatch
       ) -> Iterator[EAddressSimulator]:
    """The app's e-address connector talks to the simulator, with short timeouts."""
    endpoints = dict(app.config.get("CONNECTOR_ENDPOINTS") or {})
    endpoints["eaddress"] = eaddress_sim.url
    monkeypatch.setitem(app.config, "CONNECTOR_ENDPOINTS", endpoints)
    monkeypatch.setitem(app.config, "CONNECTOR_CONNECT_TIMEOUT", 0.5)
    monkeypatch.setitem(app.config, "CONNECTOR_READ_TIMEOUT", 0.5)
    # Retries come only when a test makes them due (never by a slow run's timing).
    monkeypatch.setitem(app.config, "EXCHANGE_BACKOFF_SECONDS", 60.0)
    eaddress_sim.set(mode="ok", latency_ms=0, hang_seconds=2.0)
    yield eaddress_sim
    eaddress_sim.set(mode="ok", latency_ms=0)


def _resolve(app: Flask) -> Any:
    return lambda name: registry.get(app.config, name)


def _case(app: Flask, base: BaseData, *, active: bool | None, sim: EAddressSimulator,
          unit: str = "a") -> tuple[int, str]:
    """A supervision case of a new client whose e-address is active or not."""
    code = new_code(dt.date(1985, 3, 9))
    if active is not None:
        sim.set_active(code, active=active)
    with app.app_context():
        unit_id = base.unit_a if unit == "a" else base.unit_b
        client = Client(given_name="Anna", surname="Liepa", personal_code=code,
                        birth_date=dt.date(1985, 3, 9), gender=Gender.FEMALE, unit_id=unit_id)
        db.session.add(client)
        db.session.flush()
        case = Case(number=f"PL-2026-E{client.id:05d}", client_id=client.id,
                    function=CaseFunction.PROBATION_SUPERVISION, status=CaseStatus.ACTIVE,
                    start_date=dt.date.today() - dt.timedelta(days=30), unit_id=unit_id,
                    officer_id=base.users[Role.OFFICER if unit == "a" else "OfficerB"])
        db.session.add(case)
        db.session.commit()
        return case.id, code


def _schedule(app: Flask, case_id: int, *, days: int = 3, held: bool = False) -> int:
    with app.app_context():
        case = db.session.get(Case, case_id)
        meeting = Meeting(case_id=case_id, place="VPD Rīgas nodaļa, Brīvības iela 1",
                          scheduled_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=days),
                          held=held, officer_id=case.officer_id)
        db.session.add(meeting)
        db.session.commit()
        return meeting.id


def _deliver_due(app: Flask) -> None:
    """What a worker does with the due outbox rows (inline mode has done it already)."""
    with app.app_context():
        for message_id in outbox.due_ids(db.session):
            outbox.deliver(db.session, message_id, _resolve(app))


def _summons(case_id: int) -> list[OutgoingNotice]:
    return list(db.session.scalars(select(OutgoingNotice).where(
        OutgoingNotice.case_id == case_id, OutgoingNotice.kind == NoticeKind.SUMMONS)
        .order_by(OutgoingNotice.id)))


def _make_due(message: ExchangeMessage) -> None:
    message.next_attempt_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    db.session.commit()


def _actor(base: BaseData, who: str) -> access.Actor:
    return access.Actor.of(db.session.get(PlusUser, base.users[who]))


# --- the summons and its transaction ------------------------------------------------------


def test_a_summons_is_queued_with_the_meeting_and_rolled_back_with_it(
    app: Flask, ea: EAddressSimulator, base: BaseData
) -> None:
    case_id, _ = _case(app, base, active=True, sim=ea)
    with app.app_context():
        db.session.add(Meeting(case_id=case_id, place="VPD",
                               scheduled_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=2)))
        db.session.flush()
        assert len(_summons(case_id)) == 1  # written in the same flush as the meeting ...
        db.session.rollback()  # ... and gone with it
        assert _summons(case_id) == []
        assert db.session.scalars(select(ExchangeMessage).where(
            ExchangeMessage.case_id == case_id)).all() == []
    meeting_id = _schedule(app, case_id)
    _deliver_due(app)
    with app.app_context():
        [notice] = _summons(case_id)
        assert notice.meeting_id == meeting_id
        message = notice.exchange_message
        assert message.connector == "eaddress" and message.kind == "summons"
        assert message.idempotency_key.startswith("eaddress:notice:")
        meeting = message.payload["meeting"]
        assert meeting["place"].startswith("VPD Rīgas") and meeting["officer"]
        assert len(meeting["date"]) == 10 and len(meeting["time"]) == 5
        assert meeting["date"] in notice.body and meeting["time"] in notice.body
        assert notice.status is NoticeStatus.SENT and message.status is ExchangeStatus.SENT


def test_past_or_held_meetings_are_no_summons_and_a_moved_one_is_summoned_again(
    app: Flask, ea: EAddressSimulator, base: BaseData
) -> None:
    case_id, _ = _case(app, base, active=True, sim=ea)
    _schedule(app, case_id, days=-1)
    _schedule(app, case_id, days=1, held=True)
    meeting_id = _schedule(app, case_id, days=5)
    with app.app_context():
        assert len(_summons(case_id)) == 1
        meeting = db.session.get(Meeting, meeting_id)
        meeting.notes = "Sagatavot plānu"  # not moved: no second summons
        db.session.commit()
        assert len(_summons(case_id)) == 1
        meeting.scheduled_at = meeting.scheduled_at + dt.timedelta(hours=3)
        db.session.commit()
        assert [n.meeting_id for n in _summons(case_id)] == [meeting_id, meeting_id]


def test_no_summons_while_the_e_address_connector_is_not_enabled(
    app: Flask, ea: EAddressSimulator, base: BaseData, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "CONNECTORS_ENABLED",
                        [n for n in app.config["CONNECTORS_ENABLED"] if n != "eaddress"])
    case_id, _ = _case(app, base, active=True, sim=ea)
    _schedule(app, case_id)
    with app.app_context():
        assert _summons(case_id) == []


# --- never doubled ------------------------------------------------------------------------


def test_delivered_once_even_when_delivered_twice(
    app: Flask, ea: EAddressSimulator, base: BaseData
) -> None:
    case_id, code = _case(app, base, active=True, sim=ea)
    # The e-address is slow: PLUS gives up (timeout) although the message was stored.
    ea.set(latency_ms=1500)
    _schedule(app, case_id)
    _deliver_due(app)
    with app.app_context():
        [notice] = _summons(case_id)
        message = notice.exchange_message
        assert message.status is ExchangeStatus.QUEUED and message.attempts == 1
        assert notice.status is NoticeStatus.QUEUED
        key = message.idempotency_key
    time.sleep(1.0)  # the slow answer's message is in the mailbox by now
    ea.set(latency_ms=0)
    with app.app_context():
        message = db.session.get(ExchangeMessage, message.id)
        _make_due(message)
        message = outbox.deliver(db.session, message.id, _resolve(app))
        assert message.status is ExchangeStatus.SENT and message.attempts == 2
        receipt = message.response["receipt"]
        # A redelivery of a sent message does nothing; the connector sending the same key
        # again gets the same receipt back.
        assert outbox.deliver(db.session, message.id, _resolve(app)) is None
        again = registry.get(app.config, "eaddress").send(message.kind, message.payload, key)
        assert again["receipt"] == receipt
    stored = [m for m in ea.state.mailbox.values() if m["recipient"] == code]
    assert len(stored) == 1 and stored[0]["key"] == key and stored[0]["receipt"] == receipt


def test_delivery_and_read_status_are_asked_afterwards(
    app: Flask, ea: EAddressSimulator, base: BaseData, login_as: Any
) -> None:
    case_id, _ = _case(app, base, active=True, sim=ea)
    _schedule(app, case_id)
    _deliver_due(app)
    connector = registry.get(app.config, "eaddress")
    with app.app_context():
        [notice] = _summons(case_id)
        assert notice.status is NoticeStatus.SENT and notice.sent_at is not None
        notices.refresh_deliveries(db.session, connector)
        notice = db.session.get(OutgoingNotice, notice.id)
        assert notice.status is NoticeStatus.DELIVERED and notice.delivered_at is not None
        assert notice.read_at is None
        receipt = notice.exchange_message.response["receipt"]
    # The person opens the message in their mailbox.
    urllib.request.urlopen(urllib.request.Request(  # noqa: S310 (local simulator)
        f"{ea.url}/messages/{receipt}/_read", data=b"{}", method="POST"), timeout=2).read()
    with app.app_context():
        notices.refresh_deliveries(db.session, connector)
        assert db.session.get(OutgoingNotice, notice.id).read_at is not None
    page = login_as(Role.OFFICER).get(f"/caseview/show/{case_id}").get_data(as_text=True)
    assert 'id="case-notices"' in page and "notice-delivered" in page


# --- no active e-address ------------------------------------------------------------------


def test_no_active_e_address_fails_with_the_reason_and_a_marker_for_the_officer(
    app: Flask, ea: EAddressSimulator, base: BaseData, login_as: Any
) -> None:
    case_id, code = _case(app, base, active=False, sim=ea)
    _schedule(app, case_id)
    _deliver_due(app)
    with app.app_context():
        [notice] = _summons(case_id)
        message = notice.exchange_message
        # Not retried: retrying will not give the person an e-address.
        assert message.status is ExchangeStatus.FAILED and message.attempts == 1
        assert "no active e-address" in message.last_error
        assert notice.status is NoticeStatus.FAILED
        assert notice.failure_reason == notices.NO_E_ADDRESS
    assert not [m for m in ea.state.mailbox.values() if m["recipient"] == code]
    page = login_as(Role.OFFICER).get(f"/caseview/show/{case_id}").get_data(as_text=True)
    meetings = page.split('id="case-meetings"', 1)[1].split("</table>", 1)[0]
    assert "nav aktīvas e-adreses" in meetings
    assert "izsauciet klientu citā veidā" in meetings
    assert "notice-failed" in page.split('id="case-notices"', 1)[1]


# --- transient faults -----------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["error", "timeout"])
def test_a_500_or_timeout_is_retried_later_with_a_clear_status(
    app: Flask, ea: EAddressSimulator, base: BaseData, login_as: Any, mode: str
) -> None:
    case_id, code = _case(app, base, active=True, sim=ea)
    ea.set(mode=mode, hang_seconds=1.5)
    _schedule(app, case_id)
    _deliver_due(app)
    with app.app_context():
        [notice] = _summons(case_id)
        message = notice.exchange_message
        assert message.status is ExchangeStatus.QUEUED and message.attempts == 1
        assert ("500" in message.last_error) if mode == "error" else message.last_error
        assert message.next_attempt_at > dt.datetime.now(dt.UTC)
        assert notice.status is NoticeStatus.QUEUED
        message_id = message.id
    page = login_as(Role.OFFICER).get(f"/caseview/show/{case_id}").get_data(as_text=True)
    notices_html = page.split('id="case-notices"', 1)[1]
    assert "notice-queued" in notices_html and "1" in notices_html
    ea.set(mode="ok")
    with app.app_context():
        _make_due(db.session.get(ExchangeMessage, message_id))
    _deliver_due(app)
    with app.app_context():
        message = db.session.get(ExchangeMessage, message_id)
        assert message.status is ExchangeStatus.SENT and message.attempts == 2
        assert _summons(case_id)[0].status is NoticeStatus.SENT
    assert len([m for m in ea.state.mailbox.values() if m["recipient"] == code]) == 1


def test_after_the_last_attempt_the_notice_fails_and_an_admin_retry_queues_it_again(
    app: Flask, ea: EAddressSimulator, base: BaseData, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "EXCHANGE_MAX_ATTEMPTS", 2)
    case_id, _ = _case(app, base, active=True, sim=ea)
    ea.set(mode="error")
    _schedule(app, case_id)
    _deliver_due(app)
    with app.app_context():
        message = _summons(case_id)[0].exchange_message
        _make_due(message)
        outbox.deliver(db.session, message.id, _resolve(app))
        notice = _summons(case_id)[0]
        assert notice.status is NoticeStatus.FAILED
        assert notice.failure_reason == notices.DELIVERY_FAILED
        ea.set(mode="ok")
        outbox.retry(db.session, message.id, _actor(base, Role.ADMIN))
        # Queued again (inline, without Redis, already delivered by the commit's kick).
        notice = _summons(case_id)[0]
        assert notice.status in (NoticeStatus.QUEUED, NoticeStatus.SENT)
        assert notice.failure_reason is None
    _deliver_due(app)
    with app.app_context():
        assert _summons(case_id)[0].status is NoticeStatus.SENT


# --- replies to submissions, access ---------------------------------------------------------


def test_a_queued_reply_notice_goes_through_the_outbox(
    app: Flask, ea: EAddressSimulator, base: BaseData
) -> None:
    case_id, code = _case(app, base, active=True, sim=ea)
    with app.app_context():
        client_id = db.session.get(Case, case_id).client_id
        db.session.add(OutgoingNotice(client_id=client_id, case_id=case_id,
                                      subject="Atbilde uz iesniegumu", body="Paldies."))
        db.session.commit()
    _deliver_due(app)
    with app.app_context():
        [notice] = db.session.scalars(select(OutgoingNotice).where(
            OutgoingNotice.case_id == case_id)).all()
        assert notice.kind is NoticeKind.REPLY and notice.status is NoticeStatus.SENT
        assert notice.exchange_message.kind == "notice"
    [stored] = [m for m in ea.state.mailbox.values() if m["recipient"] == code]
    assert stored["subject"] == "Atbilde uz iesniegumu"


def test_officers_see_only_the_notices_of_cases_they_see(
    app: Flask, ea: EAddressSimulator, base: BaseData, login_as: Any
) -> None:
    case_id, _ = _case(app, base, active=True, sim=ea, unit="b")
    _schedule(app, case_id)
    with app.app_context():
        assert len(notices.for_case(db.session, case_id, _actor(base, "OfficerB"))) == 1
        assert notices.for_case(db.session, case_id, _actor(base, Role.OFFICER)) == []
        assert notices.for_case(db.session, case_id, _actor(base, Role.ANALYST)) == []
        assert len(notices.for_case(db.session, case_id, _actor(base, Role.ADMIN))) == 1
    assert login_as(Role.OFFICER).get(f"/caseview/show/{case_id}").status_code == 404
