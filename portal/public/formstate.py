"""A Form.io form filled in plain HTML, without JavaScript: its state, and the data it posts.

The portal's server-rendered form (:mod:`portal.public.formview` draws it) is read back from
each post into a :class:`FormState` of raw values as the user typed them, kept across the
round trips of adding, editing and removing grid rows, and turned into the value shape
``@formio/js`` submits, so the same validation gives the same verdict as for the official
renderer:

* text, textarea, e-mail and phone fields -> strings (newlines as ``\\n``, as in the browser);
* number -> a number when the text is one (a decimal comma is accepted), else the text
  itself, which validation refuses with the field's "not a number" message;
* checkbox -> ``true``/``false``; radio and select -> the chosen value, ``""`` when none;
  a multiple select -> a list; selectboxes -> ``{option: bool}`` for every option;
* day -> ``MM/DD/YYYY`` (``DD/MM/YYYY`` with ``dayFirst``), missing parts as zeros;
* datetime -> ISO 8601; a date-time typed in the browser gets the service's UTC offset,
  as the Form.io date picker does; ``dd.mm.yyyy`` typed by hand is understood too;
* datagrid -> a list of row objects. Rows are named ``grid[3][column]``; the number of rows
  travels in a hidden ``plus.rows.<grid>`` field, so a row of empty checkboxes is not lost.
* editgrid -> the same, but one row at a time is open for editing (``plus.open.<grid>``);
  saved rows are shown as a summary and travel in hidden fields. "Save" keeps a row open
  while its fields have errors; submitting with a row open is refused (Form.io's rule);
* container -> an object of its children, named ``box[child]``;
* multiple text fields and numbers -> a list, one item a line of a textarea; tags -> the
  text as typed (split into a list for ``storeas: array``); currency -> a number.

Calculated values (JSON Logic ``calculateValue``) are recomputed by the server on every post
(``apply_calculated``).

Names of our own controls contain a dot (``plus.idempotency_key``), which a Form.io key
cannot, so they never collide with a component.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import get_locale
from werkzeug.datastructures import FileStorage, MultiDict

__all__ = [
    "ADD_ROW",
    "EDIT_ROW",
    "IDEMPOTENCY_KEY",
    "REMOVE_ROW",
    "SAVE_ROW",
    "FormState",
    "add_row",
    "apply_calculated",
    "edit_row",
    "initial_state",
    "read_state",
    "remove_row",
    "save_row",
    "to_formio_data",
]

IDEMPOTENCY_KEY = "plus.idempotency_key"
ADD_ROW = "plus.add_row"
REMOVE_ROW = "plus.remove_row"
EDIT_ROW = "plus.edit_row"
SAVE_ROW = "plus.save_row"
ROWS_PREFIX = "plus.rows."
OPEN_PREFIX = "plus.open."
GRIDS = frozenset({"datagrid", "editgrid"})
SUBMIT = "plus.submit"

# Rows of one datagrid read from a post, at most: above any sensible report, yet bounded.
MAX_GRID_ROWS = 2000

LAYOUT = frozenset({"panel", "fieldset", "columns", "well", "table"})
STATIC = frozenset({"content", "htmlelement"})
_NUMBER_RE = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
_LV_DATE_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_LV_DATETIME_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})[ T](\d{1,2}):(\d{2})$")
_LOCAL_DT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")


# --------------------------------------------------------------------------------------------
# The state of a form being filled: raw values as the user typed them


@dataclass
class FormState:
    """What the user entered, by component key; datagrids hold a list of row dicts.

    Raw values are what the browser sent: strings, lists of strings (multiple select,
    selectboxes), booleans (checkbox), ``{"day", "month", "year"}`` (day) and uploaded files.
    """

    values: dict[str, Any] = field(default_factory=dict)
    files: dict[str, list[FileStorage]] = field(default_factory=dict)
    #: editgrid key -> the index of its row being edited (the others are saved)
    open: dict[str, int] = field(default_factory=dict)
    #: id of the element to focus when the form comes back from adding or removing a row:
    #: without it a keyboard user would start again at the top of the page.
    focus: str = ""


def iter_components(components: Any) -> Iterator[dict[str, Any]]:
    """Components sharing one data scope: descends into layout, not into datagrids."""
    for comp in components if isinstance(components, list) else []:
        if not isinstance(comp, dict):
            continue
        ctype = comp.get("type")
        if ctype in LAYOUT:
            yield from _layout_children(comp)
        else:
            yield comp


def _layout_children(comp: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if comp.get("type") == "columns":
        for column in comp.get("columns") or []:
            if isinstance(column, dict):
                yield from iter_components(column.get("components"))
    elif comp.get("type") == "table":
        for row in comp.get("rows") or []:
            for cell in row if isinstance(row, list) else []:
                if isinstance(cell, dict):
                    yield from iter_components(cell.get("components"))
    else:
        yield from iter_components(comp.get("components"))


def _is_data(comp: dict[str, Any]) -> bool:
    return comp.get("type") not in STATIC | {"button"} and comp.get("type") not in LAYOUT


def _option_source(comp: dict[str, Any]) -> str | None:
    marker = comp.get("plus")
    return marker.get("options") if isinstance(marker, dict) else None


def _default_raw(comp: dict[str, Any]) -> Any:
    """The raw value of a component before the user touched it (its default value)."""
    ctype = comp.get("type")
    default = comp.get("defaultValue")
    if ctype == "checkbox":
        return default is True
    if ctype == "selectboxes":
        return [k for k, v in default.items() if v] if isinstance(default, dict) else []
    if ctype == "select" and comp.get("multiple"):
        return [str(v) for v in default] if isinstance(default, list) else []
    if ctype == "day":
        return _day_parts(default if isinstance(default, str) else "", comp)
    if ctype == "file":
        return []
    if ctype == "container":
        return {c["key"]: _default_raw(c) for c in iter_components(comp.get("components"))
                if _is_data(c)}
    if is_multiple_text(comp) or ctype == "tags":
        # One item a line (multiple values), or the tags as typed: text either way.
        items = default if isinstance(default, list) else ([] if default in (None, "") else
                                                            [default])
        return ("\n" if ctype != "tags" else ",").join(str(v) for v in items) if items else (
            default if isinstance(default, str) else "")
    if ctype == "datetime" and isinstance(default, str):
        return _datetime_input(default, bool(comp.get("enableTime", True)))
    if default is None or isinstance(default, (dict, list)):
        return ""
    if isinstance(default, bool):
        return "true" if default else "false"
    return str(default)


def is_multiple_text(comp: Mapping[str, Any]) -> bool:
    """A text field or number with ``multiple: true``: drawn as one item a line."""
    return comp.get("type") in ("textfield", "number") and bool(comp.get("multiple"))


def _empty_row(grid: dict[str, Any], like: Mapping[str, Any] | None = None) -> dict[str, Any]:
    row = {c["key"]: _default_raw(c) for c in iter_components(grid.get("components")) if _is_data(c)}
    if like:
        # A new row repeats the previous row's client, the usual case in an hours report.
        for c in iter_components(grid.get("components")):
            if _option_source(c) and c["key"] in like:
                row[c["key"]] = like[c["key"]]
    return row


def initial_state(schema: Mapping[str, Any], prefill: Mapping[str, str] | None = None) -> FormState:
    """The state of a fresh form: default values, one row per datagrid (unless ``initEmpty``).

    :param prefill: values for selects filled at render time, by option source (e.g. the
        client a partner came from); applied to such selects at the top level and in rows.
    """
    prefill = prefill or {}
    values: dict[str, Any] = {}
    for comp in iter_components(schema.get("components")):
        if not _is_data(comp):
            continue
        key = comp["key"]
        if comp.get("type") in GRIDS:
            # An editgrid starts without rows, as in the renderer; a datagrid with one.
            count = 0 if comp.get("initEmpty") or comp.get("type") == "editgrid" else 1
            minimum = to_int((comp.get("validate") or {}).get("minLength"))
            if comp.get("type") != "editgrid":  # an editgrid row is added, then saved
                count = max(count, min(minimum or 0, 50))
            rows = [_empty_row(comp) for _ in range(count)]
            for row in rows:
                _apply_prefill(comp.get("components"), row, prefill)
            values[key] = rows
        else:
            values[key] = _default_raw(comp)
    _apply_prefill(schema.get("components"), values, prefill)
    return FormState(values=values)


def _apply_prefill(components: Any, scope: dict[str, Any], prefill: Mapping[str, str]) -> None:
    for comp in iter_components(components):
        source = _option_source(comp)
        if source and source in prefill:
            scope[comp["key"]] = prefill[source]


def to_int(value: Any) -> int | None:
    """``value`` as a whole number, or None when it is not one."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def read_state(
    schema: Mapping[str, Any], form: MultiDict[str, str], files: MultiDict[str, FileStorage]
) -> FormState:
    """The raw values of a posted form (see the module docstring for the naming)."""
    state = FormState()
    for comp in iter_components(schema.get("components")):
        if not _is_data(comp):
            continue
        key = comp["key"]
        if comp.get("type") == "container":
            state.values[key] = {
                c["key"]: _read_one(c, f"{key}[{c['key']}]", form, files, state)
                for c in iter_components(comp.get("components")) if _is_data(c)
            }
        elif comp.get("type") in GRIDS:
            count = _row_count(form, key)
            if comp.get("type") == "editgrid":
                opened = to_int(form.get(OPEN_PREFIX + key))
                if opened is not None and 0 <= opened < count:
                    state.open[key] = opened
            children = [c for c in iter_components(comp.get("components")) if _is_data(c)]
            rows = []
            for index in range(count):
                prefix = f"{key}[{index}]"
                row = {}
                for child in children:
                    name = f"{prefix}[{child['key']}]"
                    row[child["key"]] = _read_one(child, name, form, files, state)
                rows.append(row)
            state.values[key] = rows
        else:
            state.values[key] = _read_one(comp, key, form, files, state)
    return state


