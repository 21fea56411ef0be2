"""Reading exchange messages: a case's exchanges, and the admins' view of each connector."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import ExchangeMessage, ExchangeStatus
from portal.services import access

__all__ = ["failed", "for_case", "recent"]


def for_case(
    session: Session, case_id: int, actor: access.Actor, *, limit: int = 50
) -> list[ExchangeMessage]:
    """The messages exchanged about a case, newest first, if the actor may see the case."""
    return list(session.scalars(
        select(ExchangeMessage)
        .where(ExchangeMessage.case_id == case_id, access.condition(ExchangeMessage, actor))
        .order_by(ExchangeMessage.id.desc())
        .limit(limit)
    ))


def recent(session: Session, connector: str, *, limit: int = 20) -> list[ExchangeMessage]:
    """A connector's latest messages (admins' screen; the view checks the role)."""
    return list(session.scalars(
        select(ExchangeMessage).where(ExchangeMessage.connector == connector)
        .order_by(ExchangeMessage.id.desc()).limit(limit)
    ))


def failed(session: Session, *, limit: int = 100) -> list[ExchangeMessage]:
    """Messages that failed or were rejected as invalid, newest first."""
    return list(session.scalars(
        select(ExchangeMessage)
        .where(ExchangeMessage.status.in_((ExchangeStatus.FAILED, ExchangeStatus.REJECTED)))
        .order_by(ExchangeMessage.id.desc()).limit(limit)
    ))
