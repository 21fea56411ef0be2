"""Security headers on every response: CSP, framing, HSTS, MIME sniffing, referrer.

The Content-Security-Policy allows scripts only from PLUS itself and inline scripts that carry
the response's nonce: Flask-AppBuilder's templates already print ``csp_nonce()`` when it is
defined, and ours do the same. ``@formio/js`` (portal forms and the form builder) is served
from ``/static/vendor`` and evaluates the forms' conditions with ``new Function``, hence
``'unsafe-eval'`` in the default policy; styles may be inline (Form.io and Bootstrap set them
from script). The policy text lives in ``config.py`` (``CONTENT_SECURITY_POLICY``).
"""

from __future__ import annotations

import re
import secrets

from flask import Flask, Response, current_app, g

__all__ = ["allow_form_action", "csp_nonce", "install"]


def csp_nonce() -> str:
    """The nonce of this response's inline scripts (made on first use)."""
    nonce = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(18)
    return nonce


def allow_form_action(origin: str) -> None:
    """Let this response's forms lead to ``origin`` as well as to PLUS itself.

    The national login's form posts to PLUS, which redirects the browser to the IdP; browsers
    check ``form-action`` on that redirect too, so the page that holds the form names the IdP.
    """
    g.setdefault("csp_form_action", set()).add(origin)


def _add_headers(response: Response) -> Response:
    config = current_app.config
    headers = response.headers
    policy = config.get("CONTENT_SECURITY_POLICY")
    if policy:
        policy = policy.replace("{nonce}", csp_nonce())
        extra = g.get("csp_form_action")
        if extra:
            policy = re.sub(r"form-action ([^;]*)",
                            lambda m: "form-action " + " ".join([m.group(1), *sorted(extra)]),
                            policy)
        headers.setdefault("Content-Security-Policy", policy)
    # frame-ancestors in the CSP is the modern form; X-Frame-Options covers older browsers.
    headers.setdefault("X-Frame-Options", "DENY")
    # Uploaded files and downloads are served with the type PLUS checked, never sniffed.
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", config.get("REFERRER_POLICY", "same-origin"))
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if config.get("PLUS_ENV") == "production" and config.get("HSTS_SECONDS"):
        headers.setdefault("Strict-Transport-Security",
                           f"max-age={int(config['HSTS_SECONDS'])}; includeSubDomains")
    return response


def install(app: Flask) -> None:
    """Add the headers to every response of ``app`` and offer ``csp_nonce()`` to templates."""
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(_add_headers)
