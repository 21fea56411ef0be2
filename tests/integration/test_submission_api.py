"""The submission API: forms for the renderer, submissions, the user's own list, bad input.

The hypothesis test posts well over 1,000 generated bad submissions and checks each gets a
clear 400/403/404/422 with errors keyed by field, and that nothing is stored.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from portal.models import EServiceUse, PlusUser, Submission, SubmissionAttachment
from portal.services.access import Role
from portal.services.partners import portal_scope
from tests.conftest import base_config
from tests.factories import PASSWORD, USERNAMES
from tests.integration.submission_data import SubmissionData, submission_data

URL = "/api/v1/forms/{}/submissions"
BAD_STATUSES = {400, 403, 404, 422}


@pytest.fixture()
def sd(app: Flask) -> SubmissionData:
    return submission_data(app)


def _counts(app: Flask) -> tuple[int, int, int]:
    from portal.extensions import db

    with app.app_context():
        counts = tuple(
            db.session.execute(select(func.count()).select_from(m)).scalar_one()
            for m in (Submission, EServiceUse, SubmissionAttachment)
        )
        db.session.remove()
    return counts  # type: ignore[return-value]


def _post(c: FlaskClient, form: str, data: Any, key: str | None = "auto",
          **kwargs: Any) -> Any:
    headers = dict(kwargs.pop("headers", {}))
    if key is not None:
        headers["Idempotency-Key"] = uuid.uuid4().hex if key == "auto" else key
    return c.post(URL.format(form), json={"data": data}, headers=headers, **kwargs)


def _hours(assignment: int, hours: Any = 2, date: str | None = None) -> dict[str, Any]:
    # A past day of the referral (which started 40 days ago): not one to come, not before it.
    date = date or (dt.date.today() - dt.timedelta(days=3)).isoformat()
    return {"hours": [{"client": str(assignment), "date": date, "hours": hours}],
            "according_to_schedule": "yes", "submit": True}


# --- the happy path and the fixed answers ----------------------------------------------------


def test_get_form_for_the_renderer(sd: SubmissionData, base: Any,
                                   login_as: Callable[[str], FlaskClient]) -> None:
    c = login_as(sd.employer_user)
    resp = c.get("/api/v1/forms/hours_worked?_l_=en")
    assert resp.status_code == 200
    body = resp.get_json()
    assert (body["key"], body["title"], body["language"]) == ("hours_worked", "Hours worked",
                                                              "en")
    schema = body["schema"]
    grid = next(comp for comp in schema["components"] if comp["key"] == "hours")
    select_ = next(comp for comp in grid["components"] if comp["key"] == "client")
    values = {v["value"] for v in select_["data"]["values"]}
    # Linked assignments only: the employer's own clients, in both units, none of others.
    assert {str(sd.case_a.assignment), str(sd.case_b.assignment)} <= values
    assert str(base.own.assignment) not in values
    assert select_["label"] == "Client"
    assert "en" in schema["i18n"]
    lv = c.get("/api/v1/forms/hours_worked?_l_=lv").get_json()
    assert lv["title"] == "Nostrādātās stundas"
    assert c.get("/api/v1/forms/no_such_form").status_code == 404
    assert c.get(f"/api/v1/forms/{sd.retired_key}").status_code == 404
    assert c.get("/api/v1/forms/change_of_residence").status_code == 403  # a client form
    assert login_as(Role.OFFICER).get("/api/v1/forms/hours_worked").status_code == 403
    assert login_as(Role.CLIENT).get("/api/v1/forms/hours_worked").status_code == 403
    assert login_as(Role.CLIENT).get("/api/v1/forms/change_of_residence").status_code == 200


def test_anonymous_users_get_nothing(app: Flask) -> None:
    c = app.test_client()
    assert c.get("/api/v1/forms/hours_worked").status_code == 401
    assert c.post(URL.format("hours_worked"), json={"data": {}}).status_code == 401
    assert c.get("/api/v1/submissions/mine").status_code == 401


def test_submit_replay_and_mine(app: Flask, sd: SubmissionData,
                                login_as: Callable[[str], FlaskClient]) -> None:
    c = login_as(sd.employer_user)
    key = uuid.uuid4().hex
    first = _post(c, "hours_worked", _hours(sd.case_a.assignment), key=key)
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["status"] == "received" and isinstance(body["id"], int)
    before = _counts(app)
    again = _post(c, "hours_worked", _hours(sd.case_a.assignment), key=key)
    assert again.status_code == 200
    assert again.get_json()["id"] == body["id"] and again.get_json()["duplicate"] is True
    assert _counts(app) == before
    # The key may come inside the body instead of the header.
    in_body = c.post(URL.format("hours_worked"),
                     json={"data": _hours(sd.case_a.assignment), "idempotency_key": key})
    assert in_body.status_code == 200 and in_body.get_json()["id"] == body["id"]
    mine = c.get("/api/v1/submissions/mine?_l_=en")
    assert mine.status_code == 200
    rows = {r["id"]: r for r in mine.get_json()["result"]}
    assert rows[body["id"]]["form"] == "hours_worked"
    assert rows[body["id"]]["status"] == "received"
    assert rows[body["id"]]["reply"] is None
    # Another employer's list does not show it.
    other = login_as(Role.EMPLOYER).get("/api/v1/submissions/mine").get_json()["result"]
    assert body["id"] not in {r["id"] for r in other}
    assert login_as(Role.OFFICER).get("/api/v1/submissions/mine").status_code == 403


def test_the_fixed_answers(app: Flask, sd: SubmissionData, base: Any,
                           login_as: Callable[[str], FlaskClient]) -> None:
    c = login_as(sd.employer_user)
    before = _counts(app)
    no_key = _post(c, "hours_worked", _hours(sd.case_a.assignment), key=None)
    assert no_key.status_code == 400 and "idempotency_key" in no_key.get_json()["errors"]
    broken = c.post(URL.format("hours_worked"), data=b'{"data": {', headers={
        "Content-Type": "application/json", "Idempotency-Key": "k-broken"})
    assert broken.status_code == 400 and "_form" in broken.get_json()["errors"]
    not_json = c.post(URL.format("hours_worked"), data={"data": "x"},
                      headers={"Idempotency-Key": "k-form"})
    assert not_json.status_code == 400
    for body in ([], "text", 5, {"dati": {}}, {"data": []}, {"data": "x"}):
        resp = c.post(URL.format("hours_worked"), json=body,
                      headers={"Idempotency-Key": uuid.uuid4().hex})
        assert resp.status_code == 400, body
        assert resp.get_json()["errors"]
    missing = _post(c, "hours_worked", {"according_to_schedule": "yes"})
    assert missing.status_code == 422
    assert set(missing.get_json()["errors"]) == {"hours"}
    assert _post(c, "no_such_form", {}).status_code == 404
    assert _post(c, sd.retired_key, {}).status_code == 404
    foreign = _post(c, "hours_worked", _hours(base.own.assignment))
    assert foreign.status_code == 403
    assert set(foreign.get_json()["errors"]) == {"hours[0].client"}
    officer = login_as(Role.OFFICER)
    assert _post(officer, "hours_worked", _hours(sd.case_a.assignment)).status_code == 403
    assert _counts(app) == before


def test_errors_are_in_the_users_language(sd: SubmissionData,
                                          login_as: Callable[[str], FlaskClient]) -> None:
    c = login_as(sd.employer_user)
    en = _post(c, "vacancy", {"places": 1}, query_string={"_l_": "en"})
    lv = _post(c, "vacancy", {"places": 1}, query_string={"_l_": "lv"})
    en, lv = en.get_json()["errors"]["title"][0], lv.get_json()["errors"]["title"][0]
    assert en != lv and "required" in en


# --- CSRF: the cookie guard applies to the portal's writes ------------------------------------

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture(scope="module")
def csrf_app(app: Flask, tmp_root: Path) -> Iterator[Flask]:
    from portal import create_app
    from portal.tasks import init_celery

    application = create_app(base_config(tmp_root, WTF_CSRF_ENABLED=True))
    application.config["BASE_DATA"] = app.config["BASE_DATA"]
    yield application
    init_celery(app)


def test_cookie_writes_need_the_csrf_token(app: Flask, csrf_app: Flask,
                                           sd: SubmissionData) -> None:
    c = csrf_app.test_client()
    token = _TOKEN.search(c.get("/login/").get_data(as_text=True)).group(1)
    resp = c.post("/login/", data={"username": sd.employer_user, "password": PASSWORD,
                                   "csrf_token": token})
    assert resp.status_code in (302, 303)
    before = _counts(app)
    refused = _post(c, "hours_worked", _hours(sd.case_a.assignment))
    assert refused.status_code == 400
    assert _counts(app) == before
    accepted = _post(c, "hours_worked", _hours(sd.case_a.assignment),
                     headers={"X-CSRFToken": token})
    assert accepted.status_code == 201, accepted.get_json()


# --- 1,000+ generated bad submissions ---------------------------------------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=6,
)
_NOT_A_DATE = st.text(max_size=20).filter(lambda t: not re.match(r"\s*\d", t))
_NOT_TEXT = st.one_of(st.integers(), st.booleans(), st.lists(st.integers(), min_size=1),
                      st.dictionaries(st.text(max_size=3), st.integers(), min_size=1))
_SCRIPT = st.sampled_from(["<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                           "\"><svg/onload=alert(1)>", "javascript:alert(1)"])


def _bad_case(assignment: int, foreign: int, retired: str, unpublished: str,
              linked: set[str]) -> Any:
    """A strategy of (form key, request kwargs) that are each invalid for a certain reason."""
    hours = _hours(assignment)
    vacancy = {"title": "Sētnieks", "places": 2}
    no_show = {"client": str(assignment), "event_kind": "no_show", "event_date": "2024-05-02"}
    incident = {"client": str(assignment), "event_date": "2024-05-02", "description": "Krita"}
    valid = {"hours_worked": hours, "vacancy": vacancy, "no_show": no_show,
             "work_incident": incident}
    required = {"hours_worked": ["hours", "according_to_schedule"],
                "vacancy": ["title", "places"],
                "no_show": ["client", "event_kind", "event_date"],
                "work_incident": ["client", "event_date", "description"]}
    known = {"hours_worked": {"hours", "according_to_schedule", "deviation", "submit"},
             "vacancy": {"title", "description", "places", "valid_until", "work_address",
                         "suitable_for_minors", "submit"},
             "no_show": {"client", "event_kind", "event_date", "explanation", "submit"},
             "work_incident": {"client", "event_date", "description", "injuries",
                               "injury_details", "measures", "submit"}}

    def body(form: str, data: Any, key: str | None = None) -> tuple[str, dict[str, Any]]:
        headers = {"Idempotency-Key": key if key is not None else uuid.uuid4().hex}
        return form, {"json": {"data": data}, "headers": headers}

    def dropped(form: str, field: str, script: str) -> tuple[str, dict[str, Any]]:
        data = dict(valid[form])
        del data[field]
        if form == "vacancy":
            data["description"] = script  # HTML alone is fine; the missing field is not
        return body(form, data)

    def with_unknown(form: str, key: str, value: Any) -> tuple[str, dict[str, Any]]:
        return body(form, {**valid[form], key: value})

    def text_in_number(text: str) -> tuple[str, dict[str, Any]]:
        return body("hours_worked", _hours(assignment, hours=text))

    def places_text(text: str) -> tuple[str, dict[str, Any]]:
        return body("vacancy", {**vacancy, "places": text})

    def out_of_range(number: float) -> tuple[str, dict[str, Any]]:
        return body("hours_worked", _hours(assignment, hours=number))

    def bad_option(form: str, value: str) -> tuple[str, dict[str, Any]]:
        field = {"hours_worked": "according_to_schedule", "no_show": "event_kind"}[form]
        return body(form, {**valid[form], field: value})

    def bad_date(form: str, text: str) -> tuple[str, dict[str, Any]]:
        if form == "hours_worked":
            return body(form, _hours(assignment, date=text))
        return body(form, {**valid[form], "event_date": text})

    def not_linked(form: str, value: Any) -> tuple[str, dict[str, Any]]:
        if form == "hours_worked":
            data = _hours(assignment)
            data["hours"][0]["client"] = value
            return body(form, data)
        return body(form, {**valid[form], "client": value})

    def wrong_type(value: Any) -> tuple[str, dict[str, Any]]:
        return body("work_incident", {**incident, "description": value})

    def random_data(form: str, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        data = {k: v for k, v in data.items() if k not in required[form]}
        return body(form, data)

    def no_form(key: str) -> tuple[str, dict[str, Any]]:
        return body(key, hours)

    def not_an_object(value: Any) -> tuple[str, dict[str, Any]]:
        return "hours_worked", {"json": {"data": value},
                                "headers": {"Idempotency-Key": uuid.uuid4().hex}}

    def raw_body(raw: bytes) -> tuple[str, dict[str, Any]]:
        return "hours_worked", {"data": raw, "headers": {
            "Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex}}

    def no_key(form: str) -> tuple[str, dict[str, Any]]:
        return form, {"json": {"data": valid[form]}}

    def bad_key(key: str, in_header: bool) -> tuple[str, dict[str, Any]]:
        # HTTP carries only latin-1 header values without line breaks; others go in the body.
        if in_header and re.fullmatch(r"[^\r\n]*", key) and key.isascii():
            return body("vacancy", vacancy, key=key)
        return "vacancy", {"json": {"data": vacancy, "idempotency_key": key}}

    forms = st.sampled_from(sorted(valid))
    linked_forms = st.sampled_from(["hours_worked", "no_show", "work_incident"])
    return st.one_of(
        forms.flatmap(lambda f: st.builds(dropped, st.just(f), st.sampled_from(required[f]),
                                          _SCRIPT)),
        forms.flatmap(lambda f: st.builds(
            with_unknown, st.just(f),
            st.text(min_size=1, max_size=12).filter(lambda k, f=f: k not in known[f]),
            _JSON)),
        # Text that reads as a number is that number (the renderer posts "0"), so not bad.
        st.builds(text_in_number, st.text(max_size=12).filter(_not_numeric)),
        st.builds(places_text, st.text(max_size=12).filter(_not_numeric)),
        st.builds(out_of_range, st.one_of(st.floats(max_value=-0.01, allow_nan=False,
                                                    allow_infinity=False),
                                          st.floats(min_value=24.01, max_value=1e6))),
        st.builds(bad_option, st.sampled_from(["hours_worked", "no_show"]),
                  st.text(max_size=15).filter(lambda t: t not in ("yes", "no", "no_show",
                                                                  "left_without_leave"))),
        st.builds(bad_date, linked_forms, _NOT_A_DATE.filter(lambda t: t != "")),
        st.builds(not_linked, linked_forms, st.one_of(
            st.just(str(foreign)), st.integers(min_value=10**6), st.text(min_size=1, max_size=8)
            .filter(lambda t: t not in linked))),
        st.builds(wrong_type, _NOT_TEXT),
        forms.flatmap(lambda f: st.builds(random_data, st.just(f), st.dictionaries(
            st.text(max_size=10), _JSON, max_size=4))),
        st.builds(no_form, st.one_of(st.sampled_from([retired, unpublished, "nav_tadas"]),
                                     st.from_regex(r"[a-z_]{1,20}", fullmatch=True).filter(
                                         lambda k: k not in valid and k not in (
                                             "hours_confirmation", "meeting_place_and_time",
                                             "priority_works", "work_schedule_agreement",
                                             "task_report"))
                                     .map(lambda k: "zz_" + k))),
        st.builds(not_an_object, st.one_of(st.lists(_JSON, max_size=3), st.text(),
                                           st.integers(), st.none(), st.booleans())),
        st.builds(raw_body, st.one_of(st.binary(max_size=30), st.sampled_from([
            b"{", b'{"data": ', b"[1,2", b"\xff\xfe", b"NaN", b'{"data": {"a": NaN}}']))),
        st.builds(no_key, forms),
        st.builds(bad_key, st.one_of(st.just(""), st.text(min_size=81, max_size=90),
                                     st.text(min_size=1, max_size=10).filter(
                                         lambda t: bool(re.search(r"[^\x21-\x7e]", t)))),
                  st.booleans()),
    )


def _not_numeric(text: str) -> bool:
    from portal.formsengine.validation import _NUMERIC_RE

    return not _NUMERIC_RE.match(text)


def test_a_thousand_bad_submissions(
    app: Flask, sd: SubmissionData, base: Any, login_as: Callable[[str], FlaskClient]
) -> None:
    """Generated bad input never gives a 500, always says which field, and stores nothing."""
    from portal.extensions import db
    from portal.services.intake import forms as form_service

    c = login_as(USERNAMES[Role.EMPLOYER])
    assignment = base.own.assignment  # the base employer's own client, in unit A
    with app.app_context():
        inputs = {key: set(form_service.parsed(form_service.published(db.session, key)[1])
                           .inputs) for key in ("hours_worked", "vacancy", "no_show",
                                                "work_incident")}
        employer = db.session.get(PlusUser, base.users[Role.EMPLOYER])
        # Every value a linked-client select accepts from this user (other tests add more).
        linked = {link.value for link in portal_scope.linked_clients(db.session, employer)}
        db.session.remove()
    assert str(assignment) in linked
    before = _counts(app)
    seen: dict[int, int] = {}

    @settings(max_examples=1000, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=_bad_case(assignment, sd.case_a.assignment, sd.retired_key,
                          sd.unpublished_key, linked))
    def post_bad(case: tuple[str, dict[str, Any]]) -> None:
        form, kwargs = case
        resp = c.post(URL.format(form), **kwargs)
        assert resp.status_code in BAD_STATUSES, (case, resp.status_code, resp.data[:300])
        seen[resp.status_code] = seen.get(resp.status_code, 0) + 1
        body = json.loads(resp.data)
        errors = body["errors"]
        assert isinstance(errors, dict) and errors, body
        for path, messages in errors.items():
            assert isinstance(path, str) and path
            assert isinstance(messages, list) and messages
            assert all(isinstance(m, str) and m.strip() for m in messages)
            if resp.status_code == 422 and path not in ("_form", "idempotency_key"):
                root = re.sub(r"\[\d+\]", "", path)
                assert root in inputs.get(form, set()), (path, form)

    post_bad()
    assert _counts(app) == before
    assert sum(seen.values()) >= 1000
    # Every kind of answer was exercised.
    assert set(seen) == BAD_STATUSES, seen
