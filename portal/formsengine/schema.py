"""Parsing Form.io definitions into an immutable, validated description of a form.

A definition is exactly what the official ``@formio/js`` builder writes
(``{"display": "form", "components": [...]}``) plus two top-level blocks of ours:

* ``i18n``: Form.io's translation format, ``{"en": {"Latvian label": "English label", ...}}``;
  message keys such as ``required`` may be overridden per language too (see ``i18n.py``).
* ``plus``: what PLUS needs to file a submission (see :class:`PlusMeta`)::

      "plus": {
        "key": "change_of_residence",            # stable id, also the file name
        "audience": "client",                    # client | employer | volunteer
        "title": {"lv": "Dzīvesvietas maiņa", "en": "Change of residence"},
        "intake": [ ... ]                        # optional data mapping, below
      }

Every submission goes to the officer's inbox; ``intake`` additionally says which data an
officer may take over into the register. Each entry is one of:

* a record to create, optionally once per datagrid row (``each``)::

      {"target": "HoursLog", "each": "hours",
       "fields": {"assignment_id": "client", "work_date": "date", "hours": "hours"}}

* a proposed change of one field of an existing record::

      {"target": "Client.address", "from": "new_address", "mode": "propose"}

  ``mode`` is ``propose`` (an officer confirms; the default) or ``apply``. ``record`` may name
  the component whose value identifies the record (e.g. the ``client`` select holding a work
  assignment id); without it the record is the submitter's own (the client themselves).

A field source (the values of ``fields``, and ``from``) is a component key, or
``{"from": key, "map": {option value: stored value}}`` to translate option values, or
``{"const": value}``. With ``each`` a key may name a column of that datagrid or a top-level
component. :func:`check_mapping` checks all of this against the models it is given.

A select whose options are only known at render time (e.g. the clients linked to an
employer) carries ``"plus": {"options": "<source name>"}`` on the component; the portal fills
its options with :func:`fill_options` and passes the allowed values to
``validate_submission(..., options={...})``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import nh3
from formiodata.builder import Builder

from portal.formsengine.logic import JS_HINT, check_rule

#: a date bound meaning "today" (Form.io evaluates it with moment.js in the browser)
TODAY = "moment()"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")

__all__ = [
    "AUDIENCES",
    "Condition",
    "DefinitionError",
    "Field",
    "FormDefinition",
    "JsonCondition",
    "LegacyCondition",
    "Option",
    "PlusMeta",
    "SimpleCondition",
    "check_mapping",
    "fill_options",
    "load_definition",
    "sanitize_html",
]

AUDIENCES = frozenset({"client", "employer", "volunteer"})

# In the order the builder's palette offers them.
INPUT_TYPE_ORDER = (
    "textfield",
    "textarea",
    "number",
    "currency",
    "email",
    "phoneNumber",
    "select",
    "radio",
    "selectboxes",
    "checkbox",
    "day",
    "datetime",
    "file",
    "tags",
)
INPUT_TYPES = frozenset(INPUT_TYPE_ORDER)
LAYOUT_TYPES = frozenset({"panel", "fieldset", "columns"})
STATIC_TYPES = frozenset({"content", "htmlelement"})
GRID_TYPES = frozenset({"datagrid", "editgrid"})
SUPPORTED_TYPES = INPUT_TYPES | LAYOUT_TYPES | STATIC_TYPES | GRID_TYPES | {"container", "button"}
TEXT_TYPES = frozenset({"textfield", "textarea", "email", "phoneNumber"})
NUMBER_TYPES = frozenset({"number", "currency"})
# Components whose value may be a list of values with ``multiple: true``.
MULTIPLE_TYPES = frozenset({"select", "file", "textfield", "number"})
OPTION_TYPES = frozenset({"select", "radio", "selectboxes"})

Kind = Literal["input", "grid", "container", "layout", "static", "button"]

# ``validate`` settings: those we enforce; those that change verdicts in ways we do not
# reproduce (refused when set); and builder settings with no effect on the verdict.
_VALIDATE_SUPPORTED = frozenset(
    {
        "required",
        "minLength",
        "maxLength",
        "pattern",
        "min",
        "max",
        "customMessage",
        "onlyAvailableItems",
        "skipMaskValidation",
        "json",
        "minWords",
        "maxWords",
        "minSelectedCount",
        "maxSelectedCount",
    }
)
_VALIDATE_UNSUPPORTED = (
    "integer",
    "unique",
    "minYear",
    "maxYear",
)
# "custom" and "row" (JavaScript) are refused with a hint of their own in _check_logic.
_VALIDATE_NOISE = frozenset(
    {"customPrivate", "strictDateValidation", "multiple", "step", "custom", "row"}
)
_VALIDATE_KNOWN = _VALIDATE_SUPPORTED | _VALIDATE_NOISE | frozenset(_VALIDATE_UNSUPPORTED)
_COMPONENT_UNSUPPORTED = (
    "customDefaultValue",
    "allowCalculateOverride",
    "allowMultipleMasks",
    "inputMasks",
    "validateWhenHidden",
    "protected",
    "truncateMultipleSpaces",
    "encrypted",
    "rowDrafts",
)

_KEY_RE = re.compile(r"^\w(?:[\w-]*\w)?$", re.ASCII)
_PLUS_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"b": 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3}
_TEMPLATE_RE = re.compile(r"\{\{|\{%")
_SAFE_TAGS = frozenset(
    {
        "p",
        "div",
        "span",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "strong",
        "em",
        "b",
        "i",
        "u",
        "ul",
        "ol",
        "li",
        "br",
        "hr",
        "a",
        "small",
        "blockquote",
    }
)


class DefinitionError(ValueError):
    """A form definition we cannot enforce on the server; ``problems`` lists each reason."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True, slots=True)
class Option:
    """One choice of a select, radio or selectboxes component."""

    value: str
    label: str


