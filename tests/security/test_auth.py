"""Authentication: password guessing is throttled, one password policy, the production guard
(issue 7, defects 4, 5 and 10)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import config
from portal.services.access import Role
from tests.conftest import base_config
from tests.factories import PASSWORD, USERNAMES, ensure_user

# --- defect 4: throttling of password guessing --------------------------------------------

PER_ACCOUNT = 5
PER_ADDRESS = 12


@pytest.fixture(scope="module")
def tight_app(app: Flask, tmp_root: Path) -> Iterator[Flask]:
    """The app with small failure limits and its own counters (Redis when configured)."""
    from portal import create_app
    from portal.tasks import init_celery

    application = create_app(base_config(
        tmp_root, AUTH_FAILURE_LIMIT=f"{PER_ACCOUNT} per 15 minutes",
        AUTH_FAILURE_LIMIT_PER_ADDRESS=f"{PER_ADDRESS} per 15 minutes",
        AUTH_THROTTLE_PREFIX=f"test-{uuid.uuid4().hex}",
    ))
    application.config["BASE_DATA"] = app.config["BASE_DATA"]
    yield application
    init_celery(app)


def _user(app: Flask, role: str, **links: Any) -> str:
    name = f"thr_{uuid.uuid4().hex[:10]}"
    with app.app_context():
        from portal.extensions import db

        ensure_user(app.appbuilder.sm, name, role, **links)
        db.session.remove()
    return name


def _officer_login(c: FlaskClient, username: str, password: str, addr: str) -> Any:
    return c.post("/login/?_l_=en", data={"username": username, "password": password},
                  environ_base={"REMOTE_ADDR": addr})


def _portal_login(c: FlaskClient, username: str, password: str, addr: str) -> Any:
    return c.post("/portal/login?_l_=en", data={"username": username, "password": password},
                  environ_base={"REMOTE_ADDR": addr})


def _jwt_login(c: FlaskClient, username: str, password: str, addr: str) -> Any:
    return c.post("/api/v1/security/login", environ_base={"REMOTE_ADDR": addr},
                  json={"username": username, "password": password, "provider": "db"})


def test_officer_login_is_throttled_per_account_and_address(tight_app: Flask) -> None:
    """Defect 4 (officer): after the allowed failures even the right password is refused."""
    name, other = _user(tight_app, Role.OFFICER), _user(tight_app, Role.OFFICER)
    c = tight_app.test_client()
    for _ in range(PER_ACCOUNT):
        assert _officer_login(c, name, "wrong-password-9", "10.1.0.1").status_code == 302
    resp = _officer_login(c, name, PASSWORD, "10.1.0.1")
    assert resp.status_code == 429
    assert "Too many failed login attempts" in resp.get_data(as_text=True)
    assert int(resp.headers["Retry-After"]) > 0
    assert c.get("/caseview/list/").status_code != 200
    lv = c.post("/login/?_l_=lv", data={"username": name, "password": PASSWORD},
                environ_base={"REMOTE_ADDR": "10.1.0.1"})
    assert lv.status_code == 429 and "Pārāk daudz" in lv.get_data(as_text=True)
    # Another account from the same address, and the same account elsewhere, are not held.
    assert _officer_login(tight_app.test_client(), other, PASSWORD, "10.1.0.1").status_code == 302
    assert _officer_login(tight_app.test_client(), name, PASSWORD, "10.1.0.2").status_code == 302


def test_portal_login_is_throttled(tight_app: Flask, base: Any) -> None:
    """Defect 4 (portal): the message stands beside the password field."""
    name = _user(tight_app, Role.EMPLOYER, employer_id=base.employer)
    c = tight_app.test_client()
    for _ in range(PER_ACCOUNT):
        assert _portal_login(c, name, "wrong-password-9", "10.2.0.1").status_code == 422
    resp = _portal_login(c, name, PASSWORD, "10.2.0.1")
    assert resp.status_code == 429
    assert "Too many failed login attempts" in resp.get_data(as_text=True)
    assert c.get("/portal/submissions").status_code != 200


def test_jwt_login_is_throttled(tight_app: Flask) -> None:
    """Defect 4 (API): 429 with a JSON message, no token."""
    name = _user(tight_app, Role.OFFICER)
    c = tight_app.test_client()
    for _ in range(PER_ACCOUNT):
        assert _jwt_login(c, name, "wrong-password-9", "10.3.0.1").status_code == 401
    resp = _jwt_login(c, name, PASSWORD, "10.3.0.1")
    assert resp.status_code == 429
    assert "access_token" not in resp.get_json() and resp.get_json()["message"]


def test_one_address_guessing_many_accounts_is_throttled(tight_app: Flask) -> None:
    """Defect 4 (per address): spraying one password over many accounts stops too."""
    c = tight_app.test_client()
    for _ in range(PER_ADDRESS):
        assert _jwt_login(c, f"nobody_{uuid.uuid4().hex[:8]}", "Guess12345",
                          "10.4.0.1").status_code == 401
    name = _user(tight_app, Role.OFFICER)
    assert _jwt_login(c, name, PASSWORD, "10.4.0.1").status_code == 429
    assert _jwt_login(c, name, PASSWORD, "10.4.0.2").status_code == 200


def test_successful_logins_are_never_throttled(tight_app: Flask) -> None:
    for _ in range(PER_ACCOUNT * 3):
        assert _officer_login(tight_app.test_client(), USERNAMES[Role.OFFICER], PASSWORD,
                              "10.5.0.1").status_code == 302


# --- defect 5: one password policy ---------------------------------------------------------

WEAK = ["1", "short1", "onlyletters", "1234567890", "Password2024!", "qwerty123456",
        "parole12345"]


@pytest.mark.parametrize("weak", WEAK)
def test_staff_cannot_set_a_weak_password(app: Flask, weak: str) -> None:
    """Defect 5: /resetmypassword/form refuses what the portal refuses."""
    from portal.extensions import db

    name = _user(app, Role.OFFICER)
    c = app.test_client()
    assert c.post("/login/", data={"username": name, "password": PASSWORD}).status_code == 302
    resp = c.post("/resetmypassword/form?_l_=en", data={"password": weak, "conf_password": weak})
    assert resp.status_code == 200
    c2 = app.test_client()
    assert c2.post("/login/", data={"username": name, "password": weak}).headers[
        "Location"].startswith("/login")
    with app.app_context():
        assert app.appbuilder.sm.auth_user_db(name, PASSWORD) is not None
        db.session.remove()


def test_admin_screens_use_the_same_policy(app: Flask, login_as: Any, unique: str) -> None:
    """Defect 5: adding a user and resetting someone's password follow the policy too."""
    admin = login_as(Role.ADMIN)
    resp = admin.post("/users/add?_l_=en", data={
        "first_name": "A", "last_name": "B", "username": f"weak_{unique}", "active": "y",
        "email": f"weak_{unique}@test.invalid", "roles": "1", "password": "1", "conf_password": "1",
    })
    assert resp.status_code == 200
    assert "at least 10 characters" in resp.get_data(as_text=True)
    with app.app_context():
        assert app.appbuilder.sm.find_user(username=f"weak_{unique}") is None
    target = _user(app, Role.OFFICER)
    with app.app_context():
        pk = app.appbuilder.sm.find_user(username=target).id
    resp = admin.post(f"/resetpassword/form?pk={pk}&_l_=en",
                      data={"password": "password123", "conf_password": "password123"})
    assert "too common" in resp.get_data(as_text=True)


