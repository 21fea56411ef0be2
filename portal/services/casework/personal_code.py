"""Latvian personal codes (personas kods): normalising, validating, generating and masking.

Two forms exist. The old form ``DDMMYY-CNNNN`` encodes the birth date, with ``C`` the century
(0 = 1800s, 1 = 1900s, 2 = 2000s) and the last digit a check digit. The new form, issued
since 2017, starts with ``32`` and encodes no birth date; its digits are not checked here.
"""

from __future__ import annotations

import datetime as dt
import random
import re

from flask_babel import lazy_gettext as _l

__all__ = [
    "InvalidPersonalCode",
    "birth_date",
    "generate_new",
    "generate_old",
    "is_new_form",
    "mask",
    "normalise",
    "validate",
]

_WEIGHTS = (1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_SHAPE = re.compile(r"^(\d{6})-?(\d{5})$")
_WHITESPACE = re.compile(r"\s+")
_NEW_FORM_PREFIX = "32"
_CENTURIES = {"0": 1800, "1": 1900, "2": 2000}

_MESSAGES = {
    "format": _l("A personal code has 11 digits, written as DDMMYY-NNNNN."),
    "date": _l("The personal code does not contain a valid birth date."),
    "checksum": _l("The personal code is mistyped: its check digit does not match."),
}


class InvalidPersonalCode(ValueError):
    """A personal code that cannot be accepted; ``code`` names why: format, date or checksum."""

    def __init__(self, code: str) -> None:
        self.code = code
        # A lazy string, so the message is translated when shown, in the reader's language.
        self.message = _MESSAGES[code]
        super().__init__(self.message)


def normalise(raw: str) -> str:
    """Return ``raw`` as ``DDMMYY-NNNNN``, ignoring spaces; the hyphen may be present or not.

    :raises InvalidPersonalCode: (``format``) when it is not 11 digits.
    """
    if not isinstance(raw, str):
        raise InvalidPersonalCode("format")
    match = _SHAPE.match(_WHITESPACE.sub("", raw))
    if match is None:
        raise InvalidPersonalCode("format")
    return f"{match.group(1)}-{match.group(2)}"


def is_new_form(code: str) -> bool:
    """Whether a normalised code is of the new form (since 2017, no birth date encoded)."""
    return code.startswith(_NEW_FORM_PREFIX)


def _digits(code: str) -> list[int]:
    return [int(c) for c in code if c.isdigit()]


def _check_digit(first_ten: list[int]) -> int:
    """The check digit for the first ten digits; 10 means no digit can make the code valid."""
    return (1101 - sum(d * w for d, w in zip(first_ten, _WEIGHTS, strict=True))) % 11


def _encoded_date(code: str) -> dt.date:
    century = _CENTURIES.get(code[7])
    if century is None:
        raise InvalidPersonalCode("date")
    try:
        return dt.date(century + int(code[4:6]), int(code[2:4]), int(code[0:2]))
    except ValueError:
        raise InvalidPersonalCode("date") from None


def validate(raw: str, *, today: dt.date | None = None) -> str:
    """Return the normalised personal code, or raise if it is not a valid one.

    Old-form codes must carry a real birth date that is not after ``today`` (default: the
    current date) and a matching check digit. New-form codes (``32…``) are accepted as digits.

    :raises InvalidPersonalCode: with ``code`` ``"format"``, ``"date"`` or ``"checksum"``.
    """
    code = normalise(raw)
    if is_new_form(code):
        return code
    born = _encoded_date(code)
    if born > (today or dt.date.today()):
        raise InvalidPersonalCode("date")
    digits = _digits(code)
    if _check_digit(digits[:10]) != digits[10]:
        raise InvalidPersonalCode("checksum")
    return code


def birth_date(code: str) -> dt.date | None:
    """The birth date encoded in an old-form code; ``None`` for a new-form code.

    :raises InvalidPersonalCode: when the code is malformed or encodes no real date.
    """
    normalised = normalise(code)
    if is_new_form(normalised):
        return None
    return _encoded_date(normalised)


def generate_old(birth: dt.date, rng: random.Random) -> str:
    """A valid old-form code for someone born on ``birth`` (years 1800–2099).

    :raises ValueError: when ``birth`` is outside the centuries the old form can encode.
    """
    century_digit = birth.year // 100 - 18
    if not 0 <= century_digit <= 2:
        raise ValueError(f"year {birth.year} cannot be encoded in an old-form personal code")
    prefix = f"{birth:%d%m%y}{century_digit}"
    while True:
        serial = f"{rng.randrange(1000):03d}"
        check = _check_digit(_digits(prefix + serial))
        if check < 10:
            return f"{prefix[:6]}-{prefix[6]}{serial}{check}"


def generate_new(rng: random.Random) -> str:
    """A new-form code: ``32`` followed by nine random digits, as ``32NNNN-NNNNN``."""
    return f"{_NEW_FORM_PREFIX}{rng.randrange(10_000):04d}-{rng.randrange(100_000):05d}"


def mask(code: str) -> str:
    """The code with its serial part hidden, for logs and lists: ``010190-*****``.

    A new-form code shows only its ``32`` prefix, because its other digits carry no birth
    date and identify the person. Anything unreadable is fully hidden.
    """
    try:
        normalised = normalise(code)
    except InvalidPersonalCode:
        return "******-*****"
    if is_new_form(normalised):
        return f"{_NEW_FORM_PREFIX}****-*****"
    return f"{normalised[:6]}-*****"
