"""A bulk registry query in Chromium: started from its form, the progress page follows the
background work by itself (a script under the CSP) and lists the answers; an answer is
compared with the client's record and a chosen part saved (issue 8)."""

from __future__ import annotations

import os
from typing import Any

import pytest
from flask import Flask

from portal.services.exchanges import bulk
from tests.browser.conftest import portal_login
from tests.integration.exchange_fixtures import registries, registry_sims  # noqa: F401
from tests.integration.test_registry_answers import _drain, _unit_with_clients

SHOTS = "/tmp/plus-registry-shots"


def test_bulk_progress_follows_the_work_and_an_answer_is_saved(
    app: Flask, open_page: Any, console_errors: list[str], registries: Any,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    world = _unit_with_clients(app, app.config["BASE_DATA"], 4)
    registries["vid"].set(unknown_codes={world["codes"][world["clients"][1]]})
    monkeypatch.setattr(bulk, "_hand_over", lambda _bulk_id: None)  # the worker is busy

    page = open_page(viewport={"width": 1366, "height": 900})
    portal_login(page, world["manager"], portal=False)
    page.goto("/registry/bulk/")
    page.select_option("#registry", "vid")
    page.select_option("#purpose", "supervision")
    page.screenshot(path=f"{SHOTS}/bulk-new-1366.png", full_page=True)
    with page.expect_navigation():
        page.click("#bulk-form button[type=submit]")
    assert page.inner_text("#bulk-percent") == "0"
    page.screenshot(path=f"{SHOTS}/bulk-running-1366.png", full_page=True)
    bulk_id = int(page.url.rstrip("/").rsplit("/", 1)[1])

    _drain(app, bulk_id)  # the worker gets to it; the page notices without a click
    page.wait_for_function(
        "(document.getElementById('bulk-state') || {textContent: ''})"
        ".textContent.indexOf('Pabeigts') >= 0",
        timeout=15_000)
    assert page.inner_text("#bulk-percent") == "100"
    assert page.inner_text("#bulk-unknown") == "1"
    page.screenshot(path=f"{SHOTS}/bulk-done-1366.png", full_page=True)
    narrow = open_page(viewport={"width": 768, "height": 900})
    portal_login(narrow, world["manager"], portal=False)
    narrow.goto(f"/registry/bulk/{bulk_id}")
    narrow.screenshot(path=f"{SHOTS}/bulk-done-768.png", full_page=True)

    with page.expect_navigation():
        page.click("#bulk-answers a")
    page.screenshot(path=f"{SHOTS}/answer-1366.png", full_page=True)
    page.check("#field-employed")
    with page.expect_navigation():
        page.click("#save-form button[type=submit]")
    assert "saglabāti" in page.inner_text("body")
    page.screenshot(path=f"{SHOTS}/answer-saved-1366.png", full_page=True)
    narrow.goto(page.url)
    narrow.screenshot(path=f"{SHOTS}/answer-768.png", full_page=True)
    body = page.inner_text("body")
    assert "None" not in body
    assert [e for e in console_errors if "Content Security Policy" in e or "Refused" in e] == []
