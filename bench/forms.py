"""PostgreSQL benchmark of portal form submissions: ``python -m bench.forms``.

A fresh database ``plus_bench_forms`` (the database of ``BENCH_FORMS_DATABASE_URL``) is created,
migrated, loaded with the shipped forms and one employer with ``USERS`` employer portal users
and ``CLIENTS`` clients whose active forced-labour cases have a work assignment there. Then:

1. **Throughput.** The app runs under gunicorn (``-w 4``, CSRF off so the API needs no token);
   ``THREADS`` clients, each logged in as a different employer user, POST valid 5-row
   ``hours_worked`` reports to ``/api/v1/forms/hours_worked/submissions`` with a fresh
   ``Idempotency-Key`` for ``APP_SECONDS``; the 201s per second are counted. In the same run the
   same JSON is inserted with psycopg into a scratch table from as many threads for
   ``RAW_SECONDS``, each insert its own durable transaction (``synchronous_commit`` is asserted
   on). Target: app rate >= 0.25x the raw rate.
2. **A 500-row report, server time** (Flask test client, in-process, so no network): rendering
   the form with 500 rows (the no-JavaScript "add row" post: 499 rows posted, 500 re-rendered,
   nothing validated), validating and re-rendering 500 rows with one invalid value (422),
   ``formsengine.validate_submission`` alone, and the API storing a valid 500-row report (201)
   beside a raw psycopg INSERT+COMMIT of the same JSON.

The databases are dropped at the end (``--keep`` keeps them). The table is printed and written
to ``bench/RESULTS-forms.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import requests
from flask import Flask
from psycopg.types.json import Jsonb
from sqlalchemy.engine import URL, make_url

from bench.run import build_app, drop_database, ensure_database, log

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/plus_bench_forms"
RESULTS = Path(__file__).with_name("RESULTS-forms.md")
PASSWORD = "Bench-forms-1"
USERS = 20
CLIENTS = 20
THREADS = 16
APP_SECONDS = 20.0
RAW_SECONDS = 10.0
REPORT_ROWS = 5
BIG_ROWS = 500
REPETITIONS = 50
RATIO_TARGET = 0.25
FORM = "hours_worked"
API = f"/api/v1/forms/{FORM}/submissions"


# --- data -------------------------------------------------------------------------------------


def prepare(app: Flask) -> tuple[list[str], list[int]]:
    """Migrate, load the forms and create the employer, its users, clients and assignments.

    :returns: the employer usernames and the work assignment ids (the select's values).
    """
    from flask_migrate import upgrade

    from portal.extensions import db
    from portal.models import (
        Case,
        CaseFunction,
        CaseStatus,
        Client,
        Employer,
        EmployerType,
        Gender,
        TerritorialUnit,
        WorkAssignment,
    )
    from portal.services import forms, personal_code, setup
    from portal.services.access import Role

    rng = random.Random(1)
    today = dt.date.today()
    with app.app_context():
        upgrade(directory=str(Path(app.root_path) / "migrations"))
        sm = app.appbuilder.sm
        setup.ensure_roles(sm)
        session = db.session
        forms.load_forms(session, ROOT / "formdefs")
        unit = TerritorialUnit(code="BF", name="Bench unit")
        employer = Employer(name="Bench SIA", employer_type=EmployerType.ASSOCIATION)
        session.add_all([unit, employer])
        session.commit()
        employer.unit_id = unit.id
        officer = sm.add_user(username="bench_officer", first_name="Bench", last_name="Officer",
                              email="bench_officer@bench.invalid", role=sm.find_role(Role.OFFICER),
                              password=PASSWORD)
        officer.unit_id = unit.id
        usernames = []
        for i in range(USERS):
            name = f"bench_employer_{i:02d}"
            user = sm.add_user(username=name, first_name="Bench", last_name=f"Employer {i}",
                               email=f"{name}@bench.invalid", role=sm.find_role(Role.EMPLOYER),
                               password=PASSWORD)
            assert user, f"could not create {name}"
            user.employer_id = employer.id
            usernames.append(name)
        session.commit()
        codes: set[str] = set()
        assignments = []
        for i in range(CLIENTS):
            code = personal_code.generate_old(dt.date(1990, 5, 17), rng)
            while code in codes:
                code = personal_code.generate_old(dt.date(1990, 5, 17), rng)
            codes.add(code)
            client = Client(given_name="Klients", surname=f"Bench{i:02d}", personal_code=code,
                            birth_date=dt.date(1990, 5, 17), gender=Gender.MALE, unit_id=unit.id)
            session.add(client)
            session.flush()
            case = Case(number=f"PL-BF-{i:06d}", client_id=client.id,
                        function=CaseFunction.FORCED_LABOUR, status=CaseStatus.ACTIVE,
                        start_date=today - dt.timedelta(days=50), officer_id=officer.id,
                        unit_id=unit.id, hours_ordered=Decimal("120"))
            session.add(case)
            session.flush()
            assignment = WorkAssignment(case_id=case.id, employer_id=employer.id,
                                        work_type="Teritorijas sakopšana", place="Parks",
                                        start_date=today - dt.timedelta(days=40))
            session.add(assignment)
            session.flush()
            assignments.append(assignment.id)
        session.commit()
        db.session.remove()
    log(f"prepared {USERS} employer users, {CLIENTS} clients with assignments")
    return usernames, assignments


def report(assignments: list[int], rows: int, offset: int = 0) -> dict[str, Any]:
    """A valid ``hours_worked`` submission of ``rows`` rows over the given assignments."""
    start = dt.date.today() - dt.timedelta(days=30)
    return {
        "hours": [
            {"client": str(assignments[(offset + i) % len(assignments)]),
             "date": (start + dt.timedelta(days=i % 28)).isoformat(),
             "hours": 2 + (i % 5)}
            for i in range(rows)
        ],
        "according_to_schedule": "yes",
        "submit": True,
    }


# --- 1. throughput ----------------------------------------------------------------------------


def free_port() -> int:
    """A free local TCP port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(url: URL, instance: Path) -> tuple[subprocess.Popen[bytes], str]:
    """gunicorn with 4 workers on a free port; returns the process and the base URL."""
    port = free_port()
    env = dict(os.environ, DATABASE_URL=url.render_as_string(hide_password=False),
               PLUS_INSTANCE_DIR=str(instance), SECRET_KEY="bench", PLUS_CSRF="0", REDIS_URL="")
    log_file = open(instance / "gunicorn.log", "wb")  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-w", "4", "-b", f"127.0.0.1:{port}", "run:app"],
        cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {(instance / 'gunicorn.log').read_text()}")
        try:
            requests.get(f"{base}/portal/login", timeout=10)
            return proc, base
        except requests.RequestException:  # workers still booting
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("gunicorn did not start in 60 s")


def login(base: str, username: str) -> requests.Session:
    """A session logged in to the portal as ``username``."""
    s = requests.Session()
    resp = s.post(f"{base}/portal/login", data={"username": username, "password": PASSWORD},
                  allow_redirects=False, timeout=30)
    assert resp.status_code == 303, f"login of {username}: {resp.status_code}"
    return s


def app_throughput(base: str, usernames: list[str], seconds: float) -> tuple[float, Counter[int]]:
    """201s per second from ``THREADS`` logged-in employers posting 5-row reports."""
    sessions = [login(base, usernames[i % len(usernames)]) for i in range(THREADS)]
    form = sessions[0].get(f"{base}/api/v1/forms/{FORM}", timeout=30).json()
    grid = next(c for c in form["schema"]["components"] if c["key"] == "hours")
    select = next(c for c in grid["components"] if c["key"] == "client")
    values = [int(v["value"]) for v in select["data"]["values"]]
    assert len(values) == CLIENTS, values
    payloads = [json.dumps({"data": report(values, REPORT_ROWS, offset=i)})
                for i in range(THREADS)]
    for s, body in zip(sessions, payloads, strict=True):  # warm every worker's caches
        r = s.post(base + API, data=body, timeout=30, headers={
            "Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex})
        assert r.status_code == 201, r.text
    statuses: Counter[int] = Counter()
    done: list[float] = []
    lock = threading.Lock()
    start = time.monotonic()
    stop = start + seconds

    def worker(s: requests.Session, body: str) -> None:
        mine: list[float] = []
        codes: Counter[int] = Counter()
        while time.monotonic() < stop:
            r = s.post(base + API, data=body, timeout=30, headers={
                "Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex})
            codes[r.status_code] += 1
            if r.status_code == 201:
                mine.append(time.monotonic())
        with lock:
            statuses.update(codes)
            done.extend(mine)

    threads = [threading.Thread(target=worker, args=(s, b)) for s, b in zip(sessions, payloads,
                                                                             strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    return sum(1 for t in done if t <= stop) / seconds if elapsed else 0.0, statuses


def raw_throughput(dsn: str, body: dict[str, Any], seconds: float) -> float:
    """Durable single-row INSERT+COMMITs per second of the same JSON from ``THREADS`` threads."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        assert conn.execute("SHOW synchronous_commit").fetchone()[0] == "on"
        conn.execute("DROP TABLE IF EXISTS bench_raw")
        conn.execute("CREATE TABLE bench_raw (id serial PRIMARY KEY, data jsonb, "
                     "created_at timestamptz DEFAULT now())")
    counts = [0] * THREADS
    barrier = threading.Barrier(THREADS + 1)
    stop_at: list[float] = []

    def worker(index: int) -> None:
        with psycopg.connect(dsn) as conn:
            barrier.wait()
            n = 0
            while time.monotonic() < stop_at[0]:
                conn.execute("INSERT INTO bench_raw (data) VALUES (%s)", (Jsonb(body),))
                conn.commit()  # each insert its own transaction, like one submission
                n += 1
            counts[index] = n

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    stop_at.append(time.monotonic() + seconds)
    barrier.wait()
    for t in threads:
        t.join()
    return sum(counts) / seconds


# --- 2. a 500-row report, in-process ----------------------------------------------------------


def timed(fn: Any, n: int = REPETITIONS) -> list[float]:
    """Seconds of ``n`` calls of ``fn`` (after one warm-up call)."""
    fn()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def form_post(data: dict[str, Any], key: str) -> dict[str, str]:
    """The no-JavaScript form post of an ``hours_worked`` report."""
    fields = {"plus.idempotency_key": key, "plus.rows.hours": str(len(data["hours"])),
              "according_to_schedule": data["according_to_schedule"]}
    for i, row in enumerate(data["hours"]):
        fields[f"hours[{i}][client]"] = row["client"]
        fields[f"hours[{i}][date]"] = row["date"]
        fields[f"hours[{i}][hours]"] = str(row["hours"])
    return fields


def big_report(app: Flask, dsn: str, username: str, assignments: list[int]) -> dict[str, list[float]]:
    """Server times of the 500-row operations (seconds, ``REPETITIONS`` each)."""
    from portal import formsengine as fe
    from portal.extensions import db
    from portal.models import PlusUser
    from portal.services import forms, portal_scope

    data = report(assignments, BIG_ROWS)
    c = app.test_client()
    resp = c.post("/portal/login", data={"username": username, "password": PASSWORD})
    assert resp.status_code == 303, resp.status_code
    times: dict[str, list[float]] = {}

    page = c.get(f"/portal/forms/{FORM}")
    assert page.status_code == 200
    key = "bench-" + uuid.uuid4().hex
    add = form_post(report(assignments, BIG_ROWS - 1), key) | {"plus.add_row": "hours"}

    def render() -> None:
        r = c.post(f"/portal/forms/{FORM}", data=add)
        assert r.status_code == 200 and f'name="hours[{BIG_ROWS - 1}][date]"' in r.text
    times["render 500 rows (add-row post, no validation)"] = timed(render)

    bad = form_post(data, key) | {f"hours[{BIG_ROWS - 1}][hours]": "abc"}

    def validate_render() -> None:
        r = c.post(f"/portal/forms/{FORM}", data=bad)
        assert r.status_code == 422, r.status_code
    times["validate + re-render 500 rows (1 invalid, 422)"] = timed(validate_render)

    with app.app_context():
        session = db.session
        user = session.query(PlusUser).filter_by(username=username).one()
        _definition, version = forms.published(session, FORM)
        defn = forms.parsed(version)

        def validate() -> None:
            # Options are looked up per submission in submit(), so they are part of the cost.
            options = portal_scope.options_for(session, user, defn)
            result = fe.validate_submission(defn, data, "lv", options=options)
            assert not result.errors, result.errors
        times["fe.validate_submission 500 rows (+ options_for)"] = timed(validate)
        db.session.remove()

    small = {"data": report(assignments, REPORT_ROWS)}

    def api_small() -> None:
        r = c.post(API, json=small, headers={"Idempotency-Key": uuid.uuid4().hex})
        assert r.status_code == 201, r.get_data(as_text=True)[:500]
    # One request's server time: with the rate above it shows whether the server is CPU-bound.
    times[f"API POST valid {REPORT_ROWS}-row report, one request in-process"] = timed(api_small)

    body = {"data": data}

    def api_store() -> None:
        r = c.post(API, json=body, headers={"Idempotency-Key": uuid.uuid4().hex})
        assert r.status_code == 201, r.get_data(as_text=True)[:500]
    times["API POST valid 500-row report (validate + store, 201)"] = timed(api_store)

    with psycopg.connect(dsn) as conn:
        def raw() -> None:
            conn.execute("INSERT INTO bench_raw (data) VALUES (%s)", (Jsonb(data),))
            conn.commit()
        times["raw"] = timed(raw)
    return times


# --- report -----------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    """Milliseconds, for the table."""
    return f"{seconds * 1000:.1f} ms"


def table(app_rate: float, raw_rate: float, statuses: Counter[int],
          times: dict[str, list[float]]) -> str:
    """The markdown result table."""
    ratio = app_rate / raw_rate if raw_rate else 0.0
    verdict = "meets" if ratio >= RATIO_TARGET else "MISSES"
    lines = [
        "| metric | median | p95 | raw baseline | ratio |",
        "|---|---|---|---|---|",
        f"| {REPORT_ROWS}-row hours reports stored/s (API via gunicorn -w 4, {THREADS} clients, "
        f"{APP_SECONDS:.0f} s) | {app_rate:.1f}/s | – | {raw_rate:.1f}/s psycopg INSERT+COMMIT "
        f"({THREADS} threads, {RAW_SECONDS:.0f} s) | {ratio:.2f} ({verdict} target "
        f">= {RATIO_TARGET}) |",
    ]
    raw = times.pop("raw")
    for name, values in times.items():
        base = ratio_cell = "–"
        if name.startswith("API POST valid 500"):
            base = f"{ms(statistics.median(raw))} (p95 {ms(p95(raw))}) INSERT+COMMIT same JSON"
            ratio_cell = f"{statistics.median(values) / statistics.median(raw):.1f}x raw"
        lines.append(f"| {name} | {ms(statistics.median(values))} | {ms(p95(values))} | {base} "
                     f"| {ratio_cell} |")
    codes = ", ".join(f"{code}: {n}" for code, n in sorted(statuses.items()))
    lines.append("")
    lines.append(f"Throughput run answers by status: {codes}.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 0 when the throughput ratio meets the target."""
    parser = argparse.ArgumentParser(prog="python -m bench.forms", description=__doc__)
    parser.add_argument("--url", default=os.environ.get("BENCH_FORMS_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    args = parser.parse_args(argv)
    url = make_url(args.url).set(drivername="postgresql+psycopg")
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    load_before = os.getloadavg()
    drop_database(url)
    ensure_database(url)
    proc = None
    try:
        with tempfile.TemporaryDirectory(prefix="plus-bench-forms-") as tmp:
            workdir = Path(tmp)
            app = build_app(url, workdir)
            usernames, assignments = prepare(app)
            proc, base = start_gunicorn(url, workdir)
            log(f"gunicorn at {base}; posting for {APP_SECONDS:.0f} s")
            app_rate, statuses = app_throughput(base, usernames, APP_SECONDS)
            proc.terminate()
            proc.wait(timeout=30)
            proc = None
            log(f"app {app_rate:.1f}/s; raw inserts for {RAW_SECONDS:.0f} s")
            raw_rate = raw_throughput(dsn, report(assignments, REPORT_ROWS), RAW_SECONDS)
            log(f"raw {raw_rate:.1f}/s; 500-row report x{REPETITIONS}")
            times = big_report(app, dsn, usernames[0], assignments)
            from portal.extensions import db

            with app.app_context():
                db.engine.dispose()
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        if not args.keep:
            drop_database(url)
    result = table(app_rate, raw_rate, statuses, times)
    load = os.getloadavg()
    header = (
        "# Form submission benchmark (PostgreSQL)\n\n"
        f"Command: `.venv/bin/python -m bench.forms` (`make bench`)  \n"
        f"Date: {dt.datetime.now():%Y-%m-%d %H:%M}  \n"
        f"Machine: {platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
        f"load average before {load_before[0]:.2f} / {load_before[1]:.2f} / {load_before[2]:.2f}, "
        f"after {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}  \n"
        f"Data: 1 unit, 1 officer, 1 employer with {USERS} portal users, {CLIENTS} clients with "
        f"active forced-labour cases assigned there. Server times in part 2 are in-process "
        f"(Flask test client), {REPETITIONS} repetitions after one warm-up.\n\n"
    )
    print(result)
    RESULTS.write_text(header + result + "\n", encoding="utf-8")
    log(f"wrote {RESULTS}")
    # A benchmark reports; a missed target is marked in the table, not a failed command.
    return 0


if __name__ == "__main__":
    sys.exit(main())
