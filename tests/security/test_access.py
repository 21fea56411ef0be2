"""Access and integrity defects of issue 7: case numbers, API rights, duplicates, replays."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Case, CaseNumberCounter, Client, Submission, TerritorialUnit
from portal.services.access import Role
from portal.services.casework import cases
from tests.factories import make_case
from tests.integration.submission_data import SubmissionData, submission_data


def _counter(app: Flask, year: int) -> int:
    with app.app_context():
        value = db.session.execute(
            select(CaseNumberCounter.last_value).where(CaseNumberCounter.year == year)
        ).scalar_one_or_none()
        db.session.remove()
    return value or 0


def _count(app: Flask, model: type, *where: Any) -> int:
    with app.app_context():
        n = db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()
        db.session.remove()
    return n


def _api_case(c: FlaskClient, client_id: int) -> Any:
    return c.post("/api/v1/case/", json={
        "client": client_id, "function": "forced_labour",
        "start_date": dt.date.today().isoformat(), "hours_ordered": 40,
    })


# --- defect 1: a typed case number ahead of the counter ------------------------------------


def test_typed_number_ahead_of_counter_does_not_block_numbering(
    app: Flask, base: Any, login_as: Callable[[str], FlaskClient]
) -> None:
    """Defect 1: once the counter reaches a typed number, case creation must go on."""
    officer = login_as(Role.OFFICER)
    year = dt.date.today().year
    # Make sure the year's counter row exists, then type the number two ahead of it.
    assert _api_case(officer, base.own.client).status_code == 201
    ahead = cases.format_number(year, _counter(app, year) + 2)
    resp = officer.post("/caseview/add", data={
        "number": ahead, "client": str(base.own.client), "function": "forced_labour",
        "status": "active", "start_date": dt.date.today().isoformat(), "end_date": "",
        "hours_ordered": "80", "notes": "",
    })
    assert resp.status_code in (200, 302)
    numbers = set()
    for _ in range(3):
        made = _api_case(officer, base.own.client)
        assert made.status_code == 201, made.get_data(as_text=True)
        with app.app_context():
            numbers.add(db.session.get(Case, made.get_json()["id"]).number)
            db.session.remove()
    assert len(numbers) == 3 and ahead not in numbers


# --- defect 9: the first case numbers of a year, in parallel -------------------------------

#: at most the connection pool (5 + 10 overflow), so all of them really start together
THREADS = 12


def test_parallel_first_numbers_of_a_year_are_race_free(app: Flask) -> None:
    """Defect 9: 50 parallel first numbers of a year with no counter row: no error, no twin."""
    with app.app_context():
        used = set(db.session.scalars(select(CaseNumberCounter.year)))
        db.session.remove()
    year = next(y for y in range(2200, 2999) if y not in used)
    results: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def issue() -> None:
        with app.app_context():
            try:
                db.session.execute(select(1))  # hold a connection before the start line
                start.wait(30)
                results.append(cases.next_case_number(db.session, year))
                db.session.commit()
            except BaseException as exc:  # noqa: BLE001 - the test reports every failure
                errors.append(exc)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=issue) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(results) == sorted(cases.format_number(year, n) for n in range(1, THREADS + 1))


# --- defect 2: the API needs the rights of the screen -------------------------------------


def test_api_refuses_case_for_another_officers_client(
    app: Flask, base: Any, login_as: Callable[[str], FlaskClient]
) -> None:
    """Defect 2: a client of another officer cannot get a case (nor edits) through the API."""
    with app.app_context():
        theirs = make_case(db.session, unit_id=base.unit_a, officer_id=base.users["Officer2"],
                           mediator_id=None, employer_id=base.employer)
        db.session.commit()
        db.session.remove()
    officer = login_as(Role.OFFICER)
    before = _count(app, Case, Case.client_id == theirs.client)
    resp = _api_case(officer, theirs.client)
    assert resp.status_code == 403
    assert _count(app, Case, Case.client_id == theirs.client) == before
    assert officer.put(f"/api/v1/client/{theirs.client}",
                       json={"phone": "+37120000000"}).status_code == 403
    assert officer.get(f"/clientview/edit/{theirs.client}").status_code == 403
    # Their own officer still may.
    assert _api_case(login_as("Officer2"), theirs.client).status_code == 201


# --- defect 8: duplicate personal code through the API ------------------------------------


@pytest.mark.parametrize("which", ["own", "foreign"])
def test_duplicate_personal_code_in_api_is_422_without_a_leak(
    app: Flask, base: Any, login_as: Callable[[str], FlaskClient], which: str
) -> None:
    """Defect 8: 422 with a message that tells no more than the officer may know."""
    with app.app_context():
        existing = db.session.get(Client, getattr(base, which).client)
        code, born = existing.personal_code, existing.birth_date
        secrets_ = [existing.surname, existing.given_name, born.isoformat(),
                    db.session.get(TerritorialUnit, base.unit_b).name]
        db.session.remove()
    before = _count(app, Client)
    resp = login_as(Role.OFFICER).post("/api/v1/client/", json={
        "given_name": "Anna", "surname": "Ozola", "personal_code": code,
        "birth_date": born.isoformat(), "gender": "female", "preferred_language": "lv",
    })
    assert resp.status_code == 422, resp.get_data(as_text=True)
    text = resp.get_data(as_text=True)
    assert "personal_code" in resp.get_json()["message"]
    for secret in secrets_:
        assert secret not in text
    assert "another unit" not in text.lower() and "probation" not in text.lower()
    assert _count(app, Client) == before


def test_duplicate_code_of_an_invisible_client_on_the_screen_says_no_more(
    app: Flask, base: Any, login_as: Callable[[str], FlaskClient]
) -> None:
    """Defect 8 (screen): an officer of unit A learns nothing of unit B's client."""
    with app.app_context():
        existing = db.session.get(Client, base.foreign.client)
        code, born = existing.personal_code, existing.birth_date
        db.session.remove()
    resp = login_as(Role.OFFICER).post("/clientview/add?_l_=en", data={
        "given_name": "Anna", "surname": "Ozola", "personal_code": code,
        "birth_date": born.isoformat(), "gender": "female", "preferred_language": "lv",
    })
    text = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "already registered" not in text
    assert "cannot be registered" in text or "nevar reģistrēt" in text


# --- defect 13: idempotent replay with another body ---------------------------------------


def test_replay_with_a_different_body_is_409(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    """Defect 13: the same key with another body is refused, not silently answered 200."""
    sd: SubmissionData = submission_data(app)
    c = login_as(sd.employer_user)
    key = uuid.uuid4().hex
    url = "/api/v1/forms/hours_worked/submissions"

    def body(hours: int) -> dict[str, Any]:
        # A past day of the referral (hours cannot be reported for a day before it starts).
        day = (dt.date.today() - dt.timedelta(days=3)).isoformat()
        return {"data": {"hours": [{"client": str(sd.case_a.assignment), "date": day,
                                    "hours": hours}],
                         "according_to_schedule": "yes", "submit": True}}

    first = c.post(url, json=body(2), headers={"Idempotency-Key": key})
    assert first.status_code == 201, first.get_json()
    same = c.post(url, json=body(2), headers={"Idempotency-Key": key})
    assert same.status_code == 200 and same.get_json()["id"] == first.get_json()["id"]
    other = c.post(url, json=body(3), headers={"Idempotency-Key": key})
    assert other.status_code == 409, other.get_json()
    assert other.get_json()["errors"]["idempotency_key"]
    assert _count(app, Submission, Submission.idempotency_key == key) == 1

