"""PostgreSQL benchmark of the officer screens at 2,000 and 200,000 demo clients.

For each size a database ``<BENCH_DATABASE_URL's database>_<size>`` is created and seeded
with the demo generator (kept for the next run: a marker table records the client count, so
re-running skips the seeding; ``--reseed`` forces it, ``--drop`` removes the databases at the
end). Then, logged in with the Flask test client as the demo ``manager`` (UnitManager) and
``officer``, each operation is requested ``--requests`` times:

* search by name fragment, by personal code and by case number,
* the case list, first page and a deep page,
* the case page.

Beside the app time, the SQL the request sent is replayed with psycopg directly, with the same
parameters, in the same run: "raw SQL" is the operation's own statements (reads of PLUS
tables), "all SQL" every statement of the request including Flask-AppBuilder's user and
permission look-ups and the access-log insert. Times are server times: the test client calls
the WSGI app in-process, so there is no network or browser in them.

Targets: app <= 3x raw SQL; the case list at 200,000 clients <= 1.5x its time at 2,000.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ProgrammingError

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/plus_bench"
SIZES = (2_000, 200_000)
SEED = 1
MARKER = "bench_seed"
NAME_FRAGMENT = "berz"
DEEP_PAGE = 200  # 0-based page of the case list, or the last page when there are fewer
PAGE_SIZE = 25
USERS = (("manager", "UnitManager"), ("officer", "Officer"))
APP_TARGET = 3.0
LIST_TARGET = 1.5

# Statements whose FROM/JOIN tables are all Flask-AppBuilder's (user, roles, permissions) are
# the framework's bookkeeping, not the operation's query.
_TABLES = re.compile(r'\b(?:FROM|JOIN)\s+"?(\w+)"?', re.IGNORECASE)


def log(message: str) -> None:
    """Progress on stderr, so stdout carries only the result tables."""
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


# --- databases --------------------------------------------------------------------------------


def database_url(base: str, clients: int) -> URL:
    """The database of one size: ``plus_bench`` becomes ``plus_bench_2k`` / ``_200k``."""
    url = make_url(base)
    suffix = f"{clients // 1000}k" if clients % 1000 == 0 else str(clients)
    return url.set(drivername="postgresql+psycopg", database=f"{url.database}_{suffix}")


def _admin(url: URL) -> Engine:
    return create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")


def ensure_database(url: URL) -> None:
    """Create the database if it does not exist."""
    admin = _admin(url)
    with admin.connect() as conn:
        found = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
        ).scalar()
        if not found:
            conn.execute(text(f'CREATE DATABASE "{url.database}"'))
            log(f"created database {url.database}")
    admin.dispose()


def drop_database(url: URL) -> None:
    """Drop the database (closing other sessions on it)."""
    admin = _admin(url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()
    log(f"dropped database {url.database}")


def build_app(url: URL, workdir: Path) -> Flask:
    """A PLUS app on the bench database, configured like production (no debug, no testing)."""
    from portal import create_app

    return create_app({
        "SQLALCHEMY_DATABASE_URI": url.render_as_string(hide_password=False),
        "SECRET_KEY": "bench-only",
        "WTF_CSRF_ENABLED": False,
        "UPLOAD_FOLDER": str(workdir / "documents"),
        "REDIS_URL": "",
        "SERVER_NAME": None,
    })


def seeded_clients(engine: Engine) -> int | None:
    """The client count recorded by a finished seeding, or None."""
    with engine.connect() as conn:
        try:
            return conn.execute(text(f"SELECT clients FROM {MARKER}")).scalar()
        except ProgrammingError:
            return None


def prepare(app: Flask, clients: int, reseed: bool) -> float | None:
    """Migrate and seed the database unless it already holds ``clients`` demo clients.

    :returns: seconds the seeding took, or None when the existing data was reused.
    """
    from flask_migrate import upgrade

    from portal.extensions import db
    from portal.services import setup

    directory = str(Path(app.root_path) / "migrations")
    with app.app_context():
        engine = db.engine
        if not reseed and seeded_clients(engine) == clients:
            upgrade(directory=directory)  # a newer migration (an index) still applies
            add_history(engine)
            _vacuum_analyze(engine)
            log(f"reusing {engine.url.database} ({clients} clients)")
            return None
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        upgrade(directory=directory)
        setup.ensure_roles(app.appbuilder.sm)
        db.session.commit()
        log(f"seeding {clients} clients into {engine.url.database} ...")
        started = time.monotonic()
        counts = setup.seed_demo(db.session, app.appbuilder.sm, clients=clients, seed=SEED)
        seconds = time.monotonic() - started
        rows = sum(counts.values())
        log(f"seeded {counts.get('client', 0)} clients, {counts.get('case', 0)} cases, "
            f"{rows} rows in {seconds:.1f} s")
        db.session.remove()
        add_history(engine)
        _vacuum_analyze(engine)
        with engine.begin() as conn:
            conn.execute(text(
                f"CREATE TABLE {MARKER} (clients integer NOT NULL, seed integer NOT NULL, "
                "seconds double precision NOT NULL, seeded_at timestamptz NOT NULL)"
            ))
            conn.execute(
                text(f"INSERT INTO {MARKER} VALUES (:c, :s, :t, now())"),
                {"c": clients, "s": SEED, "t": seconds},
            )
        return seconds


def add_history(engine: Engine) -> None:
    """Give every case a change history, as a database in service has.

    The demo generator writes with Core inserts, which leave no history; but the case page
    shows the history and reads it under the access rules, including the rule that hides a
    mediation victim's changes. One "create" row per case and per mediation party (about
    1.2 rows per case) is added once, marked with source 'bench'.
    """
    with engine.begin() as conn:
        if conn.execute(text("SELECT 1 FROM change_log WHERE source = 'bench' LIMIT 1")).first():
            return
        conn.execute(text(
            "INSERT INTO change_log (at, user_id, action, entity, entity_id, case_id, client_id, "
            "changes, source) "
            "SELECT created_at, officer_id, 'create', 'Case', id, id, client_id, "
            "json_build_object('number', json_build_array(NULL, number)), 'bench' "
            'FROM "case" ORDER BY id'
        ))
        conn.execute(text(
            "INSERT INTO change_log (at, user_id, action, entity, entity_id, case_id, client_id, "
            "changes, source) "
            "SELECT p.created_at, m.mediator_officer_id, 'create', 'MediationParty', p.id, "
            "m.case_id, p.client_id, json_build_object('surname', json_build_array(NULL, "
            "p.surname)), 'bench' "
            "FROM mediation_party p JOIN mediation m ON m.id = p.mediation_id ORDER BY p.id"
        ))
    log("added change history rows")


def _vacuum_analyze(engine: Engine) -> None:
    # Fresh statistics and visibility maps, as a database in service would have.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


# --- what to measure --------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """One screen request and a check that it shows what it should."""

    key: str  # the same at every size, to compare them
    name: str
    url: str
    expect: str


def operations(app: Flask, username: str) -> list[Operation]:
    """The requests to time for one user, with samples from the user's own scope."""
    from portal.extensions import db
    from portal.models import Case, Meeting
    from portal.services import access

    with app.app_context():
        user = app.appbuilder.sm.find_user(username=username)
        actor = access.Actor.of(user)
        # The case page of a case the user works on, with the most meetings in its file.
        case_id = db.session.execute(
            select(Meeting.case_id)
            .join(Case, Case.id == Meeting.case_id)
            .where(access.case_editable(actor))
            .group_by(Meeting.case_id)
            .order_by(func.count().desc(), Meeting.case_id)
            .limit(1)
        ).scalar_one()
        case = db.session.get(Case, case_id)
        number, code = case.number, case.client.personal_code
        visible = db.session.execute(
            select(func.count()).select_from(Case).where(access.case_visible(actor))
        ).scalar_one()
        db.session.remove()
    deep = min(DEEP_PAGE, (visible - 1) // PAGE_SIZE)
    return [
        # The same page layout (menu, user, language) with no query of its own: what every
        # screen costs before it touches case data.
        Operation("frame", "page frame: search form, no query", "/search/", 'name="q"'),
        Operation("search-name", f"search: name fragment '{NAME_FRAGMENT}'",
                  f"/search/?q={NAME_FRAGMENT}", "/clientview/show/"),
        Operation("search-code", "search: personal code", f"/search/?q={quote(code)}",
                  "/clientview/show/"),
        Operation("search-number", "search: case number", f"/search/?q={quote(number)}",
                  f"/caseview/show/{case_id}"),
        Operation("list-first", "case list: first page", "/caseview/list/", "/caseview/show/"),
        Operation("list-deep", f"case list: page {deep} (offset {deep * PAGE_SIZE})",
                  f"/caseview/list/?page_CaseView={deep}", "/caseview/show/"),
        Operation("case-page", "case page", f"/caseview/show/{case_id}", number),
    ]


def login(app: Flask, username: str) -> FlaskClient:
    """A test client logged in with the demo password."""
    from portal.services.setup import DEMO_PASSWORD

    client = app.test_client()
    resp = client.post("/login/", data={"username": username, "password": DEMO_PASSWORD})
    if resp.status_code not in (302, 303):
        raise RuntimeError(f"login as {username} failed ({resp.status_code})")
    return client


# --- timing -----------------------------------------------------------------------------------

Statement = tuple[str, Any]


@contextmanager
def capture(engine: Engine) -> Iterator[list[Statement]]:
    """Collect the statements (with their DBAPI parameters) sent while the block runs."""
    statements: list[Statement] = []

    def before(_conn: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any,
               executemany: bool) -> None:
        if not executemany:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def is_operation_query(statement: str) -> bool:
    """A read of PLUS tables (not FAB's user/permission look-ups, not a write)."""
    if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
        return False
    return any(not t.lower().startswith("ab_") for t in _TABLES.findall(statement))


def timed(fns: list[Callable[[], Any]], n: int, warmup: int) -> list[list[float]]:
    """Milliseconds of ``n`` rounds of calling each function, after ``warmup`` untimed rounds.

    The functions take turns within each round, so a busy spell of the machine slows all of
    them alike instead of skewing one.
    """
    for _ in range(warmup):
        for fn in fns:
            fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(n):
        for fn, out in zip(fns, times, strict=True):
            started = time.perf_counter()
            fn()
            out.append((time.perf_counter() - started) * 1000)
    return times


def replay(conn: psycopg.Connection, statements: list[Statement]) -> Callable[[], None]:
    """A function that sends the statements in one transaction and fetches every row."""

    def run() -> None:
        with conn.cursor() as cur:
            for statement, parameters in statements:
                cur.execute(statement, parameters)
                if cur.description is not None:
                    cur.fetchall()
        conn.rollback()

    return run


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20, method="inclusive")[18]


