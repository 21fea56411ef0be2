"""The officer inbox of portal submissions: listing, and processing one.

An officer opens a submission and takes it into processing (received -> in processing, an
explicit action: opening only reads), sees
:func:`~portal.services.intake.mapping.proposed_changes` beside the case data, and
:func:`accept` s (the intake pipeline applies them in one transaction, with the change history
naming ``submission:<id>`` as the source), :func:`reject` s with a reason, and then
:func:`answer` s. Status only moves received -> in processing -> accepted / rejected ->
answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from portal import formsengine as fe
from portal.models import (
    Audience,
    Client,
    FormDefinition,
    FormVersion,
    OutgoingNotice,
    PlusUser,
    Submission,
    SubmissionStatus,
)
from portal.models.base import utcnow
from portal.services import access, audit
from portal.services.errors import AccessDenied, IllegalTransition, NotFound, ValidationFailed
from portal.services.intake.changes import ProposedChange, Ref, apply_changes, may_apply
from portal.services.intake.mapping import proposed_changes
from portal.services.partners import portal_scope

__all__ = [
    "accept", "answer", "apply_permitted", "get_for_officer", "inbox", "mark_in_processing",
    "mine", "pending_changes", "reject",
]

MAX_REASON_LENGTH = 4000
MAX_REPLY_LENGTH = 8000

# Where a submission may go next; answered is the end.
_NEXT: dict[SubmissionStatus, frozenset[SubmissionStatus]] = {
    SubmissionStatus.RECEIVED: frozenset(
        {SubmissionStatus.IN_PROCESSING, SubmissionStatus.ACCEPTED, SubmissionStatus.REJECTED}
    ),
    SubmissionStatus.IN_PROCESSING: frozenset(
        {SubmissionStatus.ACCEPTED, SubmissionStatus.REJECTED}
    ),
    SubmissionStatus.ACCEPTED: frozenset({SubmissionStatus.ANSWERED}),
    SubmissionStatus.REJECTED: frozenset({SubmissionStatus.ANSWERED}),
    SubmissionStatus.ANSWERED: frozenset(),
}

# --------------------------------------------------------------------------------------------
# Reading: the submitter's list, the inbox


def mine(session: Session, user: Any, *, limit: int = 200) -> list[Submission]:
    """The portal user's own submissions, newest first."""
    actor = portal_scope.actor_of(user)
    if actor.user_id is None:
        return []
    return list(session.scalars(
        select(Submission)
        .where(Submission.submitted_by_id == actor.user_id)
        .options(selectinload(Submission.version).selectinload(FormVersion.definition))
        .order_by(Submission.id.desc())
        .limit(limit)
    ))


def inbox(
    session: Session,
    actor: access.Actor,
    *,
    status: SubmissionStatus | None = None,
    form_key: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Submission]:
    """Submissions the officer may see (their unit's; Admin all), newest first."""
    stmt = (
        select(Submission)
        .where(access.condition(Submission, actor))
        .options(
            selectinload(Submission.version).selectinload(FormVersion.definition),
            selectinload(Submission.client),
            selectinload(Submission.case),
            selectinload(Submission.submitted_by),
        )
        .order_by(Submission.id.desc())
        .limit(limit)
        .offset(offset)
    )
    if status is not None:
        stmt = stmt.where(Submission.status == status)
    if form_key:
        stmt = stmt.join(FormVersion, FormVersion.id == Submission.version_id).join(
            FormDefinition, FormDefinition.id == FormVersion.definition_id
        ).where(FormDefinition.key == form_key)
    return list(session.scalars(stmt))


def get_for_officer(
    session: Session, submission_id: int, actor: access.Actor, *, lock: bool = False
) -> Submission:
    """The submission if the officer may see it.

    :raises NotFound: when it does not exist or belongs to another unit.
    """
    stmt = select(Submission).where(
        Submission.id == submission_id, access.condition(Submission, actor)
    )
    if lock:
        stmt = stmt.with_for_update()
    submission = session.scalars(stmt).first()
    if submission is None:
        raise NotFound(_l("The submission does not exist or is not in your unit."))
    return submission



