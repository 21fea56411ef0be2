"""Faults the exchanges survive, with a real Redis and real Celery workers (subprocesses):

* a whole worker (main process and pool) killed with SIGKILL mid-delivery: Redis hands the
  task to the next worker once the configured visibility timeout has passed, and the notice
  is delivered once (the receiver sees one key);
* a pool process killed mid-delivery (the worker's main process lives): the task is
  requeued (``task_reject_on_worker_lost``) and a new pool process delivers it, once;
* PostgreSQL dropping the worker's connection mid-dispatch (what a restart does to it): the
  delivery's transaction is lost, the row stays queued, and the next sweep delivers it, once;
* Redis stopped while officers keep working: the case change commits at once with its
  outbox row; when Redis is back, a worker and its beat deliver it.

Each test starts its own processes on its own queue (and, for the outage, its own
``redis-server`` on a free port — never the machine's Redis).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from connectors.simulators import demo_decisions
from portal.extensions import db
from portal.models import Case, CaseStatus, ClosureReason, ExchangeMessage, ExchangeStatus
from portal.services import access
from portal.services.access import Role
from portal.services.exchanges import inbound
from tests.conftest import REDIS_URL, need
from tests.factories import BaseData
from tests.integration.exchange_fixtures import poll, unit_code

ROOT = Path(__file__).resolve().parents[2]
VISIBILITY = 4  # seconds: the bound the redelivery is tested against
FAULT_REDIS_DB = int(os.environ.get("PLUS_TEST_FAULT_REDIS_DB", "15"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(app: Flask, tmp: Path, redis_url: str, sims: dict[str, Any], **extra: str
         ) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": redis_url,
        "PLUS_INSTANCE_DIR": str(tmp / "instance"),
        "PLUS_UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "PLUS_ENV": "test",
        "PLUS_TIS_URL": sims["tis"].url,
        "PLUS_PROIS_URL": sims["prois"].url,
        "PLUS_IEVP_URL": sims["ievp"].url,
        "PLUS_CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
        "PLUS_CONNECTOR_READ_TIMEOUT": "30",
        **extra,
    }


def _celery(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    exe = Path(sys.executable).with_name("celery")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "celery"]
    with open(log, "ab") as out:
        # Its own session, so the whole worker (main process and pool) can be killed at once.
        return subprocess.Popen([*cmd, "-A", "worker", *args], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)


def _stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def _wait_for(app: Flask, message_id: int, status: ExchangeStatus, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        with app.app_context():
            if db.session.get(ExchangeMessage, message_id).status is status:
                return time.monotonic() - started
        time.sleep(0.3)
    pytest.fail(f"message {message_id} not {status.value} within {timeout} s")


def _received_case(app: Flask, sims: dict[str, Any], base: BaseData, seed: int) -> int:
    sent = demo_decisions("tis", 1, seed=seed, unit=unit_code(app, base.unit_a))[0]
    sent["kind"] = "judgment"
    sent["payload"]["function"] = "forced_labour"
    sent["payload"]["decision"].update(type="court_judgment", forced_labour_hours=40)
    sims["tis"].offer(sent)
    poll(app, "tis")
    from connectors import registry
    from portal.models import PlusUser

    with app.app_context():
        pk = db.session.query(ExchangeMessage.id).filter(
            ExchangeMessage.correlation_id == sent["id"]).scalar()
        actor = access.Actor.of(db.session.get(PlusUser, base.users[Role.OFFICER]))
        case_id = inbound.accept(db.session, registry.get(app.config, "tis"), pk, actor).case_id
        case = db.session.get(Case, case_id)
        case.status = CaseStatus.ACTIVE
        db.session.commit()
        return case_id


@pytest.fixture()
def redis_url() -> str:
    """The machine's Redis, on a database of this test's own, emptied first.

    Kombu keeps its index of unacknowledged messages, and the mutex that guards restoring
    them, per database: a worker of another test killed while holding that mutex, or another
    consumer's entries, would delay the redelivery this test measures by up to five minutes.
    """
    need("Redis", bool(REDIS_URL))
    from urllib.parse import urlsplit, urlunsplit

    import redis

    url = urlunsplit(urlsplit(REDIS_URL)._replace(path=f"/{FAULT_REDIS_DB}"))
    redis.Redis.from_url(url).flushdb()
    return url


def test_a_worker_killed_mid_delivery_is_redelivered_within_the_bound(
    app: Flask, connected: dict[str, Any], base: BaseData, redis_url: str, tmp_path: Path
) -> None:
    from connectors import tasks

    case_id = _received_case(app, connected, base, seed=301)
    # Closing queues the notice; the kick after the commit goes to the default queue, which
    # no worker of this test reads: the test hands the id to its own queue below.
    with app.app_context():
        case = db.session.get(Case, case_id)
        case.status, case.closure_reason = CaseStatus.CLOSED, ClosureReason.COMPLETED
        case.end_date = dt.date.today()
        db.session.commit()
        notice = db.session.query(ExchangeMessage).filter(
            ExchangeMessage.case_id == case_id,
            ExchangeMessage.kind == "execution_notice").one()
        notice_id, key = notice.id, notice.idempotency_key
    connected["tis"].set(latency_ms=6000)  # the delivery is in flight for 6 s
    queue = f"plus-fault-{uuid.uuid4().hex[:8]}"
    env = _env(app, tmp_path, redis_url, connected)
    log = tmp_path / "workers.log"
    first = _celery(env, log, "worker", "--pool=prefork", "--concurrency=1", "-Q", queue,
                    "-n", f"a-{queue}@%h", "--without-gossip", "--without-mingle")
    second = None
    try:
        with app.app_context(), tasks.deliver.app.connection_for_write(redis_url) as conn:
            tasks.deliver.apply_async((notice_id,), queue=queue, connection=conn)
        # Wait until the simulator is answering the first worker's request, then kill it whole.
        deadline = time.monotonic() + 60
        before = connected["tis"].state.requests
        while connected["tis"].state.requests == before:
            assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            time.sleep(0.2)
        _stop(first, signal.SIGKILL)
        with app.app_context():
            assert db.session.get(ExchangeMessage, notice_id).status is ExchangeStatus.QUEUED
        connected["tis"].set(latency_ms=0)
        killed_at = time.monotonic()
        second = _celery(env, log, "worker", "--pool=prefork", "--concurrency=1", "-Q", queue,
                         "-n", f"b-{queue}@%h", "--without-gossip", "--without-mingle")
        # Redelivered once the visibility timeout has passed (kombu restores unacknowledged
        # messages on start and every 10 s), plus the new worker's start-up.
        _wait_for(app, notice_id, ExchangeStatus.SENT, timeout=VISIBILITY + 45)
        assert time.monotonic() - killed_at < VISIBILITY + 45
    finally:
        _stop(first, signal.SIGKILL)
        if second is not None:
            _stop(second)
        sys.stderr.write(log.read_text(errors="replace")[-3000:] if log.exists() else "")
    # Never doubled: the receiver holds the notice once, under its key.
    assert list(connected["tis"].state.notices).count(key) == 1
    with app.app_context():
        assert db.session.get(ExchangeMessage, notice_id).attempts <= 2


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (the worker's pool), read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _closed_notice(app: Flask, case_id: int) -> tuple[int, str]:
    with app.app_context():
        case = db.session.get(Case, case_id)
        case.status, case.closure_reason = CaseStatus.CLOSED, ClosureReason.COMPLETED
        case.end_date = dt.date.today()
        db.session.commit()
        notice = db.session.query(ExchangeMessage).filter(
            ExchangeMessage.case_id == case_id,
            ExchangeMessage.kind == "execution_notice").one()
        return notice.id, notice.idempotency_key


def _wait_in_flight(sims: dict[str, Any], before: int, log: Path) -> None:
    deadline = time.monotonic() + 60
    while sims["tis"].state.requests == before:
        assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
        time.sleep(0.2)


def test_a_pool_process_killed_mid_delivery_is_replaced_and_delivers_once(
    app: Flask, connected: dict[str, Any], base: BaseData, redis_url: str, tmp_path: Path
) -> None:
    from connectors import tasks

    notice_id, key = _closed_notice(app, _received_case(app, connected, base, seed=303))
    connected["tis"].set(latency_ms=6000)
    queue = f"plus-pool-{uuid.uuid4().hex[:8]}"
    env = _env(app, tmp_path, redis_url, connected)
    log = tmp_path / "worker.log"
    worker = _celery(env, log, "worker", "--pool=prefork", "--concurrency=1", "-Q", queue,
                     "-n", f"p-{queue}@%h", "--without-gossip", "--without-mingle")
    try:
        before = connected["tis"].state.requests
        with app.app_context(), tasks.deliver.app.connection_for_write(redis_url) as conn:
            tasks.deliver.apply_async((notice_id,), queue=queue, connection=conn)
        _wait_in_flight(connected, before, log)
        pool = _children(worker.pid)
        assert pool, "the worker has no pool process"
        for pid in pool:
            os.kill(pid, signal.SIGKILL)
        connected["tis"].set(latency_ms=0)
        assert worker.poll() is None  # the main process lives on and replaces its pool
        _wait_for(app, notice_id, ExchangeStatus.SENT, timeout=VISIBILITY + 45)
    finally:
        _stop(worker)
        sys.stderr.write(log.read_text(errors="replace")[-3000:] if log.exists() else "")
    assert list(connected["tis"].state.notices).count(key) == 1


def test_postgresql_dropping_the_workers_connection_mid_dispatch_loses_nothing(
    app: Flask, connected: dict[str, Any], base: BaseData, redis_url: str, tmp_path: Path
) -> None:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    need("PostgreSQL", url.startswith("postgresql"))
    from sqlalchemy import text

    notice_id, key = _closed_notice(app, _received_case(app, connected, base, seed=304))
    connected["tis"].set(latency_ms=6000)
    env = _env(app, tmp_path, redis_url, connected, PLUS_EXCHANGE_SWEEP_SECONDS="1")
    log = tmp_path / "worker.log"
    # The worker's beat sweeps the outbox every second and hands due rows to its pool.
    worker = _celery(env, log, "worker", "-B", "--pool=prefork", "--concurrency=1", "-n",
                     f"g-{uuid.uuid4().hex[:6]}@%h", "--without-gossip", "--without-mingle",
                     "--schedule", str(tmp_path / "beat-schedule"))
    try:
        # The delivery holds the row's lock in an open transaction while the receiver
        # answers (the simulator's requests include the beat's polls, so watch the database):
        # end that session, as a restart would.
        holder = ("FROM pg_stat_activity WHERE datname = current_database() "
                  "AND pid <> pg_backend_pid() AND state = 'idle in transaction' "
                  "AND query ILIKE '%%exchange_message%%FOR UPDATE%%'")
        deadline = time.monotonic() + 60
        killed = 0
        while not killed:
            assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            time.sleep(0.2)
            with app.app_context():
                killed = db.session.execute(
                    text(f"SELECT count(pg_terminate_backend(pid)) {holder}")).scalar_one()
                db.session.rollback()
        connected["tis"].set(latency_ms=0)
        _wait_for(app, notice_id, ExchangeStatus.SENT, timeout=60)
        assert worker.poll() is None  # the worker survived the lost connection
    finally:
        _stop(worker)
        sys.stderr.write(log.read_text(errors="replace")[-3000:] if log.exists() else "")
    # Never doubled: the receiver holds the notice once, under its key.
    assert list(connected["tis"].state.notices).count(key) == 1


_CLOSE_SCRIPT = """
import datetime as dt, json, sys, time
from portal import create_app
from portal.extensions import db
from portal.models import Case, CaseStatus, ClosureReason, ExchangeMessage
app = create_app()
with app.app_context():
    case = db.session.get(Case, int(sys.argv[1]))
    started = time.monotonic()
    case.status, case.closure_reason = CaseStatus.CLOSED, ClosureReason.COMPLETED
    case.end_date = dt.date.today()
    db.session.commit()
    took = time.monotonic() - started
    row = db.session.query(ExchangeMessage).filter(
        ExchangeMessage.case_id == case.id, ExchangeMessage.kind == "execution_notice").one()
    print(json.dumps({"took": took, "id": row.id, "status": row.status.value}))
