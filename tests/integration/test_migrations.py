"""Alembic is the only way the schema changes: the migrations must build exactly the model.

Each test migrates a brand-new empty database to head, checks every model table is there and
that Alembic's autogenerate finds nothing to add or drop (so no migration is missing), then
goes down to base and up again (so every ``downgrade`` works).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import make_url

from tests.conftest import DATABASE_URL, base_config, need

# The trigram index is an expression index that exists on PostgreSQL only (migration 0002);
# SQLAlchemy metadata cannot describe it portably, so the comparison leaves it out.
PG_ONLY_INDEXES = {"ix_client_name_trgm"}


def _include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    return not (type_ == "index" and name in PG_ONLY_INDEXES)


def schema_differences(engine: Engine) -> list[Any]:
    """What autogenerate would put into a new migration for this database (empty = in sync)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from portal.models import Model

    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": _include}
        )
        return list(compare_metadata(ctx, Model.metadata))


def check_constraint_differences(engine: Engine) -> dict[str, tuple[set[str], set[str]]]:
    """Per table, the CHECK constraint names (missing from the database, not in the model).

    Alembic's autogenerate does not compare CHECK constraints at all, so without this a
    constraint declared in a model but never migrated (or the reverse) would go unnoticed.
    Names are compared, not the SQL, which each database rewrites in its own way.
    """
    from sqlalchemy import CheckConstraint

    from portal.models import Model

    inspector = inspect(engine)
    out: dict[str, tuple[set[str], set[str]]] = {}
    for name, table in Model.metadata.tables.items():
        declared = {
            str(c.name) for c in table.constraints
            if isinstance(c, CheckConstraint) and c.name is not None
        }
        found = {c["name"] for c in inspector.get_check_constraints(name) if c.get("name")}
        if declared != found:
            out[name] = (declared - found, found - declared)
    return out


def enum_value_differences(engine: Engine) -> dict[str, tuple[set[str], set[str]]]:
    """Per enum CHECK (``table.constraint``), the values (missing from the database, extra).

    An enum column is VARCHAR plus a CHECK listing the values (``enum_type``); a member added
    to the model without a migration would pass the name comparison above, so the quoted
    values of the stored condition are compared with the enum's.
    """
    import re

    from sqlalchemy import Enum

    from portal.models import Model

    inspector = inspect(engine)
    out: dict[str, tuple[set[str], set[str]]] = {}
    for name, table in Model.metadata.tables.items():
        stored = {
            c["name"]: set(re.findall(r"'([^']*)'", c["sqltext"]))
            for c in inspector.get_check_constraints(name) if c.get("name")
        }
        for column in table.columns:
            kind = column.type
            if not (isinstance(kind, Enum) and kind.create_constraint and kind.name):
                continue
            declared = set(kind.enums)
            found = stored.get(kind.name, set())
            if declared != found:
                out[f"{name}.{kind.name}"] = (declared - found, found - declared)
    return out


def _migrations_dir(app: Flask) -> str:
    return str(Path(app.root_path) / "migrations")


def _check_round_trip(app: Flask) -> None:
    """Upgrade to head, compare with the model, downgrade to base, upgrade again."""
    from flask_migrate import downgrade, upgrade

    from portal.extensions import db
    from portal.models import Model

    with app.app_context():
        directory = _migrations_dir(app)
        upgrade(directory=directory)
        engine = db.engine
        tables = set(inspect(engine).get_table_names())
        missing = set(Model.metadata.tables) - tables
        assert not missing, f"tables not created by the migrations: {sorted(missing)}"
        assert schema_differences(engine) == []
        assert check_constraint_differences(engine) == {}
        assert enum_value_differences(engine) == {}

        downgrade(directory=directory, revision="base")
        left = set(inspect(engine).get_table_names()) - {"alembic_version"}
        assert not left, f"tables left after downgrade to base: {sorted(left)}"

        upgrade(directory=directory)
        assert schema_differences(engine) == []
        assert check_constraint_differences(engine) == {}
        assert enum_value_differences(engine) == {}
        db.engine.dispose()


@pytest.fixture()
def restore_celery(app: Flask) -> Iterator[None]:
    """Building another app rebinds the shared Celery app; give it back to the session app."""
    yield
    from portal.tasks import init_celery

    init_celery(app)


def test_sqlite_migrates_to_the_model_and_back(tmp_path: Path, restore_celery: None) -> None:
    from portal import create_app

    url = f"sqlite:///{tmp_path / 'migrate.db'}"
    app = create_app(base_config(tmp_path, SQLALCHEMY_DATABASE_URI=url))
    _check_round_trip(app)


@pytest.fixture()
def fresh_pg_url() -> Iterator[str]:
    """A new, empty PostgreSQL database on the DATABASE_URL server, dropped afterwards."""
    need("PostgreSQL", DATABASE_URL.startswith(("postgres://", "postgresql")))
    url = make_url(DATABASE_URL)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    name = f"plus_migrate_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
def test_postgres_migrates_to_the_model_and_back(
    tmp_path: Path, fresh_pg_url: str, restore_celery: None
) -> None:
    from portal import create_app
    from portal.extensions import db

    app = create_app(base_config(tmp_path, SQLALCHEMY_DATABASE_URI=fresh_pg_url))
    _check_round_trip(app)
    with app.app_context(), db.engine.connect() as conn:
        # The wrapper must stay IMMUTABLE or PostgreSQL refuses the expression index.
        volatility = conn.execute(
            text("SELECT provolatile FROM pg_proc WHERE proname = 'plus_unaccent'")
        ).scalar_one()
        index = conn.execute(
            text("SELECT 1 FROM pg_indexes WHERE indexname = 'ix_client_name_trgm'")
        ).scalar_one_or_none()
    with app.app_context():
        db.engine.dispose()
    assert volatility == "i"
    assert index == 1
