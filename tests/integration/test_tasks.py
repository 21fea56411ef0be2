"""Background jobs: inline without Redis, and through a real Celery worker over Redis."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from portal import jobs
from portal.extensions import celery_app
from portal.models import Case, TerritorialUnit
from portal.services import access
from portal.services.access import Role
from portal.services.casework import worklist
from portal.services.casework.rules import today
from portal.tasks import celery_settings
from tests.conftest import REDIS_URL, need
from tests.factories import BaseData

ROOT = Path(__file__).resolve().parents[2]
UNIT_COLUMN = 5  # the territorial unit column of exports.cases_csv


def read_export(app: Flask, key: str) -> list[list[str]]:
    """The rows (without the header) of an export stored under ``key``."""
    with app.app_context():
        from portal.services.casework import documents

        data = documents.path_of(key).read_bytes()
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1:]


def unit_names(app: Flask, base: BaseData) -> tuple[str, str, str, str]:
    """Names of units A and B and the numbers of the own and the foreign case."""
    from portal.extensions import db

    with app.app_context():
        return (
            db.session.get(TerritorialUnit, base.unit_a).name,
            db.session.get(TerritorialUnit, base.unit_b).name,
            db.session.get(Case, base.own.case).number,
            db.session.get(Case, base.foreign.case).number,
        )


def assert_only_unit_a(app: Flask, base: BaseData, key: str) -> None:
    unit_a, unit_b, own, foreign = unit_names(app, base)
    rows = read_export(app, key)
    numbers = {row[0] for row in rows}
    assert own in numbers
    assert foreign not in numbers
    assert rows and {row[UNIT_COLUMN] for row in rows} == {unit_a}
    assert unit_b not in {row[UNIT_COLUMN] for row in rows}


def expected_counts(app: Flask, user_id: int, actor: access.Actor) -> dict[str, int]:
    from portal.extensions import db

    with app.app_context():
        wl = worklist.build(db.session, actor, today(), due_days=app.config["WORKLIST_DUE_DAYS"],
                            gap_days=app.config["WORKLIST_MEETING_GAP_DAYS"])
        return {**{k: len(v) for k, v in vars(wl).items()}, "total": wl.total}


def officer_actor(base: BaseData) -> access.Actor:
    return access.Actor(user_id=base.users[Role.OFFICER], roles=frozenset({Role.OFFICER}),
                        unit_id=base.unit_a)


# --- configuration ---------------------------------------------------------------------------


def test_celery_follows_redis_url_of_a_config_mapping() -> None:
    import config

    inline = celery_settings({"CELERY": config.CELERY, "REDIS_URL": ""})
    assert inline["task_always_eager"] is True
    assert inline["broker_url"] == "memory://"
    redis = celery_settings({"CELERY": config.CELERY, "REDIS_URL": "redis://example:6379/7"})
    assert redis["task_always_eager"] is False
    assert redis["broker_url"] == redis["result_backend"] == "redis://example:6379/7"
    # A mapping that brings its own CELERY settings keeps them.
    own = {"broker_url": "memory://", "task_always_eager": True}
    assert celery_settings({"CELERY": own, "REDIS_URL": "redis://example:6379/7"}) == own


def test_session_app_runs_inline_exactly_when_there_is_no_redis(app: Flask) -> None:
    assert app.extensions["celery"].conf.task_always_eager is (not REDIS_URL)
    assert {"portal.jobs.export_cases_csv", "portal.jobs.worklist_counts"} <= set(
        celery_app.tasks.keys()
    )


# --- inline (no Redis) -----------------------------------------------------------------------


@pytest.fixture()
def inline() -> Iterator[None]:
    """Run tasks inline as a deployment without REDIS_URL does, whatever this run has."""
    conf = celery_app.conf
    saved = conf.task_always_eager
    conf.task_always_eager = True
    try:
        yield
    finally:
        conf.task_always_eager = saved


def test_export_runs_inline_and_is_scoped(app: Flask, base: BaseData, inline: None) -> None:
    result = jobs.export_cases_csv.delay(base.users[Role.OFFICER])
    key = result.get(timeout=10)
    assert isinstance(key, str) and key.isalnum()
    assert_only_unit_a(app, base, key)
    assert Path(app.config["UPLOAD_FOLDER"], key).is_file()


def test_export_is_logged_as_a_bulk_read(app: Flask, base: BaseData, inline: None) -> None:
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.models import AccessLog

    def exports_logged() -> int:
        with app.app_context():
            return db.session.execute(
                select(func.count()).select_from(AccessLog).where(
                    AccessLog.action == "case.export",
                    AccessLog.user_id == base.users["OfficerB"])
            ).scalar_one()

    before = exports_logged()
    key = jobs.export_cases_csv.delay(base.users["OfficerB"]).get(timeout=10)
    assert exports_logged() == before + 1
    unit_a, unit_b, own, foreign = unit_names(app, base)
    rows = read_export(app, key)
    assert foreign in {row[0] for row in rows} and own not in {row[0] for row in rows}


def test_worklist_counts_inline(app: Flask, base: BaseData, inline: None) -> None:
    counts = jobs.worklist_counts.delay(base.users[Role.OFFICER]).get(timeout=10)
    assert counts == expected_counts(app, base.users[Role.OFFICER], officer_actor(base))
    assert counts["total"] >= 1  # the own case has a meeting in two hours
    assert counts["total"] == sum(v for k, v in counts.items() if k != "total")


def test_a_role_without_casework_exports_nothing(app: Flask, base: BaseData,
                                                 inline: None) -> None:
    key = jobs.export_cases_csv.delay(base.users[Role.ANALYST]).get(timeout=10)
    assert read_export(app, key) == []
    assert jobs.worklist_counts.delay(base.users[Role.ANALYST]).get(timeout=10)["total"] == 0


def test_unknown_user_fails(inline: None) -> None:
    with pytest.raises(LookupError):
        jobs.export_cases_csv.delay(10**9).get(timeout=10)


# --- a real worker over Redis ----------------------------------------------------------------


def _celery_command() -> list[str]:
    exe = Path(sys.executable).with_name("celery")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "celery"]


@pytest.fixture()
def worker(app: Flask, tmp_path: Path) -> Iterator[str]:
    """A Celery worker subprocess on the test app's database and storage; yields its queue."""
    need("Redis", bool(REDIS_URL))
    queue = f"plus-test-{uuid.uuid4().hex[:10]}"
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": REDIS_URL,
        "PLUS_INSTANCE_DIR": str(tmp_path / "instance"),
        "PLUS_UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "PLUS_ENV": "test",
    }
    log_path = tmp_path / "worker.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [*_celery_command(), "-A", "worker", "worker", "--pool=solo", "--concurrency=1",
             "-Q", queue, "-n", f"{queue}@%h", "--loglevel=INFO", "--without-gossip",
             "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        yield queue
    finally:
        proc.terminate()  # SIGTERM: warm shutdown
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        # Show the worker's log when the test failed, and drop the queue we made.
        sys.stderr.write(log_path.read_text(errors="replace")[-4000:])
        with celery_app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)


def _get(result: Any, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while not result.ready():
        if time.monotonic() > deadline:
            pytest.fail(f"the worker did not finish task {result.id} in {timeout} s")
        time.sleep(0.1)
    return result.get(timeout=5)


@pytest.mark.redis
def test_real_worker_runs_the_export_over_redis(app: Flask, base: BaseData, worker: str) -> None:
    assert celery_app.conf.task_always_eager is False
    officer = base.users[Role.OFFICER]
    export = jobs.export_cases_csv.apply_async(args=(officer,), queue=worker)
    counts = jobs.worklist_counts.apply_async(args=(officer,), queue=worker)
    # Generous: the worker first builds the whole app.
    key = _get(export, timeout=90)
    assert_only_unit_a(app, base, key)
    assert _get(counts, timeout=30) == expected_counts(app, officer, officer_actor(base))
