"""Hours are reported and confirmed only for days that have come and on which the referral runs.

One rule (``portal.services.work.limits.check_work_day``), refused alike on the screens (beside
the date), in the REST API (422 under the date), in the portal (422 under the row's date, and
the shipped form's calendar stops at today) and when an officer accepts or confirms hours.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import HoursLog, ReportedBy, Submission, WorkAssignment
from portal.services.access import Role
from portal.services.casework.rules import today as service_today
from portal.services.errors import ValidationFailed
from portal.services.work import limits as work_limits
from tests.factories import PASSWORD
from tests.integration import test_minor_limits
from tests.integration.submission_data import FORMDEFS
from tests.integration.test_minor_limits import Minors

#: the minors' referrals of the limits' tests (one adult's too), shared through the app
minors = test_minor_limits.minors


def _count(app: Flask, *where: Any) -> int:
    with app.app_context():
        n = db.session.execute(select(func.count()).select_from(HoursLog).where(*where))
        result = n.scalar_one()
        db.session.remove()
        return result


def _start(app: Flask, assignment_id: int) -> dt.date:
    with app.app_context():
        start = db.session.get(WorkAssignment, assignment_id).start_date
        db.session.remove()
        return start


def test_the_rule(app: Flask, minors: Minors) -> None:
    today = dt.date(2026, 3, 14)
    with app.test_request_context():
        assignment = db.session.get(WorkAssignment, minors.adult_assignment)
        start = assignment.start_date
        work_limits.check_work_day(db.session, assignment=assignment, work_date=today,
                                   today=today)
        work_limits.check_work_day(db.session, assignment=assignment, work_date=start,
                                   today=max(start, today))
        with pytest.raises(ValidationFailed) as later:
            work_limits.check_work_day(db.session, assignment=assignment,
                                       work_date=today + dt.timedelta(days=1), today=today)
        assert later.value.field == "work_date"
        assert "pēc šodienas (14.03.2026)" in str(later.value.message)
        with pytest.raises(ValidationFailed) as before:
            work_limits.check_work_day(db.session, assignment=assignment,
                                       work_date=start - dt.timedelta(days=1),
                                       today=max(start, today))
        assert start.strftime("%d.%m.%Y") in str(before.value.message)
        db.session.remove()


def test_screens_refuse_beside_the_date(app: Flask, minors: Minors, login_as: Any) -> None:
    from tests.integration.test_bad_input import assert_refused

    officer = login_as(Role.OFFICER)
    tomorrow = service_today() + dt.timedelta(days=1)
    start = _start(app, minors.adult_assignment)
    before = _count(app)
    resp = officer.post("/hourslogview/add", data={
        "assignment": str(minors.adult_assignment), "work_date": tomorrow.isoformat(),
        "hours": "3", "reported_by": "officer", "note": "Rītdienas darbs",
    })
    assert_refused(resp, "work_date", "pēc šodienas", kept={"note": "Rītdienas darbs"})
    resp = officer.post("/hourslogview/add", data={
        "assignment": str(minors.adult_assignment),
        "work_date": (start - dt.timedelta(days=1)).isoformat(),
        "hours": "3", "reported_by": "officer",
    })
    assert_refused(resp, "work_date", "pirms norīkojuma sākuma")
    assert _count(app) == before
    # In English too, beside the same field.
    officer.get("/lang/en")
    resp = officer.post("/hourslogview/add", data={
        "assignment": str(minors.adult_assignment), "work_date": tomorrow.isoformat(),
        "hours": "3", "reported_by": "officer",
    })
    assert_refused(resp, "work_date", "after today")
    officer.get("/lang/lv")


def test_confirming_hours_of_a_day_to_come_is_refused(app: Flask, minors: Minors,
                                                      login_as: Any) -> None:
    """A report stored before the rule (written past the guard) cannot be confirmed."""
    tomorrow = service_today() + dt.timedelta(days=1)
    with app.app_context():
        row = db.session.execute(HoursLog.__table__.insert().values(
            assignment_id=minors.adult_assignment, work_date=tomorrow, hours=Decimal(2),
            reported_by=ReportedBy.EMPLOYER.value, confirmed=False,
            created_at=dt.datetime.now(dt.UTC), updated_at=dt.datetime.now(dt.UTC),
        ).returning(HoursLog.id))
        pk = row.scalar_one()
        db.session.commit()
        # The guard on every flush: confirming it in a service or a task is refused.
        log = db.session.get(HoursLog, pk)
        log.confirmed = True
        with pytest.raises(ValidationFailed):
            db.session.flush()
        db.session.rollback()
        db.session.remove()
    officer = login_as(Role.OFFICER)
    resp = officer.post(f"/hourslogview/edit/{pk}", data={
        "assignment": str(minors.adult_assignment), "work_date": tomorrow.isoformat(),
        "hours": "2", "reported_by": "employer", "confirmed": "y",
    })
    from tests.integration.test_bad_input import assert_refused

    assert_refused(resp, "work_date", "pēc šodienas")
    assert _count(app, HoursLog.id == pk, HoursLog.confirmed.is_(True)) == 0
    with app.app_context():
        db.session.execute(HoursLog.__table__.delete().where(HoursLog.id == pk))
        db.session.commit()
        db.session.remove()


def test_the_api_refuses_with_422_under_the_date(app: Flask, minors: Minors,
                                                 login_as: Any) -> None:
    officer = login_as(Role.OFFICER)
    tomorrow = service_today() + dt.timedelta(days=1)
    start = _start(app, minors.adult_assignment)
    for day in (tomorrow, start - dt.timedelta(days=1)):
        resp = officer.post("/api/v1/hours_log/", json={
            "assignment": minors.adult_assignment, "work_date": day.isoformat(), "hours": 2})
        assert resp.status_code == 422, resp.get_data(as_text=True)
        assert "work_date" in resp.get_json()["message"], resp.get_json()
    assert _count(app, HoursLog.assignment_id == minors.adult_assignment,
                  HoursLog.work_date.in_([tomorrow, start - dt.timedelta(days=1)])) == 0


def _portal(app: Flask, minors: Minors) -> Any:
    c = app.test_client()
    assert c.post("/portal/login", data={"username": minors.portal_user,
                                         "password": PASSWORD}).status_code in (302, 303)
    return c


def test_the_portal_refuses_a_day_to_come_or_before_the_start(app: Flask,
                                                              minors: Minors) -> None:
    c = _portal(app, minors)
    tomorrow = service_today() + dt.timedelta(days=1)
    start = _start(app, minors.assignment15)
    data = {"hours": [
        {"client": str(minors.assignment15), "date": service_today().isoformat(), "hours": 1},
        {"client": str(minors.assignment15), "date": tomorrow.isoformat(), "hours": 1},
        {"client": str(minors.assignment15),
         "date": (start - dt.timedelta(days=1)).isoformat(), "hours": 1},
    ], "according_to_schedule": "yes", "submit": True}
    before = _count(app)
    resp = c.post("/api/v1/forms/hours_worked/submissions?_l_=en", json={"data": data},
                  headers={"Idempotency-Key": uuid.uuid4().hex})
    assert resp.status_code == 422, resp.get_data(as_text=True)
    errors = resp.get_json()["errors"]
    # The form's own bound (maxDate "moment()") refuses the day to come; the service refuses
    # the day before the referral starts (the form cannot know which referral a row names).
    assert list(errors) == ["hours[1].date"], errors
    assert "after" in errors["hours[1].date"][0]
    data["hours"] = [data["hours"][0], data["hours"][2]]
    resp = c.post("/api/v1/forms/hours_worked/submissions", json={"data": data},
                  headers={"Idempotency-Key": uuid.uuid4().hex})
    assert resp.status_code == 422, resp.get_data(as_text=True)
    assert list(resp.get_json()["errors"]) == ["hours[1].date"]
    assert "pirms norīkojuma sākuma" in resp.get_json()["errors"]["hours[1].date"][0]
    assert _count(app) == before


def test_the_portal_form_page_stops_the_calendar_at_today(app: Flask, minors: Minors) -> None:
    c = _portal(app, minors)
    page = c.get("/portal/forms/hours_worked").get_data(as_text=True)
    assert f'max="{service_today().isoformat()}"' in page
    # The shipped form says so to @formio/js as well: its calendar reads the same bound.
    shipped = json.loads((FORMDEFS / "hours_worked.json").read_text(encoding="utf-8"))
    grid = next(comp for comp in shipped["components"] if comp["key"] == "hours")
    day = next(comp for comp in grid["components"] if comp["key"] == "date")
    assert day["datePicker"]["maxDate"] == day["widget"]["maxDate"] == "moment()"


def test_accepting_a_report_of_a_day_to_come_is_refused(app: Flask, minors: Minors,
                                                        login_as: Any) -> None:
    """A report received before the rule (its day then still to come) is not counted."""
    c = _portal(app, minors)
    today = service_today()
    data = {"hours": [{"client": str(minors.assignment15), "date": today.isoformat(),
                       "hours": 1}], "according_to_schedule": "yes", "submit": True}
    resp = c.post("/api/v1/forms/hours_worked/submissions", json={"data": data},
                  headers={"Idempotency-Key": uuid.uuid4().hex})
    assert resp.status_code == 201, resp.get_data(as_text=True)
    sid = resp.get_json()["id"]
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    with app.app_context():
        submission = db.session.get(Submission, sid)
        stored = json.loads(json.dumps(submission.data))
        stored["hours"][0]["date"] = tomorrow
        submission.data = stored
        db.session.commit()
        db.session.remove()
    before = _count(app)
    officer = login_as(Role.OFFICER)
    resp = officer.post(f"/inbox/{sid}/accept", follow_redirects=True)
    assert resp.status_code in (200, 422), resp.status_code
    from tests.integration.raw_values import visible_text

    text = " ".join(visible_text(resp.get_data(as_text=True)))
    assert "pēc šodienas" in text, text[-1500:]
    assert _count(app) == before
    with app.app_context():
        assert db.session.get(Submission, sid).status.value != "accepted"
        db.session.remove()
