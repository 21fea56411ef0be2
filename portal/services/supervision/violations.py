"""The response ladder to violations: a talk with the client, then a written warning, then a
submission to the court or prosecutor (revocation or extension), each due by a deadline
(VIOLATION_RESPONSE_DAYS); the warning and the submission get their document."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import (
    Addressee,
    DocumentType,
    ResponseStep,
    SubmissionKind,
    Violation,
    ViolationResponse,
)
from portal.services.casework import rules
from portal.services.errors import ValidationFailed
from portal.services.supervision import setting

#: the ladder, in order
LADDER: tuple[ResponseStep, ...] = (
    ResponseStep.TALK, ResponseStep.WRITTEN_WARNING, ResponseStep.SUBMISSION,
)
MAX_NOTE = 4000
#: the document each step produces (a talk has none)
DOCUMENTS: dict[ResponseStep, DocumentType] = {
    ResponseStep.WRITTEN_WARNING: DocumentType.WRITTEN_WARNING,
    ResponseStep.SUBMISSION: DocumentType.COURT_SUBMISSION,
}


def next_step(session: Session, case_id: int) -> ResponseStep:
    """The step the next violation of the case leads to: the one after the highest step
    taken so far (a talk first; after a submission, another submission)."""
    taken = set(session.scalars(
        select(ViolationResponse.step).where(ViolationResponse.case_id == case_id)))
    highest = max((LADDER.index(s) for s in taken), default=-1)
    return LADDER[min(highest + 1, len(LADDER) - 1)]


def deadline(step: ResponseStep, start: dt.date) -> dt.date:
    """When a step opened on ``start`` is due (VIOLATION_RESPONSE_DAYS)."""
    days = setting("VIOLATION_RESPONSE_DAYS",
                   {"talk": 5, "written_warning": 10, "submission": 10})
    return start + dt.timedelta(days=int(days.get(step.value, 10)))


def respond(session: Session, violation: Violation, step: ResponseStep | None, *,
            addressee: Addressee | None = None, submission_kind: SubmissionKind | None = None,
            note: str | None = None, today: dt.date | None = None) -> ViolationResponse:
    """Open the next step of the response to ``violation`` (caller commits).

    :raises ValidationFailed: without a step (``step``); for a submission without an earlier
        written warning on the case (``step``), without an addressee (``addressee``) or
        without what it asks for (``submission_kind``); for a step already open for this
        violation (``step``).
    """
    today = today or rules.today()
    rules.long_text(note, "note")
    if step is None:
        raise ValidationFailed(_l("Choose the response."), "step")
    if note is not None and len(note) > MAX_NOTE:
        raise ValidationFailed(_l("At most %(n)s characters.", n=MAX_NOTE), "note")
    taken = list(session.scalars(
        select(ViolationResponse).where(ViolationResponse.case_id == violation.case_id)))
    if any(r.violation_id == violation.id and r.step is step for r in taken):
        raise ValidationFailed(_l("This response to the violation is already recorded."), "step")
    if step is ResponseStep.SUBMISSION:
        if not any(r.step is ResponseStep.WRITTEN_WARNING for r in taken):
            raise ValidationFailed(
                _l("A submission to the court or prosecutor follows a written warning."), "step")
        if addressee is None:
            raise ValidationFailed(_l("Choose the court or the prosecutor."), "addressee")
        if submission_kind is None:
            raise ValidationFailed(_l("Choose what the submission asks for."),
                                   "submission_kind")
    response = ViolationResponse(
        case_id=violation.case_id, violation_id=violation.id, step=step,
        due_date=deadline(step, today),
        addressee=addressee if step is ResponseStep.SUBMISSION else None,
        submission_kind=submission_kind if step is ResponseStep.SUBMISSION else None,
        note=(note or "").strip() or None,
    )
    session.add(response)
    if step is ResponseStep.SUBMISSION:
        violation.reported_to_court = True
    session.flush()
    return response


def complete(response: ViolationResponse, done: dt.date | None) -> None:
    """Mark a step done on ``done`` (caller commits).

    :raises ValidationFailed: without a date, in the future, or before the violation.
    """
    if done is None:
        raise ValidationFailed(_l("Give the date it was done."), "done_date")
    if done > rules.today():
        raise ValidationFailed(_l("The date cannot be in the future."), "done_date")
    if response.violation is not None and done < response.violation.violation_date:
        raise ValidationFailed(_l("It cannot be done before the violation."), "done_date")
    response.done_date = done
