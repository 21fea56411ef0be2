"""Benchmark of the eight open datasets for one year (``python -m bench.opendata``).

The database is the one ``python -m bench`` uses for the size (``plus_bench_200k`` for
200,000 demo clients; seeded here if missing, reused otherwise). Timed, in turns, ``--repeat``
times after a warm-up:

* **app**: ``datasets.compute_all`` for the year, then every table written as CSV and JSON:
  the SQL (monthly tables of the additive datasets included), disclosure control and files;
* **bare SQL**: the very statements the app sent (captured with their parameters in a
  first run), replayed with psycopg on one connection, fetching every row.

Target: app ≤ 1.5 × bare SQL. Results go to stdout and ``bench/RESULTS-opendata.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from bench.run import (
    DEFAULT_URL,
    build_app,
    capture,
    database_url,
    ensure_database,
    log,
    p95,
    prepare,
    replay,
    timed,
)

TARGET = 1.5
RESULTS = Path(__file__).with_name("RESULTS-opendata.md")


def run_all(app: Any, year: int) -> int:
    """Compute the eight datasets and write their files; returns the rows written."""
    from portal.extensions import db
    from portal.services.opendata import catalogue, datasets
    from portal.services.opendata.disclosure import MARKER
    from portal.services.opendata.periods import Period
    from reports import opendata as files

    period = Period(year)
    rows = 0
    with app.test_request_context():
        for result in datasets.compute_all(db.session, period):
            files.table_csv(result.columns, result.rows)
            files.table_json(result.key, period.code, result.columns, result.rows,
                             uri=catalogue.distribution_uri(result.key, period, "json"),
                             marker=MARKER)
            rows += len(result.rows)
        db.session.rollback()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.opendata", description=__doc__)
    parser.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--clients", type=int, default=200_000)
    parser.add_argument("--year", type=int, default=dt.date.today().year - 1)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="do not update the results file")
    parser.add_argument("--as-is", action="store_true",
                        help="use --url's database itself (it must exist) instead of "
                             "<database>_<size>, which is created when missing")
    args = parser.parse_args(argv)

    if args.as_is:
        url = make_url(args.url).set(drivername="postgresql+psycopg")
    else:
        url = database_url(args.url, args.clients)
        ensure_database(url)
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(url, Path(tmp))
        seeded = prepare(app, args.clients, args.reseed)
        from portal.extensions import db

        with app.app_context():
            engine = db.engine
            with capture(engine) as statements:
                rows = run_all(app, args.year)
            sql = [(s, p) for s, p in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]
            log(f"{len(sql)} statements, {rows} published rows for {args.year}")
            dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
            with psycopg.connect(dsn, options="-c jit=off") as conn:
                app_times, sql_times = timed(
                    [lambda: run_all(app, args.year), replay(conn, sql)],
                    args.repeat, args.warmup,
                )
    app_med, sql_med = statistics.median(app_times), statistics.median(sql_times)
    ratio = app_med / sql_med if sql_med else float("inf")
    line = (
        f"| {args.clients:,} | {args.year} | {len(sql)} | {rows} | {app_med:,.0f} | "
        f"{p95(app_times) if len(app_times) > 1 else app_times[0]:,.0f} | {sql_med:,.0f} | "
        f"{p95(sql_times) if len(sql_times) > 1 else sql_times[0]:,.0f} | {ratio:.2f}× | "
        f"{'yes' if ratio <= TARGET else 'NO'} |"
    )
    header = (
        "| clients | year | SQL statements | rows published | app median ms | app p95 ms | "
        "bare SQL median ms | bare SQL p95 ms | app / SQL | ≤ 1.5× |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|"
    )
    print(header)
    print(line)
    if seeded is not None:
        log(f"seeding took {seeded:.0f} s")
    if not args.no_write:
        RESULTS.write_text(
            "# Open data benchmark\n\n"
            "All eight datasets for one year (SQL, disclosure control, CSV and JSON files) "
            "against the same SQL replayed bare with psycopg, in the same run "
            f"(`python -m bench.opendata --clients {args.clients} --repeat {args.repeat}`; "
            f"{dt.date.today().isoformat()}). Target: app ≤ {TARGET}× bare SQL.\n\n"
            f"{header}\n{line}\n",
            encoding="utf-8",
        )
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
