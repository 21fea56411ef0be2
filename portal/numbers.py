"""Numbers as users in Latvia read and type them: ``31,5``, through Babel's locale data."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import format_decimal
from flask import has_request_context
from flask_babel import get_locale

_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?", re.ASCII)
# NaN and Infinity parse as Decimal does; the field's range check refuses them by name.
_SPECIAL = re.compile(r"[+-]?(?:nan|inf|infinity)", re.ASCII | re.IGNORECASE)
# 1e9 is a number too: the field's range check then says what is allowed.
_EXPONENT = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+", re.ASCII)


def _locale() -> str:
    locale = get_locale() if has_request_context() else None
    return str(locale) if locale is not None else "lv"


def format_number(value: Any, *, grouping: bool = True) -> str:
    """A number in the user's language (``31,5`` in Latvian), without trailing zeros."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    number = Decimal(str(value))
    if not number.is_finite():
        return str(value)
    pattern = None if grouping else "0.##########"
    if grouping:
        pattern = "#,##0.##########"
    try:
        return format_decimal(number, format=pattern, locale=_locale())
    except InvalidOperation:  # beyond what Babel rounds (1E+30): shown as it came
        return str(value)


def parse_number(text: str) -> Decimal:
    """Read a number typed with a decimal comma or point (``4,5``, ``4.5``; spaces ignored).

    :raises ValueError: when the text is not such a number.
    """
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", text)
    if "," in cleaned and "." in cleaned:
        raise ValueError(text)  # 1.234,5 or 1,234.5: ambiguous, ask again
    if not (_NUMBER.fullmatch(cleaned) or _EXPONENT.fullmatch(cleaned)
            or _SPECIAL.fullmatch(cleaned)):
        raise ValueError(text)
    try:
        return Decimal(cleaned.replace(",", "."))
    except InvalidOperation as exc:
        raise ValueError(text) from exc
