"""Who a person of the national login may act as, and the login messages already used."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Model, UTCDateTime, utcnow

__all__ = ["IdentityScheme", "PortalIdentity", "SamlUsedMessage"]


class IdentityScheme:
    """Where a person's identifier comes from."""

    #: a Latvian personal code (DDMMYY-NNNNN) from the national unified login
    LV = "lv"
    #: an eIDAS person identifier of another EU state (e.g. ``DE/LV/...``)
    EIDAS = "eidas"
    ALL = (LV, EIDAS)


class PortalIdentity(Model):
    """A person (by identifier) authorised to act as a portal account.

    Made when a person redeems an invitation through the national login: an employer's or
    volunteer's representative then acts for that organisation. Clients with a Latvian
    personal code need none (their client record names them).
    """

    __tablename__ = "portal_identity"
    __table_args__ = (
        UniqueConstraint("scheme", "subject", "user_id", name="uq_portal_identity"),
        CheckConstraint("scheme IN ('lv', 'eidas')", name="ck_portal_identity_scheme"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False, index=True)
    scheme: Mapped[str] = mapped_column(String(10), nullable=False)
    # The personal code or eIDAS identifier: personal data, never logged.
    subject: Mapped[str] = mapped_column(String(256), nullable=False, index=True)
    # The invitation whose redemption authorised this person (None for the demo's setup).
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("portal_invitation.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class SamlUsedMessage(Model):
    """The ID of a SAML response or assertion already accepted, kept until it expires.

    A second arrival of the same ID is a replay and is refused; the primary key makes that
    race-free between workers.
    """

    __tablename__ = "saml_used_message"

    message_id: Mapped[str] = mapped_column(String(256), primary_key=True)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)
