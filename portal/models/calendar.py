"""Resources of the unified calendar: the rooms of a territorial unit.

Meetings and mediation sessions name a room (optional) and last ``duration_minutes``; the
clash rule (``portal.services.casework.scheduling``) refuses two bookings of one room, one officer or
mediator, or one client at overlapping times.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Model, TimestampMixin

if TYPE_CHECKING:
    from portal.models.org import TerritorialUnit


class Room(TimestampMixin, Model):
    """A meeting room of a unit, bookable for meetings and mediation sessions."""

    __tablename__ = "room"
    __table_args__ = (UniqueConstraint("unit_id", "name", name="uq_room_unit_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("territorial_unit.id"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    capacity: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    unit: Mapped[TerritorialUnit] = relationship()

    def __repr__(self) -> str:
        return self.name
