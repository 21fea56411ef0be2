"""Who a person of the national login may act as in the portal.

* A **client** is found by the personal code of the assertion, and may log in only while
  they have a case that is not closed; no invitation is needed. Their portal account is the
  client's existing one, or is made on the first login.
* An **employer's or volunteer's representative** logs in as a person and acts for the
  organisation they were authorised for: an officer's invitation, redeemed through the
  national login, binds the person's identifier to that portal account
  (:class:`~portal.models.PortalIdentity`). A person may represent several; they choose.
* A person with an eIDAS identifier (no Latvian personal code) acts through invitations only.

Officers never log in here; accounts with officer roles are never offered.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from portal.models import (
    Case,
    CaseStatus,
    Client,
    IdentityScheme,
    PlusUser,
    PortalIdentity,
    PortalInvitation,
)
from portal.models.base import utcnow
from portal.services.access import Role
from portal.services.errors import ValidationFailed
from portal.services.identity.saml import NationalIdentity
from portal.services.partners import invitations

__all__ = ["NoAccount", "accounts_for", "bind_invitation", "bind_person", "has_open_case", "may_act_as"]


class NoAccount(ValidationFailed):
    """The person may not act as anyone in the portal (no open case, no authorisation)."""


def has_open_case(session: Session, client_id: int | None) -> bool:
    """Whether the client has a case that is not closed (the portal link ends with the case)."""
    if client_id is None:
        return False
    return bool(session.execute(select(exists().where(
        Case.client_id == client_id, Case.status != CaseStatus.CLOSED))).scalar())


def may_act_as(session: Session, user: PlusUser | None) -> bool:
    """An active portal account linked to its party; a client account needs an open case."""
    if user is None or not user.active:
        return False
    role = invitations.portal_role(user)
    if role is None:
        return False
    column, _model = invitations.PORTAL_LINKS[role]
    if getattr(user, column) is None:
        return False
    return role != Role.CLIENT or has_open_case(session, user.client_id)


def _client_account(session: Session, client: Client, identity: NationalIdentity) -> PlusUser:
    """The client's portal account, made now if they have none."""
    from portal.extensions import security_manager

    existing = session.execute(
        select(PlusUser).where(PlusUser.client_id == client.id).order_by(PlusUser.id)
    ).scalars().all()
    for user in existing:
        if invitations.portal_role(user) == Role.CLIENT:
            return user
    # A username that says nothing about the person; the login is by personal code only.
    username = f"eid-{secrets.token_hex(8)}"
    user = PlusUser(
        username=username,
        first_name=(identity.first_name or client.given_name)[:64],
        last_name=(identity.last_name or client.surname)[:64],
        email=f"{username}@portal.invalid",
        active=True,
        # Nobody knows this password: the account logs in through the national login.
        password=generate_password_hash(secrets.token_urlsafe(32)),
        roles=[security_manager.find_role(Role.CLIENT)],
        client_id=client.id,
    )
    session.add(user)
    session.flush()
    return user


def accounts_for(session: Session, identity: NationalIdentity) -> list[PlusUser]:
    """The portal accounts the person may act as now (client first, then organisations).

    :raises NoAccount: when there is none, saying why in words the person understands.
    """
    found: list[PlusUser] = []
    client_without_case = False
    if identity.scheme == IdentityScheme.LV:
        client = session.execute(
            select(Client).where(Client.personal_code == identity.subject)
        ).scalar_one_or_none()
        if client is not None:
            if has_open_case(session, client.id):
                user = _client_account(session, client, identity)
                if may_act_as(session, user):
                    found.append(user)
            else:
                client_without_case = True
    bound = session.execute(
        select(PlusUser)
        .join(PortalIdentity, PortalIdentity.user_id == PlusUser.id)
        .where(PortalIdentity.scheme == identity.scheme,
               PortalIdentity.subject == identity.subject)
        .order_by(PlusUser.id)
    ).scalars().all()
    for user in bound:
        if user not in found and may_act_as(session, user):
            found.append(user)
    if found:
        return found
    if client_without_case:
        raise NoAccount(_l(
            "You have no open probation case, so the client e-services are not available. "
            "If you think this is wrong, contact your probation officer."))
    raise NoAccount(_l(
        "There are no e-services for you in this portal. Clients can use them while their "
        "probation case is open; employers and volunteers need an invitation from the "
        "State Probation Service."))


def bind_invitation(session: Session, invitation_id: int, identity: NationalIdentity) -> PlusUser:
    """Redeem an invitation with the person who just logged in: they may act as its account.

    A client's invitation binds only the client's own personal code.

    :raises invitations.InvitationInvalid: when the invitation is unknown, used or expired.
    :raises ValidationFailed: when a client's invitation is redeemed by someone else.
    """
    invalid = invitations.InvitationInvalid(
        _l("This link is not valid. It may have expired or been used."))
    invitation = session.get(PortalInvitation, invitation_id)
    now = utcnow()
    if invitation is None or invitation.used_at is not None or invitation.expires_at <= now:
        raise invalid
    user = session.get(PlusUser, invitation.user_id)
    if user is None or invitations.portal_role(user) is None:
        raise invalid
    if invitations.portal_role(user) == Role.CLIENT and identity.scheme == IdentityScheme.LV:
        client = session.get(Client, user.client_id) if user.client_id else None
        if client is None or client.personal_code != identity.subject:
            raise ValidationFailed(_l(
                "This invitation is for another person. Log in with your own identity."))
    if not may_act_as(session, user):
        raise NoAccount(_l(
            "This account cannot be used now. Please contact the State Probation Service."))
    # A conditional update, so that of two simultaneous uses only one succeeds.
    used = session.execute(
        update(PortalInvitation)
        .where(PortalInvitation.id == invitation.id, PortalInvitation.used_at.is_(None),
               PortalInvitation.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:
        raise invalid
    already = session.execute(select(PortalIdentity.id).where(
        PortalIdentity.user_id == user.id, PortalIdentity.scheme == identity.scheme,
        PortalIdentity.subject == identity.subject)).first()
    if already is None:
        session.add(PortalIdentity(user_id=user.id, scheme=identity.scheme,
                                   subject=identity.subject, invitation_id=invitation.id))
    session.flush()
    return user


def bind_person(session: Session, user: Any, scheme: str, subject: str) -> None:
    """Authorise a person for an account without an invitation (the demo's setup only)."""
    already = session.execute(select(PortalIdentity.id).where(
        PortalIdentity.user_id == user.id, PortalIdentity.scheme == scheme,
        PortalIdentity.subject == subject)).first()
    if already is None:
        session.add(PortalIdentity(user_id=user.id, scheme=scheme, subject=subject))
        session.flush()
