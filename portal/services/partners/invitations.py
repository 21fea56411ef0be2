"""Portal accounts and invitation links (until the national unified login arrives).

An officer creates a portal account for a client, employer or volunteer and hands over a
one-time link; following it, the person sets their password. Only the SHA-256 of the link's
token is stored, so neither a database leak nor the change history opens an account. A link
expires (``PORTAL_INVITATION_HOURS``, 72 h by default), works once, and a new link for the
same person revokes the older ones.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import false, or_, select, update
from werkzeug.security import generate_password_hash

from portal.models import Client, Employer, PlusUser, PortalInvitation, Volunteer
from portal.models.base import utcnow
from portal.security import passwords
from portal.services import access
from portal.services.access import Actor, Role
from portal.services.errors import AccessDenied, NotFound, ValidationFailed

__all__ = [
    "PASSWORD_MIN_LENGTH",
    "InvitationInvalid",
    "accept_invitation",
    "accounts",
    "check_password_rules",
    "create_invitation",
    "create_portal_account",
    "find_invitation",
    "is_portal_user",
    "last_invitation",
    "may_manage",
    "parties",
    "portal_role",
    "reissue",
]

DEFAULT_HOURS = 72
PASSWORD_MIN_LENGTH = passwords.MIN_LENGTH
PASSWORD_MAX_LENGTH = passwords.MAX_LENGTH
_USERNAME_RE = re.compile(r"^[A-Za-z0-9._@-]{3,64}$")

#: which link column of the user each portal role uses, and the party model behind it
PORTAL_LINKS: dict[str, tuple[str, type]] = {
    Role.CLIENT: ("client_id", Client),
    Role.EMPLOYER: ("employer_id", Employer),
    Role.VOLUNTEER: ("volunteer_id", Volunteer),
}


class InvitationInvalid(NotFound):
    """The link is unknown, expired or already used (deliberately not saying which)."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _hours() -> int:
    return int(current_app.config.get("PORTAL_INVITATION_HOURS", DEFAULT_HOURS))


def is_portal_user(user: Any) -> bool:
    """Whether the user has portal roles only (officer roles log in elsewhere)."""
    names = {r.name for r in getattr(user, "roles", [])}
    return bool(names) and names <= set(Role.PORTAL)


def portal_role(user: Any) -> str | None:
    """The portal role of a portal user (Client, Employer or Volunteer), else None."""
    if not is_portal_user(user):
        return None
    names = {r.name for r in user.roles}
    return next((r for r in (Role.CLIENT, Role.EMPLOYER, Role.VOLUNTEER) if r in names), None)


def create_invitation(session: Any, user: PlusUser, created_by: Any) -> str:
    """Issue a one-time link token for ``user`` to set a password; older links stop working.

    :param created_by: the officer issuing it (a user or a user id; None for the CLI).
    :returns: the token, to put into the link; it is not stored and cannot be shown again.
    :raises ValidationFailed: if ``user`` is not a portal user.
    """
    if not is_portal_user(user):
        raise ValidationFailed(_l("Invitations are only for portal users."))
    now = utcnow()
    # Revoke, not delete: the rows show who invited whom and when.
    session.execute(
        update(PortalInvitation)
        .where(
            PortalInvitation.user_id == user.id,
            PortalInvitation.used_at.is_(None),
            PortalInvitation.expires_at > now,
        )
        .values(expires_at=now)
    )
    token = secrets.token_urlsafe(32)
    creator_id = getattr(created_by, "id", created_by)
    session.add(
        PortalInvitation(
            user_id=user.id,
            token_hash=_hash(token),
            created_at=now,
            expires_at=now + dt.timedelta(hours=_hours()),
            created_by_id=creator_id,
        )
    )
    session.flush()
    return token


def find_invitation(session: Any, token: str) -> PortalInvitation | None:
    """The usable invitation for ``token`` (known, unused, unexpired), else None."""
    if not token or len(token) > 200:
        return None
    invitation = session.execute(
        select(PortalInvitation).where(PortalInvitation.token_hash == _hash(token))
    ).scalar_one_or_none()
    if invitation is None or invitation.used_at is not None or invitation.expires_at <= utcnow():
        return None
    return invitation


def check_password_rules(password: str, username: str | None = None) -> None:
    """Refuse weak passwords (the one policy of ``portal.security.passwords``).

    :raises ValidationFailed: naming the rule broken (field ``password``).
    """
    passwords.check(password, username)


