"""The shipped form with every builder feature of issue 12 (``volunteer_monthly_report``) is
accepted and stored through the submission API and through the server-rendered portal form
(no JavaScript), and refused there with the failing fields named.

The form uses a JSON Logic condition, ``validate.json``, a calculated total over an editgrid,
a container, currency, multiple values on a textfield and a number, tags, word counts,
selection counts and a calculated ``unique`` reference (one report per client and month).
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.models import PlusUser, Submission
from tests.integration.submission_data import SubmissionData, submission_data
from tests.integration.test_formio_verdicts_api import (
    count,
    error_ids,
    form_fields,
    ids_of,
    post_form,
)

KEY = "volunteer_monthly_report"
API = f"/api/v1/forms/{KEY}/submissions"
DEFINITION: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[2] / "formdefs" / f"{KEY}.json").read_text("utf-8"))
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")


@pytest.fixture()
def sd(app: Flask) -> SubmissionData:
    return submission_data(app)


def _client_value(app: Flask, sd: SubmissionData) -> str:
    """The select value of the volunteer's linked client (the case id)."""
    from portal.extensions import db
    from portal.services.partners import portal_scope

    with app.app_context():
        user = db.session.get(PlusUser, sd.volunteer_user_id)
        value = next(link.value for link in portal_scope.linked_clients(db.session, user)
                     if link.value)
        db.session.remove()
    return value


def _period() -> dict[str, Any]:
    # The reference is unique per client and month: each test takes a month of its own.
    rng = random.Random(uuid.uuid4().int)
    return {"year": rng.randint(2020, 2100), "month": rng.choice(MONTHS)}


def reference(client: str, period: dict[str, Any]) -> str:
    """The report reference the form computes: year-month/client."""
    return f"{period['year']}-{MONTHS.index(period['month']) + 1:02d}/{client}"


def valid(client: str, period: dict[str, Any]) -> dict[str, Any]:
    return {
        "client": client,
        "period": period,
        "report_reference": "made up: the server computes it",
        "activities": [
            {"activity_date": "2025-03-04T00:00:00+02:00", "activity_kind": "meeting",
             "hours": 1.5, "description": "Pārrunājām darba meklēšanu."},
            {"activity_date": "2025-03-18T00:00:00+02:00", "activity_kind": "accompanying",
             "hours": 2},
        ],
        "total_hours": 999,
        "support_areas": {"employment": True, "documents": True},
        "topics": ["darba meklēšana", "CV"],
        "institutions": ["Nodarbinātības valsts aģentūra", "Sociālais dienests"],
        "call_minutes": [10, 25],
        "travel_expenses": "12.40",
        "expenses_note": "Autobuss uz aģentūru un atpakaļ.",
        "summary": "Klients ieradās uz abām tikšanām un aktīvi meklē darbu.",
    }


