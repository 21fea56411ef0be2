"""A meeting's date and time in real Chromium: the native input shows Riga time and saves.

The integration tests post what a browser would; this checks that a browser really does: the
``datetime-local`` input takes the shown value (no step mismatch blocking the submit), and a
time typed through it is stored in UTC.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask

from portal.extensions import db
from portal.models import Meeting
from portal.services.access import Role
from tests.browser.conftest import portal_login

STORED = dt.datetime(2026, 2, 10, 9, 17, 42, tzinfo=dt.UTC)


def _meeting(app: Flask) -> int:
    base = app.config["BASE_DATA"]
    with app.app_context():
        m = Meeting(case_id=base.own.case, scheduled_at=STORED, place="VPD")
        db.session.add(m)
        db.session.commit()
        pk = m.id
        db.session.remove()
    return pk


def _stored(app: Flask, pk: int) -> dt.datetime:
    with app.app_context():
        value = db.session.get(Meeting, pk).scheduled_at
        db.session.remove()
    return value


def test_meeting_time_in_the_browser(app: Flask, browser_page: Any,
                                     console_errors: list[str]) -> None:
    pk = _meeting(app)
    page = browser_page
    portal_login(page, Role.OFFICER)

    page.goto(f"/meetingview/edit/{pk}")
    field = page.locator("#scheduled_at")
    assert field.get_attribute("type") == "datetime-local"
    assert field.input_value() == "2026-02-10T11:17"  # Riga winter time, no seconds
    with page.expect_navigation():
        page.locator("#model_form button[type=submit], #model_form input[type=submit]").first.click()
    assert "/edit/" not in page.url, "unchanged form was not submitted"
    assert _stored(app, pk) == STORED

    page.goto(f"/meetingview/edit/{pk}")
    page.fill("#scheduled_at", "2026-07-15T10:30")
    with page.expect_navigation():
        page.locator("#model_form button[type=submit], #model_form input[type=submit]").first.click()
    assert _stored(app, pk) == dt.datetime(2026, 7, 15, 7, 30, tzinfo=dt.UTC)
    assert not console_errors, console_errors
