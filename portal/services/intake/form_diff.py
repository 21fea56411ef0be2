"""Comparing two versions of a form: components added, removed and changed, form settings,
and the translated texts, for the FormAdmin's version difference screen."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from portal.models import FormVersion

__all__ = ["diff", "translation_changes"]


_VALIDATE_NOISE = {"customPrivate", "strictDateValidation", "multiple", "step"}


def _children(comp: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for sub in comp.get("components") or []:
        if isinstance(sub, dict):
            yield sub
    for col in comp.get("columns") or []:
        if isinstance(col, dict):
            for sub in col.get("components") or []:
                if isinstance(sub, dict):
                    yield sub


def _components(schema: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Component path -> what a reader compares; datagrid columns are ``grid.column``."""
    found: dict[str, dict[str, Any]] = {}

    def walk(comps: Iterable[Mapping[str, Any]], grid: str | None) -> None:
        for comp in comps:
            key = comp.get("key")
            if not isinstance(key, str):
                continue
            path = f"{grid}.{key}" if grid else key
            found[path] = _aspects(comp)
            walk(_children(comp), path if comp.get("type") == "datagrid" else grid)

    walk((c for c in schema.get("components") or [] if isinstance(c, dict)), None)
    return found


def _aspects(comp: Mapping[str, Any]) -> dict[str, Any]:
    validate = comp.get("validate") if isinstance(comp.get("validate"), dict) else {}
    rules = {
        k: v
        for k, v in sorted(validate.items())
        if k not in _VALIDATE_NOISE and v not in (None, "", False)
    }
    conditional = comp.get("conditional") if isinstance(comp.get("conditional"), dict) else {}
    condition = {k: v for k, v in sorted(conditional.items()) if v not in (None, "", [])}
    if condition.get("show") in (None, "") and not condition.get("when"):
        condition = {}
    raw_options = comp.get("values")
    if comp.get("type") == "select":
        data = comp.get("data") if isinstance(comp.get("data"), dict) else {}
        raw_options = data.get("values")
    options = [
        f"{o.get('value')} = {o.get('label')}" for o in raw_options or [] if isinstance(o, dict)
    ]
    label = comp.get("label") or comp.get("title") or comp.get("legend") or ""
    return {
        "label": str(label),
        "type": str(comp.get("type", "")),
        "validation": rules,
        "conditional": condition,
        "options": options,
    }


def diff(v1: FormVersion, v2: FormVersion) -> dict[str, Any]:
    """What changed from ``v1`` to ``v2``, component by component (keyed by component path).

    Returns ``{"added": [...], "removed": [...], "changed": [...], "form": [...]}``: added and
    removed are ``{"key", "label", "type"}``; changed is ``{"key", "label", "changes":
    [{"aspect", "before", "after"}]}`` with aspect one of label, type, validation,
    conditional, options; ``form`` lists form-level aspects that changed (title, audience,
    intake); ``translations`` is :func:`translation_changes` of the two ``i18n`` blocks.
    """
    old, new = _components(v1.schema), _components(v2.schema)
    added = [
        {"key": k, "label": new[k]["label"], "type": new[k]["type"]} for k in new if k not in old
    ]
    removed = [
        {"key": k, "label": old[k]["label"], "type": old[k]["type"]} for k in old if k not in new
    ]
    changed = []
    for key in new:
        if key not in old:
            continue
        changes = [
            {"aspect": aspect, "before": old[key][aspect], "after": new[key][aspect]}
            for aspect in ("label", "type", "validation", "conditional", "options")
            if old[key][aspect] != new[key][aspect]
        ]
        if changes:
            changed.append({"key": key, "label": new[key]["label"], "changes": changes})
    form = []
    old_plus = v1.schema.get("plus") if isinstance(v1.schema.get("plus"), dict) else {}
    new_plus = v2.schema.get("plus") if isinstance(v2.schema.get("plus"), dict) else {}
    for aspect in ("title", "audience", "intake"):
        if old_plus.get(aspect) != new_plus.get(aspect):
            form.append(
                {"aspect": aspect, "before": old_plus.get(aspect), "after": new_plus.get(aspect)}
            )
    translations = translation_changes(v1.schema.get("i18n"), v2.schema.get("i18n"))
    return {"added": added, "removed": removed, "changed": changed, "form": form,
            "translations": translations}


def _table(i18n: Any, language: str) -> dict[str, str]:
    table = i18n.get(language) if isinstance(i18n, dict) else None
    if not isinstance(table, dict):
        return {}
    return {str(k): v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
            for k, v in table.items()}


def translation_changes(old: Any, new: Any) -> list[dict[str, Any]]:
    """Which texts of the schemas' ``i18n`` blocks changed, language by language.

    Each block maps a Latvian source text to its translation. Returns one entry per language
    that changed, in order of language code: ``{"language", "added": [{"source", "after"}],
    "removed": [{"source", "before"}], "changed": [{"source", "before", "after"}]}``, each
    list in the order of the newer block (the older one for removed texts).
    """
    languages = sorted(
        {k for block in (old, new) if isinstance(block, dict) for k in block if isinstance(k, str)}
    )
    result = []
    for language in languages:
        before, after = _table(old, language), _table(new, language)
        added = [{"source": s, "after": t} for s, t in after.items() if s not in before]
        removed = [{"source": s, "before": t} for s, t in before.items() if s not in after]
        changed = [
            {"source": s, "before": before[s], "after": t}
            for s, t in after.items() if s in before and before[s] != t
        ]
        if added or removed or changed:
            result.append(
                {"language": language, "added": added, "removed": removed, "changed": changed}
            )
    return result
