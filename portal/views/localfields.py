"""Form fields that read and show dates and numbers as users in Latvia type them.

FAB's own fields read ``YYYY-MM-DD`` (its date picker even rewrote a typed ``15.03.1990``
into ``20-08-10``) and ``4.5``; ours read ``DD.MM.YYYY`` and ``4,5`` and show values the way
the lists show them, through Babel.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.dates import get_day_names, get_month_names
from flask import url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import Field
from wtforms.validators import StopValidation
from wtforms.widgets import html_params

from portal.numbers import format_number, parse_number

# ASCII digits only; a trailing dot is how Latvian often writes a date ("15.03.1990.").
_DMY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})\.?", re.ASCII)
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)

EARLIEST_YEAR = 1900
LATEST_YEAR = 2999


def parse_date(text: str) -> dt.date:
    """Read ``DD.MM.YYYY`` (or ``YYYY-MM-DD``, what a browser's date input sends).

    :raises ValueError: not a real date in one of those forms, or a year out of range.
    """
    text = text.strip()
    match = _DMY.fullmatch(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _ISO.fullmatch(text)
        if match is None:
            raise ValueError(text)
        year, month, day = (int(g) for g in match.groups())
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValueError(text)
    return dt.date(year, month, day)


def _babel_locale() -> str:
    locale = get_locale()
    return str(locale) if locale is not None else "lv"


class LocalDateInput:
    """A text input for ``DD.MM.YYYY`` with a calendar button (FAB's bundled picker).

    The picker is configured by ``/static/plus_date.js`` (no inline script, so the CSP holds)
    with month and day names from Babel's locale data, weeks starting on Monday.
    """

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        kwargs.setdefault("class", "form-control")
        locale = _babel_locale()
        months = list(get_month_names("wide", locale=locale).values())
        months_short = list(get_month_names("abbreviated", locale=locale).values())
        days = get_day_names("abbreviated", locale=locale)
        days_min = [days[(i + 6) % 7] for i in range(7)]  # Babel: Monday=0; picker: Sunday=0
        attrs = html_params(
            type="text", name=field.name, value=field._value(), inputmode="numeric",
            placeholder=str(_l("dd.mm.yyyy")), autocomplete="off",
            **{"data-months": "|".join(months), "data-months-short": "|".join(months_short),
               "data-days-min": "|".join(days_min), "aria-describedby": f"{field.id}-format"},
            **kwargs,
        )
        script = url_for("static", filename="plus_date.js")
        choose = escape(_l("Choose a date"))
        hint = escape(_l("Date as dd.mm.yyyy"))
        # html_params escapes every attribute; the texts are escaped above.
        return Markup(  # nosec B704
            '<div class="input-group plus-date">'
            f"<input {attrs}>"
            '<span class="input-group-btn"><button type="button" class="btn btn-default '
            f'plus-date-open" tabindex="-1" aria-label="{choose}">'
            '<i class="fa fa-calendar"></i></button></span></div>'
            f'<span id="{field.id}-format" class="sr-only">{hint}</span>'
            f'<script src="{script}" defer></script>'
        )


class LocalDateField(Field):
    """A date typed and shown as ``DD.MM.YYYY``."""

    widget = LocalDateInput()

    def _value(self) -> str:
        if self.raw_data and self.process_errors:
            return str(self.raw_data[0])
        if isinstance(self.data, dt.date):
            return self.data.strftime("%d.%m.%Y")
        return ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        text = valuelist[0]
        self.data = None
        if not isinstance(text, str) or not text.strip():
            return  # empty: DataRequired or Optional decides
        try:
            self.data = parse_date(text)
        except ValueError as exc:
            raise ValueError(str(_l(
                "Enter the date as DD.MM.YYYY (year from %(first)s to %(last)s).",
                first=EARLIEST_YEAR, last=LATEST_YEAR))) from exc

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            raise StopValidation()


class LocalDecimalInput:
    """A text input for a number with a decimal comma."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        kwargs.setdefault("class", "form-control")
        attrs = html_params(type="text", inputmode="decimal", name=field.name,
                            value=field._value(), **kwargs)
        return Markup(f"<input {attrs}>")  # nosec B704 - html_params escapes the values


class LocalDecimalField(Field):
    """A decimal number typed as ``4,5`` (or ``4.5``) and shown as the lists show it."""

    widget = LocalDecimalInput()

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])  # what was typed stays as typed beside a message
        if isinstance(self.data, (Decimal, int, float)):
            return format_number(self.data, grouping=False)
        return ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        text = valuelist[0]
        self.data = None
        if not isinstance(text, str) or not text.strip():
            return
        try:
            self.data = parse_number(text)
        except (ValueError, InvalidOperation) as exc:
            raise ValueError(str(_l("Enter a number, for example 4,5."))) from exc

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            raise StopValidation()
