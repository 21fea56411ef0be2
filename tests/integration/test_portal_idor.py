"""A portal user never sees or submits about anyone not linked to them.

Every id in every portal URL, and every id-bearing field of every published form (the
``linked_clients`` selects), is tried with ids that belong to other users, clients, employers,
volunteers and units: the answer is 403 or 404 (422 for a form field) and nothing is stored.
The twins of ``portal_fixtures`` (client Q, employer 2, volunteer 2, unit B) and the base
data's cases provide the foreign ids.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.models import Case, Client, Document, FormDefinition, Submission, WorkAssignment
from portal.services.access import Role
from tests.factories import USERNAMES
from tests.integration.portal_fixtures import USERNAMES as P
from tests.integration.portal_fixtures import PortalData, portal_data, portal_login

JUNK = ("0", "-1", "999999999", "1 OR 1=1", "3.0", " 3", "", "null", "[1]")
FOREIGN_SCOPE = "You may not submit information about this client."


@contextlib.contextmanager
def session_of(app: Flask) -> Iterator[Any]:
    """A session in its own app context, so requests never share the test's ``g``."""
    from portal.extensions import db

    with app.app_context():
        try:
            yield db.session
        finally:
            db.session.rollback()
            db.session.remove()


def submissions(app: Flask) -> int:
    with session_of(app) as s:
        return s.scalar(select(func.count()).select_from(Submission))


def ids(app: Flask, model: type) -> set[int]:
    with session_of(app) as s:
        return set(s.scalars(select(model.id)))  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def pdata(app: Flask) -> PortalData:
    return portal_data(app)


@pytest.fixture(scope="module")
def clients(app: Flask, pdata: PortalData) -> dict[str, FlaskClient]:
    """One logged-in test client per portal account (logins are slow: scrypt)."""
    names = [*P.values(), USERNAMES[Role.CLIENT], USERNAMES[Role.EMPLOYER],
             USERNAMES[Role.VOLUNTEER]]
    return {name: portal_login(app, name) for name in names}


def test_every_portal_route_with_an_id_is_tried_here(app: Flask) -> None:
    """A new route taking an id must join this file (or say why it is no id of anyone)."""
    tried = {"portal.document", "portal.client", "portal.form_page", "portal.form_js",
             "portal.submission"}
    not_ids = {
        "portal.invite",  # a secret token, tried in test_portal (unknown, expired, used)
        "portal.set_language",  # a language code
        "portal.static",  # files of the portal's look
    }
    routes = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/portal/") and rule.arguments
    }
    assert routes == tried | not_ids


# --- documents ---------------------------------------------------------------------------------


def test_documents_of_other_clients_are_not_found(
    app: Flask, pdata: PortalData, base: Any, clients: dict[str, FlaskClient]
) -> None:
    own = {P["client_p"]: pdata.shared_doc_p, P["client_q"]: pdata.shared_doc_q}
    every = ids(app, Document) | {10**9}
    for username, allowed in own.items():
        c = clients[username]
        assert c.get(f"/portal/documents/{allowed}").status_code == 200
        for doc_id in sorted(every - {allowed}):
            # Includes the client's own unshared document and base own/foreign ones.
            assert c.get(f"/portal/documents/{doc_id}").status_code == 404, (username, doc_id)
    # Employers and volunteers download no client documents at all.
    for username in (P["employer1"], P["volunteer1"]):
        assert clients[username].get(f"/portal/documents/{pdata.shared_doc_p}").status_code == 403


# --- clients -----------------------------------------------------------------------------------


def test_partners_see_only_their_clients(
    app: Flask, pdata: PortalData, base: Any, clients: dict[str, FlaskClient]
) -> None:
    linked = {
        P["employer1"]: {pdata.case_p.client},
        P["volunteer1"]: {pdata.case_p.client},
        P["employer2"]: {pdata.case_q.client},
        P["volunteer2"]: {pdata.case_q.client},
    }
    every = ids(app, Client) | {0, 10**9}
    with session_of(app) as s:
        names = {c.id: c.full_name for c in s.scalars(select(Client))}
    for username, allowed in linked.items():
        c = clients[username]
        listing = c.get("/portal/clients").get_data(as_text=True)
        for client_id in sorted(every):
            status = c.get(f"/portal/clients/{client_id}").status_code
            assert status == (200 if client_id in allowed else 404), (username, client_id)
            if client_id in names and client_id not in allowed:
                assert names[client_id] not in listing, (username, client_id)
    # The base accounts are shared with other tests, which may link more clients to the base
    # employer; the twins' clients are never theirs.
    base_employer = clients[USERNAMES[Role.EMPLOYER]]
    for client_id in (base.own.client, base.foreign.client):  # both work at the base employer
        assert base_employer.get(f"/portal/clients/{client_id}").status_code == 200
    for username in (USERNAMES[Role.EMPLOYER], USERNAMES[Role.VOLUNTEER]):
        for client_id in (pdata.case_p.client, pdata.case_q.client):
            status = clients[username].get(f"/portal/clients/{client_id}").status_code
            assert status == 404, (username, client_id)
    # Clients have no client pages, not even their own.
    for username in (P["client_p"], USERNAMES[Role.CLIENT]):
        assert clients[username].get(f"/portal/clients/{pdata.case_p.client}").status_code == 403