@dataclass
class Result:
    """Timings of one operation for one user at one size."""

    clients: int
    user: str
    key: str
    operation: str
    n: int
    app_median: float
    app_p95: float
    raw_median: float
    raw_p95: float
    all_median: float
    raw_statements: int
    all_statements: int

    @property
    def ratio(self) -> float:
        if not self.raw_statements or not self.raw_median:
            return float("nan")
        return self.app_median / self.raw_median


def measure(app: Flask, url: URL, clients: int, requests: int, warmup: int,
            show_sql: bool) -> list[Result]:
    """Time every operation for every user on one database."""
    from portal.extensions import db

    with app.app_context():
        engine = db.engine
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    results = []
    with psycopg.connect(conninfo) as raw:
        for username, role in USERS:
            client = login(app, username)
            for op in operations(app, username):
                resp = client.get(op.url)
                body = resp.get_data(as_text=True)
                if resp.status_code != 200 or op.expect not in body:
                    raise RuntimeError(f"{op.url} as {username}: {resp.status_code}, "
                                       f"{op.expect!r} not in the page")
                with capture(engine) as sent:
                    client.get(op.url)
                own = [s for s in sent if is_operation_query(s[0])]
                if show_sql:
                    for statement, parameters in sent:
                        mark = "*" if (statement, parameters) in own else " "
                        log(f"{mark} {' '.join(statement.split())[:300]} {parameters}")
                app_times, raw_times, all_times = timed(
                    [lambda c=client, u=op.url: c.get(u).get_data(), replay(raw, own),
                     replay(raw, sent)],
                    requests, warmup,
                )
                result = Result(clients, f"{username} ({role})", op.key, op.name, requests,
                                statistics.median(app_times), p95(app_times),
                                statistics.median(raw_times), p95(raw_times),
                                statistics.median(all_times), len(own), len(sent))
                log(f"{clients:>7} {username:<8} {op.name:<32} app {result.app_median:7.2f} "
                    f"ms  raw {result.raw_median:6.2f} ms  x{result.ratio:.1f}")
                results.append(result)
    return results


