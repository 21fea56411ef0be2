"""The public portal: logins, invitations, the four e-services and server-rendered forms.

Pages are fetched as a browser without JavaScript would: plain GETs and form POSTs. The
portal parties come from ``portal_fixtures`` (twins for the IDOR tests live there too).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.models import (
    EService,
    EServiceUse,
    PlusUser,
    PortalInvitation,
    Submission,
)
from portal.models.base import utcnow
from portal.services.access import Actor, Role
from tests.factories import PASSWORD, USERNAMES
from tests.integration.portal_fixtures import (
    ALL_TYPES_KEY,
    PortalData,
    portal_data,
    portal_login,
)
from tests.integration.portal_fixtures import USERNAMES as P


@pytest.fixture()
def pdata(app: Flask) -> PortalData:
    return portal_data(app)


def idempotency_key(page: str) -> str:
    m = re.search(r'name="plus\.idempotency_key" value="([^"]+)"', page)
    assert m, "the form has no idempotency key"
    return m.group(1)


class Db:
    """Database reads for the tests, each in its own app context.

    Requests must not run inside a test's app context: they would share its ``g`` (and the
    user Flask-Login caches there) and its session.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app

    @contextlib.contextmanager
    def session(self) -> Iterator[Any]:
        from portal.extensions import db

        with self.app.app_context():
            try:
                yield db.session
            finally:
                db.session.rollback()
                db.session.remove()

    def count(self, model: type, *where: Any) -> int:
        with self.session() as s:
            return s.scalar(select(func.count()).select_from(model).where(*where))

    def get(self, model: type, ident: int) -> Any:
        """The row with its columns loaded (detached: relationships are not available)."""
        with self.session() as s:
            row = s.get(model, ident)
            if row is not None:
                s.expunge(row)  # so the rollback on leaving does not expire it
            return row


@pytest.fixture()
def db(app: Flask) -> Db:
    return Db(app)


def text(resp: Any) -> str:
    return resp.get_data(as_text=True)


# --- who sees what ---------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_portal_login(client: FlaskClient) -> None:
    for url in ("/portal/", "/portal/my-data", "/portal/clients", "/portal/forms",
                "/portal/submissions", "/portal/forms/change_of_residence"):
        resp = client.get(url)
        assert resp.status_code == 302, url
        assert resp.headers["Location"].startswith("/portal/login?next="), url


def test_each_portal_role_sees_its_pages(app: Flask, pdata: PortalData) -> None:
    pages = {
        P["client_p"]: {"ok": ["/portal/", "/portal/my-data", "/portal/forms",
                               "/portal/submissions", "/portal/forms/change_of_residence"],
                        "denied": ["/portal/clients", f"/portal/clients/{pdata.case_p.client}"],
                        "forms": ["Change of residence", "Message to the probation officer"],
                        "not_forms": ["Hours worked", "Report on the task"]},
        P["employer1"]: {"ok": ["/portal/", "/portal/clients", "/portal/forms",
                                f"/portal/clients/{pdata.case_p.client}",
                                "/portal/submissions", "/portal/forms/hours_worked"],
                         "denied": ["/portal/my-data",
                                    f"/portal/documents/{pdata.shared_doc_p}"],
                         "forms": ["Hours worked", "Vacancy", "Incident at work"],
                         "not_forms": ["Change of residence"]},
        P["volunteer1"]: {"ok": ["/portal/", "/portal/clients", "/portal/forms",
                                 f"/portal/clients/{pdata.case_p.client}",
                                 "/portal/forms/task_report"],
                          "denied": ["/portal/my-data"],
                          "forms": ["Report on the task"],
                          "not_forms": ["Change of residence"]},
    }
    for username, expect in pages.items():
        c = portal_login(app, username)
        for url in expect["ok"]:
            assert c.get(url).status_code == 200, (username, url)
        for url in expect["denied"]:
            assert c.get(url).status_code == 403, (username, url)
        listing = text(c.get("/portal/forms"))
        for title in expect["forms"]:
            assert title in listing, (username, title)
        for title in expect["not_forms"]:
            assert title not in listing, (username, title)


