"""Input rules shared by screens, the API and the portal; each raises ValidationFailed."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.services.casework import personal_code as pc
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


def birth_date_for(code: str, born: dt.date | None, field: str = "birth_date") -> dt.date:
    """The client's date of birth from a valid personal code and the date the form gave.

    A new-form code (``32…``) carries no date, so it must be given then and only then; an
    old-form code carries it, so it is taken from the code and a date given must agree.

    :raises ValidationFailed: beside ``field`` when a new-form code comes without a date, or
        the date is implausible or disagrees with an old-form code.
    """
    encoded = pc.birth_date(code)
    if encoded is None:
        if born is None:
            raise ValidationFailed(
                _l("A personal code starting with 32 carries no date of birth: enter it."),
                field)
        birth_date(born, field)
        return born
    birth_matches_code(code, born, field)
    return encoded


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


def personal_code_free(session: Any, code: str, actor: Any, exclude_id: int | None = None,
                       field: str = "personal_code") -> None:
    """A (normalised) personal code must not belong to another client.

    The message tells only what the actor may know: that the client is already registered
    when the actor may see that client; otherwise merely that the code cannot be registered,
    never that (or where) the person is on probation.

    :raises ValidationFailed: when another client has the code.
    """
    from sqlalchemy import select

    from portal.models import Client
    from portal.services import access

    stmt = select(Client).where(Client.personal_code == code)
    if exclude_id is not None:
        stmt = stmt.where(Client.id != exclude_id)
    other = session.execute(stmt).scalars().first()
    if other is None:
        return
    if access.can_view(session, other, actor):
        raise ValidationFailed(_l("A client with this personal code is already registered."),
                               field)
    raise ValidationFailed(
        _l("This personal code cannot be registered. If the person is already a client of "
           "the service, ask your unit manager."),
        field,
    )


def long_text_limit() -> int:
    """The most characters of a long text typed by a person (``TEXT_MAX_LENGTH``)."""
    from flask import current_app, has_app_context

    return int(current_app.config.get("TEXT_MAX_LENGTH", 5000)) if has_app_context() else 5000


def text_length(value: str) -> int:
    """Characters as a browser counts them against ``maxlength``: a line break is one,
    though a form posts it as two (CR LF)."""
    return len(value.replace("\r\n", "\n"))


def long_text(value: str | None, field: str | None = None) -> str | None:
    """A long text (notes, a description) within ``TEXT_MAX_LENGTH`` characters.

    :raises ValidationFailed: beside ``field`` when it is longer.
    """
    limit = long_text_limit()
    if isinstance(value, str) and text_length(value) > limit:
        from portal.numbers import format_number

        raise ValidationFailed(
            _l("At most %(max)s characters; this text has %(count)s.",
               max=format_number(limit), count=format_number(text_length(value))),
            field,
        )
    return value
