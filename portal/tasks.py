"""Celery wiring: tasks run in an app context; inline when no Redis is configured."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from celery import Task
from celery.schedules import crontab
from flask import Flask, current_app, has_app_context

from portal.extensions import celery_app

# Modules whose tasks the worker registers when it starts.
TASK_MODULES = ["portal.jobs", "connectors.tasks"]
# Periodic tasks for `celery beat` (run one beat only). A CELERY setting "beat_schedule"
# replaces this.
BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # Uploads wait a day for their submission (PENDING_UPLOAD_TTL_HOURS); hourly is plenty.
    "remove-expired-uploads": {
        "task": "portal.jobs.remove_expired_uploads",
        "schedule": 3600.0,
    },
    # Open data: the month just ended, a few days in (late entries are typed in by then),
    # and the year in January. Each run first retries what an earlier run failed to publish.
    "publish-open-data-monthly": {
        "task": "portal.jobs.publish_open_data",
        "schedule": crontab(minute=0, hour=4, day_of_month=5),
        "kwargs": {"which": "month"},
    },
    "publish-open-data-yearly": {
        "task": "portal.jobs.publish_open_data",
        "schedule": crontab(minute=30, hour=4, day_of_month=15, month_of_year=1),
        "kwargs": {"which": "year"},
    },
    # The retention rule's dry run; nothing is erased until an administrator confirms it.
    "propose-retention-review": {
        "task": "portal.jobs.propose_retention_review",
        "schedule": 24 * 3600.0,
    },
}


def celery_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Celery's settings for an app config.

    ``config.CELERY`` is built from the REDIS_URL environment variable when config.py is
    imported. A mapping given to ``create_app`` may name another REDIS_URL (or none); unless
    it also brings its own CELERY, the broker, result backend and inline mode follow it.
    """
    import config as default_config

    celery = dict(settings["CELERY"])
    if settings["CELERY"] is default_config.CELERY:
        redis_url = settings.get("REDIS_URL") or ""
        celery.update(
            broker_url=redis_url or "memory://",
            result_backend=redis_url or "cache+memory://",
            task_always_eager=not redis_url,
        )
    return celery


class FlaskTask(Task):
    """A task that runs inside a Flask app context (Flask's documented pattern)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # A task run inline from inside an app (a request, a test) uses that app; the worker
        # has none and uses the app it was built with. Either way the task gets its own app
        # context, hence its own database session. The app is looked up at call time because
        # tasks keep the base class they were created with, whichever app came later.
        target = current_app._get_current_object() if has_app_context() else _bound["app"]
        with target.app_context():
            return self.run(*args, **kwargs)


# The Flask app the worker (or any caller outside an app context) runs tasks in.
_bound: dict[str, Flask] = {}


def init_celery(app: Flask) -> None:
    """Configure the shared Celery app from the Flask config and bind it to ``app``."""
    _bound["app"] = app
    settings = celery_settings(app.config)
    celery_app.config_from_object(settings)
    schedule = dict(BEAT_SCHEDULE)
    every = float(app.config["EXCHANGE_SWEEP_SECONDS"])
    # The outbox sweep delivers what no request could hand over (Redis down, retries due);
    # the poll fetches what the inbound systems hold.
    schedule["exchanges-sweep"] = {"task": "connectors.tasks.sweep", "schedule": every}
    schedule["exchanges-poll"] = {"task": "connectors.tasks.poll_all", "schedule": every}
    # Which notices sent to the e-address reached the mailbox (delivered) or were read.
    schedule["eaddress-status"] = {"task": "connectors.tasks.eaddress_status",
                                   "schedule": every}
    celery_app.conf.beat_schedule = settings.get("beat_schedule", schedule)
    celery_app.conf.include = TASK_MODULES
    # Imported here too, so the web process can queue (or run inline) by task name.
    import importlib

    for module in TASK_MODULES:
        importlib.import_module(module)
    celery_app.Task = FlaskTask
    celery_app.set_default()
    app.extensions["celery"] = celery_app