def _transition(submission: Submission, to: SubmissionStatus) -> None:
    if to not in _NEXT[submission.status]:
        raise IllegalTransition(
            _l("A submission that is %(now)s cannot become %(next)s.",
               now=submission.status, next=to),
            "status",
        )
    submission.status = to


def mark_in_processing(session: Session, submission_id: int, actor: access.Actor) -> Submission:
    """Take a received submission into processing (an explicit action of the officer).

    :raises NotFound: the submission is not in the officer's scope.
    """
    submission = get_for_officer(session, submission_id, actor)
    if submission.status is SubmissionStatus.RECEIVED:
        try:
            _transition(submission, SubmissionStatus.IN_PROCESSING)
            submission.processed_by_id = actor.user_id
            session.commit()
        except SQLAlchemyError:
            session.rollback()
            raise
    return submission


def accept(session: Session, submission_id: int, actor: access.Actor) -> Submission:
    """Apply the submission's intake to the register, in one transaction.

    Every record created and field changed is recorded in the change history with the
    source ``submission:<id>``. Hours reported by an employer are entered as reported by the
    employer and confirmed by the accepting officer.

    :raises NotFound: the submission is not in the officer's scope.
    :raises AccessDenied: the officer may not change a case the submission touches.
    :raises ValidationFailed: a change cannot be applied, or the status does not allow it.
    """
    actor = portal_scope.actor_of(actor)
    source = f"submission:{submission_id}"
    try:
        with audit.acting_as(actor.user_id, source):
            submission = get_for_officer(session, submission_id, actor, lock=True)
            _transition(submission, SubmissionStatus.ACCEPTED)
            applied = set(submission.applied_changes or [])
            changes = [c for i, c in enumerate(proposed_changes(session, submission))
                       if i not in applied]
            # Once part was applied by the item's own officer, the rest is checked row by row.
            item_case = None if applied else submission.case_id
            apply_changes(session, changes, actor, source=source, case_id=item_case)
            submission.processed_by_id = actor.user_id
            submission.processed_at = utcnow()
            session.flush()
            session.commit()
    except (IntegrityError, DataError) as exc:
        # A constraint or a column's range refused a value the form let through.
        session.rollback()
        raise ValidationFailed(
            _l("The register refused the changes; nothing was applied."), "changes"
        ) from exc
    except BaseException:
        session.rollback()
        raise
    return submission


@dataclass(frozen=True)
class PendingChange:
    """One proposed change of a submission, as the officer looking at it may act on it."""

    change: ProposedChange
    #: applied earlier by an officer who could apply only some of the changes
    applied: bool
    #: whether this officer may apply it (the rule of ``intake.changes.check_rights``)
    allowed: bool


def pending_changes(
    session: Session, submission: Submission, actor: access.Actor
) -> list[PendingChange]:
    """The submission's proposed changes, each marked applied already and allowed to ``actor``."""
    applied = set(submission.applied_changes or [])
    return [
        PendingChange(change, i in applied, i not in applied and may_apply(session, change, actor))
        for i, change in enumerate(proposed_changes(session, submission))
    ]


def apply_permitted(session: Session, submission_id: int, actor: access.Actor) -> Submission:
    """Apply the changes the officer may apply; the rest wait for an officer who may.

    When nothing else remains, this is :func:`accept`. Otherwise the submission stays in
    processing and remembers what was applied, so nothing is applied twice.

    :raises NotFound: the submission is not in the officer's scope.
    :raises AccessDenied: the officer may apply none of the remaining changes.
    :raises ValidationFailed: a change cannot be applied, or the status does not allow it.
    """
    actor = portal_scope.actor_of(actor)
    source = f"submission:{submission_id}"
    try:
        with audit.acting_as(actor.user_id, source):
            submission = get_for_officer(session, submission_id, actor, lock=True)
            if submission.status not in (SubmissionStatus.RECEIVED,
                                         SubmissionStatus.IN_PROCESSING):
                _transition(submission, SubmissionStatus.ACCEPTED)  # raises with the reason
            rows = pending_changes(session, submission, actor)
            remaining = [(i, r) for i, r in enumerate(rows) if not r.applied]
            if all(r.allowed for _, r in remaining) and (
                    submission.case_id is None or submission.applied_changes
                    or access.can_add_to_case(session, submission.case_id, actor)):
                session.rollback()
                return accept(session, submission_id, actor)
            chosen = _applicable(remaining)
            if not chosen:
                raise AccessDenied(_l("You may not change records of this case."))
            apply_changes(session, [r.change for _, r in chosen], actor, source=source)
            if submission.status is SubmissionStatus.RECEIVED:
                _transition(submission, SubmissionStatus.IN_PROCESSING)
            submission.applied_changes = sorted(
                {*(submission.applied_changes or []), *(i for i, _ in chosen)})
            session.flush()
            session.commit()
    except (IntegrityError, DataError) as exc:
        session.rollback()
        raise ValidationFailed(
            _l("The register refused the changes; nothing was applied."), "changes"
        ) from exc
    except BaseException:
        session.rollback()
        raise
    return submission


