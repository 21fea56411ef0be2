"""Files in the official @formio/js renderer: uploaded ahead, then named by the submission.

A client opens ``/portal/forms/message_to_officer/js`` (real Chromium, CSRF on), chooses a
PDF for "Pielikumi": the renderer uploads it to ``POST /api/v1/forms/<key>/files`` (Form.io
``url`` storage, with the CSRF header) and lists it; submitting stores the submission with the
PDF as its attachment. A file the server refuses shows the server's message in the file list,
and nothing is stored for it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from portal.models import PendingUpload, Submission
from tests.browser.conftest import portal_login
from tests.integration.submission_data import SubmissionData, submission_data

FORM = "message_to_officer"
SUBMIT_URL = f"/api/v1/forms/{FORM}/submissions"
UPLOAD_PATH = f"/api/v1/forms/{FORM}/files"
PDF = b"%PDF-1.4\n%browser upload\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _pending_count(app: Flask) -> int:
    from portal.extensions import db

    with app.app_context():
        n = db.session.execute(select(func.count()).select_from(PendingUpload)).scalar_one()
        db.session.remove()
    return n


def _stored_files(app: Flask) -> set[str]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def _choose(page: Any, name: str, content: bytes, mime: str) -> Any:
    """Choose a file in the attachments component; return the upload response."""
    with page.expect_response(lambda r: UPLOAD_PATH in r.url and r.request.method == "POST") \
            as info:
        with page.expect_file_chooser() as chooser:
            page.click("#formio .formio-component-attachments a.browse")
        chooser.value.set_files(files=[{"name": name, "mimeType": mime, "buffer": content}])
    return info.value


def test_a_client_attaches_a_pdf_in_the_renderer(
    app: Flask, browser_page: Any, external_requests: list[str], console_errors: list[str]
) -> None:
    sd: SubmissionData = submission_data(app)
    page = browser_page
    portal_login(page, sd.client_user, portal=True)
    page.goto(f"/portal/forms/{FORM}/js")
    page.wait_for_selector("body[data-form-ready=true]")

    # --- a file the server refuses: its message is shown, nothing is kept ---------------------
    pending, files = _pending_count(app), _stored_files(app)
    refused = _choose(page, "viltots.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf")
    assert refused.status == 422, refused.text()
    page.wait_for_selector("#formio .formio-component-attachments "
                           ":text('Datnes saturs neatbilst tās veidam.')")
    assert (_pending_count(app), _stored_files(app)) == (pending, files)
    # Form.io logs the refused request and its body; nothing else may have gone wrong.
    assert not [e for e in console_errors if "422" not in e and "neatbilst" not in e], \
        console_errors
    console_errors.clear()

    # --- a PDF: uploaded as soon as it is chosen, listed, sent with the form -----------------
    page.reload()
    page.wait_for_selector("body[data-form-ready=true]")
    page.fill("#formio [name='data[subject]']", "Izziņa no ārsta")
    page.fill("#formio [name='data[message]']", "Pielikumā izziņa par slimību.")
    uploaded = _choose(page, "izzina.pdf", PDF, "application/pdf")
    assert uploaded.status == 201, uploaded.text()
    assert _pending_count(app) == pending + 1
    page.wait_for_selector("#formio .formio-component-attachments :text('izzina.pdf')")

    with page.expect_response(lambda r: r.url.endswith(SUBMIT_URL)) as info:
        page.click("#formio button[name='data[submit]']")
    response = info.value
    assert response.status == 201, response.text()
    page.wait_for_selector("#verdict[data-status='201']")
    assert _pending_count(app) == pending  # consumed by the submission

    from portal.extensions import db

    with app.app_context():
        stored = db.session.get(Submission, response.json()["id"])
        assert stored is not None and stored.submitted_by_id == sd.client_user_id
        (attachment,) = stored.attachments
        assert (attachment.component_key, attachment.filename, attachment.content_type,
                attachment.size_bytes) == ("attachments", "izzina.pdf", "application/pdf",
                                           len(PDF))
        assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
        assert Path(app.config["UPLOAD_FOLDER"], attachment.storage_key).read_bytes() == PDF
        assert stored.data["attachments"] == [{
            "name": "izzina.pdf", "originalName": "izzina.pdf", "size": len(PDF),
            "type": "application/pdf", "storage": "portal"}]
        db.session.remove()

    assert external_requests == []
    assert console_errors == []