def test_pages_have_the_portal_look_and_language(app: Flask, pdata: PortalData) -> None:
    assert '<html lang="lv">' in text(app.test_client().get("/portal/login"))  # the default
    c = portal_login(app, P["client_p"], locale="lv")
    page = text(c.get("/portal/"))
    assert '<html lang="lv">' in page
    assert "/portal/static/portal.css" in page
    assert "appbuilder" not in page  # not the officer screens' layout
    assert 'href="#main"' in page and 'id="main"' in page
    switched = c.get("/portal/lang/en?next=/portal/my-data")
    assert switched.status_code == 303 and switched.headers["Location"] == "/portal/my-data"
    page = text(c.get("/portal/my-data"))
    assert '<html lang="en">' in page and "My probation data" in page
    assert 'hreflang="lv"' in page  # the way back
    assert c.get("/portal/static/portal.css").status_code == 200
    assert c.get("/portal/static/portal.js").status_code == 200
    # Only local paths are followed after a switch.
    assert c.get("/portal/lang/lv?next=https://evil.example/").headers["Location"] == "/portal/"
    assert c.get("/portal/lang/xx").status_code == 404


def test_the_chosen_language_is_remembered_for_the_user(app: Flask, pdata: PortalData,
                                                        db: Db) -> None:
    c = portal_login(app, P["client_q"], locale=None)
    c.get("/portal/lang/en")
    user = db.get(PlusUser, pdata.users[P["client_q"]])
    assert user.preferred_language == "en"
    again = app.test_client()
    again.post("/portal/login", data={"username": P["client_q"], "password": PASSWORD})
    assert '<html lang="en">' in text(again.get("/portal/"))
    c.get("/portal/lang/lv")


# --- logging in --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.ADMIN, Role.UNIT_MANAGER, Role.OFFICER, Role.ANALYST, Role.FORM_ADMIN]
)
def test_officers_are_refused_at_the_portal_login(app: Flask, base: Any, role: str) -> None:
    c = app.test_client()
    c.get("/portal/lang/en")
    resp = c.post("/portal/login", data={"username": USERNAMES[role], "password": PASSWORD})
    assert resp.status_code == 403
    page = text(resp)
    assert "officer login" in page and 'href="/login/"' in page
    assert c.get("/portal/").status_code == 302  # not logged in


def test_an_officer_session_does_not_open_the_portal(login_as: Any) -> None:
    c = login_as(Role.OFFICER)
    assert c.get("/portal/").status_code == 403
    assert c.get("/portal/forms/change_of_residence").status_code == 403


def test_login_errors_and_the_next_page(app: Flask, pdata: PortalData) -> None:
    c = app.test_client()
    c.get("/portal/lang/en")
    wrong = c.post("/portal/login", data={"username": P["client_p"], "password": "nope"})
    assert wrong.status_code == 422
    page = text(wrong)
    assert 'role="alert"' in page and 'href="#password"' in page
    assert "The username or password is wrong." in page
    assert f'value="{P["client_p"]}"' in page  # the username is kept
    empty = c.post("/portal/login", data={})
    assert 'href="#username"' in text(empty) and "Enter your username." in text(empty)
    # The next page must be on this site.
    resp = c.post("/portal/login", data={"username": P["client_p"], "password": PASSWORD,
                                         "next": "//evil.example/x"})
    assert resp.headers["Location"] == "/portal/"
    c.post("/portal/logout")
    resp = c.post("/portal/login", data={"username": P["client_p"], "password": PASSWORD,
                                         "next": "/portal/my-data"})
    assert resp.headers["Location"] == "/portal/my-data"
    assert c.post("/portal/logout").status_code == 303
    assert c.get("/portal/").status_code == 302
    assert c.get("/portal/logout").status_code == 405  # logging out takes a POST


# --- invitations -------------------------------------------------------------------------------


def _new_account(db: Db, base: Any, username: str) -> tuple[int, str]:
    from portal.services.partners import invitations

    with db.session() as s:
        manager = Actor.of(s.get(PlusUser, base.users[Role.UNIT_MANAGER]))
        user, token = invitations.create_portal_account(
            s, actor=manager, role=Role.CLIENT, party_id=base.own.client,
            username=username, first_name="Ieva", last_name="Ielūgtā",
            email=f"{username}@example.lv",
        )
        s.commit()
        return user.id, token


