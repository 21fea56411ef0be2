"""The REST API (/api/v1/client/, /api/v1/case/) under the access rules of the screens.

Same rules as ``test_access_matrix``: lists and reads are scoped (foreign rows 404), a visible
row the user may not change answers 403, roles without case work get 401/403, and refusals
from ``pre_add``/``pre_update`` come back as 403 or 422 with a message per field, never 500.
Writes use cases made here, never the base data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import prison
import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.services.access import Role
from tests.factories import PASSWORD, USERNAMES, CaseRecords, make_case

OFFICER2 = "Officer2"
UNIT_A_STAFF = (Role.UNIT_MANAGER, Role.OFFICER, OFFICER2)
CASEWORK = (Role.ADMIN, *UNIT_A_STAFF)
NO_CASEWORK = (Role.ANALYST, Role.FORM_ADMIN, Role.EMPLOYER, Role.VOLUNTEER, Role.CLIENT)


@pytest.fixture(scope="module")
def clients(app: Flask) -> Callable[[str], FlaskClient]:
    """One logged-in (cookie) test client per role for the module."""
    cache: dict[str, FlaskClient] = {}

    def client_for(role: str) -> FlaskClient:
        if role not in cache:
            c = app.test_client()
            resp = c.post("/login/", data={"username": USERNAMES[role], "password": PASSWORD})
            assert resp.status_code in (302, 303)
            cache[role] = c
        return cache[role]

    return client_for


@pytest.fixture(scope="module")
def facts(app: Flask) -> dict[str, Any]:
    """Numbers and codes of the base cases, and fresh cases for writes."""
    from portal.extensions import db
    from portal.models import Case, Client

    base = app.config["BASE_DATA"]
    with app.app_context():
        s = db.session

        def fresh(unit: str) -> CaseRecords:
            if unit == "A":
                return make_case(s, unit_id=base.unit_a, officer_id=base.users[Role.OFFICER],
                                 mediator_id=base.users[OFFICER2], employer_id=base.employer)
            return make_case(s, unit_id=base.unit_b, officer_id=base.users["OfficerB"],
                             mediator_id=None, employer_id=base.employer)

        own, foreign, own2 = fresh("A"), fresh("B"), fresh("A")
        result = {
            "own_number": s.get(Case, base.own.case).number,
            "foreign_number": s.get(Case, base.foreign.case).number,
            "own_code": s.get(Client, base.own.client).personal_code,
            "foreign_code": s.get(Client, base.foreign.client).personal_code,
            "fresh_own": own,
            "fresh_own2": own2,
            "fresh_foreign": foreign,
            "fresh_own_start": s.get(Case, own.case).start_date,
        }
        s.commit()
        s.remove()
    return result


def _query(**args: Any) -> str:
    return prison.dumps(args)


def _count(client: FlaskClient, resource: str, col: str, value: str) -> int:
    q = _query(filters=[{"col": col, "opr": "eq", "value": value}], page_size=100)
    resp = client.get(f"/api/v1/{resource}/?q={q}")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()["count"]


def _case_row(app: Flask, pk: int) -> dict[str, Any]:
    from portal.extensions import db
    from portal.models import Case

    with app.app_context():
        case = db.session.get(Case, pk)
        row = {"end_date": case.end_date, "hours_ordered": case.hours_ordered}
        db.session.remove()
    return row


# --- reads ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", CASEWORK)
def test_case_list_is_scoped(clients: Any, facts: dict, base: Any, role: str) -> None:
    c = clients(role)
    assert _count(c, "case", "number", facts["own_number"]) == 1
    assert _count(c, "case", "number", facts["foreign_number"]) == (1 if role == Role.ADMIN
                                                                      else 0)
    if role != Role.ADMIN:
        resp = c.get(f"/api/v1/case/?q={_query(page_size=100)}")
        units = {row["unit"]["name"] for row in resp.get_json()["result"]}
        assert units == {"Testa A nodaļa"}


@pytest.mark.parametrize("role", CASEWORK)
def test_client_list_is_scoped(clients: Any, facts: dict, role: str) -> None:
    c = clients(role)
    assert _count(c, "client", "personal_code", facts["own_code"]) == 1
    assert _count(c, "client", "personal_code", facts["foreign_code"]) == (
        1 if role == Role.ADMIN else 0
    )


@pytest.mark.parametrize("role", CASEWORK)
@pytest.mark.parametrize("resource", ["case", "client"])
def test_get_own_200_foreign_404(clients: Any, base: Any, role: str, resource: str) -> None:
    c = clients(role)
    assert c.get(f"/api/v1/{resource}/{getattr(base.own, resource)}").status_code == 200
    foreign = c.get(f"/api/v1/{resource}/{getattr(base.foreign, resource)}")
    assert foreign.status_code == (200 if role == Role.ADMIN else 404)


@pytest.mark.parametrize("role", NO_CASEWORK)
@pytest.mark.parametrize("resource", ["case", "client"])
def test_roles_without_casework_get_403(clients: Any, base: Any, role: str,
                                        resource: str) -> None:
    c = clients(role)
    pk = getattr(base.own, resource)
    assert c.get(f"/api/v1/{resource}/").status_code == 403
    assert c.get(f"/api/v1/{resource}/{pk}").status_code == 403
    assert c.put(f"/api/v1/{resource}/{pk}", json={"phone": "1"}).status_code == 403
    assert c.delete(f"/api/v1/{resource}/{pk}").status_code == 403
    assert c.post(f"/api/v1/{resource}/", json={}).status_code == 403


@pytest.mark.parametrize("resource", ["case", "client"])
def test_anonymous_gets_401(app: Flask, base: Any, resource: str) -> None:
    c = app.test_client()
    assert c.get(f"/api/v1/{resource}/").status_code == 401
    assert c.get(f"/api/v1/{resource}/{getattr(base.own, resource)}").status_code == 401


def test_info_offers_only_visible_choices(clients: Any, base: Any) -> None:
    """``_info`` lists the choices of relation fields: never another unit's clients."""
    resp = clients(Role.OFFICER).get("/api/v1/case/_info")
    assert resp.status_code == 200
    fields = {f["name"]: f for f in resp.get_json()["add_columns"]}
    client_ids = {v["id"] for v in fields["client"]["values"]}
    decision_ids = {v["id"] for v in fields["decision"]["values"]}
    assert base.own.client in client_ids and base.foreign.client not in client_ids
    assert base.foreign.decision not in decision_ids