"""


def test_officers_keep_working_while_redis_is_down_and_delivery_resumes(
    app: Flask, connected: dict[str, Any], base: BaseData, tmp_path: Path
) -> None:
    server = shutil.which("redis-server")
    need("redis-server", server is not None and bool(REDIS_URL))
    port = _free_port()
    own_redis = f"redis://127.0.0.1:{port}/0"
    case_id = _received_case(app, connected, base, seed=302)
    env = _env(app, tmp_path, own_redis, connected, PLUS_EXCHANGE_SWEEP_SECONDS="1")
    # Redis is not running: the commit (a web request's work) answers at once.
    done = subprocess.run([sys.executable, "-c", _CLOSE_SCRIPT, str(case_id)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == "queued" and result["took"] < 3
    redis_proc = subprocess.Popen([server, "--port", str(port), "--save", "", "--bind",
                                   "127.0.0.1"], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, start_new_session=True)
    log = tmp_path / "worker.log"
    worker = None
    try:
        time.sleep(0.5)
        worker = _celery(env, log, "worker", "-B", "--pool=solo", "-n",
                         f"r-{uuid.uuid4().hex[:6]}@%h", "--without-gossip", "--without-mingle",
                         "--schedule", str(tmp_path / "beat-schedule"))
        _wait_for(app, result["id"], ExchangeStatus.SENT, timeout=60)
    finally:
        if worker is not None:
            _stop(worker)
        _stop(redis_proc)
        sys.stderr.write(log.read_text(errors="replace")[-3000:] if log.exists() else "")
