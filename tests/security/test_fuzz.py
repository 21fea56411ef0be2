"""A bounded fuzzer over the officer list, filter and search URLs, the submission API and the
portal's server-rendered forms (issue 7, "Checks that stay").

About 5,000 generated requests per database run (so over 10,000 in CI across SQLite and
PostgreSQL), in-process through the test client: no answer may be a 5xx, and every
submission that was stored must pass the form's validation again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from portal.models import PlusUser, Submission
from portal.services.access import Role
from tests.integration.submission_data import SubmissionData, submission_data

#: generated requests per test (the three tests make about 5,000 together)
LIST_EXAMPLES = 2400
API_EXAMPLES = 1800
PORTAL_EXAMPLES = 800

_SETTINGS = {"deadline": None, "database": None, "suppress_health_check": list(HealthCheck)}

# Text that has hurt before: NUL, LIKE wildcards and escapes, huge numbers, odd Unicode.
NASTY = st.sampled_from([
    "\x00", "a\x00b", "\\", "abc\\", "%", "_", "%%", "'", '"', "';--", "(((", "!(", ")",
    "99999999999999999999", "-99999999999999999999", "1e400", "NaN", "-1", "0", "2147483648",
    "9223372036854775808", "2024-13-45", "31.02.2024", "\u202e", "ā" * 300, "\ud7ff", " ",
    "<script>", "null", "true", "[]", "{}", "bogus",
])
TEXT = st.one_of(NASTY, st.text(max_size=40), st.integers().map(str))
#: well-formed idempotency keys (fresh ones mostly: 24 random characters)
KEYS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=24, max_size=24)

LIST_VIEWS = {
    "clientview": ["surname", "given_name", "personal_code", "birth_date", "gender"],
    "caseview": ["number", "status", "function", "start_date"],
    "hourslogview": ["hours", "work_date", "assignment"],
    "meetingview": ["starts_at", "kind", "case"],
    "decisionview": ["number", "institution", "decision_date"],
    "documentview": ["title", "case"],
}
CLASS = {"clientview": "ClientView", "caseview": "CaseView", "hourslogview": "HoursLogView",
         "meetingview": "MeetingView", "decisionview": "DecisionView",
         "documentview": "DocumentView"}


@st.composite
def officer_url(draw: Any) -> tuple[str, dict[str, str]]:
    kind = draw(st.sampled_from(["list", "list", "list", "search", "inbox", "api"]))
    if kind == "search":
        return "/search/", {"q": draw(TEXT)}
    if kind == "inbox":
        keys = st.sampled_from(["status", "form", "page", "nope"])
        return "/inbox/", draw(st.dictionaries(keys, TEXT, max_size=3))
    if kind == "api":
        resource = draw(st.sampled_from(["case", "client"]))
        col = draw(st.sampled_from(["number", "status", "surname", "client", "personal_code",
                                    "nope"]))
        opr = draw(st.sampled_from(["eq", "ct", "sw", "ew", "gt", "rel_o_m", "bogus"]))
        value = draw(st.one_of(NASTY.map(lambda v: "'" + v.replace("'", "!'") + "'"),
                               st.integers().map(str), st.just("!()")))
        q = draw(st.sampled_from([
            f"(filters:!((col:{col},opr:{opr},value:{value})))",
            f"(page:{draw(st.integers())},page_size:{draw(st.integers())})",
            f"(order_column:{col},order_direction:{draw(st.sampled_from(['asc', 'x']))})",
            draw(TEXT),
        ]))
        return f"/api/v1/{resource}/", {"q": q}
    view = draw(st.sampled_from(sorted(LIST_VIEWS)))
    name = CLASS[view]
    params: dict[str, str] = {}
    for _ in range(draw(st.integers(0, 4))):
        col = draw(st.sampled_from([*LIST_VIEWS[view], "id", "nope"]))
        index = draw(st.sampled_from(["0", "1", "2", "5", "99", "-1", "x"]))
        params[f"_flt_{index}_{col}"] = draw(TEXT)
    extra = st.sampled_from([f"page_{name}", f"psize_{name}", f"_oc_{name}", f"_od_{name}"])
    params.update(draw(st.dictionaries(extra, TEXT, max_size=2)))
    return f"/{view}/list/", params


def test_officer_urls_never_fail(login_as: Callable[[str], FlaskClient]) -> None:
    officer = login_as(Role.OFFICER)
    seen: dict[int, int] = {}

    @settings(max_examples=LIST_EXAMPLES, **_SETTINGS)
    @given(officer_url())
    def request(url: tuple[str, dict[str, str]]) -> None:
        path, params = url
        resp = officer.get(path, query_string=params)
        assert resp.status_code < 500, (path, params, resp.status_code)
        seen[resp.status_code] = seen.get(resp.status_code, 0) + 1

    request()
    assert sum(seen.values()) >= LIST_EXAMPLES and 200 in seen


# --- the submission API ---------------------------------------------------------------------

JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                      TEXT)
JSON = st.recursive(JSON_LEAF, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=12)


def _hours_data(clients: list[str]) -> Any:
    row = st.fixed_dictionaries({
        "client": st.one_of(st.sampled_from(clients), TEXT),
        "date": st.one_of(st.dates().map(str), TEXT),
        "hours": st.one_of(st.integers(-5, 30), st.floats(allow_nan=False), TEXT),
    })
    return st.fixed_dictionaries(
        {"hours": st.one_of(st.lists(row, max_size=3), JSON),
         "according_to_schedule": st.one_of(st.sampled_from(["yes", "no"]), TEXT),
         "submit": st.just(True)},
        optional={"extra": JSON, "notes": TEXT},
    )


@pytest.fixture()
def sd(app: Flask) -> SubmissionData:
    return submission_data(app)


def _revalidate(app: Flask, ids: list[int]) -> None:
    """Every stored submission passes its form's validation again, for its own submitter."""
    from portal import formsengine as fe
    from portal.extensions import db
    from portal.services.intake import forms
    from portal.services.partners import portal_scope

    with app.app_context():
        for submission in db.session.scalars(select(Submission).where(Submission.id.in_(ids))):
            defn = forms.parsed(submission.version)
            user = db.session.get(PlusUser, submission.submitted_by_id)
            actor = portal_scope.actor_of(user)
            options = portal_scope.options_for(db.session, actor, defn)
            result = fe.validate_submission(defn, submission.data, "lv", options=options)
            assert not result.errors, (submission.id, result.errors)
        db.session.remove()


