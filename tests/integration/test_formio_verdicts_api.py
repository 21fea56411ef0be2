"""The renderer's verdicts (tests/data/formio_verdicts.json) hold through the submission API
and through the server-rendered portal form, and ``unique`` holds against stored submissions.

Each feature of the verdict data is published as a client form. For every case:

* the data the renderer would post goes to ``POST /api/v1/forms/<key>/submissions``: 201
  exactly when the renderer accepts it (and it is not a deliberate difference), else 422
  with errors on the same component paths, and nothing stored;
* the data as the user gave it is typed into the server-rendered form (no JavaScript) and
  posted: a redirect to the stored submission when valid, else the form again (422) with an
  error beside each failing field.

The editgrid is also edited the way a user without JavaScript does it: add a row, save it
(an invalid row stays open with its errors), edit it again, submit with a row open (refused:
Form.io's open-row rule), save and submit; the calculated total is recomputed on each post.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.models import Submission, SubmissionUniqueValue
from tests.integration.submission_data import SubmissionData, submission_data

DATA = Path(__file__).resolve().parents[1] / "data" / "formio_verdicts.json"
VERDICTS: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
CASES = [
    pytest.param(feature, case, id=f"{feature}-{case['name']}")
    for feature, spec in VERDICTS["features"].items()
    for case in spec["cases"]
]
API = "/api/v1/forms/{}/submissions"


def form_key(feature: str) -> str:
    return f"verdict_{feature}"


def publish(app: Flask, key: str, definition: dict[str, Any]) -> None:
    """Publish ``definition`` as client form ``key`` (once per database)."""
    from portal.extensions import db
    from portal.services.intake import forms

    with app.app_context():
        if forms.published(db.session, key) is None:
            if db.session.scalar(select(func.count()).select_from(forms.FormDefinition)
                                 .where(forms.FormDefinition.key == key)) == 0:
                forms.create_form(db.session, key, f"Pārbaude {key}", f"Check {key}",
                                  "client", None)
            schema = {**definition, "plus": {"key": key, "audience": "client",
                                             "title": {"lv": f"Pārbaude {key}",
                                                       "en": f"Check {key}"}}}
            version = forms.save_draft(db.session, key, schema, None)
            forms.publish(db.session, version.id, None)
            db.session.commit()
        db.session.remove()


@pytest.fixture(scope="module")
def verdict_forms(app: Flask) -> None:
    for feature, spec in VERDICTS["features"].items():
        publish(app, form_key(feature), spec["definition"])


@pytest.fixture()
def sd(app: Flask) -> SubmissionData:
    return submission_data(app)


def expected_keys(case: dict[str, Any]) -> set[str]:
    return set(case["server_keys"] if "stricter" in case else case["keys"])


def count(app: Flask, model: Any = Submission) -> int:
    from portal.extensions import db

    with app.app_context():
        n = db.session.scalar(select(func.count()).select_from(model))
        db.session.remove()
    return int(n or 0)


# --------------------------------------------------------------------------------------------
# Filling the server-rendered form as a user would


def _components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for comp in components:
        if comp.get("type") in ("panel", "fieldset"):
            out += _components(comp.get("components", []))
        elif comp.get("type") == "columns":
            for col in comp.get("columns", []):
                out += _components(col.get("components", []))
        elif comp.get("type") not in ("content", "htmlelement", "button"):
            out.append(comp)
    return out


def _typed(comp: dict[str, Any], value: Any, name: str) -> list[tuple[str, str]]:
    """What a user types into one control for ``value``."""
    ctype = comp["type"]
    if value is None:
        return []
    if ctype == "checkbox":
        return [(name, "true")] if value is True else []
    if ctype == "selectboxes":
        return [(name, k) for k, v in value.items() if v]
    if comp.get("multiple") and ctype in ("textfield", "number"):
        return [(name, "\n".join("" if v is None else str(v) for v in value))]
    if ctype == "tags" and isinstance(value, list):
        return [(name, ",".join(value))]
    return [(name, str(value))]


def form_fields(definition: dict[str, Any], data: dict[str, Any]) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    for comp in _components(definition["components"]):
        key, ctype = comp["key"], comp["type"]
        value = data.get(key)
        if ctype in ("datagrid", "editgrid"):
            rows = value if isinstance(value, list) else []
            fields.append((f"plus.rows.{key}", str(len(rows))))
            for i, row in enumerate(rows):
                for child in _components(comp["components"]):
                    fields += _typed(child, row.get(child["key"]), f"{key}[{i}][{child['key']}]")
        elif ctype == "container":
            box = value if isinstance(value, dict) else {}
            for child in _components(comp["components"]):
                fields += _typed(child, box.get(child["key"]), f"{key}[{child['key']}]")
        else:
            fields += _typed(comp, value, key)
    return fields


def error_ids(html: str) -> set[str]:
    return set(re.findall(r'id="(f-[^"]+)-error"', html))


def ids_of(keys: set[str]) -> set[str]:
    """Validation paths as the ids of the fields the form draws (``rows[1].x`` -> ``f-rows-1-x``)."""
    return {"f-" + re.sub(r"\[(\d+)\]\.?", r"-\1-", k).replace(".", "-").rstrip("-")
            for k in keys}


def post_form(c: FlaskClient, key: str, fields: list[tuple[str, str]], **extra: str) -> Any:
    from werkzeug.datastructures import MultiDict

    body = MultiDict([*fields, ("plus.idempotency_key", uuid.uuid4().hex), *extra.items()])
    return c.post(f"/portal/forms/{key}", data=body)


# --------------------------------------------------------------------------------------------
# The verdicts


@pytest.mark.parametrize(("feature", "case"), CASES)
def test_api_verdict_matches_the_renderer(
    app: Flask, sd: SubmissionData, verdict_forms: None, feature: str, case: dict[str, Any],
    login_as: Callable[[str], FlaskClient],
) -> None:
    c = login_as(sd.client_user)
    before = count(app)
    resp = c.post(API.format(form_key(feature)), json={"data": case["posted"]},
                  headers={"Idempotency-Key": uuid.uuid4().hex})
    expected = expected_keys(case)
    if expected:
        assert resp.status_code == 422, (case, resp.get_json())
        assert set(resp.get_json()["errors"]) == expected, resp.get_json()
        assert count(app) == before
    else:
        assert resp.status_code == 201, (case, resp.get_json())
        assert count(app) == before + 1


@pytest.mark.parametrize(("feature", "case"), CASES)
def test_server_rendered_form_verdict_matches_the_renderer(
    app: Flask, sd: SubmissionData, verdict_forms: None, feature: str, case: dict[str, Any],
    login_as: Callable[[str], FlaskClient],
) -> None:
    c = login_as(sd.client_user)
    definition = VERDICTS["features"][feature]["definition"]
    before = count(app)
    resp = post_form(c, form_key(feature), form_fields(definition, case["data"]))
    expected = expected_keys(case)
    html = resp.get_data(as_text=True)
    if expected:
        assert resp.status_code == 422, (case, resp.status_code)
        assert error_ids(html) == ids_of(expected), (case, error_ids(html))
        assert count(app) == before
    else:
        assert resp.status_code == 303, (case, error_ids(html))
        assert count(app) == before + 1


def test_the_form_shows_the_limits_before_submit(
    sd: SubmissionData, verdict_forms: None, login_as: Callable[[str], FlaskClient]
) -> None:
    c = login_as(sd.client_user)
    strict = c.get(f"/portal/forms/{form_key('strict')}").get_data(as_text=True)
    assert "Ne vairāk kā 1 cipars aiz komata" in strict or "aiz komata" in strict
    assert "rindas" in strict.lower()
    tags = c.get(f"/portal/forms/{form_key('tags')}").get_data(as_text=True)
    assert "ne vairāk kā 3" in tags.lower()
    currency = c.get(f"/portal/forms/{form_key('currency')}").get_data(as_text=True)
    assert "€" in currency


# --------------------------------------------------------------------------------------------
# An editgrid edited and saved without JavaScript, its total recomputed on each post


def test_editgrid_row_added_saved_edited_and_submitted_without_javascript(
    app: Flask, sd: SubmissionData, verdict_forms: None, login_as: Callable[[str], FlaskClient]
) -> None:
    c = login_as(sd.client_user)
    key = form_key("editgrid_total")
    page = c.get(f"/portal/forms/{key}").get_data(as_text=True)
    assert 'name="plus.rows.rows" value="0"' in page
    # Add a row: it opens for editing.
    resp = post_form(c, key, [("plus.rows.rows", "0")], **{"plus.add_row": "rows"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and 'name="plus.open.rows" value="0"' in html
    # Save it invalid: it stays open, with its errors.
    bad = [("plus.rows.rows", "1"), ("plus.open.rows", "0"), ("rows[0][task]", ""),
           ("rows[0][hours]", "30")]
    html = post_form(c, key, bad, **{"plus.save_row": "rows:0"}).get_data(as_text=True)
    assert 'name="plus.open.rows" value="0"' in html
    assert error_ids(html) == {"f-rows-0-task", "f-rows-0-hours"}
    # Submitting with the row open is refused (the open-row rule), nothing stored.
    before = count(app)
    resp = post_form(c, key, bad, **{"plus.submit": "1"})
    assert resp.status_code == 422 and error_ids(resp.get_data(as_text=True)) == {"f-rows"}
    assert count(app) == before
    # Save it valid: closed, shown as a summary, the total recomputed.
    good = [("plus.rows.rows", "1"), ("plus.open.rows", "0"), ("rows[0][task]", "Grābšana"),
            ("rows[0][hours]", "30"), ("total", "999")]
    good[3] = ("rows[0][hours]", "7,5")
    html = post_form(c, key, good, **{"plus.save_row": "rows:0"}).get_data(as_text=True)
    assert "plus.open.rows" not in html and "Grābšana" in html
    assert re.search(r'name="total" value="7,5"[^>]*readonly', html), html
    # Edit it again, change the hours, save; add a second row and save it.
    saved = [("plus.rows.rows", "1"), ("rows[0][task]", "Grābšana"), ("rows[0][hours]", "7.5")]
    html = post_form(c, key, saved, **{"plus.edit_row": "rows:0"}).get_data(as_text=True)
    assert 'name="plus.open.rows" value="0"' in html
    edited = [("plus.rows.rows", "2"), ("rows[0][task]", "Grābšana"), ("rows[0][hours]", "4"),
              ("rows[1][task]", "Krāsošana"), ("rows[1][hours]", "3")]
    html = post_form(c, key, edited, **{"plus.save_row": "rows:1", "plus.open.rows": "1"}
                     ).get_data(as_text=True)
    assert re.search(r'name="total" value="7"', html)
    resp = post_form(c, key, edited, **{"plus.submit": "1"})
    assert resp.status_code == 303
    from portal.extensions import db

    with app.app_context():
        stored = db.session.scalars(select(Submission).order_by(Submission.id.desc())).first()
        assert stored is not None
        assert stored.data["total"] == 7 and len(stored.data["rows"]) == 2
        db.session.remove()


# --------------------------------------------------------------------------------------------
# unique


UNIQUE_FORM = {"display": "form", "components": [
    {"type": "textfield", "key": "code", "label": "Kods", "input": True, "unique": True,
     "validate": {"required": True}},
]}


def test_unique_against_stored_submissions_race_free(
    app: Flask, sd: SubmissionData, login_as: Callable[[str], FlaskClient]
) -> None:
    key = "verdict_unique"
    publish(app, key, UNIQUE_FORM)
    c = login_as(sd.client_user)
    value = f"K-{uuid.uuid4().hex[:8]}"

    def post(v: str) -> Any:
        return c.post(API.format(key), json={"data": {"code": v}},
                      headers={"Idempotency-Key": uuid.uuid4().hex})

    assert post(value).status_code == 201
    again = post(value.lower())  # text is compared without regard to case
    assert again.status_code == 422
    assert set(again.get_json()["errors"]) == {"code"}
    assert "unikāl" in again.get_json()["errors"]["code"][0]
    # Eight clients at once with one new value: exactly one is stored.
    racing = f"R-{uuid.uuid4().hex[:8]}"
    before = count(app)
    statuses: list[int] = []

    def worker() -> None:
        client = login_as(sd.client_user)
        statuses.append(client.post(API.format(key), json={"data": {"code": racing}},
                                    headers={"Idempotency-Key": uuid.uuid4().hex}).status_code)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses).count(201) == 1 and set(statuses) <= {201, 422}, statuses
    assert count(app) == before + 1
    assert count(app, SubmissionUniqueValue) >= 2
