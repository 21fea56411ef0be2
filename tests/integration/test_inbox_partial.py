"""The inbox offers only what the officer may do with an item.

Opening an item only reads it ("take into processing" is its own action); "accept" is offered
when the officer may apply every change, otherwise the page says why and lets them apply the
changes they may; the rest wait for the responsible officer, and nothing is applied twice.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from portal.models import HoursLog, PlusUser, Submission, SubmissionStatus, WorkAssignment
from portal.services.access import Role
from portal.services.intake import submissions
from tests.factories import make_case
from tests.integration.submission_data import SubmissionData, submission_data
from tests.integration.test_access_matrix import OFFICER2


def _two_officers_report(app: Flask, base: Any) -> tuple[int, int, int, str]:
    """An employer's hours report with one row on Officer's case, one on Officer2's."""
    from portal.extensions import db

    sd: SubmissionData = submission_data(app)
    day = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    with app.test_request_context():
        employer_id = db.session.get(WorkAssignment, sd.case_a.assignment).employer_id
        other = make_case(db.session, unit_id=base.unit_a, officer_id=base.users[OFFICER2],
                          mediator_id=None, employer_id=employer_id, surname="Kalna",
                          given="Anna")
        db.session.commit()
        data = {"hours": [{"client": str(sd.case_a.assignment), "date": day, "hours": 2},
                          {"client": str(other.assignment), "date": day, "hours": 3}],
                "according_to_schedule": "yes", "submit": True}
        result = submissions.submit(
            db.session, user=db.session.get(PlusUser, sd.employer_user_id),
            form_key="hours_worked", data=data, idempotency_key=uuid.uuid4().hex, locale="lv")
        assert result.submission is not None, result
        sid = result.submission.id
        db.session.remove()
    return sid, sd.case_a.assignment, other.assignment, day


def _hours(app: Flask, assignment: int, day: str) -> int:
    from portal.extensions import db

    with app.app_context():
        n = db.session.execute(select(func.count()).select_from(HoursLog).where(
            HoursLog.assignment_id == assignment,
            HoursLog.work_date == dt.date.fromisoformat(day))).scalar_one()
        db.session.remove()
    return n


def _status(app: Flask, sid: int) -> SubmissionStatus:
    from portal.extensions import db

    with app.app_context():
        status = db.session.get(Submission, sid).status
        db.session.remove()
    return status


def test_partial_rights_apply_what_one_may_and_leave_the_rest(
    app: Flask, base: Any, login_as: Callable[[str], Any]
) -> None:
    sid, mine, theirs, day = _two_officers_report(app, base)
    officer = login_as(Role.OFFICER)
    page = officer.get(f"/inbox/{sid}").get_data(as_text=True)
    assert _status(app, sid) is SubmissionStatus.RECEIVED  # opening only reads
    assert 'id="accept-form"' not in page
    assert 'id="accept-why"' in page and 'id="apply-permitted-form"' in page
    assert 'id="take-form"' in page

    assert officer.post(f"/inbox/{sid}/take").status_code == 302
    assert _status(app, sid) is SubmissionStatus.IN_PROCESSING
    assert officer.post(f"/inbox/{sid}/accept").status_code == 302  # refused, flashed
    assert _status(app, sid) is SubmissionStatus.IN_PROCESSING
    assert _hours(app, mine, day) == 0

    assert officer.post(f"/inbox/{sid}/apply-permitted").status_code == 302
    assert _status(app, sid) is SubmissionStatus.IN_PROCESSING
    assert (_hours(app, mine, day), _hours(app, theirs, day)) == (1, 0)

    colleague = login_as(OFFICER2)
    page = colleague.get(f"/inbox/{sid}").get_data(as_text=True)
    assert 'id="accept-form"' in page and 'id="take-form"' not in page
    assert colleague.post(f"/inbox/{sid}/accept").status_code == 302
    assert _status(app, sid) is SubmissionStatus.ACCEPTED
    assert (_hours(app, mine, day), _hours(app, theirs, day)) == (1, 1)


def test_officer_with_every_right_is_offered_accept(
    app: Flask, base: Any, login_as: Callable[[str], Any]
) -> None:
    sid, mine, theirs, day = _two_officers_report(app, base)
    manager = login_as(Role.UNIT_MANAGER)
    page = manager.get(f"/inbox/{sid}").get_data(as_text=True)
    assert 'id="accept-form"' in page and 'id="apply-permitted-form"' not in page
