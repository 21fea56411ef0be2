"""A registry's answer beside what the client's record holds, and saving chosen parts of it.

Each registry's answer maps onto fields of the client (:data:`ANSWER_FIELDS`). The officer
sees, field by field, the registry's value beside the client's current one and ticks what to
keep. Saving goes through the intake pipeline like everything else from outside: the answer
becomes proposed updates of the client (:func:`portal.services.intake.propose_update`), and
:func:`portal.services.intake.apply_changes` applies the chosen ones in one transaction with
the change history source ``<connector>:<message id>``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from portal.models import Client, Direction, ExchangeMessage, ExchangeStatus
from portal.services import access, audit, intake
from portal.services.errors import AccessDenied, NotFound, ValidationFailed

__all__ = [
    "ANSWER_FIELDS", "SAVED_COLUMNS", "AnswerField", "answered_query", "compare", "outcome",
    "save",
]

# VIIS levels from lowest to highest: the client's education is the highest one.
_LEVELS = ("basic", "secondary", "vocational", "higher")


@dataclass(frozen=True)
class AnswerField:
    """One client field a registry answers: its column, label and how to read the answer."""

    column: str
    label: Any
    extract: Callable[[Mapping[str, Any]], Any]


def _highest_document(data: Mapping[str, Any]) -> Mapping[str, Any] | None:
    documents = [d for d in data.get("education") or [] if isinstance(d, dict)
                 and d.get("level") in _LEVELS]
    return max(documents, key=lambda d: _LEVELS.index(d["level"]), default=None)


def _education_level(data: Mapping[str, Any]) -> Any:
    doc = _highest_document(data)
    return doc["level"] if doc else None


def _education_document(data: Mapping[str, Any]) -> str | None:
    doc = _highest_document(data)
    if doc is None:
        return None
    number = " ".join(str(doc[k]) for k in ("document_type", "series", "number") if doc.get(k))
    issued = doc.get("issued_on")
    try:
        issued = dt.date.fromisoformat(str(issued)).strftime("%d.%m.%Y") if issued else None
    except ValueError:
        pass  # shown as the registry wrote it
    parts = [number, doc.get("institution"), issued]
    return ", ".join(str(p) for p in parts if p) or None


def _qualification(data: Mapping[str, Any]) -> Any:
    doc = _highest_document(data)
    return doc.get("qualification") if doc else None


def _joined(key: str) -> Callable[[Mapping[str, Any]], str | None]:
    def read(data: Mapping[str, Any]) -> str | None:
        values = data.get(key)
        if not isinstance(values, list):
            return None
        return ", ".join(str(v) for v in values) or None

    return read


def _value(key: str) -> Callable[[Mapping[str, Any]], Any]:
    return lambda data: data.get(key)


#: registry connector -> the client fields its answer fills
ANSWER_FIELDS: dict[str, tuple[AnswerField, ...]] = {
    "viis": (
        AnswerField("education_level", _l("Education level"), _education_level),
        AnswerField("education_document", _l("Education document"), _education_document),
        AnswerField("qualification", _l("Speciality or qualification"), _qualification),
    ),
    "vdeavk": (
        AnswerField("disability_group", _l("Disability group"), _value("disability_group")),
        AnswerField("disability_term", _l("Disability term"), _value("term")),
        AnswerField("functional_impairment", _l("Type of functional impairment"),
                    _value("impairment")),
    ),
    "vid": (
        AnswerField("employed", _l("Employed"), _value("employed")),
        AnswerField("employer_name", _l("Employer"), _value("employer")),
        AnswerField("income_types", _l("Types of legal income"), _joined("income_types")),
    ),
    "rd": (
        AnswerField("social_status", _l("Status poor / low-income"), _value("status")),
        AnswerField("residence_inspected_on", _l("Residence inspected on"),
                    _value("residence_inspected_on")),
        AnswerField("social_benefits", _l("Social benefits and services"),
                    _joined("benefits")),
    ),
}


#: every client column a registry answer may fill (the retention rule erases them all)
SAVED_COLUMNS: tuple[str, ...] = tuple(
    f.column for fields in ANSWER_FIELDS.values() for f in fields
)


def outcome(status: ExchangeStatus, response: Mapping[str, Any] | None) -> str:
    """What a query came to, for the officer: ``answered``, ``unknown_person`` (the registry
    does not know the person), ``failed`` or ``waiting`` (queued, maybe retrying)."""
    if status is ExchangeStatus.SENT:
        return "answered"
    if status is ExchangeStatus.FAILED:
        return "unknown_person" if (response or {}).get("unknown_person") else "failed"
    return "waiting"


def answered_query(session: Session, message_id: int, actor: access.Actor) -> ExchangeMessage:
    """A registry query about a client that the actor may see.

    :raises NotFound: no such query, or not in the actor's scope.
    """
    message = session.scalars(
        select(ExchangeMessage).where(
            ExchangeMessage.id == message_id,
            ExchangeMessage.direction == Direction.QUERY,
            ExchangeMessage.client_id.is_not(None),
            access.condition(ExchangeMessage, actor),
        )
    ).first()
    if message is None or not actor.does_casework:
        raise NotFound(_l("The query does not exist or is not in your unit."))
    return message


def compare(message: ExchangeMessage, client: Client) -> list[intake.ProposedChange]:
    """The answer as proposed updates of the client, one per field the registry answers
    (``current`` beside ``proposed``; ``changes_something`` false where they agree).
    Empty when the query has no answer (yet)."""
    data = (message.response or {}).get("data")
    if message.status is not ExchangeStatus.SENT or not isinstance(data, dict):
        return []
    fields = ANSWER_FIELDS.get(message.connector, ())
    return intake.propose_update(client, {f.column: f.extract(data) for f in fields})


def labels(connector: str) -> dict[str, Any]:
    """Column -> label of the fields a registry answers."""
    return {f.column: f.label for f in ANSWER_FIELDS.get(connector, ())}


def save(
    session: Session, message_id: int, columns: Iterable[str], actor: access.Actor
) -> list[str]:
    """Save the chosen fields of a registry answer into the client's record, in one
    transaction through the intake pipeline (change history source
    ``<connector>:<message id>``). Returns the columns that changed; commits.

    :raises NotFound: the query is not in the actor's scope.
    :raises AccessDenied: the actor may not change this client.
    :raises ValidationFailed: nothing chosen, a field the answer does not hold, no answer,
        or a value the register refuses; nothing is saved.
    """
    chosen = list(dict.fromkeys(c for c in columns if c))
    try:
        message = answered_query(session, message_id, actor)
        source = f"{message.connector}:{message.id}"
        client = session.get(Client, message.client_id)
        if client is None or not access.can_edit(session, client, actor):
            raise AccessDenied(_l("You may not change this client's data."))
        proposed = {c.field: c for c in compare(message, client)}
        if not proposed:
            raise ValidationFailed(_l("This query has no answer to save."), "fields")
        if not chosen:
            raise ValidationFailed(_l("Choose what to save into the case."), "fields")
        if any(c not in proposed for c in chosen):
            raise ValidationFailed(_l("The answer holds no such field."), "fields")
        changes = [proposed[c] for c in chosen if proposed[c].changes_something]
        with audit.acting_as(actor.user_id, source):
            intake.apply_changes(session, changes, actor, source=source, connector=True)
            session.commit()
    except (IntegrityError, DataError) as exc:
        session.rollback()
        raise ValidationFailed(
            _l("The register refused the changes; nothing was applied."), "fields"
        ) from exc
    except BaseException:
        session.rollback()
        raise
    return [c.field or "" for c in changes]