def test_invitation_sets_the_password_once(app: Flask, base: Any, db: Db, unique: str) -> None:
    user_id, token = _new_account(db, base, f"t_inv_{unique}")
    with db.session() as s:
        stored = s.scalars(
            select(PortalInvitation.token_hash).where(PortalInvitation.user_id == user_id)
        ).all()
    assert stored and token not in stored  # only the hash is kept
    c = app.test_client()
    c.get("/portal/lang/en")
    page = c.get(f"/portal/invite/{token}")
    assert page.status_code == 200 and f"t_inv_{unique}" in text(page)
    weak = c.post(f"/portal/invite/{token}", data={"password": "short1", "confirm": "short1"})
    assert weak.status_code == 422 and "at least 10 characters" in text(weak)
    assert 'href="#password"' in text(weak)
    differ = c.post(f"/portal/invite/{token}",
                    data={"password": "Saule un 2 mēneši", "confirm": "other 12345"})
    assert differ.status_code == 422 and 'href="#confirm"' in text(differ)
    good = "Saule un 2 mēneši"
    resp = c.post(f"/portal/invite/{token}", data={"password": good, "confirm": good})
    assert resp.status_code == 303 and resp.headers["Location"] == "/portal/"
    assert c.get("/portal/my-data").status_code == 200  # logged in
    # Used: the link is dead, and the new password works at the portal login.
    again = app.test_client()
    assert again.get(f"/portal/invite/{token}").status_code == 404
    assert again.post(f"/portal/invite/{token}",
                      data={"password": "Cita parole 99", "confirm": "Cita parole 99"}
                      ).status_code == 404
    login = again.post("/portal/login", data={"username": f"t_inv_{unique}", "password": good})
    assert login.status_code == 303


def test_expired_unknown_and_replaced_invitations(app: Flask, base: Any, db: Db,
                                                  unique: str) -> None:
    from portal.services.partners import invitations

    user_id, token = _new_account(db, base, f"t_exp_{unique}")
    with db.session() as s:
        invitation = s.scalars(
            select(PortalInvitation).where(PortalInvitation.user_id == user_id)
        ).one()
        invitation.expires_at = utcnow() - dt.timedelta(minutes=1)
        s.commit()
    c = app.test_client()
    assert c.get(f"/portal/invite/{token}").status_code == 404
    assert c.post(f"/portal/invite/{token}",
                  data={"password": "Derīga parole 1", "confirm": "Derīga parole 1"}
                  ).status_code == 404
    assert c.get("/portal/invite/not-a-token").status_code == 404
    # A new link replaces the older, still valid one.
    with db.session() as s:
        user = s.get(PlusUser, user_id)
        first = invitations.create_invitation(s, user, None)
        second = invitations.create_invitation(s, user, None)
        s.commit()
    assert c.get(f"/portal/invite/{first}").status_code == 404
    assert c.get(f"/portal/invite/{second}").status_code == 200
    with db.session() as s, pytest.raises(invitations.InvitationInvalid):
        invitations.accept_invitation(s, first, "Derīga parole 1")


def test_invitations_are_only_for_portal_users(db: Db, base: Any) -> None:
    from portal.services.errors import ValidationFailed
    from portal.services.partners import invitations

    with db.session() as s:
        officer = s.get(PlusUser, base.users[Role.OFFICER])
        with pytest.raises(ValidationFailed):
            invitations.create_invitation(s, officer, None)
        for weak in ("short1", "onlyletterslong", "1234567890123", " leading space1"):
            with pytest.raises(ValidationFailed):
                invitations.check_password_rules(weak)
        with pytest.raises(ValidationFailed):
            invitations.check_password_rules("t_client_pass_1", "t_client")


