"""Data protection: the retention reviews an administrator confirms before anything is erased."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import LabelledEnum, Model, UTCDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from portal.models.org import PlusUser


class RetentionStatus(LabelledEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class RetentionReview(Model):
    """A dry run of the retention rule: the clients whose last case closed before ``cutoff``.

    The scheduled job proposes it; nothing is erased until an administrator confirms it.
    Only ids are kept here (no names), so the review itself holds no personal data.
    """

    __tablename__ = "retention_review"
    __table_args__ = (
        CheckConstraint(
            "(status = 'proposed' AND decided_at IS NULL)"
            " OR (status <> 'proposed' AND decided_at IS NOT NULL)",
            name="ck_retention_review_decided",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    # Cases closed before this day are past the retention period.
    cutoff: Mapped[dt.date] = mapped_column(Date, nullable=False)
    status: Mapped[RetentionStatus] = mapped_column(
        enum_type(RetentionStatus), default=RetentionStatus.PROPOSED, nullable=False, index=True
    )
    # {"clients": [ids], "cases": [ids]} found by the dry run.
    report: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # How many clients were anonymised when it was confirmed (some may have got a new case).
    anonymised: Mapped[int | None] = mapped_column(Integer)

    decided_by: Mapped[PlusUser | None] = relationship()
