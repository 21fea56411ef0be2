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
import dataclasses
import datetime as dt
import hashlib
import json
import math
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from portal.formsengine import logic
from portal.formsengine.i18n import error_message, interpolate, lookup, normalize_locale
from portal.formsengine.schema import (
    NUMBER_TYPES,
    TODAY,
    Clause,
    Condition,
    Field,
    FormDefinition,
    JsonCondition,
    LegacyCondition,
    Ref,
    scope_fields,
)

__all__ = [
    "FORM_ERRORS",
    "MissingOptionsError",
    "ValidationResult",
    "calculated_data",
    "unique_values",
    "validate_submission",
]

FORM_ERRORS = "_form"

_UNDEF: Any = type("Undefined", (), {"__repr__": lambda self: "undefined"})()
_MAX_DEPTH = 32
_MAX_SAFE_INT = 2**53 - 1
# Rounds of hiding and calculating before the data is taken as settled (a cycle of
# conditions and calculated values never settles; the browser stops somewhere too).
_MAX_PASSES = 8
_FILE_KEYS = ("name", "originalName", "size", "type", "storage", "url", "hash")

# Form.io's e-mail expression (validateEmail in @formio/core), with \Z for JavaScript's $.
_EMAIL_RE = re.compile(
    r'^(([^<>()\[\]\\.,;:\s@"]+(\.[^<>()\[\]\\.,;:\s@"]+)*)|(".+"))@'
    r"((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\])|(([a-zA-Z\-0-9]+\.)+[a-zA-Z]{2,}))\Z"
)
_PHONE_CHARS_RE = re.compile(r"^\+?[0-9 ().\-]+\Z")
_DAY_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{1,4})\Z")
# JavaScript's white space and line terminators (what String.prototype.trim removes).
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_JS_SPACE_RE = re.compile(f"[{_JS_SPACE}]+")
_JS_TRIM_RE = re.compile(f"^[{_JS_SPACE}]+|[{_JS_SPACE}]+\\Z")
# A decimal number as text, as JavaScript's Number() reads it (no hex, no Infinity).
_NUMERIC_RE = re.compile(
    f"^[{_JS_SPACE}]*[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?[{_JS_SPACE}]*\\Z"
)


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
    today: dt.date | None = None,
) -> ValidationResult:
    """Validate the ``data`` of a Form.io submission against ``defn``.

    :param locale: language of the error messages ("lv" or "en"; others fall back to "lv").
    :param today: the day a ``"moment()"`` date bound means (the service's today; defaults to
        the machine's).
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
    return _Validator(defn, normalize_locale(locale), allowed, today).run(data)


def calculated_data(defn: FormDefinition, data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` with every calculated value recomputed and hidden values cleared, as the
    renderer would hold it (for showing calculated values in a server-rendered form).

    Render-time options play no part in calculating, so none are needed.
    """
    validator = _Validator(defn, "lv", {})
    work = dict(data) if isinstance(data, Mapping) else {}
    validator.top = work
    _fill_missing(defn.fields, work)
    if validator.dynamic:
        validator.settle_all(work)
    return work


def unique_values(defn: FormDefinition, clean: Mapping[str, Any]) -> list[tuple[Field, str]]:
    """The ``unique`` fields of accepted data that hold a value, each with the value's hash.

    The hash is the SHA-256 of the value's canonical JSON; text is compared without regard
    to case, as the Form.io server's unique check does. Only the submission service can
    check these (against the stored submissions of the same form version).
    """
    found: list[tuple[Field, str]] = []
    for f in scope_fields(defn.fields):
        if not f.unique or not _present(clean.get(f.key), False):
            continue
        value = clean[f.key]
        canonical = json.dumps(_unique_form(value), sort_keys=True, ensure_ascii=False)
        found.append((f, hashlib.sha256(canonical.encode("utf-8")).hexdigest()))
    return found


