"""Counting the use of the portal's e-services (the result indicators of the project).

Every view of data and every submission is one ``EServiceUse`` row, with the month in Riga
time, the service and the recipient type. :func:`usage_table` sums them by month, service and
recipient type, with the submissions by their processing status (the fulfilment: how many
were accepted, rejected or answered).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models import Audience, EService, EServiceUse, Submission, SubmissionStatus
from portal.services.partners.portal_scope import actor_of, audience_of

__all__ = [
    "ACTIONS",
    "UsageRow",
    "month_of",
    "record_use",
    "service_for",
    "usage_csv",
    "usage_table",
]

VIEW = "view"
SUBMISSION = "submission"
ACTIONS = (VIEW, SUBMISSION)


def month_of(at: dt.datetime | None = None) -> str:
    """The month (YYYY-MM) of a moment in the service's time zone (now by default)."""
    from flask import current_app, has_app_context

    tz = current_app.config.get("PLUS_TIMEZONE", "Europe/Riga") if has_app_context() else (
        "Europe/Riga"
    )
    at = at or dt.datetime.now(dt.UTC)
    return at.astimezone(ZoneInfo(tz)).strftime("%Y-%m")


def service_for(audience: Audience) -> EService:
    """The e-service through which a form of this audience reaches VPD."""
    return EService.INFO_TO_VPD if audience is Audience.CLIENT else EService.PARTNER_INFO_TO_VPD


def record_use(
    session: Session,
    user: Any,
    service: EService | str,
    action: str,
    *,
    submission_id: int | None = None,
) -> EServiceUse | None:
    """Count one use of ``service`` by a portal user; committed with the caller's transaction.

    Uses by anyone but a linked portal user (an officer looking at the portal, say) are not
    counted: the indicator is about clients, employers and volunteers.

    :raises ValueError: for an unknown service or action (a programming error).
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    service = EService(service)
    audience = audience_of(user)
    if audience is None:
        return None
    use = EServiceUse(
        month=month_of(),
        service=service,
        action=action,
        recipient_type=audience,
        user_id=actor_of(user).user_id,
        submission_id=submission_id,
    )
    session.add(use)
    return use


@dataclass
class UsageRow:
    """Uses of one service in one month by one recipient type."""

    month: str
    service: EService
    recipient_type: Audience
    views: int = 0
    submissions: int = 0
    by_status: dict[SubmissionStatus, int] = field(
        default_factory=lambda: {s: 0 for s in SubmissionStatus}
    )

    @property
    def total(self) -> int:
        return self.views + self.submissions


def usage_table(
    session: Session, *, month_from: str | None = None, month_to: str | None = None
) -> list[UsageRow]:
    """Uses by month (newest first), service and recipient type; months as YYYY-MM."""
    key_cols = (EServiceUse.month, EServiceUse.service, EServiceUse.recipient_type)
    where = []
    if month_from:
        where.append(EServiceUse.month >= month_from)
    if month_to:
        where.append(EServiceUse.month <= month_to)
    rows: dict[tuple[str, EService, Audience], UsageRow] = {}

    def row(month: str, service: EService, recipient: Audience) -> UsageRow:
        key = (month, service, recipient)
        if key not in rows:
            rows[key] = UsageRow(month=month, service=service, recipient_type=recipient)
        return rows[key]

    counts = session.execute(
        select(*key_cols, EServiceUse.action, func.count())
        .where(*where)
        .group_by(*key_cols, EServiceUse.action)
    ).all()
    for month, service, recipient, action, count in counts:
        r = row(month, service, recipient)
        if action == VIEW:
            r.views += count
        elif action == SUBMISSION:
            r.submissions += count
    statuses = session.execute(
        select(*key_cols, Submission.status, func.count())
        .join(Submission, Submission.id == EServiceUse.submission_id)
        .where(EServiceUse.action == SUBMISSION, *where)
        .group_by(*key_cols, Submission.status)
    ).all()
    for month, service, recipient, status, count in statuses:
        row(month, service, recipient).by_status[status] += count
    service_order = {s: i for i, s in enumerate(EService)}
    audience_order = {a: i for i, a in enumerate(Audience)}
    return sorted(
        rows.values(),
        key=lambda r: (
            _neg_month(r.month), service_order[r.service], audience_order[r.recipient_type]
        ),
    )


def _neg_month(month: str) -> tuple[int, int]:
    # Newest month first while the rest sorts ascending.
    try:
        year, mon = (int(p) for p in month.split("-"))
    except ValueError:
        return (0, 0)
    return (-year, -mon)


def usage_csv(rows: list[UsageRow], headers: list[str] | None = None) -> str:
    """The usage table as CSV (comma separated, UTF-8 text; the caller adds a BOM if needed).

    ``headers`` are the column titles in the reader's language, and with them service and
    recipient are written as the reader reads them on the screen. Without headers (a machine
    export) they are written as their stable codes, so a program can filter on them whatever
    the language.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    default = [
        "month", "service", "recipient_type", "views", "submissions",
        *(f"submissions_{s.value}" for s in SubmissionStatus),
    ]
    writer.writerow(headers or default)
    for r in rows:
        writer.writerow([
            r.month,
            str(r.service) if headers else r.service.value,
            str(r.recipient_type) if headers else r.recipient_type.value,
            r.views, r.submissions,
            *(r.by_status[s] for s in SubmissionStatus),
        ])
    return out.getvalue()
