"""Notices to the state e-address: replies to portal submissions and summons to meetings.

The rules, applied here once whatever screen, API call, task or intake makes the change
(a ``before_flush`` listener, so in the same transaction as the change):

* every new :class:`~portal.models.OutgoingNotice` gets one outbox message for the
  ``eaddress`` connector; its idempotency key (``eaddress:notice:<uuid>``) is made once per
  notice, and the e-address system stores a message once per key, so a delivery retried after
  a lost answer is not doubled;
* scheduling a meeting with a client (a new, not yet held meeting in the future, or a meeting
  moved to another time) queues a *summons* notice — date, time, place, officer — to the
  client;
* the notice follows its outbox message: sent; failed (``no_e_address`` when the person has
  no active e-address, so the officer must summon them another way; ``delivery_failed``
  after the last retry); queued again when an admin retries it. :func:`refresh_deliveries`
  then asks the e-address system which sent notices reached the mailbox (delivered) or were
  read.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from flask import current_app, has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from portal import formsengine as fe
from portal.formatting import local_zone
from portal.models import (
    Case,
    Client,
    Employer,
    ExchangeMessage,
    ExchangeStatus,
    Meeting,
    NoticeKind,
    NoticeStatus,
    OutgoingNotice,
    PlusUser,
    Submission,
)
from portal.models.base import utcnow
from portal.services import access
from portal.services.exchanges import outbox

__all__ = [
    "CONNECTOR", "NO_E_ADDRESS", "for_case", "install", "refresh_deliveries", "summons_by_meeting",
]

CONNECTOR = "eaddress"
SYSTEM = "E-adrese"
#: failure reasons (OutgoingNotice.failure_reason), translated by the screens
NO_E_ADDRESS = "no_e_address"
DELIVERY_FAILED = "delivery_failed"
# The e-address system's error code for a person without an active e-address.
_NO_ACTIVE_ADDRESS = "no_active_e_address"


# -- queueing --------------------------------------------------------------------------------


def _recipient(session: Session, notice: OutgoingNotice) -> str | None:
    """Whose mailbox: the client's personal code, else the submitting employer's
    registration number (a volunteer's account holds no code to address)."""
    if notice.client_id is not None:
        client = session.get(Client, notice.client_id)
        return client.personal_code if client is not None else None
    user = session.get(PlusUser, notice.user_id) if notice.user_id is not None else None
    if user is not None and user.client_id is not None:
        client = session.get(Client, user.client_id)
        return client.personal_code if client is not None else None
    if user is not None and user.employer_id is not None:
        employer = session.get(Employer, user.employer_id)
        return employer.registration_number if employer is not None else None
    return None


def _queue(session: Session, notice: OutgoingNotice, meeting: dict[str, str] | None) -> None:
    """Give a new notice its outbox message (or fail it at once when it has no address)."""
    if notice.case_id is None and notice.submission_id is not None:
        submission = session.get(Submission, notice.submission_id)
        notice.case_id = submission.case_id if submission is not None else None
    case = session.get(Case, notice.case_id) if notice.case_id is not None else None
    recipient = _recipient(session, notice)
    if not recipient:
        notice.status = NoticeStatus.FAILED
        notice.failure_reason = NO_E_ADDRESS
        return
    payload: dict[str, Any] = {"recipient": recipient, "subject": notice.subject,
                               "body": notice.body}
    if meeting is not None:
        payload["meeting"] = meeting
    notice.status = NoticeStatus.QUEUED
    notice.exchange_message = outbox.enqueue(
        session, connector=CONNECTOR, system=SYSTEM,
        kind="summons" if notice.kind is NoticeKind.SUMMONS else "notice",
        key=f"eaddress:notice:{uuid.uuid4().hex}", payload=payload,
        case_id=notice.case_id, client_id=notice.client_id,
        unit_id=case.unit_id if case is not None else None,
    )


def _meeting_details(session: Session, meeting: Meeting, case: Case) -> dict[str, str]:
    at = meeting.scheduled_at
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    local = at.astimezone(local_zone())
    officer_id = meeting.officer_id or case.officer_id
    officer = session.get(PlusUser, officer_id) if officer_id is not None else None
    return {
        "date": local.strftime("%d.%m.%Y"),
        "time": local.strftime("%H:%M"),
        "place": meeting.place or "",
        "officer": f"{officer.first_name} {officer.last_name}".strip() if officer else "",
    }


def _enabled() -> bool:
    """Whether the e-address connector is on the allow-list (else officers summon clients
    as before, and no summons waits for a connector that will never send it)."""
    if not has_app_context():
        return False
    return CONNECTOR in (current_app.config.get("CONNECTORS_ENABLED") or ())


def _summons(session: Session, meeting: Meeting) -> None:
    """Queue a summons for a meeting just scheduled (or moved), if it is still to come."""
    if meeting.held or meeting.scheduled_at is None or not _enabled():
        return
    at = meeting.scheduled_at if meeting.scheduled_at.tzinfo else meeting.scheduled_at.replace(
        tzinfo=dt.UTC)
    if at <= utcnow():
        return  # a meeting typed in afterwards is no summons
    case = meeting.case if meeting.case is not None else session.get(Case, meeting.case_id)
    if case is None:
        return
    client = session.get(Client, case.client_id)
    if client is None:
        return
    details = _meeting_details(session, meeting, case)
    language = fe.normalize_locale(client.preferred_language.value
                                   if client.preferred_language else None)
    with force_locale(language):
        subject = _("Summons to a meeting at the State Probation Service")
        body = _("You are summoned to a meeting at the State Probation Service on %(date)s at "
                 "%(time)s, place: %(place)s. Probation officer: %(officer)s. Case no. "
                 "%(case)s.", date=details["date"], time=details["time"],
                 place=details["place"] or "—", officer=details["officer"] or "—",
                 case=case.number)
    notice = OutgoingNotice(
        kind=NoticeKind.SUMMONS, client_id=client.id, case_id=case.id, meeting=meeting,
        subject=subject[:200], body=body,
    )
    session.add(notice)
    _queue(session, notice, details)


# -- following the outbox ----------------------------------------------------------------


def _follow(session: Session, message: ExchangeMessage) -> None:
    """Mirror an e-address outbox message's new status onto its notice."""
    hist = inspect(message).attrs["status"].history
    if not hist.has_changes() or message.id is None:
        return
    notice = session.scalars(
        select(OutgoingNotice).where(OutgoingNotice.exchange_message_id == message.id)
    ).first()
    if notice is None:
        return
    if message.status is ExchangeStatus.SENT:
        notice.status = NoticeStatus.SENT
        notice.sent_at = message.processed_at or utcnow()
        notice.failure_reason = None
    elif message.status is ExchangeStatus.FAILED:
        notice.status = NoticeStatus.FAILED
        error = (message.response or {}).get("error")
        notice.failure_reason = NO_E_ADDRESS if error == _NO_ACTIVE_ADDRESS else DELIVERY_FAILED
    elif message.status is ExchangeStatus.QUEUED:
        notice.status = NoticeStatus.QUEUED
        notice.failure_reason = None


def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    with session.no_autoflush:
        for obj in list(session.new):
            if isinstance(obj, Meeting):
                _summons(session, obj)
            elif (isinstance(obj, OutgoingNotice) and obj.exchange_message is None
                  and obj.kind is not NoticeKind.SUMMONS and obj.status is not
                  NoticeStatus.FAILED):
                _queue(session, obj, None)
        for obj in list(session.dirty):
            if isinstance(obj, Meeting) and obj.id is not None:
                moved = inspect(obj).attrs["scheduled_at"].history
                if moved.has_changes() and moved.deleted and moved.added \
                        and moved.added[0] != moved.deleted[0]:
                    _summons(session, obj)
            elif isinstance(obj, ExchangeMessage) and obj.connector == CONNECTOR:
                _follow(session, obj)


def install(session: Any) -> None:
    """Attach the notice rules (and the outbox's after-commit kick) to a session."""
    if not event.contains(session, "before_flush", _before_flush):
        event.listen(session, "before_flush", _before_flush)
    outbox.install(session)


# -- delivery status ---------------------------------------------------------------------


def refresh_deliveries(session: Session, connector: Any, *, limit: int = 200) -> int:
    """Ask the e-address system about sent notices not yet read; returns how many changed.

    ``connector`` is the ``eaddress`` connector (its ``delivery_status(receipt)``); a notice
    whose status cannot be asked now is asked again next time. Commits.
    """
    from portal.services.exchanges.shapes import BadMessage, TransientError

    rows = session.execute(
        select(OutgoingNotice, ExchangeMessage)
        .join(ExchangeMessage, OutgoingNotice.exchange_message_id == ExchangeMessage.id)
        .where(OutgoingNotice.status.in_((NoticeStatus.SENT, NoticeStatus.DELIVERED)),
               OutgoingNotice.read_at.is_(None))
        .order_by(OutgoingNotice.id).limit(limit)
    ).all()
    changed = 0
    for notice, message in rows:
        receipt = (message.response or {}).get("receipt")
        if not isinstance(receipt, str):
            continue
        try:
            answer = connector.delivery_status(receipt)
        except TransientError:
            break  # the system is down: everything waits for the next round
        except BadMessage:
            continue
        status = answer.get("status")
        if status in ("delivered", "read") and notice.status is not NoticeStatus.DELIVERED:
            notice.status = NoticeStatus.DELIVERED
            notice.delivered_at = _stamp(answer.get("delivered_at")) or utcnow()
            changed += 1
        if status == "read" and notice.read_at is None:
            notice.read_at = _stamp(answer.get("read_at")) or utcnow()
            changed += 1
    session.commit()
    return changed


def _stamp(value: Any) -> dt.datetime | None:
    try:
        stamp = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


# -- reading -------------------------------------------------------------------------------


def for_case(session: Session, case_id: int, actor: access.Actor) -> list[OutgoingNotice]:
    """The e-address notices about a case, newest first, if the actor may see them."""
    return list(session.scalars(
        select(OutgoingNotice)
        .where(OutgoingNotice.case_id == case_id, access.condition(OutgoingNotice, actor))
        .order_by(OutgoingNotice.id.desc())
    ))


def summons_by_meeting(notices: list[OutgoingNotice]) -> dict[int, OutgoingNotice]:
    """The latest summons of each meeting among ``notices`` (newest first), by meeting id."""
    latest: dict[int, OutgoingNotice] = {}
    for notice in notices:
        if notice.kind is NoticeKind.SUMMONS and notice.meeting_id is not None:
            latest.setdefault(notice.meeting_id, notice)
    return latest
