"""A 15-year-old's community work from the case page alone (issue 11, "Demo and tests"), in
Chromium with CSRF on and in Latvian.

The officer refers the child to an employer that does not accept minors and is refused beside
the employer field, then to one that does; a schedule day beyond the daily limit for the age
(``MINOR_HOURS_LIMITS``: 7 hours a day from 15) is refused beside the hours, one within it is
kept; the hours worked are reported and confirmed; the case is closed as completed, which
queues the execution notice to the court's system (TIS). Each step returns to the case page,
which shows the result.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from portal.services.access import Role
from tests.browser.conftest import portal_login
from tests.browser.test_working_week import _add, _count, _lv, _save, _set
from tests.factories import BaseData, ensure_user, new_code

SHOTS = os.environ.get("PLUS_SCREENSHOTS")


@dataclass
class MinorCase:
    """The officer's login, the child's community-work case and the two employers."""

    officer: str
    case: int
    client: str
    adults_only: int
    accepts_minors: int


@pytest.fixture()
def minor_case(app: Flask, base: BaseData, unique: str) -> MinorCase:
    """A new officer of unit A with a fresh community-work case (20 hours, from TIS) of a
    client who turned 15 a hundred days ago, and two employers of the unit: one that does not
    accept minors and one that does."""
    from portal.extensions import db
    from portal.models import (
        Case,
        CaseFunction,
        CaseStatus,
        Client,
        Decision,
        DecisionType,
        Employer,
        EmployerType,
        Gender,
        SourceSystem,
    )

    today = dt.date.today()
    born = today.replace(year=today.year - 15) - dt.timedelta(days=100)
    with app.app_context():
        officer = f"t_minor_{unique}"
        officer_id = ensure_user(app.appbuilder.sm, officer, Role.OFFICER, last_name="Bērnu",
                                 unit_id=base.unit_a)
        adults_only = Employer(name=f"SIA Būvnieks {unique}", accepts_minors=False,
                               employer_type=EmployerType.MUNICIPAL_INSTITUTION,
                               unit_id=base.unit_a)
        welcoming = Employer(name=f"Pašvaldības parks {unique}", accepts_minors=True,
                             employer_type=EmployerType.MUNICIPAL_INSTITUTION,
                             unit_id=base.unit_a)
        client = Client(given_name="Kārlis", surname=f"Jaunais{unique}",
                        personal_code=new_code(born), birth_date=born, gender=Gender.MALE,
                        unit_id=base.unit_a)
        db.session.add_all([adults_only, welcoming, client])
        db.session.flush()
        decision = Decision(client_id=client.id, decision_type=DecisionType.COURT_JUDGMENT,
                            institution="Rīgas pilsētas tiesa", number=f"K-M-{client.id}",
                            decision_date=today - dt.timedelta(days=30), community_work_hours=20,
                            received_electronically=True, source_system=SourceSystem.TIS,
                            external_id=f"TIS-M-{unique}")
        db.session.add(decision)
        db.session.flush()
        case = Case(number=f"PL-2026-{client.id:06d}", client_id=client.id,
                    function=CaseFunction.COMMUNITY_WORK, status=CaseStatus.ACTIVE,
                    start_date=today - dt.timedelta(days=20), officer_id=officer_id,
                    unit_id=base.unit_a, decision_id=decision.id, hours_ordered=Decimal("20"))
        db.session.add(case)
        db.session.commit()
        found = MinorCase(officer=officer, case=case.id, client=client.full_name,
                          adults_only=adults_only.id, accepts_minors=welcoming.id)
        db.session.remove()
    return found


def _refused(page: Any, field: str) -> str:
    """The form came back with a message beside ``field``; nothing was stored."""
    assert "/caseview/show/" not in page.url, page.url
    beside = page.locator(
        f'#model_form [name="{field}"] >> xpath=ancestor::*[contains(@class,"form-group") '
        f'or self::td][1]').inner_text()
    return beside


def test_a_fifteen_year_olds_community_work_from_the_case_page(
    open_page: Any, minor_case: MinorCase, console_errors: list[str],
) -> None:
    today = dt.date.today()
    start, work_day = today - dt.timedelta(days=10), today - dt.timedelta(days=3)
    case = minor_case.case
    page = open_page(viewport={"width": 1366, "height": 900})
    portal_login(page, minor_case.officer, portal=False)
    page.goto(f"/caseview/show/{case}")
    assert minor_case.client in page.inner_text("h1")
    # The decision shows the hours ordered, not a supervision term.
    assert "Noteiktās sabiedriskā darba stundas\t20" in page.inner_text("#case-decision-panel")
    assert "Uzraudzības termiņš" not in page.inner_text("#case-decision-panel")

    # --- an employer that does not accept minors is refused beside the employer ---------
    _add(page, "assignment", minor_case.client)
    page.select_option("#model_form select[name=employer]", str(minor_case.adults_only))
    page.select_option("#model_form select[name=work_kind]", "green_areas")
    page.fill("#model_form input[name=work_type]", "Parka sakopšana")
    page.fill("#model_form input[name=place]", "Uzvaras parks")
    _set(page, "start_date", _lv(start))
    with page.expect_navigation():
        page.click('#model_form button[type="submit"]')
    beside = _refused(page, "employer")
    assert "nepieņem nepilngadīgos" in beside and "(15)" in beside, beside
    # The other input is kept: the officer changes the employer only.
    assert page.input_value("#model_form input[name=work_type]") == "Parka sakopšana"
    page.select_option("#model_form select[name=employer]", str(minor_case.accepts_minors))
    _save(page, case, "case-work")
    assert _count(page, "case-work") == 1
    assert "Pašvaldības parks" in page.inner_text("#case-work")

    # --- a schedule day beyond 7 hours is refused, within it kept ------------------------
    _add(page, "schedule", minor_case.client)
    _set(page, "work_date", _lv(work_day))
    page.fill("#model_form input[name=planned_hours]", "8")
    with page.expect_navigation():
        page.click('#model_form button[type="submit"]')
    beside = _refused(page, "planned_hours")
    assert "ne vairāk kā 7 stundas dienā" in beside and "15" in beside, beside
    page.fill("#model_form input[name=planned_hours]", "6")
    _save(page, case, "case-work")
    schedule = page.inner_text("#case-work table >> nth=0")
    assert _lv(work_day) in schedule and "6" in schedule, schedule

    # --- the hours worked that day, reported and confirmed -------------------------------
    _add(page, "hours", minor_case.client)
    _set(page, "work_date", _lv(work_day))
    page.fill("#model_form input[name=hours]", "6")
    page.select_option("#model_form select[name=reported_by]", "employer")
    page.check("#model_form input[name=confirmed]")
    _save(page, case, "case-work")
    assert page.inner_text("#hours-confirmed").strip() in ("6", "6,0", "6,00")
    hours = page.inner_text("#case-work table >> nth=1")
    assert _lv(work_day) in hours and "Jā" in hours and "Darba devējs" in hours, hours

    # --- the case closed as completed: the execution notice is queued ------------------
    with page.expect_navigation():
        page.click(f'a[href$="/caseview/edit/{case}"]')
    page.select_option("#model_form select[name=status]", "closed")
    page.select_option("#model_form select[name=closure_reason]", "completed")
    _set(page, "end_date", _lv(today))
    with page.expect_navigation():
        page.click('#model_form button[type="submit"]')
    assert f"/caseview/show/{case}" in page.url, (
        page.url, page.locator(".alert, .help-block").all_inner_texts())
    heading = page.inner_text("h1").lower()
    assert "slēgta" in heading and "izpildīts" in heading, heading
    exchanges = page.inner_text("#case-exchanges")
    assert "TIS" in exchanges and "izpildes paziņojums" in exchanges.lower(), exchanges
    assert "endpoint" not in exchanges  # a connector's own error text stays off the case page

    body = page.inner_text("body")
    for raw in ("None", "community_work", "green_areas", "completed", "employer", "Employer"):
        assert raw not in body, raw
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / "minor-community-work-1366.png"), full_page=True)
        page.set_viewport_size({"width": 768, "height": 1024})
        page.screenshot(path=str(Path(SHOTS) / "minor-community-work-768.png"), full_page=True)
    assert console_errors == []
