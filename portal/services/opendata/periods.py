"""Reporting periods: a calendar month (``2025-03``) or a calendar year (``2025``)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from portal.services.errors import ValidationFailed

__all__ = ["Period", "parse_period", "previous_month", "previous_year"]

_PERIOD_RE = re.compile(r"^(\d{4})(?:-(\d{2}))?\Z")
# Nothing in PLUS is older than the service itself (2003); earlier years are typing errors.
FIRST_YEAR = 2000


@dataclass(frozen=True, order=True)
class Period:
    """A month or a year; ``month`` is None for a year."""

    year: int
    month: int | None = None

    @property
    def is_year(self) -> bool:
        return self.month is None

    @property
    def code(self) -> str:
        """The stable text form used in URIs and file names: ``2025`` or ``2025-03``."""
        return str(self.year) if self.month is None else f"{self.year}-{self.month:02d}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month or 1, 1)

    @property
    def end(self) -> dt.date:
        """The last day of the period (inclusive)."""
        return self.next_start - dt.timedelta(days=1)

    @property
    def next_start(self) -> dt.date:
        """The first day after the period."""
        if self.month is None:
            return dt.date(self.year + 1, 1, 1)
        if self.month == 12:
            return dt.date(self.year + 1, 1, 1)
        return dt.date(self.year, self.month + 1, 1)

    def months(self) -> list[Period]:
        """The months of a year (a month is its own only month)."""
        if self.month is not None:
            return [self]
        return [Period(self.year, m) for m in range(1, 13)]

    def year_period(self) -> Period:
        return Period(self.year)

    def complete(self, today: dt.date) -> bool:
        """Whether the period has ended by ``today``."""
        return self.end < today

    def __str__(self) -> str:
        return self.code


def parse_period(text: str | None, today: dt.date) -> Period:
    """Parse ``YYYY`` or ``YYYY-MM``; a period that has not yet started is refused.

    :raises ValidationFailed: for a malformed, too early or future period (the message is
        translated and names the expected form).
    """
    from flask_babel import gettext as _

    value = (text or "").strip()
    match = _PERIOD_RE.match(value)
    if not match:
        raise ValidationFailed(
            _("The period must be a year (YYYY) or a month (YYYY-MM), e.g. %(example)s.",
              example=f"{today.year}-{today.month:02d}")
        )
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    if month is not None and not 1 <= month <= 12:
        raise ValidationFailed(_("The month must be from 01 to 12."))
    if year < FIRST_YEAR:
        raise ValidationFailed(
            _("The period must not be earlier than %(year)s.", year=FIRST_YEAR)
        )
    period = Period(year, month)
    if period.start > today:
        raise ValidationFailed(_("The period %(period)s is in the future.", period=period.code))
    return period


def previous_month(today: dt.date) -> Period:
    """The last complete month before ``today``."""
    first = today.replace(day=1) - dt.timedelta(days=1)
    return Period(first.year, first.month)


def previous_year(today: dt.date) -> Period:
    """The last complete year before ``today``."""
    return Period(today.year - 1)
