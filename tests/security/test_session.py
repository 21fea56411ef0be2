"""Sessions: logout ends them on the server, logout needs POST + CSRF, API CSRF by how the
request was authenticated (issue 7, defects 3, 11 and 12). CSRF is on here, as in production.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.services.access import Role
from tests.conftest import base_config
from tests.factories import PASSWORD, USERNAMES

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture(scope="module")
def csrf_app(app: Flask, tmp_root: Path) -> Iterator[Flask]:
    from portal import create_app
    from portal.tasks import init_celery

    application = create_app(base_config(tmp_root, WTF_CSRF_ENABLED=True))
    application.config["BASE_DATA"] = app.config["BASE_DATA"]
    yield application
    init_celery(app)  # the shared Celery app belongs to the session's app again


def _token(c: FlaskClient, url: str) -> str:
    return _TOKEN.search(c.get(url).get_data(as_text=True)).group(1)


def _officer(app: Flask, who: str = Role.OFFICER) -> FlaskClient:
    c = app.test_client()
    resp = c.post("/login/", data={"username": USERNAMES[who], "password": PASSWORD,
                                   "csrf_token": _token(c, "/login/")})
    assert resp.status_code in (302, 303)
    return c


def _portal(app: Flask, who: str = Role.CLIENT) -> FlaskClient:
    c = app.test_client()
    resp = c.post("/portal/login", data={"username": USERNAMES[who], "password": PASSWORD,
                                         "csrf_token": _token(c, "/portal/login")})
    assert resp.status_code in (302, 303), resp.status_code
    return c


def _replay(app: Flask, cookie: str) -> FlaskClient:
    c = app.test_client()
    c.set_cookie("session", cookie)
    return c


def _logged_in(c: FlaskClient) -> bool:
    return c.get("/caseview/list/").status_code == 200


# --- defect 3: logout ends the session on the server --------------------------------------


def test_officer_cookie_replayed_after_logout_is_dead(csrf_app: Flask, base: Any) -> None:
    """Defect 3: a saved cookie no longer reads screens or the API after logout."""
    c = _officer(csrf_app)
    saved = c.get_cookie("session").value
    assert _replay(csrf_app, saved).get(f"/api/v1/case/{base.own.case}").status_code == 200
    resp = c.post("/logout/", data={"csrf_token": _token(c, "/caseview/list/")})
    assert resp.status_code in (302, 303)
    thief = _replay(csrf_app, saved)
    assert thief.get("/caseview/list/").status_code in (302, 401, 403)
    assert thief.get(f"/api/v1/case/{base.own.case}").status_code == 401
    # Logging in again works, with a fresh session.
    assert _logged_in(_officer(csrf_app))


def test_portal_cookie_replayed_after_logout_is_dead(csrf_app: Flask) -> None:
    """Defect 3 (portal): /portal/submissions refuses the replayed cookie."""
    c = _portal(csrf_app)
    saved = c.get_cookie("session").value
    assert _replay(csrf_app, saved).get("/portal/submissions").status_code == 200
    resp = c.post("/portal/logout", data={"csrf_token": _token(c, "/portal/")})
    assert resp.status_code in (302, 303)
    assert _replay(csrf_app, saved).get("/portal/submissions").status_code in (302, 303, 401)


# --- defect 11: officer logout is a POST with CSRF ----------------------------------------


def test_officer_logout_needs_post_with_csrf(csrf_app: Flask) -> None:
    """Defect 11: GET /logout/ and a POST without the token leave the officer logged in."""
    c = _officer(csrf_app, "Officer2")
    assert c.get("/logout/").status_code == 405
    assert _logged_in(c)
    assert c.post("/logout/").status_code == 400
    assert _logged_in(c)
    page = c.get("/caseview/list/").get_data(as_text=True)
    assert re.search(r'<form method="post" action="/logout/"', page)
    assert 'href="/logout/"' not in page
    assert c.post("/logout/", data={"csrf_token": _token(c, "/caseview/list/")}).status_code \
        in (302, 303)
    assert not _logged_in(c)


# --- defect 12: API CSRF by how the request was authenticated ----------------------------


def test_bogus_bearer_header_does_not_switch_off_csrf(csrf_app: Flask, base: Any) -> None:
    """Defect 12: a cookie-authenticated write needs the token whatever Authorization says."""
    c = _officer(csrf_app)
    for header in ("Bearer x", "Bearer ", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x"):
        resp = c.put(f"/api/v1/case/{base.own.case}", json={"hours_ordered": 11},
                     headers={"Authorization": header})
        assert resp.status_code == 400, (header, resp.status_code)


def test_real_bearer_token_needs_no_csrf(csrf_app: Flask, base: Any) -> None:
    c = csrf_app.test_client()
    resp = c.post("/api/v1/security/login", json={
        "username": USERNAMES[Role.OFFICER], "password": PASSWORD, "provider": "db"})
    assert resp.status_code == 200
    token = resp.get_json()["access_token"]
    resp = c.put(f"/api/v1/case/{base.own.case}", json={"hours_ordered": 12},
                 headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200, resp.get_data(as_text=True)
