"""A supervision case from opening to closing, from the case page alone (issue 11, "Demo and
tests"), in Chromium with CSRF on and in Latvian.

A new officer of unit A takes a fresh probation supervision case whose court judgment came
electronically from TIS (a year's term, started 60 days ago). From the case page only, they:
register the start (the notice to the State Police is generated and filed), score the risk and
needs instrument, make the supervision plan with a goal for an assessed need, add an obligation
from the catalogue, hold a meeting recording compliance per obligation and the plan's progress,
record a violation and the first step of the response ladder, attach the court's later decision
extending the term by six months (the computed end moves), and close the supervision with a
reason (the execution notice to TIS is queued). Each step returns to the case page at the part
it changed, which shows the result in Latvian.

The steps are dated through the past 60 days in their real order; the meeting's minute comes
from the test's unique id (the calendar's clash rule never meets another test's booking).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from portal.services.access import Role
from tests.browser.conftest import portal_login
from tests.browser.test_working_week import _add, _count, _lv, _save, _set
from tests.factories import BaseData, ensure_user, new_code

SHOTS = os.environ.get("PLUS_SCREENSHOTS")
#: words that must never show on the case page: raw values, enum codes, English labels
RAW = ("None", "endpoint", "probation_supervision", "court_judgment", "extension", "completed", "talk",
       "Supervision ends", "Start of supervision", "Obligations", "Meetings")


@dataclass
class Supervised:
    """The officer's login and the case, with the court's later (extension) decision."""

    officer: str
    case: int
    client: str
    start: dt.date
    extension: int
    extension_number: str
    decided: dt.date


def _end(start: dt.date, months: int) -> dt.date:
    from portal.services.supervision.term import add_months

    return add_months(start, months) - dt.timedelta(days=1)


@pytest.fixture()
def supervised(app: Flask, base: BaseData, unique: str) -> Supervised:
    """A new officer of unit A with a fresh supervision case (12 months, from TIS, started 60
    days ago, nothing recorded yet) and the court's later decision extending it, received but
    not yet attached; the document templates and the supervision catalogues in place."""
    from portal.extensions import db
    from portal.models import (
        Case,
        CaseFunction,
        CaseStatus,
        Client,
        Decision,
        DecisionType,
        Gender,
        SourceSystem,
    )
    from portal.services import setup

    today = dt.date.today()
    start = today - dt.timedelta(days=60)
    with app.app_context():
        setup.ensure_document_templates(db.session)
        setup.ensure_supervision_catalogues()
        officer = f"t_sup_{unique}"
        officer_id = ensure_user(app.appbuilder.sm, officer, Role.OFFICER, last_name="Uzraudze",
                                 unit_id=base.unit_a)
        born = dt.date(1990, 3, 14)
        client = Client(given_name="Roberts", surname=f"Uzraugāmais{unique}",
                        personal_code=new_code(born), birth_date=born, gender=Gender.MALE,
                        unit_id=base.unit_a)
        db.session.add(client)
        db.session.flush()
        opening = Decision(client_id=client.id, decision_type=DecisionType.COURT_JUDGMENT,
                           institution="Rīgas pilsētas tiesa", number=f"K-S-{client.id}",
                           decision_date=start - dt.timedelta(days=14), supervision_months=12,
                           received_electronically=True, source_system=SourceSystem.TIS,
                           external_id=f"TIS-S-{unique}")
        extension = Decision(client_id=client.id, decision_type=DecisionType.COURT_DECISION,
                             institution="Rīgas pilsētas tiesa", number=f"K-EXT-{client.id}",
                             decision_date=today - dt.timedelta(days=7))
        db.session.add_all([opening, extension])
        db.session.flush()
        case = Case(number=f"PL-2026-{client.id:06d}", client_id=client.id,
                    function=CaseFunction.PROBATION_SUPERVISION, status=CaseStatus.ACTIVE,
                    start_date=start, officer_id=officer_id, unit_id=base.unit_a,
                    decision_id=opening.id)
        db.session.add(case)
        db.session.commit()
        found = Supervised(officer=officer, case=case.id, client=client.full_name, start=start,
                           extension=extension.id, extension_number=extension.number,
                           decided=extension.decision_date)
        db.session.remove()
    return found


def _submit(page: Any, form: str, case_id: int, anchor: str) -> None:
    """Submit a step page's form; the case page comes back at ``anchor``."""
    with page.expect_navigation():
        page.click(f"#{form} button[type=submit]")
    assert page.url.endswith(f"/caseview/show/{case_id}#{anchor}"), (
        page.url, page.locator(".alert, .field-error, .help-block").all_inner_texts())


