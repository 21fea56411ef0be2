"""The parser behind :func:`portal.formsengine.schema.load_definition`: it walks a Form.io
definition's raw JSON for structure, then formio-data's ``Builder`` tree for semantics, and
collects every problem (naming the component) before it refuses a definition.

Kept apart from ``schema.py``, which holds what a parsed form *is* (``FormDefinition``,
``Field`` and the rest) and the helpers validation shares.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from formiodata.builder import Builder

from portal.formsengine.logic import JS_HINT, check_rule
from portal.formsengine.schema import (
    AUDIENCES,
    GRID_TYPES,
    INPUT_TYPES,
    LAYOUT_TYPES,
    MULTIPLE_TYPES,
    NUMBER_TYPES,
    OPTION_TYPES,
    SAFE_TAGS,
    STATIC_TYPES,
    SUPPORTED_TYPES,
    TEXT_TYPES,
    TODAY,
    Clause,
    Condition,
    DefinitionError,
    Field,
    FormDefinition,
    JsonCondition,
    Kind,
    LegacyCondition,
    Option,
    PlusMeta,
    Ref,
    SimpleCondition,
    is_set,
    js_parse_float,
    js_parse_int,
    parse_size,
    sanitize_html,
    scope_fields,
)

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
_TEMPLATE_RE = re.compile(r"\{\{|\{%")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")


class Parser:
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
        for f in scope_fields(fields):
            if f.is_data or f.kind == "button":
                top_keys.add(f.key)
            if f.is_data:
                inputs[f.key] = f
            if f.kind in ("grid", "container"):
                for sub in scope_fields(f.children):
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
                f.key for f in scope_fields(children) if f.is_data or f.kind == "button"
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
        out["tag"] = tag if isinstance(tag, str) and tag.lower() in SAFE_TAGS else "div"
        out["attrs"] = []
        if isinstance(out.get("content"), str):
            out["content"] = sanitize_html(out["content"])
    return out
