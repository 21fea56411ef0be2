"""JavaScript's view of values, as Form.io's conditions and validations see them.

Form.io runs in the browser: a condition compares with ``==``, a length counts UTF-16 code
units, a number is read by ``Number()`` and ``String.prototype.trim`` removes more than
Python's ``str.strip``. The server reproduces each of these so that its verdict is the
renderer's. Shared by the validator and the component checks of this package.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
from typing import Any

from portal.formsengine.schema import Clause, LegacyCondition

_UNDEF: Any = type("Undefined", (), {"__repr__": lambda self: "undefined"})()
_MAX_DEPTH = 32
_MAX_SAFE_INT = 2**53 - 1
# JavaScript's white space and line terminators (what String.prototype.trim removes).
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_JS_SPACE_RE = re.compile(f"[{_JS_SPACE}]+")
_JS_TRIM_RE = re.compile(f"^[{_JS_SPACE}]+|[{_JS_SPACE}]+\\Z")
# A decimal number as text, as JavaScript's Number() reads it (no hex, no Infinity).
_NUMERIC_RE = re.compile(
    f"^[{_JS_SPACE}]*[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?[{_JS_SPACE}]*\\Z"
)


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


