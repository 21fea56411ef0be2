"""Server-side validation of Form.io submissions, with the verdicts of ``@formio/js``.

What the browser renderer accepts, this accepts; what it rejects, this rejects, for the
components and validations :mod:`portal.formsengine.schema` lets through. Where Form.io is
silent the server is stricter, never looser: values outside a component's options, values of
the wrong JSON type, unknown keys and broken file descriptions are errors here.

Visibility follows Form.io: a component is hidden when its condition is false, when it has
``hidden: true``, or when a panel (or other layout) around it is hidden. Hidden components
are neither validated nor returned. A conditionally hidden component with ``clearOnHide``
(the default) loses its value, so conditions reading it see it empty, as in the browser.

Clean values: text -> ``str``; number -> ``int`` or ``Decimal``; checkbox -> ``bool``;
select/radio -> the option's value (``str``), a multiple select -> ``list[str]``;
selectboxes -> ``{option value: bool}`` for every option; day -> ``date`` (or the submitted
string when Form.io allows a partial date); datetime -> ``date`` when ``enableTime`` is false,
else ``datetime``; file -> a list of file descriptions; datagrid -> a list of row dicts. An
empty value is ``None`` (``False``, all-``False``, or ``[]`` for the types above that have
one). ``clean_data`` is empty whenever there are errors.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from portal.formsengine.i18n import error_message, normalize_locale
from portal.formsengine.schema import (
    Clause,
    Condition,
    Field,
    FormDefinition,
    LegacyCondition,
    Ref,
)

__all__ = ["FORM_ERRORS", "MissingOptionsError", "ValidationResult", "validate_submission"]

FORM_ERRORS = "_form"

_UNDEF: Any = type("Undefined", (), {"__repr__": lambda self: "undefined"})()
_MAX_DEPTH = 32
_MAX_SAFE_INT = 2**53 - 1
_FILE_KEYS = ("name", "originalName", "size", "type", "storage", "url", "hash")

# Form.io's e-mail expression (validateEmail in @formio/core), with \Z for JavaScript's $.
_EMAIL_RE = re.compile(
    r'^(([^<>()\[\]\\.,;:\s@"]+(\.[^<>()\[\]\\.,;:\s@"]+)*)|(".+"))@'
    r"((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\])|(([a-zA-Z\-0-9]+\.)+[a-zA-Z]{2,}))\Z"
)
_PHONE_CHARS_RE = re.compile(r"^\+?[0-9 ().\-]+\Z")
_DAY_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{1,4})\Z")


class MissingOptionsError(ValueError):
    """The definition has selects filled at render time and their options were not given."""


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """Errors by component path (``hours[3].date``; ``_form`` for the form) and clean data."""

    errors: dict[str, list[str]] = field(default_factory=dict)
    clean_data: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the submission was accepted."""
        return not self.errors


def validate_submission(
    defn: FormDefinition,
    data: Mapping[str, Any],
    locale: str = "lv",
    *,
    options: Mapping[str, Iterable[str | tuple[str, str]]] | None = None,
) -> ValidationResult:
    """Validate the ``data`` of a Form.io submission against ``defn``.

    :param locale: language of the error messages ("lv" or "en"; others fall back to "lv").
    :param options: for selects marked ``"plus": {"options": source}``, the values allowed for
        this user, by source name; plain values or ``(value, label)`` pairs.
    :raises MissingOptionsError: if the definition needs options that ``options`` lacks.
    """
    allowed: dict[str, frozenset[str]] = {}
    for source in defn.option_sources:
        if options is None or source not in options:
            raise MissingOptionsError(f"options for {source!r} are needed to validate")
        allowed[source] = frozenset(
            str(item[0]) if isinstance(item, tuple | list) else str(item)
            for item in options[source]
        )
    return _Validator(defn, normalize_locale(locale), allowed).run(data)


