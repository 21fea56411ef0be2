"""The database keeps the cross-field rules the application keeps (migration 0006).

For every CHECK constraint: the forbidden state, written straight to the database by an
INSERT or an UPDATE, is refused with an IntegrityError naming the constraint; and the
constraint agrees with the Python rule it repeats, value by value, so the database never
refuses what the screens and the API accept. Runs on SQLite and, with DATABASE_URL, on
PostgreSQL. The screens' own messages for these inputs are checked here where
``test_bad_input.py`` does not already do it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.models import (
    AgreementFulfilment,
    Case,
    CaseFunction,
    CaseStatus,
    ClosureReason,
    Decision,
    DecisionType,
    Document,
    DocumentOrigin,
    EvaluationReportRequest,
    Obligation,
    ObligationSource,
    PortalIdentity,
    ProgrammeParticipation,
    ReportStatus,
    Requester,
    RetentionReview,
    RetentionStatus,
    SessionPlace,
    TermStatus,
    Vacancy,
    VolunteerTask,
    WorkAssignment,
)
from portal.services.access import Role
from portal.services.casework import cases, rules
from portal.services.errors import DomainError
from tests.integration.test_bad_input import LANGS, _session, assert_refused, count, expected, post

DAY = dt.date.today() - dt.timedelta(days=30)


@pytest.fixture(params=LANGS)
def lang(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def _sessions() -> dict[tuple[str, str], FlaskClient]:
    return {}


@pytest.fixture()
def officer(app: Flask, _sessions: dict[tuple[str, str], FlaskClient], lang: str) -> FlaskClient:
    """The unit A officer, reading the screens in ``lang``."""
    return _session(app, _sessions, Role.OFFICER, lang)


@pytest.fixture()
def session(app: Flask) -> Iterator[Session]:
    """A session whose work is rolled back at the end (nothing a test writes is kept)."""
    with app.app_context():
        yield db.session
        db.session.rollback()
        db.session.remove()


# ---------------------------------------------------------------------------------------------
# Valid rows, one per constrained table
# ---------------------------------------------------------------------------------------------


def _case(base: Any, **over: Any) -> Case:
    values: dict[str, Any] = {
        "number": f"PL-2019-{uuid.uuid4().int % 10**8:08d}", "client_id": base.own.client,
        "function": CaseFunction.FORCED_LABOUR, "status": CaseStatus.ACTIVE,
        "start_date": DAY, "unit_id": base.unit_a,
    }
    return Case(**{**values, **over})


def _decision(base: Any, **over: Any) -> Decision:
    values: dict[str, Any] = {
        "client_id": base.own.client, "decision_type": DecisionType.COURT_JUDGMENT,
        "institution": "Rīgas pilsētas tiesa", "number": f"K-{uuid.uuid4().hex[:8]}",
        "decision_date": DAY,
    }
    return Decision(**{**values, **over})


def _assignment(base: Any, **over: Any) -> WorkAssignment:
    values: dict[str, Any] = {
        "case_id": base.own.case, "employer_id": base.employer, "work_type": "Sakopšana",
        "place": "Parks", "start_date": DAY,
    }
    return WorkAssignment(**{**values, **over})


def _obligation(base: Any, **over: Any) -> Obligation:
    values: dict[str, Any] = {
        "case_id": base.own.case, "description": "Ierasties VPD",
        "set_by": ObligationSource.COURT, "start_date": DAY,
    }
    return Obligation(**{**values, **over})


def _programme(base: Any, **over: Any) -> ProgrammeParticipation:
    values: dict[str, Any] = {
        "case_id": base.own.case, "programme": "Domā pozitīvi", "start_date": DAY,
    }
    return ProgrammeParticipation(**{**values, **over})


def _task(base: Any, **over: Any) -> VolunteerTask:
    values: dict[str, Any] = {
        "case_id": base.own.case, "volunteer_id": base.volunteer, "task": "Atbalsts",
        "start_date": DAY,
    }
    return VolunteerTask(**{**values, **over})


def _request(base: Any, **over: Any) -> EvaluationReportRequest:
    values: dict[str, Any] = {
        "case_id": base.own.case, "requester": Requester.COURT,
        "institution": "Rīgas pilsētas tiesa", "received_date": DAY,
        "due_date": DAY + dt.timedelta(days=14),
    }
    return EvaluationReportRequest(**{**values, **over})


def _vacancy(base: Any, **over: Any) -> Vacancy:
    values: dict[str, Any] = {"employer_id": base.employer, "title": "Sakopšana", "places": 2}
    return Vacancy(**{**values, **over})


def _identity(base: Any, **over: Any) -> PortalIdentity:
    values: dict[str, Any] = {
        "user_id": base.users[Role.EMPLOYER], "scheme": "lv", "subject": "329900-77777",
    }
    return PortalIdentity(**{**values, **over})


def _document(base: Any, **over: Any) -> Document:
    values: dict[str, Any] = {
        "case_id": base.own.case, "title": "Norīkojums", "filename": "n.pdf",
        "content_type": "application/pdf", "size_bytes": 10, "sha256": "0" * 64,
        "storage_key": uuid.uuid4().hex, "origin": DocumentOrigin.UPLOADED,
    }
    return Document(**{**values, **over})


def _publication(base: Any, **over: Any) -> Any:
    from portal.models import OpenDataPublication

    values: dict[str, Any] = {
        "dataset": "reoffending", "period": "1999-01", "csv": "", "json": "{}",
        "metadata_json": "{}", "attempts": 0,
    }
    return OpenDataPublication(**{**values, **over})


def _review(base: Any, **over: Any) -> RetentionReview:
    values: dict[str, Any] = {"cutoff": DAY, "status": RetentionStatus.PROPOSED, "report": {}}
    return RetentionReview(**{**values, **over})


def _exchange(base: Any, **over: Any) -> Any:
    from portal.models import Direction, ExchangeMessage, ExchangeStatus

    values: dict[str, Any] = {
        "connector": "tis", "system": "TIS", "direction": Direction.INBOUND, "kind": "judgment",
        "idempotency_key": f"tis:{uuid.uuid4().hex}", "payload": {}, "attempts": 0,
        "status": ExchangeStatus.RECEIVED,
    }
    return ExchangeMessage(**{**values, **over})


def _transfer(base: Any, **over: Any) -> Any:
    from portal.models import CaseTransfer, TransferStatus

    values: dict[str, Any] = {
        "case_id": base.own.case, "from_unit_id": base.unit_a, "to_unit_id": base.unit_b,
        "reason": "Klients pārcēlies", "status": TransferStatus.REQUESTED,
    }
    return CaseTransfer(**{**values, **over})


def _cover(base: Any, **over: Any) -> Any:
    from portal.models import OfficerCover

    values: dict[str, Any] = {
        "unit_id": base.unit_a, "absent_officer_id": base.users[Role.OFFICER],
        "covering_officer_id": base.users["Officer2"], "start_date": DAY, "end_date": DAY,
    }
    return OfficerCover(**{**values, **over})


def _item(base: Any, **over: Any) -> Any:
    from portal.models import AssessmentItem, NeedArea

    values: dict[str, Any] = {
        "code": f"t-{uuid.uuid4().hex[:8]}", "need_area": list(NeedArea)[0],
        "text": "Pārbaude", "max_score": 2, "position": 0, "active": True,
    }
    return AssessmentItem(**{**values, **over})


def _score(base: Any, **over: Any) -> Any:
    from portal.extensions import db
    from portal.models import AssessmentItem, AssessmentScore

    item_id = db.session.query(AssessmentItem.id).order_by(AssessmentItem.id).limit(1).scalar()
    if item_id is None:
        item = _item(base)
        db.session.add(item)
        db.session.flush()
        item_id = item.id
    values: dict[str, Any] = {
        "assessment_id": base.own.assessment, "case_id": base.own.case, "item_id": item_id,
        "score": 1,
    }
    return AssessmentScore(**{**values, **over})


def _case_decision(base: Any, **over: Any) -> Any:
    from portal.models import CaseDecision, DecisionRole

    values: dict[str, Any] = {
        "case_id": base.own.case, "decision_id": base.own.decision,
        "role": DecisionRole.EXTENSION, "effective_date": DAY, "months": 3,
    }
    return CaseDecision(**{**values, **over})


def _plan(base: Any, **over: Any) -> Any:
    from portal.models import SupervisionPlan

    values: dict[str, Any] = {"case_id": base.own.case, "plan_date": DAY,
                              "review_date": DAY + dt.timedelta(days=90)}
    return SupervisionPlan(**{**values, **over})
def _report(base: Any, **over: Any) -> Any:
    from portal.models import EvaluationReport

    # Each report has a request of its own (one report per request).
    return EvaluationReport(**{"request": _request(base), **over})


def _report_version(base: Any, **over: Any) -> Any:
    from portal.models import EvaluationReportVersion

    values: dict[str, Any] = {
        "report_id": base.own.report, "case_id": base.own.case,
        "number": 100 + uuid.uuid4().int % 10**6,
        "submitted_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    }
    return EvaluationReportVersion(**{**values, **over})


def _mediation(base: Any, **over: Any) -> Any:
    from portal.models import Mediation

    # One mediation per case: a case of its own.
    return Mediation(**{"case": _case(base), **over})


def _term(base: Any, **over: Any) -> Any:
    from portal.models import MediationTerm

    values: dict[str, Any] = {
        "mediation_id": base.own.mediation, "case_id": base.own.case,
        "description": "Atlīdzināt zaudējumus", "due_date": DAY,
    }
    return MediationTerm(**{**values, **over})


def _med_session(base: Any, **over: Any) -> Any:
    from portal.models import MediationSession

    values: dict[str, Any] = {
        "mediation_id": base.own.mediation,
        "scheduled_at": dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC),
    }
    return MediationSession(**{**values, **over})


def _client(base: Any, **over: Any) -> Any:
    import random

    from portal.models import Client, Gender
    from portal.services.casework import personal_code

    born = dt.date(1980, 1, 1) + dt.timedelta(days=uuid.uuid4().int % 9000)
    values: dict[str, Any] = {
        "given_name": "Līga", "surname": "Priede", "birth_date": born, "gender": Gender.FEMALE,
        "personal_code": personal_code.generate_old(born, random.Random(uuid.uuid4().int)),
        "unit_id": base.unit_a, "dependants": 2,
    }
    return Client(**{**values, **over})


class _Of:
    """A value taken from the base data when the test runs (``_Of("unit_a")``)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __repr__(self) -> str:
        return self.path

    def __call__(self, base: Any) -> Any:
        if self.path == "officer":
            return base.users[Role.OFFICER]
        return getattr(base, self.path)