def accept_invitation(session: Any, token: str, password: str) -> PlusUser:
    """Set the password of the invited user and use up the invitation, in one transaction.

    :raises InvitationInvalid: if the link is unknown, expired or already used.
    :raises ValidationFailed: if the password breaks a rule (nothing is changed).
    """
    invitation = find_invitation(session, token)
    if invitation is None:
        raise InvitationInvalid(_l("This link is not valid. It may have expired or been used."))
    user = session.get(PlusUser, invitation.user_id)
    if user is None or not is_portal_user(user):
        raise InvitationInvalid(_l("This link is not valid. It may have expired or been used."))
    check_password_rules(password, user.username)
    now = utcnow()
    # A conditional update, so that of two simultaneous uses only one succeeds.
    used = session.execute(
        update(PortalInvitation)
        .where(
            PortalInvitation.id == invitation.id,
            PortalInvitation.used_at.is_(None),
            PortalInvitation.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:
        raise InvitationInvalid(_l("This link is not valid. It may have expired or been used."))
    user.password = generate_password_hash(
        password,
        method=current_app.config.get("FAB_PASSWORD_HASH_METHOD", "scrypt"),
        salt_length=current_app.config.get("FAB_PASSWORD_HASH_SALT_LENGTH", 16),
    )
    user.active = True
    session.flush()
    return user


@dataclass(frozen=True)
class Party:
    """Someone a portal account may be made for, as offered to an officer."""

    role: str
    id: int
    label: str


def _party_query(actor: Actor, role: str) -> Any:
    _column, model = PORTAL_LINKS[role]
    stmt = select(model)
    if not (actor.is_admin or actor.is_manager):
        return stmt.where(false())
    if model is Client:
        return stmt.where(access.condition(Client, actor))
    if actor.is_admin:
        return stmt
    unit = model.unit_id  # type: ignore[attr-defined]
    return stmt.where((unit == actor.unit_id) | unit.is_(None))


def parties(session: Any, actor: Actor, role: str, limit: int = 2000) -> list[Party]:
    """The clients, employers or volunteers for whom ``actor`` may create portal accounts.

    Unit managers: clients by the case access rules, employers and volunteers of their unit
    (or of no unit). Admins: anyone. Others: nobody.
    """
    _column, model = PORTAL_LINKS[role]
    key = model.id  # type: ignore[attr-defined]
    order = (Client.surname, Client.id) if model is Client else (key,)
    rows = session.execute(_party_query(actor, role).order_by(*order).limit(limit)).scalars()
    return [Party(role=role, id=row.id, label=_party_label(row)) for row in rows]


def may_manage(session: Any, actor: Actor, role: str, party_id: int | None) -> bool:
    """Whether ``actor`` may create or renew a portal account for this party."""
    if role not in PORTAL_LINKS or party_id is None:
        return False
    _column, model = PORTAL_LINKS[role]
    stmt = _party_query(actor, role).where(model.id == party_id)  # type: ignore[attr-defined]
    return session.execute(stmt).first() is not None


def _party_label(row: Any) -> str:
    if isinstance(row, Client):
        return f"{row.full_name} ({row.personal_code})"
    return str(row)


def create_portal_account(
    session: Any,
    *,
    actor: Actor,
    role: str,
    party_id: int,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
) -> tuple[PlusUser, str]:
    """Create a portal user linked to a client, employer or volunteer, with an invitation.

    The account has no usable password until the invitation is accepted.

    :returns: the user and the invitation token.
    :raises AccessDenied: if the actor may not create accounts for this party.
    :raises ValidationFailed: on a taken username or e-mail, or a bad role.
    """
    from portal.extensions import security_manager

    if role not in PORTAL_LINKS:
        raise ValidationFailed(_l("Choose a client, employer or volunteer account."), "role")
    if not may_manage(session, actor, role, party_id):
        raise AccessDenied(_l("You may not create an account for this person."), "party")
    username = username.strip()
    email = email.strip()
    if not _USERNAME_RE.match(username):
        raise ValidationFailed(
            _l("A username has 3 to 64 letters, digits or the characters . _ @ -."), "username"
        )
    taken = session.execute(
        select(PlusUser.id).where(
            (PlusUser.username == username) | (PlusUser.email == email)
        )
    ).first()
    if taken:
        raise ValidationFailed(_l("This username or e-mail is already in use."), "username")
    column, _model = PORTAL_LINKS[role]
    user = PlusUser(
        username=username,
        first_name=first_name.strip()[:64],
        last_name=last_name.strip()[:64],
        email=email,
        active=True,
        # No password anyone knows: a random one, hashed, until the invitation sets one.
        password=generate_password_hash(secrets.token_urlsafe(32)),
        roles=[security_manager.find_role(role)],
    )
    setattr(user, column, party_id)
    session.add(user)
    session.flush()
    token = create_invitation(session, user, actor.user_id)
    return user, token


def reissue(session: Any, *, actor: Actor, user_id: int) -> tuple[PlusUser, str]:
    """A new invitation link for an existing portal account the actor may manage.

    :raises NotFound: if there is no such portal account within the actor's reach.
    """
    user = session.get(PlusUser, user_id)
    role = portal_role(user) if user is not None else None
    if user is None or role is None:
        raise NotFound(_l("There is no such portal account."))
    column, _model = PORTAL_LINKS[role]
    party_id = getattr(user, column)
    if not may_manage(session, actor, role, party_id):
        raise NotFound(_l("There is no such portal account."))
    return user, create_invitation(session, user, actor.user_id)


def accounts(session: Any, actor: Actor, limit: int = 500) -> list[PlusUser]:
    """The portal accounts ``actor`` manages (see :func:`parties`), newest first."""
    if not (actor.is_admin or actor.is_manager):
        return []
    conditions = [
        getattr(PlusUser, column).in_(
            _party_query(actor, role).with_only_columns(model.id)  # type: ignore[attr-defined]
        )
        for role, (column, model) in PORTAL_LINKS.items()
    ]
    stmt = (
        select(PlusUser)
        .where(or_(*conditions))
        .order_by(PlusUser.id.desc())
        .limit(limit)
    )
    return [u for u in session.execute(stmt).scalars() if is_portal_user(u)]


def last_invitation(session: Any, user_id: int) -> PortalInvitation | None:
    """The newest invitation of a user (to show whether it was used or has expired)."""
    return session.execute(
        select(PortalInvitation)
        .where(PortalInvitation.user_id == user_id)
        .order_by(PortalInvitation.created_at.desc(), PortalInvitation.id.desc())
        .limit(1)
    ).scalar_one_or_none()
