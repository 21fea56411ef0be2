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
component. :func:`portal.formsengine.intake_check.check_mapping` checks all of this against
the models it is given.

A select whose options are only known at render time (e.g. the clients linked to an
employer) carries ``"plus": {"options": "<source name>"}`` on the component; the portal fills
its options with :func:`fill_options` and passes the allowed values to
``validate_submission(..., options={...})``.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import nh3

#: a date bound meaning "today" (Form.io evaluates it with moment.js in the browser)
TODAY = "moment()"

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

_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"b": 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3}
#: the tags an HTML element component may use (any other becomes a div)
SAFE_TAGS = frozenset(
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
    return nh3.clean(html, tags=set(SAFE_TAGS), link_rel="noopener noreferrer")


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
    from portal.formsengine.parser import Parser

    return Parser(obj).parse(canonical)


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


def scope_fields(fields: Sequence[Field]) -> Iterator[Field]:
    """The components sharing one data object: into layout, not into datagrid or editgrid
    rows, nor into containers (each has a data object of its own)."""
    for f in fields:
        yield f
        if f.kind == "layout":
            yield from scope_fields(f.children)


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
