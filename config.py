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


_ENV_NAMES = {
    "production": "production", "prod": "production", "live": "production",
    "development": "development", "dev": "development", "demo": "development",
    "test": "test", "testing": "test", "ci": "test",
}


def normalise_env(value: object) -> str:
    """The canonical deployment name for what was typed (``Production``, ``prod`` ...).

    A name we do not know counts as production, so a typo never switches the guards off.
    """
    return _ENV_NAMES.get(str(value or "").strip().lower(), "production")


# Name of the deployment: "development", "test" or "production" (production refuses unsafe
# defaults); spellings such as "Production" or "prod" are normalised.
PLUS_ENV: str = normalise_env(_env("PLUS_ENV", "development"))
# Instance folder: the embedded database and uploads live here, outside the package and web root.
INSTANCE_DIR: Path = Path(_env("PLUS_INSTANCE_DIR", str(BASE_DIR / "instance")))
# Database URL; the embedded default is a SQLite file, production uses PostgreSQL (psycopg 3).
SQLALCHEMY_DATABASE_URI: str = _env("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'plus.db'}")
# Redis URL for Celery's broker and results; empty means tasks run inline in the request.
REDIS_URL: str = _env("REDIS_URL", "")
# Secret used to sign sessions and CSRF tokens; must be set in production, at least
# MIN_SECRET_KEY_LENGTH characters (e.g. `python -c "import secrets; print(secrets.token_urlsafe(48))"`).
DEFAULT_SECRET_KEY = "dev-only-not-secret"
MIN_SECRET_KEY_LENGTH = 32
SECRET_KEY: str = _env("SECRET_KEY", DEFAULT_SECRET_KEY)
# Flask debug mode; never on in production.
DEBUG: bool = _env_bool("FLASK_DEBUG", False)
# Where uploaded and generated documents are stored (outside the web root).
UPLOAD_FOLDER: str = _env("PLUS_UPLOAD_FOLDER", str(INSTANCE_DIR / "documents"))
# Largest accepted upload in bytes (documents and form attachments).
MAX_UPLOAD_BYTES: int = _env_int("PLUS_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
# Most characters of a long text typed on the officer's screens (meeting notes, descriptions,
# conclusions): about two printed pages, so a note stays readable on the case page.
TEXT_MAX_LENGTH: int = _env_int("PLUS_TEXT_MAX_LENGTH", 5000)
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
# Deepest nesting accepted in a JSON body or the API's rison q= (portal.security.input_guard).
MAX_JSON_DEPTH: int = _env_int("PLUS_MAX_JSON_DEPTH", 64)
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
# Content-Security-Policy of every response ({nonce} is replaced by the response's nonce);
# 'unsafe-eval' is for @formio/js, which evaluates form conditions (portal.security.headers).
CONTENT_SECURITY_POLICY: str = _env(
    "PLUS_CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'",
)
# Strict-Transport-Security max-age, sent in production only (HTTPS is then required).
HSTS_SECONDS: int = _env_int("PLUS_HSTS_SECONDS", 365 * 24 * 3600)
# Referrer-Policy: other sites never see PLUS URLs (they carry record ids).
REFERRER_POLICY: str = "same-origin"
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
# FAB's baselayout plus our stylesheet (the navbar in one row, tablets and phones).
FAB_BASE_TEMPLATE: str = "plus/layout.html"
AUTH_TYPE: int = 1  # AUTH_DB: officers log in with a password until the national login arrives.
AUTH_ROLE_ADMIN: str = "Admin"
AUTH_ROLE_PUBLIC: str = "Public"
AUTH_USER_REGISTRATION: bool = False
# FAB's own login limiter stays off: PLUS counts failed logins per account and address
# itself (portal.security.throttle), which FAB's per-address request limit cannot do.
AUTH_RATE_LIMITED: bool = False
RATELIMIT_ENABLED: bool = False
# Failed logins allowed per account and address, and per address over all accounts, in the
# "N per period" notation of the `limits` library; more are refused with 429 until the
# window has passed. Officer login, portal login and the API's JWT login share them.
AUTH_FAILURE_LIMIT: str = _env("PLUS_AUTH_FAILURE_LIMIT", "10 per 15 minutes")
AUTH_FAILURE_LIMIT_PER_ADDRESS: str = _env("PLUS_AUTH_FAILURE_LIMIT_PER_ADDRESS", "100 per 15 minutes")
# Where failed logins are counted: Redis when REDIS_URL is set (shared by all workers),
# otherwise this process's memory (the embedded default).
AUTH_THROTTLE_STORAGE_URL: str = _env("PLUS_AUTH_THROTTLE_STORAGE_URL", REDIS_URL or "memory://")
# Prefix of the throttle's keys in that storage (tests use their own).
AUTH_THROTTLE_PREFIX: str = _env("PLUS_AUTH_THROTTLE_PREFIX", "plus-login")
# One password policy for staff and portal users (portal.security.passwords): shortest length;
# FAB's user screens and reset forms use it through its complexity-validator hook.
PASSWORD_MIN_LENGTH: int = _env_int("PLUS_PASSWORD_MIN_LENGTH", 10)
FAB_PASSWORD_COMPLEXITY_ENABLED: bool = True
SQLALCHEMY_TRACK_MODIFICATIONS: bool = False
# --- National unified login of the portal (SAML 2.0; Latvija.lv, eIDAS) ------------------------
# FAB's AUTH_TYPE is one per application and officers keep AUTH_DB, so the portal runs the
# SAML exchange itself (python3-saml), with FAB's SAML_CONFIG / SAML_PROVIDERS format.
# The IdP's metadata URL (entity id, SSO address, signing certificate); empty with no "idp" in
# SAML_PROVIDERS means the portal offers no national login.
SAML_IDP_METADATA_URL: str = _env("PLUS_SAML_IDP_METADATA_URL", "")
# The IdP's entity id, when its metadata describes several entities; empty: the first IdP.
SAML_IDP_ENTITY_ID: str = _env("PLUS_SAML_IDP_ENTITY_ID", "")
# How long fetched IdP metadata is used before it is read again, in seconds.
SAML_METADATA_CACHE_SECONDS: int = _env_int("PLUS_SAML_METADATA_CACHE_SECONDS", 3600)
# The portal's SAML entity id as registered with the IdP; empty: its /portal/saml/metadata URL.
SAML_SP_ENTITY_ID: str = _env("PLUS_SAML_SP_ENTITY_ID", "")
# PEM files of the portal's SAML certificate and private key (AuthnRequests are then signed);
# kept outside the repository, e.g. under the instance folder or a secrets mount.
SAML_SP_CERT_FILE: str = _env("PLUS_SAML_SP_CERT_FILE", "")
SAML_SP_KEY_FILE: str = _env("PLUS_SAML_SP_KEY_FILE", "")
# Seconds a user may take at the IdP between our AuthnRequest and the response.
SAML_REQUEST_MAX_AGE: int = _env_int("PLUS_SAML_REQUEST_MAX_AGE", 900)
# python3-saml settings in FAB's SAML_CONFIG format; sp entity/ACS and idp are filled in at
# request time. Assertions must be signed; strict checks audience, recipient and validity.
SAML_CONFIG: dict[str, object] = {
    "strict": True,
    "debug": False,
    "sp": {"NameIDFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"},
    "security": {
        "wantAssertionsSigned": True,
        "wantMessagesSigned": False,
        "wantNameId": True,
        "wantAttributeStatement": True,
        "rejectDeprecatedAlgorithm": True,
        "requestedAuthnContext": False,
        "signatureAlgorithm": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        "digestAlgorithm": "http://www.w3.org/2001/04/xmlenc#sha256",
    },
}
# The IdP in FAB's SAML_PROVIDERS format; "idp" may be given here instead of a metadata URL.
# attribute_mapping: SAML attribute name -> our field (personal_code, foreign_id, first_name,
# last_name); national claims of the unified login and eIDAS natural-person attributes.
SAML_PROVIDERS: list[dict[str, object]] = [
    {
        "name": "latvija",
        "attribute_mapping": {
            _env(
                "PLUS_SAML_ATTR_PERSONAL_CODE",
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/privatepersonalidentifier",
            ): "personal_code",
            _env(
                "PLUS_SAML_ATTR_GIVEN_NAME",
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
            ): "first_name",
            _env(
                "PLUS_SAML_ATTR_SURNAME",
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
            ): "last_name",
            _env(
                "PLUS_SAML_ATTR_FOREIGN_ID",
                "http://eidas.europa.eu/attributes/naturalperson/PersonIdentifier",
            ): "foreign_id",
            "http://eidas.europa.eu/attributes/naturalperson/CurrentGivenName": "first_name",
            "http://eidas.europa.eu/attributes/naturalperson/CurrentFamilyName": "last_name",
        },
    }
]

# --- Exchanges with other systems (connectors/, portal/services/exchanges/) ---
# Connector plugins allowed to run: names of "plus.connectors" entry points; others are ignored.
CONNECTORS_ENABLED: list[str] = [
    name.strip()
    for name in _env(
        "PLUS_CONNECTORS",
        "tis,tis_notices,prois,prois_notices,ievp,ievp_notices,viis,vdeavk,vid,rd,em,calendar,eaddress",
    ).split(",")
    if name.strip()
]
# Base URL of each external system (PLUS_<SYSTEM>_URL; the simulators in the demo); empty
# means not configured: inbound polling skips it and outbound messages wait in the outbox.
CONNECTOR_ENDPOINTS: dict[str, str] = {
    name: _env(f"PLUS_{name.upper()}_URL", "")
    for name in ("tis", "prois", "ievp", "viis", "vdeavk", "vid", "rd", "em", "calendar", "eaddress")
}
# Seconds to wait for another system to accept a connection, and then for its answer.
CONNECTOR_CONNECT_TIMEOUT: float = float(_env("PLUS_CONNECTOR_CONNECT_TIMEOUT", "2"))
CONNECTOR_READ_TIMEOUT: float = float(_env("PLUS_CONNECTOR_READ_TIMEOUT", "10"))
# Unified calendar: minutes a meeting or mediation session lasts unless the officer says
# otherwise (the clash rule needs an end), and seconds a booking screen waits for the
# calendar's busy times before saving with the local clash check only.
MEETING_DEFAULT_DURATION_MINUTES: int = _env_int("PLUS_MEETING_DEFAULT_DURATION_MINUTES", 60)
CALENDAR_QUERY_TIMEOUT: float = float(_env("PLUS_CALENDAR_QUERY_TIMEOUT", "2"))
# Attempts at delivering an outbound message before it is marked failed for the admins.
EXCHANGE_MAX_ATTEMPTS: int = _env_int("PLUS_EXCHANGE_MAX_ATTEMPTS", 6)
# Retry delay: this many seconds doubled per attempt, with jitter, never above the cap.
EXCHANGE_BACKOFF_SECONDS: float = float(_env("PLUS_EXCHANGE_BACKOFF_SECONDS", "10"))
EXCHANGE_BACKOFF_CAP_SECONDS: float = float(_env("PLUS_EXCHANGE_BACKOFF_CAP_SECONDS", "900"))
# How often the beat sweeps the outbox for due messages and polls inbound systems.
EXCHANGE_SWEEP_SECONDS: float = float(_env("PLUS_EXCHANGE_SWEEP_SECONDS", "15"))
# Largest inbound message accepted (bytes of JSON) and deepest nesting; bigger is rejected.
EXCHANGE_MAX_PAYLOAD_BYTES: int = _env_int("PLUS_EXCHANGE_MAX_PAYLOAD_BYTES", 256 * 1024)
EXCHANGE_MAX_PAYLOAD_DEPTH: int = _env_int("PLUS_EXCHANGE_MAX_PAYLOAD_DEPTH", 12)
# Seconds after which Redis hands an unacknowledged task (its worker was killed) to another
# worker; every task is idempotent, and no countdown is ever longer than this.
CELERY_VISIBILITY_TIMEOUT: int = _env_int("PLUS_CELERY_VISIBILITY_TIMEOUT", 300)
# Seconds a web request waits for Redis when enqueueing; on failure the outbox row is enough.
BROKER_TIMEOUT: float = float(_env("PLUS_BROKER_TIMEOUT", "1"))
# After a failed enqueue, requests stop trying Redis for this many seconds (the sweep delivers).
BROKER_RETRY_AFTER_SECONDS: float = float(_env("PLUS_BROKER_RETRY_AFTER_SECONDS", "30"))
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
    # Publishing never retries: a request must not hang while Redis is down (the outbox and
    # the beat's sweep deliver later).
    "task_publish_retry": False,
    "broker_connection_timeout": BROKER_TIMEOUT,
    "broker_transport_options": {
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        # Look for messages of a killed worker every 10 s: kombu 5.7 scans only every 10th
        # sweep by default (100 s), which would add up to 100 s to a redelivery.
        "unacked_restore_interval": 10,
        "unacked_restore_throttle": 1,
        "socket_connect_timeout": BROKER_TIMEOUT,
        "socket_timeout": BROKER_TIMEOUT * 2,
        "max_retries": 0,
    },
    "redis_socket_connect_timeout": BROKER_TIMEOUT,
    "redis_socket_timeout": BROKER_TIMEOUT * 2,
    "result_backend_transport_options": {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT},
    # One task at a time per process, so a killed process loses (and Redis redelivers) one.
    "worker_prefetch_multiplier": 1,
}
# Tests set this to fail (not skip) when PostgreSQL or Redis is missing.
PLUS_REQUIRE_SERVICES: bool = _env_bool("PLUS_REQUIRE_SERVICES", False)
# Retention: a client whose cases are all closed is anonymised this many days after the last
# closure (the service's legal deadline for keeping case data). The default of 10 years is a
# placeholder until VPD's lawyers confirm the period the regulations set.
RETENTION_DAYS_AFTER_CLOSURE: int = _env_int("PLUS_RETENTION_DAYS", 3653)
# Days used by the officer worklist.
WORKLIST_DUE_DAYS: int = 7
WORKLIST_MEETING_GAP_DAYS: int = 30


