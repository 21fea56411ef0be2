"""The case page is where work is done (issue 10): records are added in the case's context,
a foreign case is never preset, the history speaks in words, pickers search by typing."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import (
    Case,
    CaseFunction,
    CaseStatus,
    Client,
    ClosureReason,
    Gender,
    HoursLog,
    Meeting,
    Violation,
    WorkAssignment,
)
from portal.services.access import Role
from tests.factories import BaseData, new_code

#: what the change history must never show an officer
RAW = ("None", "create", "update", "HoursLog", "Meeting ", "case_id", "{'", "True", "False",
       "T00:00", "screen", "submission:")


def _supervision_case(app: Flask, base: BaseData, unique: str) -> int:
    """A supervision case of the base officer in unit A."""
    with app.app_context():
        client = Client(given_name="Anna", surname=f"Ozola{unique}", personal_code=new_code(dt.date(1991, 2, 3)),
                        birth_date=dt.date(1991, 2, 3), gender=Gender.FEMALE,
                        unit_id=base.unit_a)
        db.session.add(client)
        db.session.flush()
        case = Case(number=f"PL-2021-{client.id:06d}", client_id=client.id,
                    function=CaseFunction.PROBATION_SUPERVISION, status=CaseStatus.ACTIVE,
                    start_date=dt.date.today() - dt.timedelta(days=30),
                    officer_id=base.users[Role.OFFICER], unit_id=base.unit_a)
        db.session.add(case)
        db.session.commit()
        return case.id


def _history_text(html: str) -> str:
    part = html.split('id="case-history"', 1)[1]
    return re.sub(r"<[^>]+>", " ", part)


def test_the_add_form_names_the_case_and_its_client(app: Flask, base: BaseData,
                                                    login_as: Any, unique: str) -> None:
    case_id = _supervision_case(app, base, unique)
    officer = login_as(Role.OFFICER)
    resp = officer.get(f"/meetingview/add?case_id={case_id}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert f"Ozola{unique}" in html and "PL-2021-" in html
    # The case is set, not chosen: no case field on the form.
    assert 'name="case"' not in html


@pytest.mark.parametrize("who, case_attr, status", [
    (Role.OFFICER, "foreign", 404),      # another unit's case: not even its existence
    ("OfficerB", "own", 404),
    ("Officer2", "own", 403),            # a colleague's case of the same unit: seen, not changed
])
def test_a_case_the_user_may_not_add_to_is_never_preset(
    app: Flask, base: BaseData, login_as: Any, who: str, case_attr: str, status: int
) -> None:
    case_id = getattr(base, case_attr).case
    user = login_as(who)
    for view in ("meetingview", "violationview", "documentview", "hourslogview", "noshowview"):
        resp = user.get(f"/{view}/add?case_id={case_id}")
        assert resp.status_code == status, view
        body = resp.get_data(as_text=True)
        assert "Bērziņš" not in body and "Kalniņa" not in body
    # Posting does not store anything either.
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Violation))
    posted = user.post(f"/violationview/add?case_id={case_id}", data={
        "violation_date": dt.date.today().isoformat(), "description": "Svešs",
    })
    assert posted.status_code == status
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Violation)) == before


def test_a_bad_case_id_is_not_found(login_as: Any) -> None:
    officer = login_as(Role.OFFICER)
    assert officer.get("/meetingview/add?case_id=abc").status_code == 404
    assert officer.get("/meetingview/add?case_id=999999999").status_code == 404


def test_saving_returns_to_the_case_page_at_its_section(
    app: Flask, base: BaseData, login_as: Any, unique: str
) -> None:
    case_id = _supervision_case(app, base, unique)
    officer = login_as(Role.OFFICER)
    # A time of this test's own: the officer's other meetings (other modules') must not clash.
    when = dt.datetime(2031, 1, 6, 10, 0) + dt.timedelta(days=int(unique, 16) % 3000)
    resp = officer.post(f"/meetingview/add?case_id={case_id}", data={
        # A case named in the posted form is ignored: the form was opened for this one.
        "case": str(base.foreign.case),
        "scheduled_at": when.strftime("%Y-%m-%dT%H:%M"), "place": "VPD Rīga",
        "notes": "Pirmā tikšanās",
    })
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/caseview/show/{case_id}#case-meetings")
    with app.app_context():
        meeting = db.session.scalars(
            select(Meeting).where(Meeting.case_id == case_id)).one()
        assert meeting.place == "VPD Rīga"
    page = officer.get(f"/caseview/show/{case_id}").get_data(as_text=True)
    assert re.search(r'id="case-meetings".*?data-count="1"', page, re.S)


def test_work_records_offer_only_the_cases_assignments(
    app: Flask, base: BaseData, login_as: Any
) -> None:
    officer = login_as(Role.OFFICER)
    with app.app_context():
        other = db.session.scalars(select(WorkAssignment).where(
            WorkAssignment.case_id != base.own.case,
            WorkAssignment.case_id.in_(select(Case.id).where(
                Case.officer_id == base.users[Role.OFFICER])))).first()
    html = officer.get(f"/hourslogview/add?case_id={base.own.case}").get_data(as_text=True)
    assert f'value="{base.own.assignment}"' in html
    if other is not None:
        assert f'value="{other.id}"' not in html
    # An assignment of another case is refused, and nothing is stored.
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(HoursLog))
    officer.post(f"/hourslogview/add?case_id={base.own.case}", data={
        "assignment": str(base.foreign.assignment), "work_date": dt.date.today().isoformat(),
        "hours": "2", "reported_by": "officer",
    })
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(HoursLog)) == before


def test_the_case_page_offers_the_records_of_its_function(
    app: Flask, base: BaseData, login_as: Any, unique: str
) -> None:
    officer = login_as(Role.OFFICER)
    supervision = officer.get(
        f"/caseview/show/{_supervision_case(app, base, unique)}").get_data(as_text=True)
    for kind in ("meeting", "obligation", "violation", "assessment", "document"):
        assert f'data-kind="{kind}"' in supervision
    assert 'data-kind="hours"' not in supervision
    work = officer.get(f"/caseview/show/{base.own.case}").get_data(as_text=True)
    for kind in ("hours", "schedule", "no_show", "control_act", "document"):
        assert f'data-kind="{kind}"' in work
    assert 'data-kind="meeting"' not in work
    # A colleague sees the case but is offered nothing to add.
    colleague = login_as("Officer2").get(f"/caseview/show/{base.own.case}").get_data(True)
    assert 'id="case-add"' not in colleague


def test_a_closed_case_offers_only_documents(
    app: Flask, base: BaseData, login_as: Any, unique: str
) -> None:
    case_id = _supervision_case(app, base, unique)
    with app.app_context():
        case = db.session.get(Case, case_id)
        case.status = CaseStatus.CLOSED
        case.closure_reason = ClosureReason.COMPLETED
        case.end_date = dt.date.today()
        db.session.commit()
    page = login_as(Role.OFFICER).get(f"/caseview/show/{case_id}").get_data(as_text=True)
    assert 'data-kind="document"' in page
    for kind in ("meeting", "obligation", "violation", "assessment"):
        assert f'data-kind="{kind}"' not in page
    assert 'id="assess-link"' not in page and 'id="close-supervision-link"' not in page
    assert "The case is closed: only documents can be added." in page or \
        "Lieta ir slēgta: var pievienot tikai dokumentus." in page


def test_history_in_words(app: Flask, base: BaseData, login_as: Any, unique: str) -> None:
    case_id = _supervision_case(app, base, unique)
    officer = login_as(Role.OFFICER)
    officer.post(f"/violationview/add?case_id={case_id}", data={
        "violation_date": "2026-03-12", "description": "Neieradās uz tikšanos",
        "reported_to_court": "y",
    })
    with app.app_context():
        # Hours added by the portal's intake carry a source like "submission:<id>".
        from portal.services import audit

        with audit.acting_as(base.users[Role.OFFICER], "screen"):
            case = db.session.get(Case, case_id)
            case.hours_ordered, case.notes = Decimal("12.5"), "Piezīme"
            case.status = CaseStatus.SUSPENDED
            db.session.commit()
        with audit.acting_as(base.users[Role.OFFICER], "submission:13"):
            db.session.add(Meeting(case_id=case_id, place="Portāls",
                                   scheduled_at=dt.datetime(2026, 3, 13, 8, tzinfo=dt.UTC)))
            db.session.commit()
    html = officer.get(f"/caseview/show/{case_id}?history_page=0").get_data(as_text=True)
    text = _history_text(html)
    assert "Pārkāpums 12.03.2026" in text
    assert "Ziņots tiesai vai prokuratūrai" in text or "tiesai" in text
    assert "12.03.2026" in text and "ekrāns" in text
    assert "iesniegums Nr. 13" in text
    assert "Tikšanās" in text
    assert "12,5" in text  # hours ordered, in Latvian number form
    assert "Aktīva → Apturēta" in text
    for raw in RAW:
        assert raw not in text, raw


def test_history_is_paged_newest_first(app: Flask, base: BaseData, login_as: Any,
                                       unique: str) -> None:
    from portal.services.access import Actor
    from portal.services.casework import case_history

    case_id = _supervision_case(app, base, unique)
    with app.app_context():
        for day in range(1, 26):
            db.session.add(Violation(case_id=case_id, violation_date=dt.date(2026, 1, day),
                                     description=f"V{day}"))
            db.session.commit()
    with app.test_request_context():
        actor = Actor(user_id=base.users[Role.OFFICER], roles=frozenset({Role.OFFICER}),
                      unit_id=base.unit_a)
        first = case_history.case_page(db.session, case_id, actor)
        assert first.total >= 26 and first.has_more and len(first.entries) == 20
        assert first.entries[0].record.endswith("25.01.2026")
        second = case_history.case_page(db.session, case_id, actor, page=1)
        assert second.entries and second.entries[0].at <= first.entries[-1].at
    html = login_as(Role.OFFICER).get(f"/caseview/show/{case_id}").get_data(as_text=True)
    # Folded by default, opened when paging.
    assert re.search(r'<details class="plus-section" id="case-history">', html)
    paged = login_as(Role.OFFICER).get(f"/caseview/show/{case_id}?history_page=1")
    assert '<details class="plus-section" id="case-history" open>' in paged.get_data(True)


def test_pickers_search_within_scope_and_start_empty(
    app: Flask, base: BaseData, login_as: Any
) -> None:
    officer = login_as(Role.OFFICER)
    with app.app_context():
        own_number = db.session.get(Case, base.own.case).number
        foreign_number = db.session.get(Case, base.foreign.case).number
    # By the client's name: the newest 20 matches (other tests' Bērziņš cases may fill them).
    by_name = officer.get("/picker/cases?q=bērz").get_json()["results"]
    assert by_name and all("Bērz" in r["text"] for r in by_name)
    found = officer.get(f"/picker/cases?q={own_number}").get_json()["results"]
    texts = [r["text"] for r in found] + [r["text"] for r in by_name]
    assert any(own_number in t and "Jānis Bērziņš" in t and "Piespiedu darbs" in t
               for t in texts), texts
    assert all(foreign_number not in t for t in texts)
    assert not officer.get("/picker/cases?q=Kalniņa").get_json()["results"]
    clients = officer.get("/picker/clients?q=Bērziņš").get_json()["results"]
    assert any("Jānis Bērziņš" in r["text"] for r in clients)
    assert all("Kalniņa" not in r["text"] for r in clients)
    # The meeting form starts with no case chosen (today it preset a random one).
    html = officer.get("/meetingview/add").get_data(as_text=True)
    select_html = html.split('name="case"', 1)[1].split("</select>", 1)[0]
    assert "selected" not in select_html and own_number not in select_html
    # Analysts and portal users get no picker.
    assert login_as(Role.ANALYST).get("/picker/cases?q=a").status_code in (302, 401, 403)


def test_a_posted_foreign_case_in_the_picker_is_refused(
    app: Flask, base: BaseData, login_as: Any
) -> None:
    officer = login_as(Role.OFFICER)
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Violation))
    resp = officer.post("/violationview/add", data={
        "case": str(base.foreign.case), "violation_date": "2026-03-12",
        "description": "Svešā lieta",
    })
    assert resp.status_code == 200  # the form again, with the message beside the field
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Violation)) == before


def test_a_new_client_opens_at_once(app: Flask, login_as: Any) -> None:
    officer = login_as(Role.OFFICER)
    resp = officer.post("/clientview/add", data={
        "given_name": "Pēteris", "surname": "Jaunais",
        "personal_code": new_code(dt.date(1985, 4, 1)),
        "birth_date": "1985-04-01", "gender": "male", "preferred_language": "lv",
    })
    assert resp.status_code == 302
    with app.app_context():
        new_id = db.session.scalar(select(func.max(Client.id)))
    assert resp.headers["Location"].endswith(f"/clientview/show/{new_id}")


def test_portal_submissions_are_listed_on_the_case_page(
    app: Flask, base: BaseData, login_as: Any
) -> None:
    html = login_as(Role.OFFICER).get(f"/caseview/show/{base.own.case}").get_data(True)
    assert 'id="case-submissions"' in html and 'id="case-submission-list"' in html
    assert "Decimal" not in html and str(Decimal("0")) not in ""
