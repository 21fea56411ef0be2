"""Production refuses unsafe settings; the factory honours overrides."""

from __future__ import annotations

import pytest

import config
from portal import _normalise_db_url


def test_production_refuses_default_secret_sqlite_and_debug():
    with pytest.raises(RuntimeError) as err:
        config.check_production({
            "PLUS_ENV": "production", "SECRET_KEY": config.DEFAULT_SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": "sqlite:///x.db", "DEBUG": True,
        })
    message = str(err.value)
    assert "SECRET_KEY" in message and "SQLite" in message and "debug" in message


def test_production_accepts_safe_settings():
    config.check_production({
        "PLUS_ENV": "production", "SECRET_KEY": "a-real-secret-from-the-environment",
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db/plus", "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
    })


def test_development_allows_defaults():
    config.check_production({"PLUS_ENV": "development", "SECRET_KEY": config.DEFAULT_SECRET_KEY})


def test_create_app_refuses_unsafe_production(tmp_path):
    from portal import create_app

    with pytest.raises(RuntimeError):
        create_app({"PLUS_ENV": "production", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"})


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_use_psycopg3(url, expected):
    assert _normalise_db_url(url) == expected


def test_defaults_are_latvian_and_riga():
    assert config.BABEL_DEFAULT_LOCALE == "lv"
    assert config.PLUS_TIMEZONE == "Europe/Riga"
    assert list(config.LANGUAGES) == ["lv", "en"]
