"""The case CSV export: scoped by ``access.condition``, no personal codes, safe cells."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from portal.models import Case, CaseFunction, CaseStatus, Client
from portal.services.access import Actor, Role
from portal.services.casework import exports


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())  # BOM: spreadsheets then read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_columns_scope_and_no_personal_codes(db_session: Any, base: Any) -> None:
    officer = Actor(user_id=base.users[Role.OFFICER], roles=frozenset({Role.OFFICER}),
                    unit_id=base.unit_a)
    rows = _rows(exports.cases_csv(db_session, officer))
    assert len(rows[0]) == 7
    own = db_session.get(Case, base.own.case)
    foreign = db_session.get(Case, base.foreign.case)
    by_number = {r[0]: r for r in rows[1:]}
    assert own.number in by_number and foreign.number not in by_number
    line = by_number[own.number]
    assert line[3] == own.start_date.isoformat() and line[4] == ""
    assert line[5] == "Testa A nodaļa"
    assert line[6] == "Officer Test"
    assert all(r[5] == "Testa A nodaļa" for r in rows[1:])
    text = "\n".join(",".join(r) for r in rows)
    for client_id in (base.own.client, base.foreign.client):
        assert db_session.get(Client, client_id).personal_code not in text


def test_no_case_data_for_roles_without_casework(db_session: Any, base: Any) -> None:
    for role in (Role.ANALYST, Role.FORM_ADMIN, Role.CLIENT):
        actor = Actor(user_id=base.users[role], roles=frozenset({role}))
        assert len(_rows(exports.cases_csv(db_session, actor))) == 1  # the header only


def test_cells_that_look_like_formulas_are_defused(db_session: Any, base: Any) -> None:
    case = Case(number="=1+2", client_id=base.own.client, function=CaseFunction.MEDIATION,
                status=CaseStatus.OPENED, start_date=dt.date.today(), unit_id=base.unit_a)
    db_session.add(case)
    db_session.flush()
    admin = Actor(user_id=base.users[Role.ADMIN], roles=frozenset({Role.ADMIN}))
    numbers = [r[0] for r in _rows(exports.cases_csv(db_session, admin))[1:]]
    assert "'=1+2" in numbers and "=1+2" not in numbers
