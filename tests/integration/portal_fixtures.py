"""Two of everything for the portal tests: made once per test session on the shared database.

Each portal party has a twin with its own data, so every page can be tried with the twin's
ids (the IDOR tests): clients P and Q (Q's case in unit B), employers 1 and 2, volunteers
1 and 2. The base data's accounts (t_client, t_employer, t_volunteer) are used as they are.
A client form with every supported component (``t_portal_all``) tests the renderer.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from portal.models import (
    Document,
    DocumentOrigin,
    Employer,
    EmployerType,
    HoursLog,
    ReportedBy,
    Volunteer,
    VolunteerTask,
    VolunteerType,
    WorkScheduleEntry,
)
from portal.services.access import Role
from tests.factories import PASSWORD, CaseRecords, ensure_user, make_case

ALL_TYPES_KEY = "t_portal_all"

# Every component type the portal renders, with conditions, a datagrid and Latvian/English.
ALL_TYPES_SCHEMA: dict[str, Any] = {
    "display": "form",
    "components": [
        {"type": "content", "key": "intro", "input": False,
         "html": "<p>Ievads <script>alert(1)</script><strong>svarīgi</strong></p>"},
        {"type": "textfield", "key": "name", "label": "Vārds", "input": True,
         "validate": {"required": True, "maxLength": 50}},
        {"type": "textarea", "key": "story", "label": "Stāsts", "input": True, "rows": 3,
         "validate": {"maxLength": 2000}},
        {"type": "number", "key": "count", "label": "Skaits", "input": True,
         "validate": {"min": 0, "max": 100}, "decimalLimit": 2},
        {"type": "email", "key": "mail", "label": "E-pasts", "input": True},
        {"type": "phoneNumber", "key": "phone", "label": "Tālrunis", "input": True,
         "inputMask": "", "validate": {"pattern": "\\+?[0-9 ]{8,20}"}},
        {"type": "select", "key": "colour", "label": "Krāsa", "input": True,
         "dataSrc": "values", "data": {"values": [{"label": "Sarkana", "value": "red"},
                                                  {"label": "Zila", "value": "blue"}]},
         "validate": {"onlyAvailableItems": True}},
        {"type": "select", "key": "tags", "label": "Birkas", "input": True, "multiple": True,
         "dataSrc": "values", "data": {"values": [{"label": "A", "value": "tag_a"},
                                                  {"label": "B", "value": "tag_b"}]},
         "validate": {"onlyAvailableItems": True}},
        {"type": "radio", "key": "answer", "label": "Atbilde", "input": True,
         "values": [{"label": "Jā", "value": "yes"}, {"label": "Nē", "value": "no"}],
         "validate": {"required": True, "onlyAvailableItems": True}},
        {"type": "textarea", "key": "why_not", "label": "Kāpēc ne?", "input": True,
         "validate": {"required": True},
         "conditional": {"show": True, "when": "answer", "eq": "no"}},
        {"type": "selectboxes", "key": "ways", "label": "Veidi", "input": True,
         "values": [{"label": "Pasts", "value": "post"}, {"label": "Tālrunis", "value": "tel"}],
         "validate": {"onlyAvailableItems": True}},
        {"type": "checkbox", "key": "agree", "label": "Piekrītu", "input": True,
         "defaultValue": False},
        {"type": "day", "key": "born", "label": "Dzimšanas diena", "input": True,
         "dayFirst": True, "fields": {"day": {"required": False}, "month": {"required": False},
                                      "year": {"required": False}}},
        {"type": "datetime", "key": "when", "label": "Kad", "input": True, "enableTime": False,
         "format": "dd.MM.yyyy"},
        {"type": "datetime", "key": "at", "label": "Laiks", "input": True, "enableTime": True},
        {"type": "file", "key": "proof", "label": "Pielikums", "input": True, "storage": "url",
         "multiple": True},
        {"type": "panel", "key": "more", "title": "Vairāk", "input": False, "components": [
            {"type": "textfield", "key": "in_panel", "label": "Panelī", "input": True}]},
        {"type": "fieldset", "key": "group", "legend": "Grupa", "input": False, "components": [
            {"type": "columns", "key": "cols", "input": False, "columns": [
                {"width": 6, "components": [
                    {"type": "textfield", "key": "left", "label": "Kreisā", "input": True}]},
                {"width": 6, "components": [
                    {"type": "textfield", "key": "right", "label": "Labā", "input": True}]},
            ]}]},
        {"type": "datagrid", "key": "rows", "label": "Rindas", "input": True,
         "addAnother": "Pievienot rindu", "validate": {"maxLength": 600}, "components": [
             {"type": "datetime", "key": "date", "label": "Datums", "input": True,
              "enableTime": False, "validate": {"required": True}},
             {"type": "number", "key": "hours", "label": "Stundas", "input": True,
              "validate": {"required": True, "min": 0, "max": 24}},
             {"type": "checkbox", "key": "late", "label": "Kavēja", "input": True},
         ]},
        {"type": "button", "key": "submit", "label": "Iesniegt", "action": "submit",
         "input": True},
    ],
    "i18n": {"en": {
        "Vārds": "Name", "Stāsts": "Story", "Skaits": "Count", "Krāsa": "Colour",
        "Sarkana": "Red", "Zila": "Blue", "Atbilde": "Answer", "Jā": "Yes", "Nē": "No",
        "Kāpēc ne?": "Why not?", "Iesniegt": "Submit", "Rindas": "Rows", "Datums": "Date",
        "Stundas": "Hours", "Pievienot rindu": "Add a row",
    }},
    "plus": {"key": ALL_TYPES_KEY, "audience": "client",
             "title": {"lv": "Visi lauki", "en": "All fields"}},
}


@dataclass
class PortalData:
    """Ids of the twin portal parties (see the module docstring)."""

    case_p: CaseRecords  # unit A, client P, work at employer 1, volunteer 1's task
    case_q: CaseRecords  # unit B, client Q, work at employer 2, volunteer 2's task
    employer1: int
    employer2: int
    volunteer1: int
    volunteer2: int
    users: dict[str, int]  # username -> id
    shared_doc_p: int  # shared with client P, bytes on disk
    private_doc_p: int  # on P's case, not shared
    shared_doc_q: int  # shared with client Q


USERNAMES = {
    "client_p": "t_p_client",
    "client_q": "t_p_client_q",
    "employer1": "t_p_employer1",
    "employer2": "t_p_employer2",
    "volunteer1": "t_p_volunteer1",
    "volunteer2": "t_p_volunteer2",
}


def _user(sm: Any, username: str, role: str, **links: Any) -> int:
    return ensure_user(sm, username, role, last_name="Portāls", **links)


def _document(session: Any, case_id: int, title: str, shared: bool) -> int:
    from portal.services.casework import documents

    key, size, digest = documents.store(io.BytesIO(b"%PDF-1.4 portal test\n"))
    doc = Document(case_id=case_id, title=title, filename=f"{title}.pdf",
                   content_type="application/pdf", size_bytes=size, sha256=digest,
                   storage_key=key, origin=DocumentOrigin.UPLOADED, shared_with_client=shared)
    session.add(doc)
    session.flush()
    return doc.id


def _work(session: Any, records: CaseRecords, today: dt.date) -> None:
    session.add_all([
        WorkScheduleEntry(assignment_id=records.assignment, work_date=today + dt.timedelta(days=2),
                          start_time="09:00", planned_hours=Decimal("6")),
        HoursLog(assignment_id=records.assignment, work_date=today - dt.timedelta(days=5),
                 hours=Decimal("3.5"), reported_by=ReportedBy.EMPLOYER, confirmed=True),
        HoursLog(assignment_id=records.assignment, work_date=today - dt.timedelta(days=4),
                 hours=Decimal("2"), reported_by=ReportedBy.EMPLOYER, confirmed=False),
    ])


def portal_data(app: Flask) -> PortalData:
    """Create the portal parties on first use; cached on the app for the session."""
    cached = app.config.get("PORTAL_TEST_DATA")
    if cached is not None:
        return cached
    from portal.extensions import db
    from portal.services.intake import forms
    from tests.integration.submission_data import load_forms

    base = app.config["BASE_DATA"]
    today = dt.date.today()
    with app.app_context():
        session = db.session
        sm = app.appbuilder.sm
        load_forms(session)
        if forms.published(session, ALL_TYPES_KEY) is None:
            forms.create_form(session, ALL_TYPES_KEY, "Visi lauki", "All fields", "client", None)
            version = forms.save_draft(session, ALL_TYPES_KEY, ALL_TYPES_SCHEMA, None)
            forms.publish(session, version.id, None)
            session.commit()
        employer1 = Employer(name="Portāla pašvaldība", employer_type=EmployerType.FOUNDATION,
                             unit_id=base.unit_a)
        employer2 = Employer(name="Otra iestāde", employer_type=EmployerType.ASSOCIATION,
                             unit_id=base.unit_b)
        volunteer1 = Volunteer(given_name="Pauls", surname="Palīdzētājs",
                               volunteer_type=VolunteerType.VOLUNTEER_MENTOR)
        volunteer2 = Volunteer(given_name="Olga", surname="Otrā",
                               volunteer_type=VolunteerType.PROBATION_VOLUNTEER)
        session.add_all([employer1, employer2, volunteer1, volunteer2])
        session.commit()
        case_p = make_case(session, unit_id=base.unit_a, officer_id=base.users[Role.OFFICER],
                           mediator_id=None, employer_id=employer1.id, surname="Portāle",
                           given="Paula")
        case_q = make_case(session, unit_id=base.unit_b, officer_id=base.users["OfficerB"],
                           mediator_id=None, employer_id=employer2.id, surname="Kvēps",
                           given="Kārlis")
        _work(session, case_p, today)
        _work(session, case_q, today)
        session.add_all([
            VolunteerTask(case_id=case_p.case, volunteer_id=volunteer1.id,
                          task="Palīdzība dokumentu kārtošanā", start_date=today),
            VolunteerTask(case_id=case_q.case, volunteer_id=volunteer2.id,
                          task="Mentora sarunas", start_date=today),
        ])
        shared_p = _document(session, case_p.case, "Lēmums_P", shared=True)
        private_p = _document(session, case_p.case, "Iekšējs_P", shared=False)
        shared_q = _document(session, case_q.case, "Lēmums_Q", shared=True)
        session.commit()
        users = {
            USERNAMES["client_p"]: _user(sm, USERNAMES["client_p"], Role.CLIENT,
                                         client_id=case_p.client),
            USERNAMES["client_q"]: _user(sm, USERNAMES["client_q"], Role.CLIENT,
                                         client_id=case_q.client),
            USERNAMES["employer1"]: _user(sm, USERNAMES["employer1"], Role.EMPLOYER,
                                          employer_id=employer1.id),
            USERNAMES["employer2"]: _user(sm, USERNAMES["employer2"], Role.EMPLOYER,
                                          employer_id=employer2.id),
            USERNAMES["volunteer1"]: _user(sm, USERNAMES["volunteer1"], Role.VOLUNTEER,
                                           volunteer_id=volunteer1.id),
            USERNAMES["volunteer2"]: _user(sm, USERNAMES["volunteer2"], Role.VOLUNTEER,
                                           volunteer_id=volunteer2.id),
        }
        data = PortalData(
            case_p=case_p, case_q=case_q, employer1=employer1.id, employer2=employer2.id,
            volunteer1=volunteer1.id, volunteer2=volunteer2.id, users=users,
            shared_doc_p=shared_p, private_doc_p=private_p, shared_doc_q=shared_q,
        )
        session.remove()
    app.config["PORTAL_TEST_DATA"] = data
    return data


def portal_login(app: Flask, username: str, locale: str | None = "en") -> FlaskClient:
    """A test client logged in through the portal login (in English unless told otherwise)."""
    client = app.test_client()
    if locale:
        client.get(f"/portal/lang/{locale}")
    resp = client.post("/portal/login", data={"username": username, "password": PASSWORD})
    assert resp.status_code == 303, f"portal login as {username}: {resp.status_code}"
    return client
