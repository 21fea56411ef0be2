"""Setting up a database: roles, demo users and demo data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import (
    Case,
    Employer,
    PlusUser,
    TerritorialUnit,
    Volunteer,
    WorkAssignment,
)
from portal.services import audit
from portal.services.access import Role

DEMO_PASSWORD = "plus-demo"
# (role, username, password) — printed by `flask plus demo-logins`.
DEMO_LOGINS: list[tuple[str, str, str]] = [
    (Role.ADMIN, "admin", DEMO_PASSWORD),
    (Role.UNIT_MANAGER, "manager", DEMO_PASSWORD),
    (Role.OFFICER, "officer", DEMO_PASSWORD),
    (Role.ANALYST, "analyst", DEMO_PASSWORD),
    (Role.FORM_ADMIN, "formadmin", DEMO_PASSWORD),
    (Role.EMPLOYER, "employer", DEMO_PASSWORD),
    (Role.VOLUNTEER, "volunteer", DEMO_PASSWORD),
    (Role.CLIENT, "client", DEMO_PASSWORD),
]
OFFICERS_PER_UNIT = 3


def ensure_roles(sm: Any) -> None:
    """Create every PLUS role (and FAB's Public role) if missing."""
    for name in (*Role.ALL, "Public"):
        if sm.find_role(name) is None:
            sm.add_role(name)


def ensure_document_templates(session: Session) -> list[str]:
    """Publish the shipped template of every document type that has none (commits)."""
    from portal.services import paperwork

    changed = paperwork.load_defaults(session)
    session.commit()
    return changed


def ensure_supervision_catalogues() -> int:
    """Load the shipped obligation and assessment catalogues where missing (commits)."""
    from portal.extensions import db
    from portal.services.supervision import catalogue

    with audit.acting_as(None, "init"):
        added = catalogue.ensure_catalogues(db.session)
        db.session.commit()
    return added


def _user(sm: Any, username: str, first: str, last: str, role: str, **links: Any) -> PlusUser:
    user = sm.find_user(username=username)
    if user is None:
        user = sm.add_user(
            username=username, first_name=first, last_name=last,
            email=f"{username}@demo.vpd.invalid", role=sm.find_role(role), password=DEMO_PASSWORD,
        )
        if not user:
            raise RuntimeError(f"could not create demo user {username}")
    for key, value in links.items():
        setattr(user, key, value)
    return user


def seed_demo(session: Session, sm: Any, *, clients: int, seed: int) -> dict[str, int]:
    """Create demo units, one login per role, officers per unit and ``clients`` clients."""
    from portal.services.demo import seed as demo_seed

    ensure_roles(sm)
    with audit.acting_as(None, "seed"):
        ensure_document_templates(session)
        units = demo_seed.ensure_units(session)
        session.commit()
        main_unit = units[0]
        officers_by_unit: dict[int, list[int]] = {}
        first_names = ["Anna", "Jānis", "Līga", "Andris", "Ilze", "Mārtiņš", "Dace", "Edgars"]
        last_names = ["Kalniņa", "Ozols", "Liepa", "Zariņš", "Krūmiņa", "Vītols", "Eglīte", "Priede"]
        n = 0
        for unit in units:
            ids = []
            for i in range(OFFICERS_PER_UNIT):
                username = "officer" if (unit is main_unit and i == 0) else (
                    f"officer.{unit.code.lower()}.{i + 1}")
                user = _user(sm, username, first_names[n % 8], last_names[n % 8], Role.OFFICER,
                             unit_id=unit.id)
                ids.append(user.id)
                n += 1
            officers_by_unit[unit.id] = ids
        _user(sm, "admin", "Admin", "PLUS", Role.ADMIN)
        _user(sm, "manager", "Inga", "Vadītāja", Role.UNIT_MANAGER, unit_id=main_unit.id)
        _user(sm, "analyst", "Kārlis", "Analītiķis", Role.ANALYST)
        _user(sm, "formadmin", "Rita", "Veidlapa", Role.FORM_ADMIN)
        session.commit()
        counts = demo_seed.seed_demo(session, clients, seed, officers_by_unit=officers_by_unit)
        session.commit()
        from portal.services.demo import calendar as demo_calendar

        counts.update(demo_calendar.seed_rooms(session))
        session.commit()
        _link_portal_users(session, sm, main_unit, officers_by_unit[main_unit.id][0])
        session.commit()
        from portal.services.demo import people as demo_people

        counts.update(demo_people.seed_people(session))
        from portal.services.demo import supervision as demo_supervision

        counts.update(demo_supervision.seed(session, main_unit.id, seed=seed,
                                            officer_id=officers_by_unit[main_unit.id][0]))
        session.commit()
        from portal.services.demo import evalmed as demo_evalmed

        manager = sm.find_user(username="manager")
        counts.update(demo_evalmed.seed(session, main_unit.id,
                                        officer_id=officers_by_unit[main_unit.id][0],
                                        manager_id=manager.id if manager else None))
        session.commit()
    return counts


def _link_portal_users(session: Session, sm: Any, unit: TerritorialUnit, officer_id: int) -> None:
    # Link the demo portal logins to active work of the demo officer, so they see real data.
    import datetime as dt

    from portal.models import CaseFunction, CaseStatus, Process, VolunteerTask

    work = [f for f in CaseFunction if f.process in (Process.FORCED_LABOUR, Process.COMMUNITY_WORK)]
    row = session.execute(
        select(Case.client_id, WorkAssignment.employer_id)
        .join(WorkAssignment, WorkAssignment.case_id == Case.id)
        .where(Case.officer_id == officer_id, Case.status == CaseStatus.ACTIVE,
               Case.function.in_(work))
        .order_by(Case.id).limit(1)
    ).first()
    client_id, employer_id = (row[0], row[1]) if row else (None, None)
    if client_id is None:
        client_id = session.execute(
            select(Case.client_id).where(Case.officer_id == officer_id).limit(1)
        ).scalar_one_or_none()
    if employer_id is None:
        employer_id = session.execute(select(Employer.id).limit(1)).scalar_one_or_none()
    volunteer_id = session.execute(select(Volunteer.id).limit(1)).scalar_one_or_none()
    supervised = session.execute(
        select(Case.id).where(Case.officer_id == officer_id, Case.status == CaseStatus.ACTIVE,
                              Case.function.in_([f for f in CaseFunction
                                                 if f.process == Process.SUPERVISION]))
        .order_by(Case.id).limit(1)
    ).scalar_one_or_none()
    if volunteer_id is not None and supervised is not None:
        session.add(VolunteerTask(case_id=supervised, volunteer_id=volunteer_id,
                                  task="Atbalsts darba meklēšanā un ikdienas plānošanā",
                                  # begun before the demo task reports it is the subject of
                                  start_date=dt.date.today() - dt.timedelta(days=60)))
    _user(sm, "client", "Klients", "Demo", Role.CLIENT, client_id=client_id)
    _user(sm, "employer", "Darba", "Devējs", Role.EMPLOYER, employer_id=employer_id)
    _user(sm, "volunteer", "Brīvprātīgais", "Demo", Role.VOLUNTEER, volunteer_id=volunteer_id)