def test_unit_manager_creates_a_portal_account_with_a_link(
    app: Flask, base: Any, login_as: Any, db: Db, unique: str
) -> None:
    manager = login_as(Role.UNIT_MANAGER)
    assert manager.get("/portal-accounts/").status_code == 200
    form = manager.get("/portal-accounts/new/client")
    assert form.status_code == 200
    assert f'value="{base.own.client}"' in text(form)
    assert f'value="{base.foreign.client}"' not in text(form)  # unit B's client
    username = f"t_acc_{unique}"
    resp = manager.post("/portal-accounts/new/client", data={
        "party": base.own.client, "first_name": "Anna", "last_name": "Konts",
        "username": username, "email": f"{username}@example.lv",
    })
    assert resp.status_code == 200
    link = re.search(r'value="(http://[^"]+/portal/invite/[^"]+)"', text(resp))
    assert link, "the page shows the invitation link"
    token = link.group(1).rsplit("/", 1)[1]
    with db.session() as s:
        user = s.scalars(select(PlusUser).where(PlusUser.username == username)).one()
        assert user.client_id == base.own.client
        assert [r.name for r in user.roles] == [Role.CLIENT]
        user_id = user.id
    assert app.test_client().get(f"/portal/invite/{token}").status_code == 200
    # A new link for the same account; the first one stops working.
    renewed = manager.post(f"/portal-accounts/{user_id}/invite")
    assert renewed.status_code == 200
    assert app.test_client().get(f"/portal/invite/{token}").status_code == 404
    # Unit B's client cannot be chosen, and nothing is created.
    before = db.count(PlusUser)
    refused = manager.post("/portal-accounts/new/client", data={
        "party": base.foreign.client, "first_name": "B", "last_name": "B",
        "username": f"t_accb_{unique}", "email": f"t_accb_{unique}@example.lv",
    })
    assert refused.status_code == 200 and "invitation link" not in text(refused).lower()
    assert db.count(PlusUser) == before
    # Managers of unit B do not manage unit A's accounts.
    assert login_as("ManagerB").post(f"/portal-accounts/{user_id}/invite").status_code == 404
    # Officers do not create accounts at all.
    assert login_as(Role.OFFICER).get("/portal-accounts/").status_code in (302, 403)


# --- "Mani probācijas dati" --------------------------------------------------------------------


def test_client_sees_own_data_and_hours_total(app: Flask, pdata: PortalData,
                                              db: Db) -> None:
    c = portal_login(app, P["client_p"])
    uses = db.count(EServiceUse, EServiceUse.service == EService.MY_DATA)
    page = text(c.get("/portal/my-data"))
    assert f"PL-2020-{pdata.case_p.client:06d}" in page
    assert "Forced labour" in page and "Active" in page
    assert "Officer Test" in page and "mailto:t_officer@test.invalid" in page  # the officer
    # make_case: 4 h confirmed; portal_fixtures: 3.5 h confirmed, 2 h still unconfirmed.
    assert "7.5 of 120 hours" in page and "112.5 hours left" in page
    assert "Ierasties VPD" in page  # obligation
    assert "Lēmums_P" in page and "Iekšējs_P" not in page  # only shared documents
    assert "Kārlis" not in page and "Kvēps" not in page  # nobody else's case
    assert "Cietušais" not in page  # never the victim of the mediation
    assert db.count(EServiceUse, EServiceUse.service == EService.MY_DATA) == uses + 1
    doc = c.get(f"/portal/documents/{pdata.shared_doc_p}")
    assert doc.status_code == 200 and doc.data.startswith(b"%PDF")
    assert c.get(f"/portal/documents/{pdata.private_doc_p}").status_code == 404


def test_latvian_numbers_use_a_decimal_comma(app: Flask, pdata: PortalData) -> None:
    c = portal_login(app, P["client_p"], locale="lv")
    page = text(c.get("/portal/my-data"))
    assert "7,5" in page and "120" in page


# --- "Probācijas klienta dati" -----------------------------------------------------------------


