"""The demo data generator on a bare SQLite database (no Flask app): determinism and sanity."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, func, select
from sqlalchemy.orm import Session

from portal.models import (
    Case,
    CaseFunction,
    CaseNumberCounter,
    Client,
    Decision,
    Employer,
    EmployerType,
    EvaluationReportRequest,
    HoursLog,
    Mediation,
    MediationParty,
    Meeting,
    Model,
    PartyRole,
    TerritorialUnit,
    Volunteer,
    VolunteerType,
    WorkAssignment,
    WorkScheduleEntry,
)
from portal.services import personal_code
from portal.services.demo_seed import UNIT_SPECS, ensure_units, seed_demo

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
