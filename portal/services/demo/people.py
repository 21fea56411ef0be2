"""Demo rows of people and units and of minors' community work (issue 11).

Written through the ORM and the services (``transfers``, the ``work_limits`` guard), after
the bulk seed, so the demo shows what an officer would meet: a 15-year-old's community work
within the minors' limits, a case transferred from another unit, a transfer waiting for the
demo manager, and a colleague's cover.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

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
    OfficerCover,
    PlusUser,
    PriorityWork,
    ReportedBy,
    TerritorialUnit,
    Vacancy,
    WorkAssignment,
    WorkKind,
    WorkScheduleEntry,
)
from portal.services.access import Role, system_actor
from portal.services.casework import cases, personal_code, transfers


def _years_ago(today: dt.date, years: int, days: int) -> dt.date:
    try:
        born = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        born = today.replace(year=today.year - years, day=28)
    return born - dt.timedelta(days=days)


def _client(session: Session, unit: TerritorialUnit, born: dt.date, given: str, surname: str,
            gender: Gender, address: str) -> Client:
    import random

    rng = random.Random(f"{given}{surname}")
    while True:
        code = personal_code.generate_old(born, rng)
        if session.execute(select(Client.id).where(Client.personal_code == code)).first() is None:
            break
    client = Client(given_name=given, surname=surname, personal_code=code, birth_date=born,
                    gender=gender, unit_id=unit.id, address=address, phone="+37120001511")
    session.add(client)
    session.flush()
    return client


def _case(session: Session, client: Client, unit: TerritorialUnit, officer_id: int | None,
          function: CaseFunction, decision: Decision, start: dt.date,
          hours: int | None = None) -> Case:
    case = Case(number=cases.next_case_number(session, start.year), client_id=client.id,
                function=function, status=CaseStatus.ACTIVE, start_date=start,
                officer_id=officer_id, unit_id=unit.id, decision_id=decision.id,
                hours_ordered=Decimal(hours) if hours is not None else None)
    session.add(case)
    session.flush()
    return case


def _minors_employer(session: Session, unit: TerritorialUnit) -> Employer:
    employer = session.execute(
        select(Employer).where(Employer.unit_id == unit.id, Employer.accepts_minors.is_(True))
        .order_by(Employer.id)
    ).scalars().first()
    if employer is None:
        employer = Employer(name="Jauniešu iniciatīvu centrs", accepts_minors=True,
                            employer_type=EmployerType.MUNICIPAL_INSTITUTION, unit_id=unit.id,
                            municipality=unit.municipality, address="Skolas iela 3")
        session.add(employer)
        session.flush()
    return employer


def _community_work_of_a_15_year_old(session: Session, unit: TerritorialUnit, officer: int,
                                     today: dt.date) -> Case:
    client = _client(session, unit, _years_ago(today, 15, 120), "Kristers", "Zvaigzne",
                     Gender.MALE, "Meža iela 12, Rīga")
    start = today - dt.timedelta(days=21)
    decision = Decision(client_id=client.id, decision_type=DecisionType.COURT_JUDGMENT,
                        institution="Rīgas pilsētas tiesa", number="K30-0815-26/7",
                        decision_date=start - dt.timedelta(days=14), community_work_hours=40,
                        criminal_law_articles="180. panta 1. daļa",
                        penalty_details="Audzinoša rakstura piespiedu līdzeklis — sabiedriskais "
                                        "darbs 40 stundas.")
    session.add(decision)
    session.flush()
    case = _case(session, client, unit, officer, CaseFunction.COMMUNITY_WORK, decision, start,
                 hours=40)
    employer = _minors_employer(session, unit)
    assignment = WorkAssignment(
        case_id=case.id, employer_id=employer.id, work_kind=WorkKind.GREEN_AREAS,
        work_type="Parka celiņu un apstādījumu kopšana", place=employer.address or "Parks",
        start_date=start + dt.timedelta(days=3), referral_number=f"{unit.code}-N/1501",
        schedule_agreed_by_employer=True, schedule_agreed_by_client=True)
    session.add(assignment)
    session.flush()
    # Two afternoons a week after school, 3 hours each: well within 7 a day and 35 a week.
    monday = assignment.start_date - dt.timedelta(days=assignment.start_date.weekday())
    for week in range(6):
        for weekday in (1, 3):
            day = monday + dt.timedelta(weeks=week, days=weekday)
            if day < assignment.start_date:
                continue
            session.add(WorkScheduleEntry(assignment_id=assignment.id, work_date=day,
                                          start_time="15:00", planned_hours=Decimal(3)))
            if day < today:
                session.add(HoursLog(assignment_id=assignment.id, work_date=day,
                                     hours=Decimal(3), reported_by=ReportedBy.EMPLOYER,
                                     confirmed=day < today - dt.timedelta(days=3),
                                     confirmed_by_id=officer if day < today - dt.timedelta(
                                         days=3) else None))
            session.flush()
    return case


# The kind of each demo work title, so the suitable-work proposals can apply the exclusions.
_KINDS = (
    ("sakop", WorkKind.CLEANING), ("uzkop", WorkKind.CLEANING), ("sniega", WorkKind.CLEANING),
    ("zāle", WorkKind.GREEN_AREAS), ("lapu", WorkKind.GREEN_AREAS),
    ("krūm", WorkKind.GREEN_AREAS), ("parku", WorkKind.GREEN_AREAS),
    ("grāmat", WorkKind.OFFICE), ("virtuv", WorkKind.KITCHEN),
    ("dzīvniek", WorkKind.ANIMAL_CARE), ("remont", WorkKind.CONSTRUCTION),
    ("krāso", WorkKind.CONSTRUCTION), ("malk", WorkKind.HEAVY_LIFTING),
    ("noliktav", WorkKind.HEAVY_LIFTING),
)


def _kind_of(title: str) -> WorkKind:
    low = title.lower()
    return next((kind for stem, kind in _KINDS if stem in low), WorkKind.OTHER)


def _classify_works(session: Session) -> int:
    """Give the bulk seed's vacancies and priority works their kind of work."""
    n = 0
    for model in (Vacancy, PriorityWork):
        for row in session.execute(select(model).where(model.work_kind.is_(None))).scalars():
            row.work_kind = _kind_of(row.title)
            n += 1
    return n


