"""The client form in real Chromium: the date of birth is asked for a new-form personal code
(starting with 32) only; for an old-form code the field stays out of the way and the date is
taken from the code."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import Client
from portal.services.access import Role
from portal.services.casework import personal_code as pc
from tests.browser.conftest import portal_login


def test_birth_date_shows_for_a_new_form_code_only(app: Flask, browser_page: Any,
                                                    console_errors: list[str]) -> None:
    page = browser_page
    portal_login(page, Role.OFFICER)
    page.goto("/clientview/add")
    row = page.locator("tr", has=page.locator("input[name='birth_date']"))
    assert row.is_hidden()
    page.fill("input[name='personal_code']", "32")
    assert row.is_visible()
    rng = random.Random()
    code = pc.generate_old(dt.date(1990, 1, 1) + dt.timedelta(days=rng.randrange(5000)), rng)
    page.fill("input[name='personal_code']", code)
    assert row.is_hidden()
    page.fill("input[name='given_name']", "Ilze")
    page.fill("input[name='surname']", "Liepiņa")
    with page.expect_navigation():
        page.locator("#model_form button[type=submit], #model_form input[type=submit]").first.click()
    with app.app_context():
        stored = db.session.scalars(select(Client).where(Client.personal_code == code)).one()
        assert stored.birth_date == pc.birth_date(code)
        db.session.remove()
    assert not console_errors
