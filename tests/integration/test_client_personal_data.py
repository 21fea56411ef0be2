"""The client's personal data form (issue 11): citizenship, identity document, family and
dependants beside the registry's education, employment and disability fields; the screens
(in sections, bad input refused beside the field in lv and en), the API, the change history
labels, the subject data export and retention, and the orphans' court default at the start of
supervision."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale

from portal.extensions import db
from portal.models import (
    Case,
    Citizenship,
    Client,
    FamilyStatus,
    IdentityDocumentType,
)
from portal.services.access import Role, system_actor
from portal.services.casework import personal_data
from portal.services.casework.case_history import FIELD_LABELS
from tests.integration.test_bad_input import (
    _session,
    assert_refused,
    assert_saved,
    client_form,
    count,
    expected,
    fresh_code,
    post,
)

# The supervision catalogues and document templates the start form needs (autouse there).
from tests.integration.test_supervision_plan import catalogues  # noqa: F401

TODAY = dt.date.today()


@pytest.fixture(scope="module")
def _sessions() -> dict[tuple[str, str], Any]:
    return {}


@pytest.fixture(params=["lv", "en"])
def lang(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture()
def officer(app: Flask, _sessions: dict[tuple[str, str], Any], lang: str) -> Any:
    return _session(app, _sessions, Role.OFFICER, lang)


def _form(code: str, born: dt.date, **over: str) -> dict[str, str]:
    return client_form(code, born, **{
        "citizenship": "latvian_non_citizen", "id_document_type": "passport",
        "id_document_number": "ln 1234567", "id_document_valid_until": "2019-03-31",
        "family_status": "cohabiting", "dependants": "2", "minor_children_in_care": "yes",
        **over})


def _client(app: Flask, code: str) -> Client | None:
    with app.app_context():
        row = db.session.query(Client).filter_by(personal_code=code).one_or_none()
        if row is not None:
            db.session.expunge(row)
        db.session.remove()
        return row


def test_the_form_saves_every_section_and_shows_it_in_sections(app: Flask, officer: Any,
                                                                 lang: str) -> None:
    code, born = fresh_code()
    page = officer.get("/clientview/add").get_data(as_text=True)
    for heading in ("Identity document", "Family and dependants", "Education",
                    "Employment and economic activity", "Disability", "Contacts"):
        assert expected(app, lang, heading) in page
    # An expired document is recorded as it is; spaces in the number are dropped.
    assert_saved(post(officer, "/clientview/add", _form(code, born)))
    row = _client(app, code)
    assert row is not None
    assert row.citizenship is Citizenship.LATVIAN_NON_CITIZEN
    assert row.id_document_type is IdentityDocumentType.PASSPORT
    assert row.id_document_number == "LN1234567"
    assert row.id_document_valid_until == dt.date(2019, 3, 31)
    assert row.family_status is FamilyStatus.COHABITING
    assert row.dependants == 2 and row.minor_children_in_care is True
    shown = officer.get(f"/clientview/show/{row.id}").get_data(as_text=True)
    for text in ("Non-citizen of Latvia", "Living with a partner, not married",
                 "Minor children in the client's care", "Number of dependants"):
        assert expected(app, lang, text) in shown
    assert "31.03.2019" in shown and "LN1234567" in shown
    assert "latvian_non_citizen" not in shown and "None" not in shown


def test_not_asked_yet_stays_empty(app: Flask, officer: Any) -> None:
    code, born = fresh_code()
    assert_saved(post(officer, "/clientview/add", client_form(code, born)))
    row = _client(app, code)
    assert row.citizenship is None and row.dependants is None
    assert row.minor_children_in_care is None and row.id_document_number is None


BAD = [
    ("id_document_number", {"id_document_number": "LV-123/45"},
     "The document number may hold only Latin letters and digits.", {}),
    ("id_document_number", {"id_document_number": "A" * 21},
     "The document number has at most %(n)s letters and digits.", {"n": 20}),
    ("id_document_number", {"id_document_number": "LV12345ā"},
     "The document number may hold only Latin letters and digits.", {}),
    ("dependants", {"dependants": "21"}, "Enter a whole number from 0 to %(n)s.", {"n": 20}),
    ("dependants", {"dependants": "-1"}, "Enter a whole number from 0 to %(n)s.", {"n": 20}),
    # Found by the fuzzer: a whole number too long for a float was a 500.
    ("dependants", {"dependants": "2" + "0" * 400}, "Enter a whole number from 0 to %(n)s.",
     {"n": 20}),
    ("id_document_type", {"id_document_type": ""}, "Choose the type of the document.", {}),
    ("id_document_valid_until", {"id_document_valid_until": "2099-01-01"},
     "A document is not valid that long: check the year.", {}),
    ("minor_children_in_care", {"minor_children_in_care": "maybe"},
     "Choose one of the listed values.", {}),
    ("minor_children_in_care", {"minor_children_in_care": "yes", "dependants": "0"},
     "Children in the client's care are dependants: the number of dependants cannot be 0.",
     {}),
]


@pytest.mark.parametrize(("field", "over", "msgid", "args"), BAD,
                         ids=[f"{b[0]}-{list(b[1].values())[0][:10]}" for b in BAD])
def test_bad_input_is_refused_beside_the_field(app: Flask, officer: Any, lang: str, field: str,
                                               over: dict[str, str], msgid: str,
                                               args: dict[str, Any]) -> None:
    code, born = fresh_code()
    before = count(app, Client)
    resp = post(officer, "/clientview/add", _form(code, born, **over))
    assert_refused(resp, field, expected(app, lang, msgid, **args),
                   kept={"surname": "Ozola", "family_status": "cohabiting"})
    assert count(app, Client) == before


def test_bad_input_on_edit_keeps_the_stored_values(app: Flask, officer: Any, lang: str,
                                                    base: Any) -> None:
    code, born = fresh_code()
    assert_saved(post(officer, "/clientview/add", _form(code, born)))
    pk = _client(app, code).id
    resp = post(officer, f"/clientview/edit/{pk}",
                _form(code, born, dependants="30", surname="Ozoliņa"))
    assert_refused(resp, "dependants",
                   expected(app, lang, "Enter a whole number from 0 to %(n)s.", n=20),
                   kept={"surname": "Ozoliņa"})
    row = _client(app, code)
    assert row.dependants == 2 and row.surname == "Ozola"


# --- the API ---------------------------------------------------------------------------------


def _body(code: str, **over: Any) -> dict[str, Any]:
    return {"given_name": "Anna", "surname": "Ozola", "personal_code": code,
            "gender": "female", "preferred_language": "lv", "citizenship": "eu_citizen",
            "id_document_type": "eid_card", "id_document_number": "pa 7654321",
            "id_document_valid_until": "2030-05-01", "family_status": "married",
            "dependants": 3, "minor_children_in_care": True, **over}


def test_the_api_reads_and_writes_the_personal_data(app: Flask, login_as: Any) -> None:
    api = login_as(Role.OFFICER)
    code, _born = fresh_code()
    resp = api.post("/api/v1/client/", json=_body(code))
    assert resp.status_code == 201, resp.get_data(as_text=True)
    pk = resp.get_json()["id"]
    got = api.get(f"/api/v1/client/{pk}").get_json()["result"]
    assert got["citizenship"] == "eu_citizen" and got["id_document_number"] == "PA7654321"
    assert got["dependants"] == 3 and got["minor_children_in_care"] is True
    assert got["id_document_valid_until"] == "2030-05-01"
    resp = api.put(f"/api/v1/client/{pk}", json={"dependants": 0,
                                                 "minor_children_in_care": False})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    got = api.get(f"/api/v1/client/{pk}").get_json()["result"]
    assert got["dependants"] == 0 and got["minor_children_in_care"] is False


@pytest.mark.parametrize(("over", "field"), [
    ({"id_document_number": "LV 12-34"}, "id_document_number"),
    ({"id_document_number": "X" * 21}, "id_document_number"),
    ({"dependants": 21}, "dependants"),
    ({"dependants": -2}, "dependants"),
    ({"id_document_type": None}, "id_document_type"),
    ({"dependants": 0, "minor_children_in_care": True}, "minor_children_in_care"),
])
def test_the_api_refuses_bad_input_with_422(app: Flask, login_as: Any, over: dict[str, Any],
                                            field: str) -> None:
    api = login_as(Role.OFFICER)
    code, _born = fresh_code()
    before = count(app, Client)
    resp = api.post("/api/v1/client/", json=_body(code, **over))
    assert resp.status_code in (400, 422), resp.get_data(as_text=True)
    assert field in resp.get_json()["message"]
    assert count(app, Client) == before


def test_the_api_refuses_a_bad_edit(app: Flask, login_as: Any) -> None:
    api = login_as(Role.OFFICER)
    code, _born = fresh_code()
    pk = api.post("/api/v1/client/", json=_body(code)).get_json()["id"]
    resp = api.put(f"/api/v1/client/{pk}", json={"id_document_number": "?!"})
    assert resp.status_code == 422
    assert list(resp.get_json()["message"]) == ["id_document_number"]
    assert api.get(f"/api/v1/client/{pk}").get_json()["result"]["id_document_number"] \
        == "PA7654321"


# --- history, export, retention --------------------------------------------------------------


def test_the_change_history_names_every_field() -> None:
    for column in personal_data.COLUMNS:
        assert column in FIELD_LABELS


def _stored_client(app: Flask, base: Any) -> int:
    code, born = fresh_code()
    with app.app_context():
        row = Client(given_name="Ilze", surname="Kalna", personal_code=code, birth_date=born,
                     gender="female", unit_id=base.unit_a,
                     citizenship=Citizenship.THIRD_COUNTRY,
                     id_document_type=IdentityDocumentType.OTHER,
                     id_document_number="RP1234567",
                     id_document_valid_until=dt.date(2027, 1, 31),
                     family_status=FamilyStatus.DIVORCED, dependants=1,
                     minor_children_in_care=True)
        db.session.add(row)
        db.session.commit()
        pk = row.id
        db.session.remove()
        return pk


def test_the_subject_export_includes_the_personal_data(app: Flask, base: Any) -> None:
    from portal.services.privacy import subject_export
    from portal.views.privacy import field_label

    pk = _stored_client(app, base)
    with app.test_request_context():
        data = subject_export.gather(db.session, pk, system_actor())
        client = data["client"]
        assert client["citizenship"] == "third_country"
        assert client["id_document_number"] == "RP1234567"
        assert client["id_document_valid_until"] == "2027-01-31"
        assert client["family_status"] == "divorced" and client["dependants"] == 1
        assert client["minor_children_in_care"] is True
        with force_locale("en"):
            record = dict(subject_export.sections(data, field_label)[0][1][0])
        assert record["Citizenship"] == "Third-country national"
        assert record["Valid until"] == "31.01.2027"
        assert record["Minor children in the client's care"] == "Yes"
        db.session.rollback()
        db.session.remove()


def test_retention_erases_the_personal_data(app: Flask, base: Any) -> None:
    from portal.services.privacy import retention

    pk = _stored_client(app, base)
    with app.app_context():
        retention.anonymise_client(db.session, pk, [])
        db.session.flush()
        db.session.expire_all()
        row = db.session.get(Client, pk)
        for column in personal_data.COLUMNS:
            assert getattr(row, column) is None, column
        # Not kept: other modules check that every stored personal code is a valid one.
        db.session.rollback()
        db.session.remove()


# --- the orphans' court at the start of supervision ------------------------------------------


def _supervision_case(app: Flask, base: Any, in_care: bool | None) -> int:
    from tests.integration.test_supervision_plan import _case

    case_id = _case(app, base)  # born 1990, as its personal code says
    with app.app_context():
        client = db.session.get(Case, case_id).client
        client.minor_children_in_care = in_care
        # Not the base client's surname: the picker tests find the base client among the
        # first page of clients of that name.
        client.surname = "Vītols"
        db.session.commit()
        db.session.remove()
    return case_id


@pytest.mark.parametrize(("in_care", "checked", "msgid"), [
    (True, True, "Ticked because the client's personal data record minor children in their "
                 "care."),
    (False, False, "Not ticked: the client's personal data record no minor children in their "
                   "care."),
    (None, False, "Not ticked: the client's personal data do not say whether minor children "
                  "are in their care."),
])
def test_the_start_form_defaults_the_orphans_court_to_the_recorded_children(
        app: Flask, base: Any, officer: Any, lang: str, in_care: bool | None, checked: bool,
        msgid: str) -> None:
    case_id = _supervision_case(app, base, in_care)
    page = officer.get(f"/supervision-plan/case/{case_id}/start").get_data(as_text=True)
    box = page.split('name="orphans_court"')[0].rsplit("<input", 1)[1] + \
        page.split('name="orphans_court"')[1].split(">", 1)[0]
    assert ("checked" in box) is checked
    assert 'id="orphans-court-why"' in page
    assert expected(app, lang, msgid) in page.replace("&#39;", "'")


def test_the_officer_still_decides(app: Flask, base: Any) -> None:
    from portal.services.supervision import start

    case_id = _supervision_case(app, base, True)
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert start.orphans_court_default(case, TODAY) == (True, "children")
        row = start.register(db.session, case, TODAY, "conditional_sentence",
                             orphans_court=False)
        assert row.orphans_court is False
        db.session.rollback()
        db.session.remove()
