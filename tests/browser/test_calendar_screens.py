"""The clash refusal and the day calendar in real Chromium, at a desktop and a small width:
the message stands beside the time field in Latvian, the day calendar lists the unit's rooms
and staff. Screenshots go to ``PLUS_SCREENSHOTS`` when set (for a look by eye)."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from portal.extensions import db
from portal.formatting import local_zone
from portal.models import Meeting, Room
from portal.services.access import Role
from tests.browser.conftest import portal_login


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("PLUS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [1366, 768])
def test_clash_message_and_day_calendar(app: Flask, open_page: Any, console_errors: list[str],
                                        width: int) -> None:
    base = app.config["BASE_DATA"]
    when = dt.datetime(2032, 3, 3, 8, 0, tzinfo=dt.UTC) + dt.timedelta(
        days=uuid.uuid4().int % 2000)
    with app.app_context():
        room = Room(unit_id=base.unit_a, name=f"Sarunu telpa {uuid.uuid4().hex[:4]}", capacity=4)
        db.session.add(room)
        db.session.flush()
        db.session.add(Meeting(case_id=base.own.case, scheduled_at=when, room_id=room.id,
                               duration_minutes=60))
        db.session.commit()
        room_id, room_name = room.id, room.name
        db.session.remove()
    page = open_page(viewport={"width": width, "height": 900})
    portal_login(page, Role.OFFICER)
    page.goto("/lang/lv")
    # Added from the case page: the case comes with the form (the picker starts empty).
    page.goto(f"/meetingview/add?case_id={base.own.case}")
    local = when.astimezone(local_zone())
    page.fill("#scheduled_at", (local + dt.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"))
    page.select_option("#room", str(room_id))
    with page.expect_navigation():
        page.locator("#model_form button[type=submit], #model_form input[type=submit]"
                     ).first.click()
    body = page.content()
    assert f"Telpa „{room_name}“ jau ir aizņemta" in body
    _shot(page, f"meeting-clash-{width}")
    page.goto(f"/calendar/?day={local.date().isoformat()}")
    text = page.inner_text("body")
    assert room_name in text and local.strftime("%H:%M") in text and "None" not in text
    _shot(page, f"calendar-day-{width}")
    page = open_page(viewport={"width": width, "height": 900})
    portal_login(page, Role.UNIT_MANAGER)
    page.goto("/lang/lv")
    page.goto("/roomview/list/")
    assert room_name in page.inner_text("body")
    _shot(page, f"rooms-{width}")
    assert not console_errors
