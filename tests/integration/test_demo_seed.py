"""The demo data generator: determinism and sanity.

The generator itself runs on a bare SQLite database (no Flask app); the demo portal
submissions need the app and run on a database of their own (SQLite, or PostgreSQL when
DATABASE_URL says so).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from portal.models import (
    Audience,
    Case,
    CaseFunction,
    CaseNumberCounter,
    ChangeLog,
    Client,
    Decision,
    Employer,
    EmployerType,
    EServiceUse,
    EvaluationReportRequest,
    HoursLog,
    Mediation,
    MediationParty,
    Meeting,
    Model,
    NoShow,
    OutgoingNotice,
    PartyRole,
    ReportedBy,
    Submission,
    SubmissionStatus,
    TerritorialUnit,
    Volunteer,
    VolunteerType,
    WorkAssignment,
    WorkScheduleEntry,
)
from portal.services.access import Actor
from portal.services.casework import personal_code
from portal.services.demo.seed import UNIT_SPECS, ensure_units, seed_demo
from tests.conftest import DATABASE_URL, base_config
from tests.integration.submission_data import FORMDEFS

TODAY = dt.date(2025, 3, 14)
CLIENTS = 300
SEED = 20250314


def _engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _foreign_keys(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    Model.metadata.create_all(engine)
    return engine


def _seed(path: Path, **kwargs: Any) -> tuple[Engine, dict[str, int]]:
    engine = _engine(path)
    with Session(engine) as session:
        counts = seed_demo(session, CLIENTS, SEED, today=TODAY, **kwargs)
    return engine, counts


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Session, dict[str, int]]]:
    engine, counts = _seed(tmp_path_factory.mktemp("seed") / "a.db")
    with Session(engine) as session:
        yield session, counts
    engine.dispose()


def _snapshot(session: Session) -> dict[str, list[Any]]:
    return {
        "clients": list(
            session.execute(
                select(
                    Client.personal_code, Client.given_name, Client.surname, Client.birth_date
                ).order_by(Client.id)
            )
        ),
        "cases": list(
            session.execute(
                select(Case.number, Case.function, Case.status, Case.start_date).order_by(Case.id)
            )
        ),
        "hours": list(
            session.execute(select(HoursLog.work_date, HoursLog.hours).order_by(HoursLog.id))
        ),
        "meetings": list(session.execute(select(Meeting.scheduled_at).order_by(Meeting.id))),
    }


def test_same_seed_gives_identical_data(
    seeded: tuple[Session, dict[str, int]], tmp_path: Path
) -> None:
    session, counts = seeded
    engine, counts_again = _seed(tmp_path / "b.db")
    with Session(engine) as other:
        assert _snapshot(other) == _snapshot(session)
    engine.dispose()
    assert counts_again == counts


def test_another_seed_gives_other_data(
    seeded: tuple[Session, dict[str, int]], tmp_path: Path
) -> None:
    session, _ = seeded
    engine = _engine(tmp_path / "c.db")
    with Session(engine) as other:
        seed_demo(other, 20, SEED + 1, today=TODAY)
        theirs = set(other.scalars(select(Client.personal_code)))
    engine.dispose()
    ours = set(session.scalars(select(Client.personal_code)))
    assert len(theirs - ours) > 15


def test_counts_match_the_database(seeded: tuple[Session, dict[str, int]]) -> None:
    session, counts = seeded
    assert counts["client"] == CLIENTS
    assert counts["territorial_unit"] == len(UNIT_SPECS)
    for table_name, expected in counts.items():
        table = Model.metadata.tables[table_name]
        assert session.execute(select(func.count()).select_from(table)).scalar() == expected


def test_all_thirteen_functions_present(seeded: tuple[Session, dict[str, int]]) -> None:
    session, _ = seeded
    assert set(session.scalars(select(Case.function).distinct())) == set(CaseFunction)


def test_personal_codes_are_valid_unique_and_match_birth_dates(
    seeded: tuple[Session, dict[str, int]],
) -> None:
    session, _ = seeded
    rows = session.execute(select(Client.personal_code, Client.birth_date)).all()
    assert len({code for code, _ in rows}) == len(rows) == CLIENTS
    new_form = 0
    for code, born in rows:
        assert personal_code.validate(code, today=TODAY) == code
        encoded = personal_code.birth_date(code)
        if encoded is None:
            new_form += 1
        else:
            assert encoded == born
    assert 0 < new_form < CLIENTS // 10, "mostly old-form codes, a few new-form ones"


def test_names_have_latvian_diacritics(seeded: tuple[Session, dict[str, int]]) -> None:
    session, _ = seeded
    names = [f"{g} {s}" for g, s in session.execute(select(Client.given_name, Client.surname))]
    assert any(not name.isascii() for name in names)
    assert any(ch in "".join(names) for ch in "āčēģīķļņšūž")


def test_surnames_agree_with_gender(seeded: tuple[Session, dict[str, int]]) -> None:
    session, _ = seeded
    for surname, gender in session.execute(select(Client.surname, Client.gender)):
        if gender.value == "female":
            assert not surname.endswith(("š", "s")), surname
        elif surname.endswith("a"):
            pytest.fail(f"male client with feminine surname {surname}")


def test_every_case_has_a_decision_of_the_same_client(
    seeded: tuple[Session, dict[str, int]],
) -> None:
    session, _ = seeded
    missing = session.execute(
        select(func.count()).select_from(Case).where(Case.decision_id.is_(None))
    ).scalar()
    assert missing == 0
    mismatched = session.execute(
        select(func.count())
        .select_from(Case)
        .join(Decision, Decision.id == Case.decision_id)
        .where(Decision.client_id != Case.client_id)
    ).scalar()
    assert mismatched == 0


def test_case_numbers_are_unique_and_counted(seeded: tuple[Session, dict[str, int]]) -> None:
    session, _ = seeded
    numbers = list(session.scalars(select(Case.number)))
    assert len(numbers) == len(set(numbers))
    last_per_year: dict[int, int] = {}
    for number in numbers:
        prefix, year, seq = number.split("-")
        assert prefix == "PL" and len(seq) == 6
        last_per_year[int(year)] = max(last_per_year.get(int(year), 0), int(seq))
    counters = dict(
        session.execute(select(CaseNumberCounter.year, CaseNumberCounter.last_value)).tuples().all()
    )
    assert counters == last_per_year


def test_community_work_is_for_minors_with_short_days(
    seeded: tuple[Session, dict[str, int]],
) -> None:
    session, _ = seeded
    births = session.scalars(
        select(Client.birth_date)
        .join(Case, Case.client_id == Client.id)
        .where(Case.function == CaseFunction.COMMUNITY_WORK)
    ).all()
    assert births
    for born in births:
        assert 14 <= (TODAY - born).days // 365.25 <= 17
    longest = session.execute(
        select(func.max(WorkScheduleEntry.planned_hours))
        .join(WorkAssignment, WorkAssignment.id == WorkScheduleEntry.assignment_id)
        .join(Case, Case.id == WorkAssignment.case_id)
        .where(Case.function == CaseFunction.COMMUNITY_WORK)
    ).scalar()
    assert longest is not None and longest <= 4
    employers = session.scalars(
        select(Employer.accepts_minors)
        .join(WorkAssignment, WorkAssignment.employer_id == Employer.id)
        .join(Case, Case.id == WorkAssignment.case_id)
        .where(Case.function == CaseFunction.COMMUNITY_WORK)
    ).all()
    assert employers and all(employers)


def test_partners_cover_every_type(seeded: tuple[Session, dict[str, int]]) -> None:
    session, _ = seeded
    assert set(session.scalars(select(Employer.employer_type).distinct())) == set(EmployerType)
    assert set(session.scalars(select(Volunteer.volunteer_type).distinct())) == set(VolunteerType)


def test_worklist_material_is_spread_around_today(
    seeded: tuple[Session, dict[str, int]],
) -> None:
    session, _ = seeded
    open_due = session.scalars(
        select(EvaluationReportRequest.due_date).where(
            EvaluationReportRequest.status.in_(("received", "in_progress"))
        )
    ).all()
    assert any(due < TODAY for due in open_due), "some reports overdue"
    assert any(TODAY <= due <= TODAY + dt.timedelta(days=7) for due in open_due)
    start = dt.datetime.combine(TODAY, dt.time.min)
    upcoming = session.scalars(select(Meeting.scheduled_at).where(Meeting.held.is_(False))).all()
    assert any(start < at.replace(tzinfo=None) <= start + dt.timedelta(days=15) for at in upcoming)


def test_mediations_have_offender_client_and_separate_victim(
    seeded: tuple[Session, dict[str, int]],
) -> None:
    session, _ = seeded
    for mediation_id, case_client in session.execute(
        select(Mediation.id, Case.client_id).join(Case, Case.id == Mediation.case_id)
    ):
        parties = session.execute(
            select(MediationParty.role, MediationParty.client_id).where(
                MediationParty.mediation_id == mediation_id
            )
        ).all()
        assert sorted((role.value, client) for role, client in parties) == [
            (PartyRole.OFFENDER.value, case_client),
            (PartyRole.VICTIM.value, None),
        ]


def test_officers_are_assigned_per_unit_and_numbering_continues(tmp_path: Path) -> None:
    engine = _engine(tmp_path / "d.db")
    with Session(engine) as session:
        units = ensure_units(session)
        session.commit()
        # Officers are ab_user rows made by another component; two plain rows stand in here.
        user_t = Model.metadata.tables["ab_user"]
        session.execute(
            user_t.insert(),
            [
                {"id": 7, "first_name": "Anna", "last_name": "Bērziņa", "username": "a",
                 "email": "a@x.invalid", "active": True},
                {"id": 8, "first_name": "Jānis", "last_name": "Ozoliņš", "username": "b",
                 "email": "b@x.invalid", "active": True},
            ],
        )  # fmt: skip
        session.commit()
        riga = units[0].id
        done: list[int] = []
        seed_demo(session, 40, 1, officers_by_unit={riga: [7, 8]}, today=TODAY)
        first_numbers = set(session.scalars(select(Case.number)))
        seed_demo(session, 30, 1, today=TODAY, progress=done.append)
        assert done == [30]
        assert session.execute(select(func.count()).select_from(TerritorialUnit)).scalar() == 6
        assert session.execute(select(func.count()).select_from(Client)).scalar() == 70
        numbers = list(session.scalars(select(Case.number)))
        assert len(numbers) == len(set(numbers)) and first_numbers < set(numbers)
        officers = dict(
            session.execute(
                select(Case.unit_id, func.count(Case.officer_id)).group_by(Case.unit_id)
            ).all()
        )
        assert officers.get(riga, 0) > 0
        assert all(count == 0 for unit, count in officers.items() if unit != riga)
        assert set(
            session.scalars(select(Case.officer_id).where(Case.officer_id.is_not(None)))
        ) <= {7, 8}
    engine.dispose()


# --- Demo portal submissions (needs the Flask app: translations, upload folder, FAB users) -----

PORTAL_CLIENTS = 300
PORTAL_SEED = 1
EVERY_STATUS = {status.value for status in SubmissionStatus}


def _fresh_database(tmp: Path) -> tuple[str, Callable[[], None]]:
    """A new empty database: a SQLite file, or one more on the DATABASE_URL PostgreSQL server."""
    if not DATABASE_URL.startswith(("postgres://", "postgresql")):
        return f"sqlite:///{tmp / 'demo-portal.db'}", lambda: None
    url = make_url(DATABASE_URL)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    name = f"plus_demo_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


@dataclass
class DemoPortal:
    app: Flask
    statuses: Counter[str]
    without_forms: Counter[str]  # seed_submissions before `load-forms`


def _seed_portal(tmp: Path, url: str) -> DemoPortal:
    """What `make run` does: migrate, roles, seed the demo data, load forms, submissions."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db
    from portal.services import setup
    from portal.services.demo import submissions as demo_submissions
    from portal.services.intake import forms

    app = create_app(base_config(tmp, SQLALCHEMY_DATABASE_URI=url))
    with app.app_context():
        upgrade(directory=str(Path(app.root_path) / "migrations"))
        sm = app.appbuilder.sm
        setup.seed_demo(db.session, sm, clients=PORTAL_CLIENTS, seed=PORTAL_SEED)
        # Forms not loaded yet (seed_demo called directly): nothing is made, nothing breaks.
        without_forms = demo_submissions.seed_submissions(db.session, sm, seed=PORTAL_SEED)
        forms.load_forms(db.session, FORMDEFS)
        db.session.commit()
        statuses = demo_submissions.seed_submissions(db.session, sm, seed=PORTAL_SEED)
        db.session.remove()
    return DemoPortal(app, statuses, without_forms)


