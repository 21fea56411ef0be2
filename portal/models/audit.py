"""Change history and access log: who did what to case data, and who looked at it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Model, UTCDateTime, utcnow
from portal.models.org import PlusUser


class ChangeLog(Model):
    """One create, update or delete of an audited row, with old and new values."""

    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    action: Mapped[str] = mapped_column(String(10), nullable=False)
    entity: Mapped[str] = mapped_column(String(60), nullable=False)
    entity_id: Mapped[int | None] = mapped_column(Integer)
    # The case the row belongs to, so a case page can show its whole history.
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    client_id: Mapped[int | None] = mapped_column(Integer, index=True)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    # What caused it: "screen", "api", "seed", "submission:<id>", "connector:<name>".
    source: Mapped[str | None] = mapped_column(String(60))
    # Where the change came from (the audit screen's "from where"; migration 0009).
    remote_addr: Mapped[str | None] = mapped_column(String(64))

    user: Mapped[PlusUser | None] = relationship()

    @property
    def changes_in_words(self) -> str:
        """The changed fields as the screens show them (labels and formatted values)."""
        # Imported here: the wording is the case history's, which needs the whole model.
        from sqlalchemy.orm import object_session

        from portal.services.casework.case_history import changes_text

        session = object_session(self)
        return changes_text(session, self) if session is not None else "—"


class AccessLog(Model):
    """Every human read of a client's personal data: one row per client (and case) a
    request showed (``portal.services.privacy.reads``)."""

    __tablename__ = "access_log"
    # The audit screen filters by period (migration 0009).
    __table_args__ = (Index("ix_access_log_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    client_id: Mapped[int | None] = mapped_column(Integer, index=True)
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # What was read: the screen, API or portal endpoint, or a named action ("case.export").
    action: Mapped[str] = mapped_column(String(80), nullable=False)
    remote_addr: Mapped[str | None] = mapped_column(String(64))

    user: Mapped[PlusUser | None] = relationship()
