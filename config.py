"""PLUS configuration.

Every setting has a typed default and can be overridden from the environment; tests pass a
mapping to ``create_app``. Nothing here opens a connection or reads a file.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Name of the deployment: "development", "test" or "production" (production refuses unsafe defaults).
PLUS_ENV: str = _env("PLUS_ENV", "development")
# Instance folder: the embedded database and uploads live here, outside the package and web root.
INSTANCE_DIR: Path = Path(_env("PLUS_INSTANCE_DIR", str(BASE_DIR / "instance")))
# Database URL; the embedded default is a SQLite file, production uses PostgreSQL (psycopg 3).
SQLALCHEMY_DATABASE_URI: str = _env("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'plus.db'}")
# Redis URL for Celery's broker and results; empty means tasks run inline in the request.
REDIS_URL: str = _env("REDIS_URL", "")
# Secret used to sign sessions and CSRF tokens; must be set in production.
DEFAULT_SECRET_KEY = "dev-only-not-secret"
SECRET_KEY: str = _env("SECRET_KEY", DEFAULT_SECRET_KEY)
# Flask debug mode; never on in production.
DEBUG: bool = _env_bool("FLASK_DEBUG", False)
# Where uploaded and generated documents are stored (outside the web root).
UPLOAD_FOLDER: str = _env("PLUS_UPLOAD_FOLDER", str(INSTANCE_DIR / "documents"))
# Largest accepted upload in bytes (documents and form attachments).
MAX_UPLOAD_BYTES: int = _env_int("PLUS_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
# Flask's hard request limit, a little above the upload limit so the form can answer nicely.
MAX_CONTENT_LENGTH: int = MAX_UPLOAD_BYTES + 1024 * 1024
# How long a file uploaded ahead of its submission (the @formio/js renderer) waits for it,
# and how many such files one portal user may have waiting.
PENDING_UPLOAD_TTL_HOURS: int = _env_int("PLUS_PENDING_UPLOAD_TTL_HOURS", 24)
MAX_PENDING_UPLOADS: int = _env_int("PLUS_MAX_PENDING_UPLOADS", 30)
# File extensions accepted for uploads, with the MIME types we expect for them.
ALLOWED_UPLOAD_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "odt": "application/vnd.oasis.opendocument.text",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "txt": "text/plain",
}
# UI languages: Latvian first (the default), English second.
LANGUAGES: dict[str, dict[str, str]] = {
    "lv": {"flag": "lv", "name": "Latviešu"},
    "en": {"flag": "gb", "name": "English"},
}
BABEL_DEFAULT_LOCALE: str = _env("PLUS_DEFAULT_LOCALE", "lv")
# Absolute, so it works whatever the working directory; FAB puts its own catalogue first.
BABEL_TRANSLATION_DIRECTORIES: str = str(BASE_DIR / "translations")
# Time zone of the service: all dates shown to users are Riga time.
BABEL_DEFAULT_TIMEZONE: str = _env("PLUS_TIMEZONE", "Europe/Riga")
PLUS_TIMEZONE: str = BABEL_DEFAULT_TIMEZONE
# Rows per page in list screens and the API.
PAGE_SIZE: int = _env_int("PLUS_PAGE_SIZE", 25)
FAB_API_MAX_PAGE_SIZE: int = _env_int("PLUS_API_MAX_PAGE_SIZE", 100)
# Application name shown in the header.
APP_NAME: str = "PLUS"
# Sessions: secure cookies in production, a short idle lifetime for criminal-justice data.
SESSION_COOKIE_HTTPONLY: bool = True
SESSION_COOKIE_SAMESITE: str = "Lax"
SESSION_COOKIE_SECURE: bool = _env_bool("PLUS_SECURE_COOKIES", PLUS_ENV == "production")
PERMANENT_SESSION_LIFETIME: int = _env_int("PLUS_SESSION_SECONDS", 8 * 3600)
# CSRF protection for every form; the API is covered by our own cookie-CSRF guard.
WTF_CSRF_ENABLED: bool = _env_bool("PLUS_CSRF", True)
WTF_CSRF_TIME_LIMIT: int | None = None
# Flask-AppBuilder: schema comes from Alembic, never from create_all.
FAB_CREATE_DB: bool = False
FAB_UPDATE_PERMS: bool = False
FAB_ADD_SECURITY_API: bool = False
FAB_API_SWAGGER_UI: bool = True
FAB_SECURITY_MANAGER_CLASS: str = "portal.security.manager.PlusSecurityManager"
FAB_INDEX_VIEW: str = "portal.views.home.PlusIndexView"
AUTH_TYPE: int = 1  # AUTH_DB: officers log in with a password until the national login arrives.
AUTH_ROLE_ADMIN: str = "Admin"
AUTH_ROLE_PUBLIC: str = "Public"
AUTH_USER_REGISTRATION: bool = False
AUTH_RATE_LIMITED: bool = False
RATELIMIT_ENABLED: bool = False
SQLALCHEMY_TRACK_MODIFICATIONS: bool = False
# Celery: inline when there is no Redis, so `make run` needs nothing else.
CELERY: dict[str, object] = {
    "broker_url": REDIS_URL or "memory://",
    "result_backend": REDIS_URL or "cache+memory://",
    "task_always_eager": not REDIS_URL,
    "task_eager_propagates": True,
    "task_acks_late": True,
    "task_reject_on_worker_lost": True,
    "task_ignore_result": True,
    "timezone": PLUS_TIMEZONE,
}
# Tests set this to fail (not skip) when PostgreSQL or Redis is missing.
PLUS_REQUIRE_SERVICES: bool = _env_bool("PLUS_REQUIRE_SERVICES", False)
# Days used by the officer worklist.
WORKLIST_DUE_DAYS: int = 7
WORKLIST_MEETING_GAP_DAYS: int = 30


def check_production(settings: dict[str, object]) -> None:
    """Refuse to start a production deployment with unsafe settings.

    :raises RuntimeError: when the secret is the default, the database SQLite or debug on.
    """
    if settings.get("PLUS_ENV") != "production":
        return
    problems = []
    if settings.get("SECRET_KEY") in (None, "", DEFAULT_SECRET_KEY):
        problems.append("SECRET_KEY is the development default")
    if str(settings.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
        problems.append("the database is SQLite")
    if settings.get("DEBUG"):
        problems.append("debug is on")
    if problems:
        raise RuntimeError("Refusing to start in production: " + "; ".join(problems))