def _applicable(
    remaining: list[tuple[int, PendingChange]],
) -> list[tuple[int, PendingChange]]:
    """The allowed, problem-free changes, without those that point at a skipped new record."""
    chosen: list[tuple[int, PendingChange]] = []
    made: set[str] = set()
    for i, row in remaining:
        refs = {v.name for v in row.change.values.values() if isinstance(v, Ref)}
        if row.allowed and not row.change.problem and refs <= made:
            chosen.append((i, row))
            if row.change.ref:
                made.add(row.change.ref)
    return chosen


def _required_text(value: str | None, field: str, limit: int, missing: Any, too_long: Any) -> str:
    """``value`` stripped; :class:`ValidationFailed` on ``field`` when empty or too long."""
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(missing, field)
    if len(value) > limit:
        raise ValidationFailed(too_long, field)
    return value


def reject(session: Session, submission_id: int, actor: access.Actor, reason: str) -> Submission:
    """Reject the submission with a reason the submitter will read.

    :raises ValidationFailed: without a reason (field ``reason``) or in the wrong status.
    """
    actor = portal_scope.actor_of(actor)
    reason = _required_text(
        reason, "reason", MAX_REASON_LENGTH, _l("Give the reason for rejecting."),
        _l("The reason may be at most %(n)s characters.", n=MAX_REASON_LENGTH),
    )
    try:
        submission = get_for_officer(session, submission_id, actor, lock=True)
        _transition(submission, SubmissionStatus.REJECTED)
        submission.rejection_reason = reason
        submission.processed_by_id = actor.user_id
        submission.processed_at = utcnow()
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return submission


def answer(session: Session, submission_id: int, actor: access.Actor, text: str) -> Submission:
    """Reply to an accepted or rejected submission; queue an e-address notice if there is one.

    A client is notified when their e-address is active; an employer's or volunteer's reply
    is queued for the submitting account (the e-address connector resolves the address).

    :raises ValidationFailed: without a text (field ``reply``) or in the wrong status.
    """
    actor = portal_scope.actor_of(actor)
    text = _required_text(
        text, "reply", MAX_REPLY_LENGTH, _l("Write the reply."),
        _l("The reply may be at most %(n)s characters.", n=MAX_REPLY_LENGTH),
    )
    try:
        submission = get_for_officer(session, submission_id, actor, lock=True)
        _transition(submission, SubmissionStatus.ANSWERED)
        submission.reply = text
        submission.replied_at = utcnow()
        notice = _notice(session, submission)
        if notice is not None:
            session.add(notice)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return submission


def _notice(session: Session, submission: Submission) -> OutgoingNotice | None:
    if submission.audience is Audience.CLIENT:
        client = session.get(Client, submission.client_id) if submission.client_id else None
        if client is None or not client.e_address_active:
            return None
        language = client.preferred_language.value
        client_id: int | None = client.id
    else:
        user = session.get(PlusUser, submission.submitted_by_id)
        language = (user.preferred_language if user else None) or submission.locale
        client_id = None
    from portal.services.intake import forms

    defn = forms.parsed(submission.version)
    language = fe.normalize_locale(language)
    with force_locale(language):
        subject = _("Reply to your submission “%(form)s” no. %(id)s",
                    form=defn.title(language), id=submission.id)
    return OutgoingNotice(
        client_id=client_id,
        user_id=submission.submitted_by_id,
        submission_id=submission.id,
        subject=subject[:200],
        body=submission.reply or "",
    )
