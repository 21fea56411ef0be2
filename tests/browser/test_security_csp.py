"""The Content-Security-Policy in real Chromium (issue 7, defect 6): officer screens, the
Form.io builder and the portal's Form.io form run without a single CSP violation, and the
officer logs out through the navbar's POST form (defect 11).
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from portal.services.access import Role
from tests.browser.conftest import portal_login
from tests.browser.test_builder import form_key  # noqa: F401  (the fixture)
from tests.integration.submission_data import submission_data

SHOTS = "/tmp/plus-sec-shots"


def _csp_errors(errors: list[str]) -> list[str]:
    return [e for e in errors if "Content Security Policy" in e or "Refused to" in e]


def test_officer_screens_run_under_the_csp_and_logout_posts(
    open_page: Any, console_errors: list[str]
) -> None:
    import os

    os.makedirs(SHOTS, exist_ok=True)
    for width in (1366, 768):
        page = open_page(viewport={"width": width, "height": 900})
        portal_login(page, Role.OFFICER, portal=False)
        page.goto("/caseview/list/")
        if width < 1200:  # the navbar is collapsed below 1200 px (portal/static/plus.css)
            page.click(".plus-navbar .navbar-toggle")
            # Bootstrap marks the menu open ("in") when its slide ends; a tap during the
            # slide can be lost on a busy machine.
            page.wait_for_selector("#plus-navbar-collapse.in")
        logout = page.locator("form.plus-logout button")
        for _ in range(3):
            page.click("a.dropdown-toggle:has(.fa-user)")
            try:
                logout.wait_for(state="visible", timeout=3000)
                break
            except Exception:  # noqa: BLE001 - the tap was lost: tap again
                continue
        page.screenshot(path=f"{SHOTS}/navbar-{width}.png")
        with page.expect_navigation():
            page.click("form.plus-logout button")
        assert "/login" in page.url
        page.goto("/caseview/list/")
        assert "/login" in page.url  # the session ended
    assert _csp_errors(console_errors) == []


def test_builder_runs_under_the_csp(
    browser_page: Any, console_errors: list[str], form_key: str  # noqa: F811
) -> None:
    page = browser_page
    portal_login(page, Role.FORM_ADMIN, portal=False)
    page.goto(f"/formadmin/form/{form_key}/builder")
    page.wait_for_selector(".formio-builder, .formbuilder", timeout=20_000)
    page.screenshot(path=f"{SHOTS}/builder.png")
    assert _csp_errors(console_errors) == []


def test_portal_formio_form_runs_under_the_csp(
    app: Flask, browser_page: Any, console_errors: list[str]
) -> None:
    page = browser_page
    portal_login(page, submission_data(app).client_user, portal=True)
    page.goto("/portal/forms/message_to_officer/js")
    page.wait_for_selector("body[data-form-ready=true]")
    assert _csp_errors(console_errors) == []
