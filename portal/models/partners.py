"""Employers that give work and volunteers who help VPD."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import LabelledEnum, Model, TimestampMixin, enum_type
from portal.models.org import TerritorialUnit


class EmployerType(LabelledEnum):
    """The kinds of body that may employ forced-labour and community-work clients."""

    STATE_INSTITUTION = "state_institution"
    MUNICIPAL_INSTITUTION = "municipal_institution"
    STATE_OR_MUNICIPAL_COMPANY = "state_or_municipal_company"
    ASSOCIATION = "association"
    FOUNDATION = "foundation"
    RELIGIOUS_ORGANISATION = "religious_organisation"
    PUBLIC_MAJORITY_COMPANY = "public_majority_company"


class VolunteerType(LabelledEnum):
    PROBATION_VOLUNTEER = "probation_volunteer"
    VOLUNTEER_MENTOR = "volunteer_mentor"


class Employer(TimestampMixin, Model):
    """A work place (darba devējs) where clients serve forced labour or community work."""

    __tablename__ = "employer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    registration_number: Mapped[str | None] = mapped_column(String(20), unique=True)
    employer_type: Mapped[EmployerType] = mapped_column(enum_type(EmployerType), nullable=False)
    address: Mapped[str | None] = mapped_column(String(300))
    municipality: Mapped[str | None] = mapped_column(String(200))
    contact_person: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    accepts_minors: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("territorial_unit.id"), index=True)

    unit: Mapped[TerritorialUnit | None] = relationship()

    def __repr__(self) -> str:
        return self.name


class Volunteer(TimestampMixin, Model):
    """A probation volunteer or volunteer mentor; certified ones may lead mediations."""

    __tablename__ = "volunteer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    given_name: Mapped[str] = mapped_column(String(100), nullable=False)
    surname: Mapped[str] = mapped_column(String(100), nullable=False)
    volunteer_type: Mapped[VolunteerType] = mapped_column(enum_type(VolunteerType), nullable=False)
    certified_mediator: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("territorial_unit.id"), index=True)

    unit: Mapped[TerritorialUnit | None] = relationship()

    def __repr__(self) -> str:
        return f"{self.given_name} {self.surname}"
