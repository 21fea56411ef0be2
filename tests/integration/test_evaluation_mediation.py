"""Evaluation reports and mediation in depth (issue 11): the report's sections and workflow
(draft, reviewed by the unit manager of the case's unit, submitted; additions are versions,
submitted versions never change), the mediation agreement's terms and their follow-up on the
worklist, and where sessions are held. Through the screens where there is one (refused
beside the field, nothing stored), through the services otherwise."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import (
    AgreementFulfilment,
    Case,
    CaseFunction,
    ChangeLog,
    Document,
    EvaluationReport,
    EvaluationReportRequest,
    EvaluationReportVersion,
    Mediation,
    MediationOutcome,
    MediationSession,
    MediationTerm,
    ReportStatus,
    Requester,
    RequestStatus,
    SessionPlace,
    TermStatus,
)
from portal.models.evaluation import SECTIONS, ImmutableVersion
from portal.services.access import Role
from portal.services.casework import mediation
from tests.factories import make_case
from tests.integration.test_bad_input import LANGS, _session, assert_refused, expected

TODAY = dt.date.today()
CONTENT = {
    "thinking": "Atzīst nodarījumu.",
    "behaviour": "Uzvedība stabila.",
    "attitudes": "Motivēts mainīties.",
    "social_circumstances": "Bez darba nodarījuma laikā.",
    "victim_rights": "Kaitējums daļēji atlīdzināts.",
    "suggested_obligations": "Ierasties VPD reizi mēnesī.",
    "conclusion": "Risks zems.",
}


@pytest.fixture(scope="module")
def _sessions() -> dict[tuple[str, str], FlaskClient]:
    return {}


@pytest.fixture(scope="module", autouse=True)
def templates(app: Flask) -> None:
    from portal.services import setup

    with app.app_context():
        setup.ensure_document_templates(db.session)
        db.session.commit()
        db.session.remove()


def _as(app: Flask, cache: dict[tuple[str, str], FlaskClient], who: str,
        lang: str = "en") -> FlaskClient:
    return _session(app, cache, who, lang)


def _new_case(app: Flask, base: Any, function: CaseFunction) -> Any:
    """A fresh unit A case of the base Officer (Officer2 mediates it)."""
    with app.app_context():
        records = make_case(db.session, unit_id=base.unit_a, officer_id=base.users[Role.OFFICER],
                            mediator_id=base.users["Officer2"], employer_id=base.employer)
        case = db.session.get(Case, records.case)
        case.function = function
        db.session.commit()
        db.session.remove()
        return records


def _report(app: Flask, base: Any, **content: Any) -> tuple[int, int]:
    """(case id, report id): a fresh draft report on a new request of a new evaluation case."""
    records = _new_case(app, base, CaseFunction.EVALUATION_PRE_TRIAL)
    with app.app_context():
        request = EvaluationReportRequest(
            case_id=records.case, requester=Requester.COURT, institution="Rīgas rajona tiesa",
            received_date=TODAY, due_date=TODAY + dt.timedelta(days=20),
            status=RequestStatus.IN_PROGRESS)
        report = EvaluationReport(request=request, author_id=base.users[Role.OFFICER],
                                  **{**CONTENT, **content})
        db.session.add(report)
        db.session.commit()
        ids = (records.case, report.id)
        db.session.remove()
        return ids


def _get(app: Flask, model: type, pk: int) -> Any:
    with app.app_context():
        row = db.session.get(model, pk)
        db.session.expunge_all()
        db.session.remove()
        return row


def _versions(app: Flask, report_id: int) -> list[dict[str, Any]]:
    with app.app_context():
        rows = db.session.scalars(
            select(EvaluationReportVersion).where(EvaluationReportVersion.report_id == report_id)
            .order_by(EvaluationReportVersion.number)).all()
        out = [{"number": v.number, **{k: getattr(v, k) for k in SECTIONS},
                "submitted_at": v.submitted_at} for v in rows]
        db.session.remove()
        return out


def _step(c: FlaskClient, report_id: int, step: str) -> int:
    return c.post(f"/evaluation/report/{report_id}/{step}").status_code


# --- the report's workflow ---------------------------------------------------------------


def test_report_has_the_sections_the_description_names(app: Flask) -> None:
    assert SECTIONS == ("thinking", "behaviour", "attitudes", "social_circumstances",
                        "victim_rights", "suggested_obligations", "conclusion")
    with app.app_context():
        columns = set(EvaluationReport.__table__.c.keys())
    assert set(SECTIONS) <= columns and "thinking_and_behaviour" not in columns


def test_workflow_draft_reviewed_submitted_with_refusals_by_role(
        app: Flask, base: Any, _sessions: Any) -> None:
    case_id, report_id = _report(app, base)
    officer, officer2 = _as(app, _sessions, Role.OFFICER), _as(app, _sessions, "Officer2")
    manager, manager_b = _as(app, _sessions, Role.UNIT_MANAGER), _as(app, _sessions, "ManagerB")

    # Only a reviewed report is submitted; only the unit's manager reviews.
    assert _step(officer, report_id, "submit") == 403
    assert _step(officer, report_id, "review") == 403
    assert _step(officer2, report_id, "review") == 403
    assert _step(manager_b, report_id, "review") == 404  # another unit's: not even seen
    assert _get(app, EvaluationReport, report_id).status is ReportStatus.DRAFT

    assert _step(manager, report_id, "review") == 302
    report = _get(app, EvaluationReport, report_id)
    assert report.status is ReportStatus.REVIEWED
    assert report.reviewed_by_id == base.users[Role.UNIT_MANAGER] and report.reviewed_at
    # A reviewed report is not edited; it goes back to draft by the manager only.
    assert officer.get(f"/evaluationreportview/edit/{report_id}").status_code == 403
    assert _step(officer, report_id, "return") == 403
    assert _step(officer, report_id, "review") == 403

    assert _step(officer, report_id, "submit") == 302
    report = _get(app, EvaluationReport, report_id)
    assert report.status is ReportStatus.SUBMITTED and report.submitted_at is not None
    assert _get(app, EvaluationReportRequest, report.request_id).status is RequestStatus.SUBMITTED
    first = _versions(app, report_id)
    assert [v["number"] for v in first] == [1]
    assert {k: first[0][k] for k in SECTIONS} == CONTENT

    # After submission: no edit, no delete, no second submission, no return to draft.
    assert officer.get(f"/evaluationreportview/edit/{report_id}").status_code == 403
    assert officer.post(f"/evaluationreportview/delete/{report_id}").status_code == 403
    assert _step(officer, report_id, "submit") == 403
    assert _step(manager, report_id, "return") == 403
    assert _step(officer2, report_id, "addition") == 403  # not the case's officer

    # An addition is the next version: a draft again, edited and submitted the same way.
    assert _step(officer, report_id, "addition") == 302
    report = _get(app, EvaluationReport, report_id)
    assert (report.status, report.version) == (ReportStatus.DRAFT, 2)
    resp = officer.post(f"/evaluationreportview/edit/{report_id}",
                        data={**CONTENT, "victim_rights": "Atlīdzināts pilnībā."})
    assert resp.status_code == 302
    assert _step(officer, report_id, "submit") == 403  # not reviewed yet
    assert _step(manager, report_id, "review") == 302
    assert _step(manager, report_id, "return") == 302  # back to the officer ...
    assert _get(app, EvaluationReport, report_id).status is ReportStatus.DRAFT
    assert _step(manager, report_id, "review") == 302  # ... and reviewed again
    assert _step(officer, report_id, "submit") == 302
    both = _versions(app, report_id)
    assert [v["number"] for v in both] == [1, 2]
    assert both[0] == first[0]  # the first submission is as it was
    assert both[1]["victim_rights"] == "Atlīdzināts pilnībā."


def test_review_asks_for_every_section(app: Flask, base: Any, _sessions: Any) -> None:
    _case_id, report_id = _report(app, base, behaviour="  ")
    manager = _as(app, _sessions, Role.UNIT_MANAGER)
    resp = manager.post(f"/evaluation/report/{report_id}/review", follow_redirects=True)
    assert resp.status_code == 200
    assert "Fill in the section" in resp.get_data(as_text=True)
    assert "Behaviour" in resp.get_data(as_text=True)
    assert _get(app, EvaluationReport, report_id).status is ReportStatus.DRAFT


def test_submitted_version_is_immutable(app: Flask, base: Any, _sessions: Any) -> None:
    _case_id, report_id = _report(app, base)
    assert _step(_as(app, _sessions, Role.UNIT_MANAGER), report_id, "review") == 302
    assert _step(_as(app, _sessions, Role.OFFICER), report_id, "submit") == 302
    with app.app_context():
        version = db.session.scalars(select(EvaluationReportVersion).where(
            EvaluationReportVersion.report_id == report_id)).one()
        version.conclusion = "Pārrakstīts"
        with pytest.raises(ImmutableVersion):
            db.session.flush()
        db.session.rollback()
        version = db.session.get(EvaluationReportVersion, version.id)
        version.number = 5
        with pytest.raises(ImmutableVersion):
            db.session.flush()
        db.session.rollback()
        # The erasure at the end of the retention period is the one change it takes.
        version = db.session.get(EvaluationReportVersion, version.id)
        version.conclusion = None
        db.session.flush()
        db.session.rollback()
        db.session.remove()
    # Nobody reaches it through a screen either (read only; no edit permission at all).
    admin = _as(app, _sessions, Role.ADMIN)
    version_id = _versions_ids(app, report_id)[0]
    assert admin.get(f"/evaluationreportversionview/show/{version_id}").status_code == 200
    assert admin.get(f"/evaluationreportversionview/edit/{version_id}").status_code in (403, 404,
                                                                                        405)


def _versions_ids(app: Flask, report_id: int) -> list[int]:
    with app.app_context():
        ids = list(db.session.scalars(select(EvaluationReportVersion.id).where(
            EvaluationReportVersion.report_id == report_id)))
        db.session.remove()
        return ids


def test_case_page_offers_each_step_only_where_permitted(
        app: Flask, base: Any, _sessions: Any) -> None:
    case_id, report_id = _report(app, base)
    officer, manager = _as(app, _sessions, Role.OFFICER), _as(app, _sessions, Role.UNIT_MANAGER)
    officer2 = _as(app, _sessions, "Officer2")

    def steps(c: FlaskClient) -> set[str]:
        html = c.get(f"/caseview/show/{case_id}").get_data(as_text=True)
        block = html.split(f'id="report-actions-{report_id}"', 1)[1].split("</div>", 1)[0]
        found = {s for s in ("review", "return", "submit", "addition")
                 if f'data-step="{s}"' in block}
        if f"/evaluationreportview/edit/{report_id}" in block:
            found.add("edit")
        return found

    assert steps(officer) == {"edit"}
    assert steps(manager) == {"edit", "review"}
    assert steps(officer2) == set()  # sees the case, changes nothing of it
    assert _step(manager, report_id, "review") == 302
    assert steps(officer) == {"submit"}
    assert steps(manager) == {"submit", "return"}
    assert _step(officer, report_id, "submit") == 302
    assert steps(officer) == {"addition"}
    html = officer.get(f"/caseview/show/{case_id}").get_data(as_text=True)
    version_id = _versions_ids(app, report_id)[0]
    assert f"/evaluationreportversionview/show/{version_id}" in html
    assert "Version 1" in html
    # The manager's worklist lists drafts waiting for review; this one no longer.
    _case2, waiting = _report(app, base)
    page = manager.get("/worklist/").get_data(as_text=True)
    assert "Evaluation reports awaiting your review" in page
    number = _get(app, Case, _case2).number
    assert number in page


def test_changes_join_the_case_history(app: Flask, base: Any, _sessions: Any) -> None:
    case_id, report_id = _report(app, base)
    assert _step(_as(app, _sessions, Role.UNIT_MANAGER), report_id, "review") == 302
    assert _step(_as(app, _sessions, Role.OFFICER), report_id, "submit") == 302
    with app.app_context():
        entities = {(row.entity, row.action) for row in db.session.scalars(
            select(ChangeLog).where(ChangeLog.case_id == case_id))}
        db.session.remove()
    assert ("EvaluationReport", "update") in entities
    assert ("EvaluationReportVersion", "create") in entities
    html = _as(app, _sessions, Role.OFFICER).get(f"/caseview/show/{case_id}").get_data(
        as_text=True)
    history = html.split('id="case-history-list"', 1)[1]
    assert "Submitted report version" in history and "Reviewed by" in history


def test_the_generated_report_says_which_version(app: Flask, base: Any, _sessions: Any) -> None:
    from portal.models import DocumentType
    from portal.services import access, paperwork
    from portal.services.paperwork.generate import gather

    case_id, report_id = _report(app, base)
    with app.test_request_context():
        actor = access.Actor(user_id=base.users[Role.OFFICER], roles=frozenset({Role.OFFICER}),
                             unit_id=base.unit_a)
        doc = paperwork.generate(db.session, case_id, "evaluation_report", actor)
        title = doc.title
        values = gather(db.session, db.session.get(Case, case_id),
                        DocumentType.EVALUATION_REPORT).values
        db.session.remove()
    assert title.endswith("(versija 1, projekts)")
    assert values["report.suggested_obligations"] == CONTENT["suggested_obligations"]
    assert values["report.behaviour"] == CONTENT["behaviour"]
    assert _step(_as(app, _sessions, Role.UNIT_MANAGER), report_id, "review") == 302
    assert _step(_as(app, _sessions, Role.OFFICER), report_id, "submit") == 302
    with app.test_request_context():
        doc = paperwork.generate(db.session, case_id, "evaluation_report", actor)
        assert doc.title.endswith("(versija 1)")
        assert db.session.scalar(select(func.count()).select_from(Document).where(
            Document.case_id == case_id, Document.title.like("%versija%"))) == 2
        db.session.remove()


# --- mediation: the agreement and its terms --------------------------------------------


def _mediation(app: Flask, base: Any, *, agreed_days_ago: int | None = 60) -> tuple[int, int]:
    """(case id, mediation id) of a fresh mediation case, reconciled on the given day."""
    records = _new_case(app, base, CaseFunction.MEDIATION)
    with app.app_context():
        med = db.session.get(Mediation, records.mediation)
        db.session.execute(MediationTerm.__table__.delete().where(
            MediationTerm.mediation_id == med.id))
        if agreed_days_ago is not None:
            med.outcome = MediationOutcome.RECONCILED
            med.agreement_date = TODAY - dt.timedelta(days=agreed_days_ago)
        db.session.commit()
        db.session.remove()
        return records.case, records.mediation


def _d(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


@pytest.mark.parametrize("lang", LANGS)
def test_term_due_before_the_agreement_is_refused_beside_the_field(
        app: Flask, base: Any, _sessions: Any, lang: str) -> None:
    case_id, med_id = _mediation(app, base)
    officer = _as(app, _sessions, Role.OFFICER, lang)
    agreed = TODAY - dt.timedelta(days=60)
    resp = officer.post(f"/mediationtermview/add?case_id={case_id}", data={
        "mediation": str(med_id), "description": "Atlīdzināt EUR 200",
        "due_date": _d(agreed - dt.timedelta(days=1))})
    assert_refused(resp, "due_date",
                   expected(app, lang, "A term cannot be due before the agreement (%(date)s).",
                            date=_d(agreed)),
                   kept={"description": "Atlīdzināt EUR 200"})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MediationTerm).where(
            MediationTerm.mediation_id == med_id)) == 0
        db.session.remove()
    resp = officer.post(f"/mediationtermview/add?case_id={case_id}", data={
        "mediation": str(med_id), "description": "Atlīdzināt EUR 200", "due_date": _d(agreed)})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("#case-mediation")


@pytest.mark.parametrize("lang", LANGS)
def test_terms_need_an_agreement_and_an_agreement_a_reconciliation(
        app: Flask, base: Any, _sessions: Any, lang: str) -> None:
    case_id, med_id = _mediation(app, base, agreed_days_ago=None)
    officer = _as(app, _sessions, Role.OFFICER, lang)
    resp = officer.post(f"/mediationtermview/add?case_id={case_id}", data={
        "mediation": str(med_id), "description": "Atvainoties", "due_date": _d(TODAY)})
    assert_refused(resp, "mediation", expected(
        app, lang, "Record the agreement's date on the mediation before its terms."))
    resp = officer.post(f"/mediationview/edit/{med_id}", data={
        "case": str(case_id), "outcome": "pending", "agreement": "Vienošanās",
        "agreement_date": _d(TODAY)})
    assert_refused(resp, "agreement_date", expected(
        app, lang, "An agreement is recorded only when the parties reconciled: choose that "
        "outcome or leave the date empty."), kept={"agreement": "Vienošanās"})
    assert _get(app, Mediation, med_id).agreement_date is None


@pytest.mark.parametrize("lang", LANGS)
def test_recording_fulfilment_on_the_screen(app: Flask, base: Any, _sessions: Any,
                                            lang: str) -> None:
    case_id, med_id = _mediation(app, base)
    with app.app_context():
        term = mediation.add_term(db.session, db.session.get(Mediation, med_id),
                                  "Atlīdzināt EUR 100", TODAY - dt.timedelta(days=5))
        db.session.commit()
        term_id = term.id
        db.session.remove()
    officer = _as(app, _sessions, Role.OFFICER, lang)
    form = {"description": "Atlīdzināt EUR 100", "due_date": _d(TODAY - dt.timedelta(days=5)),
            "status": "fulfilled", "checked_on": "", "note": "Kvīts lietā"}
    resp = officer.post(f"/mediationtermview/edit/{term_id}", data=form)
    assert_refused(resp, "checked_on", expected(
        app, lang, "Give the date the fulfilment was checked."), kept={"note": "Kvīts lietā"})
    resp = officer.post(f"/mediationtermview/edit/{term_id}",
                        data={**form, "checked_on": _d(TODAY + dt.timedelta(days=1))})
    assert_refused(resp, "checked_on", expected(app, lang, "The date cannot be in the future."))
    resp = officer.post(f"/mediationtermview/edit/{term_id}",
                        data={**form, "checked_on": _d(TODAY - dt.timedelta(days=90))})
    assert_refused(resp, "checked_on", expected(
        app, lang, "A term cannot be checked before the agreement (%(date)s).",
        date=_d(TODAY - dt.timedelta(days=60))))
    assert _get(app, MediationTerm, term_id).status is TermStatus.PENDING
    resp = officer.post(f"/mediationtermview/edit/{term_id}",
                        data={**form, "checked_on": _d(TODAY)})
    assert resp.status_code == 302
    term = _get(app, MediationTerm, term_id)
    assert (term.status, term.checked_on) == (TermStatus.FULFILLED, TODAY)
    assert _get(app, Mediation, med_id).fulfilment is AgreementFulfilment.FULFILLED
    # Who may not change the case may not record it either.
    assert _as(app, _sessions, "Officer2", lang).post(
        f"/mediationtermview/edit/{term_id}", data=form).status_code == 403


def test_fulfilment_follows_the_terms(app: Flask, base: Any) -> None:
    _case_id, med_id = _mediation(app, base)
    with app.app_context():
        med = db.session.get(Mediation, med_id)
        assert med.fulfilment is None
        first = mediation.add_term(db.session, med, "Atvainoties", TODAY - dt.timedelta(days=50))
        second = mediation.add_term(db.session, med, "Samaksāt", TODAY + dt.timedelta(days=10))
        assert med.fulfilment is AgreementFulfilment.IN_PROGRESS
        mediation.record(db.session, first, TermStatus.FULFILLED, TODAY)
        assert med.fulfilment is AgreementFulfilment.IN_PROGRESS
        mediation.record(db.session, second, TermStatus.FULFILLED, TODAY)
        assert med.fulfilment is AgreementFulfilment.FULFILLED
        mediation.record(db.session, second, TermStatus.NOT_FULFILLED, TODAY)
        assert med.fulfilment is AgreementFulfilment.NOT_FULFILLED
        db.session.rollback()
        db.session.remove()


def test_overdue_unfulfilled_terms_are_on_the_worklist(app: Flask, base: Any,
                                                       _sessions: Any) -> None:
    case_id, med_id = _mediation(app, base)
    with app.app_context():
        med = db.session.get(Mediation, med_id)
        late = mediation.add_term(db.session, med, "Atdot velosipēdu (kavēts)",
                                  TODAY - dt.timedelta(days=3))
        mediation.add_term(db.session, med, "Samaksāt nākammēnes", TODAY + dt.timedelta(days=20))
        # Closed mediation cases still have their terms followed up.
        db.session.get(Case, case_id).status = db.session.get(Case, case_id).status
        db.session.commit()
        late_id = late.id
        db.session.remove()
    officer = _as(app, _sessions, Role.OFFICER)
    page = officer.get("/worklist/").get_data(as_text=True)
    assert "Mediation agreement terms overdue" in page
    assert "Atdot velosipēdu (kavēts)" in page and "Samaksāt nākammēnes" not in page
    assert "Atdot velosipēdu (kavēts)" not in _as(app, _sessions, "OfficerB").get(
        "/worklist/").get_data(as_text=True)
    html = officer.get(f"/caseview/show/{case_id}").get_data(as_text=True)
    terms = html.split('id="agreement-terms"', 1)[1].split("</table>", 1)[0]
    assert "Atdot velosipēdu (kavēts)" in terms and "overdue" in terms
    with app.app_context():
        mediation.record(db.session, db.session.get(MediationTerm, late_id),
                         TermStatus.NOT_FULFILLED, TODAY)
        db.session.commit()
        db.session.remove()
    assert "Atdot velosipēdu (kavēts)" not in officer.get("/worklist/").get_data(as_text=True)


def test_terms_are_seen_exactly_where_the_mediation_is(app: Flask, base: Any,
                                                       _sessions: Any) -> None:
    case_id, med_id = _mediation(app, base)
    with app.app_context():
        term = mediation.add_term(db.session, db.session.get(Mediation, med_id),
                                  "Atlīdzināt Upurim EUR 50", TODAY)
        db.session.commit()
        term_id = term.id
        db.session.remove()
    for who, status in ((Role.OFFICER, 200), ("Officer2", 200), (Role.UNIT_MANAGER, 200),
                        (Role.ADMIN, 200), ("OfficerB", 404), ("ManagerB", 404)):
        c = _as(app, _sessions, who)
        assert c.get(f"/mediationtermview/show/{term_id}").status_code == status, who
        assert c.get(f"/mediationview/show/{med_id}").status_code == status, who
    for who in (Role.ANALYST, Role.CLIENT, Role.VOLUNTEER, Role.EMPLOYER):
        c = app.test_client()
        from tests.factories import PASSWORD, USERNAMES

        c.post("/login/", data={"username": USERNAMES[who], "password": PASSWORD})
        assert c.get(f"/mediationtermview/show/{term_id}").status_code in (302, 403, 404)
    # The victim's own data keeps its stricter rule: Officer sees the terms, not the victim.
    html = _as(app, _sessions, Role.OFFICER).get(f"/caseview/show/{case_id}").get_data(
        as_text=True)
    assert "Atlīdzināt Upurim EUR 50" in html and "Upuris" not in html.replace(
        "Atlīdzināt Upurim", "")
    html = _as(app, _sessions, "Officer2").get(f"/caseview/show/{case_id}").get_data(
        as_text=True)
    assert "Cietušais Upuris" in html


# --- sessions: where they are held --------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_a_session_in_a_prison_names_it(app: Flask, base: Any, _sessions: Any,
                                        lang: str) -> None:
    case_id, med_id = _mediation(app, base, agreed_days_ago=None)
    officer = _as(app, _sessions, Role.OFFICER, lang)
    # The calendar's clash rule also looks at the mediator: a time nobody else uses.
    at = dt.datetime.combine(TODAY + dt.timedelta(days=400 + med_id % 200), dt.time(7, 0))
    form = {"mediation": str(med_id), "scheduled_at": at.strftime("%d.%m.%Y %H:%M"),
            "duration_minutes": "60", "place_type": "prison", "place": "", "notes": "Tulks"}
    resp = officer.post("/mediationsessionview/add", data=form)
    assert_refused(resp, "place", expected(
        app, lang, "Name the prison or the place where the session is held."),
        kept={"notes": "Tulks"})
    resp = officer.post("/mediationsessionview/add",
                        data={**form, "place": "Olaines cietums"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    with app.app_context():
        stored = db.session.scalars(select(MediationSession).where(
            MediationSession.mediation_id == med_id,
            MediationSession.place == "Olaines cietums")).one()
        assert stored.place_type is SessionPlace.PRISON
        db.session.remove()
    html = officer.get(f"/caseview/show/{case_id}").get_data(as_text=True)
    sessions = html.split('id="mediation-sessions"', 1)[1].split("</ul>", 1)[0]
    label = expected(app, lang, "Prison")
    assert f"{label}: Olaines cietums" in sessions


def test_the_place_type_through_the_api(app: Flask, base: Any, _sessions: Any) -> None:
    _case_id, med_id = _mediation(app, base, agreed_days_ago=None)
    officer = _as(app, _sessions, Role.OFFICER)
    at = dt.datetime.combine(TODAY + dt.timedelta(days=700 + med_id % 200), dt.time(6, 0),
                             tzinfo=dt.UTC)
    body = {"mediation": med_id, "scheduled_at": at.isoformat(), "duration_minutes": 60,
            "place_type": "prison"}
    resp = officer.post("/api/v1/mediation_session/", json=body)
    assert resp.status_code == 422, resp.get_data(as_text=True)
    assert "place" in resp.get_json()["message"]
    resp = officer.post("/api/v1/mediation_session/", json={**body, "place": "Jelgavas cietums"})
    assert resp.status_code == 201, resp.get_data(as_text=True)


def test_the_report_is_written_from_the_case_page(app: Flask, base: Any, _sessions: Any) -> None:
    records = _new_case(app, base, CaseFunction.EVALUATION_PRE_TRIAL)
    with app.app_context():
        request = EvaluationReportRequest(
            case_id=records.case, requester=Requester.PROSECUTOR, institution="Prokuratūra",
            received_date=TODAY, due_date=TODAY + dt.timedelta(days=10))
        db.session.add(request)
        db.session.commit()
        request_id = request.id
        db.session.remove()
    officer = _as(app, _sessions, Role.OFFICER)
    page = officer.get(f"/caseview/show/{records.case}").get_data(as_text=True)
    assert f"/evaluationreportview/add?case_id={records.case}" in page
    form = officer.get(f"/evaluationreportview/add?case_id={records.case}")
    assert form.status_code == 200
    resp = officer.post(f"/evaluationreportview/add?case_id={records.case}",
                        data={"request": str(request_id), **CONTENT})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("#case-evaluation")
    with app.app_context():
        report = db.session.scalars(select(EvaluationReport).where(
            EvaluationReport.request_id == request_id)).one()
        assert (report.status, report.version, report.author_id) == (
            ReportStatus.DRAFT, 1, base.users[Role.OFFICER])
        assert report.suggested_obligations == CONTENT["suggested_obligations"]
        db.session.remove()
    # Another case's request is not offered, nor taken.
    other = _new_case(app, base, CaseFunction.EVALUATION_PRE_TRIAL)
    resp = officer.post(f"/evaluationreportview/add?case_id={other.case}",
                        data={"request": str(request_id), **CONTENT})
    assert resp.status_code != 500
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(EvaluationReport).where(
            EvaluationReport.request_id == request_id)) == 1
        db.session.remove()
