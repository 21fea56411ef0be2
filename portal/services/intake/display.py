"""Showing a submission's answers as people read them (labels and options translated)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import formsengine as fe
from portal.formsengine.i18n import lookup
from portal.models import Audience, Case, Client, Submission, WorkAssignment
from portal.services.intake.portal import linked_values

__all__ = ["DisplayItem", "describe"]


@dataclass
class DisplayItem:
    """One answer of a submission as people read it: a label and text, or a table."""

    label: str
    value: str | None = None
    columns: list[str] = dataclasses.field(default_factory=list)
    rows: list[list[str]] = dataclasses.field(default_factory=list)


def describe(session: Session, submission: Submission, locale: str) -> list[DisplayItem]:
    """The submission's answers in the version's order, labels and options in ``locale``.

    Values are plain text (never HTML): templates escape them like any other text.
    """
    from portal.services.intake import forms

    defn = forms.parsed(submission.version)
    locale = fe.normalize_locale(locale)
    names = _linked_names(session, submission)
    items: list[DisplayItem] = []
    for comp in _data_fields(defn.fields):
        if comp.key not in submission.data:
            continue
        value = submission.data[comp.key]
        label = lookup(defn, comp.label or comp.key, locale)
        if comp.kind == "grid":
            cols = list(_data_fields(comp.children))
            items.append(DisplayItem(
                label=label,
                columns=[lookup(defn, c.label or c.key, locale) for c in cols],
                rows=[
                    [_text(defn, c, row.get(c.key), locale, names) for c in cols]
                    for row in (value or []) if isinstance(row, dict)
                ],
            ))
        else:
            items.append(DisplayItem(label=label, value=_text(defn, comp, value, locale, names)))
    return items


def _data_fields(fields: Iterable[fe.Field]) -> Iterable[fe.Field]:
    for comp in fields:
        if comp.kind == "layout":
            yield from _data_fields(comp.children)
        elif comp.is_data:
            yield comp


def _text(
    defn: fe.FormDefinition, comp: fe.Field, value: Any, locale: str, names: Mapping[str, str]
) -> str:
    with force_locale(locale):
        if value is None or value == "" or value == []:
            return "—"
        if comp.option_source is not None:
            values = value if isinstance(value, list) else [value]
            return ", ".join(names.get(str(v), str(v)) for v in values)
        if comp.options:
            labels = {o.value: lookup(defn, o.label, locale) for o in comp.options}
            if isinstance(value, dict):
                return ", ".join(labels.get(k, k) for k, on in value.items() if on) or "—"
            values = value if isinstance(value, list) else [value]
            return ", ".join(labels.get(str(v), str(v)) for v in values)
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if comp.type == "file" and isinstance(value, list):
            return ", ".join(str(f.get("originalName") or f.get("name")) for f in value
                             if isinstance(f, dict))
        if comp.type in ("datetime", "day") and isinstance(value, str):
            return _date_text(value)
        if comp.kind == "container" and isinstance(value, dict):
            # A container's answers are its children's: each formatted as its own field.
            parts = [_text(defn, child, value.get(child.key), locale, names)
                     for child in _data_fields(comp.children) if child.key in value]
            return " ".join(p for p in parts if p != "—") or "—"
        return _plain(value)


def _plain(value: Any) -> str:
    """A value with no component to format it: lists joined, never a Python literal."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(_plain(v) for v in value.values())
    return str(value)


def _date_text(value: str) -> str:
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value).strftime("%d.%m.%Y")
        from portal.formatting import localtime

        return localtime(dt.datetime.fromisoformat(value))
    except ValueError:
        return value


def _linked_names(session: Session, submission: Submission) -> dict[str, str]:
    """Option value -> "Name (case number)" for the linked-client selects of a submission."""
    from portal.services.intake import forms

    defn = forms.parsed(submission.version)
    values = [v for v in linked_values(defn, submission.data) if v.isdigit()]
    if not values:
        return {}
    ids = [int(v) for v in values]
    names: dict[str, str] = {}
    if submission.audience is Audience.EMPLOYER:
        rows = session.execute(
            select(WorkAssignment.id, Client, Case.number)
            .join(Case, Case.id == WorkAssignment.case_id)
            .join(Client, Client.id == Case.client_id)
            .where(WorkAssignment.id.in_(ids))
        ).all()
    else:
        rows = session.execute(
            select(Case.id, Client, Case.number)
            .join(Client, Client.id == Case.client_id)
            .where(Case.id.in_(ids))
        ).all()
    for row_id, client, number in rows:
        names[str(row_id)] = f"{client.full_name} ({number})"
    return names

