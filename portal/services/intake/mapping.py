"""A form's ``plus.intake`` mapping: what accepting a portal submission proposes.

The portal is the first source on the intake pipeline (:mod:`portal.services.intake.changes`);
this module reads a submission's data through its form version's mapping into
:class:`~portal.services.intake.changes.ProposedChange` s. The mapping's schema is documented
in ``formdefs/README.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from portal.models import (
    Audience,
    Case,
    Client,
    Employer,
    ReportedBy,
    Submission,
    Volunteer,
    WorkAssignment,
)
from portal.services.intake.changes import (
    Problem,
    ProposedChange,
    check_required,
    convert,
    model_by_name,
)
from portal.services.partners import portal_scope

__all__ = ["proposed_changes"]


def proposed_changes(session: Session, submission: Submission) -> list[ProposedChange]:
    """What accepting the submission would change, from its version's ``plus.intake``.

    Computed from the version the submission was made against, so a later edit of the form
    never changes how an old submission is taken in. Optional fields left empty propose
    nothing (an empty phone never blanks the stored one).
    """
    from portal.services.intake import forms

    defn = forms.parsed(submission.version)
    intake = defn.plus.intake if defn.plus else []
    linked = {
        path for path, comp in defn.inputs.items()
        if comp.option_source == portal_scope.LINKED_CLIENTS
    }
    changes: list[ProposedChange] = []
    for entry in intake if isinstance(intake, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("target"), str):
            continue
        model_name, _sep, column = entry["target"].partition(".")
        model = model_by_name(model_name)
        if model is None:
            changes.append(ProposedChange(kind="create", entity=model_name,
                                          problem=str(_l("Unknown register entity."))))
            continue
        if column:
            change = _update(session, submission, model, column, entry, linked)
            if change is not None:
                changes.append(change)
        else:
            changes.extend(_creates(session, submission, model, entry, linked))
    return changes


def _source(spec: Any, row: Mapping[str, Any] | None, data: Mapping[str, Any]) -> Any:
    """A mapping source's value: a key (row first, then top level), a mapped key, a const."""
    if isinstance(spec, str):
        if row is not None and spec in row:
            return row[spec]
        return data.get(spec)
    if isinstance(spec, dict):
        if "const" in spec:
            return spec["const"]
        raw = _source(spec.get("from"), row, data)
        mapping = spec.get("map")
        if isinstance(mapping, dict):
            if raw is None:
                return None
            key = raw if isinstance(raw, str) else str(raw).lower()
            if key not in mapping:
                raise Problem(_l("The answer %(value)s has no register value.", value=raw))
            return mapping[key]
        return raw
    return None


def _source_key(spec: Any) -> str | None:
    if isinstance(spec, str):
        return spec
    if isinstance(spec, dict) and isinstance(spec.get("from"), str):
        return spec["from"]
    return None


def _case_of(session: Session, model: type, values: Mapping[str, Any]) -> int | None:
    if values.get("case_id") is not None:
        return int(values["case_id"])
    if values.get("assignment_id") is not None:
        assignment = session.get(WorkAssignment, values["assignment_id"])
        return assignment.case_id if assignment else None
    return None


def _record_id(
    session: Session,
    submission: Submission,
    model: type,
    entry: Mapping[str, Any],
    linked: set[str],
) -> int | None:
    """The id of the record a proposed change targets (see ``record`` in the schema docs)."""
    key = entry.get("record")
    if key is None:
        own = {
            Client: submission.client_id,
            Case: submission.case_id,
            Employer: submission.employer_id,
            Volunteer: submission.volunteer_id,
        }
        return own.get(model)  # type: ignore[call-overload]
    raw = submission.data.get(key) if isinstance(key, str) else None
    if raw in (None, ""):
        return None
    try:
        number = int(str(raw))
    except ValueError:
        raise Problem(_l("The record the change is about is not valid.")) from None
    if key not in linked:
        return number
    # A linked-client select holds a work assignment id (employers) or a case id.
    if submission.audience is Audience.EMPLOYER:
        assignment = session.get(WorkAssignment, number)
        if assignment is None:
            return None
        case = assignment.case
    else:
        assignment = None
        case = session.get(Case, number)
        if case is None:
            return None
    if model is WorkAssignment:
        return assignment.id if assignment is not None else None
    if model is Case:
        return case.id
    if model is Client:
        return case.client_id
    return number


