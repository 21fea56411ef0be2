"""The log redaction: what goes and what stays."""

from __future__ import annotations

import logging

import pytest

from portal.services.privacy.redaction import install_log_redaction, redact


@pytest.mark.parametrize(("raw", "gone"), [
    ('GET /search/?q=170590-12345 HTTP/1.1" 200', "170590-12345"),
    ("GET /search/?q=17059012345&page=2", "17059012345"),
    ("GET /search/?q=B%C4%93rzi%C5%86%C5%A1 HTTP/1.1", "B%C4%93rzi"),
    ("GET /clientview/list/?_flt_0_surname=Liepa HTTP/1.1", "Liepa"),
    ("GET /portal/invite/KdzDH8of9yKU02OxMBkaZ-Keha HTTP/1.1", "KdzDH8of9yKU02OxMBkaZ"),
    ("DELETE /api/v1/forms/no_show/files/abcDEF123_-xyz", "abcDEF123_-xyz"),
    ("Authorization: Bearer abc.def.ghi", "abc.def.ghi"),
    ("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig", "eyJhbGciOiJIUzI1NiJ9"),
    ("Cookie: session=.eJwlzjkOwjAQAMC; other=1", ".eJwlzjkOwjAQAMC"),
    ("DETAIL:  Key (personal_code)=(170590-12345) already exists.", "170590-12345"),
    ("('t_officer', 'scrypt:32768:8:1$0plF$3665')", "scrypt:32768"),
])
def test_redacted(raw: str, gone: str) -> None:
    assert gone not in redact(raw)
    assert "[redacted]" in redact(raw)


@pytest.mark.parametrize("kept", [
    "GET /caseview/show/12 HTTP/1.1\" 200 5120",
    "GET /clientview/list/?page_ClientView=3 HTTP/1.1",
    "case PL-2026-000123 opened",
])
def test_kept(kept: str) -> None:
    assert redact(kept) == kept


def test_every_record_is_redacted_with_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    install_log_redaction()
    log = logging.getLogger("plus.test.redaction")
    with caplog.at_level(logging.INFO, logger="plus.test.redaction"):
        log.info("search %s", "170590-12345")
        try:
            raise ValueError("Key (personal_code)=(170590-12345)")
        except ValueError:
            log.exception("failed")
    text = "\n".join(caplog.text.splitlines())
    assert "170590-12345" not in text
    assert "ValueError" in text and "[redacted]" in text
