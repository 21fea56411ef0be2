"""The probation client (probācijas klients)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import LabelledEnum, Model, TimestampMixin, UTCDateTime, enum_type

if TYPE_CHECKING:
    from portal.models.case import Case
    from portal.models.org import TerritorialUnit


class Gender(LabelledEnum):
    MALE = "male"
    FEMALE = "female"


class Language(LabelledEnum):
    LV = "lv"
    EN = "en"


class EducationLevel(LabelledEnum):
    """The highest level of education a registry (VIIS) knows of."""

    BASIC = "basic"
    SECONDARY = "secondary"
    VOCATIONAL = "vocational"
    HIGHER = "higher"


class Citizenship(LabelledEnum):
    """The client's citizenship or legal status in Latvia (pilsonība / statuss)."""

    LATVIAN_CITIZEN = "latvian_citizen"
    LATVIAN_NON_CITIZEN = "latvian_non_citizen"  # Latvijas nepilsonis
    EU_CITIZEN = "eu_citizen"
    THIRD_COUNTRY = "third_country"
    STATELESS = "stateless"


class IdentityDocumentType(LabelledEnum):
    """The identity document the client presented."""

    PASSPORT = "passport"
    EID_CARD = "eid_card"  # personas apliecība (eID karte)
    OTHER = "other"


class FamilyStatus(LabelledEnum):
    """Marital and family status (ģimenes stāvoklis)."""

    SINGLE = "single"
    MARRIED = "married"
    REGISTERED_PARTNERSHIP = "registered_partnership"
    COHABITING = "cohabiting"
    DIVORCED = "divorced"
    WIDOWED = "widowed"


#: the most dependants the form takes (a plausibility limit, kept by a CHECK too)
MAX_DEPENDANTS = 20


class Client(TimestampMixin, Model):
    """A person registered in PLUS as a probation client."""

    __tablename__ = "client"
    __table_args__ = (
        CheckConstraint(
            f"dependants IS NULL OR (dependants >= 0 AND dependants <= {MAX_DEPENDANTS})",
            name="ck_client_dependants_range",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    given_name: Mapped[str] = mapped_column(String(100), nullable=False)
    surname: Mapped[str] = mapped_column(String(100), nullable=False)
    # Stored normalised as DDMMYY-NNNNN; validated by portal.services.casework.personal_code.
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
    # Set when the retention period ran out and the person's identifying data was erased
    # (portal.services.privacy.retention; migration 0009).
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    # What the state registries said, saved by an officer from a registry answer
    # (portal.services.exchanges.answers; migration 0014). Free text is the registry's own
    # wording, kept as it answered.
    education_level: Mapped[EducationLevel | None] = mapped_column(enum_type(EducationLevel))
    education_document: Mapped[str | None] = mapped_column(String(300))
    qualification: Mapped[str | None] = mapped_column(String(200))
    disability_group: Mapped[str | None] = mapped_column(String(20))
    disability_term: Mapped[str | None] = mapped_column(String(60))
    functional_impairment: Mapped[str | None] = mapped_column(String(100))
    employed: Mapped[bool | None] = mapped_column(Boolean)
    employer_name: Mapped[str | None] = mapped_column(String(200))
    income_types: Mapped[str | None] = mapped_column(String(300))
    social_status: Mapped[str | None] = mapped_column(String(60))
    residence_inspected_on: Mapped[dt.date | None] = mapped_column(Date)
    social_benefits: Mapped[str | None] = mapped_column(String(300))

    # The personal data form's own fields, entered by the officer (migration 0022_client_data).
    citizenship: Mapped[Citizenship | None] = mapped_column(enum_type(Citizenship))
    id_document_type: Mapped[IdentityDocumentType | None] = mapped_column(
        enum_type(IdentityDocumentType))
    # Letters and digits only, normalised to capitals (portal.services.casework.personal_data).
    id_document_number: Mapped[str | None] = mapped_column(String(20))
    # A past date is allowed: clients do come with expired documents.
    id_document_valid_until: Mapped[dt.date | None] = mapped_column(Date)
    family_status: Mapped[FamilyStatus | None] = mapped_column(enum_type(FamilyStatus))
    dependants: Mapped[int | None] = mapped_column(Integer)
    # None: not asked yet. Decides the default of the orphans' court notice at the start of
    # supervision (portal.services.supervision.start).
    minor_children_in_care: Mapped[bool | None] = mapped_column(Boolean)

    unit: Mapped[TerritorialUnit | None] = relationship()
    cases: Mapped[list[Case]] = relationship(back_populates="client")

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.surname}"

    def __repr__(self) -> str:
        return self.full_name
