"""CSRF on the REST API (``portal.security.csrf``), with CSRF switched on as in production.

A browser session (cookie) may not write through the API without the X-CSRFToken header;
a JWT bearer client needs no token. The app here shares the session's database (no reset).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.services.access import Role
from tests.conftest import base_config
from tests.factories import PASSWORD, USERNAMES, make_case, new_code

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture(scope="module")
def csrf_app(app: Flask, tmp_root: Path) -> Iterator[Flask]:
    from portal import create_app
    from portal.tasks import init_celery

    application = create_app(base_config(tmp_root, WTF_CSRF_ENABLED=True))
    application.config["BASE_DATA"] = app.config["BASE_DATA"]
    yield application
    init_celery(app)  # the shared Celery app belongs to the session's app again


@pytest.fixture(scope="module")
def officer(csrf_app: Flask) -> FlaskClient:
    """Officer logged in through the login form (which itself needs the CSRF token)."""
    c = csrf_app.test_client()
    page = c.get("/login/").get_data(as_text=True)
    token = _TOKEN.search(page).group(1)
    resp = c.post("/login/", data={"username": USERNAMES[Role.OFFICER], "password": PASSWORD,
                                   "csrf_token": token})
    assert resp.status_code in (302, 303)
    return c


def _page_token(c: FlaskClient) -> str:
    """The CSRF token a rendered form of this session carries."""
    return _TOKEN.search(c.get("/caseview/add").get_data(as_text=True)).group(1)


@pytest.fixture()
def own_case(csrf_app: Flask) -> Any:
    from portal.extensions import db

    base = csrf_app.config["BASE_DATA"]
    with csrf_app.app_context():
        made = make_case(db.session, unit_id=base.unit_a, officer_id=base.users[Role.OFFICER],
                         mediator_id=None, employer_id=base.employer)
        db.session.commit()
        db.session.remove()
    return made


def _hours(csrf_app: Flask, case_id: int) -> Any:
    from portal.extensions import db
    from portal.models import Case

    with csrf_app.app_context():
        case = db.session.get(Case, case_id)
        value = None if case is None else case.hours_ordered
        db.session.remove()
    return value


def _bare_case(csrf_app: Flask, client_id: int) -> int:
    """A case with nothing hanging off it, so deleting it can succeed."""
    from portal.extensions import db
    from portal.models import Case, CaseFunction, CaseStatus

    base = csrf_app.config["BASE_DATA"]
    with csrf_app.app_context():
        case = Case(number=f"CSRF-{new_code()}", client_id=client_id,
                    function=CaseFunction.COMMUNITY_WORK, status=CaseStatus.OPENED,
                    start_date=dt.date.today(), unit_id=base.unit_a,
                    officer_id=base.users[Role.OFFICER])
        db.session.add(case)
        db.session.commit()
        pk = case.id
        db.session.remove()
    return pk


def _client_body(code: str) -> dict[str, str]:
    return {"given_name": "Ilze", "surname": "Kļaviņa", "personal_code": code,
            "birth_date": "1990-05-17", "gender": "female", "preferred_language": "lv"}


def _client_exists(csrf_app: Flask, code: str) -> bool:
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Client

    with csrf_app.app_context():
        found = db.session.execute(
            select(Client.id).where(Client.personal_code == code)
        ).first() is not None
        db.session.remove()
    return found


def test_session_writes_without_token_are_400_and_change_nothing(
    csrf_app: Flask, officer: FlaskClient, own_case: Any
) -> None:
    before = _hours(csrf_app, own_case.case)
    resp = officer.put(f"/api/v1/case/{own_case.case}", json={"hours_ordered": 33})
    assert resp.status_code == 400
    assert resp.is_json  # the API answers in JSON even here
    assert _hours(csrf_app, own_case.case) == before

    code = new_code()
    assert officer.post("/api/v1/client/", json=_client_body(code)).status_code == 400
    assert not _client_exists(csrf_app, code)

    bare = _bare_case(csrf_app, own_case.client)
    assert officer.delete(f"/api/v1/case/{bare}").status_code == 400
    assert _bare_exists(csrf_app, bare)


def _bare_exists(csrf_app: Flask, pk: int) -> bool:
    from portal.extensions import db
    from portal.models import Case

    with csrf_app.app_context():
        found = db.session.get(Case, pk) is not None
        db.session.remove()
    return found


def test_wrong_token_is_400(csrf_app: Flask, officer: FlaskClient, own_case: Any) -> None:
    resp = officer.put(f"/api/v1/case/{own_case.case}", json={"hours_ordered": 33},
                       headers={"X-CSRFToken": "not-a-token"})
    assert resp.status_code == 400


def test_session_writes_with_token_are_allowed(
    csrf_app: Flask, officer: FlaskClient, own_case: Any
) -> None:
    headers = {"X-CSRFToken": _page_token(officer)}
    resp = officer.put(f"/api/v1/case/{own_case.case}", json={"hours_ordered": 33},
                       headers=headers)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert _hours(csrf_app, own_case.case) == 33

    code = new_code()
    resp = officer.post("/api/v1/client/", json=_client_body(code), headers=headers)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    assert _client_exists(csrf_app, code)

    bare = _bare_case(csrf_app, own_case.client)
    assert officer.delete(f"/api/v1/case/{bare}", headers=headers).status_code == 200
    assert not _bare_exists(csrf_app, bare)


def test_reads_need_no_token(officer: FlaskClient, own_case: Any) -> None:
    assert officer.get(f"/api/v1/case/{own_case.case}").status_code == 200


def test_jwt_bearer_needs_no_csrf_token(csrf_app: Flask, own_case: Any) -> None:
    c = csrf_app.test_client()
    resp = c.post("/api/v1/security/login", json={
        "username": USERNAMES[Role.OFFICER], "password": PASSWORD, "provider": "db",
    })
    assert resp.status_code == 200, resp.get_data(as_text=True)
    bearer = {"Authorization": f"Bearer {resp.get_json()['access_token']}"}
    resp = c.put(f"/api/v1/case/{own_case.case}", json={"hours_ordered": 44}, headers=bearer)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert _hours(csrf_app, own_case.case) == 44
    # the token carries the same rights as the session: another unit's case stays hidden
    foreign = csrf_app.config["BASE_DATA"].foreign.case
    assert c.put(f"/api/v1/case/{foreign}", json={"hours_ordered": 1},
                 headers=bearer).status_code == 404
    assert c.get("/api/v1/case/", headers={"Authorization": "Bearer junk"}).status_code in (
        401, 422)


def test_security_paths_other_than_login_are_not_exempt(officer: FlaskClient) -> None:
    """Only login and refresh skip the check: FAB's user and role APIs must not."""
    resp = officer.post("/api/v1/security/users/", json={"username": "x"})
    assert resp.status_code == 400
