"""Case rules: numbering and the status workflow."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from portal.models import Case, CaseNumberCounter, CaseStatus, ClosureReason, Document
from portal.services.errors import IllegalTransition, ValidationFailed

# The case workflow. Closed is final: a reopened matter is a new case with a new number.
TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.OPENED: frozenset({CaseStatus.ACTIVE, CaseStatus.CLOSED}),
    CaseStatus.ACTIVE: frozenset({CaseStatus.SUSPENDED, CaseStatus.CLOSED}),
    CaseStatus.SUSPENDED: frozenset({CaseStatus.ACTIVE, CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset(),
}

#: The records a closed case still takes: the court's or the archive's paper arrives after
#: closing, while a meeting, hours or a violation after the end would be a mistake.
TAKEN_WHEN_CLOSED: tuple[type, ...] = (Document,)


def takes_records(status: CaseStatus | None) -> bool:
    """Whether a case in ``status`` takes new records other than documents."""
    return status != CaseStatus.CLOSED


def taking_records() -> ColumnElement[bool]:
    """SQL condition on Case: the case takes new records other than documents (the case
    pickers of add forms)."""
    return Case.status != CaseStatus.CLOSED


def takes_new(status: CaseStatus | None, model: type) -> bool:
    """Whether a case in ``status`` takes a new record of ``model``."""
    return takes_records(status) or issubclass(model, TAKEN_WHEN_CLOSED)


def check_takes_new(session: Session, case_id: int | None, model: type,
                    field: str = "case") -> None:
    """Refuse a new record of ``model`` for a closed case (screens, API and case page alike).

    Changes to the records a case already holds stay possible: a typo in a meeting's note is
    corrected after closing too.

    :raises ValidationFailed: beside ``field`` when the case is closed.
    """
    if case_id is None:
        return
    status = session.execute(select(Case.status).where(Case.id == case_id)).scalar_one_or_none()
    if not takes_new(status, model):
        raise ValidationFailed(
            _l("The case is closed: only documents can be added."), field)


NUMBER_PATTERN = re.compile(r"^[A-Z]{1,4}-\d{4}-\d{1,8}$")


def format_number(year: int, seq: int) -> str:
    """The printed form of a case number, e.g. PL-2026-000123."""
    return f"PL-{year}-{seq:06d}"


def next_case_number(session: Session, year: int) -> str:
    """Issue the next case number of ``year``, skipping numbers already taken.

    The year's counter row is created race-free (an insert that does nothing when a parallel
    request made it first), then updated in place, which takes a row lock on PostgreSQL, so
    two officers opening cases at once never get the same number. A number typed in by hand
    ahead of the counter is skipped when the counter reaches it, instead of blocking every
    later case of the year.
    """
    _ensure_counter(session, year)
    while True:
        seq = session.execute(
            update(CaseNumberCounter)
            .where(CaseNumberCounter.year == year)
            .values(last_value=CaseNumberCounter.last_value + 1)
            .returning(CaseNumberCounter.last_value)
        ).scalar_one()
        number = format_number(year, seq)
        if session.execute(select(Case.id).where(Case.number == number)).first() is None:
            return number


def _ensure_counter(session: Session, year: int) -> None:
    """Create the counter row of ``year`` unless it exists (safe under concurrency)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - PLUS runs on PostgreSQL and the embedded SQLite only
        raise RuntimeError(f"unsupported database {dialect}")
    session.execute(
        insert(CaseNumberCounter)
        .values(year=year, last_value=0)
        .on_conflict_do_nothing(index_elements=[CaseNumberCounter.year])
    )


def check_number(session: Session, number: str, case_id: int | None = None) -> str:
    """A hand-entered case number must have our format and be unused.

    :raises ValidationFailed: on a malformed or duplicate number.
    """
    number = number.strip().upper()
    if not NUMBER_PATTERN.match(number):
        raise ValidationFailed(_l("A case number looks like PL-2026-000123."), "number")
    stmt = select(Case.id).where(Case.number == number)
    if case_id is not None:
        stmt = stmt.where(Case.id != case_id)
    if session.execute(stmt).first() is not None:
        raise ValidationFailed(_l("A case with this number already exists."), "number")
    return number


def check_transition(
    old: CaseStatus | None, new: CaseStatus, closure_reason: ClosureReason | None
) -> None:
    """Allow only the transitions of the workflow; closing needs a reason.

    :raises IllegalTransition: when the workflow does not allow the change.
    """
    if old is not None and old != new and new not in TRANSITIONS[old]:
        raise IllegalTransition(
            _l(
                "A case cannot go from “%(old)s” to “%(new)s”.",
                old=str(old),
                new=str(new),
            ),
            "status",
        )
    if old is None and new not in (CaseStatus.OPENED, CaseStatus.ACTIVE):
        raise IllegalTransition(_l("A new case starts as opened or active."), "status")
    if new == CaseStatus.CLOSED and closure_reason is None:
        raise ValidationFailed(_l("Give the reason for closing the case."), "closure_reason")
    if new != CaseStatus.CLOSED and closure_reason is not None:
        raise ValidationFailed(_l("Only a closed case has a closure reason."), "closure_reason")


def change_status(
    session: Session, case: Case, new: CaseStatus, closure_reason: ClosureReason | None = None
) -> None:
    """Move a case to a new status within the workflow (caller commits).

    :raises IllegalTransition: when the workflow does not allow the change.
    """
    check_transition(case.status, new, closure_reason)
    case.status = new
    case.closure_reason = closure_reason
