"""People and units: a case moving to another unit, and an officer covering an absent one."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import LabelledEnum, Model, TimestampMixin, UTCDateTime, enum_type

if TYPE_CHECKING:
    from portal.models.case import Case
    from portal.models.org import PlusUser, TerritorialUnit


class TransferStatus(LabelledEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"


class CaseTransfer(TimestampMixin, Model):
    """A case handed to another territorial unit (the client moved).

    The case keeps its number and history; only its unit (and officer) change, and only when
    the receiving unit's manager accepts (``portal.services.casework.transfers``).
    """

    __tablename__ = "case_transfer"
    __table_args__ = (
        CheckConstraint("from_unit_id <> to_unit_id", name="ck_case_transfer_other_unit"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), nullable=False, index=True)
    from_unit_id: Mapped[int] = mapped_column(
        ForeignKey("territorial_unit.id"), nullable=False, index=True
    )
    to_unit_id: Mapped[int] = mapped_column(
        ForeignKey("territorial_unit.id"), nullable=False, index=True
    )
    reason: Mapped[str] = mapped_column(String(500), nullable=False)
    status: Mapped[TransferStatus] = mapped_column(
        enum_type(TransferStatus), default=TransferStatus.REQUESTED, nullable=False, index=True
    )
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    new_officer_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    decline_reason: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship()
    from_unit: Mapped[TerritorialUnit] = relationship(foreign_keys=[from_unit_id])
    to_unit: Mapped[TerritorialUnit] = relationship(foreign_keys=[to_unit_id])
    requested_by: Mapped[PlusUser | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[PlusUser | None] = relationship(foreign_keys=[decided_by_id])
    new_officer: Mapped[PlusUser | None] = relationship(foreign_keys=[new_officer_id])

    def __repr__(self) -> str:
        return f"{self.case} → {self.to_unit}"


class OfficerCover(TimestampMixin, Model):
    """An officer covering an absent colleague's cases for a period (ends by itself)."""

    __tablename__ = "officer_cover"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="ck_officer_cover_end_after_start"),
        CheckConstraint(
            "absent_officer_id <> covering_officer_id", name="ck_officer_cover_other_officer"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("territorial_unit.id"), nullable=False, index=True
    )
    absent_officer_id: Mapped[int] = mapped_column(
        ForeignKey("ab_user.id"), nullable=False, index=True
    )
    covering_officer_id: Mapped[int] = mapped_column(
        ForeignKey("ab_user.id"), nullable=False, index=True
    )
    start_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    end_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    reason: Mapped[str | None] = mapped_column(String(300))

    unit: Mapped[TerritorialUnit] = relationship()
    absent_officer: Mapped[PlusUser] = relationship(foreign_keys=[absent_officer_id])
    covering_officer: Mapped[PlusUser] = relationship(foreign_keys=[covering_officer_id])

    def __repr__(self) -> str:
        return f"{self.covering_officer} ← {self.absent_officer}"