def _row_count(form: MultiDict[str, str], grid: str) -> int:
    declared = to_int(form.get(ROWS_PREFIX + grid))
    if declared is None:
        # A client that did not send the count (not our page): the highest row index sent.
        pattern = re.compile(re.escape(grid) + r"\[(\d{1,5})\]\[")
        indexes = [int(m.group(1)) for name in form if (m := pattern.match(name))]
        declared = max(indexes) + 1 if indexes else 0
    return max(0, min(declared, MAX_GRID_ROWS))


def _read_one(
    comp: dict[str, Any],
    name: str,
    form: MultiDict[str, str],
    files: MultiDict[str, FileStorage],
    state: FormState,
) -> Any:
    ctype = comp.get("type")
    if ctype == "checkbox":
        return name in form
    if ctype == "selectboxes" or (ctype == "select" and comp.get("multiple")):
        return form.getlist(name)
    if ctype == "day":
        return {part: form.get(f"{name}[{part}]", "").strip() for part in ("day", "month", "year")}
    if ctype == "file":
        uploads = [f for f in files.getlist(name) if f and f.filename]
        if uploads:
            state.files[_path_of(name)] = uploads
        return []
    return form.get(name, "")


def _path_of(name: str) -> str:
    """``hours[3][date]`` -> ``hours[3].date`` (the paths validation reports errors on)."""
    m = re.match(r"^([^\[]+)\[(\d+)\]\[([^\]]+)\]$", name)
    return f"{m.group(1)}[{m.group(2)}].{m.group(3)}" if m else name


