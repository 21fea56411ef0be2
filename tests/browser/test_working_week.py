"""A new officer's working week from the case page alone (issue 10, "Done when"), in Chromium
with CSRF on.

The officer, new to PLUS and to unit A, holds a forced-labour case and a supervision case.
Every action starts from the case page (its "add to this case" bar, a section's row link or
"prepare a document") and saving lands back on the case page at the section it changed, which
then shows the new record:

* forced labour: a work assignment, a schedule entry, hours worked (a decimal comma), a
  no-show, and a generated document;
* supervision: an obligation, a meeting held on the first day of the week, compliance with the
  obligation at that meeting, a violation, and the first step of the response ladder.

The days are the five ending today, so no hours fall after today; the meeting's minute comes
from the test's unique id (the calendar's clash rule never meets another test's booking).
Screenshots of the case pages at the end go to PLUS_SCREENSHOTS when set.
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
from tests.factories import BaseData, ensure_user, new_code

SHOTS = os.environ.get("PLUS_SCREENSHOTS")


@dataclass
class Week:
    """The new officer's login and cases."""

    officer: str
    work_case: int
    supervision_case: int
    work_client: str
    supervision_client: str


@pytest.fixture()
def week(app: Flask, base: BaseData, unique: str) -> Week:
    """A new officer of unit A with a fresh forced-labour case (no assignment yet) and a fresh
    supervision case (a year's term, no obligation yet); the document templates and the
    obligation catalogue in place."""
    from portal.extensions import db
    from portal.models import (
        Case,
        CaseFunction,
        CaseStatus,
        Client,
        Decision,
        DecisionType,
        Gender,
    )
    from portal.services import setup

    today = dt.date.today()
    with app.app_context():
        setup.ensure_document_templates(db.session)  # the shipped templates, published
        setup.ensure_supervision_catalogues()  # the obligations an officer picks from
        officer = f"t_week_{unique}"
        officer_id = ensure_user(app.appbuilder.sm, officer, Role.OFFICER, last_name="Jaunā",
                                 unit_id=base.unit_a)
        cases: list[int] = []
        names: list[str] = []
        for given, surname, function, born in (
            ("Edgars", f"Darbiņš{unique}", CaseFunction.FORCED_LABOUR, dt.date(1994, 4, 9)),
            ("Ilze", f"Uzraugā{unique}", CaseFunction.PROBATION_SUPERVISION, dt.date(1988, 8, 21)),
        ):
            client = Client(given_name=given, surname=surname, personal_code=new_code(born),
                            birth_date=born, gender=Gender.MALE if given == "Edgars"
                            else Gender.FEMALE, unit_id=base.unit_a)
            db.session.add(client)
            db.session.flush()
            decision = Decision(client_id=client.id, decision_type=DecisionType.COURT_JUDGMENT,
                                institution="Rīgas pilsētas tiesa", number=f"K-W-{client.id}",
                                decision_date=today - dt.timedelta(days=40),
                                forced_labour_hours=40, supervision_months=12)
            db.session.add(decision)
            db.session.flush()
            work = function is CaseFunction.FORCED_LABOUR
            case = Case(number=f"PL-2026-{client.id:06d}", client_id=client.id,
                        function=function, status=CaseStatus.ACTIVE,
                        start_date=today - dt.timedelta(days=30), officer_id=officer_id,
                        unit_id=base.unit_a, decision_id=decision.id,
                        hours_ordered=Decimal("40") if work else None)
            db.session.add(case)
            db.session.flush()
            cases.append(case.id)
            names.append(f"{given} {surname}")
        db.session.commit()
        db.session.remove()
    return Week(officer=officer, work_case=cases[0], supervision_case=cases[1],
                work_client=names[0], supervision_client=names[1])


