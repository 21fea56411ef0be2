"""Inbound messages: stored once, turned into proposed changes, reviewed, applied.

The steps for every inbound connector (decisions from TIS, ProIS and IeVP IS, monitoring
events ...):

1. :func:`receive` checks the message's shape (size, depth, schema) and stores it once, keyed
   by ``<connector>:<sender's id>`` — a second delivery, also a concurrent one, finds the
   stored row. A bad message is stored as *rejected* with its reason, never applied.
2. :func:`process` asks the connector for its :class:`Proposal` (through the intake pipeline's
   :class:`~portal.services.intake.ProposedChange`) and routes it to a unit's inbox. When the
   proposal changes nothing that the register does not already hold (an exact duplicate, e.g.
   a decision re-sent under a new message id), it is applied without review.
3. An officer of the unit reviews it beside the case data and :func:`accept` s it (applied in
   one transaction; change history source ``<connector>:<message id>``) or :func:`dismiss` es
   it with a reason.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from portal.models import Direction, ExchangeMessage, ExchangeStatus
from portal.models.base import utcnow
from portal.services import access, audit, intake
from portal.services.errors import IllegalTransition, NotFound, ValidationFailed
from portal.services.exchanges.shapes import BadMessage, check_shape

__all__ = ["Proposal", "accept", "dismiss", "inbox", "process", "proposal_of", "receive"]

MAX_REASON_LENGTH = 4000


@dataclass
class Proposal:
    """What an inbound message would change, and where it belongs.

    ``client_id`` / ``case_id`` are set when the message concerns records that exist (an
    amendment attaches to the case of the decision it amends); ``unit_id`` is the unit whose
    inbox it lands in; ``summary`` is a short text for lists (never a personal code).
    """

    changes: list[intake.ProposedChange] = dataclasses.field(default_factory=list)
    client_id: int | None = None
    case_id: int | None = None
    unit_id: int | None = None
    summary: str = ""

    @property
    def changes_nothing(self) -> bool:
        """True when applying would leave the register as it is (an exact duplicate)."""
        return bool(self.changes) and not any(
            c.changes_something for c in self.changes
        ) and not any(c.problem for c in self.changes)


def _by_key(session: Session, key: str) -> ExchangeMessage | None:
    return session.scalars(
        select(ExchangeMessage).where(ExchangeMessage.idempotency_key == key)
    ).first()


def receive(
    session: Session,
    connector: Any,
    external_id: Any,
    kind: Any,
    payload: Any,
    *,
    max_bytes: int,
    max_depth: int,
) -> tuple[ExchangeMessage, bool]:
    """Store one inbound message once; return it and whether it is new.

    A message that fails :func:`~portal.services.exchanges.shapes.check_shape` or the connector's schema is
    stored with status *rejected* and the reason (admins see it); its payload is replaced by
    a short description when it is too big or too deep to keep. Commits.
    """
    external = str(external_id)[:150] if external_id not in (None, "") else None
    status = ExchangeStatus.RECEIVED
    error = None
    stored_payload = payload
    try:
        if external is None:
            raise BadMessage("the message has no id")
        check_shape(payload, max_bytes=max_bytes, max_depth=max_depth)
        connector.validate(kind, payload)
    except BadMessage as exc:
        status, error = ExchangeStatus.REJECTED, str(exc)
        if not isinstance(payload, dict) or "nests deeper" in error or "bytes" in error:
            stored_payload = {"rejected": error}
    key = f"{connector.name}:{external or 'missing-id-' + utcnow().isoformat()}"
    found = _by_key(session, key)
    if found is not None:
        return found, False
    message = ExchangeMessage(
        connector=connector.name,
        system=connector.system,
        direction=Direction.INBOUND,
        kind=str(kind)[:60] if kind else "unknown",
        correlation_id=external,
        idempotency_key=key,
        payload=stored_payload,
        status=status,
        attempts=0,
        last_error=error,
        processed_at=utcnow() if error else None,
    )
    try:
        session.add(message)
        session.commit()
    except IntegrityError:
        # The same message delivered concurrently: the unique key let one in.
        session.rollback()
        found = _by_key(session, key)
        if found is None:
            raise
        return found, False
    return message, True


def proposal_of(session: Session, connector: Any, message: ExchangeMessage) -> Proposal:
    """The connector's proposal for a stored message (computed afresh, like a submission's).

    :raises BadMessage: the connector cannot understand the message.
    """
    return connector.propose(session, message)


def process(session: Session, connector: Any, message_id: int) -> ExchangeMessage:
    """Route a received message to its unit and apply it at once when it is an exact
    duplicate; a message the connector cannot understand is rejected with the reason.
    Idempotent: a message already routed or decided is left as it is. Commits.
    """
    message = _locked(session, message_id)
    if message.status is not ExchangeStatus.RECEIVED or message.unit_id is not None:
        session.commit()
        return message
    try:
        proposal = proposal_of(session, connector, message)
    except BadMessage as exc:
        message.status = ExchangeStatus.REJECTED
        message.last_error = str(exc)
        message.processed_at = utcnow()
        session.commit()
        return message
    message.unit_id = proposal.unit_id
    message.client_id = proposal.client_id
    message.case_id = proposal.case_id
    if proposal.changes_nothing:
        # Nothing to review: the register already holds exactly this.
        message.status = ExchangeStatus.APPLIED
        message.processed_at = utcnow()
        message.last_error = None
        message.response = {"duplicate": True}
    session.commit()
    return message


def _locked(session: Session, message_id: int, actor: access.Actor | None = None) -> ExchangeMessage:
    stmt = select(ExchangeMessage).where(
        ExchangeMessage.id == message_id, ExchangeMessage.direction == Direction.INBOUND
    )
    if actor is not None:
        stmt = stmt.where(access.condition(ExchangeMessage, actor, write=True))
    message = session.scalars(stmt.with_for_update()).first()
    if message is None:
        raise NotFound(_l("The message does not exist or is not in your unit."))
    return message


def accept(
    session: Session, connector: Any, message_id: int, actor: access.Actor
) -> ExchangeMessage:
    """Apply a received message's proposed changes in one transaction.

    The change history names ``<connector>:<message id>``; rows the message creates (client,
    decision, case) are linked to the message.

    :raises NotFound: the message is not in the officer's unit.
    :raises IllegalTransition: it was already applied, dismissed or rejected.
    :raises AccessDenied: the officer may not change a record it touches.
    :raises ValidationFailed: a change cannot be applied; nothing was.
    """
    source = f"{connector.name}:{message_id}"
    try:
        with audit.acting_as(actor.user_id, source):
            message = _locked(session, message_id, actor)
            if message.status is not ExchangeStatus.RECEIVED:
                raise IllegalTransition(_l("This message has already been processed."), "status")
            proposal = proposal_of(session, connector, message)
            created = intake.apply_changes(
                session, proposal.changes, actor, source=source, connector=True
            )
            _link(message, proposal, created, actor)
            message.status = ExchangeStatus.APPLIED
            message.processed_by_id = actor.user_id
            message.processed_at = utcnow()
            session.commit()
    except (IntegrityError, DataError) as exc:
        session.rollback()
        raise ValidationFailed(
            _l("The register refused the changes; nothing was applied."), "changes"
        ) from exc
    except BaseException:
        session.rollback()
        raise
    return message


def _link(
    message: ExchangeMessage, proposal: Proposal, created: dict[str, Any], actor: access.Actor
) -> None:
    client = created.get("client")
    case = created.get("case")
    if case is not None and case.officer_id is None and actor.is_officer:
        # As on the screen: an officer opening a case becomes its responsible officer.
        case.officer_id = actor.user_id
    message.client_id = client.id if client is not None else proposal.client_id
    message.case_id = case.id if case is not None else proposal.case_id


def dismiss(
    session: Session, message_id: int, actor: access.Actor, reason: str
) -> ExchangeMessage:
    """Set a received message aside without applying it, with the officer's reason.

    :raises ValidationFailed: without a reason, or when it was already processed.
    :raises NotFound: the message is not in the officer's unit.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_l("Give the reason for rejecting."), "reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed(
            _l("The reason may be at most %(n)s characters.", n=MAX_REASON_LENGTH), "reason")
    try:
        message = _locked(session, message_id, actor)
        if message.status is not ExchangeStatus.RECEIVED:
            raise IllegalTransition(_l("This message has already been processed."), "status")
        message.status = ExchangeStatus.DISMISSED
        message.last_error = reason
        message.processed_by_id = actor.user_id
        message.processed_at = utcnow()
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return message


def inbox(
    session: Session, actor: access.Actor, *, pending_only: bool = True, limit: int = 100
) -> list[ExchangeMessage]:
    """Inbound messages of the officer's unit (Admin: all), newest first."""
    stmt = (
        select(ExchangeMessage)
        .where(ExchangeMessage.direction == Direction.INBOUND,
               access.condition(ExchangeMessage, actor))
        .order_by(ExchangeMessage.id.desc())
        .limit(limit)
    )
    if pending_only:
        stmt = stmt.where(ExchangeMessage.status == ExchangeStatus.RECEIVED,
                          ExchangeMessage.unit_id.is_not(None))
    return list(session.scalars(stmt))


def get_for_officer(session: Session, message_id: int, actor: access.Actor) -> ExchangeMessage:
    """An inbound message the officer may see.

    :raises NotFound: when it does not exist or is outside the officer's scope.
    """
    message = session.scalars(
        select(ExchangeMessage).where(
            ExchangeMessage.id == message_id,
            ExchangeMessage.direction == Direction.INBOUND,
            access.condition(ExchangeMessage, actor),
        )
    ).first()
    if message is None:
        raise NotFound(_l("The message does not exist or is not in your unit."))
    return message