@dataclass(frozen=True, slots=True)
class Ref:
    """A component a condition reads: in the same datagrid row, or at the top level."""

    key: str
    in_row: bool
    type: str


@dataclass(frozen=True, slots=True)
class LegacyCondition:
    """Form.io's ``{"show": ..., "when": key, "eq": value}``."""

    ref: Ref
    eq: Any
    show: Any


@dataclass(frozen=True, slots=True)
class Clause:
    """One ``{"component": key, "operator": ..., "value": ...}`` of a simple conditional."""

    ref: Ref
    operator: Literal["isEqual", "isNotEqual"]
    value: Any


@dataclass(frozen=True, slots=True)
class SimpleCondition:
    """Form.io's ``{"show": ..., "conjunction": "all"|"any", "conditions": [...]}``."""

    show: bool
    conjunction: str
    clauses: tuple[Clause, ...]


@dataclass(frozen=True, slots=True)
class JsonCondition:
    """Form.io's ``{"json": <JSON Logic>}``: the component shows when the rule is truthy."""

    rule: str  # canonical JSON of the rule


Condition = LegacyCondition | SimpleCondition | JsonCondition


@dataclass(frozen=True, eq=False, slots=True)
class Field:
    """One component of a definition, with everything validation needs precomputed."""

    key: str
    type: str
    kind: Kind
    label: str
    error_label: str
    children: tuple[Field, ...] = ()
    required: bool = False
    hidden: bool = False
    clear_on_hide: bool = True
    condition: Condition | None = None
    min_length: float | None = None
    max_length: float | None = None
    pattern: re.Pattern[str] | None = None
    pattern_source: str | None = None
    min_value: float | None = None
    max_value: float | None = None
    decimal_limit: int | None = None
    options: tuple[Option, ...] = ()
    option_source: str | None = None
    multiple: bool = False
    custom_message: str | None = None
    error_overrides: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    default_json: str | None = None
    settings: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    # For datagrids: the keys a row may carry. For every field: whether conditions live below.
    row_keys: frozenset[str] = frozenset()
    has_conditions: bool = False
    # JSON Logic (canonical JSON text) of ``validate.json`` and ``calculateValue``.
    validate_json: str | None = None
    calculate: str | None = None
    unique: bool = False

    @property
    def is_data(self) -> bool:
        """Whether the component holds a value in the submission."""
        return self.kind in ("input", "grid", "container")

    @property
    def default(self) -> Any:
        """The component's ``defaultValue`` (a fresh copy), or ``None`` when unset."""
        return None if self.default_json is None else json.loads(self.default_json)

    def walk(self) -> Iterator[Field]:
        """This field and all its descendants, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True, slots=True)
class PlusMeta:
    """The ``plus`` block: what the form is for and how its data reaches the register."""

    key: str
    audience: str
    title: Mapping[str, str]
    intake_json: str = "[]"

    @property
    def intake(self) -> list[Any]:
        """The intake mapping entries (a fresh copy; see the module docstring)."""
        return json.loads(self.intake_json)


@dataclass(frozen=True, eq=False)
class FormDefinition:
    """A parsed, immutable definition; compared and hashed by identity, cached per version.

    ``fields`` is the component tree in document order; ``inputs`` maps the data path of every
    data component (``"new_address"``, ``"hours.date"`` for a datagrid column) to it;
    ``top_keys`` are the keys a submission's top level may carry; ``digest`` identifies the
    version (SHA-256 of the canonical JSON).
    """

    fields: tuple[Field, ...]
    inputs: Mapping[str, Field]
    top_keys: frozenset[str]
    i18n: Mapping[str, Mapping[str, str]]
    plus: PlusMeta | None
    digest: str
    has_conditions: bool
    option_sources: frozenset[str]
    _source: str

    def as_dict(self) -> dict[str, Any]:
        """The definition as JSON data, with HTML content already sanitised (a fresh copy)."""
        return json.loads(self._source)

    @property
    def key(self) -> str | None:
        """The ``plus.key`` of the form, if it has a ``plus`` block."""
        return self.plus.key if self.plus else None

    def title(self, locale: str) -> str:
        """The form's title in ``locale`` (falls back to Latvian, then the Form.io title)."""
        if self.plus:
            return self.plus.title.get(locale) or self.plus.title.get("lv", "")
        return str(json.loads(self._source).get("title", ""))

    def walk(self) -> Iterator[Field]:
        """Every component of the definition, in document order."""
        for f in self.fields:
            yield from f.walk()


def sanitize_html(html: str) -> str:
    """Clean author HTML for display: no scripts, handlers or dangerous URLs."""
    return nh3.clean(html, tags=set(_SAFE_TAGS), link_rel="noopener noreferrer")


def load_definition(data: Mapping[str, Any] | str) -> FormDefinition:
    """Parse a Form.io definition, refusing anything the server could not enforce.

    Parsed definitions are cached by content, so loading the same version twice is cheap and
    returns the same object.

    :raises DefinitionError: listing every problem, each naming the component key.
    """
    if isinstance(data, str | bytes):
        return _load_text(data if isinstance(data, str) else data.decode("utf-8", "replace"))
    try:
        canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise DefinitionError([f"_form: not JSON data ({exc})"]) from None
    return _load_canonical(canonical)


@functools.lru_cache(maxsize=64)
def _load_text(text: str) -> FormDefinition:
    try:
        obj = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise DefinitionError([f"_form: broken JSON ({exc})"]) from None
    return load_definition(obj) if isinstance(obj, dict) else _parse(obj, "")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


@functools.lru_cache(maxsize=256)
def _load_canonical(canonical: str) -> FormDefinition:
    return _parse(json.loads(canonical), canonical)


def _parse(obj: Any, canonical: str) -> FormDefinition:
    if not isinstance(obj, dict):
        raise DefinitionError(["_form: a definition must be a JSON object"])
    parser = _Parser(obj)
    return parser.parse(canonical)


