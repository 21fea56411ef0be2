"""The value check of each component type: what a text field, number, select, tags, day,
date/time and file accept, and the clean value each gives.

Mixed into the validator of :mod:`portal.formsengine.validation`, which supplies the
definition, the locale, the options allowed for selects filled at render time, today's date
and ``fail`` (an error under a component's path).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Collection, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from portal.formsengine.jsvalues import (
    _JS_SPACE_RE,
    _JS_TRIM_RE,
    _MAX_SAFE_INT,
    _NUMERIC_RE,
    _auto_type,
    _js_equal,
    _js_length,
    _js_number,
    _num,
)
from portal.formsengine.schema import TODAY, Field, FormDefinition

_FILE_KEYS = ("name", "originalName", "size", "type", "storage", "url", "hash")
# Form.io's e-mail expression (validateEmail in @formio/core), with \Z for JavaScript's $.
_EMAIL_RE = re.compile(
    r'^(([^<>()\[\]\\.,;:\s@"]+(\.[^<>()\[\]\\.,;:\s@"]+)*)|(".+"))@'
    r"((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\])|(([a-zA-Z\-0-9]+\.)+[a-zA-Z]{2,}))\Z"
)
_PHONE_CHARS_RE = re.compile(r"^\+?[0-9 ().\-]+\Z")
_DAY_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{1,4})\Z")


class ComponentChecks:
    """The per-type checks; ``_Validator`` in :mod:`portal.formsengine.validation` runs them."""

    defn: FormDefinition
    locale: str
    today: dt.date
    allowed: Mapping[str, frozenset[str]]

    def fail(self, path: str, f: Field | None, error: str, **params: Any) -> None:
        """Record an error under ``path`` (the validator's own)."""
        raise NotImplementedError

    def text(self, f: Field, value: Any, path: str) -> str | None:
        if value is None:
            value = ""
        if isinstance(value, list):
            self.fail(path, f, "nonarray")
            return None
        if not isinstance(value, str) or not _storable(value):
            self.fail(path, f, "invalid_type")
            return None
        if value == "":
            if f.required:
                self.fail(path, f, "required")
            return None
        if f.required and _JS_SPACE_RE.fullmatch(value):
            # The renderer trims before its required check: only spaces is no answer.
            self.fail(path, f, "required")
            return None
        length = _js_length(value)
        if f.min_length and length < f.min_length:
            self.fail(path, f, "minLength", length=_num(f.min_length))
        if f.max_length and length > f.max_length:
            self.fail(path, f, "maxLength", length=_num(f.max_length))
        words = f.settings.get("minWords"), f.settings.get("maxWords")
        if words != (None, None):
            # @formio/core: value.trim().split(/\s+/).length
            count = len(_JS_SPACE_RE.split(_JS_TRIM_RE.sub("", value)))
            if words[0] and count < words[0]:
                self.fail(path, f, "minWords", length=_num(words[0]))
            if words[1] and count > words[1]:
                self.fail(path, f, "maxWords", length=_num(words[1]))
        if f.pattern is not None and not f.pattern.search(value):
            self.fail(path, f, "pattern", pattern=f.pattern_source, regex=f.pattern_source)
        if f.type == "email" and not _EMAIL_RE.match(value):
            self.fail(path, f, "invalid_email")
        if f.type == "phoneNumber":
            mask = f.settings.get("mask")
            if mask:
                if not _match_mask(value, mask):
                    self.fail(path, f, "mask", mask=mask)
            elif f.pattern is None and not _plausible_phone(value):
                self.fail(path, f, "invalid_phone")
        return value

    def number(self, f: Field, value: Any, path: str) -> int | Decimal | None:
        if value is None or value == "":
            if f.required:
                self.fail(path, f, "required")
            return None
        if isinstance(value, str) and _NUMERIC_RE.match(value):
            # @formio/js itself posts some numbers as strings (e.g. "0"): they are numbers.
            value = _js_number(value)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (isinstance(value, float) and not math.isfinite(value))
            or (isinstance(value, int) and abs(value) > _MAX_SAFE_INT)
        ):
            self.fail(path, f, "number")
            return None
        if f.min_value is not None and value < f.min_value:
            self.fail(path, f, "min", min=_num(f.min_value))
        if f.max_value is not None and value > f.max_value:
            self.fail(path, f, "max", max=_num(f.max_value))
        integral = isinstance(value, int) or value.is_integer()
        exact = Decimal(int(value)) if integral else Decimal(repr(value))
        if f.type == "currency":
            # Euro cents, exactly: 0.1 + 0.2 is 0.30, never 0.30000000000000004.
            exact = _cents(exact, f.decimal_limit) if _within(exact, f.decimal_limit) else exact
        if f.decimal_limit is not None and -int(exact.as_tuple().exponent) > f.decimal_limit:
            if f.decimal_limit == 0:
                self.fail(path, f, "integer")
            else:
                self.fail(path, f, "decimalLimit", decimalLimit=f.decimal_limit)
        return int(exact) if integral else exact

    def checkbox(self, f: Field, value: Any, path: str) -> bool | None:
        if value is None or value == "":
            value = False
        if not isinstance(value, bool):
            self.fail(path, f, "invalid_type")
            return None
        if f.required and not value:
            self.fail(path, f, "required")
        return value

    def choice(self, f: Field, value: Any, path: str) -> str | list[str] | None:
        if f.multiple:
            if value is None or value == "":
                value = []
            if not isinstance(value, list):
                self.fail(path, f, "array")
                return None
            if f.required and not value:
                self.fail(path, f, "required")
            chosen: list[str] = []
            for item in value:
                option = self.option(f, item)
                if option is None:
                    self.fail(path, f, "invalidOption")
                    return None
                if option not in chosen:
                    chosen.append(option)
            return chosen
        if value is None or value == "":
            if f.required:
                self.fail(path, f, "required")
            return None
        if isinstance(value, list | dict):
            self.fail(path, f, "invalid_type")
            return None
        option = self.option(f, value)
        if option is None:
            self.fail(path, f, "invalidOption")
        return option

    def option(self, f: Field, value: Any) -> str | None:
        if not isinstance(value, str | int | float | bool):
            return None
        if f.option_source is not None:
            values: Collection[str] = self.allowed[f.option_source]
        else:
            values = [o.value for o in f.options]
        if isinstance(value, str):
            return value if value in values else None
        # Form.io's "auto" data type submits "12" as 12 and "true" as true.
        for candidate in values:
            if _js_equal(_auto_type(candidate), value):
                return candidate
        return None

    def selectboxes(self, f: Field, value: Any, path: str) -> dict[str, bool] | None:
        clean = {o.value: False for o in f.options}
        if value is None or value == "":
            value = {}
        if not isinstance(value, dict):
            self.fail(path, f, "invalid_type")
            return None
        for key, ticked in value.items():
            if key not in clean:
                self.fail(path, f, "invalidOption")
                return None
            if not isinstance(ticked, bool):
                self.fail(path, f, "invalid_type")
                return None
            clean[key] = ticked
        if f.required and not any(clean.values()):
            self.fail(path, f, "required")
        count = sum(clean.values())
        low, high = f.settings.get("minSelectedCount"), f.settings.get("maxSelectedCount")
        # @formio/core checks the counts only once something is ticked.
        if low and 0 < count < low:
            message = f.settings.get("minSelectedCountMessage", "minSelectedCount")
            self.fail(path, f, message, minCount=_num(low))
        if high and count > high:
            message = f.settings.get("maxSelectedCountMessage", "maxSelectedCount")
            self.fail(path, f, message, maxCount=_num(high))
        return clean

    def tags(self, f: Field, value: Any, path: str) -> str | list[str] | None:
        """Tags: one text joined by the delimiter, or a list with ``storeas: array``."""
        as_list = f.settings["storeas"] == "array"
        delimiter = f.settings["delimiter"]
        if value is None or value == "":
            value = [] if as_list else ""
        if as_list and not isinstance(value, list):
            self.fail(path, f, "array")
            return None
        if not as_list and not isinstance(value, str):
            self.fail(path, f, "invalid_type")
            return None
        items = value if as_list else ([t for t in value.split(delimiter)] if value else [])
        if not all(isinstance(t, str) and _storable(t) for t in items):
            self.fail(path, f, "invalid_type")
            return None
        if f.required and not [t for t in items if t]:
            self.fail(path, f, "required")
            return None
        max_tags = f.settings.get("max_tags")
        if max_tags and len(items) > max_tags:
            self.fail(path, f, "maxTags", count=max_tags)
        if not items:
            return None
        return list(items) if as_list else value

    def day(self, f: Field, value: Any, path: str) -> dt.date | str | None:
        parts_required: Mapping[str, bool] = f.settings["parts_required"]
        if value is None or value == "":
            if f.required:
                self.fail(path, f, "required")
            elif any(parts_required.values()):
                self.fail(path, f, "requiredDayEmpty")
            return None
        if not isinstance(value, str) or not (m := _DAY_RE.match(value)):
            self.fail(path, f, "invalidDay")
            return None
        first, second, year = (int(g) for g in m.groups())
        day, month = (first, second) if f.settings["day_first"] else (second, first)
        if month > 12 or day > _days_in_month(month, year):
            self.fail(path, f, "invalidDay")
            return None
        if f.required and value == "00/00/0000":
            self.fail(path, f, "required")
            return None
        for part, number in (("day", day), ("month", month), ("year", year)):
            if not number and parts_required[part]:
                self.fail(path, f, f"required{part.capitalize()}Field")
                return None
        if day and month and year:
            return dt.date(year, month, day)
        return None if not (day or month or year) else value

    def datetime(self, f: Field, value: Any, path: str) -> dt.date | dt.datetime | None:
        if value is None or value == "":
            if f.required:
                self.fail(path, f, "required")
            return None
        try:
            parsed = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None:
            self.fail(path, f, "invalidDate")
            return None
        # The browser sends local midnight with its offset, so the date part is the user's day.
        day = parsed.date()
        for setting, error, later in (("min_date", "minDate", False), ("max_date", "maxDate", True)):
            bound = self.date_bound(f.settings.get(setting))
            if bound is not None and (day > bound if later else day < bound):
                self.fail(path, f, error, **{error: bound.strftime("%d.%m.%Y")})
                return None
        return parsed if f.settings["enable_time"] else day

    def date_bound(self, bound: str | None) -> dt.date | None:
        if bound is None:
            return None
        return self.today if bound == TODAY else dt.date.fromisoformat(bound)

    def file(self, f: Field, value: Any, path: str) -> list[dict[str, Any]] | None:
        if value is None or value == "":
            value = []
        if not isinstance(value, list) or not all(_is_file(item) for item in value):
            self.fail(path, f, "invalid_type")
            return None
        if f.required and not value:
            self.fail(path, f, "required")
        if not f.multiple and len(value) > 1:
            self.fail(path, f, "maxFiles", count=1)
        settings = f.settings
        for item in value:
            name = item.get("originalName") or item["name"]
            pattern = settings.get("file_pattern")
            if pattern and not _file_matches(item, pattern):
                self.fail(path, f, "wrongFileType", name=name, pattern=pattern)
            if "max_size" in settings and item["size"] > settings["max_size"]:
                self.fail(path, f, "fileTooBig", name=name, size=settings["max_size_text"])
            if "min_size" in settings and item["size"] < settings["min_size"]:
                self.fail(path, f, "fileTooSmall", name=name, size=settings["min_size_text"])
        return [{k: item[k] for k in _FILE_KEYS if k in item} for item in value]



