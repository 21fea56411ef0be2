"""The official @formio/js renderer posts to the submission API and gets the server's verdict.

A client opens ``/portal/forms/<key>/js`` (real Chromium), fills the form in the renderer and
submits: the API answers 201 and the submission is stored. Then data the renderer would have
refused is forced into the form (``form.submission = ...``) and posted exactly as the page
posts it: the API answers 422 with errors for that field, nothing is stored, and the verdict
is the one ``portal.formsengine.validate_submission`` gives for the same data.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import func, select

from portal import formsengine as fe
from portal.models import PlusUser, Submission
from portal.services.intake import forms
from portal.services.partners import portal_scope
from tests.browser.conftest import portal_login
from tests.integration.submission_data import SubmissionData, submission_data

FORM = "message_to_officer"
SUBMIT_URL = f"/api/v1/forms/{FORM}/submissions"


def _count(app: Flask) -> int:
    from portal.extensions import db

    with app.app_context():
        n = db.session.execute(select(func.count()).select_from(Submission)).scalar_one()
        db.session.remove()
    return n


def _engine_verdict(app: Flask, username: str, data: dict[str, Any]) -> fe.ValidationResult:
    """What the server-side engine says of ``data`` for this user (same options as the API)."""
    from portal.extensions import db

    with app.app_context():
        user = db.session.execute(
            select(PlusUser).where(PlusUser.username == username)
        ).scalar_one()
        found = forms.published(db.session, FORM)
        assert found is not None
        defn = forms.parsed(found[1])
        options = portal_scope.options_for(db.session, user, defn)
        result = fe.validate_submission(defn, data, "lv", options=options)
        db.session.remove()
    return result


def _force_and_submit(page: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Put ``data`` into the rendered form and post ``form.submission.data`` as the page does."""
    return page.evaluate(
        """async (data) => {
            const form = window.plusForm;
            form.submission = { data: data };
            await new Promise((resolve) => setTimeout(resolve, 50));
            const posted = JSON.parse(JSON.stringify(form.submission.data));
            const r = await window.plusSubmit(posted);
            return { status: r.status, body: r.body, posted: posted };
        }""",
        data,
    )


def test_the_renderer_gets_the_servers_verdict(
    app: Flask, browser_page: Any, external_requests: list[str], console_errors: list[str]
) -> None:
    sd: SubmissionData = submission_data(app)
    page = browser_page
    portal_login(page, sd.client_user, portal=True)
    page.goto(f"/portal/forms/{FORM}/js")
    page.wait_for_selector("body[data-form-ready=true]")

    # --- valid: typed into the renderer, sent with its own submit button ---------------------
    before = _count(app)
    page.fill("#formio [name='data[subject]']", "Par tikšanos")
    page.fill("#formio [name='data[message]']", "Lūdzu pārcelt tikšanos uz nākamo nedēļu.")
    with page.expect_response(lambda r: r.url.endswith(SUBMIT_URL)) as info:
        page.click("#formio button[name='data[submit]']")
    response = info.value
    assert response.status == 201, response.text()
    body = response.json()
    page.wait_for_selector("#verdict[data-status='201']")
    assert _count(app) == before + 1

    from portal.extensions import db

    with app.app_context():
        stored = db.session.get(Submission, body["id"])
        assert stored is not None
        assert stored.submitted_by_id == sd.client_user_id
        assert stored.data["subject"] == "Par tikšanos"
        db.session.remove()

    # --- invalid: values the renderer would refuse, forced in and posted as it posts ---------
    page.reload()
    page.wait_for_selector("body[data-form-ready=true]")
    cases = [
        ({"subject": "x" * 201, "message": "Teksts."}, "subject"),  # maxLength 200
        ({"subject": "Temats", "message": ""}, "message"),  # required
    ]
    for data, field in cases:
        before = _count(app)
        result = _force_and_submit(page, data)
        assert result["status"] == 422, result
        errors = result["body"]["errors"]
        assert field in errors and errors[field], errors
        page.wait_for_selector(f"#verdict[data-status='422'] li[data-field='{field}']")
        assert _count(app) == before  # nothing stored
        engine = _engine_verdict(app, sd.client_user, result["posted"])
        assert not engine.ok
        assert set(engine.errors) == set(errors), (engine.errors, errors)

    # The valid data passes the engine too: the same verdict both ways.
    assert _engine_verdict(app, sd.client_user, {"subject": "Temats", "message": "Teksts."}).ok

    assert external_requests == []
    assert not [e for e in console_errors if "422" not in e], console_errors
