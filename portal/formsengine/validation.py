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

import dataclasses
import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from portal.formsengine import logic
from portal.formsengine.components import CHECKERS, ComponentChecks, _cents
from portal.formsengine.i18n import error_message, interpolate, lookup, normalize_locale
from portal.formsengine.jsvalues import (
    _NUMERIC_RE,
    _UNDEF,
    _clause,
    _js_equal,
    _js_number,
    _js_string,
    _legacy_show,
    _num,
    _present,
    _shorten,
)
from portal.formsengine.schema import (
    NUMBER_TYPES,
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

# Rounds of hiding and calculating before the data is taken as settled (a cycle of
# conditions and calculated values never settles; the browser stops somewhere too).
_MAX_PASSES = 8


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


class _Validator(ComponentChecks):
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
            clean = CHECKERS[f.type](self, f, raw, path)
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
            checked = CHECKERS[f.type](self, single, item, path)
            if checked is not None:
                clean.append(checked)
        return clean



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
