"""The portal's national login (SAML 2.0) against the IdP simulator: what it accepts, what not.

Every refusal is a real response the simulator built and signed (or deliberately did not),
posted to the real assertion consumer service; python3-saml and our checks decide.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from sqlalchemy import func, select

from connectors.simulators import saml_idp
from connectors.simulators.saml_idp import ATTRIBUTES, Person
from portal.models import (
    Case,
    CaseStatus,
    ClosureReason,
    IdentityScheme,
    PlusUser,
    PortalIdentity,
    SamlUsedMessage,
)
from portal.services.access import Role
from portal.services.partners import invitations
from tests.factories import ensure_user, make_case
from tests.integration.national_login_fixtures import (
    NationalPersons,
    now,
    post_response,
    running_idp,
    start_login,
)


@pytest.fixture(scope="module")
def idp_server(app: Flask) -> Iterator[saml_idp.SimulatorServer]:
    with running_idp(app) as server:
        yield server


@pytest.fixture(scope="module")
def persons(app: Flask) -> Iterator[NationalPersons]:
    from portal.extensions import db

    with app.app_context():
        base = app.config["BASE_DATA"]
        sm = app.appbuilder.sm
        tag = uuid.uuid4().hex[:6]
        own = make_case(db.session, unit_id=base.unit_a, officer_id=base.users[Role.OFFICER],
                        mediator_id=None, employer_id=base.employer, given="Ilze",
                        surname="Saulīte")
        closed = make_case(db.session, unit_id=base.unit_a, officer_id=base.users[Role.OFFICER],
                           mediator_id=None, employer_id=base.employer, given="Pēteris",
                           surname="Slēgtais")
        case = db.session.get(Case, closed.case)
        case.status = CaseStatus.CLOSED
        case.closure_reason = ClosureReason.COMPLETED
        case.end_date = dt.date.today()
        db.session.commit()
        from portal.models import Client

        own_code = db.session.get(Client, own.client).personal_code
        closed_code = db.session.get(Client, closed.client).personal_code
        employer_user = ensure_user(sm, f"nl_emp_{tag}", Role.EMPLOYER, employer_id=base.employer)
        volunteer_user = ensure_user(sm, f"nl_vol_{tag}", Role.VOLUNTEER,
                                     volunteer_id=base.volunteer)
        db.session.remove()
    # Yielded outside the app context: requests must not share its ``g`` (the logged-in user).
    yield NationalPersons(
        client=Person("klients", "Ilze", "Saulīte", personal_code=own_code.replace("-", "")),
        closed=Person("slēgta lieta", "Pēteris", "Slēgtais", personal_code=closed_code),
        employer_rep=Person("darba devēja pārstāvis", "Dace", "Pārstāve",
                            personal_code="329901-" + str(10000 + int(tag, 16) % 90000)),
        volunteer_rep=Person("brīvprātīgais", "Vija", "Brīvprātīgā",
                             personal_code="329902-" + str(10000 + int(tag, 16) % 90000)),
        eidas=Person("eIDAS", "Hans", "Muster", foreign_id=f"DE/LV/{tag}"),
        stranger=Person("svešs", "Jānis", "Paraugs",
                        personal_code="329903-" + str(10000 + int(tag, 16) % 90000)),
        client_id=own.client, employer_user=employer_user, volunteer_user=volunteer_user,
    )


def _invite(app: Flask, user_id: int) -> str:
    from portal.extensions import db

    with app.app_context():
        token = invitations.create_invitation(db.session, db.session.get(PlusUser, user_id), None)
        db.session.commit()
        return token


def _good(idp: saml_idp.SimulatorServer, c: Any, person: Person, **faults: Any) -> Any:
    request = start_login(c, "/portal/submissions")
    return post_response(c, idp.idp.respond(person, request, **faults))


# --- acceptance ---------------------------------------------------------------------------------


def test_login_page_offers_the_national_login_in_latvian(app: Flask, idp_server: Any) -> None:
    page = app.test_client().get("/portal/login").get_data(as_text=True)
    assert "Pieslēgties ar Latvija.lv" in page
    assert 'action="/portal/saml/login"' in page


def test_the_portal_publishes_its_sp_metadata(app: Flask, idp_server: Any) -> None:
    resp = app.test_client().get("/portal/saml/metadata")
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert "AssertionConsumerService" in body and "/portal/saml/acs" in body


def test_a_client_with_an_open_case_logs_in_without_an_invitation(
    app: Flask, idp_server: Any, persons: NationalPersons
) -> None:
    c = app.test_client()
    resp = _good(idp_server, c, persons.client)
    assert resp.status_code == 303, resp.get_data(as_text=True)
    assert resp.headers["Location"].endswith("/portal/submissions")
    from portal.extensions import db

    with app.app_context():
        user = db.session.execute(
            select(PlusUser).where(PlusUser.client_id == persons.client_id)).scalar_one()
        assert invitations.portal_role(user) == Role.CLIENT
        assert persons.client.personal_code not in user.username  # type: ignore[operator]
    assert c.get("/portal/my-data").status_code == 200
    # The second login (a fresh response) finds the same account, not a new one.
    c2 = app.test_client()
    assert _good(idp_server, c2, persons.client).status_code == 303
    with app.app_context():
        count = db.session.execute(select(func.count()).select_from(PlusUser).where(
            PlusUser.client_id == persons.client_id)).scalar_one()
        assert count == 1


@pytest.mark.parametrize("who", ["employer", "volunteer"])
def test_a_representative_redeems_the_invitation_and_then_logs_in_as_a_person(
    app: Flask, idp_server: Any, persons: NationalPersons, who: str
) -> None:
    person = persons.employer_rep if who == "employer" else persons.volunteer_rep
    account = persons.employer_user if who == "employer" else persons.volunteer_user
    # Before the invitation is redeemed the person may act for nobody.
    refused = _good(idp_server, app.test_client(), person)
    assert refused.status_code == 403
    token = _invite(app, account)
    c = app.test_client()
    request = start_login(c, invite=token)
    resp = post_response(c, idp_server.idp.respond(person, request))
    assert resp.status_code == 303, resp.get_data(as_text=True)
    assert "/portal/clients" in c.get("/portal/").get_data(as_text=True)
    assert c.get("/portal/clients").status_code == 200
    from portal.extensions import db

    with app.app_context():
        bound = db.session.execute(select(PortalIdentity).where(
            PortalIdentity.user_id == account)).scalar_one()
        assert (bound.scheme, bound.subject) == (IdentityScheme.LV, person.personal_code)
        assert invitations.find_invitation(db.session, token) is None  # used up
    # From now on the person logs in with no invitation, as that organisation.
    c2 = app.test_client()
    assert _good(idp_server, c2, person).status_code == 303
    assert c2.get("/portal/clients").status_code == 200
    # The header names the person and the organisation they act for.
    header = c2.get("/portal/").get_data(as_text=True)
    assert f"{person.given_name} {person.surname}" in header
    with app.app_context():
        org_account = db.session.get(PlusUser, account)
        assert f"{org_account.first_name} {org_account.last_name}".strip() in header
    # The used invitation cannot be redeemed again (by anyone).
    c3 = app.test_client()
    assert c3.post("/portal/saml/login", data={"invite": token}).status_code == 404


def test_an_eidas_person_acts_through_an_invitation(
    app: Flask, idp_server: Any, persons: NationalPersons
) -> None:
    from portal.extensions import db

    with app.app_context():
        user_id = ensure_user(app.appbuilder.sm, f"nl_eidas_{uuid.uuid4().hex[:6]}",
                              Role.EMPLOYER, employer_id=app.config["BASE_DATA"].employer)
    token = _invite(app, user_id)
    c = app.test_client()
    request = start_login(c, invite=token)
    assert post_response(c, idp_server.idp.respond(persons.eidas, request)).status_code == 303
    assert c.get("/portal/clients").status_code == 200
    with app.app_context():
        bound = db.session.execute(select(PortalIdentity).where(
            PortalIdentity.user_id == user_id)).scalar_one()
        assert bound.scheme == IdentityScheme.EIDAS


def test_a_person_who_acts_for_several_chooses(
    app: Flask, idp_server: Any, persons: NationalPersons
) -> None:
    # The client is also authorised for an employer account.
    with app.app_context():
        user_id = ensure_user(app.appbuilder.sm, f"nl_both_{uuid.uuid4().hex[:6]}",
                              Role.EMPLOYER, employer_id=app.config["BASE_DATA"].employer)
    token = _invite(app, user_id)
    c = app.test_client()
    request = start_login(c, invite=token)
    assert post_response(c, idp_server.idp.respond(persons.client, request)).status_code == 303
    c2 = app.test_client()
    resp = _good(idp_server, c2, persons.client)
    assert resp.headers["Location"].endswith("/portal/saml/choose")
    page = c2.get("/portal/saml/choose").get_data(as_text=True)
    assert "Testa pašvaldība" in page
    assert c2.post("/portal/saml/choose", data={"account": "999999"}).status_code == 400
    assert c2.post("/portal/saml/choose", data={"account": str(user_id)}).status_code == 303
    assert c2.get("/portal/clients").status_code == 200


# --- refusals -----------------------------------------------------------------------------------


def _refused(resp: Any, status: int = 400) -> str:
    assert resp.status_code == status, (resp.status_code, resp.headers.get("Location"))
    return resp.get_data(as_text=True)


def test_an_unsigned_assertion_is_refused(idp_server: Any, app: Flask,
                                          persons: NationalPersons) -> None:
    c = app.test_client()
    _refused(_good(idp_server, c, persons.client, sign=False))
    assert c.get("/portal/").status_code == 302  # not logged in


def test_an_assertion_signed_by_another_key_is_refused(
    idp_server: Any, app: Flask, persons: NationalPersons
) -> None:
    key, cert = saml_idp.generate_keypair("Not the IdP")
    c = app.test_client()
    _refused(_good(idp_server, c, persons.client, key_pem=key, cert_pem=cert))
    assert c.get("/portal/").status_code == 302


def test_an_assertion_changed_after_signing_is_refused(
    idp_server: Any, app: Flask, persons: NationalPersons
) -> None:
    # A stranger's signed assertion with the client's code put in afterwards.
    c = app.test_client()
    tamper = {ATTRIBUTES["personal_code"]: persons.client.personal_code or ""}
    _refused(_good(idp_server, c, persons.stranger, tamper=tamper))
    assert c.get("/portal/").status_code == 302


def test_an_assertion_for_another_audience_is_refused(
    idp_server: Any, app: Flask, persons: NationalPersons
) -> None:
    c = app.test_client()
    _refused(_good(idp_server, c, persons.client, audience="https://other.example/sp"))


def test_an_assertion_for_another_recipient_is_refused(
    idp_server: Any, app: Flask, persons: NationalPersons
) -> None:
    # Posted to us (Destination) but the assertion names another service as its recipient,
    # and one sent to another service altogether.
    c = app.test_client()
    _refused(_good(idp_server, c, persons.client, recipient="https://other.example/acs"))
    _refused(_good(idp_server, c, persons.client, acs_url="https://other.example/acs"))


def test_an_expired_assertion_is_refused(
    idp_server: Any, app: Flask, persons: NationalPersons
) -> None:
    # Beyond python3-saml's five minutes of allowed clock drift.
    c = app.test_client()
    _refused(_good(idp_server, c, persons.client,
                   issued_at=now() - dt.timedelta(minutes=20)))


def test_a_replayed_response_is_refused(
    idp_server: Any, app: Flask, persons: NationalPersons
) -> None:
    c = app.test_client()
    request = start_login(c)
    response = idp_server.idp.respond(persons.client, request)
    assert post_response(c, response).status_code == 303
    # The same response again (e.g. from the browser history), even in a fresh browser.
    thief = app.test_client()
    body = _refused(post_response(thief, response, c.relay_state))
    assert "jau izmantota" in body  # "This login was already used."
    assert thief.get("/portal/").status_code == 302
    from portal.extensions import db

    with app.app_context():
        kept = db.session.execute(select(SamlUsedMessage.expires_at)).scalars().all()
        assert kept and all(at > now() for at in kept)


def test_a_response_to_another_request_or_unsolicited_is_refused(
    idp_server: Any, app: Flask, persons: NationalPersons
) -> None:
    c = app.test_client()
    request = start_login(c)
    other = saml_idp.AuthnRequest("_someone_elses", request.issuer, request.acs_url)
    _refused(post_response(c, idp_server.idp.respond(persons.client, other)))
    unsolicited = saml_idp.AuthnRequest("", request.issuer, request.acs_url)
    _refused(post_response(c, idp_server.idp.respond(persons.client, unsolicited,
                                                     in_response_to=None)))
    _refused(post_response(c, idp_server.idp.respond(persons.client, request), "forged"))


def test_a_client_with_no_open_case_is_refused(
    idp_server: Any, app: Flask, persons: NationalPersons
) -> None:
    c = app.test_client()
    body = _refused(_good(idp_server, c, persons.closed), 403)
    assert "probācijas lieta" in body
    assert c.get("/portal/").status_code == 302


def test_a_stranger_is_refused(idp_server: Any, app: Flask, persons: NationalPersons) -> None:
    c = app.test_client()
    _refused(_good(idp_server, c, persons.stranger), 403)


def test_a_clients_invitation_binds_only_the_clients_own_code(
    idp_server: Any, app: Flask, persons: NationalPersons
) -> None:
    from portal.extensions import db

    with app.app_context():
        user = db.session.execute(
            select(PlusUser).where(PlusUser.client_id == persons.client_id)).scalar_one_or_none()
    if user is None:
        pytest.skip("the client account is made by the acceptance test")
    token = _invite(app, user.id)
    c = app.test_client()
    request = start_login(c, invite=token)
    _refused(post_response(c, idp_server.idp.respond(persons.stranger, request)), 403)
    with app.app_context():
        assert invitations.find_invitation(db.session, token) is not None  # still usable


def test_without_an_idp_there_is_no_national_login(app: Flask) -> None:
    saved = app.config.get("SAML_IDP_METADATA_URL")
    app.config["SAML_IDP_METADATA_URL"] = ""
    try:
        c = app.test_client()
        assert "Latvija.lv" not in c.get("/portal/login").get_data(as_text=True)
        assert c.post("/portal/saml/login").status_code == 503
    finally:
        app.config["SAML_IDP_METADATA_URL"] = saved


def test_an_unreachable_idp_gives_a_clear_message_not_a_500(app: Flask) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    saved = app.config.get("SAML_IDP_METADATA_URL")
    app.config["SAML_IDP_METADATA_URL"] = f"http://127.0.0.1:{port}/metadata"
    app.extensions.pop("plus_saml_metadata", None)
    try:
        resp = app.test_client().post("/portal/saml/login")
        assert resp.status_code == 503
        assert "Vienotā pieteikšanās pašlaik nav pieejama" in resp.get_data(as_text=True)
    finally:
        app.config["SAML_IDP_METADATA_URL"] = saved


def test_the_invitation_page_offers_to_accept_with_the_national_login(
    app: Flask, idp_server: Any, persons: NationalPersons
) -> None:
    token = _invite(app, persons.volunteer_user)
    page = app.test_client().get(f"/portal/invite/{token}").get_data(as_text=True)
    assert "Pieņemt ar Latvija.lv" in page and "Vai iestatiet paroli" in page


def test_no_personal_code_reaches_the_log(
    app: Flask, idp_server: Any, persons: NationalPersons, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    _good(idp_server, app.test_client(), persons.client)
    _good(idp_server, app.test_client(), persons.closed)
    _good(idp_server, app.test_client(), persons.stranger, sign=False)
    text = caplog.text
    for person in (persons.client, persons.closed, persons.stranger):
        code = person.personal_code or ""
        assert code not in text and code.replace("-", "") not in text
        assert code[:6] + "-" + code[-5:] not in text


def test_with_an_sp_key_requests_are_signed_and_the_metadata_has_the_certificate(
    app: Flask, idp_server: Any, tmp_path: Any
) -> None:
    # A throwaway test key, made here; never a file in the repository.
    key, cert = saml_idp.generate_keypair("PLUS test SP")
    (tmp_path / "sp.key").write_bytes(key)
    (tmp_path / "sp.crt").write_bytes(cert)
    saved = {k: app.config.get(k, "") for k in ("SAML_SP_KEY_FILE", "SAML_SP_CERT_FILE")}
    app.config.update(SAML_SP_KEY_FILE=str(tmp_path / "sp.key"),
                      SAML_SP_CERT_FILE=str(tmp_path / "sp.crt"))
    try:
        c = app.test_client()
        resp = c.post("/portal/saml/login")
        query = parse_qs(urlsplit(resp.headers["Location"]).query)
        assert query["SigAlg"] == ["http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"]
        assert query["Signature"][0]
        body = c.get("/portal/saml/metadata").get_data(as_text=True)
        assert saml_idp.certificate_body(cert) in body
        assert 'AuthnRequestsSigned="true"' in body
    finally:
        app.config.update(saved)


@pytest.mark.parametrize("saml_response", [
    None, "", "not base64 at all!", "PHhtbD4=",  # "<xml>" unclosed
    "PD94bWwgdmVyc2lvbj0iMS4wIj8+PCFET0NUWVBFIHggWzwhRU5USVRZIGUgU1lTVEVNICJmaWxlOi8vL2V0Yy9wYXNzd2QiPl0+PHg+JmU7PC94Pg==",
    "PGZvbz48L2Zvbz4=",  # <foo></foo>
])
def test_malformed_responses_are_refused_not_a_500(
    app: Flask, idp_server: Any, saml_response: str | None
) -> None:
    c = app.test_client()
    start_login(c)
    data = {"RelayState": c.relay_state}  # type: ignore[attr-defined]
    if saml_response is not None:
        data["SAMLResponse"] = saml_response
    resp = c.post("/portal/saml/acs", data=data)
    assert resp.status_code == 400
    assert "Pieteikšanās nenotika" in resp.get_data(as_text=True)
