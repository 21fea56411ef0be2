"""In Chromium, with CSRF on: an officer opens "Sagatavot dokumentu" on a case page, clicks a
document, gets back to the case page with the new document listed, and opens the PDF."""

from __future__ import annotations

from typing import Any

from flask import Flask

from portal.models import CaseFunction
from portal.services.access import Role
from tests.browser.conftest import portal_login
from tests.integration.test_paperwork import _new_case
from tests.pdfcheck import text_of


def test_officer_prepares_a_referral_and_opens_it(
    app: Flask, base: Any, open_page: Any, console_errors: list[str]
) -> None:
    from portal.extensions import db
    from portal.services import setup

    with app.app_context():
        setup.ensure_document_templates(db.session)
    case_id = _new_case(app, base, CaseFunction.COMMUNITY_WORK, given="Mārtiņš",
                        surname="Ūdris-Ķēniņš")
    page = open_page(viewport={"width": 768, "height": 1000})
    portal_login(page, Role.OFFICER)
    page.goto(f"/caseview/show/{case_id}")
    page.get_by_role("button", name="Sagatavot dokumentu").click()
    menu = page.locator("#prepare-document .dropdown-menu")
    assert menu.is_visible()
    # Only the community-work documents are offered.
    assert menu.locator("button").all_inner_texts() == [
        "Norīkojums darba devējam", "Darba grafiks", "Kontroles akts",
        "Paziņojums tiesai vai prokuratūrai par izpildi",
    ]
    with page.expect_navigation():
        menu.get_by_role("button", name="Norīkojums darba devējam").click()
    assert page.url.endswith("#case-documents")
    assert "Dokuments sagatavots un pievienots lietai" in page.inner_text(".alert-success")
    assert page.locator("#case-document-list").get_by_text("Norīkojums darba devējam").count()
    with page.expect_download() as download:
        page.click("#generated-document")
    pdf = download.value.path().read_bytes()
    assert "Mārtiņš Ūdris-Ķēniņš" in text_of(pdf)
    assert console_errors == []