def test_employer_sees_only_linked_clients(app: Flask, pdata: PortalData, base: Any,
                                           db: Db) -> None:
    c = portal_login(app, P["employer1"])
    uses = db.count(EServiceUse, EServiceUse.service == EService.CLIENT_DATA)
    listing = text(c.get("/portal/clients"))
    assert "Paula Portāle" in listing
    for other in ("Kārlis Kvēps", "Jānis Bērziņš", "Līga Kalniņa"):
        assert other not in listing
    page = c.get(f"/portal/clients/{pdata.case_p.client}")
    assert page.status_code == 200
    body = text(page)
    assert "Teritorijas sakopšana" in body and "7.5 of 120 hours" in body
    assert "09:00" in body  # the schedule
    assert f"/portal/forms/hours_worked?client={pdata.case_p.assignment}" in body
    assert "vacancy" not in body  # only forms about a client are offered here
    assert body.count("personal_code") == 0 and "Brīvības iela" not in body  # no address
    for foreign in (pdata.case_q.client, base.own.client, base.foreign.client, 10**8):
        assert c.get(f"/portal/clients/{foreign}").status_code == 404
    assert db.count(EServiceUse, EServiceUse.service == EService.CLIENT_DATA) == uses + 2
    # The base employer hosts both base cases: it sees both base clients.
    base_employer = text(portal_login(app, USERNAMES[Role.EMPLOYER]).get("/portal/clients"))
    assert "Jānis Bērziņš" in base_employer and "Paula" not in base_employer


def test_volunteer_sees_the_clients_of_their_tasks(app: Flask, pdata: PortalData) -> None:
    c = portal_login(app, P["volunteer1"])
    listing = text(c.get("/portal/clients"))
    assert "Paula Portāle" in listing and "Kārlis" not in listing
    page = text(c.get(f"/portal/clients/{pdata.case_p.client}"))
    assert "Palīdzība dokumentu kārtošanā" in page
    assert "Teritorijas sakopšana" not in page  # the work belongs to the employer's view
    assert f"/portal/forms/task_report?client={pdata.case_p.case}" in page
    assert c.get(f"/portal/clients/{pdata.case_q.client}").status_code == 404


# --- forms without JavaScript ------------------------------------------------------------------


def test_form_submits_without_javascript(app: Flask, pdata: PortalData,
                                         db: Db) -> None:
    c = portal_login(app, P["client_p"])
    page = text(c.get("/portal/forms/change_of_residence"))
    key = idempotency_key(page)
    before = db.count(Submission)
    resp = c.post("/portal/forms/change_of_residence", data={
        "plus.idempotency_key": key, "new_address": "Jaunā iela 5, Rīga",
        "change_date": "2026-05-17", "declared": "yes", "phone": "+371 20000001",
    })
    assert resp.status_code == 303, text(resp)
    location = resp.headers["Location"]
    assert re.fullmatch(r"/portal/submissions/\d+", location)
    assert db.count(Submission) == before + 1
    stored = db.get(Submission, int(location.rsplit("/", 1)[1]))
    assert stored.data["new_address"] == "Jaunā iela 5, Rīga"
    assert stored.data["change_date"] == "2026-05-17"
    assert stored.client_id == pdata.case_p.client
    status = text(c.get(location))
    assert "Received" in status and "Jaunā iela 5, Rīga" in status and "17.05.2026" in status
    assert "Your information was received" in status
    # The same key again (a double click, so the same body): stored once, same answer.
    again = c.post("/portal/forms/change_of_residence", data={
        "plus.idempotency_key": key, "new_address": "Jaunā iela 5, Rīga",
        "change_date": "2026-05-17", "declared": "yes", "phone": "+371 20000001",
    })
    assert again.status_code == 303 and again.headers["Location"] == location
    assert db.count(Submission) == before + 1
    listing = text(c.get("/portal/submissions"))
    assert location in listing and "Change of residence" in listing
    assert location in text(c.get("/portal/my-data"))


def test_the_submitter_sees_status_and_reply(app: Flask, pdata: PortalData, base: Any,
                                             db: Db) -> None:
    from portal.services.intake import submissions

    c = portal_login(app, P["client_p"])
    key = idempotency_key(text(c.get("/portal/forms/message_to_officer")))
    resp = c.post("/portal/forms/message_to_officer", data={
        "plus.idempotency_key": key, "subject": "Jautājums", "message": "Kad ir tikšanās?",
    })
    submission_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    with db.session() as s:
        officer = Actor.of(s.get(PlusUser, base.users[Role.OFFICER]))
        submissions.reject(s, submission_id, officer, "Nav vajadzīgs")
        submissions.answer(s, submission_id, officer, "Tikšanās ir pirmdien <b>9:00</b>.")
    page = text(c.get(f"/portal/submissions/{submission_id}"))
    assert "Answered" in page and "Nav vajadzīgs" in page
    assert "Tikšanās ir pirmdien &lt;b&gt;9:00&lt;/b&gt;." in page
    for url in ("/portal/submissions", "/portal/my-data"):
        assert "Tikšanās ir pirmdien" in text(c.get(url)), url


