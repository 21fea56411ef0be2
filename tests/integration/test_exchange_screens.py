"""Screens of the connectors: inbound messages in the unit's inbox, a case's exchanges on its
page, the admins' connectors screen (secrets hidden, health, failed messages, retry)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from connectors.simulators import demo_decisions
from portal.extensions import db
from portal.models import Case, CaseStatus, ClosureReason, ExchangeMessage, ExchangeStatus
from portal.services.access import Role
from tests.factories import BaseData
from tests.integration.exchange_fixtures import poll, unit_code


def _judgment(app: Flask, base: BaseData, seed: int) -> dict[str, Any]:
    sent = demo_decisions("tis", 1, seed=seed, unit=unit_code(app, base.unit_a))[0]
    sent["kind"] = "judgment"
    sent["payload"]["function"] = "forced_labour"
    sent["payload"]["decision"].update(type="court_judgment", forced_labour_hours=40)
    return sent


def _message_id(app: Flask, external_id: str) -> int:
    with app.app_context():
        return db.session.scalar(select(ExchangeMessage.id).where(
            ExchangeMessage.correlation_id == external_id))


def test_an_officer_reviews_and_accepts_a_judgment_in_the_inbox(
    app: Flask, connected: dict[str, Any], base: BaseData, login_as: Any
) -> None:
    sent = _judgment(app, base, 201)
    connected["tis"].offer(sent)
    poll(app, "tis")
    pk = _message_id(app, sent["id"])
    officer = login_as(Role.OFFICER)
    inbox = officer.get("/inbox/").get_data(as_text=True)
    assert f'/inbox/exchange/{pk}"' in inbox and "Tiesas spriedums" in inbox
    page = officer.get(f"/inbox/exchange/{pk}").get_data(as_text=True)
    person = sent["payload"]["person"]
    assert person["surname"] in page and "Jauns ieraksts: Lieta" in page
    assert "Testa A nodaļa" in page  # the unit by name, not its id
    assert "None" not in re.sub(r"<script.*?</script>", "", page, flags=re.S)
    # Another unit's officer does not reach it.
    assert login_as("OfficerB").get(f"/inbox/exchange/{pk}").status_code == 404
    # Setting aside needs a reason, shown beside the field.
    refused = officer.post(f"/inbox/exchange/{pk}/dismiss", data={"reason": " "})
    assert refused.status_code == 422 and "reason-error" in refused.get_data(as_text=True)
    done = officer.post(f"/inbox/exchange/{pk}/accept", follow_redirects=True)
    assert done.status_code == 200
    with app.app_context():
        message = db.session.get(ExchangeMessage, pk)
        assert message.status is ExchangeStatus.APPLIED and message.case_id
        case_id = message.case_id
    case_page = officer.get(f"/caseview/show/{case_id}").get_data(as_text=True)
    assert 'id="case-exchanges"' in case_page and "Piemērots" in case_page


def test_the_case_page_shows_the_delivery_status_of_a_notice(
    app: Flask, connected: dict[str, Any], base: BaseData, login_as: Any
) -> None:
    sent = _judgment(app, base, 202)
    connected["tis"].offer(sent)
    poll(app, "tis")
    pk = _message_id(app, sent["id"])
    officer = login_as(Role.OFFICER)
    officer.post(f"/inbox/exchange/{pk}/accept")
    with app.app_context():
        case = db.session.get(Case, db.session.get(ExchangeMessage, pk).case_id)
        case.status = CaseStatus.ACTIVE
        db.session.commit()
        case.status, case.closure_reason = CaseStatus.CLOSED, ClosureReason.COMPLETED
        case.end_date = dt.date.today()
        db.session.commit()
        case_id = case.id
    page = officer.get(f"/caseview/show/{case_id}").get_data(as_text=True)
    assert "Izpildes paziņojums" in page
    assert ("Nosūtīts" in page) or ("Rindā" in page)


def test_the_connectors_screen_is_for_admins_and_hides_secrets(
    app: Flask, connected: dict[str, Any], login_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLUS_TIS_TOKEN", "very-secret-token")
    assert login_as(Role.OFFICER).get("/exchanges/").status_code in (302, 403)
    page = login_as(Role.ADMIN).get("/exchanges/")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "very-secret-token" not in text and "<code>PLUS_TIS_TOKEN</code> (iestatīta)" in text
    for name in ("tis", "prois_notices", "ievp"):
        assert f"<code>{name}</code>" in text
    assert "Atbild" in text  # the simulators answer the health check


def test_an_admin_retries_a_failed_message_from_the_screen(
    app: Flask, connected: dict[str, Any], base: BaseData, login_as: Any
) -> None:
    from portal.services.exchanges import outbox

    with app.app_context():
        message = outbox.enqueue(
            db.session, connector="tis_notices", system="TIS", kind="execution_notice",
            key=f"screen-retry-{dt.datetime.now().timestamp()}",
            payload={"case_number": "PL-2026-000001", "outcome": "done"})
        message.status = ExchangeStatus.FAILED
        message.attempts = 6
        message.last_error = "TIS answered 500"
        db.session.commit()
        pk = message.id
    admin = login_as(Role.ADMIN)
    assert "TIS answered 500" in admin.get("/exchanges/").get_data(as_text=True)
    assert login_as(Role.OFFICER).post(f"/exchanges/{pk}/retry").status_code in (302, 403)
    with app.app_context():
        assert db.session.get(ExchangeMessage, pk).status is ExchangeStatus.FAILED
    admin.post(f"/exchanges/{pk}/retry")
    with app.app_context():
        assert db.session.get(ExchangeMessage, pk).status in (
            ExchangeStatus.QUEUED, ExchangeStatus.SENT)


def test_indicators_count_decisions_received_electronically_per_month(
    app: Flask, connected: dict[str, Any], base: BaseData, login_as: Any
) -> None:
    from portal.services.casework.rules import today
    from portal.services.exchanges import indicators

    with app.app_context():
        before = indicators.monthly(db.session, today=today())[0]
    sent = _judgment(app, base, 203)
    connected["tis"].offer(sent)
    poll(app, "tis")
    login_as(Role.OFFICER).post(f"/inbox/exchange/{_message_id(app, sent['id'])}/accept")
    with app.app_context():
        after = indicators.monthly(db.session, today=today())[0]
    assert after.decisions == before.decisions + 1
    assert after.decisions_electronic == before.decisions_electronic + 1
    page = login_as(Role.ADMIN).get("/exchanges/").get_data(as_text=True)
    assert 'id="indicators"' in page and f"{after.decisions_electronic} / {after.decisions}" in page