def _lv(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def _set(page: Any, name: str, value: str) -> None:
    # A date field is set as its picker would set it (typing races the picker).
    page.eval_on_selector(f'#model_form [name="{name}"]', "(e, v) => { e.value = v; }", value)


def _count(page: Any, section: str) -> int:
    return int(page.locator(f"#{section} > summary .badge").inner_text())


def _add(page: Any, kind: str, client: str) -> None:
    """Open the add form of ``kind`` from the case page's bar; it names the client."""
    with page.expect_navigation():
        page.click(f'#case-add a[data-kind="{kind}"]')
    assert client in page.inner_text("h1, h2, .panel-title, body")


def _save(page: Any, case_id: int, section: str) -> None:
    """Save the form; the case page comes back at ``section``, unfolded."""
    with page.expect_navigation():
        page.click('#model_form button[type="submit"]')
    assert page.url.endswith(f"/caseview/show/{case_id}#{section}"), (
        page.url, page.locator(".alert, .help-block, .text-danger").all_inner_texts())
    assert page.locator(f"#{section}").evaluate("d => d.open")


def test_a_new_officer_works_a_week_from_the_case_page(
    open_page: Any, week: Week, base: BaseData, unique: str, console_errors: list[str],
) -> None:
    today = dt.date.today()
    day = [today - dt.timedelta(days=4 - i) for i in range(5)]  # the week: day[4] is today
    page = open_page(viewport={"width": 1366, "height": 900})
    portal_login(page, week.officer, portal=False)

    # --- the forced-labour case ---------------------------------------------------------
    case = week.work_case
    page.goto(f"/caseview/show/{case}")
    assert week.work_client in page.inner_text("h1")
    # Without an assignment, only the assignment is offered of the work records.
    assert page.locator('#case-add a[data-kind="hours"]').count() == 0

    _add(page, "assignment", week.work_client)
    page.select_option('#model_form select[name="employer"]', str(base.employer))
    page.fill('#model_form input[name="work_type"]', "Parka sakopšana")
    page.fill('#model_form input[name="place"]', "Uzvaras parks")
    _set(page, "start_date", _lv(day[0]))
    _save(page, case, "case-work")
    assert _count(page, "case-work") == 1
    assert "Parka sakopšana" in page.inner_text("#case-work")

    # A schedule entry: the case's only assignment is chosen already.
    _add(page, "schedule", week.work_client)
    _set(page, "work_date", _lv(day[1]))
    page.fill('#model_form input[name="planned_hours"]', "4")
    _save(page, case, "case-work")
    assert _lv(day[1]) in page.inner_text("#case-work")

    # Hours worked that day, typed with a decimal comma and confirmed by the officer.
    _add(page, "hours", week.work_client)
    _set(page, "work_date", _lv(day[1]))
    page.fill('#model_form input[name="hours"]', "3,5")
    page.select_option('#model_form select[name="reported_by"]', "officer")
    page.check('#model_form input[name="confirmed"]')
    _save(page, case, "case-work")
    assert page.inner_text("#hours-confirmed").strip() in ("3,5", "3,50")

    # A no-show the next day.
    _add(page, "no_show", week.work_client)
    _set(page, "event_date", _lv(day[2]))
    page.select_option('#model_form select[name="reported_by"]', "employer")
    page.fill('#model_form textarea[name="explanation"]', "Neieradās, nepaziņoja iemeslu")
    _save(page, case, "case-work")
    assert "Neieradās, nepaziņoja iemeslu" in page.inner_text("#case-work")

    # A document generated from the case page: the work schedule (or the referral).
    page.click("#prepare-document-button")
    offered = page.locator("#prepare-document button[data-doc-type]")
    kinds = [offered.nth(i).get_attribute("data-doc-type") for i in range(offered.count())]
    kind = next(k for k in ("work_schedule", "referral", *kinds) if k in kinds)
    with page.expect_navigation():
        page.click(f'#prepare-document button[data-doc-type="{kind}"]')
    assert page.url.endswith(f"/caseview/show/{case}#case-documents")
    assert _count(page, "case-documents") == 1, page.locator(".alert").all_inner_texts()
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / "week-work-case-1366.png"), full_page=True)

    # --- the supervision case -------------------------------------------------------------
    case = week.supervision_case
    page.goto(f"/caseview/show/{case}")
    assert week.supervision_client in page.inner_text("h1")

    # An obligation from the catalogue, in force from the start of the supervision.
    _add(page, "obligation", week.supervision_client)
    page.select_option('#model_form select[name="obligation_type"]', index=1)
    page.select_option('#model_form select[name="set_by"]', "court")
    _set(page, "start_date", _lv(today - dt.timedelta(days=30)))
    _save(page, case, "case-obligations")
    assert _count(page, "case-obligations") == 1

    # The meeting on the first day of the week, held; a minute of its own.
    minute = int(unique[:2], 16) % 60
    _add(page, "meeting", week.supervision_client)
    page.fill('#model_form input[name="scheduled_at"]', f"{day[0].isoformat()}T10:{minute:02d}")
    page.fill('#model_form input[name="place"]', "VPD Rīgas nodaļa, 12. kabinets")
    page.check('#model_form input[name="held"]')
    page.fill('#model_form textarea[name="notes"]', "Pārrunāts uzraudzības plāns.")
    _save(page, case, "case-meetings")
    assert _count(page, "case-meetings") == 1
    assert f"10:{minute:02d}" in page.inner_text("#case-meeting-table")

    # Compliance with the obligation at that meeting, from the meeting's row.
    with page.expect_navigation():
        page.click('#case-meeting-table a[href*="/compliance"]')
    page.check('#compliance-form input[type="radio"][value="kept"]')
    with page.expect_navigation():
        page.click('#compliance-form button[type="submit"]')
    assert page.url.endswith(f"/caseview/show/{case}#case-meetings")
    assert "ievērots: 1" in page.inner_text("#case-meeting-table").lower()

    # A violation later in the week, and the first step of the response ladder.
    _add(page, "violation", week.supervision_client)
    _set(page, "violation_date", _lv(day[3]))
    page.fill('#model_form textarea[name="description"]', "Neieradās uz norunāto tikšanos")
    _save(page, case, "case-violations")
    assert _count(page, "case-violations") == 1
    with page.expect_navigation():
        page.click('#case-violation-table a[href*="/respond"]')
    assert page.locator('select[name="step"]').input_value() == "talk"  # the ladder's first step
    with page.expect_navigation():
        page.click('#respond-form button[type="submit"]')
    assert page.url.endswith(f"/caseview/show/{case}#case-violations")
    responses = page.inner_text("#case-violation-table")
    assert "Pārrunas" in responses, responses

    # The week is in the change history, in words.
    page.click("#case-history > summary")
    history = page.inner_text("#case-history-list")
    for raw in ("None", "create", "Meeting", "Violation", "Compliance", "Duration",
                "Obligation type", "Room", "_id", "{'"):
        assert raw not in history, raw
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "week-supervision-case-1366.png"),
                        full_page=True)
    assert console_errors == []