# --------------------------------------------------------------------------------------------
# Small helpers shared with validation


def is_set(value: Any) -> bool:
    """Whether a builder setting is really set (the builder writes "", null, false, [] or {})."""
    return value not in (None, "", False) and not (isinstance(value, list | dict) and not value)


def js_parse_int(value: Any) -> float | None:
    """JavaScript ``parseInt(value, 10)`` for strings, the number itself otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return None if isinstance(value, float) and math.isnan(value) else value
    if isinstance(value, str):
        m = re.match(r"\s*([+-]?\d+)", value)
        return int(m.group(1)) if m else None
    return None


def js_parse_float(value: Any) -> float | None:
    """JavaScript ``parseFloat`` for strings, the number itself otherwise."""
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float):
            return None if isinstance(value, float) and math.isnan(value) else float(value)
        if isinstance(value, str):
            m = re.match(r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)", value)
            return float(m.group(1)) if m else None
    except OverflowError:
        return None
    return None


def parse_size(value: Any) -> int | None:
    """A Form.io file size setting such as ``"10MB"`` in bytes; None when it is not one."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    m = _SIZE_RE.match(value) if isinstance(value, str) else None
    if not m:
        return None
    return int(float(m.group(1)) * _SIZE_UNITS[(m.group(2) or "b").lower()])


# --------------------------------------------------------------------------------------------
# The parser