def _resolved(base: Any, values: dict[str, Any]) -> dict[str, Any]:
    return {k: v(base) if isinstance(v, _Of) else v for k, v in values.items()}


_UNIT_A = _Of("unit_a")
_OFFICER = _Of("officer")


@dataclass(frozen=True)
class Forbidden:
    """A state a constraint refuses: ``values`` on a row made by ``make``."""

    constraint: str
    make: Callable[..., Any]
    values: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.constraint}-{'-'.join(f'{k}={v}' for k, v in self.values.items())}"


_BEFORE = DAY - dt.timedelta(days=1)

FORBIDDEN = [
    Forbidden("ck_exchange_message_attempts_nonnegative", _exchange, {"attempts": -1}),
    Forbidden("ck_case_end_after_start", _case, {"end_date": _BEFORE}),
    Forbidden("ck_client_dependants_range", _client, {"dependants": -1}),
    Forbidden("ck_client_dependants_range", _client, {"dependants": 21}),
    Forbidden("ck_case_closed_with_reason", _case,
              {"status": CaseStatus.CLOSED, "closure_reason": None}),
    Forbidden("ck_case_closed_with_reason", _case,
              {"status": CaseStatus.SUSPENDED, "closure_reason": ClosureReason.OTHER}),
    Forbidden("ck_case_hours_ordered_nonnegative", _case, {"hours_ordered": Decimal("-1")}),
    Forbidden("ck_decision_forced_labour_hours_nonnegative", _decision,
              {"forced_labour_hours": -1}),
    Forbidden("ck_decision_community_work_hours_nonnegative", _decision,
              {"community_work_hours": -1}),
    Forbidden("ck_decision_supervision_months_nonnegative", _decision,
              {"supervision_months": -1}),
    Forbidden("ck_work_assignment_end_after_start", _assignment, {"end_date": _BEFORE}),
    Forbidden("ck_obligation_end_after_start", _obligation, {"end_date": _BEFORE}),
    Forbidden("ck_programme_participation_end_after_start", _programme, {"end_date": _BEFORE}),
    Forbidden("ck_volunteer_task_end_after_start", _task, {"end_date": _BEFORE}),
    Forbidden("ck_evaluation_report_request_due_after_received", _request,
              {"due_date": _BEFORE}),
    Forbidden("ck_vacancy_places_positive", _vacancy, {"places": 0}),
    Forbidden("ck_portal_identity_scheme", _identity, {"scheme": "ssn"}),
    # A generated document names the template version it came from (migration 0011).
    Forbidden("ck_document_generated_has_template", _document,
              {"origin": DocumentOrigin.GENERATED}),
    Forbidden("ck_open_data_publication_attempts_nonnegative", _publication, {"attempts": -1}),
    # A retention review is decided (confirmed or cancelled) exactly when it has a date.
    Forbidden("ck_retention_review_decided", _review,
              {"status": RetentionStatus.CONFIRMED, "decided_at": None}),
    Forbidden("ck_retention_review_decided", _review,
              {"decided_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)}),
    # People and units, supervision steps (migrations 0017 and 0018).
    Forbidden("ck_case_transfer_other_unit", _transfer, {"to_unit_id": _UNIT_A}),
    Forbidden("ck_officer_cover_end_after_start", _cover, {"end_date": _BEFORE}),
    Forbidden("ck_officer_cover_other_officer", _cover, {"covering_officer_id": _OFFICER}),
    Forbidden("ck_assessment_item_max", _item, {"max_score": 0}),
    Forbidden("ck_assessment_item_max", _item, {"max_score": 11}),
    Forbidden("ck_assessment_score_nonnegative", _score, {"score": -1}),
    Forbidden("ck_case_decision_months", _case_decision, {"months": -1}),
    Forbidden("ck_case_decision_until_after_effective", _case_decision,
              {"until_date": _BEFORE}),
    # The supervision plan in depth (migration 0021_plan).
    Forbidden("ck_supervision_plan_review_after_plan", _plan, {"review_date": _BEFORE}),
    # Evaluation reports and mediation in depth (migration 0020).
    Forbidden("ck_evaluation_report_version", _report, {"version": 0}),
    Forbidden("ck_evaluation_report_reviewed", _report, {"status": ReportStatus.REVIEWED}),
    Forbidden("ck_evaluation_report_submitted", _report, {"status": ReportStatus.SUBMITTED}),
    Forbidden("ck_evaluation_report_version_number", _report_version, {"number": 0}),
    Forbidden("ck_mediation_agreement_reconciled", _mediation, {"agreement_date": DAY}),
    Forbidden("ck_mediation_fulfilment_agreement", _mediation, {"fulfilment": AgreementFulfilment.FULFILLED}),
    Forbidden("ck_mediation_term_checked", _term, {"status": TermStatus.FULFILLED}),
    Forbidden("ck_mediation_term_checked", _term, {"checked_on": DAY}),
    Forbidden("ck_mediation_session_place_named", _med_session,
              {"place_type": SessionPlace.PRISON, "place": None}),
]


def _refused_by(session: Session, constraint: str, write: Callable[[], None]) -> None:
    with pytest.raises(IntegrityError) as caught:
        write()
        session.flush()
    # The constraint itself said no (SQLite: "CHECK constraint failed: <name>",
    # PostgreSQL: 'violates check constraint "<name>"'), not some other rule of the row.
    assert constraint in str(caught.value.orig)
    session.rollback()


@pytest.mark.parametrize("case", FORBIDDEN, ids=[f.id for f in FORBIDDEN])
def test_insert_of_the_forbidden_state_is_refused(session, base, case: Forbidden) -> None:
    values = _resolved(base, case.values)
    _refused_by(session, case.constraint, lambda: session.add(case.make(base, **values)))


@pytest.mark.parametrize("case", FORBIDDEN, ids=[f.id for f in FORBIDDEN])
def test_update_to_the_forbidden_state_is_refused(session, base, case: Forbidden) -> None:
    row = case.make(base)
    session.add(row)
    session.flush()
    model = type(row)
    stmt = update(model).where(model.id == row.id).values(**_resolved(base, case.values))
    _refused_by(session, case.constraint, lambda: session.execute(stmt))


def test_every_table_rule_constraint_is_tested() -> None:
    # ck_<table>_<rule>; the enum constraints (ck_<enum>) and the older ck_hours_range and
    # ck_schedule_hours (tested with the hours screens) are named otherwise.
    from sqlalchemy import CheckConstraint

    from portal.models import Model

    named = {
        str(c.name) for table in Model.metadata.tables.values() for c in table.constraints
        if isinstance(c, CheckConstraint) and str(c.name).startswith(f"ck_{table.name}_")
    }
    assert named == {f.constraint for f in FORBIDDEN}


# ---------------------------------------------------------------------------------------------
# The database agrees with the Python rules, so it never refuses what the app accepts
# ---------------------------------------------------------------------------------------------


def _stored(session: Session, row: Any) -> bool:
    """Whether the database takes ``row``; the session is clean afterwards either way."""
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return False
    session.rollback()
    return True


def _accepts(check: Callable[[], Any]) -> bool:
    try:
        check()
    except DomainError:
        return False
    return True


PERIODS: list[tuple[Callable[..., Any], str, str]] = [
    (_case, "start_date", "end_date"),
    (_assignment, "start_date", "end_date"),
    (_obligation, "start_date", "end_date"),
    (_programme, "start_date", "end_date"),
    (_task, "start_date", "end_date"),
    (_request, "received_date", "due_date"),
]


@pytest.mark.parametrize("days", [-400, -1, 0, 1, 400])
@pytest.mark.parametrize(("make", "start", "end"), PERIODS, ids=[p[0].__name__ for p in PERIODS])
def test_periods_agree_with_date_order(session, base, make, start, end, days) -> None:
    first = DAY
    last = DAY + dt.timedelta(days=days)
    app_ok = _accepts(lambda: rules.date_order(first, last))
    assert _stored(session, make(base, **{start: first, end: last})) is app_ok


@pytest.mark.parametrize("days", [-400, -1, 0, 1, 400])
def test_plan_review_agrees_with_the_plan_rule(session, base, days) -> None:
    from portal.services.supervision import plan

    review = DAY + dt.timedelta(days=days)
    app_ok = _accepts(lambda: plan.check_plan(None, DAY, review))
    assert _stored(session, _plan(base, review_date=review)) is app_ok


@pytest.mark.parametrize("value", [-1, 0, 1, 20, 21, None])
def test_dependants_agree_with_the_form_rule(session, base, value) -> None:
    from portal.services.casework import personal_data

    app_ok = _accepts(lambda: personal_data.dependants(value))
    assert _stored(session, _client(base, dependants=value)) is app_ok


@pytest.mark.parametrize("status", list(CaseStatus))
@pytest.mark.parametrize("reason", [None, *ClosureReason])
def test_closure_reason_agrees_with_the_workflow(session, base, status, reason) -> None:
    # Staying in a status is always allowed, so only the closure reason rule is left.
    app_ok = _accepts(lambda: cases.check_transition(status, status, reason))
    row = _case(base, status=status, closure_reason=reason, end_date=DAY)
    assert _stored(session, row) is app_ok


AMOUNTS = [Decimal("-1"), Decimal("-0.01"), Decimal("0"), Decimal("0.01"), Decimal("1"),
           Decimal("2000")]


@pytest.mark.parametrize("value", AMOUNTS, ids=str)
def test_hours_ordered_agree_with_positive_amount(session, base, value) -> None:
    # The upper limit is the screen's plausibility limit and stays in Python; the database
    # keeps the sign only, so whatever the app accepts it stores.
    app_ok = _accepts(lambda: rules.positive_amount(value, "hours_ordered", 2000))
    stored = _stored(session, _case(base, hours_ordered=value))
    assert stored is (value >= 0)
    assert stored or not app_ok


@pytest.mark.parametrize("value", [-1, 0, 1, 120, 480, 481])
@pytest.mark.parametrize(("column", "maximum"), [
    ("forced_labour_hours", 480), ("community_work_hours", 480), ("supervision_months", 120),
])
def test_decision_amounts_agree_with_positive_amount(session, base, column, maximum,
                                                     value) -> None:
    app_ok = _accepts(lambda: rules.positive_amount(value, column, maximum))
    stored = _stored(session, _decision(base, **{column: value}))
    assert stored is (value >= 0)
    assert stored or not app_ok


@pytest.mark.parametrize("places", [-1, 0, 1, 2, 100, 500, 501])
def test_vacancy_places_agree_with_the_screen(session, base, places) -> None:
    # VacancyView: NumberRange(min=1, max=500); the portal's vacancy form: 1 to 100. The
    # database keeps the minimum only.
    assert _stored(session, _vacancy(base, places=places)) is (places >= 1)


def test_every_decision_type_is_stored(session, base) -> None:
    for kind in DecisionType:
        assert _stored(session, _decision(base, decision_type=kind)), kind


# ---------------------------------------------------------------------------------------------
# The screens refuse these inputs beside the field, before the database is asked
# (end before start, the closure reason and hours per day: see test_bad_input.py)
# ---------------------------------------------------------------------------------------------


def test_due_before_received_on_the_request_screen(app, base, officer, lang) -> None:
    before = count(app, EvaluationReportRequest)
    received = dt.date.today()
    resp = post(officer, "/evaluationreportrequestview/add", {
        "case": str(base.own.case), "requester": "court", "institution": "Rīgas tiesa",
        "request_number": "P-1", "received_date": received.isoformat(),
        "due_date": (received - dt.timedelta(days=1)).isoformat(), "status": "received",
    })
    assert_refused(resp, "due_date",
                   expected(app, lang, "The end date cannot be before the start date."),
                   kept={"institution": "Rīgas tiesa"})
    assert count(app, EvaluationReportRequest) == before


def test_negative_hours_ordered_on_the_case_screen(app, base, officer, lang) -> None:
    before = count(app, Case)
    resp = post(officer, "/caseview/add", {
        "number": "", "client": str(base.own.client), "function": "forced_labour",
        "status": "active", "start_date": dt.date.today().isoformat(), "end_date": "",
        "hours_ordered": "-5", "notes": "Negatīvas stundas",
    })
    assert_refused(resp, "hours_ordered",
                   expected(app, lang, "Enter a number from 0 to %(max)s.", max=2000),
                   kept={"notes": "Negatīvas stundas"})
    assert count(app, Case) == before


@pytest.mark.parametrize(("column", "maximum"), [
    ("forced_labour_hours", 480), ("community_work_hours", 480), ("supervision_months", 120),
])
def test_negative_amounts_on_the_decision_screen(app, base, officer, lang, column,
                                                 maximum) -> None:
    number = f"K-{uuid.uuid4().hex[:8]}"
    resp = post(officer, "/decisionview/add", {
        "client": str(base.own.client), "decision_type": "court_judgment",
        "institution": "Rīgas pilsētas tiesa", "number": number,
        "decision_date": dt.date.today().isoformat(), column: "-1",
    })
    assert_refused(resp, column, expected(app, lang, "Enter a number from 0 to %(max)s.",
                                          max=maximum), kept={"number": number})
    assert count(app, Decision, Decision.number == number) == 0


def test_no_places_on_the_vacancy_screen(app, base, officer, lang) -> None:
    before = count(app, Vacancy)
    resp = post(officer, "/vacancyview/add", {
        "employer": str(base.employer), "title": "Bez vietām", "places": "0",
    })
    assert_refused(resp, "places", expected(app, lang, "Number must be between %(min)s and "
                                            "%(max)s.", min=1, max=500),
                   kept={"title": "Bez vietām"})
    assert count(app, Vacancy) == before


# ---------------------------------------------------------------------------------------------
# The new decision types: chosen and shown with their labels
# ---------------------------------------------------------------------------------------------


def test_decision_form_offers_every_type_with_its_label(app, officer, lang) -> None:
    from flask_babel import force_locale

    from portal.labels import enum_label

    page = officer.get("/decisionview/add")
    assert page.status_code == 200
    html = unescape(" ".join(page.get_data(as_text=True).split()))
    with app.test_request_context(), force_locale(lang):
        for kind in DecisionType:
            assert f'value="{kind.value}"' in html, kind
            assert str(enum_label(kind)) in html, kind


@pytest.mark.parametrize("kind", [
    DecisionType.COURT_EVALUATION_REQUEST, DecisionType.MEDIATION_APPLICATION,
    DecisionType.PRISON_RELEASE_NOTICE,
])
def test_a_decision_of_a_new_type_is_saved_and_shown(app, base, officer, lang, kind) -> None:
    from flask_babel import force_locale

    from portal.labels import enum_label

    number = f"N-{uuid.uuid4().hex[:8]}"
    resp = post(officer, "/decisionview/add", {
        "client": str(base.own.client), "decision_type": kind.value,
        "institution": "Valsts probācijas dienests", "number": number,
        "decision_date": dt.date.today().isoformat(),
    })
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    with app.app_context():
        stored = db.session.execute(
            select(Decision.id, Decision.decision_type).where(Decision.number == number)
        ).all()
        db.session.remove()
    assert [k for _, k in stored] == [kind]
    page = officer.get(f"/decisionview/show/{stored[0][0]}")
    assert page.status_code == 200
    with app.test_request_context(), force_locale(lang):
        label = str(enum_label(kind))
    assert label in unescape(" ".join(page.get_data(as_text=True).split()))


# Tables created after 0006 carry their checks in their own migration.
# Tables created after 0006 bring their CHECKs with them (0009, 0010, 0012).
_LATER_TABLES = {"retention_review", "exchange_message", "open_data_publication",
                 "case_transfer", "officer_cover", "assessment_item", "assessment_score",
                 "case_decision"}


def test_migration_0006_adds_the_models_conditions() -> None:
    """The database compares constraint names only; the SQL of each must be the model's."""
    import importlib.util
    from pathlib import Path

    from sqlalchemy import CheckConstraint

    from portal.models import Model

    versions = Path(__file__).parents[2] / "portal/migrations/versions"

    def load(name: str) -> Any:
        path = versions / name
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    migration = load("0006_check_constraints.py")
    model = {
        (table.name, str(c.name)): " ".join(str(c.sqltext).split())
        for table in Model.metadata.tables.values() for c in table.constraints
        if isinstance(c, CheckConstraint) and str(c.name).startswith(f"ck_{table.name}_")
        and table.name not in _LATER_TABLES
    }
    # Tables made after 0006 bring their CHECKs in their own migration: 0011 lists them as
    # 0006 does; 0008 writes its one CHECK inline.
    later = load("0011_document_templates.py")
    # 0020 lists the CHECKs it adds to reports and mediation the same way.
    evalmed = load("0020_evaluation_and_mediation.py")
    inline = {("portal_identity", "ck_portal_identity_scheme"): "0008_national_login.py",
              # a CHECK added to an older table by its own migration
              ("supervision_plan", "ck_supervision_plan_review_after_plan"):
                  "0021_supervision_plan.py",
              ("client", "ck_client_dependants_range"): "0022_client_personal_data.py"}
    assert {k: v for k, v in model.items() if k not in inline} == {
        (t, n): cond for t, n, cond in [*migration._CHECKS, *later._CHECKS, *evalmed._CHECKS]}
    for key, filename in inline.items():
        assert model[key] in (versions / filename).read_text(encoding="utf-8")
    assert migration._NEW_DECISION_TYPES == tuple(k.value for k in DecisionType)