# --- report -----------------------------------------------------------------------------------


def table(results: list[Result]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| clients | user | operation | n | app median ms | app p95 ms | raw SQL median ms "
        "| ratio app/raw | raw SQL p95 ms | statements (own/all) | all SQL median ms |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        flag = " ⚠" if r.ratio > APP_TARGET else ""
        raw = (f"{r.raw_median:.2f} | {r.ratio:.1f}{flag} | {r.raw_p95:.2f}"
               if r.raw_statements else "– | – | –")
        lines.append(
            f"| {r.clients:,} | {r.user} | {r.operation} | {r.n} | {r.app_median:.2f} | "
            f"{r.app_p95:.2f} | {raw} | {r.raw_statements}/{r.all_statements} | "
            f"{r.all_median:.2f} |"
        )
    return "\n".join(lines)


def scaling(results: list[Result], small: int, large: int) -> str:
    """The app time of each operation at ``large`` clients over its time at ``small``."""
    by_key = {(r.clients, r.user, r.key): r for r in results}
    lines = [
        f"| user | operation | app median ms at {small:,} | at {large:,} | ratio |",
        "|---|---|---:|---:|---:|",
    ]
    for r in results:
        big = by_key.get((large, r.user, r.key))
        if r.clients != small or big is None:
            continue
        ratio = big.app_median / r.app_median
        target = r.key == "list-first"
        flag = " ⚠" if target and ratio > LIST_TARGET else ""
        name = r.operation.split(" (offset")[0] if r.key != "list-deep" else "case list: deep page"
        name = f"**{name}**" if target else name
        lines.append(f"| {r.user} | {name} | {r.app_median:.2f} | {big.app_median:.2f} | "
                     f"{ratio:.2f}{flag} |")
    return "\n".join(lines)


def _load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print Markdown tables on stdout."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES),
                        help="client counts, comma-separated (default: %(default)s)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per operation")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests first")
    parser.add_argument("--reseed", action="store_true", help="seed even if already seeded")
    parser.add_argument("--seed-only", action="store_true", help="prepare the databases, no timing")
    parser.add_argument("--drop", action="store_true", help="drop the databases at the end")
    parser.add_argument("--show-sql", action="store_true", help="log each request's statements")
    args = parser.parse_args(argv)
    base = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results: list[Result] = []
    seeding: dict[int, float | None] = {}
    load_before = _load()
    with tempfile.TemporaryDirectory(prefix="plus-bench-") as workdir:
        for clients in sizes:
            url = database_url(base, clients)
            ensure_database(url)
            app = build_app(url, Path(workdir))
            seeding[clients] = prepare(app, clients, args.reseed)
            if not args.seed_only:
                results += measure(app, url, clients, args.requests, args.warmup, args.show_sql)
            from portal.extensions import db

            with app.app_context():
                db.session.remove()
                db.engine.dispose()
            if args.drop:
                drop_database(url)
    print(f"`{' '.join(['python -m bench', *(argv if argv is not None else sys.argv[1:])])}` "
          f"on {dt.datetime.now():%Y-%m-%d %H:%M}, PostgreSQL at "
          f"{make_url(base).set(database=None).render_as_string()}, {os.cpu_count()} CPUs, "
          f"load average before/after {load_before} / {_load()}")
    for clients, seconds in seeding.items():
        done = f"seeded in {seconds:.0f} s" if seconds is not None else "reused"
        print(f"- {clients:,} clients: {done}")
    if results:
        print()
        print(table(results))
        if len(sizes) >= 2:
            print()
            print(scaling(results, min(sizes), max(sizes)))
        checked = [r for r in results if r.raw_statements]
        missed = [r for r in checked if r.ratio > APP_TARGET]
        print()
        print(f"app <= {APP_TARGET:g}x raw SQL: "
              + ("met" if not missed else f"missed by {len(missed)} of {len(checked)}"))
        if len(sizes) >= 2:
            by_key = {(r.clients, r.user, r.key): r for r in results}
            for username, role in USERS:
                user = f"{username} ({role})"
                small = by_key.get((min(sizes), user, "list-first"))
                large = by_key.get((max(sizes), user, "list-first"))
                if small and large:
                    ratio = large.app_median / small.app_median
                    verdict = "met" if ratio <= LIST_TARGET else "missed"
                    print(f"case list at {max(sizes):,} vs {min(sizes):,} ({user}): "
                          f"{ratio:.2f}x, target <= {LIST_TARGET:g}x {verdict}")
    return 0