def test_openapi_spec_is_served(clients: Any, app: Flask) -> None:
    resp = clients(Role.ADMIN).get("/api/v1/_openapi")
    assert resp.status_code == 200
    paths = resp.get_json()["paths"]
    assert "/api/v1/case/" in paths and "/api/v1/client/{pk}" in paths
    assert app.test_client().get("/api/v1/_openapi").status_code == 401


# --- writes ---------------------------------------------------------------------------------


def test_put_visible_not_editable_is_403(app: Flask, clients: Any, facts: dict) -> None:
    pk = facts["fresh_own"].case
    before = _case_row(app, pk)
    resp = clients(OFFICER2).put(f"/api/v1/case/{pk}", json={"hours_ordered": 7})
    assert resp.status_code == 403
    assert _case_row(app, pk) == before
    resp = clients(OFFICER2).put(f"/api/v1/client/{facts['fresh_own'].client}",
                                 json={"phone": "+37121111111"})
    assert resp.status_code == 403


def test_put_foreign_is_404(app: Flask, clients: Any, facts: dict) -> None:
    pk = facts["fresh_foreign"].case
    before = _case_row(app, pk)
    for role in UNIT_A_STAFF:
        resp = clients(role).put(f"/api/v1/case/{pk}", json={"hours_ordered": 7})
        assert resp.status_code == 404, role
    assert _case_row(app, pk) == before


def test_put_by_assigned_officer_is_200(app: Flask, clients: Any, facts: dict) -> None:
    pk = facts["fresh_own"].case
    resp = clients(Role.OFFICER).put(f"/api/v1/case/{pk}", json={"hours_ordered": 96})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert _case_row(app, pk)["hours_ordered"] == 96