@pytest.fixture(scope="module")
def demo(app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoPortal]:
    """The demo data with its portal submissions, in a database of its own.

    Depends on the session ``app`` only to hand Celery back to it afterwards (building
    another app rebinds the shared Celery app).
    """
    from portal.extensions import db
    from portal.tasks import init_celery

    tmp = tmp_path_factory.mktemp("demo-portal")
    url, drop = _fresh_database(tmp)
    try:
        with warnings_as_errors_from("portal.services.demo.submissions"):
            demo = _seed_portal(tmp, url)
        yield demo
        with demo.app.app_context():
            db.engine.dispose()
    finally:
        drop()
        init_celery(app)


@contextmanager
def warnings_as_errors_from(logger_name: str) -> Iterator[None]:
    """Fail when the logger warns: a demo submission the shipped forms refuse is a bug."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    assert not records, [r.getMessage() for r in records]


@pytest.fixture()
def portal_db(demo: DemoPortal) -> Iterator[Session]:
    from portal.extensions import db

    with demo.app.test_request_context():
        yield db.session
        db.session.rollback()
        db.session.remove()


def _demo_user(demo: DemoPortal, username: str) -> Any:
    return demo.app.appbuilder.sm.find_user(username=username)


def _demo_submissions(session: Session) -> list[Submission]:
    from portal.services.demo.submissions import DEMO_KEY_PREFIX

    return list(session.scalars(
        select(Submission)
        .where(Submission.idempotency_key.startswith(DEMO_KEY_PREFIX))
        .order_by(Submission.id)
    ))


def _form_key(submission: Submission) -> str:
    return submission.version.definition.key


def test_portal_submissions_cover_the_lifecycle(demo: DemoPortal, portal_db: Session) -> None:
    assert demo.without_forms == Counter()
    assert set(demo.statuses) == EVERY_STATUS
    stored = _demo_submissions(portal_db)
    assert 10 <= len(stored) <= 30
    assert Counter(s.status.value for s in stored) == demo.statuses
    for s in stored:
        processed = s.status is not SubmissionStatus.RECEIVED
        assert (s.processed_by_id is not None) == processed
        if s.status is SubmissionStatus.REJECTED:
            assert s.rejection_reason
        if s.status is SubmissionStatus.ANSWERED:
            assert s.reply and s.replied_at
    assert any(s.status is SubmissionStatus.ANSWERED and s.rejection_reason for s in stored)
    assert any(s.status is SubmissionStatus.ANSWERED and not s.rejection_reason for s in stored)
    # Every submission counted once as a use of its e-service.
    uses = portal_db.scalars(select(EServiceUse.submission_id).where(
        EServiceUse.submission_id.in_([s.id for s in stored]))).all()
    assert sorted(uses) == [s.id for s in stored]


def test_the_demo_officer_sees_them_in_the_inbox(demo: DemoPortal, portal_db: Session) -> None:
    from portal.services.intake import submissions

    officer = Actor.of(_demo_user(demo, "officer"))
    inbox = submissions.inbox(portal_db, officer, limit=1000)
    assert {s.audience for s in inbox} == set(Audience)
    assert {s.status for s in inbox} == set(SubmissionStatus)
    assert {"hours_worked", "no_show", "change_of_residence",
            "explanation_of_absence_or_violation", "task_report",
            "volunteer_monthly_report"} <= {_form_key(s) for s in inbox}
    assert all(s.unit_id == officer.unit_id for s in inbox)


def test_each_portal_login_lists_its_own(demo: DemoPortal, portal_db: Session) -> None:
    from portal.services.intake import submissions

    for username, audience in (("client", Audience.CLIENT), ("employer", Audience.EMPLOYER),
                               ("volunteer", Audience.VOLUNTEER)):
        user = _demo_user(demo, username)
        mine = submissions.mine(portal_db, user)
        assert mine, username
        assert all(s.submitted_by_id == user.id and s.audience is audience for s in mine)
    client = _demo_user(demo, "client")
    assert all(s.client_id == client.client_id
               for s in submissions.mine(portal_db, client))


def test_accepted_hours_are_confirmed_on_the_case(demo: DemoPortal, portal_db: Session) -> None:
    from portal.services.casework import case_file

    accepted = [
        s for s in _demo_submissions(portal_db)
        if _form_key(s) == "hours_worked" and s.processed_at is not None
        and s.rejection_reason is None
    ]
    assert accepted
    for s in accepted:
        rows = s.data["hours"]
        assert len(rows) >= 2
        reported = Decimal(0)
        for row in rows:
            log = portal_db.scalars(select(HoursLog).where(
                HoursLog.assignment_id == int(row["client"]),
                HoursLog.work_date == dt.date.fromisoformat(row["date"]),
            )).one()
            assert log.hours == Decimal(str(row["hours"]))
            assert log.confirmed and log.confirmed_by_id == s.processed_by_id
            reported += log.hours
        assert case_file.hours_done(portal_db, s.case_id) >= reported
        created = portal_db.scalars(select(ChangeLog.entity_id).where(
            ChangeLog.source == f"submission:{s.id}", ChangeLog.entity == "HoursLog",
            ChangeLog.action == "create")).all()
        assert len(created) == len(rows)
    # The demo client's own case has a report the employer sent and the officer accepted.
    client = _demo_user(demo, "client")
    assert any(s.client_id == client.client_id for s in accepted)


def test_accepted_intake_is_applied(demo: DemoPortal, portal_db: Session) -> None:
    by_form = {_form_key(s): s for s in _demo_submissions(portal_db)}
    residence = by_form["change_of_residence"]
    assert residence.processed_at is not None and residence.rejection_reason is None
    client = portal_db.get(Client, residence.client_id)
    assert client.address == residence.data["new_address"]
    assert client.phone == residence.data["phone"]
    assert portal_db.scalars(select(ChangeLog).where(
        ChangeLog.source == f"submission:{residence.id}", ChangeLog.entity == "Client")).first()
    no_shows = [s for s in _demo_submissions(portal_db)
                if _form_key(s) == "no_show" and s.rejection_reason is None
                and s.processed_at is not None]
    assert no_shows
    for s in no_shows:
        assert portal_db.scalars(select(NoShow).where(
            NoShow.assignment_id == int(s.data["client"]),
            NoShow.event_date == dt.date.fromisoformat(s.data["event_date"]),
            NoShow.reported_by == ReportedBy.EMPLOYER)).first()
    # The absence explanation came with its certificate, stored like any upload.
    assert any(s.attachments for s in _demo_submissions(portal_db)
               if _form_key(s) == "explanation_of_absence_or_violation")


def test_the_volunteers_monthly_report_is_stored_as_the_server_computed_it(
    demo: DemoPortal, portal_db: Session
) -> None:
    # The form with the builder's wider features (issue 12), filed through the real service.
    from portal.services.demo import submissions as demo_submissions

    (report,) = [s for s in _demo_submissions(portal_db)
                 if _form_key(s) == "volunteer_monthly_report"]
    data = report.data
    assert data["total_hours"] == sum(row["hours"] for row in data["activities"]) == 6
    month = demo_submissions._MONTHS.index(data["period"]["month"]) + 1
    assert data["report_reference"] == f"{data['period']['year']}-{month:02d}/{data['client']}"
    assert Decimal(str(data["travel_expenses"])) == Decimal("6.80") and data["expenses_note"]
    assert data["topics"] == ["darba meklēšana", "CV", "dienas režīms"]
    assert report.case_id is not None and report.status is SubmissionStatus.IN_PROCESSING


def test_partner_replies_are_queued_as_notices(demo: DemoPortal, portal_db: Session) -> None:
    answered = [s for s in _demo_submissions(portal_db)
                if s.status is SubmissionStatus.ANSWERED and s.audience is not Audience.CLIENT]
    assert answered
    notices = portal_db.scalars(select(OutgoingNotice.submission_id)).all()
    assert {s.id for s in answered} <= set(notices)


def test_seeding_portal_submissions_again_changes_nothing(
    demo: DemoPortal, portal_db: Session
) -> None:
    from portal.services.demo import submissions as demo_submissions

    before = [(s.id, s.status, s.data) for s in _demo_submissions(portal_db)]
    again = demo_submissions.seed_submissions(portal_db, demo.app.appbuilder.sm,
                                              seed=PORTAL_SEED)
    assert again == Counter()
    portal_db.expire_all()
    assert [(s.id, s.status, s.data) for s in _demo_submissions(portal_db)] == before


def test_portal_submissions_are_deterministic(
    app: Flask, demo: DemoPortal, portal_db: Session, tmp_path: Path
) -> None:
    """The same seed on a fresh database (SQLite, whatever the first one was) gives the same."""
    from portal.extensions import db

    def snapshot(session: Session) -> list[tuple[Any, ...]]:
        return [(s.idempotency_key, _form_key(s), s.status, s.client_id, s.case_id, s.data,
                 s.rejection_reason, s.reply) for s in _demo_submissions(session)]

    ours = snapshot(portal_db)
    other = _seed_portal(tmp_path, f"sqlite:///{tmp_path / 'again.db'}")
    try:
        with other.app.app_context():
            assert snapshot(db.session) == ours
            db.session.remove()
            db.engine.dispose()
    finally:
        from portal.tasks import init_celery

        init_celery(app)


def test_evaluation_reports_and_mediation_in_depth(demo: DemoPortal, portal_db: Session) -> None:
    """A report in each state (one submitted with a second version), an agreement whose
    terms are partly fulfilled, partly not and partly overdue, and a session in a prison."""
    from portal.models import (
        AgreementFulfilment,
        EvaluationReport,
        EvaluationReportVersion,
        Mediation,
        MediationSession,
        MediationTerm,
        ReportStatus,
        SessionPlace,
        TermStatus,
    )

    states = Counter(portal_db.scalars(select(EvaluationReport.status)))
    assert all(states[s] for s in ReportStatus), states
    twice = portal_db.scalars(
        select(EvaluationReport).where(EvaluationReport.version == 2,
                                       EvaluationReport.status == ReportStatus.SUBMITTED)).all()
    assert twice
    numbers = [v.number for v in portal_db.scalars(
        select(EvaluationReportVersion).where(EvaluationReportVersion.report_id == twice[0].id)
        .order_by(EvaluationReportVersion.number))]
    assert numbers == [1, 2]
    assert all(r.reviewed_by_id for r in portal_db.scalars(
        select(EvaluationReport).where(EvaluationReport.status == ReportStatus.REVIEWED)))

    terms = portal_db.scalars(select(MediationTerm)).all()
    assert {t.status for t in terms} == set(TermStatus)
    today = dt.date.today()
    assert any(t.status is TermStatus.PENDING and t.due_date < today for t in terms)
    agreed = portal_db.get(Mediation, terms[0].mediation_id)
    assert agreed.fulfilment is AgreementFulfilment.NOT_FULFILLED
    assert all(t.due_date >= agreed.agreement_date for t in agreed.terms)
    prisons = portal_db.scalars(select(MediationSession).where(
        MediationSession.place_type == SessionPlace.PRISON)).all()
    assert prisons and all(s.place for s in prisons)
