"""The supervision plan in depth and the start of supervision (issue 11): each rule through
the officer's screens (refused beside the field, nothing stored) and through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import (
    Case,
    CaseFunction,
    Client,
    Document,
    DocumentType,
    GoalProgress,
    Meeting,
    MeetingGoalProgress,
    NeedArea,
    PlanActivity,
    PlanGoal,
    RiskNeedsAssessment,
    SupervisionPlan,
    SupervisionStart,
    ViolationResponse,
)
from portal.services.access import Role
from portal.services.supervision import assessment, plan, start
from tests.factories import make_case

TODAY = dt.date.today()


@pytest.fixture(scope="module", autouse=True)
def catalogues(app: Flask) -> Any:
    from portal.models import PlusUser
    from portal.services import setup
    from portal.services.supervision import catalogue

    with app.app_context():
        catalogue.ensure_catalogues(db.session)
        setup.ensure_document_templates(db.session)
        db.session.commit()
        db.session.remove()
    yield
    # The tests switch the officer's language, which is saved on the account: give it back.
    with app.app_context():
        for user in db.session.scalars(select(PlusUser).where(
                PlusUser.preferred_language.is_not(None))):
            user.preferred_language = None
        db.session.commit()
        db.session.remove()


def _case(app: Flask, base: Any, *, start_days_ago: int = 60, months: int = 12,
          born: dt.date | None = None) -> int:
    """A fresh supervision case of unit A, assigned to the base Officer, with no plan, no
    assessment and no registered start."""
    with app.app_context():
        records = make_case(db.session, unit_id=base.unit_a, officer_id=base.users[Role.OFFICER],
                            mediator_id=None, employer_id=base.employer)
        case = db.session.get(Case, records.case)
        case.function = CaseFunction.SUPERVISION_CONDITIONAL_SENTENCE
        case.start_date = TODAY - dt.timedelta(days=start_days_ago)
        case.decision.supervision_months = months
        if born is not None:
            case.client.birth_date = born
        for model in (SupervisionStart, MeetingGoalProgress, PlanActivity, PlanGoal,
                      SupervisionPlan, ViolationResponse, RiskNeedsAssessment):
            db.session.execute(model.__table__.delete().where(model.case_id == case.id))
        db.session.commit()
        return case.id


def _count(app: Flask, model: type, **where: Any) -> int:
    with app.app_context():
        stmt = select(func.count()).select_from(model)
        for key, value in where.items():
            stmt = stmt.where(getattr(model, key) == value)
        n = db.session.execute(stmt).scalar_one()
        db.session.remove()
        return n


def _assess(app: Flask, case_id: int, scored: set[NeedArea]) -> None:
    """A structured assessment that finds needs in ``scored`` only."""
    with app.app_context():
        case = db.session.get(Case, case_id)
        items = assessment.items(db.session)
        scores = {i.id: (i.max_score if i.need_area in scored else 0) for i in items}
        assessment.record(db.session, case, TODAY - dt.timedelta(days=10), scores)
        db.session.commit()
        db.session.remove()


def _plan(app: Flask, case_id: int, *, review: dt.date | None = None) -> int:
    with app.app_context():
        row = SupervisionPlan(case_id=case_id, plan_date=TODAY - dt.timedelta(days=5),
                              review_date=review or TODAY + dt.timedelta(days=80),
                              agreed_with_client=True)
        db.session.add(row)
        db.session.commit()
        return row.id


# --- the plan ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_plan_review_before_the_plan_is_refused_beside_the_field(
        app: Flask, base: Any, login_as: Any, lang: str) -> None:
    case_id = _case(app, base)
    officer = login_as(Role.OFFICER)
    officer.get(f"/lang/{lang}")
    resp = officer.post(f"/supervisionplanview/add?case_id={case_id}", data={
        "plan_date": (TODAY - dt.timedelta(days=3)).isoformat(),
        "review_date": (TODAY - dt.timedelta(days=4)).isoformat(),
        "goals": "Kopīgi sastādīts plāns"})
    html = resp.get_data(as_text=True)
    message = ("The review cannot come before the plan is made." if lang == "en"
               else "Pārskatīšana nevar būt agrāk par plāna sastādīšanu.")
    assert resp.status_code == 200 and message in html
    assert "Kopīgi sastādīts plāns" in html  # the other input is kept
    assert _count(app, SupervisionPlan, case_id=case_id) == 0


def test_plan_gets_the_usual_review_date_and_returns_to_the_plan_section(
        app: Flask, base: Any, login_as: Any) -> None:
    case_id = _case(app, base)
    officer = login_as(Role.OFFICER)
    made = TODAY - dt.timedelta(days=3)
    resp = officer.post(f"/supervisionplanview/add?case_id={case_id}", data={
        "plan_date": made.isoformat(), "agreed_with_client": "y"})
    assert resp.status_code == 302 and "#case-plans" in resp.headers["Location"]
    with app.app_context():
        row = db.session.scalars(select(SupervisionPlan).where(
            SupervisionPlan.case_id == case_id)).one()
        assert row.goals is None
        assert row.review_date == plan.default_review(made)  # PLAN_REVIEW_MONTHS
        db.session.remove()


def test_a_goal_answers_an_assessed_need_and_has_activities(
        app: Flask, base: Any, login_as: Any) -> None:
    case_id = _case(app, base)
    plan_id = _plan(app, case_id)
    officer = login_as(Role.OFFICER)
    officer.get("/lang/en")
    url = f"/supervision-plan/plan/{plan_id}/goal"
    good = {"need_area": "alcohol", "goal": "Atturēties no alkohola",
            "activities": "Apmeklēt atkarību speciālistu\nPiedalīties programmā"}
    # No structured assessment yet: the goals follow from one.
    resp = officer.post(url, data=good)
    assert resp.status_code == 200
    assert "Assess risk and needs first" in resp.get_data(as_text=True)
    assert _count(app, PlanGoal, case_id=case_id) == 0

    _assess(app, case_id, {NeedArea.ALCOHOL, NeedArea.FINANCES})
    page = officer.get(url).get_data(as_text=True)
    assert 'value="alcohol"' in page and 'value="drugs"' not in page  # only the needs found
    resp = officer.post(url, data={**good, "need_area": "drugs"})  # not offered: refused
    assert resp.status_code == 200 and 'data-field="need_area"' in resp.get_data(as_text=True)
    with app.test_request_context():
        from portal.services.errors import ValidationFailed

        with pytest.raises(ValidationFailed) as refused:
            plan.add_goal(db.session, db.session.get(SupervisionPlan, plan_id), NeedArea.DRUGS,
                          "Atturēties no narkotikām", ["Pārbaudes"])
        assert refused.value.field == "need_area"
        assert "vajadzība netika konstatēta" in str(refused.value.message)  # lv by default
        db.session.rollback()
        db.session.remove()
    resp = officer.post(url, data={**good, "activities": "  \n "})
    html = resp.get_data(as_text=True)
    assert "Give at least one activity towards the goal." in html
    assert 'data-field="activities"' in html and "Atturēties no alkohola" in html
    too_late = (TODAY + dt.timedelta(days=2000)).isoformat()
    resp = officer.post(url, data={**good, "due_date": too_late})
    assert "cannot end after the supervision ends" in resp.get_data(as_text=True)
    assert _count(app, PlanGoal, case_id=case_id) == 0

    resp = officer.post(url, data={**good, "due_date": (TODAY + dt.timedelta(days=30)).isoformat()})
    assert resp.status_code == 302 and "#case-plans" in resp.headers["Location"]
    with app.app_context():
        goal = db.session.scalars(select(PlanGoal).where(PlanGoal.case_id == case_id)).one()
        assert goal.need_area is NeedArea.ALCOHOL and goal.plan_id == plan_id
        assert [a.description for a in goal.activities] == [
            "Apmeklēt atkarību speciālistu", "Piedalīties programmā"]
        db.session.remove()
    case_page = officer.get(f"/caseview/show/{case_id}").get_data(as_text=True)
    assert "Atturēties no alkohola" in case_page and "Piedalīties programmā" in case_page
    assert f"/supervision-plan/plan/{plan_id}/goal" in case_page  # add in context
    # The change history names the new records in words.
    assert "Plan goal" in case_page and "Plan activity" in case_page


def test_progress_is_recorded_per_goal_at_a_held_meeting(
        app: Flask, base: Any, login_as: Any) -> None:
    case_id = _case(app, base)
    plan_id = _plan(app, case_id)
    _assess(app, case_id, {NeedArea.ALCOHOL, NeedArea.FINANCES})
    with app.app_context():
        the_plan = db.session.get(SupervisionPlan, plan_id)
        first = plan.add_goal(db.session, the_plan, NeedArea.ALCOHOL, "Atturēties no alkohola",
                              ["Apmeklēt speciālistu"])
        second = plan.add_goal(db.session, the_plan, NeedArea.FINANCES, "Nokārtot parādus",
                               ["Vienoties ar kreditoriem"])
        held = Meeting(case_id=case_id, held=True,
                       scheduled_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2))
        planned = Meeting(case_id=case_id, held=False,
                          scheduled_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=30))
        db.session.add_all([held, planned])
        db.session.commit()
        ids = (first.id, second.id, held.id, planned.id)
        db.session.remove()
    first_id, second_id, held_id, planned_id = ids
    officer = login_as(Role.OFFICER)
    officer.get("/lang/en")
    url = f"/supervision-plan/meeting/{held_id}/progress"
    page = officer.get(url)
    assert page.status_code == 200 and "Nokārtot parādus" in page.get_data(as_text=True)
    resp = officer.post(url, data={f"progress_{first_id}": "on_track"})
    assert resp.status_code == 200
    assert "Record how this goal is progressing." in resp.get_data(as_text=True)
    assert _count(app, MeetingGoalProgress, meeting_id=held_id) == 0
    resp = officer.post(f"/supervision-plan/meeting/{planned_id}/progress", data={
        f"progress_{first_id}": "on_track", f"progress_{second_id}": "achieved"})
    assert resp.status_code == 200
    assert _count(app, MeetingGoalProgress, meeting_id=planned_id) == 0
    resp = officer.post(url, data={f"progress_{first_id}": "on_track",
                                   f"progress_{second_id}": "not_fulfilled",
                                   f"note_{second_id}": "Nav sazinājies ar kreditoriem"})
    assert resp.status_code == 302
    with app.app_context():
        rows = {p.goal_id: p for p in db.session.scalars(select(MeetingGoalProgress).where(
            MeetingGoalProgress.meeting_id == held_id))}
        assert rows[first_id].progress is GoalProgress.ON_TRACK
        assert rows[second_id].progress is GoalProgress.NOT_FULFILLED
        assert rows[second_id].case_id == case_id
        db.session.remove()
    case_page = officer.get(f"/caseview/show/{case_id}").get_data(as_text=True)
    assert "Not being fulfilled" in case_page and "Nav sazinājies ar kreditoriem" in case_page


def test_activities_are_ticked_done_at_the_meeting(app: Flask, base: Any,
                                                   login_as: Any) -> None:
    case_id = _case(app, base)
    plan_id = _plan(app, case_id)
    _assess(app, case_id, {NeedArea.ALCOHOL})
    with app.app_context():
        goal = plan.add_goal(db.session, db.session.get(SupervisionPlan, plan_id),
                             NeedArea.ALCOHOL, "Atturēties no alkohola",
                             ["Apmeklēt speciālistu", "Piedalīties programmā"])
        held = Meeting(case_id=case_id, held=True,
                       scheduled_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2))
        db.session.add(held)
        db.session.commit()
        goal_id, held_id = goal.id, held.id
        first, second = (a.id for a in goal.activities)
        db.session.remove()
    officer = login_as(Role.OFFICER)
    url = f"/supervision-plan/meeting/{held_id}/progress"
    page = officer.get(url).get_data(as_text=True)
    assert f'name="activity_done" value="{first}"' in page and "Apmeklēt speciālistu" in page

    def done() -> dict[int, bool]:
        with app.app_context():
            rows = db.session.scalars(select(PlanActivity).where(
                PlanActivity.goal_id == goal_id)).all()
            result = {a.id: a.done for a in rows}
            db.session.remove()
            return result

    # A refused answer changes no activity either.
    resp = officer.post(url, data={"activity_done": str(first)})
    assert resp.status_code == 200 and done() == {first: False, second: False}
    assert f'value="{first}" checked' in resp.get_data(as_text=True)  # kept as ticked
    resp = officer.post(url, data={f"progress_{goal_id}": "on_track",
                                   "activity_done": str(first)})
    assert resp.status_code == 302 and done() == {first: True, second: False}
    # Unticked again at a later look: not done.
    resp = officer.post(url, data={f"progress_{goal_id}": "on_track",
                                   "activity_done": str(second)})
    assert resp.status_code == 302 and done() == {first: False, second: True}


def test_a_plan_review_due_is_on_the_worklist(app: Flask, base: Any, login_as: Any) -> None:
    case_id = _case(app, base)
    _plan(app, case_id, review=TODAY + dt.timedelta(days=3))
    with app.app_context():
        number = db.session.get(Case, case_id).number
        db.session.remove()
    officer = login_as(Role.OFFICER)
    officer.get("/lang/en")
    page = officer.get("/worklist/").get_data(as_text=True)
    heading = "Supervision plan reviews due"
    assert heading in page
    assert number in page.split(heading, 1)[1].split('class="panel-heading', 1)[0]
    case_page = officer.get(f"/caseview/show/{case_id}").get_data(as_text=True)
    assert 'id="plan-review"' in case_page


def test_review_notice_days_are_configuration(app: Flask, base: Any) -> None:
    case_id = _case(app, base)
    _plan(app, case_id, review=TODAY + dt.timedelta(days=20))
    from portal.services.supervision import due

    with app.app_context():
        scope = Case.id == case_id
        assert due.plan_reviews(db.session, scope, TODAY, 10) == []
        app.config["PLAN_REVIEW_NOTICE_DAYS"] = 30
        try:
            rows = due.plan_reviews(db.session, scope, TODAY, 10)
        finally:
            app.config["PLAN_REVIEW_NOTICE_DAYS"] = 14
        assert [r["case_id"] for r in rows] == [case_id]
        db.session.remove()


# --- the start of supervision ------------------------------------------------------------------


def _documents(app: Flask, case_id: int) -> list[str]:
    with app.app_context():
        found = [d.filename for d in db.session.scalars(
            select(Document).where(Document.case_id == case_id))]
        db.session.remove()
        return found


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_start_registration_refuses_a_future_date_beside_the_field(
        app: Flask, base: Any, login_as: Any, lang: str) -> None:
    case_id = _case(app, base)
    officer = login_as(Role.OFFICER)
    officer.get(f"/lang/{lang}")
    resp = officer.post(f"/supervision-plan/case/{case_id}/start", data={
        "registered_on": (TODAY + dt.timedelta(days=2)).isoformat(),
        "record_category": "conditional_sentence", "note": "Reģistrēts IeM IC"})
    html = resp.get_data(as_text=True)
    message = ("The date cannot be in the future." if lang == "en"
               else "Datums nevar būt nākotnē.")
    assert resp.status_code == 200 and message in html and 'data-field="registered_on"' in html
    assert "Reģistrēts IeM IC" in html
    assert _count(app, SupervisionStart, case_id=case_id) == 0


def test_registering_the_start_files_the_police_notice(app: Flask, base: Any,
                                                        login_as: Any) -> None:
    case_id = _case(app, base, born=dt.date(1985, 4, 2))
    officer = login_as(Role.OFFICER)
    page = officer.get(f"/caseview/show/{case_id}").get_data(as_text=True)
    assert 'id="register-start-link"' in page
    form = officer.get(f"/supervision-plan/case/{case_id}/start").get_data(as_text=True)
    assert 'selected value="conditional_sentence"' in form  # the function's category
    resp = officer.post(f"/supervision-plan/case/{case_id}/start", data={
        "registered_on": TODAY.isoformat(), "record_category": "conditional_sentence"})
    assert resp.status_code == 302
    with app.app_context():
        row = start.of_case(db.session, case_id)
        assert row is not None and row.registered_on == TODAY
        assert row.police_document_id is not None and not row.orphans_court
        assert row.orphans_court_document_id is None
        assert row.registered_by_id == base.users[Role.OFFICER]
        db.session.remove()
    names = _documents(app, case_id)
    assert any(n.startswith("pazinojums-policijai") for n in names)
    assert not any(n.startswith("pazinojums-barintiesai") for n in names)
    # Registered once: a second time is refused beside the date.
    resp = officer.post(f"/supervision-plan/case/{case_id}/start", data={
        "registered_on": TODAY.isoformat(), "record_category": "conditional_sentence"})
    assert resp.status_code == 200 and 'data-field="registered_on"' in resp.get_data(as_text=True)
    assert _count(app, SupervisionStart, case_id=case_id) == 1


def test_a_minor_s_start_tells_the_orphans_court_too(app: Flask, base: Any,
                                                     login_as: Any) -> None:
    sixteen = TODAY.replace(year=TODAY.year - 16) - dt.timedelta(days=3)
    case_id = _case(app, base, born=sixteen, start_days_ago=10)
    officer = login_as(Role.OFFICER)
    # The box left unticked: a minor's orphans' court is told all the same.
    resp = officer.post(f"/supervision-plan/case/{case_id}/start", data={
        "registered_on": TODAY.isoformat(), "record_category": "conditional_sentence"})
    assert resp.status_code == 302
    with app.app_context():
        row = start.of_case(db.session, case_id)
        assert row.orphans_court and row.orphans_court_document_id is not None
        doc = db.session.get(Document, row.orphans_court_document_id)
        assert doc.template_version.template.doc_type is DocumentType.ORPHANS_COURT_NOTICE
        db.session.remove()
    names = _documents(app, case_id)
    assert any(n.startswith("pazinojums-barintiesai") for n in names)


def test_an_adult_with_dependants_tells_the_orphans_court_when_the_officer_says(
        app: Flask, base: Any) -> None:
    case_id = _case(app, base, born=dt.date(1980, 1, 1))
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert not start.is_minor(case, TODAY)
        row = start.register(db.session, case, TODAY, "conditional_sentence",
                             orphans_court=True)
        assert start.documents_for(row) == [DocumentType.POLICE_NOTICE,
                                            DocumentType.ORPHANS_COURT_NOTICE]
        db.session.rollback()
        from portal.services.errors import ValidationFailed

        with pytest.raises(ValidationFailed) as refused:
            start.register(db.session, case, TODAY, "no_such_category")
        assert refused.value.field == "record_category"
        db.session.remove()


def test_start_categories_are_configuration(app: Flask) -> None:
    with app.test_request_context():
        assert "conditional_sentence" in start.categories()
        app.config["INTERIOR_RECORD_CATEGORIES"] = {"x": ("Kategorija X", "Category X")}
        try:
            assert start.category_choices() == [("x", "Kategorija X")]
            assert start.category_label("x", "en") == "Category X"
        finally:
            from config import INTERIOR_RECORD_CATEGORIES

            app.config["INTERIOR_RECORD_CATEGORIES"] = INTERIOR_RECORD_CATEGORIES


def test_a_client_with_a_new_form_code_keeps_the_birth_date_given(app: Flask) -> None:
    from portal.services.casework import rules
    from portal.services.errors import ValidationFailed

    with app.test_request_context():
        with pytest.raises(ValidationFailed) as refused:
            rules.birth_date_for("320000-12345", None)
        assert refused.value.field == "birth_date"
        assert rules.birth_date_for("320000-12345", dt.date(2005, 1, 2)) == dt.date(2005, 1, 2)
        assert rules.birth_date_for("010190-10000", None) == dt.date(1990, 1, 1)
    assert Client.__tablename__ == "client"


# --- the demo --------------------------------------------------------------------------------


def test_the_demo_seeds_plans_with_goals_reviews_due_and_progress(app: Flask,
                                                                  tmp_path: Any) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from portal.models import Model
    from portal.services.demo import supervision as demo_supervision
    from portal.services.demo.seed import seed_demo

    engine = create_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    Model.metadata.create_all(engine)
    with app.app_context(), Session(engine) as session:
        seed_demo(session, 300, 7, today=TODAY)
        session.commit()
        unit_id = session.scalars(select(Case.unit_id).where(Case.unit_id.is_not(None))
                                  .group_by(Case.unit_id)
                                  .order_by(func.count(Case.id).desc())).first()
        counts = demo_supervision.seed(session, unit_id, seed=7, today=TODAY)
        session.commit()
        assert counts["plan_goal"] > 0 and counts["meeting_goal_progress"] > 0
        assert counts["supervision_start"] > 0
        goals = list(session.scalars(select(PlanGoal)))
        assert all(g.activities for g in goals)
        # Each goal answers a need its case's assessment found.
        for g in goals:
            assert g.need_area in plan.assessed_needs(session, g.case_id)
        progress = {p.progress for p in session.scalars(select(MeetingGoalProgress))}
        assert GoalProgress.ON_TRACK in progress and len(progress) >= 2
        from portal.services.supervision import due

        reviews = due.plan_reviews(session, Case.unit_id == unit_id, TODAY, 50)
        assert reviews and all(not r["overdue"] for r in reviews)
    engine.dispose()