def test_policy_accepts_a_good_password_and_portal_shares_it() -> None:
    from portal.security import passwords
    from portal.services.errors import ValidationFailed
    from portal.services.partners import invitations

    passwords.check("Zilais-Kalns-42")
    with pytest.raises(ValidationFailed):
        invitations.check_password_rules("Password2024!")


# --- defect 10: the production guard -------------------------------------------------------

SAFE = {"PLUS_ENV": "production", "SECRET_KEY": "k" * 48, "DEBUG": False,
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db/plus", "SESSION_COOKIE_SECURE": True}


@pytest.mark.parametrize("env", ["production", "Production", "PRODUCTION", "prod", " prod ",
                                 "staging"])
@pytest.mark.parametrize(("key", "value", "says"), [
    ("SECRET_KEY", "x", "shorter"),
    ("SECRET_KEY", config.DEFAULT_SECRET_KEY, "default"),
    ("SESSION_COOKIE_SECURE", False, "secure"),
])
def test_production_guard_refuses_weak_settings(env: str, key: str, value: Any,
                                                says: str) -> None:
    """Defect 10: short secrets and insecure cookies refused, however production is spelled."""
    with pytest.raises(RuntimeError, match=says):
        config.check_production({**SAFE, "PLUS_ENV": env, key: value})


def test_production_guard_accepts_safe_settings_and_development() -> None:
    config.check_production(SAFE)
    config.check_production({"PLUS_ENV": "development", "SECRET_KEY": "x"})
    config.check_production({"PLUS_ENV": "Test", "SECRET_KEY": "x"})
    assert config.normalise_env("Production") == "production"
    assert config.normalise_env("dev") == "development"


def test_secure_cookies_follow_a_normalised_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    monkeypatch.setenv("PLUS_ENV", "Prod")
    monkeypatch.delenv("PLUS_SECURE_COOKIES", raising=False)
    try:
        fresh = importlib.reload(config)
        assert fresh.PLUS_ENV == "production" and fresh.SESSION_COOKIE_SECURE is True
    finally:
        monkeypatch.delenv("PLUS_ENV")
        importlib.reload(config)
