"""SQL functions PLUS relies on, made the same on SQLite and PostgreSQL.

On PostgreSQL ``plus_unaccent`` is an IMMUTABLE SQL wrapper over ``unaccent`` created by a
migration, so it can back a trigram index. On SQLite we register a Python function of the same
name on every connection, so one query text serves both databases.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


def fold(text: str | None) -> str:
    """Lower-case and strip diacritics: "Bērziņš" -> "berzins"."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function("plus_unaccent", 1, fold, deterministic=True)
        # SQLite ignores foreign keys unless asked, and we rely on them.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def install_sqlite_functions(db: Any) -> None:
    """Register the SQLite side of our SQL functions for every engine of the app."""
    if not event.contains(Engine, "connect", _on_connect):
        event.listen(Engine, "connect", _on_connect)