def _officers(session: Session, unit: TerritorialUnit) -> list[int]:
    return [u.id for u in transfers.case_workers(session, unit.id)
            if any(r.name == Role.OFFICER for r in u.roles)]


def seed_people(session: Session, *, today: dt.date | None = None) -> dict[str, int]:
    """Add the demo rows (the caller commits); returns rows per kind. Needs the demo units
    and officers of ``setup.seed_demo``; does nothing when they are missing."""
    today = today or dt.date.today()
    units = list(session.execute(select(TerritorialUnit).order_by(TerritorialUnit.id)).scalars())
    if len(units) < 2:
        return {}
    main, other = units[0], units[1]
    main_officers, other_officers = _officers(session, main), _officers(session, other)
    if not main_officers or not other_officers:
        return {}
    officer = session.execute(
        select(PlusUser.id).where(PlusUser.username == "officer")).scalar_one_or_none()
    officer = officer or main_officers[0]
    counts = {"community_work_minor": 0, "case_transfer": 0, "officer_cover": 0}
    counts["work_kind"] = _classify_works(session)

    _community_work_of_a_15_year_old(session, main, officer, today)
    counts["community_work_minor"] += 1

    admin = system_actor()
    # A client who moved to the main unit's area: transferred and accepted last month; the
    # case kept its number and history.
    moved = _client(session, other, _years_ago(today, 34, 40), "Artūrs", "Ceļotājs",
                    Gender.MALE, "Jaunā iela 5, Rīga")
    decision = Decision(client_id=moved.id, decision_type=DecisionType.COURT_JUDGMENT,
                        institution="Kurzemes rajona tiesa", number="K35-1102-25/4",
                        decision_date=today - dt.timedelta(days=150), supervision_months=18,
                        criminal_law_articles="175. panta 2. daļa")
    session.add(decision)
    session.flush()
    moved_case = _case(session, moved, other, other_officers[0],
                       CaseFunction.SUPERVISION_CONDITIONAL_SENTENCE, decision,
                       today - dt.timedelta(days=140))
    accepted = transfers.request_transfer(session, moved_case.id, main.id,
                                          "Klients pārcēlās uz dzīvi Rīgā.", admin)
    transfers.accept_transfer(session, accepted.id, officer, admin)
    counts["case_transfer"] += 1

    # One waiting for the demo manager's acceptance.
    coming = _client(session, other, _years_ago(today, 27, 200), "Elīna", "Jaunzeme",
                     Gender.FEMALE, "Lāčplēša iela 40, Rīga")
    decision2 = Decision(client_id=coming.id, decision_type=DecisionType.PROSECUTOR_PENALTY_ORDER,
                         institution="Liepājas tiesu apgabala prokuratūra",
                         number="11816001125", decision_date=today - dt.timedelta(days=60),
                         forced_labour_hours=80)
    session.add(decision2)
    session.flush()
    coming_case = _case(session, coming, other, other_officers[0], CaseFunction.FORCED_LABOUR,
                        decision2, today - dt.timedelta(days=50), hours=80)
    transfers.request_transfer(session, coming_case.id, main.id,
                               "Klientei jauna dzīvesvieta Rīgā, strādās Rīgā.", admin)
    counts["case_transfer"] += 1

    # A colleague covers the demo officer next week (the cover then ends by itself).
    colleague = next((o for o in main_officers if o != officer), None)
    if colleague is not None:
        start = today + dt.timedelta(days=7 - today.weekday())
        session.add(OfficerCover(unit_id=main.id, absent_officer_id=officer,
                                 covering_officer_id=colleague, start_date=start,
                                 end_date=start + dt.timedelta(days=4),
                                 reason="Atvaļinājums"))
        counts["officer_cover"] += 1
    session.flush()
    return counts
