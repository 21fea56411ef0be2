"""Hours reported by an employer reach the client's own data (real Chromium, three users).

An employer fills the server-rendered "hours worked" form, the responsible Officer accepts
the submission from the inbox, and the client then sees the confirmed hours grow by exactly
the hours reported. Each user has a browser context of their own (own cookies).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask

from portal.models import Employer, EmployerType, HoursLog, Submission, SubmissionStatus
from portal.services.access import Role
from tests.browser.conftest import portal_login
from tests.factories import ensure_user, make_case
from tests.integration.submission_data import load_forms

#: hours per reported row; 2.5 checks that a decimal survives the whole way
REPORTED = (Decimal("2.5"), Decimal("3"))


@dataclass
class Flow:
    """The parties of one run: the employer's and the client's usernames, the assignment."""

    employer_user: str
    client_user: str
    assignment: int
    client_name: str


@pytest.fixture()
def flow(app: Flask, unique: str) -> Flow:
    """An employer with an active work assignment on a unit A case of the test Officer."""
    base = app.config["BASE_DATA"]
    with app.app_context():
        from portal.extensions import db

        session = db.session
        load_forms(session)  # portal.services.intake.forms.load_forms over formdefs/
        employer = Employer(name=f"Stundu SIA {unique}", employer_type=EmployerType.ASSOCIATION,
                            unit_id=base.unit_a)
        session.add(employer)
        session.commit()
        records = make_case(session, unit_id=base.unit_a, officer_id=base.users[Role.OFFICER],
                            mediator_id=None, employer_id=employer.id,
                            surname=f"Stundiņa{unique}", given="Anna")
        session.commit()
        sm = app.appbuilder.sm
        data = Flow(
            employer_user=f"t_hf_emp_{unique}",
            client_user=f"t_hf_cli_{unique}",
            assignment=records.assignment,
            client_name=f"Anna Stundiņa{unique}",
        )
        ensure_user(sm, data.employer_user, Role.EMPLOYER, employer_id=employer.id)
        ensure_user(sm, data.client_user, Role.CLIENT, client_id=records.client)
        session.remove()
    return data


def _confirmed_total(page: Any) -> Decimal:
    """The "done" number of the first case's "X of Y hours" line on /portal/my-data."""
    page.goto("/portal/my-data")
    text = page.locator("dd.hours strong").first.inner_text()
    match = re.search(r"\d+(?:[.,]\d+)?", text)
    assert match, f"no hours total in {text!r}"
    return Decimal(match.group(0).replace(",", "."))


def test_employer_hours_accepted_by_officer_show_in_client_data(
    app: Flask, flow: Flow, open_page: Callable[..., Any]
) -> None:
    today = dt.date.today()
    dates = (today - dt.timedelta(days=10), today - dt.timedelta(days=9))

    # The client's total before anything is reported.
    client = open_page()
    portal_login(client, flow.client_user, portal=True)
    before = _confirmed_total(client)

    # The employer reports two days of work on the server-rendered form.
    employer = open_page()
    portal_login(employer, flow.employer_user, portal=True)
    employer.goto("/portal/forms/hours_worked")
    employer.locator("select[name='hours[0][client]']").select_option(str(flow.assignment))
    with employer.expect_navigation():
        employer.click("button[name='plus.add_row'][value='hours']")  # a round trip
    employer.locator("select[name='hours[1][client]']").wait_for()
    for row, (day, hours) in enumerate(zip(dates, REPORTED, strict=True)):
        employer.select_option(f"select[name='hours[{row}][client]']", str(flow.assignment))
        employer.fill(f"input[name='hours[{row}][date]']", day.isoformat())
        employer.fill(f"input[name='hours[{row}][hours]']", str(hours))
    employer.check("input[name='according_to_schedule'][value='yes']")
    with employer.expect_navigation():
        employer.click(".actions button[name='plus.submit']")
    match = re.search(r"/portal/submissions/(\d+)$", urlsplit(employer.url).path)
    assert match, f"not on the submission page after submitting: {employer.url}"
    submission_id = int(match.group(1))

    # The Officer opens it from the inbox and accepts it.
    officer = open_page()
    portal_login(officer, Role.OFFICER)
    officer.goto("/inbox/")
    with officer.expect_navigation():
        officer.click(f"#inbox a[href$='/inbox/{submission_id}']")
    assert officer.locator("#proposed-changes tbody tr").count() == len(REPORTED)
    assert officer.locator("#proposed-changes tr.danger").count() == 0
    with officer.expect_navigation():
        officer.click("#accept-form button[type=submit]")
    assert officer.locator("#accept-form").count() == 0  # decided: nothing left to accept

    with app.app_context():
        from portal.extensions import db

        stored = db.session.get(Submission, submission_id)
        assert stored.status == SubmissionStatus.ACCEPTED
        logs = (
            db.session.query(HoursLog)
            .filter(HoursLog.assignment_id == flow.assignment, HoursLog.work_date.in_(dates))
            .order_by(HoursLog.work_date)
            .all()
        )
        assert [(log.work_date, log.hours, log.confirmed) for log in logs] == [
            (day, hours, True) for day, hours in zip(dates, REPORTED, strict=True)
        ]
        db.session.remove()

    # The client sees the confirmed total grown by exactly the hours reported.
    assert _confirmed_total(client) == before + sum(REPORTED)
