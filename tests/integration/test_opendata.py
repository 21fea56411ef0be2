"""The eight open datasets: figures from the database, disclosure control on real data,
CSV/JSON/metadata, and the analysts' download screen."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.models import CaseFunction, ClosureReason, Gender
from portal.services.access import Role
from portal.services.opendata import catalogue, datasets
from portal.services.opendata.disclosure import MARKER, TOTAL, determined_cells, time_relations
from portal.services.opendata.periods import Period
from tests.integration.opendata_data import add_case, new_unit

CS = CaseFunction.SUPERVISION_CONDITIONAL_SENTENCE
ER = CaseFunction.SUPERVISION_EARLY_RELEASE
YEAR = 2011


@pytest.fixture(scope="module")
def world(app: Flask) -> dict[str, Any]:
    """Unit A: supervision cases closed in 2011, where a naive table would disclose.

    Conditional sentence: 20 closed without a new offence (in March), 2 closed because of a
    new offence (one in March, one in July). Early release: 9 without a new offence (March).
    Naively only the 2 (and the monthly 1s) would be hidden; row totals (22) and the other
    cells (20) would give them back, and so would the year minus the published months.
    Also active cases for the other datasets: 6 men and 3 women in conditional sentence.
    """
    from portal.extensions import db

    with app.app_context():
        unit = new_unit(db.session)
        for _ in range(20):
            add_case(db.session, unit, CS, dt.date(2009, 1, 5), dt.date(YEAR, 3, 10))
        add_case(db.session, unit, CS, dt.date(2009, 1, 5), dt.date(YEAR, 3, 11),
                 closure=ClosureReason.NEW_OFFENCE)
        add_case(db.session, unit, CS, dt.date(2009, 1, 5), dt.date(YEAR, 7, 1),
                 closure=ClosureReason.NEW_OFFENCE)
        for _ in range(9):
            add_case(db.session, unit, ER, dt.date(2010, 6, 1), dt.date(YEAR, 3, 20))
        for i in range(9):
            add_case(db.session, unit, CS, dt.date(2012, 2, 1), None,
                     gender=Gender.FEMALE if i < 3 else Gender.MALE, violent=i == 0,
                     months=24)
        db.session.commit()
    return {"unit": unit}


def published(result: datasets.DatasetResult) -> dict[tuple[str, str], Any]:
    """(row, column) → published value of a 2-D dataset's records (period, row, col, value)."""
    return {(r[1], r[2]): r[3] for r in result.rows}


def test_reoffending_counts_and_no_disclosure(app: Flask, world: dict[str, Any]) -> None:
    from portal.extensions import db

    with app.app_context():
        year = datasets.compute(db.session, "reoffending", Period(YEAR), world["unit"])
        cells = published(year)
        # The true figures are in the tables; the small ones are hidden.
        grid = year.grids[0]
        assert grid.value(CS.value, "no_new_offence") == 20
        assert grid.value(CS.value, "new_offence") == 2
        assert grid.value(CS.value, TOTAL) == 22
        assert grid.value(TOTAL, TOTAL) == 31
        assert cells[(CS.value, "new_offence")] == MARKER
        # No row or column with exactly one hidden cell (subtracting from the total) ...
        for r in grid.all_rows():
            assert sum(cells[(r, c)] == MARKER for c in grid.all_cols()) != 1, r
        for c in grid.all_cols():
            assert sum(cells[(r, c)] == MARKER for r in grid.all_rows()) != 1, c
        # ... nor a year cell that is the sum of published months but one hidden month.
        months = [published(datasets.compute(db.session, "reoffending", m, world["unit"]))
                  for m in Period(YEAR).months()]
        for key, value in cells.items():
            hidden_months = [m for m in months if m[key] == MARKER]
            if value != MARKER:
                assert len(hidden_months) != 1, key
        # And no hidden cell follows from all the equations together (exact check).
        assert determined_cells(
            [year.grids[0], *year.month_grids[0]],
            time_relations(year.month_grids[0], year.grids[0])) == set()


def test_naive_tables_would_disclose(app: Flask, world: dict[str, Any]) -> None:
    """The same data with small-cell suppression only gives the hidden figures back, so
    the test above can fail."""
    from portal.extensions import db

    with app.app_context():
        year = datasets.compute(db.session, "reoffending", Period(YEAR), world["unit"])
        grid, months = year.grids[0], year.month_grids[0]
        grid.suppressed.clear()
        grid.suppress_small()
        exposed = determined_cells([grid, *months], time_relations(months, grid))
        assert (grid.id, CS.value, "new_offence") in exposed


def test_active_clients_breakdowns(app: Flask, world: dict[str, Any]) -> None:
    from portal.extensions import db

    with app.app_context():
        result = datasets.compute(db.session, "active-clients", Period(2012, 3), world["unit"])
    rows = {(r[2], r[1], r[3]): r[4] for r in result.rows}  # (breakdown, function, category)
    gender = result.grids[0]
    assert (gender.value(CS.value, "male"), gender.value(CS.value, "female"),
            gender.value(CS.value, TOTAL)) == (6, 3, 9)
    assert rows[("gender", CS.value, "female")] == MARKER  # 3
    # The only non-empty row equals the total row, so hiding the 3 hides its 2x2 block.
    assert rows[("gender", CS.value, "male")] == MARKER
    assert rows[("gender", TOTAL, "female")] == MARKER
    age = result.grids[1]
    assert age.value(CS.value, "25_34") == 9  # born 1980, 32 in March 2012
    assert rows[("age_group", CS.value, "25_34")] == 9
    assert rows[("offence_type", CS.value, "violent")] == MARKER
    assert rows[("gender", ER.value, TOTAL)] == 0
    for g in result.grids:
        assert determined_cells([g]) == set()
    assert result.columns == ["period", "function", "breakdown", "category", "clients"]