class _Parser:
    """Walks the raw JSON for structure, then the formio-data ``Builder`` tree for semantics."""

    def __init__(self, obj: dict[str, Any]) -> None:
        self.obj = obj
        self.problems: list[str] = []
        # Keys are unique per data namespace, as in the builder: the form, and each datagrid.
        self.keys: set[tuple[str | None, str]] = set()
        self.data_fields: dict[tuple[str | None, str], dict[str, Any]] = {}
        self.option_sources: set[str] = set()

    def problem(self, key: str, message: str) -> None:
        self.problems.append(f"{key}: {message}")

    def parse(self, canonical: str) -> FormDefinition:
        obj = self.obj
        display = obj.get("display", "form")
        if display != "form":
            self.problem("_form", f"display {display!r} is not supported (only 'form')")
        components = obj.get("components")
        if not isinstance(components, list):
            raise DefinitionError([*self.problems, "_form: 'components' must be a list"])
        self._scan(components, grid=None, path="")
        i18n = self._parse_i18n(obj.get("i18n"))
        plus = self._parse_plus(obj.get("plus"))
        if self.problems:
            # formio-data cannot build a broken tree; walk what is usable to report the rest.
            for node in _raw_tree(components, nested=False):
                self._field(node, grid=None)
            raise DefinitionError(self.problems)

        # formio-data logs a warning for each type it has no class for (container, tags);
        # the raw JSON is read for those, so the warning is noise.
        quiet = logging.getLogger("formiodata.builder")
        level = quiet.level
        quiet.setLevel(logging.ERROR)
        try:
            builder = Builder(obj, language="lv", i18n={}, load_path_objects=False)
        finally:
            quiet.setLevel(level)
        fields = tuple(self._field(c, grid=None) for c in builder.components.values())
        if self.problems:
            raise DefinitionError(self.problems)

        inputs: dict[str, Field] = {}
        top_keys: set[str] = set()
        for f in _scope(fields):
            if f.is_data or f.kind == "button":
                top_keys.add(f.key)
            if f.is_data:
                inputs[f.key] = f
            if f.kind in ("grid", "container"):
                for sub in _scope(f.children):
                    if sub.is_data:
                        inputs[f"{f.key}.{sub.key}"] = sub
        source = json.dumps(_sanitised(obj), sort_keys=True, ensure_ascii=False)
        return FormDefinition(
            fields=fields,
            inputs=MappingProxyType(inputs),
            top_keys=frozenset(top_keys),
            i18n=i18n,
            plus=plus,
            digest=hashlib.sha256((canonical or source).encode()).hexdigest(),
            has_conditions=any(f.has_conditions for f in fields),
            option_sources=frozenset(self.option_sources),
            _source=source,
        )

    # -- pass 1: raw structure, types, keys ---------------------------------------------------

    def _scan(self, components: Any, grid: str | None, path: str) -> None:
        if not isinstance(components, list):
            self.problem(path or "_form", "'components' must be a list")
            return
        for comp in components:
            if not isinstance(comp, dict):
                self.problem(path or "_form", "every component must be a JSON object")
                continue
            key = comp.get("key")
            ctype = comp.get("type")
            name = key if isinstance(key, str) and key else f"{path or '_form'}/<no key>"
            if not isinstance(key, str) or not _KEY_RE.match(key):
                self.problem(name, "missing or invalid key (letters, digits, _ and - only)")
            elif (grid, key) in self.keys:
                self.problem(key, "duplicate key")
            else:
                self.keys.add((grid, key))
            if ctype not in SUPPORTED_TYPES:
                self.problem(name, f"component type {ctype!r} cannot be enforced on the server")
                continue
            if (ctype in INPUT_TYPES or ctype in GRID_TYPES or ctype == "container") and isinstance(
                key, str
            ):
                self.data_fields[(grid, key)] = comp
            if ctype in ("panel", "fieldset"):
                self._scan(comp.get("components", []), grid, name)
            elif ctype == "columns":
                columns = comp.get("columns")
                if not isinstance(columns, list) or not all(
                    isinstance(col, dict) and isinstance(col.get("components"), list)
                    for col in columns
                ):
                    self.problem(name, "'columns' must be a list of {components: [...]}")
                    continue
                for col in columns:
                    self._scan(col["components"], grid, name)
            elif ctype in GRID_TYPES or ctype == "container":
                if grid is not None:
                    self.problem(name, f"a {ctype} inside a datagrid, editgrid or container is "
                                 "not supported")
                    continue
                self._scan(comp.get("components", []), name, name)

    def _parse_i18n(self, raw: Any) -> Mapping[str, Mapping[str, str]]:
        if raw is None:
            return MappingProxyType({})
        if not isinstance(raw, dict) or not all(
            isinstance(lang, str)
            and isinstance(table, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in table.items())
            for lang, table in raw.items()
        ):
            self.problem("_form", "'i18n' must map a language to {text: translation}")
            return MappingProxyType({})
        return MappingProxyType({lang: MappingProxyType(dict(t)) for lang, t in raw.items()})

    def _parse_plus(self, raw: Any) -> PlusMeta | None:
        if raw is None:
            return None
        if not isinstance(raw, dict):
            self.problem("plus", "must be an object")
            return None
        key, audience, title = raw.get("key"), raw.get("audience"), raw.get("title")
        ok = True
        if not isinstance(key, str) or not _PLUS_KEY_RE.match(key):
            self.problem("plus", "'key' must be a lower-case identifier")
            ok = False
        if audience not in AUDIENCES:
            self.problem("plus", f"'audience' must be one of {sorted(AUDIENCES)}")
            ok = False
        if not (
            isinstance(title, dict)
            and all(isinstance(title.get(lang), str) and title[lang] for lang in ("lv", "en"))
        ):
            self.problem("plus", "'title' must give non-empty 'lv' and 'en' texts")
            ok = False
        if not ok:
            return None
        intake = raw.get("intake", [])
        return PlusMeta(
            key=key,
            audience=audience,
            title=MappingProxyType({k: str(v) for k, v in title.items()}),
            intake_json=json.dumps(intake, ensure_ascii=False),
        )

    # -- pass 2: semantics, over the formio-data component objects ------------------------------

    def _field(self, comp: Any, grid: str | None) -> Field:
        raw: dict[str, Any] = comp.raw
        key: str = comp.key
        ctype: str = comp.type
        label = _text(raw.get("label")) or _text(raw.get("title")) or _text(raw.get("legend"))
        error_label = _text(raw.get("errorLabel")) or label or _text(raw.get("placeholder")) or key
        self._check_logic(key, raw)

        if ctype in LAYOUT_TYPES:
            children = tuple(self._field(c, grid) for c in comp.components.values())
            return self._finish(key, ctype, "layout", label, error_label, raw, grid, children)
        if ctype in STATIC_TYPES:
            html = raw.get("html") if ctype == "content" else raw.get("content")
            if isinstance(html, str) and _TEMPLATE_RE.search(html):
                self.problem(key, "template expressions in HTML are not supported")
            return self._finish(key, ctype, "static", label, error_label, raw, grid, ())
        if ctype == "button":
            action = raw.get("action", "submit")
            if action not in (None, "", "submit"):
                self.problem(key, f"button action {action!r} is not supported (submit only)")
            return self._finish(key, ctype, "button", label, error_label, raw, grid, ())
        if ctype in GRID_TYPES or ctype == "container":
            kind: Kind = "container" if ctype == "container" else "grid"
            if ctype == "datagrid":
                nodes: Any = comp.components.values()
            else:
                # formio-data has no container, and its editgrid differs: read the raw JSON.
                nodes = _raw_tree(raw.get("components"), nested=True)
            children = tuple(self._field(c, key) for c in nodes)
            return self._finish(key, ctype, kind, label, error_label, raw, key, children)
        return self._finish(key, ctype, "input", label, error_label, raw, grid, ())

    def _check_logic(self, key: str, raw: dict[str, Any]) -> None:
        if is_set(raw.get("logic")):
            self.problem(key, "'logic' blocks are not supported")
        if is_set(raw.get("customConditional")):
            self.problem(key, f"a JavaScript condition ('customConditional') is refused: {JS_HINT}"
                         " in 'conditional.json' (Conditional > Advanced Conditions > JSON Logic)")
        calculate = raw.get("calculateValue")
        if isinstance(calculate, str) and calculate.strip():
            self.problem(key, f"a JavaScript calculated value ('calculateValue') is refused: "
                         f"{JS_HINT} (Data > Calculated Value > JSON Logic)")
        if isinstance(_obj(raw.get("validate")).get("custom"), str) and raw["validate"][
            "custom"
        ].strip():
            self.problem(key, f"JavaScript validation ('validate.custom') is refused: {JS_HINT} "
                         "returning true or an error text (Validation > JSON Logic Validation)")
        row_rule = _obj(raw.get("validate")).get("row")
        if raw.get("type") == "editgrid" and isinstance(row_rule, str) and row_rule.strip():
            self.problem(key, f"JavaScript row validation ('validate.row') is refused: {JS_HINT}"
                         " as 'validate.json' of the row's fields")
        for name in _COMPONENT_UNSUPPORTED:
            if is_set(raw.get(name)):
                self.problem(key, f"'{name}' is not supported")
        persistent = raw.get("persistent", True)
        if persistent is not True:
            self.problem(key, "non-persistent components are not supported")
        validate = raw.get("validate") or {}
        if not isinstance(validate, dict):
            self.problem(key, "'validate' must be an object")
            return
        for name in _VALIDATE_UNSUPPORTED:
            if is_set(validate.get(name)):
                self.problem(key, f"validation 'validate.{name}' is not supported")
        for name, setting in validate.items():
            if name not in _VALIDATE_KNOWN and is_set(setting):
                self.problem(key, f"validation 'validate.{name}' is not supported")

    def _finish(
        self,
        key: str,
        ctype: str,
        kind: Kind,
        label: str,
        error_label: str,
        raw: dict[str, Any],
        grid: str | None,
        children: tuple[Field, ...],
    ) -> Field:
        validate: dict[str, Any] = raw.get("validate") or {}
        if not isinstance(validate, dict):
            validate = {}
        values: dict[str, Any] = {}
        condition = self._condition(key, raw.get("conditional"), grid)
        values["condition"] = condition
        values["has_conditions"] = condition is not None or any(c.has_conditions for c in children)
        values["hidden"] = bool(raw.get("hidden"))
        values["clear_on_hide"] = raw.get("clearOnHide", True) is not False
        self._json_logic(key, kind, raw, validate, values, grid)
        if kind in ("input", "grid", "container"):
            values["required"] = bool(validate.get("required"))
            self._rules(key, ctype, raw, validate, values)
            if is_set(raw.get("defaultValue")):
                values["default_json"] = json.dumps(raw["defaultValue"], ensure_ascii=False)
            if isinstance(validate.get("customMessage"), str) and validate["customMessage"]:
                values["custom_message"] = validate["customMessage"]
            errors = raw.get("errors")
            if is_set(errors):
                if isinstance(errors, dict) and all(isinstance(v, str) for v in errors.values()):
                    values["error_overrides"] = MappingProxyType(dict(errors))
                else:
                    self.problem(key, "'errors' must map an error key to a message")
        elif any(
            is_set(validate.get(n))
            for n in ("required", "minLength", "maxLength", "pattern", "min", "max")
        ):
            self.problem(key, f"validations on a {ctype} component are not supported")
        if kind in ("grid", "container"):
            values["row_keys"] = frozenset(
                f.key for f in _scope(children) if f.is_data or f.kind == "button"
            )
        return Field(
            key=key,
            type=ctype,
            kind=kind,
            label=label,
            error_label=error_label,
            children=children,
            **values,
        )

    def _json_logic(
        self,
        key: str,
        kind: str,
        raw: dict[str, Any],
        validate: dict[str, Any],
        values: dict[str, Any],
        grid: str | None,
    ) -> None:
        calculate = raw.get("calculateValue")
        if isinstance(calculate, dict | list) and is_set(calculate):
            if kind != "input":
                self.problem(key, "a calculated value is only supported on input fields")
            else:
                values["calculate"] = self._rule(key, calculate, "calculateValue")
        rule = validate.get("json")
        if is_set(rule):
            if not isinstance(rule, dict) or kind != "input":
                self.problem(key, "'validate.json' must be JSON Logic (an object) on a field")
            else:
                values["validate_json"] = self._rule(key, rule, "validate.json")
        if is_set(raw.get("unique")):
            if kind != "input" or grid is not None:
                self.problem(key, "'unique' is only supported on fields outside datagrids, "
                             "editgrids and containers")
            elif raw.get("type") in ("file", "datetime", "day"):
                self.problem(key, f"'unique' is not supported on {raw.get('type')}")
            else:
                values["unique"] = True

    def _rule(self, key: str, rule: Any, what: str) -> str | None:
        problems = check_rule(rule, what)
        for problem in problems:
            self.problem(key, problem)
        return None if problems else json.dumps(rule, sort_keys=True, ensure_ascii=False)

    def _rules(
        self,
        key: str,
        ctype: str,
        raw: dict[str, Any],
        validate: dict[str, Any],
        values: dict[str, Any],
    ) -> None:
        if raw.get("multiple") and ctype not in MULTIPLE_TYPES:
            self.problem(key, "'multiple' values are only supported on select, file, textfield "
                         "and number")
        if ctype in ("textfield", "number"):
            values["multiple"] = bool(raw.get("multiple"))
        for name in ("minLength", "maxLength"):
            setting = validate.get(name)
            if not is_set(setting):
                continue
            if ctype not in TEXT_TYPES and ctype not in GRID_TYPES:
                self.problem(key, f"'validate.{name}' is not supported on {ctype}")
                continue
            number = js_parse_int(setting)
            if number is None:
                self.problem(key, f"'validate.{name}' is not a number")
            elif number:
                values["min_length" if name == "minLength" else "max_length"] = number
        pattern = validate.get("pattern")
        if is_set(pattern):
            if ctype not in TEXT_TYPES or not isinstance(pattern, str):
                self.problem(key, f"'validate.pattern' is not supported on {ctype}")
            else:
                try:
                    # Form.io tests RegExp(`^${pattern}$`) without grouping, so "a|b" means
                    # /^a|b$/ (searched, not matched). \Z is JavaScript's $, and ASCII gives
                    # JavaScript's \d, \w and \b.
                    values["pattern"] = re.compile("^" + pattern + "\\Z", re.ASCII)
                    values["pattern_source"] = pattern
                except re.error as exc:
                    self.problem(key, f"'validate.pattern' does not compile ({exc})")
        for name in ("min", "max"):
            setting = validate.get(name)
            if not _number_setting(setting):
                continue
            if ctype not in NUMBER_TYPES:
                self.problem(key, f"'validate.{name}' is not supported on {ctype}")
                continue
            number = js_parse_float(setting)
            if number is not None and math.isfinite(number):
                values["min_value" if name == "min" else "max_value"] = number
            else:
                self.problem(key, f"'validate.{name}' is not a number")
        decimal_limit = raw.get("decimalLimit")
        if ctype == "currency" and not _number_setting(decimal_limit):
            decimal_limit = 2  # euro cents, the renderer's default for currency
        if ctype in NUMBER_TYPES and _number_setting(decimal_limit):
            limit = js_parse_int(decimal_limit)
            if limit is None or limit < 0:
                self.problem(key, "'decimalLimit' must be a whole number")
            else:
                values["decimal_limit"] = int(limit)
        if ctype in OPTION_TYPES:
            self._options(key, ctype, raw, values)
        if ctype == "select":
            values["multiple"] = bool(raw.get("multiple"))
        settings: dict[str, Any] = {}
        self._counts(key, ctype, raw, validate, settings)
        if ctype == "checkbox" and raw.get("inputType", "checkbox") != "checkbox":
            self.problem(key, "checkboxes of inputType 'radio' are not supported")
        if ctype == "textfield" and is_set(raw.get("inputMask")):
            self.problem(key, "'inputMask' on a textfield is not supported")
        skip_mask = bool(validate.get("skipMaskValidation"))
        if ctype == "phoneNumber" and is_set(raw.get("inputMask")) and not skip_mask:
            mask = raw["inputMask"]
            if not isinstance(mask, str):
                self.problem(key, "'inputMask' must be a string")
            else:
                settings["mask"] = mask
        if ctype == "day":
            self._day(key, raw, settings)
        if ctype == "datetime":
            self._datetime(key, raw, settings)
        if ctype == "file":
            values["multiple"] = bool(raw.get("multiple"))
            self._file(key, raw, settings)
        values["settings"] = MappingProxyType(settings)

    def _counts(
        self,
        key: str,
        ctype: str,
        raw: dict[str, Any],
        validate: dict[str, Any],
        settings: dict[str, Any],
    ) -> None:
        """Word counts, selected counts and tag settings (kept in ``Field.settings``)."""
        for name, kinds, parse in (
            ("minWords", ("textfield", "textarea"), js_parse_int),
            ("maxWords", ("textfield", "textarea"), js_parse_int),
            ("minSelectedCount", ("selectboxes",), js_parse_float),
            ("maxSelectedCount", ("selectboxes",), js_parse_float),
        ):
            setting = validate.get(name)
            if not _number_setting(setting) or setting == 0:
                continue
            if ctype not in kinds:
                self.problem(key, f"'validate.{name}' is not supported on {ctype}")
                continue
            number = parse(setting)
            if number is None or not math.isfinite(number):
                self.problem(key, f"'validate.{name}' is not a number")
            elif number:
                settings[name] = number
        for name in ("minSelectedCountMessage", "maxSelectedCountMessage"):
            if isinstance(raw.get(name), str) and raw[name] and ctype == "selectboxes":
                settings[name] = raw[name]
        if ctype == "tags":
            storeas = raw.get("storeas") or "string"
            if storeas not in ("string", "array"):
                self.problem(key, "'storeas' must be 'string' or 'array'")
            settings["storeas"] = storeas
            delimiter = raw.get("delimeter")  # sic: Form.io's spelling
            settings["delimiter"] = delimiter if isinstance(delimiter, str) and delimiter else ","
            max_tags = js_parse_int(raw.get("maxTags"))
            if max_tags:
                settings["max_tags"] = max_tags

    def _options(self, key: str, ctype: str, raw: dict[str, Any], values: dict[str, Any]) -> None:
        source = _obj(raw.get("plus")).get("options")
        if source is not None:
            if ctype != "select" or not isinstance(source, str) or not source:
                self.problem(key, "'plus.options' must name a source, on a select")
                return
            values["option_source"] = source
            self.option_sources.add(source)
            return
        if ctype == "select":
            data_src = raw.get("dataSrc") or "values"
            if data_src != "values":
                self.problem(key, f"select dataSrc {data_src!r} is not supported (static only)")
                return
            items = _obj(raw.get("data")).get("values")
        else:
            items = raw.get("values")
        data_type = raw.get("dataType") or "auto"
        if data_type not in ("auto", "string"):
            self.problem(key, f"dataType {data_type!r} is not supported")
        if not isinstance(items, list) or not items:
            self.problem(key, "options must be a non-empty list of {label, value}")
            return
        options: list[Option] = []
        seen: set[str] = set()
        for item in items:
            value = item.get("value") if isinstance(item, dict) else None
            if not isinstance(value, str) or not value:
                self.problem(key, "every option needs a non-empty string value")
                return
            if value in seen:
                self.problem(key, f"duplicate option value {value!r}")
                return
            seen.add(value)
            options.append(Option(value=value, label=_text(item.get("label")) or value))
        values["options"] = tuple(options)

    def _day(self, key: str, raw: dict[str, Any], settings: dict[str, Any]) -> None:
        fields = _obj(raw.get("fields"))
        required: dict[str, bool] = {}
        for part in ("day", "month", "year"):
            spec = _obj(fields.get(part))
            if spec.get("hide"):
                self.problem(key, f"a day component with a hidden {part} is not supported")
            required[part] = bool(spec.get("required"))
        for name in ("maxDate", "minDate"):
            if is_set(raw.get(name)):
                self.problem(key, f"'{name}' is not supported")
        settings["day_first"] = bool(raw.get("dayFirst"))
        settings["parts_required"] = MappingProxyType(required)

    def _datetime(self, key: str, raw: dict[str, Any], settings: dict[str, Any]) -> None:
        if raw.get("enableDate") is False:
            self.problem(key, "time-only datetime components are not supported")
        picker = _obj(raw.get("datePicker"))
        widget = _obj(raw.get("widget"))
        # Bounds of the day: "moment()" (today, as the renderer's calendar reads it) or a fixed
        # ISO date. Both sides apply them: the calendar greys out later days and the validator
        # refuses them. The calendar reads the widget's copy, the builder writes datePicker's.
        for name, setting in (("minDate", "min_date"), ("maxDate", "max_date")):
            given = {str(v) for v in (picker.get(name), widget.get(name)) if is_set(v)}
            if not given:
                continue
            bound = given.pop() if len(given) == 1 else None
            if bound != TODAY and not (bound and _ISO_DATE.match(bound)):
                self.problem(key, f"'datePicker.{name}' must be \"{TODAY}\" (today) or a date "
                                  "YYYY-MM-DD, the same in 'widget'")
                continue
            settings[setting] = bound
        settings["enable_time"] = raw.get("enableTime", True) is not False

    def _file(self, key: str, raw: dict[str, Any], settings: dict[str, Any]) -> None:
        pattern = raw.get("filePattern")
        if is_set(pattern) and pattern != "*":
            if not isinstance(pattern, str):
                self.problem(key, "'filePattern' must be a string")
            else:
                settings["file_pattern"] = pattern
        for name, setting in (("fileMaxSize", "max_size"), ("fileMinSize", "min_size")):
            if is_set(raw.get(name)):
                size = parse_size(raw[name])
                if size is None:
                    self.problem(key, f"'{name}' is not a size such as '10MB'")
                elif setting == "max_size" or size > 0:
                    settings[setting] = size
                    settings[setting + "_text"] = str(raw[name])

    # -- conditions ------------------------------------------------------------------------------

    def _condition(self, key: str, raw: Any, grid: str | None) -> Condition | None:
        if not is_set(raw):
            return None
        if not isinstance(raw, dict):
            self.problem(key, "'conditional' must be an object")
            return None
        if is_set(raw.get("json")):
            rule = self._rule(key, raw["json"], "conditional.json")
            return JsonCondition(rule=rule) if rule is not None else None
        conditions = raw.get("conditions")
        if raw.get("conjunction") and isinstance(conditions, list) and conditions:
            return self._simple(key, raw, conditions, grid)
        if raw.get("when"):
            ref = self._ref(key, raw["when"], grid)
            return LegacyCondition(ref=ref, eq=raw.get("eq"), show=raw.get("show")) if ref else None
        return None

    def _simple(
        self, key: str, raw: dict[str, Any], conditions: list[Any], grid: str | None
    ) -> SimpleCondition | None:
        conjunction = raw.get("conjunction")
        if conjunction not in ("all", "any"):
            self.problem(key, f"conjunction {conjunction!r} is not supported")
            return None
        clauses: list[Clause] = []
        for cond in conditions:
            if not isinstance(cond, dict):
                self.problem(key, "every condition must be an object")
                return None
            if not cond.get("component"):
                continue  # Form.io ignores conditions without a component
            operator = cond.get("operator")
            if operator not in ("isEqual", "isNotEqual"):
                self.problem(key, f"condition operator {operator!r} is not supported")
                return None
            ref = self._ref(key, cond["component"], grid)
            if ref is None:
                return None
            clauses.append(Clause(ref=ref, operator=operator, value=cond.get("value")))
        return SimpleCondition(
            show=_show_bool(raw.get("show", True)),
            conjunction=conjunction,
            clauses=tuple(clauses),
        )

    def _ref(self, key: str, path: Any, grid: str | None) -> Ref | None:
        if not isinstance(path, str):
            self.problem(key, "a condition must name a component key")
            return None
        parts = path.split(".")
        if len(parts) == 1:
            # Like Form.io, a bare key means the sibling in the same row before the top level.
            candidates = [(grid, path), (None, path)] if grid else [(None, path)]
        elif len(parts) == 2:
            candidates = [(parts[0], parts[1])]
        else:
            candidates = []
        found = next((c for c in candidates if c in self.data_fields), None)
        if found is None:
            self.problem(key, f"condition refers to unknown component {path!r}")
            return None
        target_grid, target = found
        comp = self.data_fields[found]
        if comp.get("type") in GRID_TYPES or comp.get("type") == "container":
            self.problem(key, f"a condition on a whole {comp.get('type')} is not supported "
                         "(use JSON Logic in 'conditional.json')")
            return None
        if target_grid is not None and target_grid != grid:
            self.problem(key, f"condition refers to {path!r} inside another datagrid")
            return None
        return Ref(key=target, in_row=target_grid is not None, type=comp["type"])


