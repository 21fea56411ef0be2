"""Territorial units and the users of PLUS (officers and portal users share FAB's user table)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Model

if TYPE_CHECKING:
    from portal.models.client import Client
    from portal.models.partners import Employer, Volunteer


class TerritorialUnit(Model):
    """A territorial unit (teritoriālā struktūrvienība) where officers work."""

    __tablename__ = "territorial_unit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    municipality: Mapped[str | None] = mapped_column(String(200))

    def __repr__(self) -> str:
        return self.name


class PlusUser(User):
    """A FAB user with the links PLUS needs: officers to a unit, portal users to their party."""

    __tablename__ = "ab_user"

    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("territorial_unit.id", name="fk_ab_user_unit"), index=True
    )
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("client.id", name="fk_ab_user_client", use_alter=True), index=True
    )
    employer_id: Mapped[int | None] = mapped_column(
        ForeignKey("employer.id", name="fk_ab_user_employer", use_alter=True), index=True
    )
    volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteer.id", name="fk_ab_user_volunteer", use_alter=True), index=True
    )
    phone: Mapped[str | None] = mapped_column(String(40))
    preferred_language: Mapped[str | None] = mapped_column(String(2))
    # Raised at logout: session cookies issued before no longer authenticate
    # (``portal.security.sessions``).
    session_version: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default="0"
    )

    unit: Mapped[TerritorialUnit | None] = relationship(foreign_keys=[unit_id])
    client: Mapped[Client | None] = relationship(foreign_keys=[client_id])
    employer: Mapped[Employer | None] = relationship(foreign_keys=[employer_id])
    volunteer: Mapped[Volunteer | None] = relationship(foreign_keys=[volunteer_id])

    def __repr__(self) -> str:
        return f"{self.first_name} {self.last_name}"
