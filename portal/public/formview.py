"""Form.io definitions drawn as plain HTML forms that work without JavaScript.

The portal renders a published form on the server: the translated definition
(``formsengine.translate`` + ``fill_options``) and the :class:`~portal.public.formstate.FormState`
of what the user has typed become a tree of :class:`Node` objects that the templates
(``portal/_formio.html``) draw as labelled HTML controls. How a post is read back into the
data ``@formio/js`` would send is :mod:`portal.public.formstate`.

Calculated values are drawn read-only. Without JavaScript every component is shown; those a
condition hides are ignored by the validation (Form.io's rules, in ``formsengine``), and each
carries a hint saying when it applies. ``static/portal.js`` hides them as the user answers,
when scripts run.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from portal.public.formstate import (
    GRIDS,
    FormState,
    date_bound,
    is_multiple_text,
    iter_components,
    to_int,
)

__all__ = [
    "Node",
    "build_view",
]

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
        self.top = {c.get("key"): c for c in iter_components(schema.get("components"))}
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
                    width = to_int(column.get("width")) or 6
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
        if is_multiple_text(comp):
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
            node.settings["rows"] = max(2, min(to_int(comp.get("rows")) or 3, 20))
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
                bound = date_bound(picker.get(name))
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
            max_length = to_int(validate.get("maxLength"))
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
        node.settings["max_rows"] = to_int(validate.get("maxLength"))
        node.settings["min_rows"] = to_int(validate.get("minLength")) or 0
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
            siblings = iter_components(grid.get("components"))
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
    if is_multiple_text(comp):
        out.append(_("One value a line."))
    if ctype == "tags":
        out.append(_("Separate the values with “%(delimiter)s”.",
                     delimiter=comp.get("delimeter") or ","))
        if to_int(comp.get("maxTags")):
            out.append(_("At most %(n)s values.", n=to_int(comp.get("maxTags"))))
    if ctype in ("number", "currency"):
        places = to_int(comp.get("decimalLimit"))
        if places is None and ctype == "currency":
            places = 2
        if places == 0:
            out.append(_("A whole number."))
        elif places is not None:
            out.append(_("At most %(n)s digits after the decimal comma.", n=places))
    if ctype in ("textfield", "textarea") and to_int(validate.get("minWords")):
        out.append(_("At least %(n)s words.", n=to_int(validate.get("minWords"))))
    if ctype in ("textfield", "textarea") and to_int(validate.get("maxWords")):
        out.append(_("At most %(n)s words.", n=to_int(validate.get("maxWords"))))
    if ctype == "selectboxes":
        low, high = to_int(validate.get("minSelectedCount")), to_int(validate.get("maxSelectedCount"))
        if low:
            out.append(_("Choose at least %(n)s.", n=low))
        if high:
            out.append(_("Choose at most %(n)s.", n=high))
    if ctype in GRIDS:
        low, high = to_int(validate.get("minLength")), to_int(validate.get("maxLength"))
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
