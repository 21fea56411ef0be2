"""The audit trail: unit managers see who read or changed their unit's clients (Admin all).

Access matrix entries: every role × the audit screen and its CSV; a manager never sees the
other unit's clients; filters by client, officer and period; reads and changes both appear
with the address they came from.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from portal.services.access import Role
from tests.factories import PASSWORD, USERNAMES
from tests.integration.test_access_matrix import ROLES

#: who reaches the audit trail at all (others: FAB's 403 for a screen without permission)
AUDITORS = {Role.ADMIN, Role.UNIT_MANAGER}


@pytest.fixture(scope="module")
def logins(app: Flask) -> Any:
    cache: dict[str, Any] = {}

    def client_for(role: str) -> Any:
        if role not in cache:
            c = app.test_client()
            username = USERNAMES.get(role, role)
            if role in (Role.EMPLOYER, Role.VOLUNTEER, Role.CLIENT):
                resp = c.post("/portal/login", data={"username": username, "password": PASSWORD})
            else:
                resp = c.post("/login/", data={"username": username, "password": PASSWORD})
            assert resp.status_code in (302, 303), (role, resp.status_code)
            cache[role] = c
        return cache[role]

    return client_for


@pytest.fixture(scope="module")
def trail(app: Flask, logins: Any) -> dict[str, Any]:
    """Reads of both base clients, and a change of the own client from a known address."""
    from portal.extensions import db
    from portal.models import Client

    base = app.config["BASE_DATA"]
    logins(Role.OFFICER).get(f"/clientview/show/{base.own.client}",
                             environ_base={"REMOTE_ADDR": "10.1.2.3"})
    logins("OfficerB").get(f"/clientview/show/{base.foreign.client}",
                           environ_base={"REMOTE_ADDR": "10.9.9.9"})
    with app.app_context():
        client = db.session.get(Client, base.own.client)
        form = {"given_name": client.given_name, "surname": client.surname,
                "personal_code": client.personal_code,
                "birth_date": client.birth_date.isoformat(), "gender": client.gender.value,
                "address": client.address or "", "phone": "+37120000077", "email": "",
                "preferred_language": "lv"}
        # Names repeat across the suite's data: the screen's per-client links are unique.
        names = {"own": f'client={base.own.client}"',
                 "foreign": f'client={base.foreign.client}"'}
    resp = logins(Role.OFFICER).post(f"/clientview/edit/{base.own.client}", data=form,
                                     environ_base={"REMOTE_ADDR": "10.4.5.6"})
    assert resp.status_code == 302
    return names


@pytest.mark.parametrize("path", ["/audit-trail/", "/audit-trail/csv"])
@pytest.mark.parametrize("role", ROLES)
def test_matrix(app: Flask, logins: Any, trail: dict[str, Any], role: str, path: str) -> None:
    if role == "Officer2":
        role = Role.OFFICER  # the same rights as Officer here
    resp = logins(role).get(path)
    if role in (Role.EMPLOYER, Role.VOLUNTEER, Role.CLIENT):
        assert resp.status_code in (302, 403)  # portal users have no officer screens
        return
    expected = 200 if role in AUDITORS else 403
    assert resp.status_code == expected, (role, path, resp.status_code)
    if expected != 200:
        return
    base = app.config["BASE_DATA"]
    if path.endswith("csv"):
        rows = csv.reader(io.StringIO(resp.get_data().decode("utf-8-sig")))
        ids = {r[3] for r in rows}
        own, foreign = str(base.own.client) in ids, str(base.foreign.client) in ids
    else:
        body = resp.get_data(as_text=True)
        own, foreign = trail["own"] in body, trail["foreign"] in body
    assert own
    assert foreign is (role != Role.UNIT_MANAGER)  # not another unit's client


def test_manager_of_the_other_unit_sees_only_theirs(logins: Any, trail: dict[str, Any]) -> None:
    body = logins("ManagerB").get("/audit-trail/").get_data(as_text=True)
    assert trail["foreign"] in body and trail["own"] not in body


def test_reads_and_changes_with_address_and_filters(app: Flask, logins: Any,
                                                    trail: dict[str, Any]) -> None:
    base = app.config["BASE_DATA"]
    manager = logins(Role.UNIT_MANAGER)
    officer_id = base.users[Role.OFFICER]
    body = manager.get(f"/audit-trail/?client={base.own.client}&officer={officer_id}"
                       ).get_data(as_text=True)
    assert "10.1.2.3" in body and "10.4.5.6" in body  # a read and a change, from where
    # Latvian by default, and no raw endpoint names
    assert "Lasīšana" in body and "Izmaiņas" in body
    assert "ClientView.show" not in body and "client.show" not in body
    other = base.users["Officer2"]
    body = manager.get(f"/audit-trail/?client={base.own.client}&officer={other}"
                       ).get_data(as_text=True)
    assert "10.1.2.3" not in body
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    body = manager.get(f"/audit-trail/?client={base.own.client}&from={tomorrow}"
                       ).get_data(as_text=True)
    assert "10.1.2.3" not in body
    yesterday = dt.date.today() - dt.timedelta(days=1)
    body = manager.get(f"/audit-trail/?client={base.own.client}&from={yesterday}"
                       f"&to={dt.date.today()}").get_data(as_text=True)
    assert "10.1.2.3" in body


def test_csv_export(app: Flask, logins: Any, trail: dict[str, Any]) -> None:
    base = app.config["BASE_DATA"]
    resp = logins(Role.UNIT_MANAGER).get(f"/audit-trail/csv?client={base.own.client}")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(resp.get_data().decode("utf-8-sig"))))
    assert rows[0][0] == "Kad"
    addresses = {r[6] for r in rows[1:]}
    assert {"10.1.2.3", "10.4.5.6"} <= addresses
    assert all(r[3] == str(base.own.client) for r in rows[1:])


def test_access_log_rule(app: Flask) -> None:
    """access.condition(AccessLog): Admin all, a manager their unit's clients, others none."""
    from portal.extensions import db
    from portal.models import AccessLog
    from portal.services import access

    base = app.config["BASE_DATA"]
    with app.app_context():
        session = db.session
        own = AccessLog(user_id=base.users[Role.OFFICER], client_id=base.own.client,
                        action="rule")
        foreign = AccessLog(user_id=base.users["OfficerB"], client_id=base.foreign.client,
                            action="rule")
        session.add_all([own, foreign])
        session.flush()
        users = {u: session.get(__import__("portal.models", fromlist=["PlusUser"]).PlusUser,
                                base.users[u]) for u in (Role.ADMIN, Role.UNIT_MANAGER,
                                                         Role.OFFICER, Role.ANALYST)}
        seen = {}
        for role, user in users.items():
            actor = access.Actor.of(user)
            seen[role] = set(session.scalars(select(AccessLog.id).where(
                AccessLog.id.in_([own.id, foreign.id]), access.condition(AccessLog, actor))))
            assert not list(session.scalars(select(AccessLog.id).where(
                access.condition(AccessLog, actor, write=True)).limit(1)))
        session.rollback()
    assert seen[Role.ADMIN] == {own.id, foreign.id}
    assert seen[Role.UNIT_MANAGER] == {own.id}
    assert seen[Role.OFFICER] == set() and seen[Role.ANALYST] == set()
