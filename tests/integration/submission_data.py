"""Portal data for the submission tests, made once per test session on the shared database.

The base data's employer (``t_employer``) is used as it is for read-only checks; tests that
accept submissions work on their own employer, clients and cases, so the hours and addresses
other tests look at never change under them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask

from portal.models import (
    Audience,
    Employer,
    EmployerType,
    FormDefinition,
    FormVersion,
    Volunteer,
    VolunteerTask,
    VolunteerType,
)
from portal.services.access import Role
from tests.factories import CaseRecords, ensure_user, make_case

FORMDEFS = Path(__file__).resolve().parents[2] / "formdefs"


@dataclass
class SubmissionData:
    """Ids and usernames of the portal parties the submission tests use."""

    employer: int
    employer_user: str
    employer_user_id: int
    case_a: CaseRecords  # unit A, officer t_officer, work at ``employer``
    case_b: CaseRecords  # unit B, officer t_officer_b, work at ``employer``
    case_e: CaseRecords  # unit A, client with an active e-address
    client_user: str  # linked to case_a's client (no e-address)
    client_user_id: int
    e_client_user: str  # linked to case_e's client (e-address active)
    e_client_user_id: int
    volunteer: int
    volunteer_user: str
    volunteer_user_id: int
    retired_key: str
    unpublished_key: str


def load_forms(session: Any) -> None:
    """Load the shipped definitions (idempotent: unchanged files make no new version)."""
    from portal.services.intake import forms

    forms.load_forms(session, FORMDEFS)
    session.commit()


def _extra_forms(session: Any) -> tuple[str, str]:
    """A retired form and a form without a published version (both client forms)."""
    import json

    schema = json.loads((FORMDEFS / "message_to_officer.json").read_text())
    keys = ("t_sub_retired", "t_sub_unpublished")
    for key in keys:
        if session.query(FormDefinition).filter_by(key=key).first() is not None:
            continue
        variant = dict(schema, plus=dict(schema["plus"], key=key))
        definition = FormDefinition(key=key, title_lv=key, title_en=key, audience=Audience.CLIENT)
        session.add(definition)
        session.flush()
        version = FormVersion(definition_id=definition.id, number=1, schema=variant,
                              digest=key.ljust(64, "0")[:64])
        session.add(version)
        session.flush()
        if key == "t_sub_retired":
            definition.published_version_id = version.id
            definition.retired = True
    session.commit()
    return keys


def submission_data(app: Flask) -> SubmissionData:
    """The portal parties, created on first use and cached on the app."""
    cached = app.config.get("SUBMISSION_DATA")
    if cached is not None:
        return cached
    from portal.extensions import db

    base = app.config["BASE_DATA"]
    with app.app_context():
        session = db.session
        sm = app.appbuilder.sm
        load_forms(session)
        employer = Employer(name="Iesniegumu SIA", employer_type=EmployerType.ASSOCIATION,
                            unit_id=base.unit_a)
        volunteer = Volunteer(given_name="Vilis", surname="Palīgs",
                              volunteer_type=VolunteerType.PROBATION_VOLUNTEER)
        session.add_all([employer, volunteer])
        session.commit()
        officer = base.users[Role.OFFICER]
        case_a = make_case(session, unit_id=base.unit_a, officer_id=officer, mediator_id=None,
                           employer_id=employer.id, surname="Ozola", given="Ilze")
        case_b = make_case(session, unit_id=base.unit_b, officer_id=base.users["OfficerB"],
                           mediator_id=None, employer_id=employer.id, surname="Liepa",
                           given="Pēteris")
        case_e = make_case(session, unit_id=base.unit_a, officer_id=officer, mediator_id=None,
                           employer_id=employer.id, surname="Eglīte", given="Dace")
        from portal.models import Client

        session.get(Client, case_e.client).e_address_active = True
        session.add(VolunteerTask(case_id=case_a.case, volunteer_id=volunteer.id,
                                  task="Atbalsts darba meklēšanā",
                                  start_date=dt.date.today() - dt.timedelta(days=10)))
        session.commit()
        retired, unpublished = _extra_forms(session)
        data = SubmissionData(
            employer=employer.id,
            employer_user="t_sub_employer",
            employer_user_id=ensure_user(sm, "t_sub_employer", Role.EMPLOYER, employer_id=employer.id),
            case_a=case_a,
            case_b=case_b,
            case_e=case_e,
            client_user="t_sub_client",
            client_user_id=ensure_user(sm, "t_sub_client", Role.CLIENT, client_id=case_a.client),
            e_client_user="t_sub_eclient",
            e_client_user_id=ensure_user(sm, "t_sub_eclient", Role.CLIENT, client_id=case_e.client),
            volunteer=volunteer.id,
            volunteer_user="t_sub_volunteer",
            volunteer_user_id=ensure_user(sm, "t_sub_volunteer", Role.VOLUNTEER,
                                    volunteer_id=volunteer.id),
            retired_key=retired,
            unpublished_key=unpublished,
        )
        session.remove()
    app.config["SUBMISSION_DATA"] = data
    return data