def test_submission_api_never_fails(app: Flask, sd: SubmissionData,
                                    login_as: Callable[[str], FlaskClient]) -> None:
    c = login_as(sd.employer_user)
    clients = [str(sd.case_a.assignment), str(sd.case_b.assignment)]
    stored: list[int] = []
    seen: dict[int, int] = {}

    @settings(max_examples=API_EXAMPLES, **_SETTINGS)
    @given(form=st.sampled_from(["hours_worked", "hours_worked", "no_show", "vacancy",
                                 "work_incident", "change_of_residence", "nope"]),
           data=st.one_of(_hours_data(clients), JSON),
           key=st.one_of(KEYS, TEXT))
    def post(form: str, data: Any, key: str) -> None:
        # A key a header cannot carry (control characters) travels in the body instead.
        in_header = key.isprintable()
        body = {"data": data} if in_header else {"data": data, "idempotency_key": key}
        resp = c.post(f"/api/v1/forms/{form}/submissions", json=body,
                      headers={"Idempotency-Key": key} if in_header else {})
        assert resp.status_code < 500, (form, data, resp.status_code)
        seen[resp.status_code] = seen.get(resp.status_code, 0) + 1
        if resp.status_code == 201:
            stored.append(resp.get_json()["id"])

    post()
    assert sum(seen.values()) >= API_EXAMPLES
    _revalidate(app, stored)


# --- the portal's server-rendered forms -----------------------------------------------------

PORTAL_FIELDS = ["new_address", "change_date", "declared", "phone", "message", "subject",
                 "reason", "date", "nope", "plus.idempotency_key", "data[x]", "hours[0][date]"]


def test_portal_forms_never_fail(app: Flask, sd: SubmissionData,
                                 login_as: Callable[[str], FlaskClient]) -> None:
    c = login_as(sd.client_user)
    seen: dict[int, int] = {}
    before = _ids(app)

    @settings(max_examples=PORTAL_EXAMPLES, **_SETTINGS)
    @given(form=st.sampled_from(["change_of_residence", "message_to_officer",
                                 "explanation_of_absence_or_violation", "hours_worked", "nope"]),
           fields=st.dictionaries(st.sampled_from(PORTAL_FIELDS), TEXT, max_size=6),
           key=st.one_of(st.none(), KEYS))
    def post(form: str, fields: dict[str, str], key: str | None) -> None:
        if key is not None:
            fields["plus.idempotency_key"] = key
        resp = c.post(f"/portal/forms/{form}", data=fields)
        assert resp.status_code < 500, (form, fields, resp.status_code)
        seen[resp.status_code] = seen.get(resp.status_code, 0) + 1

    post()
    assert sum(seen.values()) >= PORTAL_EXAMPLES
    _revalidate(app, sorted(_ids(app) - before))


def _ids(app: Flask) -> set[int]:
    from portal.extensions import db

    with app.app_context():
        ids = set(db.session.scalars(select(Submission.id)))
        db.session.remove()
    return ids
