"""Fixtures for the national login tests: the IdP simulator on a free port, and its persons."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from flask.testing import FlaskClient

from connectors.simulators import saml_idp
from connectors.simulators.saml_idp import Person


@dataclass
class NationalPersons:
    """Test persons and the accounts they stand for."""

    client: Person  # a client with an open case (no portal account yet)
    closed: Person  # a client whose only case is closed
    employer_rep: Person  # authorised for ``employer_user`` by an invitation (to redeem)
    volunteer_rep: Person  # authorised for ``volunteer_user`` by an invitation (to redeem)
    eidas: Person  # an EU citizen with a foreign identifier
    stranger: Person  # nobody PLUS knows
    client_id: int
    employer_user: int
    volunteer_user: int


def start_login(c: FlaskClient, next_url: str = "", invite: str = "") -> saml_idp.AuthnRequest:
    """POST the portal's national-login button; return the AuthnRequest it sends to the IdP."""
    resp = c.post("/portal/saml/login", data={"next": next_url, "invite": invite})
    assert resp.status_code == 303, resp.get_data(as_text=True)[:500]
    query = parse_qs(urlsplit(resp.headers["Location"]).query)
    request = saml_idp.parse_authn_request(query["SAMLRequest"][0])
    c.relay_state = query["RelayState"][0]  # type: ignore[attr-defined]
    return request


def post_response(c: FlaskClient, saml_response: str, relay_state: str | None = None) -> Any:
    """POST an IdP response to the portal's assertion consumer service, as the browser does."""
    relay = relay_state if relay_state is not None else c.relay_state  # type: ignore[attr-defined]
    return c.post("/portal/saml/acs", data={"SAMLResponse": saml_response, "RelayState": relay})


@contextlib.contextmanager
def running_idp(app: Flask, persons: list[Person] | None = None,
                ) -> Iterator[saml_idp.SimulatorServer]:
    """The IdP simulator on a free local port, the app configured to trust it meanwhile."""
    server = saml_idp.start(persons or [])
    saved = app.config.get("SAML_IDP_METADATA_URL", "")
    app.config["SAML_IDP_METADATA_URL"] = server.idp.metadata_url
    app.extensions.pop("plus_saml_metadata", None)
    try:
        yield server
    finally:
        app.config["SAML_IDP_METADATA_URL"] = saved
        app.extensions.pop("plus_saml_metadata", None)
        server.stop()


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
