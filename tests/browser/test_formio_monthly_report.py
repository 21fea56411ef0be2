"""The volunteer's monthly report (every builder feature of issue 12) filled in the official
@formio/js renderer: editgrid rows added, saved and removed, a container, tags, multiple
values, a currency amount and the calculated total; the server stores what the renderer sent
(with the total and the unique reference it computes itself), and a refusal of the server is
shown on the page in Latvian.
"""

from __future__ import annotations

import random
import uuid
from decimal import Decimal
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from portal.models import Submission
from portal.services.intake import forms
from portal.services.partners import portal_scope
from tests.browser.conftest import portal_login
from tests.integration.submission_data import SubmissionData, submission_data

FORM = "volunteer_monthly_report"
SUBMIT_URL = f"/api/v1/forms/{FORM}/submissions"
C = "#formio .formio-component-"


def _stored(app: Flask) -> list[tuple[int, dict[str, Any]]]:
    from portal.extensions import db

    with app.app_context():
        version = forms.published(db.session, FORM)[1]
        rows = [(s.submitted_by_id, dict(s.data)) for s in db.session.scalars(
            select(Submission).where(Submission.version_id == version.id)
            .order_by(Submission.id))]
        db.session.remove()
    return rows


def _count(app: Flask) -> int:
    from portal.extensions import db

    with app.app_context():
        n = db.session.scalar(select(func.count()).select_from(Submission))
        db.session.remove()
    return int(n or 0)


def _add_tag(page: Any, n: int, topic: str) -> None:
    """Type the ``n``-th tag (from 0) into the tags field and wait until Choices.js shows it.

    Under load the renderer can redraw the field between typing and Enter (a calculated value
    or condition elsewhere changed), and the typed text goes with the old input: type it again
    into the new one. Choices.js refuses a duplicate, so a late first attempt adds nothing more.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    tags = f"{C}topics input.choices__input--cloned"
    item = page.locator(f"{C}topics .choices__list--multiple .choices__item").nth(n)
    for attempt in range(4):
        page.fill(tags, topic)
        page.press(tags, "Enter")
        try:
            item.wait_for(timeout=5_000 if attempt < 3 else 15_000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"the tag {topic!r} was not added")


def _client(app: Flask, sd: SubmissionData) -> tuple[str, str]:
    """(value, label) of the volunteer's linked client."""
    from portal.extensions import db
    from portal.models import PlusUser

    with app.app_context():
        user = db.session.get(PlusUser, sd.volunteer_user_id)
        link = next(x for x in portal_scope.linked_clients(db.session, user) if x.value)
        db.session.remove()
    return link.value, link.label


def _choose(page: Any, scope: str, text: str) -> None:
    """Pick ``text`` in a Choices.js select of the renderer, as a mouse user does."""
    page.click(f"{scope} .choices")
    page.click(f"{scope} .choices__list--dropdown .choices__item--selectable:has-text('{text}')")


def _add_row(page: Any, day: str, kind: str, hours: str, note: str) -> None:
    grid = f"{C}activities"
    page.click(f"{grid} button[ref='editgrid-activities-addRow']")
    page.wait_for_selector(f"{C}activity_date input.input")
    page.fill(f"{C}activity_date input.input", day)
    page.press(f"{C}activity_date input.input", "Tab")
    _choose(page, f"{C}activity_kind", kind)
    page.fill(f"{C}hours input", hours)
    page.fill(f"{C}description input", note)
    page.click(f"{grid} button:has-text('Saglabāt')")
    page.wait_for_selector(f"{C}activity_date input.input", state="detached")


