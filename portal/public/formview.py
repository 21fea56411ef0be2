"""Form.io definitions as plain HTML forms that work without JavaScript, and back.

The portal renders a published form on the server: the translated definition
(``formsengine.translate`` + ``fill_options``) becomes a tree of :class:`Node` objects that the
templates (``portal/_formio.html``) draw as labelled HTML controls. A posted form is read back
into the value shape ``@formio/js`` submits, so the same validation gives the same verdict as
for the official renderer:

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
(``apply_calculated``) and drawn read-only.

Without JavaScript every component is shown; those a condition hides are ignored by the
validation (Form.io's rules, in ``formsengine``), and each carries a hint saying when it
applies. ``static/portal.js`` hides them as the user answers, when scripts run.

Names of our own controls contain a dot (``plus.idempotency_key``), which a Form.io key
cannot, so they never collide with a component.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage, MultiDict

__all__ = [
    "ADD_ROW",
    "EDIT_ROW",
    "IDEMPOTENCY_KEY",
    "REMOVE_ROW",
    "SAVE_ROW",
    "FormState",
    "Node",
    "apply_calculated",
    "build_view",
    "initial_state",
    "read_state",
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


def _components(components: Any) -> Iterator[dict[str, Any]]:
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
                yield from _components(column.get("components"))
    elif comp.get("type") == "table":
        for row in comp.get("rows") or []:
            for cell in row if isinstance(row, list) else []:
                if isinstance(cell, dict):
                    yield from _components(cell.get("components"))
    else:
        yield from _components(comp.get("components"))


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
        return {c["key"]: _default_raw(c) for c in _components(comp.get("components"))
                if _is_data(c)}
    if _multiple_text(comp) or ctype == "tags":
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


def _multiple_text(comp: Mapping[str, Any]) -> bool:
    """A text field or number with ``multiple: true``: drawn as one item a line."""
    return comp.get("type") in ("textfield", "number") and bool(comp.get("multiple"))


def _empty_row(grid: dict[str, Any], like: Mapping[str, Any] | None = None) -> dict[str, Any]:
    row = {c["key"]: _default_raw(c) for c in _components(grid.get("components")) if _is_data(c)}
    if like:
        # A new row repeats the previous row's client, the usual case in an hours report.
        for c in _components(grid.get("components")):
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
    for comp in _components(schema.get("components")):
        if not _is_data(comp):
            continue
        key = comp["key"]
        if comp.get("type") in GRIDS:
            # An editgrid starts without rows, as in the renderer; a datagrid with one.
            count = 0 if comp.get("initEmpty") or comp.get("type") == "editgrid" else 1
            minimum = _int((comp.get("validate") or {}).get("minLength"))
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
    for comp in _components(components):
        source = _option_source(comp)
        if source and source in prefill:
            scope[comp["key"]] = prefill[source]


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def read_state(
    schema: Mapping[str, Any], form: MultiDict[str, str], files: MultiDict[str, FileStorage]
) -> FormState:
    """The raw values of a posted form (see the module docstring for the naming)."""
    state = FormState()
    for comp in _components(schema.get("components")):
        if not _is_data(comp):
            continue
        key = comp["key"]
        if comp.get("type") == "container":
            state.values[key] = {
                c["key"]: _read_one(c, f"{key}[{c['key']}]", form, files, state)
                for c in _components(comp.get("components")) if _is_data(c)
            }
        elif comp.get("type") in GRIDS:
            count = _row_count(form, key)
            if comp.get("type") == "editgrid":
                opened = _int(form.get(OPEN_PREFIX + key))
                if opened is not None and 0 <= opened < count:
                    state.open[key] = opened
            children = [c for c in _components(comp.get("components")) if _is_data(c)]
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
    declared = _int(form.get(ROWS_PREFIX + grid))
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
    number = _int(index)
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
    number = _int(index)
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
    number = _int(index)
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
    for comp in _components(schema.get("components")):
        if comp.get("type") in GRIDS and comp.get("key") == key:
            return comp
    return None


# --------------------------------------------------------------------------------------------
# Raw values -> Form.io data


def to_formio_data(schema: Mapping[str, Any], state: FormState, timezone: str) -> dict[str, Any]:
    """The submission data ``@formio/js`` would have sent for this state."""
    tz = ZoneInfo(timezone)
    data: dict[str, Any] = {}
    for comp in _components(schema.get("components")):
        if not _is_data(comp) or comp.get("hidden"):
            continue  # a hidden component keeps its default; validation supplies it
        key = comp["key"]
        raw = state.values.get(key)
        if comp.get("type") == "container":
            box = raw if isinstance(raw, dict) else {}
            data[key] = {
                c["key"]: _value(c, box.get(c["key"]), tz)
                for c in _components(comp.get("components"))
                if _is_data(c) and not c.get("hidden") and c.get("type") != "file"
            }
        elif comp.get("type") in GRIDS:
            children = [
                c
                for c in _components(comp.get("components"))
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
    if _multiple_text(comp):
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
        for comp in _components(components):
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


def _date_bound(bound: Any) -> dt.date | None:
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


# --------------------------------------------------------------------------------------------
# The view: nodes the templates draw


@dataclass
class Node:
    """One component as the template draws it (see ``portal/_formio.html``)."""

    type: str
    key: str
    id: str = ""
    name: str = ""
    label: str = ""
    description: str = ""
    placeholder: str = ""
    required: bool = False
    value: Any = None
    errors: list[str] = field(default_factory=list)
    options: list[tuple[str, str]] = field(default_factory=list)
    multiple: bool = False
    children: list[Node] = field(default_factory=list)
    columns: list[tuple[int, list[Node]]] = field(default_factory=list)
    rows: list[list[Node]] = field(default_factory=list)
    row_labels: list[str] = field(default_factory=list)
    html: str = ""
    condition: str = ""  # JSON for portal.js
    hint: str = ""  # when a conditional component applies, in words
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def described_by(self) -> str:
        """Ids for ``aria-describedby``: the description, the hint and the errors."""
        ids = []
        if self.description:
            ids.append(self.id + "-desc")
        if self.hint:
            ids.append(self.id + "-hint")
        if self.settings.get("limits"):
            ids.append(self.id + "-limits")
        if self.errors:
            ids.append(self.id + "-error")
        return " ".join(ids)


@dataclass
class FormView:
    """A form ready to draw: its nodes, error summary, submit label and hidden fields."""

    nodes: list[Node]
    summary: list[tuple[str | None, str]]
    submit_label: str
    grids: dict[str, int]


def build_view(
    schema: Mapping[str, Any],
    state: FormState,
    errors: Mapping[str, list[str]] | None = None,
) -> FormView:
    """Turn a translated definition, the user's values and the errors into drawable nodes.

    ``errors`` are keyed by validation paths (``key``, ``grid[3].column``, ``_form``); each is
    shown beside its field and, in document order, in the summary at the top with a link to
    the field. Paths without a field (``_form``) are listed in the summary without a link.
    """
    builder = _Builder(schema, errors or {})
    builder.open = dict(state.open)
    # With errors the summary takes the focus; else a row just added or removed does.
    builder.focus = "" if errors else state.focus
    nodes = builder.nodes(schema.get("components"), state.values, None, None)
    summary = builder.summary_items()
    label = builder.submit_label or _("Submit")
    return FormView(nodes=nodes, summary=summary, submit_label=label, grids=builder.grids)


class _Builder:
    def __init__(self, schema: Mapping[str, Any], errors: Mapping[str, list[str]]) -> None:
        self.errors = {k: list(v) for k, v in errors.items()}
        self.used: set[str] = set()
        self.ordered: list[tuple[str | None, str]] = []
        self.submit_label = ""
        self.grids: dict[str, int] = {}
        self.focus = ""
        self.top = {c.get("key"): c for c in _components(schema.get("components"))}
        self.open: dict[str, int] = {}
        self.prefix: str | None = None  # the container whose children are being drawn

    def summary_items(self) -> list[tuple[str | None, str]]:
        rest = [
            (None, message)
            for path, messages in self.errors.items()
            if path not in self.used
            for message in messages
        ]
        return rest + self.ordered

    def take_errors(self, path: str, anchor: str, row: int | None = None) -> list[str]:
        messages = self.errors.get(path, [])
        if messages:
            self.used.add(path)
            for message in messages:
                text = message if row is None else _("Row %(n)s: %(message)s", n=row + 1,
                                                     message=message)
                self.ordered.append((anchor, text))
        return messages

    def nodes(
        self,
        components: Any,
        scope: Mapping[str, Any],
        grid: dict[str, Any] | None,
        row: int | None,
    ) -> list[Node]:
        out: list[Node] = []
        for comp in components if isinstance(components, list) else []:
            if not isinstance(comp, dict) or comp.get("hidden"):
                continue
            node = self.node(comp, scope, grid, row)
            if node is not None:
                out.append(node)
        return out

    def node(
        self,
        comp: dict[str, Any],
        scope: Mapping[str, Any],
        grid: dict[str, Any] | None,
        row: int | None,
    ) -> Node | None:
        ctype = str(comp.get("type"))
        key = str(comp.get("key"))
        if grid is not None:
            ident = f"f-{grid['key']}-{row}-{key}"
            name = f"{grid['key']}[{row}][{key}]"
            path = f"{grid['key']}[{row}].{key}"
        elif self.prefix is not None:
            ident, name, path = f"f-{self.prefix}-{key}", f"{self.prefix}[{key}]", \
                f"{self.prefix}.{key}"
        else:
            ident, name, path = f"f-{key}", key, key
        node = Node(type=ctype, key=key, id=ident, name=name)
        node.label = _text(comp.get("label"))
        node.description = _text(comp.get("description"))
        node.placeholder = _text(comp.get("placeholder"))
        self.conditional(node, comp, grid)
        if ctype == "button":
            if not self.submit_label:
                self.submit_label = node.label
            return None
        if ctype in ("content", "htmlelement"):
            # Already sanitised by formsengine.translate; the template marks it safe.
            node.html = _text(comp.get("html") if ctype == "content" else comp.get("content"))
            return node
        if ctype in ("panel", "fieldset", "well"):
            node.label = _text(comp.get("title")) or _text(comp.get("legend")) or node.label
            node.type = "fieldset" if ctype != "well" else "well"
            node.children = self.nodes(comp.get("components"), scope, grid, row)
            return node
        if ctype == "columns":
            for column in comp.get("columns") or []:
                if isinstance(column, dict):
                    width = _int(column.get("width")) or 6
                    node.columns.append(
                        (width, self.nodes(column.get("components"), scope, grid, row))
                    )
            return node
        if ctype in GRIDS:
            return self.datagrid(node, comp, scope, path)
        if ctype == "container":
            node.label = _text(comp.get("label"))
            node.errors = self.take_errors(path, ident, row)
            box = scope.get(key) if isinstance(scope.get(key), dict) else {}
            outer, self.prefix = self.prefix, key
            node.children = self.nodes(comp.get("components"), box, None, None)
            self.prefix = outer
            return node
        validate = comp.get("validate") if isinstance(comp.get("validate"), dict) else {}
        node.required = bool(validate.get("required"))
        node.value = scope.get(key)
        node.errors = self.take_errors(path, ident, row)
        node.settings["calculated"] = bool(comp.get("calculateValue"))
        node.settings["limits"] = _limits(comp, validate)
        if _multiple_text(comp):
            node.type = "multiple"
            node.settings["rows"] = 3
        if ctype in ("select", "radio", "selectboxes"):
            items = _option_items(comp)
            node.options = [
                (str(o.get("value")), _text(o.get("label")) or str(o.get("value")))
                for o in items or []
                if isinstance(o, dict)
            ]
            node.multiple = bool(comp.get("multiple")) or ctype == "selectboxes"
            node.settings["inline"] = bool(comp.get("inline"))
        elif ctype == "textarea":
            node.settings["rows"] = max(2, min(_int(comp.get("rows")) or 3, 20))
        elif ctype in ("number", "currency"):
            node.type = "number"
            node.settings["prefix"] = _text(comp.get("prefix")) or (
                "€" if ctype == "currency" else "")
            node.settings["suffix"] = _text(comp.get("suffix"))
        elif ctype == "datetime":
            node.settings["enable_time"] = comp.get("enableTime", True) is not False
            # The browser's date picker keeps the form's bounds, as the server does.
            picker = comp.get("datePicker") if isinstance(comp.get("datePicker"), dict) else {}
            for name, attr in (("minDate", "min"), ("maxDate", "max")):
                bound = _date_bound(picker.get(name))
                if bound is not None:
                    node.settings[attr] = bound.isoformat() + (
                        "T23:59" if node.settings["enable_time"] and attr == "max" else "")
        elif ctype == "day":
            order = ("day", "month", "year") if comp.get("dayFirst") else ("month", "day", "year")
            node.settings["order"] = order
        elif ctype == "file":
            node.multiple = bool(comp.get("multiple"))
            pattern = comp.get("filePattern")
            node.settings["accept"] = pattern if isinstance(pattern, str) and pattern != "*" else ""
        if ctype in ("textfield", "textarea", "email", "phoneNumber"):
            max_length = _int(validate.get("maxLength"))
            if max_length:
                node.settings["maxlength"] = max_length
        return node

    def datagrid(
        self, node: Node, comp: dict[str, Any], scope: Mapping[str, Any], path: str
    ) -> Node:
        validate = comp.get("validate") if isinstance(comp.get("validate"), dict) else {}
        node.required = bool(validate.get("required"))
        node.errors = self.take_errors(path, node.id)
        rows = scope.get(node.key)
        rows = rows if isinstance(rows, list) else []
        self.grids[node.key] = len(rows)
        node.settings["add_label"] = _text(comp.get("addAnother")) or _("Add another")
        node.settings["max_rows"] = _int(validate.get("maxLength"))
        node.settings["min_rows"] = _int(validate.get("minLength")) or 0
        node.settings["focus"] = self.focus
        node.settings["limits"] = _limits(comp, validate)
        editgrid = comp.get("type") == "editgrid"
        opened = self.open.get(node.key) if editgrid else None
        node.settings["open"] = opened
        node.settings["saved"] = {}
        for index, values in enumerate(rows):
            # Row-level errors (a row that is not an object) are listed in the summary only.
            self.take_errors(f"{path}[{index}]", f"{node.id}-{index}", index)
            cells = self.nodes(comp.get("components"), values, comp, index)
            node.rows.append(cells)
            if editgrid and index != opened:
                node.settings["saved"][index] = _saved_row(cells)
        return node

    def conditional(self, node: Node, comp: dict[str, Any], grid: dict[str, Any] | None) -> None:
        cond = comp.get("conditional")
        if not isinstance(cond, dict):
            return
        if cond.get("json"):
            # JSON Logic: the server decides on each post; the user is told it may not apply.
            node.hint = _("Answer only if it applies to you.")
            return
        if cond.get("when"):
            spec = {"show": cond.get("show"), "when": cond.get("when"), "eq": cond.get("eq")}
            clauses = [(str(cond["when"]), "isEqual", cond.get("eq"))]
            show = str(cond.get("show")).lower() == "true"
        elif cond.get("conjunction") and isinstance(cond.get("conditions"), list):
            spec = {
                "show": cond.get("show"),
                "conjunction": cond.get("conjunction"),
                "conditions": [
                    {k: c.get(k) for k in ("component", "operator", "value")}
                    for c in cond["conditions"]
                    if isinstance(c, dict) and c.get("component")
                ],
            }
            clauses = [
                (str(c["component"]), str(c.get("operator")), c.get("value"))
                for c in spec["conditions"]
            ]
            show = cond.get("show") in (True, "true")
        else:
            return
        if not clauses:
            return
        if grid is not None:
            spec["grid"] = grid["key"]
        node.condition = json.dumps(spec, ensure_ascii=False)
        node.hint = self.hint(clauses, show, grid)

    def hint(self, clauses: list[tuple[str, str, Any]], show: bool, grid: Any) -> str:
        if not show or len(clauses) != 1 or clauses[0][1] != "isEqual":
            return _("Answer only if it applies to you.")
        ref_key, _op, value = clauses[0]
        ref_key = ref_key.rsplit(".", 1)[-1]
        ref = None
        if grid is not None:
            siblings = _components(grid.get("components"))
            ref = next((c for c in siblings if c.get("key") == ref_key), None)
        ref = ref or self.top.get(ref_key)
        if not isinstance(ref, dict):
            return _("Answer only if it applies to you.")
        label = _text(ref.get("label")) or ref_key
        if ref.get("type") == "checkbox":
            if str(value).lower() == "true":
                return _("Answer only if “%(field)s” is ticked.", field=label)
            return _("Answer only if “%(field)s” is not ticked.", field=label)
        items = _option_items(ref)
        text = next(
            (
                _text(o.get("label"))
                for o in items or []
                if isinstance(o, dict) and str(o.get("value")) == str(value)
            ),
            str(value),
        )
        if ref.get("type") == "selectboxes":
            return _("Answer only if you chose “%(value)s” in “%(field)s”.",
                     value=text, field=label)
        return _("Answer only if the answer to “%(field)s” is “%(value)s”.",
                 field=label, value=text)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _limits(comp: Mapping[str, Any], validate: Mapping[str, Any]) -> list[str]:
    """The limits the server enforces, said before submit (including where it is stricter
    than the renderer: decimals, rows, tags, items; see formdefs/README.md)."""
    ctype = comp.get("type")
    out: list[str] = []
    if _multiple_text(comp):
        out.append(_("One value a line."))
    if ctype == "tags":
        out.append(_("Separate the values with “%(delimiter)s”.",
                     delimiter=comp.get("delimeter") or ","))
        if _int(comp.get("maxTags")):
            out.append(_("At most %(n)s values.", n=_int(comp.get("maxTags"))))
    if ctype in ("number", "currency"):
        places = _int(comp.get("decimalLimit"))
        if places is None and ctype == "currency":
            places = 2
        if places == 0:
            out.append(_("A whole number."))
        elif places is not None:
            out.append(_("At most %(n)s digits after the decimal comma.", n=places))
    if ctype in ("textfield", "textarea") and _int(validate.get("minWords")):
        out.append(_("At least %(n)s words.", n=_int(validate.get("minWords"))))
    if ctype in ("textfield", "textarea") and _int(validate.get("maxWords")):
        out.append(_("At most %(n)s words.", n=_int(validate.get("maxWords"))))
    if ctype == "selectboxes":
        low, high = _int(validate.get("minSelectedCount")), _int(validate.get("maxSelectedCount"))
        if low:
            out.append(_("Choose at least %(n)s.", n=low))
        if high:
            out.append(_("Choose at most %(n)s.", n=high))
    if ctype in GRIDS:
        low, high = _int(validate.get("minLength")), _int(validate.get("maxLength"))
        if low:
            out.append(_("At least %(n)s rows.", n=low))
        if high:
            out.append(_("At most %(n)s rows.", n=high))
    if comp.get("unique"):
        out.append(_("Must differ from the answers already submitted."))
    if comp.get("calculateValue"):
        out.append(_("Calculated from your other answers when you save or submit."))
    return out


def _saved_row(cells: list[Node]) -> list[tuple[str, str]]:
    """A saved editgrid row as (label, value as text) pairs for its summary."""
    out: list[tuple[str, str]] = []
    for cell in cells:
        value = cell.value
        if cell.options and not isinstance(value, dict):
            labels = dict(cell.options)
            chosen = value if isinstance(value, list) else [value]
            text = ", ".join(labels.get(str(v), str(v)) for v in chosen if v not in (None, ""))
        elif isinstance(value, dict):
            text = ".".join(str(value.get(p, "")) for p in ("day", "month", "year")
                            if value.get(p))
        elif value is True:
            text = _("Yes")
        elif value in (None, False):
            text = ""
        else:
            text = str(value)
        out.append((cell.label, text))
    return out


def _option_items(comp: Mapping[str, Any]) -> Any:
    """The ``{label, value}`` options of a select (``data.values``), radio or selectboxes."""
    if comp.get("type") == "select":
        return (comp.get("data") or {}).get("values")
    return comp.get("values")