def _follow(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def test_a_supervision_case_from_opening_to_closing(
    open_page: Any, supervised: Supervised, unique: str, console_errors: list[str],
) -> None:
    today = dt.date.today()
    start, case = supervised.start, supervised.case
    day = {n: start + dt.timedelta(days=n) for n in (0, 5, 10, 20, 30, 55)}
    page = open_page(viewport={"width": 1366, "height": 900})
    portal_login(page, supervised.officer, portal=False)
    page.goto(f"/caseview/show/{case}")
    assert supervised.client in page.inner_text("h1")
    assert page.inner_text("#term-end").startswith(_lv(_end(start, 12)))

    # --- the start, registered with the record category; the police notice is filed -----
    _follow(page, "#register-start-link")
    page.fill("#start-form input[name=registered_on]", _lv(day[0]))
    assert page.locator("#start-form select[name=record_category]").input_value()
    _submit(page, "start-form", case, "supervision")
    panel = page.inner_text("#supervision-start")
    assert _lv(day[0]) in panel and "Valsts policijai" in panel, panel
    assert page.locator("#supervision-start a[href*='/download']").count() >= 1
    assert _count(page, "case-documents") >= 1

    # --- the structured risk and needs assessment: every item scored --------------------
    _follow(page, "#assess-link")
    page.fill("#assessment-form input[name=assessment_date]", day[5].isoformat())
    names = page.eval_on_selector_all(
        "#assessment-form input[type=radio]", "els => [...new Set(els.map(e => e.name))]")
    assert names
    for i, name in enumerate(names):  # a mix of scores: some needs found, some not
        group = page.locator(f'#assessment-form input[name="{name}"]')
        group.nth(group.count() - 1 if i % 2 == 0 else 0).check()
    _submit(page, "assessment-form", case, "case-assessments")
    assert _count(page, "case-assessments") == 1
    row = page.inner_text("#case-assessment-table tbody tr")
    assert _lv(day[5]) in row and re.search(r"\d+ / \d+", row), row
    assert "Nākamais novērtējums" in page.inner_text("#reassessment-due")

    # --- the supervision plan, made with the client, and a goal for an assessed need ----
    _follow(page, "#case-plans a[href*='supervisionplanview/add']")
    _set(page, "plan_date", _lv(day[10]))
    page.check("#model_form input[name=agreed_with_client]")
    _save(page, case, "case-plans")
    assert _lv(day[10]) in page.inner_text("#plan-current")
    _follow(page, "#add-goal-link")
    page.select_option("#goal-form select[name=need_area]", index=1)
    page.fill("#goal-form textarea[name=goal]", "Atrast pastāvīgu darbu")
    page.fill("#goal-form textarea[name=activities]",
              "Reģistrēties NVA\nApmeklēt karjeras konsultantu")
    _submit(page, "goal-form", case, "case-plans")
    goals = page.inner_text("#case-plan-goal-table")
    assert "Atrast pastāvīgu darbu" in goals and "Reģistrēties NVA" in goals, goals

    # --- an obligation from the catalogue, for the whole supervision -------------------------
    _add(page, "obligation", supervised.client)
    page.select_option("#model_form select[name=obligation_type]", index=1)
    page.select_option("#model_form select[name=set_by]", "court")
    _set(page, "start_date", _lv(day[0]))
    _set(page, "end_date", _lv(_end(start, 12)))  # to the end of supervision
    _save(page, case, "case-obligations")
    assert _count(page, "case-obligations") == 1
    obligation = page.inner_text("#case-obligation-table tbody")
    assert "Tiesa" in obligation and _lv(_end(start, 12)) in obligation, obligation

    # --- a meeting held: compliance per obligation and the plan's progress --------------
    minute = int(unique[:2], 16) % 60
    _add(page, "meeting", supervised.client)
    page.fill("#model_form input[name=scheduled_at]", f"{day[20].isoformat()}T11:{minute:02d}")
    page.fill("#model_form input[name=place]", "VPD Rīgas nodaļa, 3. kabinets")
    page.check("#model_form input[name=held]")
    page.fill("#model_form textarea[name=notes]", "Pārrunāts plāns un pienākumi.")
    _save(page, case, "case-meetings")
    assert f"11:{minute:02d}" in page.inner_text("#case-meeting-table")
    _follow(page, "#case-meeting-table a[href*='/compliance']")
    page.check("#compliance-form input[type=radio][value=kept]")
    _submit(page, "compliance-form", case, "case-meetings")
    assert "ievērots: 1" in page.inner_text("#case-meeting-table").lower()
    assert "Ievērots" in page.inner_text("#case-obligation-table tbody")
    _follow(page, "#case-meeting-table a.plan-progress-link")
    page.check("#progress-form input[type=radio] >> nth=0")
    progress = page.locator("#progress-form input[type=radio] >> nth=0").evaluate(
        "e => e.parentElement.textContent.trim()")
    page.fill("#progress-form input[name^=note_]", "Reģistrējies NVA")
    _submit(page, "progress-form", case, "case-plans")
    latest = page.inner_text("#case-plan-goal-table tbody")
    assert progress in latest and "Reģistrējies NVA" in latest, (progress, latest)

    # --- a violation and the response ladder's first step ------------------------------
    _add(page, "violation", supervised.client)
    _set(page, "violation_date", _lv(day[30]))
    page.fill("#model_form textarea[name=description]", "Neieradās uz norunāto tikšanos")
    _save(page, case, "case-violations")
    _follow(page, "#case-violation-table a[href*='/respond']")
    assert page.locator("#respond-form select[name=step]").input_value() == "talk"
    _submit(page, "respond-form", case, "case-violations")
    assert "Pārrunas" in page.inner_text("#case-violation-table")

    # --- the court's later decision extends the term by six months -----------------------
    _follow(page, ".supervision-actions a[href*='casedecisionview/add']")
    assert supervised.client in page.inner_text("body")
    # Only the client's decisions not on the case yet are offered: the court's new one.
    offered = page.locator("#model_form select[name=decision] option").all_inner_texts()
    assert [o for o in offered if o.strip()] == [
        f"{supervised.extension_number} ({_lv(supervised.decided)})"], offered
    page.select_option("#model_form select[name=decision]", str(supervised.extension))
    page.select_option("#model_form select[name=role]", "extension")
    _set(page, "effective_date", _lv(day[55]))
    page.fill("#model_form input[name=months]", "6")
    with page.expect_navigation():
        page.click('#model_form button[type="submit"]')
    assert page.url.endswith(f"/caseview/show/{case}#case-decisions"), (
        page.url, page.locator(".alert, .help-block").all_inner_texts())
    new_end = _end(start, 18)
    assert page.inner_text("#term-end").startswith(_lv(new_end)), page.inner_text("#term-end")
    assert "18" in page.inner_text("#supervision-term")
    decisions = page.inner_text("#case-decisions")
    assert supervised.extension_number in decisions and "termiņa pagarināšana" in decisions.lower(), decisions
    # The obligation that ran to the old end now runs to the new one.
    assert _lv(new_end) in page.inner_text("#case-obligation-table tbody")

    # --- closing, with a reason: the execution notice to TIS is queued -----------------
    _follow(page, "#close-supervision-link")
    page.select_option("#close-form select[name=reason]", "completed")
    assert page.locator("#close-form input[name=closed_on]").input_value() == today.isoformat()
    _submit(page, "close-form", case, "supervision")
    heading = page.inner_text("h1")
    assert "slēgta" in heading.lower() and "izpildīts" in heading.lower(), heading
    assert page.locator("#close-supervision-link").count() == 0
    exchanges = page.inner_text("#case-exchanges")
    assert "TIS" in exchanges and "izpild" in exchanges.lower(), exchanges

    body = page.inner_text("body")
    for raw in RAW:
        assert raw not in body, raw
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / "supervision-lifecycle-1366.png"), full_page=True)
        page.set_viewport_size({"width": 768, "height": 1024})
        page.screenshot(path=str(Path(SHOTS) / "supervision-lifecycle-768.png"), full_page=True)
    assert console_errors == []