def test_every_dataset_for_a_month_and_a_year(app: Flask, world: dict[str, Any]) -> None:
    from portal.extensions import db

    with app.app_context():
        for period in (Period(YEAR), Period(YEAR, 3)):
            results = datasets.compute_all(db.session, period, world["unit"])
            assert [r.key for r in results] == list(datasets.DATASETS)
            for r in results:
                assert r.rows, r.key
                assert all(row[0] == period.code for row in r.rows)
                assert all(len(row) == len(r.columns) for row in r.rows)
                for row in r.rows:
                    for v in row[1:]:
                        assert v is None or v == MARKER or isinstance(v, int | float | str)
                        assert not (isinstance(v, int) and 1 <= v <= 4), (r.key, row)


def test_metadata_has_the_dcat_fields(app: Flask) -> None:
    from portal.extensions import db

    with app.test_request_context(), app.app_context():
        for key in datasets.DATASETS:
            meta = catalogue.metadata(db.session, key, Period(YEAR, 3))
            for field in ("title", "description", "keywords"):
                assert meta[field]["lv"] and meta[field]["en"], (key, field)
                assert meta[field]["lv"] != meta[field]["en"], (key, field)
            assert meta["publisher"]["name"] and meta["contact_point"]["email"]
            assert meta["accrual_periodicity"] and meta["licence"].startswith("https://")
            assert meta["temporal"] == {"start": "2011-03-01", "end": "2011-03-31",
                                        "period": "2011-03"}
            assert meta["uri"].endswith(f"/opendata/{key}")
            assert meta["distributions"][0]["access_url"].endswith(f"/{key}/2011-03.csv")
            columns = {c["name"]: c for c in meta["schema"]["columns"]}
            assert list(columns) == list(datasets.DATASETS[key].columns)
            for column in columns.values():
                assert column["title"]["lv"] and column["title"]["en"]
                for code, label in column.get("codes", {}).items():
                    assert label["lv"] and label["en"], (key, column["name"], code)


def test_every_code_in_the_data_is_explained(app: Flask, world: dict[str, Any]) -> None:
    from portal.extensions import db

    with app.test_request_context(), app.app_context():
        for result in datasets.compute_all(db.session, Period(YEAR), world["unit"]):
            meta = catalogue.metadata(db.session, result.key, Period(YEAR))
            coded = {c["name"]: c["codes"] for c in meta["schema"]["columns"] if "codes" in c}
            for row in result.as_dicts():
                for name, codes in coded.items():
                    assert row[name] in codes, (result.key, name, row[name])


@pytest.mark.parametrize("role,status", [
    (Role.ANALYST, 200), (Role.ADMIN, 200), (Role.UNIT_MANAGER, 403), (Role.OFFICER, 403),
    (Role.FORM_ADMIN, 403), (Role.CLIENT, 403),
])
def test_open_data_screen_access(login_as: Callable[[str], FlaskClient], role: str,
                                 status: int) -> None:
    c = login_as(role)
    for url in ("/open-data/", "/open-data/reoffending/2011.csv",
                "/open-data/reoffending/metadata.json?period=2011"):
        assert c.get(url).status_code == status, url


def test_analyst_downloads_each_dataset_with_metadata(
        login_as: Callable[[str], FlaskClient], world: dict[str, Any]) -> None:
    c = login_as(Role.ANALYST)
    page = c.get("/open-data/?period=2011-03")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for key in datasets.DATASETS:
        assert f"/open-data/{key}/2011-03.csv" in html
        resp = c.get(f"/open-data/{key}/2011-03.csv")
        assert resp.status_code == 200
        assert resp.headers["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(resp.get_data().decode("utf-8"))))
        assert rows[0] == list(datasets.DATASETS[key].columns)
        body = c.get(f"/open-data/{key}/2011-03.json").get_json()
        assert body["columns"] == rows[0] and len(body["rows"]) == len(rows) - 1
        meta = json.loads(c.get(f"/open-data/{key}/metadata.json?period=2011-03").data)
        assert meta["identifier"] == key and meta["temporal"]["period"] == "2011-03"


@pytest.mark.parametrize("period,message", [
    ("2099-01", "nākotnē"), ("2011-13", "01"), ("abc", "GGGG-MM"), ("1999", "2000"),
])
def test_bad_period_is_a_clear_400(login_as: Callable[[str], FlaskClient], period: str,
                                   message: str) -> None:
    c = login_as(Role.ANALYST)
    resp = c.get(f"/open-data/?period={period}")
    assert resp.status_code == 400
    assert message in resp.get_data(as_text=True)
    assert c.get(f"/open-data/reoffending/{period}.csv").status_code in (400, 404)


def test_public_uri_serves_only_published_files(client: FlaskClient) -> None:
    assert client.get("/opendata/reoffending/1999-01.csv").status_code == 404
    assert client.get("/opendata/nonexistent").status_code == 404
    listing = client.get("/opendata/").get_json()
    assert [d["identifier"] for d in listing] == list(datasets.DATASETS)
    meta = client.get("/opendata/reoffending").get_json()
    assert meta["identifier"] == "reoffending"
