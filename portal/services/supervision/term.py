"""The supervision term, computed from the decision that opened the case and every later one
(amendment, extension, suspension, revocation, early release), and the rule that attaches a
later decision to its case."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import (
    Case,
    CaseDecision,
    CaseStatus,
    ClosureReason,
    Decision,
    DecisionRole,
    Obligation,
    ObligationStatus,
)
from portal.services.errors import ValidationFailed

#: the roles that end the supervision on their effective date
ENDING_ROLES = (DecisionRole.REVOCATION, DecisionRole.EARLY_RELEASE)
#: the most months one decision may set or add (the screens' plausibility limit)
MAX_MONTHS = 120


@dataclass
class Term:
    """The supervision period of one case as the decisions make it."""

    start: dt.date
    #: the last day of supervision; None while no decision gives a term
    end: dt.date | None
    months: int | None
    suspended_days: int = 0
    ended_early: bool = False
    #: the decisions in order: the opening one (role None) first
    decisions: list[tuple[DecisionRole | None, Decision | None, CaseDecision | None]] = field(
        default_factory=list)

    def days_left(self, today: dt.date) -> int | None:
        """Days from ``today`` to the last day (negative once it has passed)."""
        return (self.end - today).days if self.end is not None else None


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole calendar months (31 January + 1 month = 28/29 February)."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def later_decisions(session: Session, case_id: int) -> list[CaseDecision]:
    """The decisions attached to a case after it opened, in effective order."""
    return list(session.scalars(
        select(CaseDecision).where(CaseDecision.case_id == case_id)
        .order_by(CaseDecision.effective_date, CaseDecision.id)
    ))


def compute(case: Case, later: list[CaseDecision]) -> Term:
    """The term of ``case``: it starts on the case's start date and lasts the months of the
    opening decision; an amendment with months replaces them, an extension adds its months,
    a suspension adds its days, a revocation or early release ends it on its date."""
    opening = case.decision
    months = opening.supervision_months if opening is not None else None
    term = Term(start=case.start_date, end=None, months=months,
                decisions=[(None, opening, None)] if opening is not None else [])
    ends_on: dt.date | None = None
    for link in later:
        term.decisions.append((link.role, link.decision, link))
        if link.role is DecisionRole.AMENDMENT and link.months is not None:
            months = link.months
        elif link.role is DecisionRole.EXTENSION and link.months:
            months = (months or 0) + link.months
        elif link.role is DecisionRole.SUSPENSION and link.until_date is not None:
            term.suspended_days += (link.until_date - link.effective_date).days + 1
        elif link.role in ENDING_ROLES:
            ends_on = link.effective_date if ends_on is None else min(ends_on, link.effective_date)
    term.months = months
    if months:
        term.end = add_months(case.start_date, months) - dt.timedelta(days=1)
        term.end += dt.timedelta(days=term.suspended_days)
    if ends_on is not None and (term.end is None or ends_on < term.end):
        term.end, term.ended_early = ends_on, True
    return term


def of_case(session: Session, case: Case) -> Term:
    """The term of a stored case."""
    return compute(case, later_decisions(session, case.id))


def check_within(term: Term, start: dt.date | None, end: dt.date | None) -> None:
    """An obligation (or other period) must lie within the supervision period.

    :raises ValidationFailed: beside ``start_date`` or ``end_date``.
    """
    if start is not None and start < term.start:
        raise ValidationFailed(
            _l("It cannot start before the supervision starts (%(date)s).",
               date=term.start.strftime("%d.%m.%Y")), "start_date")
    if term.end is not None:
        if start is not None and start > term.end:
            raise ValidationFailed(
                _l("It cannot start after the supervision ends (%(date)s).",
                   date=term.end.strftime("%d.%m.%Y")), "start_date")
        if end is not None and end > term.end:
            raise ValidationFailed(
                _l("It cannot end after the supervision ends (%(date)s).",
                   date=term.end.strftime("%d.%m.%Y")), "end_date")


def check_link(case: Case | None, decision: Decision | None, role: DecisionRole | None,
               effective: dt.date | None, months: int | None, until: dt.date | None) -> None:
    """A later decision must fit its case: same client, not before the case, and what its
    role needs (months for an extension, the last day for a suspension).

    :raises ValidationFailed: beside the field at fault.
    """
    if case is None or decision is None or role is None or effective is None:
        return  # the fields' own "required" messages say so
    if case.decision_id is not None and decision.id == case.decision_id:
        raise ValidationFailed(_l("This decision opened the case."), "decision")
    if decision.client_id is not None and decision.client_id != case.client_id:
        raise ValidationFailed(_l("The decision concerns another client."), "decision")
    if effective < case.start_date:
        raise ValidationFailed(
            _l("A later decision cannot take effect before the case started (%(date)s).",
               date=case.start_date.strftime("%d.%m.%Y")), "effective_date")
    if months is not None and (months < 0 or months > MAX_MONTHS):
        raise ValidationFailed(_l("Enter a number from 0 to %(max)s.", max=MAX_MONTHS), "months")
    if role is DecisionRole.EXTENSION and not months:
        raise ValidationFailed(_l("Give the months the supervision is extended by."), "months")
    if role is DecisionRole.SUSPENSION and until is None:
        raise ValidationFailed(_l("Give the last day of the suspension."), "until_date")
    if until is not None and until < effective:
        raise ValidationFailed(_l("The end date cannot be before the start date."), "until_date")


def follow(session: Session, case: Case, before: Term) -> None:
    """Make the case's obligations follow a changed term (caller commits): obligations that
    ran to the old end run to the new one; a revocation or early release ends them."""
    after = of_case(session, case)
    obligations = session.scalars(select(Obligation).where(
        Obligation.case_id == case.id, Obligation.status == ObligationStatus.IN_FORCE))
    for obligation in obligations:
        if after.ended_early and after.end is not None:
            if obligation.end_date is None or obligation.end_date > after.end:
                obligation.end_date = max(after.end, obligation.start_date)
            obligation.status = ObligationStatus.ENDED
        elif before.end is not None and obligation.end_date == before.end and after.end:
            obligation.end_date = after.end


def attach(session: Session, case: Case, decision: Decision, role: DecisionRole,
           effective: dt.date, *, months: int | None = None, until: dt.date | None = None,
           note: str | None = None) -> CaseDecision:
    """Attach a later decision to its case and let the obligations follow (caller commits).

    :raises ValidationFailed: when the decision does not fit the case (see :func:`check_link`).
    """
    check_link(case, decision, role, effective, months, until)
    before = of_case(session, case)
    link = CaseDecision(case_id=case.id, decision_id=decision.id, role=role,
                        effective_date=effective, months=months, until_date=until, note=note)
    session.add(link)
    session.flush()
    follow(session, case, before)
    return link


def close(session: Session, case: Case, reason: ClosureReason | None,
          closed_on: dt.date | None) -> None:
    """Close the supervision on ``closed_on`` for ``reason`` (caller commits): the case is
    closed, its obligations in force end that day, and closing queues the execution notice
    to the court or prosecutor (``portal.services.exchanges.events``).

    :raises ValidationFailed: without a reason (``closure_reason``), without a date, with one
        in the future or before the case started (``end_date``), or for a case already closed
        (``status``).
    """
    from portal.services.casework import cases, rules

    if reason is None:
        raise ValidationFailed(_l("Give the reason for closing the case."), "closure_reason")
    if closed_on is None:
        raise ValidationFailed(_l("Give the date the supervision ended."), "end_date")
    if closed_on > rules.today():
        raise ValidationFailed(_l("The date cannot be in the future."), "end_date")
    rules.date_order(case.start_date, closed_on)
    cases.change_status(session, case, CaseStatus.CLOSED, reason)
    case.end_date = closed_on
    for obligation in session.scalars(select(Obligation).where(
            Obligation.case_id == case.id, Obligation.status == ObligationStatus.IN_FORCE)):
        obligation.status = ObligationStatus.ENDED
        if obligation.end_date is None or obligation.end_date > closed_on:
            obligation.end_date = max(closed_on, obligation.start_date)
    session.flush()