def test_form_errors_have_a_summary_and_keep_the_input(app: Flask, pdata: PortalData,
                                                       db: Db) -> None:
    c = portal_login(app, P["client_p"])
    key = idempotency_key(text(c.get("/portal/forms/change_of_residence")))
    before = db.count(Submission)
    resp = c.post("/portal/forms/change_of_residence", data={
        "plus.idempotency_key": key, "change_date": "2026-05-17", "declared": "yes",
        "phone": "abc", "comment": "Mans komentārs",
    })
    assert resp.status_code == 422
    page = text(resp)
    assert db.count(Submission) == before
    summary = page[page.index('class="error-summary"'):page.index("</div>", page.index(
        'class="error-summary"'))]
    assert 'role="alert"' in summary and "autofocus" in summary and 'tabindex="-1"' in summary
    assert 'href="#f-new_address"' in summary and 'href="#f-phone"' in summary
    assert page.index('class="error-summary"') < page.index("<form class=\"formio\"")
    # Each message is beside its field too, and the field says it is invalid.
    assert 'id="f-new_address-error"' in page
    assert re.search(r'id="f-new_address"[^>]*aria-invalid="true"', page)
    assert re.search(r'aria-describedby="[^"]*f-new_address-error', page)
    # What was typed is kept, the key too (so a corrected post is still one submission).
    assert "Mans komentārs" in page and 'value="abc"' in page and 'value="2026-05-17"' in page
    assert re.search(r'value="yes"[^>]*checked', page)
    assert idempotency_key(page) == key
    fixed = c.post("/portal/forms/change_of_residence", data={
        "plus.idempotency_key": key, "new_address": "Labotā iela 1", "change_date": "2026-05-17",
        "declared": "yes",
    })
    assert fixed.status_code == 303
    assert db.count(Submission) == before + 1


def test_errors_are_in_the_users_language(app: Flask, pdata: PortalData) -> None:
    c = portal_login(app, P["client_p"], locale="lv")
    key = idempotency_key(text(c.get("/portal/forms/change_of_residence")))
    page = text(c.post("/portal/forms/change_of_residence", data={"plus.idempotency_key": key}))
    assert "ir obligāts lauks" in page and '<html lang="lv">' in page
    c.get("/portal/lang/en")
    page = text(c.post("/portal/forms/change_of_residence", data={"plus.idempotency_key": key}))
    assert "is required" in page and "ir obligāts" not in page


def test_html_and_script_input_is_shown_escaped(app: Flask, pdata: PortalData,
                                                db: Db) -> None:
    evil = '<script>alert("x")</script><b onmouseover="x()">b</b>'
    c = portal_login(app, P["client_p"])
    key = idempotency_key(text(c.get("/portal/forms/message_to_officer")))
    # Re-rendered after an error: escaped.
    page = text(c.post("/portal/forms/message_to_officer",
                       data={"plus.idempotency_key": key, "message": evil}))
    assert evil not in page and "&lt;script&gt;alert(" in page
    resp = c.post("/portal/forms/message_to_officer",
                  data={"plus.idempotency_key": key, "subject": evil, "message": evil})
    assert resp.status_code == 303
    stored = db.get(Submission, int(resp.headers["Location"].rsplit("/", 1)[1]))
    assert stored.data["subject"] == evil  # stored as the text it is
    shown = text(c.get(resp.headers["Location"]))
    assert "<script>alert" not in shown and 'onmouseover="x()"' not in shown
    assert "&lt;script&gt;alert(" in shown
    # Author HTML in a definition is sanitised: the content block loses its script.
    page = text(c.get(f"/portal/forms/{ALL_TYPES_KEY}"))
    assert "<strong>svarīgi</strong>" in page and "alert(1)" not in page


