"""The floor of the throughput bench: a bare WSGI app that stores the posted JSON.

It parses the body and does the same durable INSERT+COMMIT as the raw baseline, with one
psycopg connection per worker, and nothing else: no framework, no login, no validation.
Served by the same gunicorn and driven by the same load generator as PLUS, it shows what HTTP
and the machine leave for any Python web app here (``BENCH_FLOOR_DSN`` names the database).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

_conn: psycopg.Connection[Any] | None = None


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Store the request body's JSON in ``bench_raw``; 201 ``{"id": n}``."""
    global _conn  # one connection per worker process, opened on its first request
    if _conn is None:
        _conn = psycopg.connect(os.environ["BENCH_FLOOR_DSN"])
    length = int(environ.get("CONTENT_LENGTH") or 0)
    data = json.loads(environ["wsgi.input"].read(length))
    row = _conn.execute("INSERT INTO bench_raw (data) VALUES (%s) RETURNING id",
                        (Jsonb(data["data"]),)).fetchone()
    _conn.commit()
    body = json.dumps({"id": row[0] if row else None}).encode()
    start_response("201 Created", [("Content-Type", "application/json"),
                                   ("Content-Length", str(len(body)))])
    return [body]