@dataclass
class _RawNode:
    """The parts of a formio-data component object the parser reads, made from raw JSON."""

    raw: dict[str, Any]
    key: str
    type: str
    components: dict[int, _RawNode]


def _raw_tree(components: Any, nested: bool) -> list[_RawNode]:
    """Usable components of a definition that failed the structural checks."""
    nodes: list[_RawNode] = []
    for comp in components if isinstance(components, list) else []:
        if not (
            isinstance(comp, dict)
            and comp.get("type") in SUPPORTED_TYPES
            and isinstance(comp.get("key"), str)
        ):
            continue
        ctype = comp["type"]
        children: list[_RawNode] = []
        nests = ctype in GRID_TYPES or ctype == "container"
        if ctype in ("panel", "fieldset") or (nests and not nested):
            children = _raw_tree(comp.get("components"), nested or nests)
        elif ctype == "columns":
            for col in comp.get("columns") if isinstance(comp.get("columns"), list) else []:
                if isinstance(col, dict):
                    children += _raw_tree(col.get("components"), nested)
        elif nests:
            continue
        nodes.append(_RawNode(comp, comp["key"], ctype, dict(enumerate(children))))
    return nodes


def _obj(value: Any) -> dict[str, Any]:
    """A setting that should be an object, or {} when the definition has something else."""
    return value if isinstance(value, dict) else {}


