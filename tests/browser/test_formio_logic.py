"""A FormAdmin builds a form with a JSON Logic condition and a calculated total in the builder,
publishes it, and a client fills it in with JavaScript off (the server-rendered form) and on
(the @formio/js renderer page), real Chromium throughout.

The builder is in Latvian (its own texts come from our catalogue), and it loads a definition
written elsewhere through Import; a JavaScript calculation is refused on saving with the way
to write it as JSON Logic, in Latvian. The JSON Logic version is saved and published.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from portal.models import Submission
from portal.services.access import Role
from portal.services.intake import forms
from tests.browser.conftest import portal_login
from tests.integration.submission_data import SubmissionData, submission_data

TOTAL = {"+": [{"var": "data.hours_a"}, {"var": "data.hours_b"}]}


def definition(calculate: Any) -> dict[str, Any]:
    return {"display": "form", "components": [
        {"type": "number", "key": "hours_a", "label": "Stundas pirmdienā", "input": True,
         "validate": {"required": True, "min": 0}},
        {"type": "number", "key": "hours_b", "label": "Stundas otrdienā", "input": True},
        {"type": "number", "key": "total", "label": "Kopā", "input": True,
         "calculateValue": calculate},
        {"type": "textarea", "key": "reason", "label": "Kāpēc vairāk par 10 stundām",
         "input": True, "validate": {"required": True},
         "conditional": {"json": {">": [{"var": "data.total"}, 10]}}},
        {"type": "button", "key": "submit", "label": "Iesniegt", "action": "submit",
         "input": True},
    ]}


@pytest.fixture()
def form_key(app: Flask, unique: str) -> str:
    key = f"logic{unique}"
    with app.app_context():
        from portal.extensions import db

        forms.create_form(db.session, key, "Stundu aprēķins", "Hours sum", "client", None)
        db.session.commit()
    return key


def _import(page: Any, data: dict[str, Any]) -> None:
    page.set_input_files("#import-file", files=[{
        "name": "form.json", "mimeType": "application/json",
        "buffer": json.dumps(data).encode()}])
    page.wait_for_selector("#status:not(.d-none)")


def _stored(app: Flask, key: str) -> list[dict[str, Any]]:
    from portal.extensions import db

    with app.app_context():
        version = forms.published(db.session, key)[1]
        rows = [s.data for s in db.session.scalars(
            select(Submission).where(Submission.version_id == version.id)
            .order_by(Submission.id))]
        db.session.remove()
    return rows


def test_form_admin_builds_logic_and_a_client_fills_it_with_and_without_javascript(
    app: Flask, browser_page: Any, open_page: Any, form_key: str,
    external_requests: list[str], console_errors: list[str],
) -> None:
    sd: SubmissionData = submission_data(app)
    page = browser_page
    portal_login(page, Role.FORM_ADMIN)
    page.goto(f"/formadmin/form/{form_key}/builder")
    page.wait_for_selector("body[data-builder-ready=true]")
    # The builder speaks Latvian: its palette and the note on JSON Logic.
    assert "Teksta lauks" in page.inner_text("#builder")
    assert "JSON Logic" in page.inner_text("#logic-note")

    # JavaScript is refused on saving, in Latvian, with the way to write it as JSON Logic.
    _import(page, definition("value = data.hours_a + data.hours_b;"))
    page.click("#save")
    page.locator("#problems").wait_for(state="visible")
    refusal = page.inner_text("#problems-list li[data-component=total]")
    assert "JSON Logic" in refusal and "Aprēķinātā vērtība" in refusal, refusal

    # The JSON Logic form: the preview calculates, then it is saved and published.
    _import(page, definition(TOTAL))
    page.click("#tab-preview")
    page.fill("#preview [name='data[hours_a]']", "6")
    page.fill("#preview [name='data[hours_b]']", "7")
    page.wait_for_function(
        "() => document.querySelector(\"#preview [name='data[total]']\").value === '13'")
    page.click("#tab-fields")
    page.click("#publish")
    page.wait_for_selector("#status[data-published='true']")

    # --- a client without JavaScript -------------------------------------------------------
    nojs = open_page(js=False)
    portal_login(nojs, sd.client_user, portal=True)
    nojs.goto(f"/portal/forms/{form_key}")
    nojs.fill("#f-hours_a", "8")
    nojs.fill("#f-hours_b", "4,5")
    nojs.click("button.primary[name='plus.submit']")
    # Refused: the total (12.5) is over 10, so the reason is required; the total is shown.
    assert nojs.locator("#f-reason-error").count() == 1
    assert nojs.input_value("#f-total") == "12,5"
    assert nojs.get_attribute("#f-total", "readonly") is not None
    nojs.fill("#f-reason", "Darbs bija jāpabeidz.")
    nojs.click("button.primary[name='plus.submit']")
    nojs.wait_for_url("**/portal/submissions/*")
    assert _stored(app, form_key)[-1] == {"hours_a": 8, "hours_b": 4.5, "total": 12.5,
                                          "reason": "Darbs bija jāpabeidz."}

    # --- a client with JavaScript: the @formio/js renderer page --------------------------------
    js = open_page()
    portal_login(js, sd.client_user, portal=True)
    js.goto(f"/portal/forms/{form_key}/js")
    js.wait_for_selector("body[data-form-ready=true]")
    js.fill("#formio [name='data[hours_a]']", "3")
    js.fill("#formio [name='data[hours_b]']", "2")
    js.wait_for_function(
        "() => document.querySelector(\"#formio [name='data[total]']\").value === '5'")
    with js.expect_response(lambda r: "/submissions" in r.url and r.request.method == "POST"
                            ) as info:
        js.click("#formio button[name='data[submit]']")
    assert info.value.status == 201, info.value.text()
    assert _stored(app, form_key)[-1] == {"hours_a": 3, "hours_b": 2, "total": 5}

    assert external_requests == []
    # The two refusals above (the builder's save, the form's submit) answer 422 on purpose.
    assert not [e for e in console_errors if "Failed to load resource" in e and "422" not in e
                ], console_errors
