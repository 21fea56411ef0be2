"""The indicator dashboard: who sees it, no personal data for analysts, the small-cell rule,
CSV export and bad filters."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.models import CaseFunction
from portal.services.access import Role
from portal.services.opendata import indicators
from portal.services.opendata.disclosure import MARKER
from tests.factories import ensure_user
from tests.integration.opendata_data import add_case, new_unit

PERIOD = "2013"


@pytest.fixture(scope="module")
def dash(app: Flask) -> dict[str, Any]:
    """A unit of its own with one officer ("Zelma Zvaigzne") holding 3 forced-labour cases
    and 12 supervision cases active in 2013; 2 of them decided electronically."""
    from portal.extensions import db

    with app.app_context():
        unit = new_unit(db.session)
        officer = ensure_user(app.appbuilder.sm, "t_dash_officer", Role.OFFICER,
                              last_name="Zvaigzne", unit_id=unit)
        db.session.get(app.appbuilder.sm.user_model, officer).first_name = "Zelma"
        for i in range(3):
            add_case(db.session, unit, CaseFunction.FORCED_LABOUR, dt.date(2013, 2, 1),
                     hours=100, officer_id=officer, electronic=i == 0)
        for i in range(12):
            add_case(db.session, unit, CaseFunction.SUPERVISION_CONDITIONAL_SENTENCE,
                     dt.date(2013, 2, 1), officer_id=officer, electronic=i == 0)
        db.session.commit()
    return {"unit": unit}


def get(c: FlaskClient, key: str, unit: int | str = "", period: str = PERIOD) -> Any:
    return c.get(f"/dashboard/data/{key}.json?period={period}&unit={unit}")


@pytest.mark.parametrize("role,status", [
    (Role.ADMIN, 200), (Role.UNIT_MANAGER, 200), (Role.ANALYST, 200), (Role.OFFICER, 403),
    (Role.FORM_ADMIN, 403), (Role.CLIENT, 403), (Role.EMPLOYER, 403),
])
def test_dashboard_access(login_as: Callable[[str], FlaskClient], role: str,
                          status: int) -> None:
    c = login_as(role)
    assert c.get("/dashboard/").status_code == status
    assert get(c, "hours").status_code == status
    assert c.get(f"/dashboard/data/hours.csv?period={PERIOD}").status_code == status


def test_every_indicator_answers(login_as: Callable[[str], FlaskClient],
                                 dash: dict[str, Any]) -> None:
    c = login_as(Role.UNIT_MANAGER)
    page = c.get(f"/dashboard/?period={PERIOD}").get_data(as_text=True)
    for key in indicators.INDICATORS:
        assert f"/dashboard/data/{key}.json" in page
        body = get(c, key, dash["unit"]).get_json()
        assert body["title"] and body["columns"] and body["rows"], key
        assert all(len(r) == len(body["columns"]) for r in body["rows"]), key
        assert body["chart"]["labels"] is not None
        csv_resp = c.get(f"/dashboard/data/{key}.csv?period={PERIOD}&unit={dash['unit']}")
        text = csv_resp.get_data().decode("utf-8-sig")
        table = list(csv.reader(io.StringIO(text)))
        assert table[0] == body["columns"] and len(table) == len(body["rows"]) + 1


def test_manager_sees_exact_figures(login_as: Callable[[str], FlaskClient],
                                    dash: dict[str, Any]) -> None:
    c = login_as(Role.UNIT_MANAGER)
    rows = get(c, "caseload-function", dash["unit"]).get_json()["rows"]
    by_label = {r[0]: r[1] for r in rows}
    assert by_label["Piespiedu darbs"] == 3
    assert by_label["Uzraudzība — nosacīta notiesāšana"] == 12
    hours = get(c, "hours", dash["unit"]).get_json()["rows"]
    assert hours[0][1:3] == [3, 300.0]
    exchange = get(c, "electronic-exchange", dash["unit"]).get_json()["rows"]
    january = next(r for r in exchange if r[0] == "2013-01")
    assert january[1:4] == [15, 2, 13.3]  # decided 20 days before 1 February


def test_analyst_gets_the_small_cell_rule_and_no_names(
        login_as: Callable[[str], FlaskClient], dash: dict[str, Any]) -> None:
    c = login_as(Role.ANALYST)
    rows = get(c, "caseload-function", dash["unit"]).get_json()["rows"]
    by_label = {r[0]: r[1] for r in rows}
    assert by_label["Piespiedu darbs"] == MARKER  # 3
    assert by_label["Uzraudzība — nosacīta notiesāšana"] == MARKER  # else 15 - 3 = 12 - 0
    for key in indicators.INDICATORS:
        body = get(c, key, dash["unit"]).get_json()
        for row in body["rows"]:
            for value in row[1:]:
                assert not (isinstance(value, int) and 1 <= value <= 4), (key, row)
    officers = get(c, "caseload-officer", dash["unit"]).get_json()
    text = str(officers)
    assert "Zvaigzne" not in text and "Zelma" not in text
    assert officers["rows"][0][0] == "Darbinieks 1"
    page = c.get(f"/dashboard/?period={PERIOD}").get_data(as_text=True)
    assert "Zvaigzne" not in page and 'id="small-cell-note"' in page


def test_manager_sees_names_of_own_unit_only(login_as: Callable[[str], FlaskClient],
                                             dash: dict[str, Any]) -> None:
    manager = get(login_as(Role.UNIT_MANAGER), "caseload-officer", dash["unit"]).get_json()
    assert "Zvaigzne" not in str(manager)  # another unit's officer
    admin = get(login_as(Role.ADMIN), "caseload-officer", dash["unit"]).get_json()
    assert admin["rows"][0][0] == "Zelma Zvaigzne"


@pytest.mark.parametrize("query,field,message", [
    ("period=2099", "period", "nākotnē"),
    ("period=2013-00", "period", "01 līdz 12"),
    ("period=13", "period", "GGGG"),
    ("period=2013&unit=abc", "unit", "struktūrvienību"),
    ("period=2013&unit=999999", "unit", "struktūrvienību"),
])
def test_bad_filters_are_a_clear_400(login_as: Callable[[str], FlaskClient], query: str,
                                     field: str, message: str) -> None:
    c = login_as(Role.ANALYST)
    resp = c.get(f"/dashboard/data/hours.json?{query}")
    assert resp.status_code == 400
    assert resp.get_json()["field"] == field and message in resp.get_json()["error"]
    page = c.get(f"/dashboard/?{query}")
    assert page.status_code == 400 and message in page.get_data(as_text=True)
    assert c.get(f"/dashboard/data/hours.csv?{query}").status_code == 400


def test_electronic_shares_count_the_exchange_messages(
        app: Flask, login_as: Callable[[str], FlaskClient]) -> None:
    """Registry requests and progress data sent are counted from the connectors' messages:
    6 registry queries in March 2014 (5 answered), 5 forced-labour cases closed that month of
    which 3 had their execution notice delivered (one more notice still queued)."""
    from portal.extensions import db
    from portal.models import Direction, ExchangeMessage, ExchangeStatus

    stamp = dt.datetime(2014, 3, 10, 10, tzinfo=dt.UTC)
    with app.app_context():
        unit = new_unit(db.session)
        cases = [add_case(db.session, unit, CaseFunction.FORCED_LABOUR, dt.date(2013, 6, 1),
                          dt.date(2014, 3, 5), hours=40) for _ in range(5)]

        def message(n: int, **values: Any) -> ExchangeMessage:
            return ExchangeMessage(connector="tis", system="TIS", payload={},
                                   idempotency_key=f"dash-{unit}-{n}", unit_id=unit,
                                   created_at=stamp, **values)

        for n, case_id in enumerate(cases[:4]):
            db.session.add(message(n, direction=Direction.OUTBOUND, kind="execution_notice",
                                   case_id=case_id, status=ExchangeStatus.SENT if n < 3
                                   else ExchangeStatus.QUEUED))
        for n in range(6):
            db.session.add(message(10 + n, direction=Direction.QUERY, kind="viis_education",
                                   status=ExchangeStatus.SENT if n < 5
                                   else ExchangeStatus.FAILED))
        db.session.commit()
    c = login_as(Role.ADMIN)
    registry = get(c, "registry-requests", unit, "2014-03").get_json()
    assert registry["rows"] == [["2014-03", 6, 6, 100.0, 5]]
    assert registry["chart"]["type"] == "line"
    exchange = get(c, "electronic-exchange", unit, "2014-03").get_json()["rows"]
    assert exchange[0][4:] == [5, 3, 60.0]
