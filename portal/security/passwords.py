"""The one password policy of PLUS: staff password resets, user screens and the portal.

A password needs at least ``PASSWORD_MIN_LENGTH`` characters (10 unless configured), both
letters and digits, no surrounding spaces or control characters, must not contain the
username and must not be a common password (``common-passwords.txt``, also after removing
leading and trailing digits and signs, so ``Password2024!`` is refused as well).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from flask import current_app, has_app_context
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_babel import lazy_gettext as _l

from portal.services.errors import ValidationFailed

__all__ = ["MAX_LENGTH", "MIN_LENGTH", "check", "fab_validator", "min_length"]

#: the default shortest password (``PASSWORD_MIN_LENGTH`` in config.py overrides it)
MIN_LENGTH = 10
#: scrypt on a megabyte of input is a cheap way to tie up a worker; no real password is longer
MAX_LENGTH = 128
_COMMON_FILE = Path(__file__).with_name("common-passwords.txt")
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines
                     if line.strip() and not line.startswith("#"))


def min_length() -> int:
    """The shortest accepted password of the running app."""
    if has_app_context():
        return int(current_app.config.get("PASSWORD_MIN_LENGTH", MIN_LENGTH))
    return MIN_LENGTH


def check(password: str, username: str | None = None) -> None:
    """Refuse a password that breaks the policy.

    :raises ValidationFailed: naming the rule broken (field ``password``).
    """
    shortest = min_length()
    if len(password) < shortest:
        raise ValidationFailed(
            _l("The password must have at least %(n)s characters.", n=shortest), "password"
        )
    if len(password) > MAX_LENGTH:
        raise ValidationFailed(
            _l("The password may have at most %(n)s characters.", n=MAX_LENGTH), "password"
        )
    if not password.isprintable() or password.strip() != password:
        raise ValidationFailed(
            _l("The password may not begin or end with a space or contain control characters."),
            "password",
        )
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        raise ValidationFailed(_l("The password must contain both letters and digits."),
                               "password")
    if username and username.casefold() in password.casefold():
        raise ValidationFailed(_l("The password may not contain the username."), "password")
    folded = password.casefold()
    common = _common()
    if folded in common or _EDGES.sub("", folded) in common:
        raise ValidationFailed(
            _l("This password is too common and easy to guess. Choose another one."),
            "password",
        )


def fab_validator(password: str) -> None:
    """The policy as Flask-AppBuilder's ``FAB_PASSWORD_COMPLEXITY_VALIDATOR`` (user screens
    and the password reset forms of officers).

    :raises PasswordComplexityValidationError: with the message of the rule broken.
    """
    try:
        check(password or "")
    except ValidationFailed as exc:
        raise PasswordComplexityValidationError(str(exc.message)) from None