def _number_setting(value: Any) -> bool:
    """Whether a numeric builder setting is set (0 counts; "", null and booleans do not)."""
    return value is not None and value != "" and not isinstance(value, bool)


def _show_bool(show: Any) -> bool:
    """Form.io's ``convertShowToBoolean``: JSON-parse strings, then truthiness."""
    if isinstance(show, str):
        with contextlib.suppress(ValueError):
            show = json.loads(show)
    return bool(show)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _scope(fields: Sequence[Field]) -> Iterator[Field]:
    """Components sharing one data object: descend into layout, not into datagrid rows."""
    for f in fields:
        yield f
        if f.kind == "layout":
            yield from _scope(f.children)


def _sanitised(obj: Any) -> Any:
    """A copy of the definition whose HTML content is safe to render."""
    if isinstance(obj, list):
        return [_sanitised(x) for x in obj]
    if not isinstance(obj, dict):
        return obj
    out = {k: _sanitised(v) for k, v in obj.items()}
    if out.get("type") == "content" and isinstance(out.get("html"), str):
        out["html"] = sanitize_html(out["html"])
    if out.get("type") == "htmlelement":
        tag = out.get("tag")
        out["tag"] = tag if isinstance(tag, str) and tag.lower() in _SAFE_TAGS else "div"
        out["attrs"] = []
        if isinstance(out.get("content"), str):
            out["content"] = sanitize_html(out["content"])
    return out