def test_put_domain_error_is_422_per_field(app: Flask, clients: Any, facts: dict) -> None:
    pk = facts["fresh_own"].case
    before = _case_row(app, pk)
    early = (facts["fresh_own_start"] - dt.timedelta(days=1)).isoformat()
    resp = clients(Role.OFFICER).put(f"/api/v1/case/{pk}", json={"end_date": early})
    assert resp.status_code == 422
    assert list(resp.get_json()["message"]) == ["end_date"]
    resp = clients(Role.OFFICER).put(f"/api/v1/case/{pk}", json={"hours_ordered": 99999})
    assert resp.status_code == 422
    assert list(resp.get_json()["message"]) == ["hours_ordered"]
    assert _case_row(app, pk) == before


def test_delete_visible_not_editable_403_foreign_404(app: Flask, clients: Any,
                                                     facts: dict) -> None:
    own, foreign = facts["fresh_own2"].case, facts["fresh_foreign"].case
    assert clients(OFFICER2).delete(f"/api/v1/case/{own}").status_code == 403
    assert clients(Role.OFFICER).delete(f"/api/v1/case/{foreign}").status_code == 404
    assert clients(Role.UNIT_MANAGER).delete(f"/api/v1/case/{foreign}").status_code == 404
    assert _case_row(app, own) and _case_row(app, foreign)


def _new_case(client_id: int, decision_id: int | None = None, **extra: Any) -> dict[str, Any]:
    body = {"client": client_id, "function": "community_work",
            "start_date": dt.date.today().isoformat(), **extra}
    if decision_id is not None:
        body["decision"] = decision_id
    return body


def test_post_case_checks_client_decision_and_dates(clients: Any, facts: dict) -> None:
    officer = clients(Role.OFFICER)
    own, foreign, own2 = facts["fresh_own"], facts["fresh_foreign"], facts["fresh_own2"]
    # another unit's client, or its decision on our client: refused like a missing right
    assert officer.post("/api/v1/case/", json=_new_case(foreign.client)).status_code == 403
    resp = officer.post("/api/v1/case/", json=_new_case(own.client, foreign.decision))
    assert resp.status_code == 403
    # a visible decision of another client: a validation error on the decision field
    resp = officer.post("/api/v1/case/", json=_new_case(own.client, own2.decision))
    assert resp.status_code == 422
    assert list(resp.get_json()["message"]) == ["decision"]
    early = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    resp = officer.post("/api/v1/case/", json=_new_case(own.client, end_date=early))
    assert resp.status_code == 422
    assert list(resp.get_json()["message"]) == ["end_date"]
    resp = officer.post("/api/v1/case/", json=_new_case(own.client, own.decision))
    assert resp.status_code == 201, resp.get_data(as_text=True)


def test_post_client_validation_is_422(clients: Any) -> None:
    body = {"given_name": "Anna", "surname": "Ozola", "personal_code": "010101-99999",
            "birth_date": "2001-01-01", "gender": "female", "preferred_language": "lv"}
    resp = clients(Role.OFFICER).post("/api/v1/client/", json=body)
    assert resp.status_code == 422
    assert list(resp.get_json()["message"]) == ["personal_code"]


def test_post_client_birth_date_is_asked_for_a_new_form_code_only(clients: Any) -> None:
    import random

    from portal.services.casework import personal_code as pc

    rng = random.Random()
    body = {"given_name": "Anna", "surname": "Ozola", "personal_code": pc.generate_new(rng),
            "gender": "female", "preferred_language": "lv"}
    resp = clients(Role.OFFICER).post("/api/v1/client/", json=body)
    assert resp.status_code == 422
    assert list(resp.get_json()["message"]) == ["birth_date"]
    born = dt.date(1990, 1, 1) + dt.timedelta(days=rng.randrange(9000))
    old = {**body, "personal_code": pc.generate_old(born, rng)}
    resp = clients(Role.OFFICER).post("/api/v1/client/", json=old)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    resp = clients(Role.OFFICER).get(f"/api/v1/client/{resp.get_json()['id']}")
    assert resp.get_json()["result"]["birth_date"] == born.isoformat()
