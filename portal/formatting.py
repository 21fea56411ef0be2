"""Template filters and parsing: dates and times as users in Latvia read and type them."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_app_context


def local_zone() -> ZoneInfo:
    """The service's time zone (``PLUS_TIMEZONE``, Europe/Riga by default)."""
    name = current_app.config.get("PLUS_TIMEZONE", "Europe/Riga") if has_app_context() else (
        "Europe/Riga")
    return ZoneInfo(name)


def localtime(value: dt.datetime | None) -> str:
    """A stored (UTC) timestamp in the service's time zone, as DD.MM.YYYY HH:MM."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(local_zone()).strftime("%d.%m.%Y %H:%M")


def local_input(value: dt.datetime) -> str:
    """A stored (UTC) timestamp as a ``datetime-local`` input shows it: YYYY-MM-DDTHH:MM.

    Seconds are left out: the input's default step is a minute, and a browser refuses to
    submit a value that is not on the step.
    """
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(local_zone()).strftime("%Y-%m-%dT%H:%M")


class BadLocalTime(ValueError):
    """The text is not a date and time in a format we read, or not a real date."""


class NonexistentLocalTime(ValueError):
    """The wall-clock time is skipped when the clocks go forward (spring DST gap)."""


# ASCII digits only: int() would read other scripts' digits too, which no one means here.
_ISO = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})[T ]"
    r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.(?P<f>\d{1,6}))?)?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?",
    re.ASCII | re.IGNORECASE,
)
_LATVIAN = re.compile(
    r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})\.?\s+"
    r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?",
    re.ASCII,
)


def parse_localtime(text: str, *, earliest_year: int = 1900,
                    latest_year: int = 2999) -> tuple[dt.datetime, bool]:
    """Read a date and time typed in the service's time zone; return it in UTC.

    Accepted: ``YYYY-MM-DDTHH:MM`` (what a ``datetime-local`` input sends), with a space
    instead of ``T``, with seconds, and ``DD.MM.YYYY HH:MM[:SS]`` as lists show it. A value
    carrying its own UTC offset (``Z``, ``+02:00``) is taken as that instant.

    A wall-clock time that occurs twice (the autumn hour when the clocks go back) is read as
    its first occurrence, still in summer time — Python's default (``fold=0``); a time that
    never occurs (the spring hour skipped) is refused.

    Returns the UTC timestamp and whether the text gave seconds.

    :raises NonexistentLocalTime: the time falls into the spring gap.
    :raises BadLocalTime: anything else that is not a date and time we can store.
    """
    text = text.strip()
    match = _ISO.fullmatch(text) or _LATVIAN.fullmatch(text)
    if match is None:
        raise BadLocalTime(text)
    parts = match.groupdict()
    try:
        naive = dt.datetime(
            int(parts["y"]), int(parts["m"]), int(parts["d"]), int(parts["H"]), int(parts["M"]),
            int(parts["S"] or 0), int((parts.get("f") or "0").ljust(6, "0")),
        )
    except ValueError as exc:  # 31.02., 25:00 and the like
        raise BadLocalTime(text) from exc
    if not earliest_year <= naive.year <= latest_year:
        raise BadLocalTime(text)
    with_seconds = parts["S"] is not None
    offset = parts.get("tz")
    if offset:
        if offset.upper() == "Z":
            zone: dt.tzinfo = dt.UTC
        else:
            sign = -1 if offset[0] == "-" else 1
            digits = offset[1:].replace(":", "")
            hours, minutes = int(digits[:2]), int(digits[2:])
            if hours > 23 or minutes > 59:
                raise BadLocalTime(text)
            zone = dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
        return naive.replace(tzinfo=zone).astimezone(dt.UTC), with_seconds
    tz = local_zone()
    aware = naive.replace(tzinfo=tz, fold=0)
    utc = aware.astimezone(dt.UTC)
    # A skipped time does not come back unchanged from UTC (03:30 becomes 04:30).
    if utc.astimezone(tz).replace(tzinfo=None) != naive:
        raise NonexistentLocalTime(text)
    return utc, with_seconds


def _finalize(value: Any) -> Any:
    """What ``{{ value }}`` prints: numbers in the user's language (``31,5``), and nothing
    for a missing value, never Python's ``None``."""
    if value is None:
        return ""
    if isinstance(value, (Decimal, float)) and not isinstance(value, bool):
        from portal.numbers import format_number

        return format_number(value)
    return value


def register_filters(app: Flask) -> None:
    """Make the filters available to every template."""
    from portal.numbers import format_number

    app.jinja_env.finalize = _finalize
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.filters["number"] = format_number
    from portal.labels import (
        exchange_kind_label,
        notice_failure_label,
        role_labels,
        version_note,
    )

    app.jinja_env.globals["exchange_kind"] = exchange_kind_label
    app.jinja_env.globals["notice_failure"] = notice_failure_label
    app.jinja_env.filters["role_labels"] = role_labels
    app.jinja_env.filters["version_note"] = version_note
