"""The compiled catalogues are used: Latvian by default, English on request, and a logged-in
user's choice is remembered across sessions."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.services.access import Role
from tests.factories import PASSWORD


@pytest.fixture()
def make_officer(app: Flask, base) -> Callable[[], str]:
    """Fresh officers: switching languages changes the user, so never a shared base user."""

    def _make() -> str:
        username = f"t_i18n_{uuid.uuid4().hex[:8]}"
        with app.app_context():
            from portal.extensions import db

            sm = app.appbuilder.sm
            user = sm.add_user(username=username, first_name="Ilze", last_name="Valoda",
                               email=f"{username}@test.invalid",
                               role=sm.find_role(Role.OFFICER), password=PASSWORD)
            assert user
            user.unit_id = base.unit_a
            db.session.commit()
            db.session.remove()
        return username

    return _make


@pytest.fixture()
def new_officer(make_officer: Callable[[], str]) -> str:
    return make_officer()


def _preference(app: Flask, username: str) -> str | None:
    with app.app_context():
        from portal.extensions import db

        try:
            return app.appbuilder.sm.find_user(username=username).preferred_language
        finally:
            db.session.remove()


def _login(client: FlaskClient, username: str) -> None:
    resp = client.post("/login/", data={"username": username, "password": PASSWORD})
    assert resp.status_code in (302, 303)


def test_login_page_is_latvian_by_default(client: FlaskClient) -> None:
    html = client.get("/login/", headers={"Accept-Language": "en-GB,en"}).get_data(as_text=True)
    # FAB's own strings, from our Latvian catalogue (FAB ships none).
    assert "Pieteikties" in html
    assert "Lietotājvārds" in html and "Parole" in html
    assert "Sign In" not in html and "Username" not in html
    # The language menu offers the other language.
    assert 'href="/lang/en"' in html and "English" in html


def test_login_page_in_english_after_switching(client: FlaskClient) -> None:
    assert client.get("/lang/en").status_code == 302
    html = client.get("/login/").get_data(as_text=True)
    assert "Sign In" in html and "Username" in html
    assert "Pieteikties" not in html
    assert 'href="/lang/lv"' in html and "Latviešu" in html


def test_unknown_language_is_refused(client: FlaskClient) -> None:
    assert client.get("/lang/de").status_code == 404


def test_form_validation_messages_are_latvian(client: FlaskClient) -> None:
    # WTForms ships no Latvian catalogue; ours answers for it.
    html = client.post("/login/", data={"username": "", "password": ""}).get_data(as_text=True)
    assert "Šis lauks ir obligāts." in html
    client.get("/lang/en")
    html = client.post("/login/", data={"username": "", "password": ""}).get_data(as_text=True)
    assert "This field is required." in html


def test_worklist_and_lists_are_latvian_by_default(login_as: Callable[[str], FlaskClient]) -> None:
    c = login_as(Role.OFFICER)
    html = c.get("/worklist/").get_data(as_text=True)
    assert "Darba saraksts" in html
    assert "Worklist" not in html
    # FAB's list widget.
    html = c.get("/caseview/list/").get_data(as_text=True)
    assert "Ierakstu skaits" in html and "Record Count" not in html


def test_choice_is_saved_and_used_at_the_next_login(app: Flask, new_officer: str) -> None:
    first = app.test_client()
    _login(first, new_officer)
    assert "Darba saraksts" in first.get("/worklist/").get_data(as_text=True)
    first.get("/lang/en")
    assert "Worklist" in first.get("/worklist/").get_data(as_text=True)
    assert _preference(app, new_officer) == "en"

    # A new browser: the login page is in the default language, the user's session in theirs.
    second = app.test_client()
    assert "Pieteikties" in second.get("/login/").get_data(as_text=True)
    _login(second, new_officer)
    html = second.get("/worklist/").get_data(as_text=True)
    assert "Worklist" in html and "Darba saraksts" not in html

    second.get("/lang/lv")
    assert _preference(app, new_officer) == "lv"
    third = app.test_client()
    _login(third, new_officer)
    assert "Darba saraksts" in third.get("/worklist/").get_data(as_text=True)


def test_language_picked_on_the_login_page_is_kept_for_the_session(
    app: Flask, new_officer: str
) -> None:
    first = app.test_client()
    _login(first, new_officer)
    first.get("/lang/lv")  # saved: Latvian
    # Another browser: English picked before logging in wins for that session only.
    c = app.test_client()
    c.get("/lang/en")
    _login(c, new_officer)
    assert "Worklist" in c.get("/worklist/").get_data(as_text=True)
    assert _preference(app, new_officer) == "lv"
    fresh = app.test_client()
    _login(fresh, new_officer)
    assert "Darba saraksts" in fresh.get("/worklist/").get_data(as_text=True)


def test_saved_language_replaces_the_previous_users_choice(
    app: Flask, make_officer: Callable[[], str]
) -> None:
    latvian_user, english_user = make_officer(), make_officer()
    c = app.test_client()
    _login(c, latvian_user)
    c.get("/lang/lv")
    c.post("/logout/")  # logging out is a POST (issue 7, defect 11)
    # Same browser: the next user switches to English and logs out.
    _login(c, english_user)
    c.get("/lang/en")
    c.post("/logout/")  # logging out is a POST (issue 7, defect 11)
    assert (_preference(app, latvian_user), _preference(app, english_user)) == ("lv", "en")
    _login(c, latvian_user)
    assert "Darba saraksts" in c.get("/worklist/").get_data(as_text=True)


def test_api_language_argument(login_as: Callable[[str], FlaskClient]) -> None:
    # FAB's REST convention ?_l_=xx keeps working (and does not change the session's choice).
    c = login_as(Role.OFFICER)
    assert "Worklist" in c.get("/worklist/?_l_=en").get_data(as_text=True)
    assert "Darba saraksts" in c.get("/worklist/").get_data(as_text=True)
