"""A case's change history in words, for the case page.

The change history (``portal.services.audit``) stores what changed as it is in the database:
model names, column names, ISO dates, enum codes, foreign keys and source codes. This module
turns one page of it into what an officer reads: the Latvian names of record types and
fields, values formatted as the screens show them (dates ``dd.mm.yyyy``, enums by their label,
linked records by name, yes/no), and who and where from in words ("portāls", "ekrāns",
"iesniegums Nr. 13", the connector's system). It never shows ``None``, a code or a dict.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
from dataclasses import dataclass, field
from typing import Any

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, DateTime, Numeric, func, inspect, select
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Session

from portal.formatting import localtime
from portal.labels import enum_label
from portal.models import ChangeLog
from portal.models.base import Model
from portal.record_labels import FIELD_LABELS, RECORD_TYPES, field_label, record_type_label
from portal.services import access

#: entries on one page of the case page's history
PAGE_SIZE = 20

ACTIONS: dict[str, object] = {
    "create": _l("Added"),
    "update": _l("Changed"),
    "delete": _l("Deleted"),
}

#: kept in the history, but nothing an officer reads: identifiers, storage and hashes
_HIDDEN = {
    "id", "storage_key", "sha256", "idempotency_key", "request_sha256", "data", "locale",
    "version_id", "submitted_by_id", "session_version", "password", "content_type",
    "size_bytes",
}

#: where a change came from, for the sources without a number
SOURCES: dict[str, object] = {
    "screen": _l("screen"),
    "api": _l("API"),
    "portal": _l("portal"),
    "seed": _l("demo data"),
    "generate": _l("document preparation"),
    "task": _l("background task"),
    "retention": _l("data retention"),
    "forms": _l("form administration"),
    "load-forms": _l("form administration"),
}

#: the systems behind the connectors, as the exchange screens name them
CONNECTORS: dict[str, object] = {
    "tis": _l("Courts (TIS)"),
    "tis_notices": _l("Courts (TIS)"),
    "prois": _l("Prosecution (ProIS)"),
    "prois_notices": _l("Prosecution (ProIS)"),
    "ievp": _l("Prison administration (IeVP)"),
    "ievp_notices": _l("Prison administration (IeVP)"),
    "em": _l("Electronic monitoring"),
    "viis": _l("Education register (VIIS)"),
    "vdeavk": _l("Disability register (IIS VDEAVK)"),
    "vid": _l("State Revenue Service (VID)"),
    "rd": _l("Riga City Council social services (RD)"),
}


@dataclass(frozen=True)
class Change:
    """One field of a history entry: its label and its values in words (old is empty for an
    added record)."""

    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    """One change of the case's records, in words."""

    at: dt.datetime
    who: str
    source: str
    action: str
    record: str
    changes: list[Change] = field(default_factory=list)


@dataclass(frozen=True)
class HistoryPage:
    """One page of a case's history, newest first."""

    entries: list[HistoryEntry]
    page: int
    total: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_more(self) -> bool:
        return (self.page + 1) * self.page_size < self.total


def _models() -> dict[str, type]:
    return {m.class_.__name__: m.class_ for m in Model.registry.mappers}


def source_label(source: str | None) -> str:
    """Where a change came from, in words: "portāls", "iesniegums Nr. 13", a system's name."""
    if not source:
        return str(_l("screen"))
    if source in SOURCES:
        return str(SOURCES[source])
    kind, _sep, ident = source.partition(":")
    if kind == "submission" and ident.isdigit():
        return str(_l("submission No. %(number)s", number=ident))
    if kind == "retention":
        return str(SOURCES["retention"])
    if kind in CONNECTORS:
        return str(CONNECTORS[kind])
    return str(_l("other"))


