"""Celery wiring: tasks run in an app context; inline when no Redis is configured."""

from __future__ import annotations

from typing import Any

from celery import Task
from flask import Flask

from portal.extensions import celery_app


def init_celery(app: Flask) -> None:
    """Configure the shared Celery app from the Flask config (Flask's documented pattern)."""

    class FlaskTask(Task):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app.config_from_object(app.config["CELERY"])
    celery_app.Task = FlaskTask
    celery_app.set_default()
    app.extensions["celery"] = celery_app
