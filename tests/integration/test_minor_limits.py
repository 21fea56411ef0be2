"""Minors' limits of community work: employer, kind of work, hours a day and a week.

One rule (``portal.services.work.limits``), refused alike on the screens (beside the field),
in the REST API (422 under the field), in the portal (422 under the row's hours) and on any
other path that flushes a row (the guard).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
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
    Decision,
    DecisionType,
    Employer,
    EmployerType,
    Gender,
    HoursLog,
    ReportedBy,
    WorkAssignment,
    WorkKind,
    WorkScheduleEntry,
)
from portal.services.access import Role
from portal.services.errors import ValidationFailed
from portal.services.work import limits as work_limits
from tests.factories import PASSWORD, ensure_user, new_code
from tests.integration.submission_data import submission_data

# A week of work (Monday 2 March 2026 to Sunday 8 March 2026).
MONDAY = dt.date(2026, 3, 2)


@dataclass
class Minors:
    unit: int
    officer: int
    adults_only: int  # employer not accepting minors
    for_minors: int  # employer accepting minors
    portal_user: str  # the minors' employer's portal login
    case14: int
    case15: int
    adult_case: int
    assignment14: int
    assignment15: int
    adult_assignment: int


def _client(session: Any, unit: int, born: dt.date, surname: str) -> Client:
    client = Client(given_name="Bērns", surname=surname, personal_code=new_code(born),
                    birth_date=born, gender=Gender.MALE, unit_id=unit)
    session.add(client)
    session.flush()
    return client


def _case(session: Any, client: Client, unit: int, officer: int, function: CaseFunction,
          sexual: bool = False) -> Case:
    decision = Decision(client_id=client.id, decision_type=DecisionType.COURT_JUDGMENT,
                        institution="Rīgas pilsētas tiesa", number=f"M-{uuid.uuid4().hex[:8]}",
                        decision_date=MONDAY - dt.timedelta(days=40), community_work_hours=40,
                        sexual_offence=sexual)
    session.add(decision)
    session.flush()
    case = Case(number=f"PL-2026-9{client.id:05d}", client_id=client.id, function=function,
                status=CaseStatus.ACTIVE, start_date=MONDAY - dt.timedelta(days=30),
                officer_id=officer, unit_id=unit, decision_id=decision.id,
                hours_ordered=Decimal(40))
    session.add(case)
    session.flush()
    return case


@pytest.fixture(scope="module")
def minors(app: Flask) -> Minors:
    cached = app.config.get("MINORS_DATA")
    if cached is not None:
        return cached
    submission_data(app)  # the shipped portal forms
    base = app.config["BASE_DATA"]
    with app.app_context():
        session = db.session
        unit, officer = base.unit_a, base.users[Role.OFFICER]
        adults_only = Employer(name="Pieaugušo darbi", unit_id=unit, accepts_minors=False,
                               employer_type=EmployerType.MUNICIPAL_INSTITUTION)
        for_minors = Employer(name="Jauniešu centrs", unit_id=unit, accepts_minors=True,
                              employer_type=EmployerType.MUNICIPAL_INSTITUTION)
        session.add_all([adults_only, for_minors])
        session.flush()
        c14 = _client(session, unit, dt.date(2011, 6, 1), "Četrpadsmit")
        c15 = _client(session, unit, dt.date(2010, 6, 1), "Piecpadsmit")
        adult = _client(session, unit, dt.date(1995, 6, 1), "Pieaugušais")
        case14 = _case(session, c14, unit, officer, CaseFunction.COMMUNITY_WORK)
        case15 = _case(session, c15, unit, officer, CaseFunction.COMMUNITY_WORK)
        adult_case = _case(session, adult, unit, officer, CaseFunction.FORCED_LABOUR, sexual=True)
        rows = [
            WorkAssignment(case_id=c.id, employer_id=emp.id, work_kind=WorkKind.CLEANING,
                           work_type="Teritorijas sakopšana", place="Parks",
                           start_date=MONDAY - dt.timedelta(days=20))
            for c, emp in ((case14, for_minors), (case15, for_minors), (adult_case, adults_only))
        ]
        session.add_all(rows)
        session.commit()
        data = Minors(
            unit=unit, officer=officer, adults_only=adults_only.id, for_minors=for_minors.id,
            portal_user="t_minor_employer",
            case14=case14.id, case15=case15.id, adult_case=adult_case.id,
            assignment14=rows[0].id, assignment15=rows[1].id, adult_assignment=rows[2].id,
        )
        ensure_user(app.appbuilder.sm, data.portal_user, Role.EMPLOYER,
                    employer_id=for_minors.id)
        session.remove()
    app.config["MINORS_DATA"] = data
    return data


@pytest.fixture()
def session(app: Flask) -> Iterator[Any]:
    with app.test_request_context():
        yield db.session
        db.session.rollback()
        db.session.remove()


def _count(app: Flask, model: type, *where: Any) -> int:
    with app.app_context():
        n = db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()
        db.session.remove()
    return n


# --- the rule -------------------------------------------------------------------------------


def test_limits_come_from_the_configuration(app: Flask) -> None:
    with app.app_context():
        assert work_limits.minor_limit(dt.date(2011, 6, 1), MONDAY) == work_limits.HoursLimit(
            11, Decimal(4), Decimal(20))
        assert work_limits.minor_limit(dt.date(2010, 6, 1), MONDAY).per_day == Decimal(7)
        assert work_limits.minor_limit(dt.date(2008, 3, 2), MONDAY) is None  # 18 that day
        assert WorkKind.CONSTRUCTION in work_limits.minors_excluded_kinds()
        old = app.config.get("MINOR_HOURS_LIMITS")
        app.config["MINOR_HOURS_LIMITS"] = "11:1:5"
        try:
            assert work_limits.minor_limit(dt.date(2010, 6, 1), MONDAY).per_week == Decimal(5)
        finally:
            app.config["MINOR_HOURS_LIMITS"] = old


def test_a_minor_only_with_an_employer_that_accepts_minors(minors: Minors, session: Any) -> None:
    case = session.get(Case, minors.case15)
    with pytest.raises(ValidationFailed) as exc:
        work_limits.check_assignment(session, case=case,
                                     employer=session.get(Employer, minors.adults_only),
                                     work_kind=WorkKind.CLEANING, start_date=MONDAY)
    assert exc.value.field == "employer"
    work_limits.check_assignment(session, case=case,
                                 employer=session.get(Employer, minors.for_minors),
                                 work_kind=WorkKind.CLEANING, start_date=MONDAY)


def test_excluded_kinds_for_minors_and_after_a_sexual_offence(minors: Minors,
                                                              session: Any) -> None:
    for case_id, kind, employer in (
        (minors.case15, WorkKind.CONSTRUCTION, minors.for_minors),
        (minors.case15, None, minors.for_minors),
        (minors.adult_case, WorkKind.WORK_WITH_CHILDREN, minors.adults_only),
    ):
        with pytest.raises(ValidationFailed) as exc:
            work_limits.check_assignment(session, case=session.get(Case, case_id),
                                         employer=session.get(Employer, employer),
                                         work_kind=kind, start_date=MONDAY)
        assert exc.value.field == "work_kind"
    # An adult without such a conviction may do the work.
    work_limits.check_assignment(session, case=session.get(Case, minors.adult_case),
                                 employer=session.get(Employer, minors.adults_only),
                                 work_kind=WorkKind.CONSTRUCTION, start_date=MONDAY)


def test_the_guard_refuses_any_path_that_stores_beyond_the_limits(minors: Minors,
                                                                  session: Any) -> None:
    session.add(HoursLog(assignment_id=minors.assignment14, work_date=MONDAY + dt.timedelta(5),
                         hours=Decimal(5), reported_by=ReportedBy.OFFICER))
    with pytest.raises(ValidationFailed):
        session.flush()
    session.rollback()
    session.add(WorkAssignment(case_id=minors.case14, employer_id=minors.adults_only,
                               work_kind=WorkKind.CLEANING, work_type="Darbs", place="Parks",
                               start_date=MONDAY))
    with pytest.raises(ValidationFailed):
        session.flush()
    session.rollback()
    # An adult's long day is no minor's concern.
    session.add(HoursLog(assignment_id=minors.adult_assignment, work_date=MONDAY,
                         hours=Decimal(8), reported_by=ReportedBy.OFFICER))
    session.flush()


def test_the_week_counts_every_day_and_every_referral(minors: Minors, session: Any) -> None:
    # A 14-year-old: 4 hours a day, 20 a week. Four planned days of 4 hours leave 4.
    for i in range(4):
        session.add(WorkScheduleEntry(assignment_id=minors.assignment14,
                                      work_date=MONDAY + dt.timedelta(days=7 + i),
                                      planned_hours=Decimal(4)))
    session.flush()
    assignment = session.get(WorkAssignment, minors.assignment14)
    work_limits.check_day_hours(session, model=WorkScheduleEntry, assignment=assignment,
                                work_date=MONDAY + dt.timedelta(days=11), hours=Decimal(4))
    session.add(WorkScheduleEntry(assignment_id=minors.assignment14,
                                  work_date=MONDAY + dt.timedelta(days=11),
                                  planned_hours=Decimal(4)))
    session.flush()
    with pytest.raises(ValidationFailed) as exc:
        work_limits.check_day_hours(session, model=WorkScheduleEntry, assignment=assignment,
                                    work_date=MONDAY + dt.timedelta(days=12),
                                    hours=Decimal("0.5"), field="planned_hours")
    assert exc.value.field == "planned_hours"
    assert "20" in str(exc.value.message)
    # Editing a stored day does not count that day twice.
    entry = session.execute(select(WorkScheduleEntry).where(
        WorkScheduleEntry.assignment_id == minors.assignment14,
        WorkScheduleEntry.work_date == MONDAY + dt.timedelta(days=7))).scalar_one()
    work_limits.check_day_hours(session, model=WorkScheduleEntry, assignment=assignment,
                                work_date=entry.work_date, hours=Decimal(4),
                                exclude_id=entry.id)


# --- screens ---------------------------------------------------------------------------------


def test_screens_refuse_beside_the_field(app: Flask, minors: Minors, login_as: Any) -> None:
    from tests.integration.test_bad_input import assert_refused

    officer = login_as(Role.OFFICER)
    before = _count(app, WorkAssignment)
    resp = officer.post("/workassignmentview/add", data={
        "case": str(minors.case15), "employer": str(minors.adults_only),
        "work_kind": "cleaning", "work_type": "Sakopšana", "place": "Parks",
        "start_date": MONDAY.isoformat(),
    })
    assert_refused(resp, "employer", "nepieņem nepilngadīgos",
                   kept={"work_type": "Sakopšana", "place": "Parks"})
    resp = officer.post("/workassignmentview/add", data={
        "case": str(minors.case15), "employer": str(minors.for_minors),
        "work_kind": "work_at_height", "work_type": "Jumta tīrīšana", "place": "Skola",
        "start_date": MONDAY.isoformat(),
    })
    assert_refused(resp, "work_kind", "nepilngadīgajam")
    assert _count(app, WorkAssignment) == before

    before = _count(app, HoursLog)
    resp = officer.post("/hourslogview/add", data={
        "assignment": str(minors.assignment14), "work_date": MONDAY.isoformat(),
        "hours": "5", "reported_by": "officer", "note": "Garā diena",
    })
    assert_refused(resp, "hours", "ne vairāk kā 4", kept={"note": "Garā diena"})
    resp = officer.post("/workscheduleentryview/add", data={
        "assignment": str(minors.assignment15), "work_date": MONDAY.isoformat(),
        "planned_hours": "8",
    })
    assert_refused(resp, "planned_hours", "ne vairāk kā 7")
    assert _count(app, HoursLog) == before
    ok = officer.post("/hourslogview/add", data={
        "assignment": str(minors.assignment15), "work_date": (MONDAY + dt.timedelta(1)).isoformat(),
        "hours": "4", "reported_by": "officer",
    })
    assert ok.status_code == 302


# --- API -------------------------------------------------------------------------------------


def test_the_api_refuses_with_422_under_the_field(app: Flask, minors: Minors,
                                                  login_as: Any) -> None:
    officer = login_as(Role.OFFICER)
    resp = officer.post("/api/v1/hours_log/", json={
        "assignment": minors.assignment14, "work_date": (MONDAY + dt.timedelta(2)).isoformat(),
        "hours": 4.5})
    assert resp.status_code == 422, resp.get_data(as_text=True)
    assert "hours" in resp.get_json()["message"]
    resp = officer.post("/api/v1/work_assignment/", json={
        "case": minors.case14, "employer": minors.adults_only, "work_kind": "cleaning",
        "work_type": "Darbs", "place": "Parks", "start_date": MONDAY.isoformat()})
    assert resp.status_code == 422
    assert "employer" in resp.get_json()["message"]
    resp = officer.post("/api/v1/hours_log/", json={
        "assignment": minors.assignment14, "work_date": (MONDAY + dt.timedelta(2)).isoformat(),
        "hours": 2})
    assert resp.status_code == 201, resp.get_data(as_text=True)
    # Another unit's officer may not add to the case at all.
    other = login_as("OfficerB")
    resp = other.post("/api/v1/hours_log/", json={
        "assignment": minors.assignment15, "work_date": (MONDAY + dt.timedelta(3)).isoformat(),
        "hours": 1})
    assert resp.status_code in (403, 422)
    assert _count(app, HoursLog, HoursLog.assignment_id == minors.assignment15,
                  HoursLog.work_date == MONDAY + dt.timedelta(3)) == 0


# --- portal ----------------------------------------------------------------------------------


def test_the_portal_refuses_an_hours_report_beyond_the_limits(app: Flask,
                                                              minors: Minors) -> None:
    c = app.test_client()
    assert c.post("/portal/login", data={"username": minors.portal_user,
                                         "password": PASSWORD}).status_code in (302, 303)
    day = (MONDAY + dt.timedelta(days=14)).isoformat()
    data = {"hours": [
        {"client": str(minors.assignment14), "date": day, "hours": 3},
        {"client": str(minors.assignment14), "date": day, "hours": 2},
    ], "according_to_schedule": "yes", "submit": True}
    resp = c.post("/api/v1/forms/hours_worked/submissions?_l_=en", json={"data": data},
                  headers={"Idempotency-Key": uuid.uuid4().hex})
    assert resp.status_code == 422, resp.get_data(as_text=True)
    errors = resp.get_json()["errors"]
    # The second row takes the day beyond 4 hours; the first is within the limit.
    assert list(errors) == ["hours[1].hours"], errors
    data["hours"] = data["hours"][:1]
    resp = c.post("/api/v1/forms/hours_worked/submissions", json={"data": data},
                  headers={"Idempotency-Key": uuid.uuid4().hex})
    assert resp.status_code == 201, resp.get_data(as_text=True)


# --- suitable work ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def works(app: Flask, minors: Minors) -> dict[str, int]:
    from portal.models import PriorityWork, Vacancy

    with app.app_context():
        rows = {
            "green": Vacancy(employer_id=minors.for_minors, title="Dārza kopšana skolā",
                             work_kind=WorkKind.GREEN_AREAS, suitable_for_minors=True),
            "adults": Vacancy(employer_id=minors.adults_only, title="Noliktavas darbi",
                              work_kind=WorkKind.CLEANING, suitable_for_minors=False),
            "children": Vacancy(employer_id=minors.adults_only, title="Bērnudārza teritorija",
                                work_kind=WorkKind.WORK_WITH_CHILDREN),
            # As the portal's vacancy form leaves it: no kind of work.
            "portal": Vacancy(employer_id=minors.adults_only, title="Palīgstrādnieks"),
            "roof": PriorityWork(employer_id=minors.for_minors, title="Jumta remonts",
                                 work_kind=WorkKind.CONSTRUCTION),
            "clean": PriorityWork(employer_id=minors.for_minors, title="Pludmales sakopšana",
                                  work_kind=WorkKind.CLEANING),
        }
        db.session.add_all(rows.values())
        db.session.commit()
        ids = {k: v.id for k, v in rows.items()}
        db.session.remove()
    return ids


def _proposed(session: Any, case_id: int, **criteria: Any) -> list[tuple[str, int]]:
    from portal.services.work import suitable as suitable_work

    case = session.get(Case, case_id)
    found = suitable_work.propose(session, case, suitable_work.Criteria(**criteria),
                                  today=MONDAY)
    return [(p.source, p.record_id) for p in found]


def test_suitable_work_leaves_out_what_the_client_may_not_do(minors: Minors, works: dict,
                                                             session: Any) -> None:
    minor = _proposed(session, minors.case15)
    assert ("vacancy", works["green"]) in minor and ("priority", works["clean"]) in minor
    for excluded in (("vacancy", works["adults"]), ("vacancy", works["children"]),
                     ("vacancy", works["portal"]), ("priority", works["roof"])):
        assert excluded not in minor
    adult = _proposed(session, minors.adult_case)
    assert ("vacancy", works["portal"]) in adult  # reported through the portal
    assert ("vacancy", works["children"]) not in adult  # after a sexual offence
    assert ("priority", works["roof"]) in adult
    healthy = _proposed(session, minors.adult_case,
                        health_excluded=frozenset({WorkKind.CONSTRUCTION}))
    assert ("priority", works["roof"]) not in healthy
    # The municipality's priority ranks first, unless the skills match a vacancy better.
    assert minor[0][0] == "priority"
    assert _proposed(session, minors.case15, skills="dārzs, kopšana")[0] == (
        "vacancy", works["green"])


def test_the_officer_picks_and_the_referral_is_made(app: Flask, minors: Minors, works: dict,
                                                    login_as: Any) -> None:
    officer = login_as(Role.OFFICER)
    page = officer.get(f"/suitable-work/{minors.case15}")
    assert page.status_code == 200 and "Dārza kopšana skolā" in page.get_data(as_text=True)
    before = _count(app, WorkAssignment, WorkAssignment.case_id == minors.case15)
    resp = officer.post(f"/suitable-work/{minors.case15}", data={"start_date": "2026-03-09"})
    assert resp.status_code == 200 and 'id="work-error"' in resp.get_data(as_text=True)
    # Work the rules exclude cannot be forced in through the form either.
    resp = officer.post(f"/suitable-work/{minors.case15}",
                        data={"work": f"priority:{works['roof']}", "start_date": "2026-03-09"})
    assert resp.status_code == 200 and 'id="work-error"' in resp.get_data(as_text=True)
    resp = officer.post(f"/suitable-work/{minors.case15}",
                        data={"work": f"vacancy:{works['green']}", "start_date": "2026-03-09"})
    assert resp.status_code == 302 and "/workassignmentview/edit/" in resp.headers["Location"]
    assert _count(app, WorkAssignment, WorkAssignment.case_id == minors.case15) == before + 1
    assert login_as("OfficerB").get(f"/suitable-work/{minors.case15}").status_code == 404
