"""In Chromium: the portal's national login through the IdP simulator, as a person would."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask

from connectors.simulators import saml_idp
from connectors.simulators.saml_idp import Person
from portal.models import Client
from tests.integration.national_login_fixtures import running_idp


@pytest.fixture(scope="module")
def idp_server(app: Flask) -> Iterator[saml_idp.SimulatorServer]:
    from portal.extensions import db

    with app.app_context():
        client = db.session.get(Client, app.config["BASE_DATA"].own.client)
        persons = [
            Person("klients", client.given_name, client.surname,
                   personal_code=client.personal_code),
            Person("svešs", "Jānis", "Paraugs", personal_code="329900-00099"),
        ]
        db.session.remove()
    with running_idp(app, persons) as server:
        yield server


@pytest.fixture()
def allowed_hosts(idp_server: saml_idp.SimulatorServer) -> list[str]:
    return [urlsplit(idp_server.idp.base_url).netloc]


def test_a_client_logs_in_through_the_national_login(
    browser_page: Any, idp_server: saml_idp.SimulatorServer, external_requests: list[str],
    console_errors: list[str],
) -> None:
    page = browser_page
    page.goto("/portal/my-data")  # asks for a login, and comes back here afterwards
    page.get_by_role("button", name="Pieslēgties ar Latvija.lv").click()
    page.wait_for_url(f"{idp_server.idp.base_url}/sso**")
    with page.expect_navigation(url="**/portal/my-data"):
        page.get_by_role("button", name="klients").click()
    assert page.get_by_role("heading", level=1).inner_text().strip()
    assert page.get_by_role("button", name="Iziet").is_visible()
    assert not external_requests and not console_errors


def test_a_stranger_is_told_why_in_latvian(
    browser_page: Any, idp_server: saml_idp.SimulatorServer
) -> None:
    page = browser_page
    page.goto("/portal/login")
    page.get_by_role("button", name="Pieslēgties ar Latvija.lv").click()
    with page.expect_navigation(url="**/portal/saml/acs"):
        page.get_by_role("button", name="svešs").click()
    assert "Pieteikšanās nenotika" in page.content()
    page.goto("/portal/")
    assert "/portal/login" in page.url  # not logged in
