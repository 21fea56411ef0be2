"""Registry queries (VIIS, IIS VDEAVK, VID, RD) against their simulators: always with a
purpose, answered or failing with a clear status (timeout, 500, malformed, unknown person)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from connectors import registry
from connectors.simulators.registries import data_for
from portal.extensions import db
from portal.models import AccessLog, Client, ExchangeMessage, ExchangeStatus, PlusUser
from portal.services import access
from portal.services.access import Role
from portal.services.errors import NotFound, ValidationFailed
from portal.services.exchanges import outbox, queries
from tests.factories import BaseData

REGISTRIES = ("viis", "vdeavk", "vid", "rd")


def _actor(base: BaseData, who: str = Role.OFFICER) -> access.Actor:
    return access.Actor.of(db.session.get(PlusUser, base.users[who]))


def _ask(app: Flask, base: BaseData, name: str, purpose: str = "supervision",
         who: str = Role.OFFICER) -> int:
    with app.app_context():
        message = queries.ask(db.session, registry=name, client_id=base.own.client,
                              purpose=purpose, actor=_actor(base, who))
        return message.id


def _settle(app: Flask, message_id: int) -> ExchangeMessage:
    """Deliver it if no inline run did (with Redis the worker would), and read it back."""
    with app.app_context():
        outbox.deliver(db.session, message_id, lambda n: registry.get(app.config, n))
        message = db.session.get(ExchangeMessage, message_id)
        db.session.expunge(message)
        return message


@pytest.mark.parametrize("name", REGISTRIES)
def test_a_query_with_a_purpose_is_answered_and_logged(
    app: Flask, registries: dict[str, Any], base: BaseData, name: str
) -> None:
    message = _settle(app, _ask(app, base, name))
    with app.app_context():
        code = db.session.get(Client, base.own.client).personal_code
        logged = db.session.query(AccessLog).filter(
            AccessLog.action == f"registry.{name}", AccessLog.client_id == base.own.client
        ).count()
    assert message.status is ExchangeStatus.SENT
    assert message.response == {"data": data_for(name, code)}
    assert message.payload["purpose"] == "supervision"
    assert message.processed_by_id == base.users[Role.OFFICER] and logged >= 1


def test_no_query_without_a_purpose_nor_outside_the_unit(
    app: Flask, registries: dict[str, Any], base: BaseData
) -> None:
    with pytest.raises(ValidationFailed):
        _ask(app, base, "viis", purpose="")
    with pytest.raises(ValidationFailed):
        _ask(app, base, "viis", purpose="curiosity")
    with pytest.raises(NotFound):
        _ask(app, base, "viis", who="OfficerB")


@pytest.mark.parametrize(("mode", "status", "reason"), [
    ("unknown", ExchangeStatus.FAILED, "does not know"),
    ("malformed", ExchangeStatus.FAILED, "malformed"),
    ("error", ExchangeStatus.QUEUED, "500"),
    ("timeout", ExchangeStatus.QUEUED, "unreachable"),
])
def test_registry_faults_end_in_a_clear_status(
    app: Flask, registries: dict[str, Any], base: BaseData, mode: str,
    status: ExchangeStatus, reason: str
) -> None:
    registries["vid"].set(mode=mode, hang_seconds=2.0)
    message = _settle(app, _ask(app, base, "vid"))
    assert message.status is status and reason in message.last_error
    # Not knowing the person is an answer the officer is shown as such; faults leave none.
    assert message.response == ({"unknown_person": True} if mode == "unknown" else None)
    if status is ExchangeStatus.QUEUED:
        assert message.attempts >= 1 and message.next_attempt_at is not None


def test_an_officer_asks_from_the_screen_and_sees_the_answer(
    app: Flask, registries: dict[str, Any], base: BaseData, login_as: Any
) -> None:
    officer = login_as(Role.OFFICER)
    url = f"/registry/client/{base.own.client}"
    case_page = officer.get(f"/caseview/show/{base.own.case}").get_data(as_text=True)
    assert url in case_page
    refused = officer.post(url + "/ask", data={"registry": "vdeavk", "purpose": ""})
    assert refused.status_code == 422 and "purpose-error" in refused.get_data(as_text=True)
    officer.post(url + "/ask", data={"registry": "vdeavk", "purpose": "supervision"})
    with app.app_context():
        [latest] = queries.for_client(db.session, base.own.client, _actor(base), limit=1)
        latest_id = latest.id
    _settle(app, latest_id)
    page = officer.get(url).get_data(as_text=True)
    assert "Invaliditātes grupa" in page and "Probācijas klienta uzraudzība" in page
    assert login_as("OfficerB").get(url).status_code == 404
