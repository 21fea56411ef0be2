"""Exchanges with other systems: every message in or out is one ``ExchangeMessage`` row.

The row is the inbox for inbound messages (keyed by the sender's id, so a decision delivered
twice is stored once), the transactional outbox for outbound ones (written in the same
transaction as the case change that causes them) and the log of registry queries.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import LabelledEnum, Model, TimestampMixin, UTCDateTime, enum_type

if TYPE_CHECKING:
    from portal.models.case import Case
    from portal.models.client import Client
    from portal.models.org import PlusUser, TerritorialUnit


class Direction(LabelledEnum):
    """Which way a connector exchanges data."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"
    QUERY = "query"


class ExchangeStatus(LabelledEnum):
    """Where a message is.

    Inbound: received (its proposed changes wait for an officer) -> applied or dismissed;
    rejected when the message itself is bad (the reason is in ``last_error``). Outbound and
    queries: queued (in the outbox, ``next_attempt_at`` says when) -> sent, or failed after
    the last attempt.
    """

    RECEIVED = "received"
    APPLIED = "applied"
    DISMISSED = "dismissed"
    REJECTED = "rejected"
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class ExchangeMessage(TimestampMixin, Model):
    """One message exchanged with another system, and its delivery state."""

    __tablename__ = "exchange_message"
    __table_args__ = (
        # The dispatcher's query: due messages of the outbox.
        Index("ix_exchange_message_status_due", "status", "next_attempt_at"),
        Index("ix_exchange_message_connector_id", "connector", "id"),
        CheckConstraint("attempts >= 0", name="ck_exchange_message_attempts_nonnegative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The connector's name (its entry point) and the external system it talks to.
    connector: Mapped[str] = mapped_column(String(40), nullable=False)
    system: Mapped[str] = mapped_column(String(40), nullable=False)
    direction: Mapped[Direction] = mapped_column(enum_type(Direction), nullable=False)
    # The message type in the connector's schema, e.g. "judgment" or "execution_notice".
    kind: Mapped[str] = mapped_column(String(60), nullable=False)
    # Ties an answer to its request, and the messages of one external matter together.
    correlation_id: Mapped[str | None] = mapped_column(String(120), index=True)
    # Inbound: "<connector>:<sender's message id>"; outbound: what caused it. Stored once.
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    status: Mapped[ExchangeStatus] = mapped_column(enum_type(ExchangeStatus), nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    processed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # The answer of the other system (a registry's data, a delivery receipt).
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), index=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id"), index=True)
    # The unit whose inbox an inbound message lands in.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("territorial_unit.id"), index=True)
    processed_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))

    case: Mapped[Case | None] = relationship()
    client: Mapped[Client | None] = relationship()
    unit: Mapped[TerritorialUnit | None] = relationship()
    processed_by: Mapped[PlusUser | None] = relationship()

    def __repr__(self) -> str:
        return f"{self.connector}:{self.id}"


class RegistryBulkQuery(TimestampMixin, Model):
    """One registry asked about every active client of a unit (or of one officer), for one
    purpose, in the background.

    Its queries are ``ExchangeMessage`` rows with ``correlation_id`` ``bulk:<id>``; the
    progress is counted from them, so it survives a reload and a restarted worker.
    ``running_key`` is set while it runs and is unique, so the same unit, registry and
    purpose cannot run twice at once (cleared when every query has an outcome).
    """

    __tablename__ = "registry_bulk_query"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The registry's connector (viis, vdeavk, vid, rd).
    connector: Mapped[str] = mapped_column(String(40), nullable=False)
    purpose: Mapped[str] = mapped_column(String(60), nullable=False)
    unit_id: Mapped[int] = mapped_column(ForeignKey("territorial_unit.id"), nullable=False,
                                         index=True)
    # Set when an officer asked about their own clients only; None: the whole unit.
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    # The clients to ask about, fixed when it started.
    client_ids: Mapped[list[int]] = mapped_column(JSON, nullable=False)
    total: Mapped[int] = mapped_column(Integer, nullable=False)
    running_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    unit: Mapped[TerritorialUnit] = relationship()
    started_by: Mapped[PlusUser | None] = relationship(foreign_keys=[started_by_id])
