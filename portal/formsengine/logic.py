"""JSON Logic in form definitions: checked at import, evaluated with Form.io's data context.

Form.io lets a component carry logic as JSON Logic (``conditional.json``, ``validate.json``,
``calculateValue``); the browser runs it with json-logic-js, and so must the server, with the
same rule and the same data. Rules are compiled once per definition by ``datalogic-py`` (a
maintained JSON Logic engine with a Rust core: no ``eval``, no attribute access, and a
conformance suite shared with the JavaScript implementation), and evaluated against the
context ``@formio/js`` builds (``normalizeContext`` in @formio/core):

* ``data``: the whole submission data, as it stands after hiding and calculating;
* ``row``: the data object the component lives in: its datagrid or editgrid row, its
  container, else the submission data;
* ``value`` and ``input``: the component's own value (for ``validate.json``, ``value`` is
  ``null`` when the value is falsy, as in @formio/core's ``validateJson``).

Only the operators json-logic-js itself has are accepted, so a rule the server runs is a rule
the renderer runs too; ``instance``, ``form``, ``component`` and the like are browser objects
and cannot be read. JavaScript strings (``customConditional``, a string ``calculateValue``,
``validate.custom``) are refused by the schema with :data:`JS_HINT`.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping
from typing import Any

import datalogic_py

__all__ = ["CONTEXT_ROOTS", "JS_HINT", "check_rule", "evaluate", "truthy"]

#: Appended to the refusal of JavaScript, so the FormAdmin knows what to write instead.
JS_HINT = (
    "JavaScript cannot run on the server; write it as JSON Logic instead, e.g. "
    '{"==": [{"var": "data.answer"}, "yes"]}, reading data.<key>, row.<key> or value'
)

#: The parts of Form.io's evaluation context the server provides.
CONTEXT_ROOTS = frozenset({"data", "row", "value", "input"})

# The operators of json-logic-js 2 (without "log" and "method"), by the names datalogic-py
# reports in a rule's facts ("var" is "val" there).
_OPERATORS = frozenset(
    {
        "val", "var", "missing", "missing_some",
        "if", "?:", "==", "===", "!=", "!==", "!", "!!", "or", "and",
        ">", ">=", "<", "<=", "max", "min", "+", "-", "*", "/", "%",
        "map", "reduce", "filter", "all", "none", "some", "merge", "in", "cat", "substr",
    }
)  # fmt: skip
_SCOPED = frozenset({"map", "reduce", "filter", "all", "none", "some"})
_ENGINE = datalogic_py.Engine()


@functools.lru_cache(maxsize=1024)
def _compile(rule_json: str) -> Any:
    return _ENGINE.compile(rule_json)


def check_rule(rule: Any, what: str) -> list[str]:
    """Problems of a JSON Logic ``rule`` (empty when the server can run it as Form.io does).

    :param what: how to name the rule in a problem, e.g. ``"conditional.json"``.
    """
    if not isinstance(rule, dict | list) or isinstance(rule, bool):
        return []  # a constant
    text = json.dumps(rule, sort_keys=True, ensure_ascii=False)
    try:
        compiled = _compile(text)
    except datalogic_py.DataLogicError as exc:
        return [f"'{what}' is not JSON Logic ({_first_line(exc)})"]
    facts = compiled.facts()
    problems: list[str] = []
    unknown = sorted(set(facts["operators"]) - _OPERATORS)
    if unknown or facts["custom_operators"]:
        names = ", ".join(unknown + list(facts["custom_operators"]))
        problems.append(f"'{what}' uses operators the renderer does not have: {names}")
    scoped = bool(set(facts["operators"]) & _SCOPED)
    for path in facts["reads"]:
        root = str(path[0]) if path else ""
        # Inside map/reduce/filter, "current", "accumulator" and item keys are local names.
        if root not in CONTEXT_ROOTS and not scoped:
            problems.append(
                f"'{what}' reads {'.'.join(map(str, path)) or 'the whole context'}: only "
                "data.<key>, row.<key>, value and input are known on the server"
            )
    return problems


def evaluate(rule_json: str, data: Mapping[str, Any], row: Mapping[str, Any] | None,
             value: Any = None, input_value: Any = None) -> Any:
    """The result of a JSON Logic rule (as JSON text) in Form.io's context; None on error.

    A rule that fails at run time (a division by zero, say) gives None, as json-logic-js's
    NaN or exception leaves the renderer with no result.
    """
    context = {
        "data": data,
        "row": data if row is None else row,
        "value": value,
        "input": input_value,
    }
    try:
        result = _compile(rule_json).evaluate(_jsonable(context))
    except (datalogic_py.DataLogicError, ValueError, TypeError, OverflowError):
        return None
    if isinstance(result, float) and not math.isfinite(result):
        return None
    return result


def truthy(value: Any) -> bool:
    """JavaScript truthiness of a JSON Logic result."""
    if value is None or value is False or value == "":
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value != 0 and not (isinstance(value, float) and math.isnan(value))
    return True


def _jsonable(value: Any, depth: int = 0) -> Any:
    """The context as plain JSON values (clean data may hold Decimal, dates and the like)."""
    if depth > 40:
        return None
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v, depth + 1) for v in value]
    try:
        return float(value) if hasattr(value, "as_tuple") else str(value)
    except (TypeError, ValueError):
        return None


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