class _Formatter:
    """Formats the stored values of one page, looking each linked record up once."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.models = _models()
        self._names: dict[tuple[type, int], str] = {}
        self._tables: dict[str, type | None] = {}

    def prefetch(self, rows: list[ChangeLog]) -> None:
        """Name every record the rows mention with one query per record type.

        A page of history names each changed record and each linked one (a case, a meeting,
        an officer); looked up one by one that was most of the case page's queries.
        """
        wanted: dict[type, set[int]] = {}

        def want(target: type | None, raw: Any) -> None:
            try:
                pk = int(raw)
            except (TypeError, ValueError):
                return
            if target is not None and (target, pk) not in self._names:
                wanted.setdefault(target, set()).add(pk)

        for row in rows:
            model = self.models.get(row.entity)
            if model is None:
                continue
            if row.entity_id is not None and row.action != "delete":
                want(model, row.entity_id)
            for key, pair in (row.changes or {}).items():
                column = model.__table__.columns.get(key)
                if column is None or not column.foreign_keys \
                        or not isinstance(pair, (list, tuple)):
                    continue
                target = self._model_of_table(next(iter(column.foreign_keys)).column.table.name)
                for raw in pair:
                    want(target, raw)
        for target, pks in wanted.items():
            keys = inspect(target).primary_key
            if len(keys) != 1:
                continue
            for obj in self.session.scalars(select(target).where(keys[0].in_(sorted(pks)))):
                self._names[(target, int(getattr(obj, keys[0].key)))] = record_name(obj)

    def linked_name(self, target: type, pk: Any) -> str:
        try:
            key = (target, int(pk))
        except (TypeError, ValueError):
            return "—"
        if key not in self._names:
            obj = self.session.get(target, key[1])
            self._names[key] = record_name(obj) if obj is not None else str(
                _l("deleted record"))
        return self._names[key]

    def value(self, model: type | None, key: str, raw: Any) -> str:
        if raw is None or raw == "":
            return ""
        if raw == "***":
            return "***"
        column = None
        if model is not None:
            column = model.__table__.columns.get(key)
        if column is not None:
            for fk in column.foreign_keys:
                target = self._model_of_table(fk.column.table.name)
                if target is not None:
                    return self.linked_name(target, raw)
            kind = getattr(column.type, "impl", column.type)
            if isinstance(column.type, SAEnum) and column.type.enum_class is not None:
                try:
                    return str(enum_label(column.type.enum_class(raw)))
                except ValueError:
                    return str(raw)
            if isinstance(kind, Boolean) or isinstance(raw, bool):
                return str(_l("Yes") if raw else _l("No"))
            if isinstance(kind, DateTime):
                try:
                    return localtime(dt.datetime.fromisoformat(str(raw)))
                except ValueError:
                    return str(raw)
            if isinstance(kind, Date):
                try:
                    return dt.date.fromisoformat(str(raw)[:10]).strftime("%d.%m.%Y")
                except ValueError:
                    return str(raw)
            if isinstance(kind, Numeric):
                try:
                    return format_decimal(decimal.Decimal(str(raw)))
                except (decimal.InvalidOperation, ValueError):
                    return str(raw)
        if isinstance(raw, bool):
            return str(_l("Yes") if raw else _l("No"))
        if isinstance(raw, (dict, list)):
            return "…"  # a structured value (form data) is for its own screen
        return str(raw)

    def _model_of_table(self, table: str) -> type | None:
        if table not in self._tables:
            self._tables[table] = next(
                (model for model in self.models.values()
                 if getattr(model, "__tablename__", None) == table), None)
        return self._tables[table]


def record_name(obj: Any) -> str:
    """A record as the screens name it: a case by number, a meeting by its time, ..."""
    for attr in ("scheduled_at", "confirmed_at"):
        value = getattr(obj, attr, None)
        if isinstance(value, dt.datetime):
            return localtime(value)
    for attr in ("work_date", "event_date", "violation_date", "assessment_date", "plan_date",
                 "inspection_date", "start_date"):
        value = getattr(obj, attr, None)
        if isinstance(value, dt.date) and type(obj).__name__ not in ("Case", "WorkAssignment"):
            return value.strftime("%d.%m.%Y")
    if isinstance(obj, enum.Enum):
        return str(enum_label(obj))
    full_name = getattr(obj, "full_name", None)
    if isinstance(full_name, str):
        return full_name
    text = repr(obj)
    if text.startswith("<"):  # a model without a name of its own
        return str(RECORD_TYPES.get(type(obj).__name__, "—"))
    return text


def describe(session: Session, rows: list[ChangeLog], case_id: int | None = None,
             formatter: _Formatter | None = None) -> list[HistoryEntry]:
    """History rows in words. ``case_id``: the case whose page shows them (its own id is not
    repeated in each entry)."""
    fmt = formatter or _Formatter(session)
    fmt.prefetch(rows)
    entries: list[HistoryEntry] = []
    for row in rows:
        model = fmt.models.get(row.entity)
        type_label = str(RECORD_TYPES.get(row.entity, _l("Record")))
        record = type_label
        if model is not None and row.entity_id is not None and row.action != "delete":
            name = fmt.linked_name(model, row.entity_id)
            if name and name != type_label and name != str(_l("deleted record")):
                record = f"{type_label} {name}"
        changes: list[Change] = []
        for key, pair in (row.changes or {}).items():
            if key in _HIDDEN or key in ("created_at", "updated_at"):
                continue
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                continue
            old, new = pair
            if key == "case_id" and case_id is not None and row.action == "create" \
                    and new == case_id:
                continue  # the case page's own case
            old_text, new_text = fmt.value(model, key, old), fmt.value(model, key, new)
            if row.action == "delete":
                continue  # a deleted record is named; its former values are in the audit
            if not old_text and not new_text:
                continue
            changes.append(Change(field_label(row.entity, key), old_text, new_text))
        who = str(row.user) if row.user is not None else str(_l("the system"))
        entries.append(HistoryEntry(
            at=row.at, who=who, source=source_label(row.source),
            action=str(ACTIONS.get(row.action, _l("Changed"))), record=record,
            changes=changes,
        ))
    return entries


def changes_text(session: Session, row: ChangeLog) -> str:
    """One history row's changed fields in words, "Field: old → new" separated by "; "."""
    entries = describe(session, [row])
    parts = []
    for change in entries[0].changes if entries else []:
        parts.append(f"{change.label}: {change.old} → {change.new}" if change.old
                     else f"{change.label}: {change.new}")
    return "; ".join(parts) or "—"


def action_label(action: str) -> str:
    """A history action in words ("Pievienots", not "create")."""
    return str(ACTIONS.get(action, _l("Changed")))


def case_page(session: Session, case_id: int, actor: access.Actor, *, page: int = 0,
              page_size: int = PAGE_SIZE) -> HistoryPage:
    """One page of the history of a case's records, newest first, in words.

    Scoped like the change-history screen: what the actor may not see (a victim's data) is
    left out.
    """
    cond = (ChangeLog.case_id == case_id) & access.condition(ChangeLog, actor)
    total = session.execute(select(func.count()).select_from(ChangeLog).where(cond)).scalar_one()
    page = max(0, min(page, max(0, (total - 1) // page_size)))
    rows = list(session.scalars(
        select(ChangeLog).where(cond).order_by(ChangeLog.id.desc())
        .offset(page * page_size).limit(page_size)
    ))
    return HistoryPage(describe(session, rows, case_id), page, total, page_size)


__all__ = [
    "ACTIONS", "CONNECTORS", "Change", "FIELD_LABELS", "HistoryEntry", "HistoryPage",
    "PAGE_SIZE", "RECORD_TYPES", "SOURCES", "case_page", "describe", "field_label",
    "record_name", "record_type_label",
    "source_label",
]