def add_row(schema: Mapping[str, Any], state: FormState, grid_key: str) -> bool:
    """Append an empty row to a datagrid or editgrid (an editgrid opens it for editing);
    False when there is no such grid."""
    grid = _find_grid(schema, grid_key)
    if grid is None:
        return False
    rows = state.values.setdefault(grid_key, [])
    if len(rows) < MAX_GRID_ROWS and not (grid.get("type") == "editgrid"
                                          and grid_key in state.open):
        rows.append(_empty_row(grid, rows[-1] if rows else None))
        if grid.get("type") == "editgrid":
            state.open[grid_key] = len(rows) - 1
    state.focus = _row_id(grid_key, len(rows) - 1) if rows else _grid_id(grid_key)
    return True


def edit_row(schema: Mapping[str, Any], state: FormState, spec: str) -> bool:
    """Open row ``n`` of an editgrid for editing (``"grid:n"``); False when there is none."""
    grid_key, _, index = spec.rpartition(":")
    grid = _find_grid(schema, grid_key)
    rows = state.values.get(grid_key)
    number = to_int(index)
    if grid is None or grid.get("type") != "editgrid" or not isinstance(rows, list):
        return False
    if number is None or not 0 <= number < len(rows):
        return False
    state.open[grid_key] = number
    state.focus = _row_id(grid_key, number)
    return True


