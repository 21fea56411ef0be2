"""Result indicators of the exchanges, per month, beside the targets of the domain brief:
the share of decisions received electronically, of progress data (execution notices) sent
electronically, and of registry requests made electronically."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import (
    Case,
    CaseFunction,
    CaseStatus,
    Decision,
    Direction,
    ExchangeMessage,
    ExchangeStatus,
    Process,
)

__all__ = ["TARGETS", "MonthRow", "monthly"]

#: the targets of the project (domain brief, "Result indicators")
TARGETS = {"decisions": 90, "progress": 90, "registry": 100}
_EXECUTED = [f for f in CaseFunction
             if f.process in (Process.FORCED_LABOUR, Process.COMMUNITY_WORK, Process.SUPERVISION)]


@dataclass
class MonthRow:
    """One month: counts and shares (None when there was nothing to count)."""

    month: str
    decisions: int
    decisions_electronic: int
    closed: int
    notices_sent: int
    queries: int
    queries_answered: int

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def decisions_share(self) -> float | None:
        return self._share(self.decisions_electronic, self.decisions)

    @property
    def progress_share(self) -> float | None:
        return self._share(self.notices_sent, self.closed)

    @property
    def registry_share(self) -> float | None:
        # Every registry request PLUS makes goes through a query connector.
        return 100.0 if self.queries else None


def _month(value: dt.date | dt.datetime | None) -> str | None:
    return f"{value.year:04d}-{value.month:02d}" if value is not None else None


def monthly(session: Session, *, today: dt.date, months: int = 12) -> list[MonthRow]:
    """The last ``months`` months up to ``today``, newest first."""
    first = (today.replace(day=1) - dt.timedelta(days=31 * (months - 1))).replace(day=1)
    since = dt.datetime.combine(first, dt.time.min, tzinfo=dt.UTC)
    decisions: Counter[str] = Counter()
    electronic: Counter[str] = Counter()
    for created, flag in session.execute(
        select(Decision.created_at, Decision.received_electronically)
        .where(Decision.created_at >= since)
    ):
        key = _month(created)
        decisions[key] += 1
        electronic[key] += bool(flag)
    closed: Counter[str] = Counter()
    sent_cases = set(session.scalars(
        select(ExchangeMessage.case_id).where(
            ExchangeMessage.kind == "execution_notice",
            ExchangeMessage.status == ExchangeStatus.SENT)
    ))
    notices: Counter[str] = Counter()
    for case_id, end in session.execute(
        select(Case.id, Case.end_date).where(
            Case.status == CaseStatus.CLOSED, Case.end_date >= first,
            Case.function.in_(_EXECUTED))
    ):
        key = _month(end)
        closed[key] += 1
        notices[key] += case_id in sent_cases
    queries: Counter[str] = Counter()
    answered: Counter[str] = Counter()
    for created, status in session.execute(
        select(ExchangeMessage.created_at, ExchangeMessage.status).where(
            ExchangeMessage.direction == Direction.QUERY, ExchangeMessage.created_at >= since)
    ):
        key = _month(created)
        queries[key] += 1
        answered[key] += status is ExchangeStatus.SENT
    rows = []
    month = today.replace(day=1)
    for _ in range(months):
        key = _month(month)
        rows.append(MonthRow(key, decisions[key], electronic[key], closed[key], notices[key],
                             queries[key], answered[key]))
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return rows
