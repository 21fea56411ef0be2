"""Obligations from the catalogue within the supervision period, and compliance with each
obligation as the officer records it at a meeting."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal.formatting import local_zone
from portal.models import (
    Case,
    Compliance,
    Meeting,
    MeetingObligationCheck,
    Obligation,
    ObligationStatus,
)
from portal.services.casework import rules
from portal.services.errors import ValidationFailed
from portal.services.supervision import term as terms

#: the longest note beside one obligation's compliance
MAX_NOTE = 2000


def check_obligation(session: Session, case: Case | None, start: dt.date | None,
                     end: dt.date | None) -> None:
    """An obligation ends after it starts and lies within the supervision period.

    :raises ValidationFailed: beside ``start_date`` or ``end_date``.
    """
    rules.date_order(start, end)
    if case is None or case.id is None:
        return
    terms.check_within(terms.of_case(session, case), start, end)


def meeting_day(meeting: Meeting) -> dt.date:
    """The meeting's calendar day in the service's time zone."""
    return meeting.scheduled_at.astimezone(local_zone()).date()


def due_at(session: Session, meeting: Meeting) -> list[Obligation]:
    """The obligations in force on the meeting's day: the ones to record compliance with."""
    day = meeting_day(meeting)
    return list(session.scalars(
        select(Obligation).where(
            Obligation.case_id == meeting.case_id,
            Obligation.status.in_((ObligationStatus.IN_FORCE, ObligationStatus.FULFILLED)),
            Obligation.start_date <= day,
            or_(Obligation.end_date.is_(None), Obligation.end_date >= day),
        ).order_by(Obligation.start_date, Obligation.id)
    ))


@dataclass
class Answer:
    """The officer's answer for one obligation."""

    obligation_id: int
    compliance: Compliance | None
    note: str | None = None


def record_compliance(session: Session, meeting: Meeting,
                      answers: list[Answer]) -> list[MeetingObligationCheck]:
    """Store the compliance with each obligation at a meeting (caller commits).

    Every obligation in force on the meeting's day needs an answer; an answer given again
    replaces the earlier one.

    :raises ValidationFailed: for an obligation without an answer (field
        ``compliance_<id>``), one not of this case or not in force that day, or a note too
        long (``note_<id>``); nothing is stored then.
    """
    due = {o.id: o for o in due_at(session, meeting)}
    given = {a.obligation_id: a for a in answers}
    for obligation_id in given:
        if obligation_id not in due:
            raise ValidationFailed(
                _l("This obligation was not in force on the day of the meeting."),
                f"compliance_{obligation_id}")
    for obligation_id in due:
        answer = given.get(obligation_id)
        if answer is None or answer.compliance is None:
            raise ValidationFailed(_l("Record whether this obligation was kept."),
                                   f"compliance_{obligation_id}")
        if answer.note is not None and len(answer.note) > MAX_NOTE:
            raise ValidationFailed(_l("At most %(n)s characters.", n=MAX_NOTE),
                                   f"note_{obligation_id}")
    existing = {c.obligation_id: c for c in session.scalars(
        select(MeetingObligationCheck).where(MeetingObligationCheck.meeting_id == meeting.id))}
    stored = []
    for obligation_id, answer in given.items():
        check = existing.get(obligation_id)
        if check is None:
            check = MeetingObligationCheck(meeting_id=meeting.id, obligation_id=obligation_id,
                                           case_id=meeting.case_id)
            session.add(check)
        check.compliance = answer.compliance  # type: ignore[assignment]
        check.note = (answer.note or "").strip() or None
        stored.append(check)
    session.flush()
    return stored


def check_single(session: Session, meeting: Meeting | None, obligation: Obligation | None) -> None:
    """One compliance row (the list screen's add and edit): the obligation is the meeting
    case's and in force on the meeting's day.

    :raises ValidationFailed: beside ``obligation``.
    """
    if meeting is None or obligation is None:
        return
    if obligation.id not in {o.id for o in due_at(session, meeting)}:
        raise ValidationFailed(
            _l("This obligation was not in force on the day of the meeting."), "obligation")


def summary(checks: list[MeetingObligationCheck]) -> dict[str, int]:
    """Counts per compliance value, for the case page's meeting list."""
    counts = {c.value: 0 for c in Compliance}
    for check in checks:
        counts[check.compliance.value] += 1
    return counts
