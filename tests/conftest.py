"""Shared fixtures: one migrated database per test session, logins per role.

Without DATABASE_URL the suite runs on a temporary SQLite file; with it, on PostgreSQL.
With PLUS_REQUIRE_SERVICES=1 a test that needs a missing service fails instead of skipping.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import BaseData, make_base_data

REQUIRE_SERVICES = os.environ.get("PLUS_REQUIRE_SERVICES") == "1"
DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
#: failed-login counters of this test session (in Redis they would outlive it)
THROTTLE_PREFIX = f"test-{uuid.uuid4().hex}"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Compile stale translation catalogues first, as `make test` does, so a bare pytest
    renders the current Latvian too (Flask-Babel caches a catalogue once loaded)."""
    from portal.i18n_catalog import compile_stale

    compile_stale()


def need(service: str, available: bool) -> None:
    """Skip (or, in CI with services, fail) when a service is missing."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{service} is required (PLUS_REQUIRE_SERVICES=1) but not configured")
    pytest.skip(f"{service} not configured")


def base_config(tmp: Path, **overrides: Any) -> dict[str, Any]:
    """Settings for a test app; the database is DATABASE_URL or a SQLite file in ``tmp``."""
    cfg: dict[str, Any] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": DATABASE_URL or f"sqlite:///{tmp / 'plus-test.db'}",
        "UPLOAD_FOLDER": str(tmp / "documents"),
        "MAX_UPLOAD_BYTES": 200_000,
        "MAX_CONTENT_LENGTH": 400_000,
        "SERVER_NAME": None,
        "AUTH_THROTTLE_PREFIX": THROTTLE_PREFIX,
    }
    cfg.update(overrides)
    return cfg


def reset_database(app: Flask) -> None:
    """Drop everything and migrate to head, so each session starts from the real schema."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from portal.extensions import db

    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade(directory=str(Path(app.root_path) / "migrations"))
        from portal.services import setup

        setup.ensure_roles(app.appbuilder.sm)
        db.session.commit()


@pytest.fixture(scope="session")
def tmp_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("plus")


@pytest.fixture(scope="session")
def app(tmp_root: Path) -> Iterator[Flask]:
    from portal import create_app

    application = create_app(base_config(tmp_root))
    reset_database(application)
    with application.app_context():
        from portal.extensions import db

        application.config["BASE_DATA"] = make_base_data(db.session, application.appbuilder.sm)
        db.session.remove()
    yield application


@pytest.fixture()
def base(app: Flask) -> BaseData:
    return app.config["BASE_DATA"]


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def db_session(app: Flask) -> Iterator[Any]:
    from portal.extensions import db

    with app.app_context():
        yield db.session
        db.session.rollback()
        db.session.remove()


@pytest.fixture()
def login_as(app: Flask) -> Callable[[str], FlaskClient]:
    """Return a test client logged in as the base user of a role (or a username)."""

    def _login(who: str) -> FlaskClient:
        from tests.factories import PASSWORD, USERNAMES

        username = USERNAMES.get(who, who)
        c = app.test_client()
        resp = c.post("/login/", data={"username": username, "password": PASSWORD})
        assert resp.status_code in (302, 303), f"login as {username} failed: {resp.status_code}"
        return c

    return _login


@pytest.fixture()
def unique() -> str:
    return uuid.uuid4().hex[:8]


@pytest.fixture()
def today() -> dt.date:
    return dt.date.today()


@pytest.fixture()
def keep_languages(app: Flask) -> Iterator[None]:
    """Switching the screen language is saved on the user: put the users' choices back
    afterwards (other modules expect the Latvian default)."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import PlusUser

    with app.app_context():
        saved = {u.id: u.preferred_language for u in db.session.scalars(select(PlusUser))}
        db.session.remove()
    yield
    with app.app_context():
        for user in db.session.scalars(select(PlusUser).where(PlusUser.id.in_(list(saved)))):
            user.preferred_language = saved[user.id]
        db.session.commit()
        db.session.remove()