class _Validator:
    def __init__(
        self, defn: FormDefinition, locale: str, allowed: Mapping[str, frozenset[str]]
    ) -> None:
        self.defn = defn
        self.locale = locale
        self.allowed = allowed
        self.errors: dict[str, list[str]] = {}
        self.top: dict[str, Any] = {}

    # -- bookkeeping ---------------------------------------------------------------------------

    def fail(self, path: str, f: Field | None, error: str, **params: Any) -> None:
        message = error_message(self.defn, f, error, params, self.locale)
        self.errors.setdefault(path, []).append(message)

    def form_error(self, error: str, **params: Any) -> None:
        self.fail(FORM_ERRORS, None, error, **params)

    # -- the walk ------------------------------------------------------------------------------

    def run(self, data: Any) -> ValidationResult:
        if not isinstance(data, Mapping):
            self.form_error("invalidSubmission")
            return ValidationResult(errors=self.errors)
        for key in data:
            if key not in self.defn.top_keys:
                self.form_error("unknownField", key=_shorten(key))
        self.top = work = dict(data)
        _fill_missing(self.defn.fields, work)
        hidden = self.settle(self.defn.fields, work, None, self.defn.has_conditions)
        clean: dict[str, Any] = {}
        self.collect(self.defn.fields, work, hidden, clean, "")
        if self.errors:
            return ValidationResult(errors=self.errors)
        return ValidationResult(clean_data=clean)

    def settle(
        self,
        fields: tuple[Field, ...],
        scope: dict[str, Any],
        row: dict[str, Any] | None,
        has_conditions: bool,
    ) -> set[int]:
        """Ids of the hidden components of one data scope, clearing values as Form.io does.

        Clearing a value can hide another component, so this repeats until nothing changes,
        which is where the browser settles too; values are only ever removed, so it ends.
        """
        while True:
            hidden: set[int] = set()
            cleared = self._mark(fields, scope, row, hidden, False, False, has_conditions)
            if not cleared:
                return hidden

    def _mark(
        self,
        fields: tuple[Field, ...],
        scope: dict[str, Any],
        row: dict[str, Any] | None,
        hidden: set[int],
        parent_cond: bool,
        parent_intent: bool,
        conditional: bool,
    ) -> bool:
        cleared = False
        for f in fields:
            cond_hidden = parent_cond or (
                conditional and f.condition is not None and not self.visible(f.condition, row)
            )
            intent_hidden = parent_intent or f.hidden
            if cond_hidden or intent_hidden:
                hidden.add(id(f))
            if cond_hidden and f.clear_on_hide and f.is_data and f.key in scope:
                del scope[f.key]
                cleared = True
            if f.kind == "layout":
                cleared |= self._mark(
                    f.children, scope, row, hidden, cond_hidden, intent_hidden, conditional
                )
        return cleared

    def collect(
        self,
        fields: tuple[Field, ...],
        scope: dict[str, Any],
        hidden: set[int],
        out: dict[str, Any],
        prefix: str,
    ) -> None:
        for f in fields:
            if id(f) in hidden:
                continue
            if f.kind == "layout":
                self.collect(f.children, scope, hidden, out, prefix)
            elif f.kind == "grid":
                out[f.key] = self.grid(f, scope.get(f.key, _UNDEF), prefix + f.key)
            elif f.kind == "input":
                out[f.key] = self.value(f, scope.get(f.key, _UNDEF), prefix + f.key)

    def grid(self, f: Field, value: Any, path: str) -> list[dict[str, Any]]:
        if value is _UNDEF or value is None:
            value = []
        if not isinstance(value, list):
            self.fail(path, f, "invalid_type")
            return []
        if f.required and not _present(value, True):
            self.fail(path, f, "required")
        if f.min_length and len(value) < f.min_length:
            self.fail(path, f, "minRows", length=_num(f.min_length))
        if f.max_length and len(value) > f.max_length:
            self.fail(path, f, "maxRows", length=_num(f.max_length))
        row_conditions = any(c.has_conditions for c in f.children)
        static_hidden: set[int] | None = None
        rows: list[dict[str, Any]] = []
        for index, raw_row in enumerate(value):
            row_path = f"{path}[{index}]"
            if not isinstance(raw_row, dict):
                self.fail(row_path, f, "invalid_type")
                continue
            for key in raw_row:
                if key not in f.row_keys:
                    self.form_error("unknownField", key=f"{row_path}.{_shorten(key)}")
            row = dict(raw_row)
            _fill_missing(f.children, row)
            if row_conditions:
                hidden = self.settle(f.children, row, row, True)
            else:
                if static_hidden is None:
                    static_hidden = self.settle(f.children, row, row, False)
                hidden = static_hidden
            clean: dict[str, Any] = {}
            self.collect(f.children, row, hidden, clean, row_path + ".")
            rows.append(clean)
        return rows

    # -- conditions ----------------------------------------------------------------------------

    def ref_value(self, ref: Ref, row: dict[str, Any] | None) -> Any:
        scope = row if ref.in_row and row is not None else self.top
        return scope.get(ref.key, _UNDEF)

    def visible(self, cond: Condition, row: dict[str, Any] | None) -> bool:
        if isinstance(cond, LegacyCondition):
            return _legacy_show(self.ref_value(cond.ref, row), cond)
        results = [_clause(c, self.ref_value(c.ref, row)) for c in cond.clauses]
        result = any(results) if cond.conjunction == "any" else all(results)
        return result if cond.show else not result

    # -- values --------------------------------------------------------------------------------

    def value(self, f: Field, value: Any, path: str) -> Any:
        before = len(self.errors.get(path, ()))
        checker = _CHECKERS[f.type]
        clean = checker(self, f, None if value is _UNDEF else value, path)
        return None if len(self.errors.get(path, ())) > before else clean

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
        length = _js_length(value)
        if f.min_length and length < f.min_length:
            self.fail(path, f, "minLength", length=_num(f.min_length))
        if f.max_length and length > f.max_length:
            self.fail(path, f, "maxLength", length=_num(f.max_length))
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
        return clean

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
        return parsed if f.settings["enable_time"] else parsed.date()

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


_CHECKERS = {
    "textfield": _Validator.text,
    "textarea": _Validator.text,
    "email": _Validator.text,
    "phoneNumber": _Validator.text,
    "number": _Validator.number,
    "checkbox": _Validator.checkbox,
    "select": _Validator.choice,
    "radio": _Validator.choice,
    "selectboxes": _Validator.selectboxes,
    "day": _Validator.day,
    "datetime": _Validator.datetime,
    "file": _Validator.file,
}