# --------------------------------------------------------------------------------------------
# Options filled at render time


def fill_options(
    schema: dict[str, Any], options: Mapping[str, Sequence[tuple[str, str]]]
) -> dict[str, Any]:
    """Put render-time options (``source -> [(value, label)]``) into selects marked for them.

    ``schema`` is changed in place and returned (pass a copy, e.g. from ``translate``).

    :raises KeyError: if a marked select's source is not in ``options``.
    """
    for comp in _iter_components(schema.get("components", [])):
        marker = comp.get("plus")
        if comp.get("type") == "select" and isinstance(marker, dict) and marker.get("options"):
            pairs = options[marker["options"]]
            comp["dataSrc"] = "values"
            comp["data"] = {"values": [{"value": str(v), "label": str(lb)} for v, lb in pairs]}
    return schema


def _iter_components(components: Any) -> Iterator[dict[str, Any]]:
    if not isinstance(components, list):
        return
    for comp in components:
        if not isinstance(comp, dict):
            continue
        yield comp
        yield from _iter_components(comp.get("components"))
        for col in comp.get("columns") or []:
            if isinstance(col, dict):
                yield from _iter_components(col.get("components"))


# --------------------------------------------------------------------------------------------
# Intake mapping


_RECORD_KEYS = frozenset({"target", "each", "fields"})
_UPDATE_KEYS = frozenset({"target", "from", "map", "mode", "record"})
_MODES = frozenset({"propose", "apply"})


