"""The @formio/js renderer speaks the page's language in its own texts too.

The form's labels come translated from the server; Form.io's own texts (validation messages,
the file component's drop area and list header) come from ``portal/public/formio_i18n.py`` via
``options.i18n``. On the Latvian page a required-field message raised in the browser and the
file component of ``message_to_officer`` are Latvian; on the English page they are Form.io's
English.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.browser.conftest import portal_login
from tests.integration.submission_data import SubmissionData, submission_data

FORM = "message_to_officer"
SUBJECT = "#formio .formio-component-subject"
FILES = "#formio .formio-component-attachments"


def _required_error(page: Any) -> str:
    """Type into the required subject and clear it again: Form.io's own check complains."""
    field = page.locator(f"{SUBJECT} [name='data[subject]']")
    field.fill("x")
    field.fill("")
    field.blur()
    error = page.locator(f"{SUBJECT} .formio-errors .error")
    error.first.wait_for()
    return error.first.inner_text().strip()


def _open(page: Any) -> None:
    page.goto(f"/portal/forms/{FORM}/js")
    page.wait_for_selector("body[data-form-ready=true]")


def test_formio_texts_are_latvian_on_the_latvian_page(
    app: Flask, browser_page: Any, external_requests: list[str], console_errors: list[str]
) -> None:
    sd: SubmissionData = submission_data(app)
    page = browser_page
    portal_login(page, sd.client_user, portal=True)
    _open(page)

    assert page.inner_text(f"{FILES} a.browse").strip().startswith("Izvēlēties datnes")
    drop = page.inner_text(f"{FILES} .fileSelector")
    assert "Ievelciet datnes šeit," in drop
    assert "Drop files" not in drop and "Browse" not in drop
    assert "Datnes nosaukums" in page.inner_text(FILES)  # the file list's header

    assert _required_error(page) == "Temats ir obligāts lauks."

    assert external_requests == []
    assert console_errors == []


def test_formio_texts_are_english_on_the_english_page(
    app: Flask, browser_page: Any, external_requests: list[str], console_errors: list[str]
) -> None:
    sd: SubmissionData = submission_data(app)
    page = browser_page
    # Picked before logging in: kept for this session only, not saved on the shared test user.
    page.goto("/portal/lang/en")
    portal_login(page, sd.client_user, portal=True)
    _open(page)

    assert page.inner_text(f"{FILES} a.browse").strip().startswith("Browse Files")
    assert "Drop files to attach," in page.inner_text(f"{FILES} .fileSelector")
    assert "File Name" in page.inner_text(FILES)

    assert _required_error(page) == "Subject is required"

    assert external_requests == []
    assert console_errors == []
