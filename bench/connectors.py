"""Benchmark of the exchanges: ``python -m bench.connectors [--queries N] [--decisions M]``.

Needs PostgreSQL (``BENCH_CONNECTORS_DATABASE_URL``, a fresh database ``plus_bench_connectors``
is created and dropped) and Redis (``REDIS_URL``, whose default queue is purged first).

1. **Registry queries through Celery.** A VIIS simulator answers after 50 ms. ``N`` queries
   are asked through :func:`portal.services.exchanges.queries.ask` (each commits its outbox
   row and hands its id to Celery); one worker with 2 processes delivers them. Total time
   from the first ask to the last answer, beside the ideal ``N × 50 ms / 2``; messages lost
   (not answered) and doubled (more registry requests than queries) must be 0. Per-query
   latency (asked -> answered): median and p95.
2. **Inbound decisions applied.** ``M`` TIS decisions go the whole inbound path in-process
   (store once, propose, accept by an officer: client, decision, case, change history),
   beside a raw psycopg INSERT of the same rows, one transaction per decision, on one
   connection. Decisions per second, median and p95 per decision.

The table is printed and written to ``bench/RESULTS-connectors.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import make_url

from bench.run import build_app, drop_database, ensure_database, log

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/plus_bench_connectors"
RESULTS = Path(__file__).with_name("RESULTS-connectors.md")
LATENCY_MS = 50
CONCURRENCY = 2


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


def _prepare(app: Any, clients: int) -> dict[str, Any]:
    import random

    from flask_migrate import upgrade

    from portal.extensions import db
    from portal.models import Client, Gender, TerritorialUnit
    from portal.services import setup
    from portal.services.access import Role
    from portal.services.casework import personal_code

    rng = random.Random(1)
    with app.app_context():
        upgrade(directory=str(Path(app.root_path) / "migrations"))
        sm = app.appbuilder.sm
        setup.ensure_roles(sm)
        unit = TerritorialUnit(code="BC", name="Bench unit")
        db.session.add(unit)
        db.session.commit()
        user = sm.add_user(username="bench_officer", first_name="Bench", last_name="Officer",
                           email="bench@bench.invalid", role=sm.find_role(Role.OFFICER),
                           password="Bench-connectors-1")
        user.unit_id = unit.id
        ids = []
        for i in range(clients):
            client = Client(given_name="Bench", surname=f"Client{i}", gender=Gender.MALE,
                            personal_code=personal_code.generate_old(dt.date(1980, 1, 1)
                                                                     + dt.timedelta(days=i), rng),
                            birth_date=dt.date(1980, 1, 1), unit_id=unit.id)
            db.session.add(client)
            db.session.flush()
            ids.append(client.id)
        db.session.commit()
        return {"user_id": user.id, "unit_id": unit.id, "unit_code": unit.code, "clients": ids}


def bench_queries(url: Any, redis_url: str, workdir: Path, n: int) -> dict[str, Any]:
    """Part 1: n registry queries through a 2-process Celery worker."""
    from connectors.simulators import start
    from portal import create_app
    from portal.extensions import celery_app, db
    from portal.models import ExchangeMessage, ExchangeStatus, PlusUser
    from portal.services import access
    from portal.services.exchanges import queries

    sim = start("viis")
    sim.set(latency_ms=LATENCY_MS)
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": url.render_as_string(hide_password=False),
        "SECRET_KEY": "bench-only", "UPLOAD_FOLDER": str(workdir / "documents"),
        "REDIS_URL": redis_url, "SERVER_NAME": None,
        "CONNECTOR_ENDPOINTS": {"viis": sim.url},
    })
    data = _prepare(app, clients=50)
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
    env = {**os.environ, "DATABASE_URL": url.render_as_string(hide_password=False),
           "REDIS_URL": redis_url, "PLUS_VIIS_URL": sim.url, "SECRET_KEY": "bench-only",
           "PLUS_INSTANCE_DIR": str(workdir / "instance"), "PLUS_ENV": "test"}
    logfile = workdir / "worker.log"
    exe = Path(sys.executable).with_name("celery")
    with open(logfile, "wb") as out:
        worker = subprocess.Popen(
            [str(exe), "-A", "worker", "worker", "--pool=prefork",
             f"--concurrency={CONCURRENCY}", "-n", f"bench-{uuid.uuid4().hex[:6]}@%h",
             "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # wait for the worker to take tasks
            if celery_app.control.ping(timeout=1.0):
                break
        with app.app_context():
            actor = access.Actor.of(db.session.get(PlusUser, data["user_id"]))
            started = time.monotonic()
            ids = [queries.ask(db.session, registry="viis", client_id=data["clients"][i % 50],
                               purpose="supervision", actor=actor).id for i in range(n)]
            asked = time.monotonic() - started
            while True:
                db.session.rollback()
                done = db.session.query(ExchangeMessage).filter(
                    ExchangeMessage.id.in_(ids),
                    ExchangeMessage.status.in_((ExchangeStatus.SENT, ExchangeStatus.FAILED))
                ).count()
                if done == n or time.monotonic() - started > n * 1.0 + 60:
                    break
                time.sleep(0.05)
            total = time.monotonic() - started
            rows = db.session.query(ExchangeMessage).filter(ExchangeMessage.id.in_(ids)).all()
            latencies = [(r.processed_at - r.created_at).total_seconds() * 1000
                         for r in rows if r.processed_at]
            sent = sum(r.status is ExchangeStatus.SENT for r in rows)
    finally:
        os.killpg(worker.pid, 15)
        worker.wait(timeout=30)
        sim.stop()
    return {"n": n, "total": total, "asked": asked,
            "ideal": n * LATENCY_MS / 1000 / CONCURRENCY, "lost": n - sent,
            "doubled": max(0, sim.state.requests - n),
            "median_ms": statistics.median(latencies) if latencies else 0.0,
            "p95_ms": _pct(latencies, 0.95)}


def bench_decisions(url: Any, workdir: Path, m: int) -> dict[str, Any]:
    """Part 2: m inbound decisions applied in-process, beside raw INSERTs of the same rows."""
    import psycopg

    from connectors import registry
    from connectors.simulators import demo_decisions
    from portal.extensions import db
    from portal.models import PlusUser
    from portal.services import access
    from portal.services.exchanges import inbound

    bench_url = url.set(database=f"{url.database}_dec")
    drop_database(bench_url)
    ensure_database(bench_url)
    app = build_app(bench_url, workdir)
    data = _prepare(app, clients=0)
    messages = demo_decisions("tis", m, seed=7, unit=data["unit_code"])
    for message in messages:  # forced labour judgments: client, decision and case each
        message["kind"] = "judgment"
        message["payload"]["function"] = "forced_labour"
        message["payload"]["decision"].update(type="court_judgment", forced_labour_hours=80)
    per: list[float] = []
    with app.app_context():
        tis = registry.get(app.config, "tis")
        actor = access.Actor.of(db.session.get(PlusUser, data["user_id"]))
        started = time.monotonic()
        for message in messages:
            t = time.monotonic()
            stored, _new = inbound.receive(db.session, tis, message["id"], message["kind"],
                                           message["payload"], max_bytes=256 * 1024,
                                           max_depth=12)
            inbound.process(db.session, tis, stored.id)
            inbound.accept(db.session, tis, stored.id, actor)
            per.append((time.monotonic() - t) * 1000)
        app_total = time.monotonic() - started
    dsn = bench_url.set(drivername="postgresql").render_as_string(hide_password=False)
    raw_per: list[float] = []
    now = dt.datetime.now(dt.UTC)
    with psycopg.connect(dsn) as conn:
        started = time.monotonic()
        for i, message in enumerate(messages):
            t = time.monotonic()
            person, dec = message["payload"]["person"], message["payload"]["decision"]
            with conn.transaction():
                client_id = conn.execute(
                    "INSERT INTO client (given_name, surname, personal_code, birth_date, gender,"
                    " e_address_active, preferred_language, unit_id, created_at, updated_at)"
                    " VALUES (%s,%s,%s,%s,%s,false,'lv',%s,%s,%s) RETURNING id",
                    (person["given_name"], person["surname"], f"R{i:010d}", "1980-01-01",
                     person["gender"], data["unit_id"], now, now)).fetchone()[0]
                decision_id = conn.execute(
                    "INSERT INTO decision (client_id, decision_type, institution, number,"
                    " decision_date, violent_offence, sexual_offence, forced_labour_hours,"
                    " received_electronically, source_system, external_id, created_at,"
                    " updated_at) VALUES (%s,'court_judgment',%s,%s,%s,false,false,80,true,"
                    "'tis',%s,%s,%s) RETURNING id",
                    (client_id, dec["institution"], dec["number"], dec["date"], f"R-{dec['id']}",
                     now, now)).fetchone()[0]
                conn.execute(
                    "INSERT INTO \"case\" (number, client_id, function, status, start_date,"
                    " unit_id, decision_id, hours_ordered, created_at, updated_at)"
                    " VALUES (%s,%s,'forced_labour','opened',%s,%s,%s,80,%s,%s)",
                    (f"RAW-{i:08d}", client_id, dec["date"], data["unit_id"], decision_id,
                     now, now))
            raw_per.append((time.monotonic() - t) * 1000)
        raw_total = time.monotonic() - started
    drop_database(bench_url)
    return {"m": m, "app_rate": m / app_total, "raw_rate": m / raw_total,
            "app_median": statistics.median(per), "app_p95": _pct(per, 0.95),
            "raw_median": statistics.median(raw_per), "raw_p95": _pct(raw_per, 0.95)}


def table(q: dict[str, Any], d: dict[str, Any]) -> str:
    """The results as Markdown."""
    return "\n".join([
        "# Connectors benchmark", "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, load average before "
        f"{os.getloadavg()[0]:.1f} (2 CPU cores shared).", "",
        f"## {q['n']} registry queries, {LATENCY_MS} ms simulated latency, Celery with "
        f"{CONCURRENCY} worker processes", "",
        "| total | ideal (N × 50 ms / 2) | ratio | asking (web side) | median latency | "
        "p95 latency | lost | doubled |",
        "|---|---|---|---|---|---|---|---|",
        f"| {q['total']:.2f} s | {q['ideal']:.2f} s | {q['total'] / q['ideal']:.2f}× | "
        f"{q['asked']:.2f} s | {q['median_ms']:.0f} ms | {q['p95_ms']:.0f} ms | {q['lost']} | "
        f"{q['doubled']} |", "",
        f"## {d['m']} inbound decisions applied (client + decision + case each)", "",
        "| path | decisions/s | median | p95 |", "|---|---|---|---|",
        f"| PLUS inbound (store once, propose, accept, history) | {d['app_rate']:.1f} | "
        f"{d['app_median']:.1f} ms | {d['app_p95']:.1f} ms |",
        f"| raw psycopg INSERT of the same rows | {d['raw_rate']:.1f} | "
        f"{d['raw_median']:.1f} ms | {d['raw_p95']:.1f} ms |",
        "", f"Ratio PLUS / raw: {d['app_rate'] / d['raw_rate']:.2f}.", "",
    ])


def main(argv: list[str] | None = None) -> int:
    """Run both parts; 0 when nothing was lost or doubled."""
    parser = argparse.ArgumentParser(prog="python -m bench.connectors", description=__doc__)
    parser.add_argument("--url", default=os.environ.get("BENCH_CONNECTORS_DATABASE_URL",
                                                        DEFAULT_URL))
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--decisions", type=int, default=10000)
    args = parser.parse_args(argv)
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        log("REDIS_URL is needed (a Celery worker delivers the queries)")
        return 2
    url = make_url(args.url).set(drivername="postgresql+psycopg")
    drop_database(url)
    ensure_database(url)
    try:
        with tempfile.TemporaryDirectory(prefix="plus-bench-connectors-") as tmp:
            q = bench_queries(url, redis_url, Path(tmp), args.queries)
            d = bench_decisions(url, Path(tmp), args.decisions)
    finally:
        drop_database(url)
    text = table(q, d)
    print(text)
    RESULTS.write_text(text, encoding="utf-8")
    return 0 if q["lost"] == 0 and q["doubled"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
