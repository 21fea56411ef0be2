"""Checks of a form's ``plus.intake`` mapping (see ``schema.py``'s docstring for its format)
against the records and fields the register knows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal.formsengine.schema import (
    Field,
    FormDefinition,
    scope_fields,
)

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
    top = {f.key: f for f in scope_fields(defn.fields) if f.is_data}
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
            row = {f.key: f for f in scope_fields(grid.children) if f.is_data}
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