def test_volunteer_fills_the_monthly_report_in_the_renderer(
    app: Flask, browser_page: Any, external_requests: list[str], console_errors: list[str]
) -> None:
    sd = submission_data(app)
    value, label = _client(app, sd)
    year = str(random.Random(uuid.uuid4().int).randint(2020, 2100))  # unique per client+month
    page = browser_page
    portal_login(page, sd.volunteer_user, portal=True)
    page.goto(f"/portal/forms/{FORM}/js")
    page.wait_for_selector("body[data-form-ready=true]")

    _choose(page, f"{C}client", label)
    # The container: year and month.
    page.fill(f"{C}year input", year)
    _choose(page, f"{C}month", "marts")
    # Editgrid: three rows added and saved, the middle one removed; the total follows.
    _add_row(page, "04.03.2025", "Tikšanās klātienē", "1,5", "Pārrunājām darba meklēšanu.")
    _add_row(page, "11.03.2025", "Cits", "9", "Ieraksts kļūdas pēc.")
    _add_row(page, "18.03.2025", "Pavadīšana uz iestādi", "2", "Nodarbinātības aģentūra.")
    total = f"{C}total_hours input"
    page.wait_for_function(f"() => document.querySelector(\"{total}\").value === '12,5'")
    rows = page.locator(f"{C}activities li[ref='editgrid-activities-row']")
    assert rows.count() == 3
    rows.nth(1).locator("button.removeRow").click()
    page.wait_for_function(f"() => document.querySelector(\"{total}\").value === '3,5'")
    assert rows.count() == 2
    # Selection count, tags, multiple values, currency and the condition it drives.
    page.check(f"{C}support_areas input[value=employment]")
    page.check(f"{C}support_areas input[value=documents]")
    for n, topic in enumerate(("darba meklēšana", "CV")):
        _add_tag(page, n, topic)
    page.fill(f"{C}institutions input", "Nodarbinātības valsts aģentūra")
    page.click(f"{C}institutions button:has-text('Pievienot iestādi')")
    page.locator(f"{C}institutions input").nth(1).fill("Sociālais dienests")
    page.fill(f"{C}call_minutes input", "25")
    assert page.locator(f"{C}expenses_note").is_hidden()
    page.fill(f"{C}travel_expenses input", "12,40")
    page.locator(f"{C}expenses_note input").wait_for(state="visible")
    page.fill(f"{C}expenses_note input", "Autobuss uz aģentūru un atpakaļ.")
    page.fill(f"{C}summary textarea", "Klients ieradās uz abām tikšanām un aktīvi meklē darbu.")
    reference = page.input_value(f"{C}report_reference input")
    assert reference == f"{year}-03/{value}"

    before = _count(app)
    with page.expect_response(lambda r: r.url.endswith(SUBMIT_URL)) as info:
        page.click("#formio button[name='data[submit]']")
    assert info.value.status == 201, info.value.text()
    page.wait_for_selector("#verdict[data-status='201']")
    assert _count(app) == before + 1
    by, data = _stored(app)[-1]
    assert by == sd.volunteer_user_id
    assert data["client"] == value and data["period"] == {"year": int(year), "month": "march"}
    assert [(r["hours"], r["activity_kind"]) for r in data["activities"]] == [
        (1.5, "meeting"), (2, "accompanying")]
    assert data["activities"][0]["activity_date"].startswith("2025-03-04")
    assert data["total_hours"] == 3.5 and data["report_reference"] == reference
    assert Decimal(str(data["travel_expenses"])) == Decimal("12.40")
    assert data["topics"] == ["darba meklēšana", "CV"]
    assert data["institutions"] == ["Nodarbinātības valsts aģentūra", "Sociālais dienests"]
    assert data["call_minutes"] == [25]
    assert data["support_areas"]["employment"] and not data["support_areas"]["health"]

    # The same client and month again (a fresh page, the data the renderer posted): the
    # renderer lets it through, the server refuses it beside the reference, in Latvian.
    posted = info.value.request.post_data_json["data"]
    page.reload()
    page.wait_for_selector("body[data-form-ready=true]")
    result = page.evaluate(
        """async (data) => {
            window.plusForm.submission = { data: data };
            await new Promise((resolve) => setTimeout(resolve, 50));
            const r = await window.plusSubmit(JSON.parse(JSON.stringify(window.plusForm.submission.data)));
            return { status: r.status, body: r.body };
        }""",
        posted,
    )
    assert result["status"] == 422, result
    assert set(result["body"]["errors"]) == {"report_reference"}
    message = page.locator("#verdict[data-status='422'] li[data-field='report_reference']")
    assert "Pārskats par šo klientu un mēnesi jau ir iesniegts." in message.inner_text()
    assert _count(app) == before + 1

    assert external_requests == []
    assert not [e for e in console_errors if "422" not in e], console_errors