# --------------------------------------------------------------------------------------------
# Empty values the browser would have sent


def _empty_value(f: Field) -> Any:
    if f.default_json is not None:
        return f.default
    if f.type in ("textfield", "textarea", "email", "phoneNumber", "radio", "day", "datetime"):
        return ""
    if f.type == "select":
        return [] if f.multiple else ""
    if f.type == "checkbox":
        return False
    if f.type == "selectboxes":
        return {o.value: False for o in f.options}
    if f.type in ("file", "datagrid"):
        return []
    return None


def _fill_missing(fields: tuple[Field, ...], scope: dict[str, Any]) -> None:
    """Give absent components the value the renderer would have sent (default or empty)."""
    for f in fields:
        if f.kind == "layout":
            _fill_missing(f.children, scope)
        elif f.is_data and f.key not in scope:
            scope[f.key] = _empty_value(f)


# --------------------------------------------------------------------------------------------
# JavaScript semantics used by Form.io's conditions


def _js_typeof(value: Any) -> str:
    if value is _UNDEF:
        return "undefined"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "object"


def _js_truthy(value: Any) -> bool:
    if value is _UNDEF or value is None or value is False or value == "":
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value != 0 and not (isinstance(value, float) and math.isnan(value))
    return True


def _js_string(value: Any, depth: int = 0) -> str:
    """JavaScript ``String(value)``."""
    if value is _UNDEF:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return str(int(value)) if value.is_integer() and abs(value) < 1e21 else repr(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        if depth > _MAX_DEPTH:
            return ""
        return ",".join("" if v is None else _js_string(v, depth + 1) for v in value)
    return "[object Object]"


def _js_equal(a: Any, b: Any, depth: int = 0) -> bool:
    """lodash ``isEqual`` for JSON values (booleans are not numbers)."""
    if depth > _MAX_DEPTH:
        return False
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return False
        return all(_js_equal(x, y, depth + 1) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_js_equal(a[k], b[k], depth + 1) for k in a)
    if type(a) is not type(b):
        return False
    return bool(a == b)


def _auto_type(text: str) -> Any:
    """How Form.io's "auto" data type turns an option value into the submitted value."""
    if text in ("true", "false"):
        return text == "true"
    try:
        number = float(text)
    except ValueError:
        return text
    if not math.isfinite(number) or _js_string(number) != text:
        return text
    return int(number) if number.is_integer() else number


def _legacy_show(value: Any, cond: LegacyCondition) -> bool:
    """Form.io's ``checkLegacyConditional``."""
    eq = _js_string(cond.eq)
    show = _js_string(cond.show)
    if isinstance(value, dict) and eq in value:
        return _js_string(value[eq]) == show
    if isinstance(value, list):
        # lodash ``has`` also finds array indexes
        if eq.isdigit() and str(int(eq)) == eq and int(eq) < len(value):
            return _js_string(value[int(eq)]) == show
        if eq in (_js_string(v) for v in value):
            return show == "true"
    return (_js_string(value) == eq) == (show == "true")


def _clause(clause: Clause, value: Any) -> bool:
    """Form.io's ``IsEqualTo`` / ``IsNotEqualTo`` operators, including ``getResult``."""
    if isinstance(value, list):
        return any(_clause_one(clause, v) for v in value)
    return _clause_one(clause, value)


def _clause_one(clause: Clause, value: Any) -> bool:
    compared = clause.value
    if clause.ref.type == "selectboxes" and isinstance(value, dict):
        result = _js_truthy(value.get(_js_string(compared), False))
    else:
        if (
            (_js_truthy(value) or value is False)
            and _js_truthy(compared)
            and isinstance(compared, str)
            and _js_typeof(value) != "string"
        ):
            with contextlib.suppress(ValueError):
                compared = json.loads(compared)
        result = _js_equal(value, compared)
    return result if clause.operator == "isEqual" else not result


# --------------------------------------------------------------------------------------------
# Value helpers


def _present(value: Any, false_is_value: bool, depth: int = 0) -> bool:
    """Form.io's ``valueIsPresent``: "", null, [] and {} are empty; false only for checkboxes."""
    if value is None or value is _UNDEF or (isinstance(value, str) and value == ""):
        return False
    if value is False and not false_is_value:
        return False
    if isinstance(value, dict | list):
        if not value:
            return False
        if depth > _MAX_DEPTH:
            return True
        items = value.values() if isinstance(value, dict) else value
        return any(_present(v, false_is_value, depth + 1) for v in items)
    return True


def _shorten(key: Any) -> str:
    """A submitted key fit to quote in a message (it is whatever the client sent)."""
    text = str(key)
    return text if len(text) <= 60 else text[:57] + "..."


def _storable(text: str) -> bool:
    """Text the database can keep: valid UTF-8 and no NUL (PostgreSQL refuses both)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _js_length(text: str) -> int:
    """``String.length`` in JavaScript counts UTF-16 code units."""
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _num(value: float) -> str:
    return _js_string(value)


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