def invalid(client: str, period: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """Data that breaks one rule of each feature, and the fields the server must name."""
    data = {
        **valid(client, period),
        "period": {"year": period["year"], "month": "smarch"},  # container: option
        "activities": [{"activity_date": "2025-03-04T00:00:00+02:00",
                        "activity_kind": "meeting", "hours": 13}],  # editgrid row: max 12
        # 13 hours: no JSON Logic condition (over 20), so no extra_hours_reason needed
        "support_areas": {k: True for k in ("employment", "education", "housing", "health")},
        "topics": [f"tēma {i}" for i in range(11)],  # maxTags 10
        "institutions": ["NVA", "x" * 101],  # each item at most 100
        "call_minutes": [10, 0],  # each item at least 1
        "travel_expenses": "1.234",  # whole cents
        "expenses_note": "",  # shown (expenses > 0), so required
        "summary": "Par maz vārdu",  # minWords 5
    }
    return data, {"period.month", "activities[0].hours", "support_areas", "topics",
                  "institutions", "call_minutes", "travel_expenses", "expenses_note",
                  "summary"}


def post_api(c: FlaskClient, data: dict[str, Any]) -> Any:
    return c.post(API, json={"data": data}, headers={"Idempotency-Key": uuid.uuid4().hex})


def _stored(app: Flask, submission_id: int) -> dict[str, Any]:
    from portal.extensions import db

    with app.app_context():
        found = db.session.get(Submission, submission_id)
        assert found is not None and found.submitted_by_id is not None
        data = dict(found.data)
        db.session.remove()
    return data


def test_api_accepts_stores_and_keeps_one_report_per_client_and_month(
    app: Flask, sd: SubmissionData, login_as: Callable[[str], FlaskClient]
) -> None:
    client, period = _client_value(app, sd), _period()
    c = login_as(sd.volunteer_user)
    before = count(app)
    resp = post_api(c, valid(client, period))
    assert resp.status_code == 201, resp.get_json()
    assert count(app) == before + 1
    data = _stored(app, resp.get_json()["id"])
    assert data["total_hours"] == 3.5  # recomputed; the 999 sent is ignored
    assert data["report_reference"] == reference(client, period)
    assert Decimal(str(data["travel_expenses"])) == Decimal("12.40")
    assert data["period"] == period and len(data["activities"]) == 2
    assert data["topics"] == ["darba meklēšana", "CV"] and data["call_minutes"] == [10, 25]
    # The same client and month again: refused on the calculated unique reference.
    again = post_api(c, {**valid(client, period), "summary": "Otrs pārskats par to pašu mēnesi."})
    assert again.status_code == 422
    assert again.get_json()["errors"] == {
        "report_reference": ["Pārskats par šo klientu un mēnesi jau ir iesniegts."]}
    assert count(app) == before + 1


def test_api_refuses_invalid_data_naming_each_field(
    app: Flask, sd: SubmissionData, login_as: Callable[[str], FlaskClient]
) -> None:
    client = _client_value(app, sd)
    c = login_as(sd.volunteer_user)
    before = count(app)
    data, keys = invalid(client, _period())
    resp = post_api(c, data)
    assert resp.status_code == 422
    assert set(resp.get_json()["errors"]) == keys, resp.get_json()
    # Logic on logic: 24 hours in all shows the reason field (required), 90 hours breaks the
    # validate.json rule on the calculated total; an empty editgrid is too few rows.
    day = {"activity_date": "2025-03-04T00:00:00+02:00", "activity_kind": "other"}
    long = {**valid(client, _period()), "activities": [{**day, "hours": 12}] * 2}
    assert set(post_api(c, long).get_json()["errors"]) == {"extra_hours_reason"}
    huge = {**long, "activities": [{**day, "hours": 10}] * 9, "extra_hours_reason": "Nometne."}
    errors = post_api(c, huge).get_json()["errors"]
    assert errors == {"total_hours": [
        "Mēnesī var norādīt ne vairāk kā 80 stundas; lielāku apjomu lūdzu saskaņot ar "
        "probācijas darbinieku."]}
    assert set(post_api(c, {**valid(client, _period()), "activities": []}).get_json()[
        "errors"]) == {"activities"}
    assert count(app) == before


def _typed(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` as a user types it into the server-rendered form (dates as the date input)."""
    rows = [{**row, "activity_date": row["activity_date"][:10]} for row in data["activities"]]
    return {**data, "activities": rows}


def test_portal_form_without_javascript_accepts_and_refuses(
    app: Flask, sd: SubmissionData, login_as: Callable[[str], FlaskClient]
) -> None:
    client = _client_value(app, sd)
    c = login_as(sd.volunteer_user)
    page = c.get(f"/portal/forms/{KEY}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Brīvprātīgā mēneša pārskats" in html
    assert "Pārskata mēnesis" in html and "Ceļa izdevumi" in html and "€" in html

    before = count(app)
    data, keys = invalid(client, _period())
    resp = post_form(c, KEY, form_fields(DEFINITION, _typed(data)), **{"plus.submit": "1"})
    assert resp.status_code == 422
    assert error_ids(resp.get_data(as_text=True)) == ids_of(keys)
    assert count(app) == before

    period = _period()
    resp = post_form(c, KEY, form_fields(DEFINITION, _typed(valid(client, period))),
                     **{"plus.submit": "1"})
    assert resp.status_code == 303, error_ids(resp.get_data(as_text=True))
    assert count(app) == before + 1
    from portal.extensions import db

    with app.app_context():
        stored = db.session.scalars(
            select(Submission).where(Submission.submitted_by_id == sd.volunteer_user_id)
            .order_by(Submission.id.desc())).first()
        assert stored is not None
        data = dict(stored.data)
        db.session.remove()
    assert data["report_reference"] == reference(client, period)
    assert data["total_hours"] == 3.5 and data["institutions"][1] == "Sociālais dienests"
    assert Decimal(str(data["travel_expenses"])) == Decimal("12.40")
    # The same month once more through the form: refused beside the reference.
    resp = post_form(c, KEY, form_fields(DEFINITION, _typed(valid(client, period))),
                     **{"plus.submit": "1"})
    assert resp.status_code == 422
    assert error_ids(resp.get_data(as_text=True)) == {"f-report_reference"}
    assert count(app) == before + 1
