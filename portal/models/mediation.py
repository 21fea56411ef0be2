"""Mediation (izlīgums) between offender and victim."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import LabelledEnum, Model, TimestampMixin, UTCDateTime, enum_type

if TYPE_CHECKING:
    from portal.models.case import Case
    from portal.models.org import PlusUser
    from portal.models.partners import Volunteer


class MediationOutcome(LabelledEnum):
    PENDING = "pending"
    RECONCILED = "reconciled"
    NOT_RECONCILED = "not_reconciled"
    REFUSED = "refused"


class PartyRole(LabelledEnum):
    OFFENDER = "offender"
    VICTIM = "victim"


class Mediation(TimestampMixin, Model):
    """The mediation of one case, led by an officer or a certified volunteer."""

    __tablename__ = "mediation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), nullable=False, unique=True)
    mediator_officer_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    mediator_volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteer.id"), index=True
    )
    outcome: Mapped[MediationOutcome] = mapped_column(
        enum_type(MediationOutcome), default=MediationOutcome.PENDING, nullable=False
    )
    agreement: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="mediation")
    mediator_officer: Mapped[PlusUser | None] = relationship()
    mediator_volunteer: Mapped[Volunteer | None] = relationship()
    parties: Mapped[list[MediationParty]] = relationship(back_populates="mediation")
    sessions: Mapped[list[MediationSession]] = relationship(
        back_populates="mediation", order_by="MediationSession.scheduled_at"
    )

    def __repr__(self) -> str:
        return f"{self.case}"


class MediationParty(TimestampMixin, Model):
    """Offender or victim. A victim's data is shown only to the mediator and unit managers."""

    __tablename__ = "mediation_party"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mediation_id: Mapped[int] = mapped_column(ForeignKey("mediation.id"), nullable=False, index=True)
    role: Mapped[PartyRole] = mapped_column(enum_type(PartyRole), nullable=False)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id"))
    given_name: Mapped[str] = mapped_column(String(100), nullable=False)
    surname: Mapped[str] = mapped_column(String(100), nullable=False)
    personal_code: Mapped[str | None] = mapped_column(String(12))
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    is_legal_person: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    mediation: Mapped[Mediation] = relationship(back_populates="parties")


class MediationSession(TimestampMixin, Model):
    """A mediation meeting; rooms are booked through the Unified Calendar (later issue)."""

    __tablename__ = "mediation_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mediation_id: Mapped[int] = mapped_column(ForeignKey("mediation.id"), nullable=False, index=True)
    scheduled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    place: Mapped[str | None] = mapped_column(String(200))
    in_prison: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    held: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    notes: Mapped[str | None] = mapped_column(Text)
    calendar_booking_id: Mapped[str | None] = mapped_column(String(100))

    mediation: Mapped[Mediation] = relationship(back_populates="sessions")
