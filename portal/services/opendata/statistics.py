"""Aggregate figures for managers and analysts; never personal data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models import Case, CaseFunction, CaseStatus, TerritorialUnit


def cases_by_function_and_status(session: Session, unit_id: int | None = None) -> list[dict[str, Any]]:
    """Number of cases per function and status (optionally for one unit)."""
    stmt = select(Case.function, Case.status, func.count()).group_by(Case.function, Case.status)
    if unit_id is not None:
        stmt = stmt.where(Case.unit_id == unit_id)
    counts: dict[CaseFunction, dict[CaseStatus, int]] = {}
    for function, status, n in session.execute(stmt):
        counts.setdefault(function, {})[status] = n
    return [
        {"function": f, **{s.value: counts.get(f, {}).get(s, 0) for s in CaseStatus},
         "total": sum(counts.get(f, {}).values())}
        for f in CaseFunction
    ]


def active_cases_by_unit(session: Session) -> list[dict[str, Any]]:
    """Active cases per territorial unit."""
    stmt = (
        select(TerritorialUnit.name, func.count(Case.id))
        .outerjoin(Case, (Case.unit_id == TerritorialUnit.id) & (Case.status == CaseStatus.ACTIVE))
        .group_by(TerritorialUnit.name).order_by(TerritorialUnit.name)
    )
    return [{"unit": name, "active": n} for name, n in session.execute(stmt)]
