"""The officer screens' page frame: FAB's stylesheets and scripts, built once per app.

Flask-AppBuilder's ``init.html`` resolves 23 static URLs with ``url_for`` on every request;
they never change while the process runs (only with the WSGI script root, which is part of
the key), so ``plus/layout.html`` prints them from here. The CSP nonce differs per response,
so the cached HTML holds a marker that each request replaces with its own nonce.

The lists follow ``flask_appbuilder/templates/appbuilder/init.html`` of the pinned FAB
version; ``tests/integration/test_permission_memo.py`` compares the two, so an upgrade that
adds or drops a file fails there instead of silently losing a stylesheet.
"""

from __future__ import annotations

from flask import Flask, request, url_for
from markupsafe import Markup, escape

from portal.security.headers import csp_nonce

#: FAB's stylesheets, in its order (``{theme}`` stands for the app theme, when one is set)
FAB_CSS: tuple[str, ...] = (
    "css/bootstrap.min.css",
    "css/fontawesome/fontawesome.min.css",
    "css/fontawesome/regular.min.css",
    "css/fontawesome/solid.min.css",
    "css/fontawesome/brands.min.css",
    "css/fontawesome/v4-shims.min.css",
    "{theme}",
    "css/bootstrap-datepicker/bootstrap-datepicker3.min.css",
    "css/select2/select2.min.css",
    "css/select2/select2-bootstrap.min.css",
    "css/flags/flags16.css",
    "css/ab.css",
)
#: FAB's scripts in the head and at the end of the body
FAB_HEAD_JS: tuple[str, ...] = ("js/jquery-latest.js", "js/ab_filters.js", "js/ab_actions.js")
FAB_TAIL_JS: tuple[str, ...] = (
    "js/bootstrap.min.js",
    "js/bootstrap-datepicker/bootstrap-datepicker.min.js",
    "js/select2/select2.min.js",
    "js/ab.js",
)
# Not a valid nonce character, so it cannot occur in a URL or a real nonce.
_NONCE = "\x00nonce\x00"


def _build(theme: str | None) -> dict[str, str]:
    def static(filename: str) -> str:
        return str(escape(url_for("appbuilder.static", filename=filename)))

    css = [f'<link href="{static("css/themes/" + theme if f == "{theme}" else f)}" '
           'rel="stylesheet">' for f in FAB_CSS if f != "{theme}" or theme]
    css.append(f'<link href="{escape(url_for("static", filename="plus.css"))}" rel="stylesheet">')

    def scripts(files: tuple[str, ...]) -> str:
        return "\n".join(f'<script src="{static(f)}" nonce="{_NONCE}"></script>' for f in files)

    return {"css": "\n".join(css), "head_js": scripts(FAB_HEAD_JS),
            "tail_js": scripts(FAB_TAIL_JS)}


def install(app: Flask, theme: str | None) -> None:
    """Offer ``plus_frame(part)`` to templates: ``css``, ``head_js`` or ``tail_js``."""
    memo: dict[str, dict[str, str]] = {}

    def plus_frame(part: str) -> Markup:
        root = request.script_root
        parts = memo.get(root)
        if parts is None:
            parts = memo[root] = _build(theme)
        # Markup: built above from escaped URLs and a nonce of URL-safe characters.
        return Markup(parts[part].replace(_NONCE, csp_nonce()))  # nosec B704

    app.jinja_env.globals["plus_frame"] = plus_frame