def _unique_form(value: Any) -> Any:
    if isinstance(value, str):
        return value.casefold()
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, list):
        return [_unique_form(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _unique_form(v) for k, v in value.items()}
    return value if isinstance(value, bool | int | float) or value is None else str(value)


class _Validator:
    def __init__(
        self, defn: FormDefinition, locale: str, allowed: Mapping[str, frozenset[str]],
        today: dt.date | None = None,
    ) -> None:
        self.defn = defn
        self.today = today or dt.date.today()
        self.locale = locale
        self.allowed = allowed
        self.errors: dict[str, list[str]] = {}
        self.top: dict[str, Any] = {}
        self.row: dict[str, Any] | None = None  # the row or container being collected
        self.dynamic = defn.has_conditions or any(
            f.calculate is not None for f in defn.walk()
        )

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
        if self.dynamic:
            self.settle_all(work)
        hidden = self.settle(self.defn.fields, work, None, self.defn.has_conditions)
        clean: dict[str, Any] = {}
        self.collect(self.defn.fields, work, hidden, clean, "")
        if self.errors:
            return ValidationResult(errors=self.errors)
        return ValidationResult(clean_data=clean)

    def settle_all(self, work: dict[str, Any]) -> None:
        """Hide and calculate across rows, containers and the top until nothing changes.

        A total at the top may add up values calculated in rows, and a row may read the
        top (``data``), so every scope is settled in turn, again and again, as the browser
        recalculates on every change. Rows and containers are copied first: the caller's
        data is never changed.
        """
        nested = [f for f in scope_fields(self.defn.fields) if f.kind in ("grid", "container")]
        for f in nested:
            value = work.get(f.key)
            if f.kind == "container" and isinstance(value, dict):
                work[f.key] = dict(value)
                _fill_missing(f.children, work[f.key])
            elif f.kind == "grid" and isinstance(value, list):
                work[f.key] = [dict(r) if isinstance(r, dict) else r for r in value]
                for row in work[f.key]:
                    if isinstance(row, dict):
                        _fill_missing(f.children, row)
        for _ in range(_MAX_PASSES):
            changed = False
            for f in nested:
                value = work.get(f.key)
                if f.kind == "container" and isinstance(value, dict):
                    changed |= self._settle_once(f.children, value, value)
                elif f.kind == "grid" and isinstance(value, list):
                    for row in value:
                        if isinstance(row, dict):
                            changed |= self._settle_once(f.children, row, row)
            changed |= self._settle_once(self.defn.fields, work, None)
            if not changed:
                return

    def _settle_once(
        self, fields: tuple[Field, ...], scope: dict[str, Any], row: dict[str, Any] | None
    ) -> bool:
        """One round in one scope: hide (clearing values), then calculate what is shown."""
        # Calculate what is shown now, then hide (clearing values) with the results.
        hidden_now: set[int] = set()
        self._mark(fields, scope, row, hidden_now, False, False, True, clear=False)
        changed = False
        for f in scope_fields(fields):
            if f.calculate is None or id(f) in hidden_now:
                continue
            result = logic.evaluate(f.calculate, self.top, row, scope.get(f.key))
            value = _calculated(f, result)
            if not _js_equal(scope.get(f.key, _UNDEF), value):
                scope[f.key] = value
                changed = True
        hidden: set[int] = set()
        changed |= self._mark(fields, scope, row, hidden, False, False, True)
        return changed

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
        clear: bool = True,
    ) -> bool:
        cleared = False
        for f in fields:
            cond_hidden = parent_cond or (
                conditional and f.condition is not None and not self.visible(f.condition, row)
            )
            intent_hidden = parent_intent or f.hidden
            if cond_hidden or intent_hidden:
                hidden.add(id(f))
            if clear and cond_hidden and f.clear_on_hide and f.is_data and f.key in scope:
                del scope[f.key]
                cleared = True
            if f.kind == "layout":
                cleared |= self._mark(
                    f.children, scope, row, hidden, cond_hidden, intent_hidden, conditional, clear
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
            elif f.kind == "container":
                out[f.key] = self.container(f, scope.get(f.key, _UNDEF), prefix + f.key)
            elif f.kind == "input":
                out[f.key] = self.value(f, scope.get(f.key, _UNDEF), prefix + f.key)

    def container(self, f: Field, value: Any, path: str) -> dict[str, Any] | None:
        if value is _UNDEF or value is None or value == "":
            value = {}
        if not isinstance(value, dict):
            self.fail(path, f, "invalid_type")
            return None
        for key in value:
            if key not in f.row_keys:
                self.form_error("unknownField", key=f"{path}.{_shorten(key)}")
        scope = dict(value)
        _fill_missing(f.children, scope)
        hidden = self.settle(f.children, scope, scope, f.has_conditions)
        clean: dict[str, Any] = {}
        outer, self.row = self.row, scope
        self.collect(f.children, scope, hidden, clean, path + ".")
        self.row = outer
        if f.required and not _present(clean, True):
            self.fail(path, f, "required")
        return clean

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
            outer, self.row = self.row, row
            self.collect(f.children, row, hidden, clean, row_path + ".")
            self.row = outer
            rows.append(clean)
        return rows

    # -- conditions ----------------------------------------------------------------------------

    def ref_value(self, ref: Ref, row: dict[str, Any] | None) -> Any:
        scope = row if ref.in_row and row is not None else self.top
        return scope.get(ref.key, _UNDEF)

    def visible(self, cond: Condition, row: dict[str, Any] | None) -> bool:
        if isinstance(cond, JsonCondition):
            return logic.truthy(logic.evaluate(cond.rule, self.top, row))
        if isinstance(cond, LegacyCondition):
            return _legacy_show(self.ref_value(cond.ref, row), cond)
        results = [_clause(c, self.ref_value(c.ref, row)) for c in cond.clauses]
        result = any(results) if cond.conjunction == "any" else all(results)
        return result if cond.show else not result

    # -- values --------------------------------------------------------------------------------

    def value(self, f: Field, value: Any, path: str) -> Any:
        before = len(self.errors.get(path, ()))
        raw = None if value is _UNDEF else value
        if f.multiple and f.type in ("textfield", "number"):
            clean = self.multiple(f, raw, path)
        else:
            clean = _CHECKERS[f.type](self, f, raw, path)
        if f.validate_json is not None and len(self.errors.get(path, ())) == before:
            self.json_rule(f, raw, path)
        return None if len(self.errors.get(path, ())) > before else clean

    def json_rule(self, f: Field, raw: Any, path: str) -> None:
        """``validate.json``: true (or null) passes; a text is the error; anything else fails."""
        assert f.validate_json is not None
        value = raw if logic.truthy(raw) else None  # @formio/core: value || null
        result = logic.evaluate(f.validate_json, self.top, self.row, value, raw)
        if result is None or result is True:
            return
        if isinstance(result, str) and result:
            message = error_message(self.defn, f, "jsonLogic", {}, self.locale)
            if not f.custom_message:
                label = self.defn.i18n.get(self.locale, {}).get(f.error_label, f.error_label)
                message = interpolate(lookup(self.defn, result, self.locale), {"field": label})
            self.errors.setdefault(path, []).append(message)
        else:
            self.fail(path, f, "jsonLogic")

    def multiple(self, f: Field, value: Any, path: str) -> list[Any] | None:
        """``multiple: true`` on a text field or number: a list, every item checked alike."""
        if value is None or value == "":
            value = []
        if not isinstance(value, list):
            self.fail(path, f, "array")
            return None
        items = [v for v in value if v is not None and v != ""]
        if f.required and not items:
            self.fail(path, f, "required")
            return None
        single = dataclasses.replace(f, multiple=False, required=False)
        clean: list[Any] = []
        for item in value:
            if isinstance(item, list):
                self.fail(path, f, "nonarray")
                return None
            checked = _CHECKERS[f.type](self, single, item, path)
            if checked is not None:
                clean.append(checked)
        return clean

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


_CHECKERS = {
    "textfield": _Validator.text,
    "textarea": _Validator.text,
    "email": _Validator.text,
    "phoneNumber": _Validator.text,
    "number": _Validator.number,
    "currency": _Validator.number,
    "tags": _Validator.tags,
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
    if f.multiple and f.type in ("textfield", "number"):
        return []
    if f.type == "container":
        return {}
    if f.type == "tags":
        return [] if f.settings.get("storeas") == "array" else ""
    if f.type in ("textfield", "textarea", "email", "phoneNumber", "radio", "day", "datetime"):
        return ""
    if f.type == "select":
        return [] if f.multiple else ""
    if f.type == "checkbox":
        return False
    if f.type == "selectboxes":
        return {o.value: False for o in f.options}
    if f.type in ("file", "datagrid", "editgrid"):
        return []
    return None


def _cents(exact: Decimal, places: int | None) -> Decimal:
    """``exact`` with ``places`` decimals (rounded half up); as it is when too large for it."""
    try:
        return exact.quantize(Decimal(1).scaleb(-(places or 0)), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return exact


def _within(exact: Decimal, limit: int | None) -> bool:
    return limit is None or -int(exact.as_tuple().exponent) <= limit


def _calculated(f: Field, result: Any) -> Any:
    """A JSON Logic result as the value the component holds (numbers without float noise)."""
    if f.type in NUMBER_TYPES and not f.multiple:
        if isinstance(result, bool) or result is None:
            return None
        if isinstance(result, str):
            result = _js_number(result) if _NUMERIC_RE.match(result) else None
        if isinstance(result, float):
            if not math.isfinite(result):
                return None
            places = f.decimal_limit if f.decimal_limit is not None else (
                2 if f.type == "currency" else None)
            if places is not None:
                exact = _cents(Decimal(repr(result)), places)
                return int(exact) if exact == exact.to_integral_value() else float(exact)
            return int(result) if result.is_integer() else result
        return result
    if f.type in ("textfield", "textarea") and not f.multiple:
        if result is None:
            return ""
        return result if isinstance(result, str) else _js_string(result)
    return result


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


def _js_number(text: str) -> int | float:
    """JavaScript ``Number(text)`` for text matching ``_NUMERIC_RE``: an int when integral."""
    text = _JS_TRIM_RE.sub("", text)
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    try:
        return float(text)
    except (OverflowError, ValueError):
        return math.nan


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