def _update(
    session: Session,
    submission: Submission,
    model: type,
    column: str,
    entry: Mapping[str, Any],
    linked: set[str],
) -> ProposedChange | None:
    name = model.__name__
    change = ProposedChange(kind="update", entity=name, field=column)
    try:
        raw = _source({"from": entry.get("from"), "map": entry["map"]} if "map" in entry
                      else entry.get("from"), None, submission.data)
        if raw is None or raw == "":
            return None  # left empty: nothing proposed
        change.proposed = convert(model, column, raw)
        change.record_id = _record_id(session, submission, model, entry, linked)
        record = session.get(model, change.record_id) if change.record_id else None
        if record is None:
            raise Problem(_l("The record to change was not found."))
        change.current = getattr(record, column)
        change.case_id = (record.id if isinstance(record, Case)
                          else getattr(record, "case_id", None))
    except Problem as exc:
        change.problem = str(exc.args[0])
    return change


def _creates(
    session: Session,
    submission: Submission,
    model: type,
    entry: Mapping[str, Any],
    linked: set[str],
) -> list[ProposedChange]:
    fields = entry.get("fields") if isinstance(entry.get("fields"), dict) else {}
    each = entry.get("each")
    if isinstance(each, str):
        rows = [r for r in submission.data.get(each) or [] if isinstance(r, dict)]
        linked_cols = {p.partition(".")[2] for p in linked if p.startswith(each + ".")}
    else:
        rows = [None]
        linked_cols = set()
    changes = []
    for row in rows:
        change = ProposedChange(kind="create", entity=model.__name__)
        try:
            values: dict[str, Any] = {}
            for column, spec in fields.items():
                raw = _source(spec, row, submission.data)
                source_key = _source_key(spec)
                if (column == "assignment_id" and source_key is not None
                        and (source_key in linked or source_key in linked_cols)
                        and submission.audience is not Audience.EMPLOYER):
                    raise Problem(_l("Only employers report on work assignments."))
                values[column] = convert(model, column, raw)
            values.update(_context(model, submission, values))
            change.values = values
            change.case_id = _case_of(session, model, values)
            if values.get("assignment_id") is not None:
                assignment = session.get(WorkAssignment, values["assignment_id"])
                if assignment is None:
                    raise Problem(_l("The work assignment was not found."))
                change.labels["assignment_id"] = (
                    f"{assignment.case.client.full_name} ({assignment.case.number}), "
                    f"{assignment.work_type}"
                )
            check_required(model, values)
        except Problem as exc:
            change.problem = str(exc.args[0])
        changes.append(change)
    return changes


def _context(model: type, submission: Submission, values: Mapping[str, Any]) -> dict[str, Any]:
    """Values the service knows and the form does not map: who reported, which employer."""
    columns = model.__table__.c  # type: ignore[attr-defined]
    extra: dict[str, Any] = {}
    if "employer_id" in columns and values.get("employer_id") is None:
        extra["employer_id"] = submission.employer_id
    if "case_id" in columns and values.get("case_id") is None and submission.case_id:
        extra["case_id"] = submission.case_id
    if "reported_by" in columns and values.get("reported_by") is None:
        extra["reported_by"] = {
            Audience.EMPLOYER: ReportedBy.EMPLOYER,
            Audience.CLIENT: ReportedBy.CLIENT,
        }.get(submission.audience, ReportedBy.OFFICER)
    return extra