def test_hours_report_with_rows_added_without_javascript(app: Flask, pdata: PortalData,
                                                         db: Db) -> None:
    c = portal_login(app, P["employer1"])
    value = str(pdata.case_p.assignment)
    page = text(c.get(f"/portal/forms/hours_worked?client={value}"))
    assert re.search(rf'<option value="{value}" selected>', page)  # came from the client page
    key = idempotency_key(page)
    first_row = {"plus.idempotency_key": key, "plus.rows.hours": "1",
                 "hours[0][client]": value, "hours[0][date]": "2026-11-02",
                 "hours[0][hours]": "4,5", "according_to_schedule": "yes"}
    added = c.post("/portal/forms/hours_worked", data={**first_row, "plus.add_row": "hours"})
    assert added.status_code == 200
    page = text(added)
    assert 'name="hours[1][date]"' in page and 'value="4,5"' in page
    assert 'name="plus.rows.hours" value="2"' in page
    assert re.search(rf'name="hours\[1\]\[client\]".*?<option value="{value}" selected>', page,
                     re.S)  # the new row repeats the client
    assert 'class="error-summary"' not in page  # adding a row is not a submission
    rows = {**first_row, "plus.rows.hours": "3", "hours[1][client]": value,
            "hours[1][date]": "2026-11-03", "hours[1][hours]": "2",
            "hours[2][client]": value, "hours[2][date]": "", "hours[2][hours]": ""}
    removed = text(c.post("/portal/forms/hours_worked",
                          data={**rows, "plus.remove_row": "hours:2"}))
    assert 'name="hours[2][date]"' not in removed and 'name="plus.rows.hours" value="2"' in removed
    before = db.count(Submission)
    invalid = c.post("/portal/forms/hours_worked", data={**rows, "hours[1][hours]": "abc"})
    assert invalid.status_code == 422
    page = text(invalid)
    assert 'href="#f-hours-1-hours"' in page and 'href="#f-hours-2-date"' in page
    assert "Row 2:" in page and 'value="abc"' in page
    assert db.count(Submission) == before
    del rows["hours[2][client]"], rows["hours[2][date]"], rows["hours[2][hours]"]
    rows["plus.rows.hours"] = "2"
    ok = c.post("/portal/forms/hours_worked", data=rows)
    assert ok.status_code == 303, text(ok)
    stored = db.get(Submission, int(ok.headers["Location"].rsplit("/", 1)[1]))
    assert stored.data["hours"] == [
        {"client": value, "date": "2026-11-02", "hours": 4.5},
        {"client": value, "date": "2026-11-03", "hours": 2},
    ]
    assert stored.employer_id == pdata.employer1 and stored.client_id == pdata.case_p.client
    page = text(c.get(ok.headers["Location"]))
    assert "Paula Portāle" in page and "02.11.2026" in page


