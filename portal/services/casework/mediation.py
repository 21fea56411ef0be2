"""The mediation agreement and its follow-up: the agreement's date, its terms (what is to be
done by when), the officer's record of each term's fulfilment, and the agreement's
fulfilment that follows from the terms. Where a session is held (a prison names its place).

Who sees the terms: whoever sees the mediation (``access.condition``); the victim's own data
stays behind ``access.victim_visible``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from portal.models import (
    AgreementFulfilment,
    Case,
    Mediation,
    MediationOutcome,
    MediationTerm,
    SessionPlace,
    TermStatus,
)
from portal.services.casework import rules
from portal.services.errors import ValidationFailed


def _d(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def _member(enum_cls: Any, value: Any) -> Any:
    # A form may hand over the member or its stored value.
    if value is None or value == "" or isinstance(value, enum_cls):
        return value or None
    try:
        return enum_cls(value)
    except ValueError:
        return None


def check_agreement(outcome: MediationOutcome | None, agreement_date: dt.date | None,
                    today: dt.date | None = None) -> None:
    """An agreement's date only for a reconciliation, and not in the future.

    :raises ValidationFailed: on ``agreement_date``.
    """
    if agreement_date is None:
        return
    outcome = _member(MediationOutcome, outcome)
    if outcome is not MediationOutcome.RECONCILED:
        raise ValidationFailed(
            _l("An agreement is recorded only when the parties reconciled: choose that "
               "outcome or leave the date empty."), "agreement_date")
    if agreement_date > (today or rules.today()):
        raise ValidationFailed(_l("The date cannot be in the future."), "agreement_date")


def check_term_due(mediation: Mediation | None, due: dt.date | None) -> None:
    """A term belongs to a recorded agreement and is due no earlier than the agreement.

    :raises ValidationFailed: on ``mediation`` (no agreement yet) or ``due_date``.
    """
    if mediation is None or due is None:
        return
    if mediation.agreement_date is None:
        raise ValidationFailed(
            _l("Record the agreement's date on the mediation before its terms."), "mediation")
    if due < mediation.agreement_date:
        raise ValidationFailed(
            _l("A term cannot be due before the agreement (%(date)s).",
               date=_d(mediation.agreement_date)), "due_date")


def check_follow_up(mediation: Mediation | None, status: TermStatus | None,
                    checked_on: dt.date | None, today: dt.date | None = None) -> None:
    """A fulfilled or unfulfilled term carries the day it was checked: not in the future,
    not before the agreement; an open term has none.

    :raises ValidationFailed: on ``checked_on``.
    """
    status = _member(TermStatus, status) or TermStatus.PENDING
    if status is TermStatus.PENDING:
        if checked_on is not None:
            raise ValidationFailed(
                _l("A term not yet checked has no check date: choose fulfilled or not "
                   "fulfilled, or leave the date empty."), "checked_on")
        return
    if checked_on is None:
        raise ValidationFailed(_l("Give the date the fulfilment was checked."), "checked_on")
    if checked_on > (today or rules.today()):
        raise ValidationFailed(_l("The date cannot be in the future."), "checked_on")
    if mediation is not None and mediation.agreement_date is not None \
            and checked_on < mediation.agreement_date:
        raise ValidationFailed(
            _l("A term cannot be checked before the agreement (%(date)s).",
               date=_d(mediation.agreement_date)), "checked_on")


def check_place(place_type: SessionPlace | None, place: str | None) -> None:
    """A session outside the VPD office names its place (which prison, which court).

    :raises ValidationFailed: on ``place``.
    """
    place_type = _member(SessionPlace, place_type)
    if place_type not in (None, SessionPlace.OFFICE) and not (place or "").strip():
        raise ValidationFailed(
            _l("Name the prison or the place where the session is held."), "place")


def fulfilment_of(statuses: list[TermStatus]) -> AgreementFulfilment | None:
    """The agreement's fulfilment from its terms: none without terms, not fulfilled once a
    term is not, fulfilled when every term is, in progress otherwise."""
    if not statuses:
        return None
    if TermStatus.NOT_FULFILLED in statuses:
        return AgreementFulfilment.NOT_FULFILLED
    if all(s is TermStatus.FULFILLED for s in statuses):
        return AgreementFulfilment.FULFILLED
    return AgreementFulfilment.IN_PROGRESS


def follow_up(session: Session, mediation_id: int) -> AgreementFulfilment | None:
    """Bring the mediation's fulfilment in line with its terms (caller commits)."""
    mediation = session.get(Mediation, mediation_id)
    if mediation is None:
        return None
    statuses = list(session.scalars(
        select(MediationTerm.status).where(MediationTerm.mediation_id == mediation_id)))
    value = fulfilment_of(statuses) if mediation.agreement_date is not None else None
    if mediation.fulfilment != value:
        mediation.fulfilment = value
    return value


def add_term(session: Session, mediation: Mediation, description: str, due: dt.date) -> MediationTerm:
    """Add a term to the mediation's agreement (caller commits).

    :raises ValidationFailed: without a description, without an agreement date, or due
        before the agreement.
    """
    if not (description or "").strip():
        raise ValidationFailed(_l("Describe what is to be done."), "description")
    check_term_due(mediation, due)
    term = MediationTerm(mediation_id=mediation.id, case_id=mediation.case_id,
                         description=description.strip(), due_date=due)
    session.add(term)
    session.flush()
    follow_up(session, mediation.id)
    return term


def record(session: Session, term: MediationTerm, status: TermStatus, checked_on: dt.date | None,
           note: str | None = None, today: dt.date | None = None) -> None:
    """Record the fulfilment of a term as checked on ``checked_on`` (caller commits).

    :raises ValidationFailed: on ``checked_on`` (see :func:`check_follow_up`).
    """
    mediation = session.get(Mediation, term.mediation_id)
    check_follow_up(mediation, status, checked_on, today)
    term.status = status
    term.checked_on = checked_on
    if note is not None:
        term.note = note.strip() or None
    session.flush()
    follow_up(session, term.mediation_id)


def overdue_terms(session: Session, scope: ColumnElement[bool], today: dt.date,
                  limit: int) -> list[dict[str, Any]]:
    """Worklist rows: terms past their date that nobody has found fulfilled or not."""
    stmt = (
        select(MediationTerm, Case).join(Case, MediationTerm.case_id == Case.id)
        .where(and_(scope, MediationTerm.status == TermStatus.PENDING,
                    MediationTerm.due_date < today))
        .order_by(MediationTerm.due_date).limit(limit)
    )
    return [
        {"case_id": case.id, "number": case.number, "client": case.client.full_name,
         "function": case.function, "term": term.description, "due": term.due_date,
         # a manager's worklist names each row's responsible officer
         "officer": case.officer.get_full_name() if case.officer is not None else ""}
        for term, case in session.execute(stmt)
    ]