def test_my_data_shows_only_the_clients_own_cases(
    pdata: PortalData, base: Any, clients: dict[str, FlaskClient]
) -> None:
    page_q = clients[P["client_q"]].get("/portal/my-data").get_data(as_text=True)
    assert f"PL-2020-{pdata.case_q.client:06d}" in page_q
    for other in (pdata.case_p.client, base.own.client, base.foreign.client):
        assert f"PL-2020-{other:06d}" not in page_q


# --- submissions -------------------------------------------------------------------------------


def _submit(c: FlaskClient, key: str, data: dict[str, str]) -> int:
    page = c.get(f"/portal/forms/{key}").get_data(as_text=True)
    idem = re.search(r'name="plus\.idempotency_key" value="([^"]+)"', page)
    assert idem
    resp = c.post(f"/portal/forms/{key}", data={"plus.idempotency_key": idem.group(1), **data})
    assert resp.status_code == 303, resp.get_data(as_text=True)[-2000:]
    return int(resp.headers["Location"].rsplit("/", 1)[1])


def test_submissions_of_others_are_not_found(
    app: Flask, pdata: PortalData, clients: dict[str, FlaskClient]
) -> None:
    message = {"subject": "Sveiki", "message": "Ziņa"}
    mine = {
        P["client_p"]: _submit(clients[P["client_p"]], "message_to_officer", message),
        P["client_q"]: _submit(clients[P["client_q"]], "message_to_officer", message),
        P["employer2"]: _submit(clients[P["employer2"]], "vacancy",
                                {"title": "Sētnieks", "places": "1"}),
        P["volunteer2"]: _submit(clients[P["volunteer2"]], "task_report", {
            "client": str(pdata.case_q.case), "task": "Sarunas", "period_start": "2026-01-01",
            "period_end": "2026-02-01", "summary": "Labi", "plus.rows.meetings": "0",
        }),
    }
    with session_of(app) as s:
        rows = s.execute(select(Submission.id, Submission.submitted_by_id)).all()
    for username, own_id in mine.items():
        c = clients[username]
        user_id = pdata.users[username]
        assert c.get(f"/portal/submissions/{own_id}").status_code == 200
        foreign = sorted({sid for sid, by in rows if by != user_id})
        # Every foreign id near ours, and a spread of the rest, and ids that do not exist.
        sample = set(foreign[-40:]) | set(foreign[:: max(1, len(foreign) // 40)])
        for sid in sorted(sample | {0, 10**9}):
            assert c.get(f"/portal/submissions/{sid}").status_code == 404, (username, sid)
        listing = c.get("/portal/submissions").get_data(as_text=True)
        for other_user, other_id in mine.items():
            if other_user != username:
                assert f"/portal/submissions/{other_id}\"" not in listing, (username, other_id)


# --- forms: keys -------------------------------------------------------------------------------


def _extra_forms(app: Flask) -> tuple[str, str]:
    """A retired and an unpublished client form, made once."""
    import json

    from portal.services.intake import forms
    from tests.integration.submission_data import FORMDEFS

    keys = ("t_portal_retired", "t_portal_unpublished")
    with session_of(app) as s:
        base_schema = json.loads((FORMDEFS / "message_to_officer.json").read_text())
        for key in keys:
            if s.scalar(select(FormDefinition.id).where(FormDefinition.key == key)):
                continue
            forms.create_form(s, key, key, key, "client", None)
            version = forms.save_draft(
                s, key, dict(base_schema, plus=dict(base_schema["plus"], key=key)), None
            )
            if key == "t_portal_retired":
                forms.publish(s, version.id, None)
                forms.retire(s, key, None)
        s.commit()
    return keys


def test_forms_of_other_audiences_and_unavailable_forms_are_not_found(
    app: Flask, pdata: PortalData, clients: dict[str, FlaskClient]
) -> None:
    from portal.services.intake import forms

    retired, unpublished = _extra_forms(app)
    with session_of(app) as s:
        by_audience = {
            audience: [d.key for d in forms.forms_for_audience(s, audience)]
            for audience in ("client", "employer", "volunteer")
        }
    users = {"client": P["client_p"], "employer": P["employer1"], "volunteer": P["volunteer1"]}
    before = submissions(app)
    for audience, username in users.items():
        c = clients[username]
        others = [k for a, keys in by_audience.items() if a != audience for k in keys]
        for key in [*others, retired, unpublished, "no_such_form", "x" * 61, "..%2f..%2fetc"]:
            assert c.get(f"/portal/forms/{key}").status_code == 404, (username, key)
            assert c.get(f"/portal/forms/{key}/js").status_code == 404, (username, key)
            posted = c.post(f"/portal/forms/{key}",
                            data={"plus.idempotency_key": f"idor-{audience}-{key}"[:80]
                                  .ljust(20, "0")})
            assert posted.status_code == 404, (username, key)
        for key in by_audience[audience]:
            assert c.get(f"/portal/forms/{key}").status_code == 200, (username, key)
            assert c.get(f"/portal/forms/{key}/js").status_code == 200, (username, key)
    assert submissions(app) == before


# --- forms: id-bearing fields ------------------------------------------------------------------


def _linked_fields(app: Flask, audience: str) -> list[tuple[str, str, str | None]]:
    """(form key, component key, datagrid key or None) of every linked-client select."""
    from portal.services.intake import forms

    found = []
    with session_of(app) as s:
        for definition in forms.forms_for_audience(s, audience):
            _d, version = forms.published(s, definition.key)
            parsed = forms.parsed(version)
            for path, comp in parsed.inputs.items():
                if comp.option_source is not None:
                    grid, _sep, key = path.rpartition(".")
                    found.append((definition.key, key, grid or None))
    return found


def _allowed_values(app: Flask, username: str) -> set[str]:
    from portal.models import PlusUser
    from portal.services.partners import portal_scope

    with session_of(app) as s:
        user = s.scalars(select(PlusUser).where(PlusUser.username == username)).one()
        return {link.value for link in portal_scope.linked_clients(s, user)}


@pytest.mark.parametrize(
    ("username", "audience"),
    [(P["employer1"], "employer"), (P["volunteer1"], "volunteer"),
     (USERNAMES[Role.EMPLOYER], "employer"), (P["volunteer2"], "volunteer"),
     (P["client_p"], "client")],
)
def test_linked_client_fields_refuse_everyone_elses_ids(
    app: Flask, pdata: PortalData, clients: dict[str, FlaskClient], username: str, audience: str
) -> None:
    fields = _linked_fields(app, audience)
    if audience != "client":  # a client's forms are about themself (none ship such a field)
        assert fields, "the shipped partner forms ask which client a report is about"
    allowed = _allowed_values(app, username)
    assert allowed
    # Assignment, case and client ids of everyone: the values the select could carry.
    candidates = {str(i) for model in (WorkAssignment, Case, Client) for i in ids(app, model)}
    foreign = sorted(candidates - allowed) + [j for j in JUNK if j not in allowed]
    if username == P["employer1"]:
        assert str(pdata.case_q.assignment) in foreign
    c = clients[username]
    before = submissions(app)
    for form_key, comp_key, grid in fields:
        for value in foreign:
            if value.strip():
                # The link from a client page, with someone else's id: not found.
                resp = c.get(f"/portal/forms/{form_key}", query_string={"client": value})
                assert resp.status_code == 404, (form_key, value)
            name = f"{grid}[0][{comp_key}]" if grid else comp_key
            key = re.sub(r"[^A-Za-z0-9_-]", "_", f"idor-{form_key}-{value}").ljust(24, "_")
            data = {"plus.idempotency_key": key[:80], name: value}
            if grid:
                data[f"plus.rows.{grid}"] = "1"
            posted = c.post(f"/portal/forms/{form_key}", data=data)
            assert posted.status_code in (403, 422), (form_key, value, posted.status_code)
            if value.strip() and value not in ("null",):
                page = posted.get_data(as_text=True)
                assert FOREIGN_SCOPE in page or "invalid value" in page, (form_key, value)
        # Sanity: the user's own value is not refused as foreign.
        own = sorted(allowed)[0]
        name = f"{grid}[0][{comp_key}]" if grid else comp_key
        page = c.post(f"/portal/forms/{form_key}", data={
            "plus.idempotency_key": f"idor-own-{form_key}".ljust(24, "_"), name: own,
            **({f"plus.rows.{grid}": "1"} if grid else {}),
        }).get_data(as_text=True)
        assert FOREIGN_SCOPE not in page, form_key
    assert submissions(app) == before


def test_one_foreign_row_refuses_the_whole_hours_report(
    app: Flask, pdata: PortalData, clients: dict[str, FlaskClient]
) -> None:
    c = clients[P["employer1"]]
    before = submissions(app)
    own, foreign = str(pdata.case_p.assignment), str(pdata.case_q.assignment)
    resp = c.post("/portal/forms/hours_worked", data={
        "plus.idempotency_key": "idor-mixed-rows-000001", "plus.rows.hours": "2",
        "hours[0][client]": own, "hours[0][date]": "2026-03-02", "hours[0][hours]": "4",
        "hours[1][client]": foreign, "hours[1][date]": "2026-03-03", "hours[1][hours]": "4",
        "according_to_schedule": "yes",
    })
    assert resp.status_code in (403, 422)
    page = resp.get_data(as_text=True)
    assert 'href="#f-hours-1-client"' in page and FOREIGN_SCOPE in page
    assert submissions(app) == before