CHECKERS = {
    "textfield": ComponentChecks.text,
    "textarea": ComponentChecks.text,
    "email": ComponentChecks.text,
    "phoneNumber": ComponentChecks.text,
    "number": ComponentChecks.number,
    "currency": ComponentChecks.number,
    "tags": ComponentChecks.tags,
    "checkbox": ComponentChecks.checkbox,
    "select": ComponentChecks.choice,
    "radio": ComponentChecks.choice,
    "selectboxes": ComponentChecks.selectboxes,
    "day": ComponentChecks.day,
    "datetime": ComponentChecks.datetime,
    "file": ComponentChecks.file,
}



def _storable(text: str) -> bool:
    """Text the database can keep: valid UTF-8 and no NUL (PostgreSQL refuses both)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True



def _match_mask(value: str, mask: str) -> bool:
    """Form.io's ``matchInputMask``: 9 digit, A letter, a lower-case letter, * alphanumeric."""
    if len(value) != len(mask):
        return False
    for char, spec in zip(value, mask, strict=True):
        if spec == "9":
            ok = "0" <= char <= "9"
        elif spec == "A":
            ok = char.isascii() and char.isalpha()
        elif spec == "a":
            ok = "a" <= char <= "z"
        elif spec == "*":
            ok = char.isascii() and char.isalnum()
        else:
            ok = char == spec
        if not ok:
            return False
    return True


