"""The search box: folded names, personal codes, case numbers, access scope, odd input.

Tests that need particular names create their own clients with a unique tag in the given name,
so they find exactly their rows whatever else the shared test database holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, text

from portal.models import Case, Client, Gender
from portal.services import access
from portal.services.access import Role
from portal.services.casework import search
from tests.conftest import DATABASE_URL, need
from tests.factories import BaseData, new_code

# Big enough that rows other tests add can never push the ones we look for off the page.
ALL = 100_000


def actor_of(base: BaseData, who: str) -> access.Actor:
    """The Actor of a base user: the Officer and Manager of unit A, OfficerB of unit B, Admin."""
    role, unit = {
        Role.OFFICER: (Role.OFFICER, base.unit_a),
        Role.UNIT_MANAGER: (Role.UNIT_MANAGER, base.unit_a),
        "OfficerB": (Role.OFFICER, base.unit_b),
        Role.ADMIN: (Role.ADMIN, None),
    }[who]
    return access.Actor(user_id=base.users[who], roles=frozenset({role}), unit_id=unit)


def found(db_session: Any, query: str, actor: access.Actor) -> tuple[set[int], set[int]]:
    """(client ids, case ids) the search returns."""
    result = search.search(db_session, query, actor, limit=ALL)
    return {c.id for c in result.clients}, {c.id for c in result.cases}


def add_client(db_session: Any, unit_id: int, surname: str, given: str) -> int:
    client = Client(given_name=given, surname=surname, personal_code=new_code(),
                    birth_date=dt.date(1990, 5, 17), gender=Gender.FEMALE, unit_id=unit_id)
    db_session.add(client)
    db_session.commit()
    return client.id


@pytest.fixture()
def tag(unique: str) -> str:
    # Consonants only: no Latvian ending (-s, -is, -a, -e) is ever dropped from it, and it
    # never looks like a personal code or a case number.
    return "".join("bcdfghjklmnprtvz"[int(ch, 16)] for ch in unique)


# --- names ----------------------------------------------------------------------------------


def test_name_without_diacritics_finds_both_gender_forms(db_session, base, tag):
    male = add_client(db_session, base.unit_a, "Bērziņš", f"Jānis{tag}")
    female = add_client(db_session, base.unit_a, "Bērziņa", f"Anna{tag}")
    other = add_client(db_session, base.unit_a, "Ozoliņa", f"Anna{tag}")
    officer = actor_of(base, Role.OFFICER)

    clients, cases = found(db_session, "berzins", officer)
    assert {male, female, base.own.client} <= clients
    assert other not in clients
    assert cases == set()
    # The female form as typed finds the male form too, and the base client.
    assert {male, female, base.own.client} <= found(db_session, "Bērziņa", officer)[0]
    assert found(db_session, f"berzins {tag}", officer)[0] == {male, female}


@pytest.mark.parametrize("query", ["KALNIŅA", "kalnina", "Kalniņa", "kalniņš", "  kalnina  "])
def test_name_is_folded_case_and_accent_insensitively(db_session, base, query):
    clients, _ = found(db_session, query, actor_of(base, "OfficerB"))
    assert base.foreign.client in clients


def test_multi_word_query_matches_every_word_in_any_order(db_session, base, tag):
    janis = add_client(db_session, base.unit_a, "Bērziņš", f"Jānis{tag}")
    janina = add_client(db_session, base.unit_a, "Bērziņa", f"Jana{tag}")
    officer = actor_of(base, Role.OFFICER)

    assert base.own.client in found(db_session, "janis berz", officer)[0]
    assert found(db_session, f"janis berz {tag}", officer)[0] == {janis}
    assert found(db_session, f"{tag} berz janis", officer)[0] == {janis}
    assert found(db_session, f"berz {tag}", officer)[0] == {janis, janina}
    assert found(db_session, f"janis ozol {tag}", officer)[0] == set()


def test_like_wildcards_in_the_query_are_literal(db_session, base, tag):
    percent = add_client(db_session, base.unit_a, f"Pro%{tag}", "Ilze")
    percent_decoy = add_client(db_session, base.unit_a, f"ProX{tag}", "Ilze")
    under = add_client(db_session, base.unit_a, f"Pa_{tag}", "Ilze")
    under_decoy = add_client(db_session, base.unit_a, f"PaX{tag}", "Ilze")
    admin = actor_of(base, Role.ADMIN)

    assert found(db_session, f"pro%{tag}", admin)[0] == {percent}
    assert found(db_session, f"pa_{tag}", admin)[0] == {under}
    assert percent_decoy not in found(db_session, "%", admin)[0]
    assert under_decoy not in found(db_session, "_", admin)[0]
    for query in ("%", "%%", "_", "\\", "%\\_"):
        clients = search.search(db_session, query, admin, limit=ALL).clients
        assert all(query in f"{c.surname} {c.given_name}" for c in clients), query


# --- personal code and case number -----------------------------------------------------------


def test_personal_code_with_and_without_hyphen(db_session, base):
    code = db_session.get(Client, base.own.client).personal_code
    officer = actor_of(base, Role.OFFICER)
    for query in (code, code.replace("-", ""), f" {code} ", f"{code[:6]} {code[7:]}"):
        result = search.search(db_session, query, officer)
        assert result.kind == "personal_code", query
        assert [c.id for c in result.clients] == [base.own.client], query


def test_case_number_is_case_insensitive(db_session, base):
    number = db_session.get(Case, base.own.case).number
    officer = actor_of(base, Role.OFFICER)
    for query in (number, number.lower(), f"  {number.title()} "):
        result = search.search(db_session, query, officer)
        assert result.kind == "case_number", query
        assert [c.id for c in result.cases] == [base.own.case], query


# --- access ----------------------------------------------------------------------------------


def test_officer_never_finds_the_other_units_client_or_case(db_session, base):
    client = db_session.get(Client, base.foreign.client)
    number = db_session.get(Case, base.foreign.case).number
    queries = ["kalnina", "Kalniņa Līga", "liga kaln", client.personal_code,
               client.personal_code.replace("-", ""), number, number.lower()]
    for who in (Role.OFFICER, Role.UNIT_MANAGER):
        actor = actor_of(base, who)
        for query in queries:
            clients, cases = found(db_session, query, actor)
            assert base.foreign.client not in clients, (who, query)
            assert base.foreign.case not in cases, (who, query)
    # The same queries do find them for the unit's own officer and for the Admin.
    for who in ("OfficerB", Role.ADMIN):
        actor = actor_of(base, who)
        assert base.foreign.client in found(db_session, "kalnina", actor)[0]
        assert base.foreign.client in found(db_session, client.personal_code, actor)[0]
        assert base.foreign.case in found(db_session, number.lower(), actor)[1]


def test_a_visible_client_is_listed_without_the_other_units_cases(
    login_as: Callable[[str], FlaskClient], app: Flask, base, tag
):
    from portal.extensions import db
    from portal.models import CaseFunction, CaseStatus

    with app.app_context():
        client_id = add_client(db.session, base.unit_a, "Dzene", f"Rasa{tag}")
        cases = {}
        for unit in (base.unit_a, base.unit_b):
            case = Case(number=f"PL-1999-{client_id:05d}{unit}", client_id=client_id,
                        function=CaseFunction.COMMUNITY_WORK, status=CaseStatus.ACTIVE,
                        start_date=dt.date(2024, 1, 8), unit_id=unit)
            db.session.add(case)
            db.session.flush()
            cases[unit] = (case.id, case.number)
        db.session.commit()
    own_id, own_number = cases[base.unit_a]
    foreign_id, foreign_number = cases[base.unit_b]
    html = login_as(Role.OFFICER).get("/search/", query_string={"q": f"dzene {tag}"}).get_data(
        as_text=True)
    assert f"/clientview/show/{client_id}" in html
    assert own_number in html and f"/caseview/show/{own_id}" in html
    assert foreign_number not in html and f"/caseview/show/{foreign_id}" not in html


def test_roles_without_casework_find_nothing(db_session, base):
    analyst = access.Actor(user_id=base.users[Role.ANALYST], roles=frozenset({Role.ANALYST}))
    assert found(db_session, "berzins", analyst) == (set(), set())


def test_search_screen_is_scoped(login_as: Callable[[str], FlaskClient], base, app: Flask):
    from portal.extensions import db

    with app.app_context():
        code = db.session.get(Client, base.foreign.client).personal_code
        number = db.session.get(Case, base.foreign.case).number
    officer = login_as(Role.OFFICER)
    # the closing quote matters: case 2 must not match a visible case 227
    foreign_link = f'/clientview/show/{base.foreign.client}"'
    for query in ("kalnina", code, number):
        html = officer.get("/search/", query_string={"q": query}).get_data(as_text=True)
        assert foreign_link not in html, query
        assert f'/caseview/show/{base.foreign.case}"' not in html, query
    html = officer.get("/search/", query_string={"q": "berzins janis"}).get_data(as_text=True)
    assert f"/clientview/show/{base.own.client}" in html
    html = login_as("OfficerB").get("/search/", query_string={"q": "KALNIŅA"}).get_data(
        as_text=True)
    assert foreign_link in html


# --- counting and paging ----------------------------------------------------------------------


def _many(db_session: Any, base: BaseData, tag: str, n: int) -> None:
    for i in range(n):
        db_session.add(Client(given_name=f"{tag}", surname=f"Skaitāms{i:03d}",
                              personal_code=new_code(), birth_date=dt.date(1990, 5, 17),
                              gender=Gender.FEMALE, unit_id=base.unit_a))
    db_session.commit()


def test_the_search_counts_and_pages(db_session, base, tag):
    _many(db_session, base, tag, 61)
    officer = actor_of(base, Role.OFFICER)
    first = search.search(db_session, tag, officer)
    assert (first.total, first.pages, first.first, first.last) == (61, 2, 1, 50)
    second = search.search(db_session, tag, officer, page=1)
    assert (second.page, second.first, second.last, len(second.clients)) == (1, 51, 61, 11)
    assert {c.id for c in first.clients}.isdisjoint({c.id for c in second.clients})
    # A page past the end is the last page.
    assert search.search(db_session, tag, officer, page=7).page == 1


def test_the_count_stops_at_the_cap(db_session, base, tag, monkeypatch):
    _many(db_session, base, tag, 12)
    monkeypatch.setattr(search, "COUNT_CAP", 10)
    result = search.search(db_session, tag, actor_of(base, Role.OFFICER), limit=4)
    assert result.capped and result.total == 11
    assert result.pages == 3  # of the counted ones


def test_the_screen_says_how_many_and_pages_by_post(login_as, db_session, base, tag):
    _many(db_session, base, tag, 55)
    officer = login_as(Role.OFFICER)
    html = officer.post("/search/", data={"q": tag}).get_data(as_text=True)
    assert "Atrasti: 55; rādīti 1.–50." in html
    assert "Lapa 1 no 2" in html and 'name="page" value="2"' in html
    assert html.count("Skaitāms") == 50
    # The pager posts the query again: the name never goes into a link.
    assert f"q={tag}" not in html
    html = officer.post("/search/", data={"q": tag, "page": "2"}).get_data(as_text=True)
    assert "Atrasti: 55; rādīti 51.–55." in html and html.count("Skaitāms") == 5
    assert "Iepriekšējā lapa" in html
    one = officer.post("/search/", data={"q": f"{tag} skaitams054"}).get_data(as_text=True)
    assert "Atrasti: 1." in one and "Lapa 1 no" not in one
    for page in ("0", "-1", "x", "99999999"):
        assert officer.post("/search/", data={"q": tag, "page": page}).status_code == 200


# --- odd input -------------------------------------------------------------------------------


ODD_QUERIES = [
    "", "   ", "a", "x" * 5_000, "berzins " * 400, "\x00", "bērz\x00iņš", "\t\r\n",
    "'; DROP TABLE client; --", "%", "_", "\\", "%_\\'\"", "😀 🙂", "ā" * 101,
    "PL-9999-99999999", "pl-0000-0", "999999-99999", "000000 00000", "1" * 40,
    "<script>alert(1)</script>",
]


def test_odd_queries_never_fail(login_as):
    officer = login_as(Role.OFFICER)  # one login for all: logging in is the slow part
    for query in ODD_QUERIES:
        resp = officer.get("/search/", query_string={"q": query})
        # A NUL byte in any URL parameter is the friendly 400 page (portal.security.input_guard).
        assert resp.status_code == (400 if "\x00" in query else 200), repr(query[:40])
        assert "<script>alert(1)</script>" not in resp.get_data(as_text=True)


def test_undecodable_query_string_does_not_fail(login_as):
    resp = login_as(Role.OFFICER).get("/search/?q=%ff%fe%e2%82")
    assert resp.status_code == 200
    # With a NUL byte, the friendly 400 page (portal.security.input_guard).
    assert login_as(Role.OFFICER).get("/search/?q=%ff%fe%00%e2%82").status_code == 400


def test_empty_query_searches_nothing(db_session, base):
    result = search.search(db_session, " \x00 ", actor_of(base, Role.ADMIN))
    assert (result.kind, result.clients, result.cases) == ("empty", [], [])


def test_overlong_query_is_cut(db_session, base):
    # Only the first MAX_QUERY_LENGTH characters count: the trailing word is ignored.
    query = "berzins janis" + " " * search.MAX_QUERY_LENGTH + "nosuchname"
    clients, _ = found(db_session, query, actor_of(base, Role.ADMIN))
    assert base.own.client in clients


# --- PostgreSQL: the trigram index serves the name query --------------------------------------


@pytest.fixture()
def pg(app: Flask) -> None:
    need("PostgreSQL", DATABASE_URL.startswith(("postgres://", "postgresql")))


def test_plus_unaccent_is_immutable_and_indexed(pg, db_session):
    volatility = db_session.execute(
        text("SELECT provolatile FROM pg_proc WHERE proname = 'plus_unaccent'")
    ).scalar_one()
    assert volatility == "i"
    indexdef = db_session.execute(
        text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_client_name_trgm'")
    ).scalar_one()
    assert "gin_trgm_ops" in indexdef and "plus_unaccent" in indexdef
    # Upper-case letters with diacritics fold the same way whatever the database's locale.
    folded = db_session.execute(text("SELECT plus_unaccent(lower('ŠMITS Ķēniņš'))")).scalar_one()
    assert folded == "smits kenins"


def test_postgres_sessions_run_without_jit(pg, db_session):
    # JIT compiling took 0.5 s for the access-scoped history query of a case page that runs
    # in a millisecond (bench/RESULTS.md); create_app turns it off for the app's connections.
    assert db_session.execute(text("SHOW jit")).scalar_one() == "off"


@pytest.mark.parametrize("who", [Role.OFFICER, Role.ADMIN])
def test_name_query_uses_the_trigram_index(pg, db_session, base, who):
    """EXPLAIN the very statement ``search`` sends, with its parameters."""
    from portal.extensions import db

    statements: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if "plus_unaccent" in statement:
            statements.append((statement, parameters))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        search.search(db_session, "berzins janis", actor_of(base, who))
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    # The count (up to the cap) and the page: both served by the index.
    assert len(statements) == 2 and "count(" in statements[0][0]
    conn = db_session.connection()
    # The test database is small, so a sequential scan would win on cost alone.
    conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
    for statement, parameters in statements:
        plan = "\n".join(row[0] for row in conn.exec_driver_sql("EXPLAIN " + statement,
                                                                 parameters))
        assert "ix_client_name_trgm" in plan, plan
