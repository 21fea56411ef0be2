"""PostgreSQL benchmark of generated case documents: ``python -m bench.documents``.

A fresh database ``plus_bench_documents`` (the database of ``BENCH_DOCUMENTS_DATABASE_URL``) is
migrated, the shipped templates are published, and ``--cases`` forced-labour cases are made
(client with a long Latvian name, decision, employer, work assignment with a 24-day schedule;
one more case has a 60-day schedule). The referral template gets a bench version that also
lists the work schedule, so a referral fills exactly two pages (checked). Then, one document
after another in one process:

1. **2-page referrals per second**: ``paperwork.generate`` end to end (load the case from
   PostgreSQL, fill the template, lay out the PDF, write the file, commit the Document row and
   the access log), cycling over the cases; beside it the builder alone
   (``reports.documents.build_pdf`` on the same spec) and a *raw* baseline: the same lines
   drawn with reportlab's bare canvas on two pages (no layout engine, same embedded font).
2. **A 60-row work schedule**: the same three measurements for the 60-day schedule.

Medians and p95 of single documents; the table is printed and written to
``bench/RESULTS-documents.md``. The database is dropped at the end (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from bench.run import build_app, drop_database, ensure_database, log

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/plus_bench_documents"
RESULTS = Path(__file__).with_name("RESULTS-documents.md")
SCHEDULE_DAYS_REFERRAL = 24


def prepare(app: Any, cases: int) -> tuple[list[int], int]:
    """Migrate, publish templates and make the bench cases; return (referral cases, 60-row)."""
    from flask_migrate import upgrade

    from portal.extensions import db
    from portal.models import (
        Case,
        CaseFunction,
        CaseStatus,
        Client,
        Decision,
        DecisionType,
        DocumentType,
        Employer,
        EmployerType,
        Gender,
        TerritorialUnit,
        WorkAssignment,
        WorkScheduleEntry,
    )
    from portal.services import paperwork, setup
    from portal.services.casework import personal_code

    with app.app_context():
        upgrade(directory=str(Path(app.root_path) / "migrations"))
        setup.ensure_roles(app.appbuilder.sm)
        setup.ensure_document_templates(db.session)
        content = dict(paperwork.published(db.session, DocumentType.REFERRAL).content)
        content["fields"] = [*content["fields"], "work.schedule"]
        paperwork.save_version(db.session, DocumentType.REFERRAL, content, actor_id=None,
                               note="bench: with the schedule", publish_now=True)
        unit = TerritorialUnit(code="BENCH", name="Rīgas pilsētas Ziemeļu struktūrvienība")
        employer = Employer(
            name="Rīgas valstspilsētas pašvaldības Ziemeļu izpilddirekcija",
            employer_type=EmployerType.MUNICIPAL_INSTITUTION, registration_number="90000012345",
            address="Brīvības iela 49/53, Rīga, LV-1010", contact_person="Ilze Ozoliņa",
            phone="+37167012345",
        )
        db.session.add_all([unit, employer])
        db.session.flush()
        import random

        rng = random.Random(1)
        ids: list[int] = []
        start = dt.date(2026, 1, 5)
        for i in range(cases + 1):
            days = 60 if i == cases else SCHEDULE_DAYS_REFERRAL
            client = Client(
                given_name="Ģirts-Ķirilijs", surname=f"Žūžēlēns-Čaļķīņš {i}",
                personal_code=personal_code.generate_old(dt.date(1990, 5, 17), rng),
                birth_date=dt.date(1990, 5, 17), gender=Gender.MALE, unit_id=unit.id,
                address="Ģertrūdes iela 121-45, Rīga, LV-1009", phone="+37120000000",
            )
            db.session.add(client)
            db.session.flush()
            decision = Decision(
                client_id=client.id, decision_type=DecisionType.COURT_JUDGMENT,
                institution="Rīgas pilsētas tiesa", number=f"K30-{i:05d}-26",
                decision_date=dt.date(2025, 11, 3), forced_labour_hours=days * 4,
            )
            db.session.add(decision)
            db.session.flush()
            case = Case(
                number=f"PL-2026-B{i:05d}", client_id=client.id,
                function=CaseFunction.FORCED_LABOUR, status=CaseStatus.ACTIVE,
                start_date=dt.date(2025, 12, 1), unit_id=unit.id, decision_id=decision.id,
                hours_ordered=Decimal(days * 4),
            )
            db.session.add(case)
            db.session.flush()
            assignment = WorkAssignment(
                case_id=case.id, employer_id=employer.id, work_type="Teritorijas sakopšana",
                place="Sarkandaugavas parks, Tilta iela 2, Rīga", start_date=start,
                referral_number=f"N-{i:05d}",
            )
            db.session.add(assignment)
            db.session.flush()
            db.session.add_all(
                WorkScheduleEntry(assignment_id=assignment.id,
                                  work_date=start + dt.timedelta(days=d), start_time="09:00",
                                  planned_hours=Decimal("4"))
                for d in range(days)
            )
            ids.append(case.id)
        db.session.commit()
        return ids[:-1], ids[-1]


def timed(fn: Callable[[], Any], *, n: int | None = None, seconds: float | None = None
          ) -> list[float]:
    """Run ``fn`` ``n`` times (or for ``seconds``) after one warm-up; the single times."""
    fn()
    out: list[float] = []
    deadline = time.perf_counter() + (seconds or 0)
    while (n is not None and len(out) < n) or (seconds is not None and
                                                 time.perf_counter() < deadline):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def raw_pdf(lines: list[str], pages: int) -> bytes:
    """The floor: the same text lines drawn with the bare canvas, no layout engine."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from reports.fonts import register_fonts

    font = register_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, initialFontName=font)
    per_page = max(1, -(-len(lines) // pages))
    for start in range(0, len(lines), per_page):
        canvas.setFont(font, 9)
        y = A4[1] - 60
        for line in lines[start:start + per_page]:
            canvas.drawString(57, y, line[:110])
            y -= 11
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def spec_lines(spec: Any) -> list[str]:
    """Every text of a spec as lines (what the raw baseline draws)."""
    from reports import documents as pdf

    lines = [*spec.issuer, spec.title, spec.subtitle]
    for block in spec.blocks:
        if isinstance(block, (pdf.Text, pdf.Heading)):
            lines.extend(block.text.splitlines())
        elif isinstance(block, pdf.FieldList):
            lines.extend(f"{label}: {value}" for label, value in block.rows)
        elif isinstance(block, pdf.TableBlock):
            lines.append(" | ".join(block.headers))
            lines.extend(" | ".join(row) for row in block.rows)
        elif isinstance(block, pdf.Signatures):
            lines.extend(block.labels)
    return lines


def measure(app: Any, case_ids: list[int], doc_type: Any, seconds: float, count: int | None
            ) -> dict[str, Any]:
    """Generate end to end (cycling over the cases), then the builder and the raw floor."""
    from pypdf import PdfReader

    from portal.extensions import db
    from portal.models import Case
    from portal.services import access, paperwork
    from reports import documents as pdf

    actor = access.Actor(user_id=None, roles=frozenset({access.Role.ADMIN}))
    with app.app_context():
        state = {"i": 0}

        def generate() -> None:
            case_id = case_ids[state["i"] % len(case_ids)]
            state["i"] += 1
            paperwork.generate(db.session, case_id, doc_type, actor)
            db.session.expunge_all()

        service = timed(generate, n=count, seconds=None if count else seconds)
        case = db.session.get(Case, case_ids[0])
        version = paperwork.published(db.session, doc_type)
        spec = paperwork.spec_for(paperwork.gather(db.session, case, doc_type), doc_type,
                                  version.content)
        data = pdf.build_pdf(spec)
        pages = len(PdfReader(io.BytesIO(data)).pages)
        builder = timed(lambda: pdf.build_pdf(spec), n=len(service))
        lines = spec_lines(spec)
        raw = timed(lambda: raw_pdf(lines, pages), n=len(service))
    return {"service": service, "builder": builder, "raw": raw, "pages": pages,
            "bytes": len(data), "rows": len(lines)}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def table(referral: dict[str, Any], schedule: dict[str, Any]) -> str:
    def row(what: str, times: list[float]) -> str:
        med = statistics.median(times)
        return (f"| {what} | {len(times)} | {ms(med)} | {ms(p95(times))} | "
                f"{1 / med:.1f} |")

    lines = [
        "| Measurement | n | median | p95 | documents/s (1/median) |",
        "|---|---:|---:|---:|---:|",
        row(f"Referral, {referral['pages']} pages: generate end to end (PostgreSQL, file, "
            "commit)", referral["service"]),
        row("Referral: builder alone (reportlab platypus)", referral["builder"]),
        row("Referral: raw canvas, same lines (floor)", referral["raw"]),
        row(f"Work schedule, 60 rows, {schedule['pages']} pages: generate end to end",
            schedule["service"]),
        row("Work schedule 60 rows: builder alone", schedule["builder"]),
        row("Work schedule 60 rows: raw canvas (floor)", schedule["raw"]),
    ]
    total = sum(referral["service"])
    lines.append("")
    lines.append(
        f"Referrals generated per second, end to end over the run: "
        f"**{len(referral['service']) / total:.1f}/s** "
        f"({len(referral['service'])} documents in {total:.1f} s, one process); "
        f"PDF size {referral['bytes'] // 1024} KiB (referral), "
        f"{schedule['bytes'] // 1024} KiB (schedule)."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50, help="forced-labour cases to cycle")
    parser.add_argument("--seconds", type=float, default=20.0,
                        help="how long to generate referrals")
    parser.add_argument("--schedules", type=int, default=30,
                        help="how many 60-row schedules to generate")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args(argv)

    from portal.models import DocumentType

    url = make_url(os.environ.get("BENCH_DOCUMENTS_DATABASE_URL", DEFAULT_URL)).set(
        drivername="postgresql+psycopg")
    drop_database(url)
    ensure_database(url)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            app = build_app(url, Path(tmp))
            log(f"making {args.cases} cases")
            referral_cases, schedule_case = prepare(app, args.cases)
            log(f"referrals for {args.seconds:.0f} s")
            referral = measure(app, referral_cases, DocumentType.REFERRAL, args.seconds, None)
            if referral["pages"] != 2:
                raise SystemExit(f"the bench referral has {referral['pages']} pages, not 2")
            log(f"{args.schedules} work schedules of 60 rows")
            schedule = measure(app, [schedule_case], DocumentType.WORK_SCHEDULE, 0,
                               args.schedules)
            with app.app_context():
                from portal.extensions import db

                db.session.remove()
                db.engine.dispose()
    finally:
        if not args.keep:
            drop_database(url)
    result = table(referral, schedule)
    command = " ".join(["python -m bench.documents", *(argv if argv is not None else sys.argv[1:])])
    header = (
        f"# Generated documents benchmark\n\n`{command}` on {platform.node()} "
        f"({os.cpu_count()} CPUs), {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC.\n\n"
    )
    print(result)
    RESULTS.write_text(header + result + "\n", encoding="utf-8")
    log(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
