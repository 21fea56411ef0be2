"""Input rules shared by screens, the API and the portal; each raises ValidationFailed."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.services import personal_code as pc
from portal.services.errors import ValidationFailed


def today() -> dt.date:
    """Today in the service's time zone (Europe/Riga)."""
    from zoneinfo import ZoneInfo

    from flask import current_app, has_app_context

    tz = current_app.config.get("PLUS_TIMEZONE", "Europe/Riga") if has_app_context() else "Europe/Riga"
    return dt.datetime.now(ZoneInfo(tz)).date()


def personal_code(value: str, field: str = "personal_code") -> str:
    """Validate and normalise a personal code."""
    try:
        return pc.validate(value or "")
    except pc.InvalidPersonalCode as exc:
        raise ValidationFailed(exc.args[0] if exc.args else _l("Invalid personal code."), field) from exc


def birth_date(value: dt.date | None, field: str = "birth_date") -> None:
    """A birth date must be in the past and plausible."""
    if value is None:
        return
    if value > today():
        raise ValidationFailed(_l("The date of birth cannot be in the future."), field)
    if value.year < 1900:
        raise ValidationFailed(_l("The date of birth is not plausible."), field)


def birth_matches_code(code: str, born: dt.date | None, field: str = "birth_date") -> None:
    """The date of birth must agree with an old-form personal code."""
    encoded = pc.birth_date(code)
    if encoded is not None and born is not None and encoded != born:
        raise ValidationFailed(
            _l("The date of birth does not match the personal code."), field
        )


def date_order(start: dt.date | None, end: dt.date | None, field: str = "end_date") -> None:
    """An end date may not come before its start date."""
    if start is not None and end is not None and end < start:
        raise ValidationFailed(_l("The end date cannot be before the start date."), field)


def hours_in_day(value: Any, field: str = "hours") -> Decimal:
    """Hours worked or planned on one day: 0 to 24, in steps no finer than 0.01."""
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValidationFailed(_l("Enter the hours as a number."), field) from exc
    if not hours.is_finite() or hours < 0 or hours > 24:
        raise ValidationFailed(_l("Hours in a day must be between 0 and 24."), field)
    if hours != hours.quantize(Decimal("0.01")):
        raise ValidationFailed(_l("Use at most two decimal places for hours."), field)
    return hours


_CLOCK = re.compile(r"([01]?\d|2[0-3])[:.]([0-5]\d)")


def time_of_day(value: str | None, field: str = "start_time") -> str | None:
    """A clock time, written HH:MM (24-hour; 8.30 is read as 08:30); returns it as HH:MM."""
    if value is None or not value.strip():
        return None
    match = _CLOCK.fullmatch(value.strip())
    if match is None:
        raise ValidationFailed(_l("Enter the time as HH:MM, for example 08:30."), field)
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def positive_amount(value: Any, field: str, maximum: int) -> None:
    """A count such as hours ordered or months of supervision: a number from 0 to ``maximum``."""
    if value is None:
        return
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        number = Decimal("NaN")
    # NaN and infinity compare badly (NaN raises), so they are refused before comparing.
    if not number.is_finite() or number < 0 or number > maximum:
        raise ValidationFailed(_l("Enter a number from 0 to %(max)s.", max=maximum), field)