def _plausible_phone(value: str) -> bool:
    digits = sum(ch.isdigit() for ch in value)
    return bool(_PHONE_CHARS_RE.match(value)) and 5 <= digits <= 15


def _days_in_month(month: int, year: int) -> int:
    if month in (4, 6, 9, 11):
        return 30
    if month == 2:
        leap = year % 400 == 0 or (year % 100 != 0 and year % 4 == 0)
        return 29 if leap else 28
    return 31


def _is_file(item: Any) -> bool:
    if not isinstance(item, dict):
        return False
    name, size = item.get("name"), item.get("size")
    if not isinstance(name, str) or not name or not _storable(name):
        return False
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        return False
    return all(
        isinstance(item[k], str) and _storable(item[k])
        for k in ("originalName", "type", "storage", "url", "hash")
        if k in item
    )


def _file_matches(item: Mapping[str, Any], pattern: str) -> bool:
    """Form.io's file pattern: ``.ext`` against the name, ``type/*`` against the MIME type."""
    name = str(item.get("originalName") or item["name"]).lower()
    mime = str(item.get("type") or "").lower()
    for part in (p.strip().lower() for p in pattern.split(",")):
        if not part:
            continue
        if part == "*":
            return True
        if part.startswith("."):
            if name.endswith(part):
                return True
        elif "/" in part:
            regex = "^" + ".*".join(re.escape(piece) for piece in part.split("*")) + r"\Z"
            if re.match(regex, mime):
                return True
    return False


def _cents(exact: Decimal, places: int | None) -> Decimal:
    """``exact`` with ``places`` decimals (rounded half up); as it is when too large for it."""
    try:
        return exact.quantize(Decimal(1).scaleb(-(places or 0)), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return exact


def _within(exact: Decimal, limit: int | None) -> bool:
    return limit is None or -int(exact.as_tuple().exponent) <= limit