def check_mapping(defn: FormDefinition, known_fields: Mapping[str, set[str]]) -> list[str]:
    """Problems of the definition's ``plus.intake`` mapping (empty when it checks out).

    :param known_fields: model name -> its field names, e.g. built from the SQLAlchemy mappers.
    """
    if defn.plus is None:
        return []
    intake = defn.plus.intake
    if not isinstance(intake, list):
        return ["plus.intake: must be a list"]
    problems: list[str] = []
    top = {f.key: f for f in _scope(defn.fields) if f.is_data}
    for index, entry in enumerate(intake):
        where = f"plus.intake[{index}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("target"), str):
            problems.append(f"{where}: must be an object with a 'target'")
            continue
        target: str = entry["target"]
        model, _, column = target.partition(".")
        if model not in known_fields:
            problems.append(f"{where}: unknown target model {model!r}")
            continue
        if column:
            problems.extend(_check_update(where, entry, model, column, known_fields, top))
        else:
            problems.extend(_check_record(where, entry, model, known_fields, top))
    return problems


def _check_update(
    where: str,
    entry: dict[str, Any],
    model: str,
    column: str,
    known_fields: Mapping[str, set[str]],
    top: Mapping[str, Field],
) -> list[str]:
    problems = [f"{where}: unknown key {k!r}" for k in entry if k not in _UPDATE_KEYS]
    if column not in known_fields[model]:
        problems.append(f"{where}: unknown field {model}.{column}")
    if entry.get("mode", "propose") not in _MODES:
        problems.append(f"{where}: 'mode' must be one of {sorted(_MODES)}")
    spec: dict[str, Any] = {"from": entry.get("from")}
    if "map" in entry:
        spec["map"] = entry["map"]
    problems.extend(_check_source(where, spec, top, None))
    record = entry.get("record")
    if record is not None and (not isinstance(record, str) or record not in top):
        problems.append(f"{where}: 'record' names unknown component {record!r}")
    return problems


def _check_record(
    where: str,
    entry: dict[str, Any],
    model: str,
    known_fields: Mapping[str, set[str]],
    top: Mapping[str, Field],
) -> list[str]:
    problems = [f"{where}: unknown key {k!r}" for k in entry if k not in _RECORD_KEYS]
    row: Mapping[str, Field] | None = None
    each = entry.get("each")
    if each is not None:
        grid = top.get(each) if isinstance(each, str) else None
        if grid is None or grid.kind != "grid":
            problems.append(f"{where}: 'each' must name a datagrid, not {each!r}")
        else:
            row = {f.key: f for f in _scope(grid.children) if f.is_data}
    fields = entry.get("fields")
    if not isinstance(fields, dict) or not fields:
        problems.append(f"{where}: 'fields' must map model fields to sources")
        return problems
    for column, source in fields.items():
        if column not in known_fields[model]:
            problems.append(f"{where}: unknown field {model}.{column}")
        problems.extend(_check_source(f"{where}.fields.{column}", source, top, row))
    return problems


def _check_source(
    where: str, source: Any, top: Mapping[str, Field], row: Mapping[str, Field] | None
) -> list[str]:
    if isinstance(source, dict) and set(source) == {"const"}:
        return []
    if isinstance(source, str):
        source = {"from": source}
    if not isinstance(source, dict) or not set(source) <= {"from", "map"}:
        return [f"{where}: a source is a key, {{from, map}} or {{const}}"]
    key = source.get("from")
    comp = (row or {}).get(key) or top.get(key) if isinstance(key, str) else None
    if comp is None:
        return [f"{where}: unknown source component {key!r}"]
    if comp.kind == "grid":
        return [f"{where}: source {key!r} is a datagrid; use 'each'"]
    if "map" in source:
        mapping = source["map"]
        if not isinstance(mapping, dict) or not mapping:
            return [f"{where}: 'map' must map option values to stored values"]
        known = {o.value for o in comp.options}
        if known:
            return [f"{where}: {key!r} has no option {v!r}" for v in mapping if v not in known]
    return []