def test_every_component_type_round_trips(app: Flask, pdata: PortalData,
                                          db: Db) -> None:
    c = portal_login(app, P["client_p"])
    page = text(c.get(f"/portal/forms/{ALL_TYPES_KEY}"))
    for marker in ('type="date"', 'type="datetime-local"', 'type="file"', 'multiple',
                   'type="radio"', 'name="ways"', 'name="born[day]"', "<legend>Vairāk</legend>",
                   'class="columns"', 'name="rows[0][late]"', 'data-condition='):
        assert marker in page, marker
    data = {
        "plus.idempotency_key": idempotency_key(page), "name": "Anna", "story": "a\r\nb",
        "count": "2,5", "mail": "anna@example.lv", "phone": "+371 20000000", "colour": "blue",
        "tags": ["tag_a", "tag_b"], "answer": "yes", "why_not": "ignored, hidden",
        "ways": ["tel"], "agree": "true", "born[day]": "7", "born[month]": "3",
        "born[year]": "1990", "when": "17.05.2026", "at": "2026-05-17T10:30",
        "in_panel": "p", "left": "l", "right": "r", "plus.rows.rows": "1",
        "rows[0][date]": "2026-05-01", "rows[0][hours]": "3", "rows[0][late]": "true",
    }
    resp = c.post(f"/portal/forms/{ALL_TYPES_KEY}", data=data)
    assert resp.status_code == 303, text(resp)
    stored = db.get(Submission, int(resp.headers["Location"].rsplit("/", 1)[1]))
    d = stored.data
    assert d["story"] == "a\nb" and d["count"] == 2.5 and d["tags"] == ["tag_a", "tag_b"]
    assert "why_not" not in d  # hidden by its condition: not stored
    assert d["ways"] == {"post": False, "tel": True} and d["agree"] is True
    assert d["born"] == "1990-03-07" and d["when"] == "2026-05-17"
    assert d["at"].startswith("2026-05-17T") and d["at"].endswith(("+03:00", "+00:00"))
    assert d["rows"] == [{"date": "2026-05-01", "hours": 3, "late": True}]
    assert d["in_panel"] == "p" and d["left"] == "l" and d["right"] == "r"
    # Text in a number field, a value outside the options, a bad day: errors, nothing stored.
    before = db.count(Submission)
    bad = c.post(f"/portal/forms/{ALL_TYPES_KEY}", data={
        **data, "plus.idempotency_key": "another-key-0123456789", "count": "abc",
        "colour": "green", "born[month]": "13", "answer": "no", "why_not": "",
    })
    assert bad.status_code == 422
    page = text(bad)
    for anchor in ("#f-count", "#f-colour", "#f-born", "#f-why_not"):
        assert f'href="{anchor}"' in page, anchor
    assert "Count is not a valid number." in page
    assert db.count(Submission) == before


def test_large_hours_report_renders_and_validates(app: Flask, pdata: PortalData) -> None:
    c = portal_login(app, P["employer1"])
    key = idempotency_key(text(c.get("/portal/forms/hours_worked")))
    value = str(pdata.case_p.assignment)
    rows: dict[str, str] = {"plus.idempotency_key": key, "plus.rows.hours": "500",
                            "according_to_schedule": "yes"}
    for i in range(500):
        rows[f"hours[{i}][client]"] = value
        rows[f"hours[{i}][date]"] = (dt.date(2026, 1, 1) + dt.timedelta(days=i)).isoformat()
        rows[f"hours[{i}][hours]"] = "25"  # over the maximum: every row is refused
    resp = c.post("/portal/forms/hours_worked", data=rows)
    assert resp.status_code == 422
    page = text(resp)
    assert 'href="#f-hours-499-hours"' in page and 'name="hours[499][date]"' in page


def test_portal_forms_carry_the_csrf_token(app: Flask, pdata: PortalData, tmp_root: Any,
                                           db: Db) -> None:
    """With CSRF protection on (as in production), every portal form posts its token."""
    from portal import create_app
    from tests.conftest import base_config

    protected = create_app(base_config(tmp_root, WTF_CSRF_ENABLED=True,
                                       SQLALCHEMY_DATABASE_URI=app.config[
                                           "SQLALCHEMY_DATABASE_URI"]))
    c = protected.test_client()

    def token(page: str) -> str:
        m = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert m, "the form carries a CSRF token"
        return m.group(1)

    login = text(c.get("/portal/login"))
    forged = c.post("/portal/login", data={"username": P["client_p"], "password": PASSWORD})
    assert forged.status_code != 303  # without the token: refused
    resp = c.post("/portal/login", data={"username": P["client_p"], "password": PASSWORD,
                                         "csrf_token": token(login)})
    assert resp.status_code == 303
    page = text(c.get("/portal/forms/message_to_officer"))
    before = db.count(Submission)
    assert c.post("/portal/forms/message_to_officer", data={
        "plus.idempotency_key": idempotency_key(page), "subject": "S", "message": "M",
    }).status_code == 400
    assert db.count(Submission) == before
    resp = c.post("/portal/forms/message_to_officer", data={
        "plus.idempotency_key": idempotency_key(page), "subject": "S", "message": "M",
        "csrf_token": token(page),
    })
    assert resp.status_code == 303 and db.count(Submission) == before + 1
    assert c.post("/portal/logout").status_code == 400  # a logout needs the token too
    assert c.post("/portal/logout", data={"csrf_token": token(page)}).status_code == 303
