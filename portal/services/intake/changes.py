"""The one intake core: proposed changes to the register, and applying them.

Everything from outside that reaches a case goes through here: a portal submission (its form's
``plus.intake`` mapping, :mod:`portal.services.intake.mapping`), an inbound decision, a registry
answer or a monitoring event (connectors, :mod:`portal.services.exchanges`). A source turns its
message into a list of :class:`ProposedChange`; the officer reviews the list beside the case
data (or a rule applies it without review, e.g. an exact duplicate changes nothing); then
:func:`apply_changes` writes it in the caller's transaction with the change history naming the
source (``submission:<id>``, ``<connector>:<message id>``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from portal import models
from portal.services import access, audit
from portal.services.errors import AccessDenied, ValidationFailed

__all__ = [
    "Problem",
    "ProposedChange",
    "Ref",
    "apply_changes",
    "check_required",
    "convert",
    "model_by_name",
    "propose_create",
    "propose_update",
]

#: Columns only a connector may set: the indicator "decisions received electronically" must
#: not be fakeable from a screen or a portal form.
CONNECTOR_ONLY: frozenset[tuple[str, str]] = frozenset({
    ("Decision", "received_electronically"),
    ("Decision", "source_system"),
})


#: Columns the apply step fills itself (a new case gets the next number of its year).
SYSTEM_FILLED: frozenset[tuple[str, str]] = frozenset({("Case", "number")})


@dataclass(frozen=True)
class Ref:
    """A value that names a record created earlier in the same list (``ProposedChange.ref``)."""

    name: str

    def __str__(self) -> str:
        labels = {"client": _l("the new client"), "decision": _l("the new decision"),
                  "case": _l("the new case")}
        return str(labels.get(self.name, self.name))


@dataclass
class ProposedChange:
    """One effect of accepting what came from outside.

    ``kind`` is ``"update"`` (a field of an existing record: ``record_id``, ``field``,
    ``current``, ``proposed``) or ``"create"`` (a new record with ``values``; ``ref`` names it
    so later creates can point at it with :class:`Ref`). ``case_id`` is the case the record
    belongs to, when it has one; ``problem`` says why it cannot be applied (then the whole
    list cannot be applied as it is).
    """

    kind: str
    entity: str
    field: str | None = None
    record_id: int | None = None
    current: Any = None
    proposed: Any = None
    values: dict[str, Any] = dataclasses.field(default_factory=dict)
    case_id: int | None = None
    problem: str | None = None
    #: readable text for id values (e.g. the client and work of an ``assignment_id``)
    labels: dict[str, str] = dataclasses.field(default_factory=dict)
    ref: str | None = None

    @property
    def changes_something(self) -> bool:
        return self.kind == "create" or self.current != self.proposed


class Problem(Exception):
    """Why a change cannot be proposed; its text goes into ``ProposedChange.problem``."""


def model_by_name(name: str) -> type | None:
    """The mapped class called ``name`` (``Client``, ``HoursLog`` ...), or None."""
    candidate = getattr(models, name, None)
    if isinstance(candidate, type) and issubclass(candidate, models.Model) and hasattr(
        candidate, "__table__"
    ):
        return candidate
    return None


def convert(model: type, column: str, value: Any) -> Any:
    """A JSON value as the Python value of ``model.column``."""
    if value is None:
        return None
    col = model.__table__.c[column]  # type: ignore[attr-defined]
    try:
        kind = col.type.python_type
    except NotImplementedError:
        return value
    try:
        if isinstance(kind, type) and issubclass(kind, enum.Enum):
            return kind(value)
        if kind is bool:
            if not isinstance(value, bool):
                raise ValueError(value)
            return value
        if kind is dt.datetime:
            parsed = dt.datetime.fromisoformat(str(value))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
        if kind is dt.date:
            return dt.date.fromisoformat(str(value)[:10])
        if kind is Decimal:
            return Decimal(str(value))
        if kind is int:
            if isinstance(value, bool):
                raise ValueError(value)
            number = Decimal(str(value))
            if number != number.to_integral_value():
                raise ValueError(value)
            return int(number)
        if kind is str:
            text = str(value)
            length = getattr(col.type, "length", None)
            if length and len(text) > length:
                raise Problem(_l("%(field)s is longer than the register allows (%(n)s).",
                                  field=column, n=length))
            return text
    except (ValueError, TypeError, InvalidOperation, ArithmeticError):
        raise Problem(_l("%(field)s: %(value)s is not a valid value.",
                          field=column, value=value)) from None
    return value


def check_required(model: type, values: Mapping[str, Any]) -> None:
    for col in model.__table__.columns:  # type: ignore[attr-defined]
        if col.primary_key or col.nullable or col.default is not None:
            continue
        if col.server_default is not None or col.key in ("created_at", "updated_at"):
            continue
        if (model.__name__, col.key) in SYSTEM_FILLED:
            continue
        if values.get(col.key) is None:
            raise Problem(_l("%(field)s is missing.", field=col.key))



def propose_update(record: Any, values: Mapping[str, Any]) -> list[ProposedChange]:
    """Updates of ``record``'s fields to ``values`` (JSON values, converted per column).

    Fields whose value would not change are proposed too (``changes_something`` is false), so
    a source can tell an exact duplicate from an amendment.
    """
    model = type(record)
    changes = []
    for column, raw in values.items():
        change = ProposedChange(kind="update", entity=model.__name__, field=column,
                                record_id=record.id, current=getattr(record, column))
        change.case_id = record.id if isinstance(record, models.Case) else getattr(
            record, "case_id", None)
        try:
            change.proposed = convert(model, column, raw)
        except Problem as exc:
            change.problem = str(exc.args[0])
        changes.append(change)
    return changes


def propose_create(
    model: type, values: Mapping[str, Any], *, ref: str | None = None
) -> ProposedChange:
    """A new ``model`` row with ``values`` (JSON values or :class:`Ref` s)."""
    change = ProposedChange(kind="create", entity=model.__name__, ref=ref)
    try:
        converted = {
            column: raw if isinstance(raw, Ref) else convert(model, column, raw)
            for column, raw in values.items()
        }
        change.values = converted
        if isinstance(converted.get("case_id"), int):
            change.case_id = converted["case_id"]
        check_required(model, {k: (0 if isinstance(v, Ref) else v) for k, v in converted.items()})
    except Problem as exc:
        change.problem = str(exc.args[0])
    return change


def may_apply(
    session: Session, change: ProposedChange, actor: access.Actor
) -> bool:
    """Whether ``actor`` may apply this one change (the rule of ``check_rights``)."""
    if change.case_id is not None:
        return access.can_add_to_case(session, change.case_id, actor)
    if change.kind == "update":
        record = session.get(model_by_name(change.entity), change.record_id)  # type: ignore[arg-type]
        return record is not None and access.can_edit(session, record, actor)
    return actor.does_casework


def check_rights(
    session: Session,
    changes: list[ProposedChange],
    actor: access.Actor,
    case_id: int | None = None,
) -> None:
    """Whether ``actor`` may apply every change (and add to ``case_id``, the item's case).

    :raises AccessDenied: when any change touches a record the actor may not change.
    """
    if case_id is not None and not access.can_add_to_case(session, case_id, actor):
        raise AccessDenied(_l("You may not change records of this case."))
    for change in changes:
        if not may_apply(session, change, actor):
            raise AccessDenied(_l("You may not change records of this case."))


def apply_change(
    session: Session,
    change: ProposedChange,
    actor: access.Actor,
    now: dt.datetime,
    created: dict[str, Any] | None = None,
) -> Any:
    """Apply one change in the caller's transaction; return the record created or changed.

    ``created`` maps the ``ref`` of rows created earlier in the list to those rows.
    """
    created = created if created is not None else {}
    model = model_by_name(change.entity)
    assert model is not None  # sources report unknown entities as problems
    if change.kind == "update":
        record = session.get(model, change.record_id)
        setattr(record, change.field or "", change.proposed)
        return record
    values = {k: (created[v.name].id if isinstance(v, Ref) else v)
              for k, v in change.values.items()}
    columns = model.__table__.c  # type: ignore[attr-defined]
    if "confirmed" in columns:
        # The officer accepting the report is the confirmation.
        values.update(confirmed=True, confirmed_by_id=actor.user_id, confirmed_at=now)
    if model is models.Case and not values.get("number"):
        from portal.services.casework import cases

        values["number"] = cases.next_case_number(session, values["start_date"].year)
    record = model(**values)
    session.add(record)
    session.flush()  # each row now, so a refused row stops the rest before commit
    if change.ref:
        created[change.ref] = record
    return record


def apply_changes(
    session: Session,
    changes: list[ProposedChange],
    actor: access.Actor,
    *,
    source: str,
    case_id: int | None = None,
    connector: bool = False,
) -> dict[str, Any]:
    """Check and apply ``changes`` in the caller's transaction (the caller commits).

    The change history names ``source``; ``connector`` says the source is a connector, the
    only kind allowed to set :data:`CONNECTOR_ONLY` fields. Returns the created rows by ref.

    :raises ValidationFailed: when a change has a problem, sets a connector-only field or adds
        a record other than a document to a closed case.
    :raises AccessDenied: when the actor may not change a record concerned.
    """
    problems = [c.problem for c in changes if c.problem]
    if problems:
        raise ValidationFailed("; ".join(dict.fromkeys(problems)), "changes")
    if not connector:
        for change in changes:
            fields = [change.field] if change.kind == "update" else list(change.values)
            if any((change.entity, f) in CONNECTOR_ONLY for f in fields):
                raise ValidationFailed(
                    _l("Only a connector may mark a decision as received electronically."),
                    "changes")
    check_rights(session, changes, actor, case_id)
    from portal.services.casework import cases

    for change in changes:
        model = model_by_name(change.entity)
        if change.kind == "create" and model is not None and any(
                f"{name}_id" in model.__table__.c for name in access.PARENT_FIELDS):  # type: ignore[attr-defined]
            # A closed case takes only documents, whatever brings the record.
            cases.check_takes_new(session, change.case_id or case_id, model, "changes")
    from portal.services import intake

    created: dict[str, Any] = {}
    now = models.base.utcnow()
    with audit.acting_as(actor.user_id, source):
        for change in changes:
            # Looked up through the package, so a test can make one change fail.
            intake.apply_change(session, change, actor, now, created)
        session.flush()
    return created
