"""Security headers on every response, and uploads checked by content (issue 7, defect 6)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Document
from portal.services.access import Role

POLYGLOT = (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n<html><body><script>alert(document.cookie)</script>"
            b"</body></html>\n%%EOF\n")


def _csp(resp: Any) -> dict[str, str]:
    policy = resp.headers.get("Content-Security-Policy", "")
    return {part.split()[0]: part for part in (p.strip() for p in policy.split(";")) if part}


def _assert_common(resp: Any) -> None:
    assert resp.headers.get("X-Content-Type-Options") == "nosniff"
    assert resp.headers.get("X-Frame-Options") == "DENY"
    assert resp.headers.get("Referrer-Policy") == "same-origin"
    csp = _csp(resp)
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert "'unsafe-inline'" not in csp["script-src"]
    assert csp["object-src"] == "object-src 'none'"
    # Not in development or tests: HSTS only in production.
    assert "Strict-Transport-Security" not in resp.headers


@pytest.mark.parametrize("url", ["/login/", "/portal/login", "/caseview/list/",
                                 "/api/v1/case/", "/no/such/page", "/portal/"])
def test_every_response_has_the_security_headers(
    login_as: Callable[[str], FlaskClient], url: str
) -> None:
    """Defect 6: CSP, framing, nosniff and referrer policy on pages, API and errors."""
    resp = login_as(Role.OFFICER).get(url)
    _assert_common(resp)


def test_inline_scripts_carry_the_responses_nonce(login_as: Callable[[str], FlaskClient]) -> None:
    resp = login_as(Role.OFFICER).get("/caseview/list/")
    nonce = re.search(r"'nonce-([^']+)'", _csp(resp)["script-src"]).group(1)
    page = resp.get_data(as_text=True)
    scripts = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", page)
    assert scripts, "the page has inline scripts"
    assert all(f'nonce="{nonce}"' in tag for tag in scripts), scripts
    assert "javascript:" not in page


def test_downloads_are_not_sniffed(app: Flask, base: Any,
                                   login_as: Callable[[str], FlaskClient]) -> None:
    officer = login_as(Role.OFFICER)
    # The base document has no stored bytes: a download of it is a 404, not a 500.
    assert officer.get(f"/documentview/download/{base.own.document}").status_code == 404
    resp = officer.post("/documentview/add", data={
        "case": str(base.own.case), "title": "Spriedums", "shared_with_client": "y",
        "file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "spriedums.pdf"),
    }, content_type="multipart/form-data")
    assert resp.status_code == 302
    with app.app_context():
        pk = db.session.execute(select(func.max(Document.id))).scalar_one()
        db.session.remove()
    resp = officer.get(f"/documentview/download/{pk}")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    _assert_common(resp)


def test_hsts_in_production_only() -> None:
    from portal.security import headers

    probe = Flask("probe")
    probe.config.update(PLUS_ENV="production", HSTS_SECONDS=31536000,
                        CONTENT_SECURITY_POLICY="default-src 'self'")
    headers.install(probe)
    probe.add_url_rule("/", "index", lambda: "ok")
    resp = probe.test_client().get("/")
    assert resp.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    probe.config["PLUS_ENV"] = "development"
    assert "Strict-Transport-Security" not in probe.test_client().get("/").headers


def test_pdf_carrying_html_is_refused(app: Flask, base: Any,
                                      login_as: Callable[[str], FlaskClient]) -> None:
    """Defect 6 (uploads): %PDF- at the start does not make HTML a PDF."""
    def count() -> int:
        with app.app_context():
            n = db.session.execute(select(func.count()).select_from(Document)).scalar_one()
            db.session.remove()
        return n

    officer = login_as(Role.OFFICER)
    before = count()
    resp = officer.post("/documentview/add?_l_=en", data={
        "case": str(base.own.case), "title": "Spriedums", "shared_with_client": "y",
        "file": (io.BytesIO(POLYGLOT), "spriedums.pdf"),
    }, content_type="multipart/form-data")
    assert resp.status_code == 200
    assert "content does not match its type" in resp.get_data(as_text=True)
    assert count() == before


@pytest.mark.parametrize(("name", "content", "bad"), [
    ("a.pdf", POLYGLOT, True),
    ("a.pdf", b"%PDF-1.4\n" + b"x" * 300_000 + b"<SCRIPT src=//evil>", True),
    ("a.png", b"\x89PNG\r\n\x1a\n" + b"<svg onload=alert(1)>", True),
    ("a.txt", b"Labdien!\n<iframe src=//evil></iframe>", True),
    ("a.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", False),
    ("a.txt", b"Stundas: 4 < 5, un 6 > 3.\n", False),
], ids=["polyglot", "script-late", "svg-in-png", "iframe-in-txt", "plain-pdf", "plain-txt"])
def test_upload_content_check(app: Flask, name: str, content: bytes, bad: bool) -> None:
    from portal.services.casework import documents
    from portal.services.errors import ValidationFailed

    with app.test_request_context():
        stream = io.BytesIO(content)
        if bad:
            with pytest.raises(ValidationFailed):
                documents.check_upload(name, content[:16], len(content), stream)
        else:
            documents.check_upload(name, content[:16], len(content), stream)
        assert stream.tell() == 0