def save_row(schema: Mapping[str, Any], state: FormState, spec: str,
             errors: Mapping[str, list[str]]) -> bool:
    """Close the open row of an editgrid unless ``errors`` (of the whole form) name a field of
    it, as the renderer keeps an invalid row open; False when there is no such row."""
    grid_key, _, index = spec.rpartition(":")
    grid = _find_grid(schema, grid_key)
    number = to_int(index)
    if grid is None or grid.get("type") != "editgrid" or state.open.get(grid_key) != number:
        return False
    prefix = f"{grid_key}[{number}]"
    if not any(path == prefix or path.startswith(prefix + ".") for path in errors):
        del state.open[grid_key]
    state.focus = _row_id(grid_key, number)
    return True


def remove_row(schema: Mapping[str, Any], state: FormState, spec: str) -> bool:
    """Remove row ``n`` of a datagrid, given as ``"grid:n"``; False when there is none."""
    grid_key, _, index = spec.rpartition(":")
    rows = state.values.get(grid_key)
    number = to_int(index)
    if _find_grid(schema, grid_key) is None or not isinstance(rows, list) or number is None:
        return False
    if 0 <= number < len(rows):
        del rows[number]
        opened = state.open.get(grid_key)
        if opened == number:
            del state.open[grid_key]
        elif opened is not None and opened > number:
            state.open[grid_key] = opened - 1
    # The row that took the removed one's place (or the last), else the grid itself.
    state.focus = _row_id(grid_key, min(number, len(rows) - 1)) if rows else _grid_id(grid_key)
    return True


def _grid_id(grid_key: str) -> str:
    return f"f-{grid_key}"  # as _Builder.node names a top-level component


def _row_id(grid_key: str, index: int) -> str:
    return f"{_grid_id(grid_key)}-{max(index, 0)}"  # as _Builder.datagrid names a row


def _find_grid(schema: Mapping[str, Any], key: str) -> dict[str, Any] | None:
    for comp in iter_components(schema.get("components")):
        if comp.get("type") in GRIDS and comp.get("key") == key:
            return comp
    return None


# --------------------------------------------------------------------------------------------
# Raw values -> Form.io data


def to_formio_data(schema: Mapping[str, Any], state: FormState, timezone: str) -> dict[str, Any]:
    """The submission data ``@formio/js`` would have sent for this state."""
    tz = ZoneInfo(timezone)
    data: dict[str, Any] = {}
    for comp in iter_components(schema.get("components")):
        if not _is_data(comp) or comp.get("hidden"):
            continue  # a hidden component keeps its default; validation supplies it
        key = comp["key"]
        raw = state.values.get(key)
        if comp.get("type") == "container":
            box = raw if isinstance(raw, dict) else {}
            data[key] = {
                c["key"]: _value(c, box.get(c["key"]), tz)
                for c in iter_components(comp.get("components"))
                if _is_data(c) and not c.get("hidden") and c.get("type") != "file"
            }
        elif comp.get("type") in GRIDS:
            children = [
                c
                for c in iter_components(comp.get("components"))
                if _is_data(c) and not c.get("hidden")
            ]
            data[key] = [
                {c["key"]: _value(c, row.get(c["key"]), tz) for c in children}
                for row in (raw if isinstance(raw, list) else [])
            ]
        elif comp.get("type") != "file":
            data[key] = _value(comp, raw, tz)
    return data


def _value(comp: dict[str, Any], raw: Any, tz: ZoneInfo) -> Any:
    ctype = comp.get("type")
    if ctype == "checkbox":
        return raw is True
    if ctype == "selectboxes":
        chosen = [str(v) for v in raw] if isinstance(raw, list) else []
        values = {
            str(o.get("value")): False for o in comp.get("values") or [] if isinstance(o, dict)
        }
        for value in chosen:
            values[value] = True  # an unknown value stays in, and validation refuses it
        return values
    if ctype == "select" and comp.get("multiple"):
        return [str(v) for v in raw] if isinstance(raw, list) else []
    if is_multiple_text(comp):
        lines = [line.strip() for line in (raw if isinstance(raw, str) else "").splitlines()]
        items = [line for line in lines if line]
        return [_number(v) for v in items] if ctype == "number" else items
    if ctype == "tags":
        text = (raw if isinstance(raw, str) else "").strip()
        delimiter = comp.get("delimeter") or ","
        tags = [t.strip() for t in text.split(delimiter) if t.strip()] if text else []
        return tags if comp.get("storeas") == "array" else delimiter.join(tags)
    if ctype in ("number", "currency"):
        return _number(raw if isinstance(raw, str) else "")
    if ctype == "day":
        return _day_value(raw if isinstance(raw, dict) else {}, bool(comp.get("dayFirst")))
    if ctype == "datetime":
        return _datetime_value(raw if isinstance(raw, str) else "", tz)
    text = raw if isinstance(raw, str) else ""
    if ctype == "textarea":
        text = text.replace("\r\n", "\n")
    return text


