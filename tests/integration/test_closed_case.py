"""A closed case takes only documents, by every path: the generic screens (message beside the
case field), the screens opened from the case page, and the API (422 under the field that names
the case). Records it already holds can still be corrected."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask

from portal.extensions import db
from portal.models import (
    Case,
    CaseStatus,
    ClosureReason,
    Document,
    HoursLog,
    Meeting,
    PlusUser,
    Violation,
)
from portal.services.access import Role
from portal.services.casework import cases
from tests.factories import CaseRecords, make_case
from tests.integration.test_bad_input import assert_refused, count, expected

MSG = "The case is closed: only documents can be added."


pytestmark = pytest.mark.usefixtures("keep_languages")


@pytest.fixture()
def closed(app: Flask, base: Any) -> CaseRecords:
    """A forced-labour case of the base officer, with a record of every kind, then closed."""
    with app.app_context():
        records = make_case(db.session, unit_id=base.unit_a, officer_id=base.users[Role.OFFICER],
                            mediator_id=None, employer_id=base.employer)
        case = db.session.get(Case, records.case)
        case.status = CaseStatus.CLOSED
        case.closure_reason = ClosureReason.COMPLETED
        case.end_date = dt.date.today()
        db.session.commit()
        db.session.remove()
    return records


def test_the_rule() -> None:
    assert cases.takes_new(CaseStatus.ACTIVE, Meeting)
    assert cases.takes_new(CaseStatus.SUSPENDED, HoursLog)
    assert cases.takes_new(CaseStatus.CLOSED, Document)
    assert not cases.takes_new(CaseStatus.CLOSED, Meeting)
    assert not cases.takes_new(CaseStatus.CLOSED, HoursLog)


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_a_generic_screen_refuses_beside_the_case(app: Flask, closed: CaseRecords,
                                                  login_as: Any, lang: str) -> None:
    officer = login_as(Role.OFFICER)
    officer.get(f"/lang/{lang}")
    before = count(app, Violation)
    resp = officer.post("/violationview/add", data={
        "case": str(closed.case), "violation_date": dt.date.today().isoformat(),
        "description": "Neieradās",
    })
    assert_refused(resp, "case", expected(app, lang, MSG), kept={"description": "Neieradās"})
    assert count(app, Violation) == before
    before = count(app, HoursLog)
    resp = officer.post("/hourslogview/add", data={
        "assignment": str(closed.assignment), "work_date": dt.date.today().isoformat(),
        "hours": "2", "reported_by": "officer",
    })
    assert_refused(resp, "assignment", expected(app, lang, MSG))
    assert count(app, HoursLog) == before


def test_a_form_opened_from_the_case_page_goes_back_to_it(app: Flask, closed: CaseRecords,
                                                          login_as: Any) -> None:
    officer = login_as(Role.OFFICER)
    officer.get("/lang/lv")
    for method in ("get", "post"):
        resp = getattr(officer, method)(f"/violationview/add?case_id={closed.case}", data={
            "violation_date": dt.date.today().isoformat(), "description": "Neieradās",
        })
        assert resp.status_code == 302
        assert resp.headers["Location"].endswith(f"/caseview/show/{closed.case}")
    before = count(app, Violation)
    resp = officer.post(f"/violationview/add?case_id={closed.case}", data={
        "violation_date": dt.date.today().isoformat(), "description": "Neieradās",
    }, follow_redirects=True)
    assert count(app, Violation) == before
    assert expected(app, "lv", MSG) in resp.get_data(as_text=True)
    # A document is still taken from the case page.
    assert officer.get(f"/documentview/add?case_id={closed.case}").status_code == 200


def test_the_api_answers_422_under_the_field(app: Flask, closed: CaseRecords,
                                             login_as: Any) -> None:
    officer = login_as(Role.OFFICER)
    officer.get("/lang/en")
    before = count(app, Meeting)
    resp = officer.post("/api/v1/meeting/", json={
        "case": closed.case, "scheduled_at": "2031-03-03T08:00:00+00:00",
        "duration_minutes": 60})
    assert resp.status_code == 422, resp.get_json()
    assert resp.get_json()["message"] == {"case": [MSG]}
    assert count(app, Meeting) == before
    before = count(app, HoursLog)
    resp = officer.post("/api/v1/hours_log/", json={
        "assignment": closed.assignment, "work_date": dt.date.today().isoformat(), "hours": 2})
    assert resp.status_code == 422, resp.get_json()
    assert resp.get_json()["message"] == {"assignment": [MSG]}
    assert count(app, HoursLog) == before


def test_records_it_holds_can_still_be_corrected(app: Flask, closed: CaseRecords,
                                                 login_as: Any) -> None:
    officer = login_as(Role.OFFICER)
    resp = officer.put(f"/api/v1/hours_log/{closed.hours}", json={"note": "Labots pēc slēgšanas"})
    assert resp.status_code == 200, resp.get_json()
    with app.app_context():
        assert db.session.get(HoursLog, closed.hours).note == "Labots pēc slēgšanas"
        db.session.remove()


def test_the_intake_pipeline_refuses_too(app: Flask, closed: CaseRecords, base: Any) -> None:
    """Hours reported through the portal or a violation from a connector, reviewed after the
    case closed: accepting says why and stores nothing."""
    from portal.services import access, intake
    from portal.services.errors import ValidationFailed

    with app.app_context():
        actor = access.Actor.of(db.session.get(PlusUser, base.users[Role.OFFICER]))
        before = count(app, HoursLog)
        hours = intake.propose_create(HoursLog, {
            "assignment_id": closed.assignment, "work_date": dt.date.today().isoformat(),
            "hours": "2"})
        with pytest.raises(ValidationFailed) as refused:
            intake.apply_changes(db.session, [hours], actor, source="submission:1",
                                 case_id=closed.case)
        assert refused.value.field == "changes"
        db.session.rollback()
        violation = intake.propose_create(Violation, {
            "case_id": closed.case, "violation_date": dt.date.today().isoformat(),
            "description": "Elektroniskās uzraudzības notikums"})
        with pytest.raises(ValidationFailed):
            intake.apply_changes(db.session, [violation], actor, source="em:1", connector=True)
        db.session.rollback()
        db.session.remove()
    assert count(app, HoursLog) == before


def test_the_step_pages_go_back_to_the_case_page(app: Flask, closed: CaseRecords,
                                                 login_as: Any) -> None:
    """Compliance, plan progress, a goal, a response to a violation, an assessment and the
    start: each page adds a record, so a closed case's sends the officer back to it."""
    officer = login_as(Role.OFFICER)
    officer.get("/lang/lv")
    for url in (f"/supervision/meeting/{closed.meeting}/compliance",
                f"/supervision-plan/meeting/{closed.meeting}/progress",
                f"/supervision-plan/plan/{closed.plan}/goal",
                f"/supervision/violation/{closed.violation}/respond",
                f"/supervision/case/{closed.case}/assess",
                f"/supervision-plan/case/{closed.case}/start"):
        for method in ("get", "post"):
            resp = getattr(officer, method)(url)
            assert resp.status_code == 302, (url, method, resp.status_code)
            assert resp.headers["Location"].endswith(f"/caseview/show/{closed.case}"), url
    page = officer.get(f"/caseview/show/{closed.case}").get_data(as_text=True)
    assert expected(app, "lv", MSG) in page
    for link in ("/compliance", "/progress", "/goal", "/respond", "/assess",
                 "/casedecisionview/add", "/mediationtermview/add"):
        assert link not in page, link


def test_add_forms_offer_only_cases_that_take_the_record(app: Flask, closed: CaseRecords,
                                                         base: Any, login_as: Any) -> None:
    officer = login_as(Role.OFFICER)
    with app.app_context():
        number = db.session.get(Case, closed.case).number
        db.session.remove()
    # The case picker of an add form asks for open cases only; a document's asks for all.
    violation_form = officer.get("/violationview/add").get_data(as_text=True)
    assert 'data-endpoint="/picker/cases?open=1"' in violation_form
    document_form = officer.get("/documentview/add").get_data(as_text=True)
    assert 'data-endpoint="/picker/cases"' in document_form
    edit_form = officer.get(f"/violationview/edit/{closed.violation}").get_data(as_text=True)
    assert 'data-endpoint="/picker/cases"' in edit_form and number in edit_form
    assert not officer.get(f"/picker/cases?q={number}&open=1").get_json()["results"]
    assert officer.get(f"/picker/cases?q={number}").get_json()["results"]
