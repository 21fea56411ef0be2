"""The probation client (probācijas klients)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import LabelledEnum, Model, TimestampMixin, enum_type

if TYPE_CHECKING:
    from portal.models.case import Case
    from portal.models.org import TerritorialUnit


class Gender(LabelledEnum):
    MALE = "male"
    FEMALE = "female"


class Language(LabelledEnum):
    LV = "lv"
    EN = "en"


class Client(TimestampMixin, Model):
    """A person registered in PLUS as a probation client."""

    __tablename__ = "client"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    given_name: Mapped[str] = mapped_column(String(100), nullable=False)
    surname: Mapped[str] = mapped_column(String(100), nullable=False)
    # Stored normalised as DDMMYY-NNNNN; validated by portal.services.personal_code.
    personal_code: Mapped[str] = mapped_column(String(12), unique=True, nullable=False)
    birth_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    gender: Mapped[Gender] = mapped_column(enum_type(Gender), nullable=False)
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    e_address_active: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    preferred_language: Mapped[Language] = mapped_column(
        enum_type(Language), default=Language.LV, nullable=False
    )
    # The unit that registered the client; decides visibility before any case exists.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("territorial_unit.id"), index=True)

    unit: Mapped[TerritorialUnit | None] = relationship()
    cases: Mapped[list[Case]] = relationship(back_populates="client")

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.surname}"

    def __repr__(self) -> str:
        return self.full_name