def apply_calculated(schema: Mapping[str, Any], state: FormState,
                     settled: Mapping[str, Any]) -> None:
    """Show the server's calculated values: put them into the state as the user would see
    them (``settled`` is ``formsengine.calculated_data`` of this state's data)."""

    def put(components: Any, scope: dict[str, Any], values: Mapping[str, Any]) -> None:
        for comp in iter_components(components):
            key = comp.get("key")
            if comp.get("calculateValue") and key in values:
                scope[key] = _raw_of(values[key])
            elif comp.get("type") == "container" and isinstance(values.get(key), dict):
                put(comp.get("components"), scope.setdefault(key, {}), values[key])
            elif comp.get("type") in GRIDS and isinstance(values.get(key), list):
                rows = scope.get(key) if isinstance(scope.get(key), list) else []
                for row, settled_row in zip(rows, values[key], strict=False):
                    if isinstance(row, dict) and isinstance(settled_row, dict):
                        put(comp.get("components"), row, settled_row)

    put(schema.get("components"), state.values, settled)


def _raw_of(value: Any) -> str:
    """A calculated value as the text of its field."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
    else:
        text = str(value)
    if isinstance(value, int | float) and str(get_locale()) == "lv":
        text = text.replace(".", ",")  # as Latvians write it (read back either way)
    return text


def _number(text: str) -> Any:
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if text == "":
        return ""
    if not _NUMBER_RE.match(text):
        return text  # refused by validation as "not a number", and shown back as typed
    text = text.replace(",", ".")
    if re.match(r"^[+-]?\d+$", text):
        return int(text)
    return float(text)


def _day_value(parts: Mapping[str, str], day_first: bool) -> str:
    day, month, year = (parts.get(p, "").strip() for p in ("day", "month", "year"))
    if not (day or month or year):
        return ""
    if not all(p.isdigit() or p == "" for p in (day, month, year)):
        return f"{day}/{month}/{year}"  # not digits: validation says "not a valid day"
    day, month, year = day.zfill(2) or "00", month.zfill(2) or "00", year.zfill(4) or "0000"
    return f"{day}/{month}/{year}" if day_first else f"{month}/{day}/{year}"


def _day_parts(value: str, comp: Mapping[str, Any]) -> dict[str, str]:
    m = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{1,4})$", value or "")
    if not m:
        return {"day": "", "month": "", "year": ""}
    first, second, year = m.groups()
    day, month = (first, second) if comp.get("dayFirst") else (second, first)
    clean = lambda s: "" if int(s) == 0 else str(int(s))  # noqa: E731
    return {"day": clean(day), "month": clean(month), "year": clean(year)}


def _datetime_value(text: str, tz: ZoneInfo) -> str:
    text = text.strip()
    if m := _LV_DATE_RE.match(text):
        day, month, year = m.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    if m := _LV_DATETIME_RE.match(text):
        day, month, year, hour, minute = m.groups()
        text = f"{year}-{int(month):02d}-{int(day):02d}T{int(hour):02d}:{minute}"
    if _LOCAL_DT_RE.match(text):
        try:
            local = dt.datetime.fromisoformat(text).replace(tzinfo=tz)
        except ValueError:
            return text
        return local.isoformat()
    return text


def date_bound(bound: Any) -> dt.date | None:
    """A datetime component's date bound: "moment()" is the service's today."""
    from portal.formsengine.schema import TODAY

    if bound == TODAY:
        from portal.services.casework.rules import today

        return today()
    if isinstance(bound, str):
        try:
            return dt.date.fromisoformat(bound)
        except ValueError:
            return None
    return None


def _datetime_input(value: str, enable_time: bool) -> str:
    """A stored or default ISO value as an ``<input type=date|datetime-local>`` value."""
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    return parsed.strftime("%Y-%m-%dT%H:%M") if enable_time else parsed.date().isoformat()


