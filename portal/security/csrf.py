"""CSRF for the REST API.

FAB's BaseApi is CSRF-exempt, which is right for token (JWT) clients but leaves a browser
session open to cross-site writes. Any unsafe API request authenticated by the session
cookie must therefore carry a valid CSRF token (header ``X-CSRFToken``), decided by how the
request is authenticated, not by which headers it carries.
"""

from __future__ import annotations

from flask import Flask, abort, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf

_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# Only these: the rest of /api/v1/security/ (FAB's user and role APIs, when enabled) changes
# accounts and needs the token like any other write.
_TOKEN_ENDPOINTS = {"/api/v1/security/login", "/api/v1/security/refresh"}


def protect_api_cookie_writes(app: Flask) -> None:
    """Require a CSRF token on cookie-authenticated unsafe API requests."""

    @app.before_request
    def _check_api_csrf() -> None:
        if request.method not in _UNSAFE or not request.path.startswith("/api/"):
            return
        if not app.config.get("WTF_CSRF_ENABLED", True):
            return
        if not current_user.is_authenticated:
            # No session user: a bearer-token client (FAB checks the token itself) or an
            # anonymous request; neither is exposed to cross-site requests. Whatever an
            # Authorization header says, a request the session cookie authenticates (FAB's
            # ``protect`` takes the cookie first) needs the token.
            return
        if request.path.rstrip("/") in _TOKEN_ENDPOINTS:
            return  # login and refresh issue tokens; they carry no session
        token = request.headers.get("X-CSRFToken") or request.headers.get(
            "X-CSRF-Token"
        )
        try:
            validate_csrf(token)
        except (CSRFError, Exception):
            abort(400, description="The CSRF token is missing or invalid.")
