"""No personal codes, names typed into searches or secrets in any log.

Every log record passes through :func:`redact` when it is made (a log-record factory, so it
holds for every logger: the application's, SQLAlchemy's, Flask-AppBuilder's, Werkzeug's and
gunicorn's access log, and for the tracebacks they carry). What goes:

* personal codes (``DDMMYY-NNNNN``, with or without the hyphen);
* the values of query parameters that carry what users typed or a secret (``q``, FAB's
  ``_flt_*`` list filters, tokens, passwords, codes, names, ``next``);
* the tokens in invitation and upload-file URLs, bearer tokens, JWTs, session cookies,
  password hashes, and the result rows SQLAlchemy logs at DEBUG (whole records).

SQLAlchemy is also told never to put statement parameters into errors or logs
(``hide_parameters``, see ``engine_options``), so a failed insert shows its SQL only; the
database's own message (PostgreSQL's ``DETAIL: Key (personal_code)=(...)``) is redacted here.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

PERSONAL_CODE = re.compile(r"(?<!\d)\d{6}-?\d{5}(?!\d)")
_SENSITIVE_PARAM = re.compile(
    r"(?i)([?&;](?:q|_flt_[^=&\s]*|[^=&\s]*(?:token|password|passwd|secret|code|name|"
    r"email|phone|address|key)[^=&\s]*|next)=)[^&\s\"']*"
)
_URL_TOKEN = re.compile(r"(/(?:invite|files)/)[^/\s?\"']+")
_BEARER = re.compile(r"(?i)(bearer\s+)[\w\-.~+/=]+")
_JWT = re.compile(r"eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*")
_COOKIE = re.compile(r"(?i)((?:session|remember_token)=)[^;\s\"']+")
_PASSWORD_HASH = re.compile(r"(?:scrypt|pbkdf2)[:$][^\s'\",)]+")

REDACTED = "[redacted]"


def redact(text: str) -> str:
    """``text`` without personal codes, typed search terms and secrets."""
    text = PERSONAL_CODE.sub(REDACTED, text)
    text = _SENSITIVE_PARAM.sub(r"\1" + REDACTED, text)
    text = _URL_TOKEN.sub(r"\1" + REDACTED, text)
    text = _BEARER.sub(r"\1" + REDACTED, text)
    text = _JWT.sub(REDACTED, text)
    text = _PASSWORD_HASH.sub(REDACTED, text)
    return _COOKIE.sub(r"\1" + REDACTED, text)


def _redacted_record(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: keep it, but never its arguments
        message = str(record.msg)
    if record.name.startswith("sqlalchemy.engine") and message.startswith("Row "):
        # Result rows (logged at DEBUG) are whole records: names, addresses, hashes.
        message = "Row " + REDACTED
    record.msg = redact(message)
    record.args = None
    if record.exc_info and not record.exc_text:
        # Formatters print exc_text when it is set: render the traceback now, redacted.
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        record.exc_info = None
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


_installed: dict[str, Callable[..., logging.LogRecord]] = {}


def install_log_redaction() -> None:
    """Redact every log record made from now on in this process (idempotent)."""
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return _redacted_record(previous(*args, **kwargs))

    _installed["previous"] = previous
    logging.setLogRecordFactory(factory)


def engine_options(options: dict[str, Any] | None) -> dict[str, Any]:
    """SQLAlchemy engine options that keep statement parameters out of errors and logs."""
    result = dict(options or {})
    result.setdefault("hide_parameters", True)
    return result
