"""Retention: the data of people whose cases closed long ago is anonymised.

The rule: when every case of a client is closed and the last one closed more than
``RETENTION_DAYS_AFTER_CLOSURE`` days ago (config.py; the legal deadline), the client and
their cases are anonymised. A client with any case still open is left alone, and so are all
their cases: the period runs from the closure of the person's last case.

Nothing is erased by the scheduled job itself: it makes a dry run (:func:`propose`), a
``RetentionReview`` that lists the client and case ids it found; an administrator reads it on
the retention screen and confirms it (:func:`confirm`), which checks each client again.

What anonymising keeps and drops:

* kept, for open data and the result indicators: gender, birth year (the date becomes
  1 January of that year), the unit, every case's function, status, closure reason, dates and
  hours, the decision's type, dates, offence category (violent, sexual, Criminal Law
  articles) and amounts, meetings' dates and economic activity, risk levels, programme
  participation, mediation outcomes, hours logs, submissions' form, status and dates;
* dropped: names, personal code (a unique placeholder takes its place), address, phone,
  e-mail, the personal data form's citizenship, identity document (type, number, expiry),
  family status, dependants and minor children in care, what registries answered
  (education, disability, employment and income, social status) and the exchange messages about the client (their payload and answer), every free text (notes, descriptions, findings, reports, agreements, submission
  data, replies), decision and request numbers, mediation parties' identities, documents and
  submission attachments (rows and files); the client's portal account is switched off and
  stripped of name and e-mail.

The change history keeps that the records changed, not what they held: every value in the
history of those records is replaced by ``***``, and one entry says that the retention
review anonymised the client.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import case as sql_case
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from portal.models import (
    Case,
    CaseStatus,
    ChangeLog,
    Client,
    ControlAct,
    Decision,
    Document,
    EvaluationReport,
    EvaluationReportRequest,
    EvaluationReportVersion,
    ExchangeMessage,
    HoursLog,
    Mediation,
    MediationParty,
    MediationSession,
    MediationTerm,
    Meeting,
    MeetingGoalProgress,
    NoShow,
    Obligation,
    OutgoingNotice,
    PlanActivity,
    PlanGoal,
    PlusUser,
    PortalInvitation,
    RetentionReview,
    RetentionStatus,
    RiskNeedsAssessment,
    Submission,
    SubmissionAttachment,
    SupervisionPlan,
    SupervisionStart,
    Violation,
    VolunteerTask,
    WorkAssignment,
    WorkIncident,
)
from portal.models.base import utcnow
from portal.services import access, audit
from portal.services.casework import personal_data
from portal.services.errors import AccessDenied, NotFound, ValidationFailed
from portal.services.exchanges import answers

#: what stands in for an erased required text
ERASED = "—"
#: what stands in for every value in the change history of anonymised records
ERASED_VALUE = "***"

# Per model reached through the case: the columns erased and what they become.
_CASE_CHILDREN: dict[type, dict[str, Any]] = {
    SupervisionPlan: {"goals": None, "actions": None},
    PlanGoal: {"goal": ERASED},
    PlanActivity: {"description": ERASED},
    MeetingGoalProgress: {"note": None},
    SupervisionStart: {"note": None},
    Obligation: {"description": ERASED},
    Meeting: {"place": None, "notes": None},
    Violation: {"description": ERASED, "action_taken": None},
    RiskNeedsAssessment: {"needs": None, "summary": None},
    WorkAssignment: {"place": ERASED, "referral_number": None},
    Mediation: {"agreement": None},
    EvaluationReportRequest: {"request_number": None},
    VolunteerTask: {"task": ERASED},
}
_ASSIGNMENT_CHILDREN: dict[type, dict[str, Any]] = {
    HoursLog: {"note": None},
    ControlAct: {"findings": None},
    NoShow: {"explanation": None},
    WorkIncident: {"description": ERASED},
}
_MEDIATION_CHILDREN: dict[type, dict[str, Any]] = {
    MediationParty: {"given_name": ERASED, "surname": ERASED, "personal_code": None,
                     "address": None, "phone": None, "email": None},
    # A session in a prison keeps a (blanked) place: its place type requires one.
    MediationSession: {"place": ERASED, "notes": None, "calendar_booking_id": None},
    # A term may name the victim ("pays Jānis Bērziņš EUR 200").
    MediationTerm: {"description": ERASED, "note": None},
}
_REPORT = {"thinking": None, "behaviour": None, "attitudes": None,
           "social_circumstances": None, "victim_rights": None, "suggested_obligations": None,
           "conclusion": None, "reference": None}
# A submitted version takes no change but this one (EvaluationReportVersion's guard).
_REPORT_VERSION = {k: v for k, v in _REPORT.items() if k != "reference"}


def cutoff_for(today: dt.date, retention_days: int) -> dt.date:
    """The day before which a last closure is past the retention period."""
    return today - dt.timedelta(days=retention_days)


def _closure_day() -> Any:
    # A closed case's end date is its closure; without one, its last change (a closed
    # case takes no further transitions, so that is when it was closed).
    return func.coalesce(Case.end_date, func.date(Case.updated_at))


def candidates(session: Session, cutoff: dt.date,
               among: Iterable[int] | None = None) -> dict[int, list[int]]:
    """Clients (with their case ids) whose cases are all closed, the last before ``cutoff``.

    ``among`` limits the search to these client ids (the re-check at confirmation).
    """
    open_cases = func.sum(sql_case((Case.status != CaseStatus.CLOSED, 1), else_=0))
    stmt = (
        select(Case.client_id)
        .join(Client, Client.id == Case.client_id)
        .where(Client.anonymised_at.is_(None))
        .group_by(Case.client_id)
        .having(open_cases == 0, func.max(_closure_day()) < cutoff)
    )
    if among is not None:
        stmt = stmt.where(Case.client_id.in_(list(among)))
    client_ids = list(session.scalars(stmt))
    result: dict[int, list[int]] = {cid: [] for cid in client_ids}
    if client_ids:
        for case_id, client_id in session.execute(
            select(Case.id, Case.client_id).where(Case.client_id.in_(client_ids))
            .order_by(Case.id)
        ):
            result[client_id].append(case_id)
    return result


def propose(session: Session, today: dt.date, retention_days: int) -> RetentionReview | None:
    """The dry run: a review of the clients past the retention period (None when none are).

    A review still awaiting confirmation is replaced by the new one (cancelled), so the
    screen always shows one current proposal.
    """
    cutoff = cutoff_for(today, retention_days)
    found = candidates(session, cutoff)
    for old in session.scalars(
        select(RetentionReview).where(RetentionReview.status == RetentionStatus.PROPOSED)
    ):
        old.status = RetentionStatus.CANCELLED
        old.decided_at = utcnow()
    if not found:
        return None
    review = RetentionReview(
        cutoff=cutoff,
        status=RetentionStatus.PROPOSED,
        report={"clients": sorted(found),
                "cases": sorted(c for cases in found.values() for c in cases)},
    )
    session.add(review)
    session.flush()
    return review


def _pending(session: Session, review_id: int, actor: access.Actor) -> RetentionReview:
    if not access.can_manage_personal_data(actor):
        raise AccessDenied("retention")
    review = session.get(RetentionReview, review_id)
    if review is None:
        raise NotFound("retention review")
    if review.status is not RetentionStatus.PROPOSED:
        raise ValidationFailed("This review has already been decided.", "status")
    return review


def cancel(session: Session, review_id: int, actor: access.Actor) -> RetentionReview:
    """Refuse a proposed review: nothing is erased.

    :raises AccessDenied: for anyone but an administrator.
    :raises NotFound: for an unknown review.
    :raises ValidationFailed: when the review was already decided.
    """
    review = _pending(session, review_id, actor)
    review.status = RetentionStatus.CANCELLED
    review.decided_by_id = actor.user_id
    review.decided_at = utcnow()
    return review


def confirm(session: Session, review_id: int, actor: access.Actor) -> list[str]:
    """Anonymise the clients of a proposed review that still qualify.

    Each client is checked again against the review's cutoff (one may have got a new case
    since the dry run). Returns the storage keys of the files to remove once the caller has
    committed (``documents.remove``), so a rollback never leaves rows without their files.

    :raises AccessDenied: for anyone but an administrator.
    :raises NotFound: for an unknown review.
    :raises ValidationFailed: when the review was already decided.
    """
    review = _pending(session, review_id, actor)
    still = candidates(session, review.cutoff, among=review.report.get("clients", []))
    keys: list[str] = []
    with audit.acting_as(actor.user_id, f"retention:{review.id}"):
        for client_id, case_ids in still.items():
            keys.extend(anonymise_client(session, client_id, case_ids, review.id))
    review.status = RetentionStatus.CONFIRMED
    review.decided_by_id = actor.user_id
    review.decided_at = utcnow()
    review.anonymised = len(still)
    return keys


def _erase(session: Session, model: type, where: Any, values: dict[str, Any]) -> None:
    # Row by row through the ORM (not a bulk UPDATE), so the change history sees each change.
    for obj in session.scalars(select(model).where(where)):
        for key, value in values.items():
            setattr(obj, key, value)


def anonymise_client(session: Session, client_id: int, case_ids: list[int],
                     review_id: int | None = None) -> list[str]:
    """Erase the identifying data of one client and their cases; return file keys to remove."""
    client = session.get(Client, client_id)
    if client is None:
        return []
    keys: list[str] = []
    in_cases = list(case_ids)
    for model, values in _CASE_CHILDREN.items():
        _erase(session, model, model.case_id.in_(in_cases), values)  # type: ignore[attr-defined]
    assignments = select(WorkAssignment.id).where(WorkAssignment.case_id.in_(in_cases))
    for model, values in _ASSIGNMENT_CHILDREN.items():
        _erase(session, model, model.assignment_id.in_(assignments), values)  # type: ignore[attr-defined]
    mediations = select(Mediation.id).where(Mediation.case_id.in_(in_cases))
    for model, values in _MEDIATION_CHILDREN.items():
        _erase(session, model, model.mediation_id.in_(mediations), values)  # type: ignore[attr-defined]
    requests = select(EvaluationReportRequest.id).where(
        EvaluationReportRequest.case_id.in_(in_cases))
    _erase(session, EvaluationReport, EvaluationReport.request_id.in_(requests), _REPORT)
    _erase(session, EvaluationReportVersion, EvaluationReportVersion.case_id.in_(in_cases),
           _REPORT_VERSION)
    _erase(session, Case, Case.id.in_(in_cases), {"notes": None})
    _erase(session, Decision, or_(Decision.client_id == client_id,
                                  Decision.id.in_(select(Case.decision_id)
                                                  .where(Case.id.in_(in_cases)))),
           {"number": ERASED, "penalty_details": None, "external_id": None})
    for doc in session.scalars(select(Document).where(Document.case_id.in_(in_cases))):
        keys.append(doc.storage_key)
        session.delete(doc)
    about = or_(Submission.client_id == client_id, Submission.case_id.in_(in_cases))
    attachment_ids = []
    for attachment in session.scalars(
        select(SubmissionAttachment).where(
            SubmissionAttachment.submission_id.in_(select(Submission.id).where(about)))
    ):
        keys.append(attachment.storage_key)
        attachment_ids.append(attachment.id)
        session.delete(attachment)
    _erase(session, Submission, about, {"data": {}, "rejection_reason": None, "reply": None})
    _erase(session, OutgoingNotice, OutgoingNotice.client_id == client_id,
           {"subject": ERASED, "body": ERASED})
    for user in session.scalars(select(PlusUser).where(PlusUser.client_id == client_id)):
        session.execute(delete(PortalInvitation).where(PortalInvitation.user_id == user.id))
        user.active = False
        user.first_name = user.last_name = ERASED
        user.username = f"anonymised-{user.id}"
        user.email = f"anonymised-{user.id}@invalid"
        user.phone = None
    client.given_name = client.surname = ERASED
    # Unique and not a personal code (a letter and 10 digits never match DDMMYY-NNNNN).
    client.personal_code = f"A-{client.id:010d}"
    client.birth_date = dt.date(client.birth_date.year, 1, 1)
    client.address = client.phone = client.email = None
    client.e_address_active = False
    for column in (*answers.SAVED_COLUMNS, *personal_data.COLUMNS):
        setattr(client, column, None)
    # The messages carried the personal code, decisions and registry answers.
    _erase(session, ExchangeMessage, ExchangeMessage.client_id == client_id,
           {"payload": {"erased": True}, "response": None})
    client.anonymised_at = utcnow()
    session.flush()  # the change history of these changes is written now ...
    # ... and emptied of its values with the rest (attachments' history names no case).
    scrub_history(session, client_id, in_cases, {"SubmissionAttachment": attachment_ids})
    session.add(ChangeLog(
        at=utcnow(), user_id=audit._current_actor()[0], action="anonymise", entity="Client",
        entity_id=client_id, client_id=client_id, changes={"retention_review": review_id},
        source=f"retention:{review_id}" if review_id else "retention",
    ))
    return keys


def scrub_history(session: Session, client_id: int, case_ids: list[int],
                  others: dict[str, list[int]] | None = None) -> int:
    """Replace every value in the change history of a client and their cases by ``***``.

    ``others`` names further records (entity name: ids) whose history names no case.
    The entries stay (who changed which record, when, which fields): that it happened.
    """
    conditions = [ChangeLog.client_id == client_id, ChangeLog.case_id.in_(case_ids)]
    for entity, ids in (others or {}).items():
        if ids:
            conditions.append((ChangeLog.entity == entity) & ChangeLog.entity_id.in_(ids))
    rows = session.execute(
        select(ChangeLog.id, ChangeLog.changes).where(or_(*conditions))
    ).all()
    for row_id, changes in rows:
        scrubbed = {key: [ERASED_VALUE, ERASED_VALUE] for key in (changes or {})}
        session.execute(update(ChangeLog).where(ChangeLog.id == row_id)
                        .values(changes=scrubbed))
    return len(rows)
