"""Mediation (izlīgums) between offender and victim."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import LabelledEnum, Model, TimestampMixin, UTCDateTime, enum_type

if TYPE_CHECKING:
    from portal.models.calendar import Room
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


class AgreementFulfilment(LabelledEnum):
    """How the agreement's terms stand, from the officer's follow-up."""

    IN_PROGRESS = "in_progress"
    FULFILLED = "fulfilled"
    NOT_FULFILLED = "not_fulfilled"


class TermStatus(LabelledEnum):
    """One term of the agreement: not yet checked, fulfilled or not fulfilled."""

    PENDING = "pending"
    FULFILLED = "fulfilled"
    NOT_FULFILLED = "not_fulfilled"


class SessionPlace(LabelledEnum):
    """Where a mediation session is held (the description: sessions in prisons too)."""

    OFFICE = "office"
    PRISON = "prison"
    COURT = "court"
    OTHER = "other"


class Mediation(TimestampMixin, Model):
    """The mediation of one case, led by an officer or a certified volunteer. Once the parties
    reconcile, it holds the agreement: its date, its text, its terms and their fulfilment."""

    __tablename__ = "mediation"
    __table_args__ = (
        # An agreement is what reconciliation produces; its follow-up only exists with one.
        CheckConstraint("agreement_date IS NULL OR outcome = 'reconciled'",
                        name="ck_mediation_agreement_reconciled"),
        CheckConstraint("fulfilment IS NULL OR agreement_date IS NOT NULL",
                        name="ck_mediation_fulfilment_agreement"),
    )

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
    agreement_date: Mapped[dt.date | None] = mapped_column(Date)
    # Follows the terms (portal.services.casework.mediation.follow_up); None without terms.
    fulfilment: Mapped[AgreementFulfilment | None] = mapped_column(enum_type(AgreementFulfilment))

    case: Mapped[Case] = relationship(back_populates="mediation")
    mediator_officer: Mapped[PlusUser | None] = relationship()
    mediator_volunteer: Mapped[Volunteer | None] = relationship()
    parties: Mapped[list[MediationParty]] = relationship(back_populates="mediation")
    sessions: Mapped[list[MediationSession]] = relationship(
        back_populates="mediation", order_by="MediationSession.scheduled_at"
    )
    terms: Mapped[list[MediationTerm]] = relationship(
        back_populates="mediation", order_by=lambda: (MediationTerm.due_date, MediationTerm.id)
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
    """A mediation meeting; its room and mediator are booked through the unified calendar."""

    __tablename__ = "mediation_session"
    # The clash rule looks up every session around a time, whatever its mediation.
    __table_args__ = (
        Index("ix_mediation_session_scheduled_at", "scheduled_at"),
        # A session in a prison (or elsewhere outside VPD) names the place.
        CheckConstraint("place_type = 'office' OR place IS NOT NULL",
                        name="ck_mediation_session_place_named"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mediation_id: Mapped[int] = mapped_column(ForeignKey("mediation.id"), nullable=False, index=True)
    scheduled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    place: Mapped[str | None] = mapped_column(String(200))
    place_type: Mapped[SessionPlace] = mapped_column(
        enum_type(SessionPlace), default=SessionPlace.OFFICE, server_default="office",
        nullable=False,
    )
    held: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    notes: Mapped[str | None] = mapped_column(Text)
    calendar_booking_id: Mapped[str | None] = mapped_column(String(100))
    # How long the session lasts, so that the clash rule knows when it ends.
    duration_minutes: Mapped[int] = mapped_column(
        Integer, default=60, server_default="60", nullable=False
    )
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id"), index=True)

    mediation: Mapped[Mediation] = relationship(back_populates="sessions")
    room: Mapped[Room | None] = relationship()


class MediationTerm(TimestampMixin, Model):
    """One term of a mediation agreement: what is to be done and by when, and the officer's
    follow-up (fulfilled or not, checked on a date). Seen by whoever sees the mediation."""

    __tablename__ = "mediation_term"
    __table_args__ = (
        # A verdict on a term carries the day it was checked; an open term has none.
        CheckConstraint("(status = 'pending') = (checked_on IS NULL)",
                        name="ck_mediation_term_checked"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mediation_id: Mapped[int] = mapped_column(
        ForeignKey("mediation.id"), nullable=False, index=True
    )
    # Kept on the row so the access rule and the worklist reach the case in one step.
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), nullable=False, index=True)
    description: Mapped[str] = mapped_column(String(500), nullable=False)
    due_date: Mapped[dt.date] = mapped_column(Date, nullable=False, index=True)
    status: Mapped[TermStatus] = mapped_column(
        enum_type(TermStatus), default=TermStatus.PENDING, server_default="pending",
        nullable=False,
    )
    checked_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    mediation: Mapped[Mediation] = relationship(back_populates="terms")

    def __repr__(self) -> str:
        return f"{self.description} ({self.due_date:%d.%m.%Y})"
