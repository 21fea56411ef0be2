"""Server-side end of sessions: a per-user session version checked on every request.

Flask's session is a signed cookie, so logging out on the client alone leaves a copied cookie
valid until it expires. Each user therefore has a ``session_version``: :func:`start_session`
writes it into the session at login, every request (officer screens, API with the cookie, the
portal) compares it with the stored one (:func:`is_current`, called by the security manager
when Flask-Login loads the user), and :func:`end_session` raises it at logout, which ends every
session of that user on every device.

Every login path calls :func:`start_session`: it is connected to Flask-Login's
``user_logged_in`` signal, so any view that calls ``flask_login.login_user`` (the officer
login, the portal login, an invitation, a SAML login) is covered without further code.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, session
from flask_login import logout_user, user_logged_in
from sqlalchemy import update

#: session key holding the user's session version at login
SESSION_KEY = "_plus_sv"


def start_session(user: Any) -> None:
    """Bind the current session to the user's present session version (call at login)."""
    session[SESSION_KEY] = int(getattr(user, "session_version", 0) or 0)


def is_current(user: Any) -> bool:
    """Whether the current session was started after the user's last logout."""
    stored = session.get(SESSION_KEY)
    return isinstance(stored, int) and stored == int(getattr(user, "session_version", 0) or 0)


def end_session(user: Any | None) -> None:
    """Log the user out here and end every other session of theirs on the server.

    :param user: the logged-in user (``None`` or anonymous just clears this session).
    """
    from portal.extensions import db
    from portal.models import PlusUser

    user_id = getattr(user, "id", None) if getattr(user, "is_authenticated", False) else None
    if user_id is not None:
        db.session.execute(
            update(PlusUser)
            .where(PlusUser.id == user_id)
            .values(session_version=PlusUser.session_version + 1)
        )
        db.session.commit()
    logout_user()
    session.pop(SESSION_KEY, None)
    session.pop("plus.national_login.person", None)


def install(app: Flask) -> None:
    """Start a versioned session on every login of ``app``."""

    def _on_login(sender: Flask, user: Any, **_: Any) -> None:
        start_session(user)

    user_logged_in.connect(_on_login, app, weak=False)
