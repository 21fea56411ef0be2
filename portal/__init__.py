"""PLUS: the probation client records system of the State Probation Service."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

__all__ = ["create_app"]

log = logging.getLogger(__name__)


def _normalise_db_url(url: str) -> str:
    # psycopg 3 is our driver; plain postgresql:// URLs would ask SQLAlchemy for psycopg2.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the PLUS application.

    :param config: settings that override ``config.py`` and the environment (used by tests).
    """
    import config as default_config

    app = Flask(__name__, instance_path=str(default_config.INSTANCE_DIR))
    app.config.from_object(default_config)
    from portal.security.roles import FAB_ROLES

    app.config["FAB_ROLES"] = FAB_ROLES
    if config:
        app.config.update(config)
    app.config["SQLALCHEMY_DATABASE_URI"] = _normalise_db_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # PostgreSQL's JIT compiler starts at a high *estimated* cost, which the access
        # subqueries reach on big tables: it then spent 0.5 s compiling a query that ran in
        # 1 ms (bench/RESULTS.md). Short OLTP queries never gain from it.
        engine_options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        connect_args = dict(engine_options.get("connect_args") or {})
        connect_args.setdefault("options", "-c jit=off")
        engine_options["connect_args"] = connect_args
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options
    app.config["PLUS_ENV"] = default_config.normalise_env(app.config.get("PLUS_ENV"))
    # Data protection: failed statements never carry their parameters into errors and logs,
    # and every log record is redacted (portal.services.privacy.redaction).
    from portal.services.privacy import redaction

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = redaction.engine_options(
        app.config.get("SQLALCHEMY_ENGINE_OPTIONS")
    )
    redaction.install_log_redaction()
    default_config.check_production(dict(app.config))
    from portal.security import passwords

    # FAB's user screens and password reset forms call this (FAB_PASSWORD_COMPLEXITY_ENABLED).
    app.config.setdefault("FAB_PASSWORD_COMPLEXITY_VALIDATOR", passwords.fab_validator)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///") :]).parent.mkdir(
            parents=True, exist_ok=True
        )

    from flask_appbuilder import AppBuilder

    from portal import models  # noqa: F401  (registers every mapped class)
    from portal.extensions import csrf, db, migrate
    from portal.services import audit
    from portal.services.dbfunctions import install_sqlite_functions

    with app.app_context():
        db.init_app(app)
        install_sqlite_functions(db)
        migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
        csrf.init_app(app)
        audit.install(db.session)
        from portal.services.exchanges import calendar, events, notices

        events.install(db.session)
        calendar.install(db.session)
        notices.install(db.session)
        from portal.services.work import limits as work_limits

        work_limits.install(db.session)  # minors' limits on every path that stores work
        appbuilder = AppBuilder(update_perms=False)
        appbuilder.init_app(app, db.session)
        from portal import api, views

        views.register(appbuilder)
        api.register(appbuilder)
        appbuilder.post_init()
    from portal.services.privacy import reads

    reads.install(app)  # every human read of personal data goes to the access log
    from portal import i18n

    i18n.install(app)
    from portal.security import headers, input_guard, sessions, throttle
    from portal.security.csrf import protect_api_cookie_writes

    sessions.install(app)
    throttle.install(app)
    headers.install(app)
    input_guard.install(app)
    protect_api_cookie_writes(app)
    from portal.views.errors import register_error_handlers

    register_error_handlers(app)
    from portal.public import register_portal

    register_portal(app)
    from portal.formatting import register_filters

    register_filters(app)
    from portal.tasks import init_celery

    init_celery(app)
    from portal.cli import register_cli

    register_cli(app)
    return app
