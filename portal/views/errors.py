"""Friendly error pages (400, 403, 404, 405, 413, 500) in the user's language.

Screens get a page inside the usual layout; when that layout cannot be drawn (for example
because the database is what failed) a plain page is shown instead. API paths get JSON, so
clients of the REST API never have to parse HTML.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import (
    Flask,
    abort,
    current_app,
    jsonify,
    make_response,
    render_template,
    request,
)
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

#: status code -> (title, explanation); lazy so each page is in the reader's language.
MESSAGES: dict[int, tuple[Any, Any]] = {
    400: (_l("The request could not be understood."),
          _l("Go back, check what you entered and try again.")),
    403: (_l("You may not do this."),
          _l("If you think you should be able to, ask your unit manager.")),
    404: (_l("The page you asked for does not exist."),
          _l("It may have been removed, or the link may be wrong.")),
    405: (_l("The request could not be understood."),
          _l("Go back, check what you entered and try again.")),
    413: (_l("The file is too large to upload."),
          _l("Files up to %(mb)s MB are accepted. Nothing was saved.")),
    429: (_l("Too many failed login attempts."),
          _l("To protect the account, logging in is paused. Try again in %(minutes)s minutes.")),
    500: (_l("Something went wrong on our side."),
          _l("The error has been recorded. Try again; if it happens again, tell the helpdesk.")),
}


def _texts(code: int) -> tuple[str, str]:
    title, detail = MESSAGES[code]
    if code == 413:
        limit = current_app.config.get("MAX_UPLOAD_BYTES", 0)
        detail = _l(
            "Files up to %(mb)s MB are accepted. Nothing was saved.",
            mb=round(limit / 1024 / 1024, 1),
        )
    return str(title), str(detail)


def throttled_message(seconds: int) -> str:
    """The message for a refused login: how many minutes to wait (at least one)."""
    return str(_l("Too many failed login attempts. To protect the account, logging in is "
                  "paused. Try again in %(minutes)s minutes.", minutes=max(1, -(-seconds // 60))))


def render_throttled(seconds: int) -> Any:
    """429 for a login refused by ``portal.security.throttle``, with Retry-After."""
    title, detail = MESSAGES[429]
    detail = _l("To protect the account, logging in is paused. Try again in %(minutes)s "
                "minutes.", minutes=max(1, -(-seconds // 60)))
    response = make_response(render_error(429, (str(title), str(detail))))
    response.headers["Retry-After"] = str(seconds)
    return response


def render_error(code: int, texts: tuple[str, str] | None = None) -> tuple[Any, int]:
    """The response for an error ``code``: JSON under /api/, otherwise an HTML page."""
    title, detail = texts or _texts(code)
    locale = get_locale()
    lang = locale.language if locale is not None else None
    if request.path.startswith("/api/"):
        return jsonify(message=title, detail=detail), code
    appbuilder = getattr(current_app, "appbuilder", None)
    try:
        if appbuilder is None:
            raise RuntimeError("no appbuilder")
        html = render_template(
            "plus/error.html", code=code, title=title, detail=detail, lang=lang, layout=True,
            appbuilder=appbuilder, base_template=appbuilder.base_template,
        )
    except Exception:  # the layout needs the database and the user; the error page must not
        log.warning("error page layout failed; showing the plain page", exc_info=True)
        html = render_template("plus/error.html", code=code, title=title, detail=detail,
                               lang=lang, layout=False)
    return html, code


def register_error_handlers(app: Flask) -> None:
    """Answer the common HTTP errors, and any unexpected exception, with a friendly page."""

    def http_error(exc: HTTPException) -> Any:
        code = exc.code if exc.code in MESSAGES else 500
        return render_error(code)

    def server_error(exc: InternalServerError) -> Any:
        # A failed flush or commit leaves the session unusable; drawing the menu needs it.
        from portal.extensions import db

        try:
            db.session.rollback()
        except Exception:  # pragma: no cover - nothing more can be done here
            log.exception("rollback after an error failed")
        return render_error(500)

    for code in (400, 403, 404, 405, 413):
        app.register_error_handler(code, http_error)
    app.register_error_handler(500, server_error)
    app.before_request(reject_bad_list_arguments)


#: FAB's list paging arguments, which it reads with a bare ``int()`` (junk would be a 500)
_LIST_NUMBER_ARG = re.compile(r"^(page|psize)_")
_SMALL_INT = re.compile(r"^[0-9]{1,9}$")


def reject_bad_list_arguments() -> None:
    """Answer 400 to a list URL whose page or page size is not a small whole number.

    A tampered or mistyped link gets the friendly "bad request" page instead of an error
    deep in FAB's list code; the views clamp the numbers that pass (``ScopedModelView``).
    """
    for name, value in request.args.items(multi=True):
        if _LIST_NUMBER_ARG.match(name) and not _SMALL_INT.match(value):
            abort(400)