def check_production(settings: dict[str, object]) -> None:
    """Refuse to start a production deployment with unsafe settings.

    :raises RuntimeError: when the secret is the default or short, the database SQLite,
        debug on or session cookies not limited to HTTPS.
    """
    if normalise_env(settings.get("PLUS_ENV")) != "production":
        return
    problems = []
    secret = str(settings.get("SECRET_KEY") or "")
    if secret in ("", DEFAULT_SECRET_KEY):
        problems.append("SECRET_KEY is the development default")
    elif len(secret) < MIN_SECRET_KEY_LENGTH:
        problems.append(f"SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters")
    if str(settings.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
        problems.append("the database is SQLite")
    if settings.get("DEBUG"):
        problems.append("debug is on")
    if not settings.get("SESSION_COOKIE_SECURE"):
        problems.append("session cookies are not secure-only (PLUS_SECURE_COOKIES)")
    if problems:
        raise RuntimeError("Refusing to start in production: " + "; ".join(problems))

# --- Open data (portal.services.opendata) ---
# Stable URIs of the open datasets: <base>/<dataset>/<period>.csv|json (served by /opendata).
OPENDATA_BASE_URI: str = _env("PLUS_OPENDATA_BASE_URI", "https://plus.vpd.gov.lv/opendata")
# Publisher and contact point written into every dataset's metadata.
OPENDATA_PUBLISHER: str = _env("PLUS_OPENDATA_PUBLISHER", "Valsts probācijas dienests")
OPENDATA_PUBLISHER_URI: str = _env("PLUS_OPENDATA_PUBLISHER_URI", "https://www.vpd.gov.lv")
OPENDATA_CONTACT_EMAIL: str = _env("PLUS_OPENDATA_CONTACT_EMAIL", "pasts@vpd.gov.lv")
# Licence of the open data (CC0, as data.gov.lv recommends) and its CKAN licence id.
OPENDATA_LICENCE_URI: str = _env(
    "PLUS_OPENDATA_LICENCE_URI", "https://creativecommons.org/publicdomain/zero/1.0/"
)
OPENDATA_CKAN_LICENCE_ID: str = _env("PLUS_OPENDATA_CKAN_LICENCE_ID", "cc-zero")
# The national open data portal's CKAN; empty URL means publication is switched off.
CKAN_URL: str = _env("PLUS_CKAN_URL", "")
# API token of VPD's CKAN user (secret: only from the environment).
CKAN_API_KEY: str = _env("PLUS_CKAN_API_KEY", "")
# CKAN organisation that owns VPD's datasets, and the prefix of their CKAN names.
CKAN_ORGANIZATION: str = _env("PLUS_CKAN_ORGANIZATION", "valsts-probacijas-dienests")
CKAN_NAME_PREFIX: str = _env("PLUS_CKAN_NAME_PREFIX", "vpd-")
# Seconds to wait for the portal's answer before giving up (the next run retries).
CKAN_TIMEOUT_SECONDS: int = _env_int("PLUS_CKAN_TIMEOUT_SECONDS", 30)
# Yearly e-service use targets of the project (two and three years after it), for the dashboard.
INDICATOR_ESERVICE_TARGETS: list[int] = [
    int(t) for t in _env("PLUS_ESERVICE_TARGETS", "10000,18000").split(",") if t.strip()
]

# --- Community work of minors (portal.services.work.limits) ---
# Community work applies to children aged 11 to 18; at this age a client is no longer a minor
# and the limits below stop applying.
MINOR_AGE_LIMIT: int = _env_int("PLUS_MINOR_AGE_LIMIT", 18)
# The most hours a minor may work, by age band: "<lowest age>:<hours a day>:<hours a week>"
# separated by commas; a client's band is the last whose lowest age they have reached on the
# work date. Defaults follow the Labour Law (art. 132): children up to 15 at most 4 h a day and
# 20 h a week (its limit outside school time; "11:2:10,15:7:35" applies the school-time limit
# of 2 h and 10 h), adolescents from 15 at most 7 h a day and 35 h a week. To be confirmed by
# VPD's lawyers for community work.
MINOR_HOURS_LIMITS: str = _env("PLUS_MINOR_HOURS_LIMITS", "11:4:20,15:7:35")
# Kinds of work (portal.models.WorkKind values) a minor may not be given, comma-separated:
# the work Cabinet Regulation No. 205 forbids to children (construction, at height, with
# hazardous substances or machinery, heavy lifting).
MINOR_EXCLUDED_WORK_KINDS: str = _env(
    "PLUS_MINOR_EXCLUDED_WORK_KINDS",
    "construction,work_at_height,hazardous_substances,machinery,heavy_lifting",
)
# Kinds of work excluded after a sexual offence, and after a violent offence (the decision's
# flags), for the suitable-work proposals and the referral.
SEXUAL_OFFENCE_EXCLUDED_WORK_KINDS: str = _env(
    "PLUS_SEXUAL_OFFENCE_EXCLUDED_WORK_KINDS", "work_with_children,social_care"
)
VIOLENT_OFFENCE_EXCLUDED_WORK_KINDS: str = _env(
    "PLUS_VIOLENT_OFFENCE_EXCLUDED_WORK_KINDS", "work_with_children"
)
# --- Supervision: rules the law or VPD's methodology sets (portal.services.supervision) ------
# Risk level from the assessment's total as a percentage of the highest possible total: from
# RISK_MEDIUM_FROM_PERCENT it is medium, from RISK_HIGH_FROM_PERCENT high (VPD methodology).
RISK_MEDIUM_FROM_PERCENT: int = _env_int("PLUS_RISK_MEDIUM_FROM_PERCENT", 34)
RISK_HIGH_FROM_PERCENT: int = _env_int("PLUS_RISK_HIGH_FROM_PERCENT", 60)
# Months until the next risk and needs assessment is due, by the level found.
REASSESSMENT_MONTHS: dict[str, int] = {
    "high": _env_int("PLUS_REASSESSMENT_MONTHS_HIGH", 3),
    "medium": _env_int("PLUS_REASSESSMENT_MONTHS_MEDIUM", 6),
    "low": _env_int("PLUS_REASSESSMENT_MONTHS_LOW", 12),
}
# A reassessment appears on the worklist this many days before it is due.
REASSESSMENT_NOTICE_DAYS: int = _env_int("PLUS_REASSESSMENT_NOTICE_DAYS", 14)
# Deadlines of the response ladder to a violation, in days from the violation: the talk with
# the client, the written warning, the submission to the court or prosecutor.
VIOLATION_RESPONSE_DAYS: dict[str, int] = {
    "talk": _env_int("PLUS_VIOLATION_TALK_DAYS", 5),
    "written_warning": _env_int("PLUS_VIOLATION_WARNING_DAYS", 10),
    "submission": _env_int("PLUS_VIOLATION_SUBMISSION_DAYS", 10),
}
# A supervision case appears on the worklist this many days before its term ends.
SUPERVISION_ENDING_DAYS: int = _env_int("PLUS_SUPERVISION_ENDING_DAYS", 30)
# A supervision plan is reviewed this many months after it is made (the default review date
# the officer may change) and appears on the worklist this many days before its review is due.
PLAN_REVIEW_MONTHS: int = _env_int("PLUS_PLAN_REVIEW_MONTHS", 3)
PLAN_REVIEW_NOTICE_DAYS: int = _env_int("PLUS_PLAN_REVIEW_NOTICE_DAYS", 14)
# The Interior Ministry Information Centre's record categories (IeM IC uzskaites kategorijas)
# a supervision start is registered in, code -> (Latvian, English); and the category each
# supervision function goes to by default. Codes are stored, so retire a code, do not reuse it.
INTERIOR_RECORD_CATEGORIES: dict[str, tuple[str, str]] = {
    "conditional_sentence": ("Nosacīti notiesātā persona", "Conditionally sentenced person"),
    "conditional_release": ("Nosacīti pirms termiņa atbrīvotā persona",
                            "Person released conditionally before the end of the sentence"),
    "released_from_liability": ("Nosacīti no kriminālatbildības atbrīvotā persona",
                                "Person conditionally released from criminal liability"),
    "probation_supervision": ("Persona, kurai piemērots papildsods — probācijas uzraudzība",
                              "Person under probation supervision as an additional penalty"),
}
INTERIOR_RECORD_CATEGORY_BY_FUNCTION: dict[str, str] = {
    "supervision_conditional_sentence": "conditional_sentence",
    "supervision_early_release": "conditional_release",
    "supervision_early_release_em": "conditional_release",
    "supervision_release_from_liability": "released_from_liability",
    "probation_supervision": "probation_supervision",
}
# The orphans' court is always told of the start of supervision of a client younger than this
# (the age of majority); for an adult the officer decides (children or dependants in care).
ORPHANS_COURT_BELOW_AGE: int = _env_int("PLUS_ORPHANS_COURT_BELOW_AGE", 18)
