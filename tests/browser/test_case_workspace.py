"""In Chromium, with CSRF on: an officer works a supervision case from its page alone. They add
a meeting, a violation and a document, each form naming the case and its client and returning
to the case page at its section; the sections' counts and the change history follow. The
meeting form's case picker searches as the officer types. Screenshots at 1366 and 768 px."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from portal.services.access import Role
from tests.browser.conftest import portal_login
from tests.integration.test_case_workspace import _supervision_case

#: where the screenshots go (PLUS_SCREENSHOTS to keep them; a temporary folder otherwise)
SHOTS = os.environ.get("PLUS_SCREENSHOTS")


def _count(page: Any, section: str) -> str:
    return page.locator(f"#{section} > summary .badge").inner_text()


def _type_date(page: Any, name: str, iso: str) -> None:
    # Set as the field's own date picker would; typing races the picker's reformatting.
    page.eval_on_selector(f'input[name="{name}"]', "(e, v) => { e.value = v; }", iso)


def _no_horizontal_scroll(page: Any) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


def test_officer_works_a_supervision_case_from_its_page(
    app: Flask, base: Any, open_page: Any, console_errors: list[str], tmp_path: Path,
    unique: str,
) -> None:
    shots = Path(SHOTS) if SHOTS else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    case_id = _supervision_case(app, base, unique)
    client_name = f"Anna Ozola{unique}"
    page = open_page(viewport={"width": 1366, "height": 900})
    portal_login(page, Role.OFFICER)
    page.goto(f"/caseview/show/{case_id}")
    assert client_name in page.inner_text("h1")
    assert _count(page, "case-meetings") == "0"
    assert _count(page, "case-violations") == "0"
    history_before = int(_count(page, "case-history"))

    # A meeting: the form names the case and the client, and has no case to choose.
    with page.expect_navigation():
        page.click('#case-add a[data-kind="meeting"]')
    assert client_name in page.inner_text("body")
    assert page.locator('select[name="case"]').count() == 0
    page.fill('input[name="scheduled_at"]', "2026-03-12T10:00")
    page.fill('input[name="place"]', "VPD Rīgas nodaļa")
    page.fill('textarea[name="notes"]', "Klients ieradās laikā. " * 20)
    with page.expect_navigation():
        page.click('#model_form button[type="submit"]')
    assert page.url.endswith(f"/caseview/show/{case_id}#case-meetings")
    assert _count(page, "case-meetings") == "1"
    # Long notes are cut, with "rādīt visu".
    assert page.locator("#case-meetings .plus-show-all").first.inner_text() == "rādīt visu"

    # A violation.
    with page.expect_navigation():
        page.click('#case-add a[data-kind="violation"]')
    _type_date(page, "violation_date", "2026-03-14")
    page.fill('textarea[name="description"]', "Neieradās uz tikšanos")
    with page.expect_navigation():
        page.click('#model_form button[type="submit"]')
    assert page.url.endswith("#case-violations")
    assert _count(page, "case-violations") == "1"

    # A document.
    with page.expect_navigation():
        page.click('#case-add a[data-kind="document"]')
    assert page.locator('select[name="case"]').count() == 0
    page.fill('input[name="title"]', "Paskaidrojums")
    page.set_input_files('input[name="file"]', files=[{
        "name": "paskaidrojums.pdf", "mimeType": "application/pdf",
        "buffer": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    }])
    with page.expect_navigation():
        page.click('#model_form button[type="submit"]')
    assert page.url.endswith("#case-documents")
    assert _count(page, "case-documents") == "1"
    assert page.locator("#case-document-list").get_by_text("Paskaidrojums").count()

    # The history grew by three entries, in words; it is folded until opened.
    assert int(_count(page, "case-history")) == history_before + 3
    assert not page.locator("#case-history").evaluate("d => d.open")
    page.click("#case-history > summary")
    history = page.inner_text("#case-history-list")
    assert "Pievienots: Tikšanās 12.03.2026 10:00" in history
    assert "Pievienots: Pārkāpums 14.03.2026" in history
    assert "Pievienots: Dokuments" in history
    assert "ekrāns" in history
    for raw in ("None", "create", "Meeting", "Violation", "case_id", "{'"):
        assert raw not in history, raw
    page.screenshot(path=str(shots / "case-page-1366.png"), full_page=True)
    assert _no_horizontal_scroll(page)

    tablet = open_page(viewport={"width": 768, "height": 1024})
    portal_login(tablet, Role.OFFICER)
    tablet.goto(f"/caseview/show/{case_id}#case-violations")
    assert _count(tablet, "case-violations") == "1"
    tablet.screenshot(path=str(shots / "case-page-768.png"), full_page=True)
    tablet.goto(f"/meetingview/add?case_id={case_id}")
    tablet.screenshot(path=str(shots / "meeting-form-768.png"), full_page=True)

    # Without the case page, the meeting form's case picker starts empty and searches.
    page.goto("/meetingview/add")
    picker = page.locator('select[name="case"]')
    assert picker.input_value() == ""
    page.click('select[name="case"] + .select2 .select2-selection')
    page.fill(".select2-search__field", f"Ozola{unique}")
    option = page.locator(".select2-results__option", has_text=client_name)
    option.wait_for()
    assert "Probācijas uzraudzība" in option.inner_text()
    page.screenshot(path=str(shots / "meeting-picker-1366.png"), full_page=True)
    option.click()
    assert picker.input_value() == str(case_id)
    assert console_errors == []
