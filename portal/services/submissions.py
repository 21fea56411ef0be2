"""Submissions: what clients, employers and volunteers send through the portal, and its intake.

One path for every channel. The server-rendered portal form and the submission API both call
:func:`submit`, which

1. checks who submits (a linked portal user of the form's audience) and the idempotency key
   (the same user and key give back the stored submission, nothing new is stored);
2. checks the form is published (unknown, unpublished or retired forms are 404);
3. refuses references to clients the user is not linked to (403, see
   :mod:`portal.services.portal_scope`);
4. validates with :mod:`portal.formsengine` (the verdict of ``@formio/js``), plus the files
   with :func:`portal.services.documents.check_upload`;
5. stores only the clean data, the files and one ``EServiceUse`` row, in one transaction,
   routed to the unit of the case concerned.

An officer then opens it in the inbox (received -> in processing), sees
:func:`proposed_changes` beside the case data, and :func:`accept` s (applying the form's
``plus.intake`` in one transaction, with the change history naming ``submission:<id>`` as the
source), :func:`reject` s with a reason, and then :func:`answer` s. Status only moves
received -> in processing -> accepted / rejected -> answered.

Text is stored exactly as typed: HTML or script in a field stays text, and every screen shows
it escaped (Jinja's autoescaping; nothing here is ever marked safe).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, selectinload
from werkzeug.datastructures import FileStorage

from portal import formsengine as fe
from portal import models
from portal.formsengine.i18n import lookup
from portal.models import (
    Audience,
    Case,
    CaseStatus,
    Client,
    Employer,
    FormDefinition,
    FormVersion,
    OutgoingNotice,
    PlusUser,
    ReportedBy,
    Submission,
    SubmissionAttachment,
    SubmissionStatus,
    Volunteer,
    WorkAssignment,
)
from portal.models.base import utcnow
from portal.services import access, audit, documents, portal_scope, usage
from portal.services import uploads as uploads_service
from portal.services.errors import (
    AccessDenied,
    IllegalTransition,
    NotFound,
    ValidationFailed,
)

__all__ = [
    "DisplayItem",
    "ProposedChange",
    "SubmitResult",
    "accept",
    "answer",
    "describe",
    "get_for_officer",
    "inbox",
    "mark_in_processing",
    "mine",
    "proposed_changes",
    "reject",
    "submit",
]

FORM = fe.FORM_ERRORS  # "_form": errors about the submission as a whole
KEY_FIELD = "idempotency_key"
MAX_KEY_LENGTH = 80
MAX_REASON_LENGTH = 4000
MAX_REPLY_LENGTH = 8000
# Visible ASCII only: keys travel in an HTTP header, and a key with spaces or control
# characters is a client bug better refused than stored.
_KEY_RE = re.compile(r"^[\x21-\x7e]{1," + str(MAX_KEY_LENGTH) + r"}\Z")

# Where a submission may go next; answered is the end.
_NEXT: dict[SubmissionStatus, frozenset[SubmissionStatus]] = {
    SubmissionStatus.RECEIVED: frozenset(
        {SubmissionStatus.IN_PROCESSING, SubmissionStatus.ACCEPTED, SubmissionStatus.REJECTED}
    ),
    SubmissionStatus.IN_PROCESSING: frozenset(
        {SubmissionStatus.ACCEPTED, SubmissionStatus.REJECTED}
    ),
    SubmissionStatus.ACCEPTED: frozenset({SubmissionStatus.ANSWERED}),
    SubmissionStatus.REJECTED: frozenset({SubmissionStatus.ANSWERED}),
    SubmissionStatus.ANSWERED: frozenset(),
}


# --------------------------------------------------------------------------------------------
# Submitting


@dataclass
class SubmitResult:
    """The outcome of :func:`submit`.

    ``status_code``: 201 stored, 200 replay of a stored submission (``duplicate``), 400 a
    missing or malformed idempotency key or data that is not an object, 403 not allowed
    (not a portal user of this audience, or about a client not linked to the user), 404 no
    such published form, 422 invalid data. ``errors`` maps a field path (``hours[2].date``;
    ``_form`` for the whole submission) to messages in the submitter's language.
    """

    submission: Submission | None = None
    errors: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    duplicate: bool = False
    status_code: int = 201
    #: the stored submission's id and status, read before the commit expired ``submission``
    #: (so answering does not cost a reload)
    submission_id: int | None = None
    status: SubmissionStatus | None = None

    def __post_init__(self) -> None:
        if self.submission is not None and self.submission_id is None:
            self.submission_id = self.submission.id
            self.status = self.submission.status

    @property
    def ok(self) -> bool:
        return self.submission is not None


def _fail(status: int, errors: Mapping[str, list[str]]) -> SubmitResult:
    return SubmitResult(errors={k: [str(m) for m in v] for k, v in errors.items()},
                        status_code=status)


@dataclass
class _Upload:
    component_key: str
    storage: FileStorage | None
    filename: str
    content_type: str
    size: int
    # A file the renderer uploaded ahead (``portal.services.uploads``): its bytes are stored
    # already, and the row is consumed with the submission.
    pending: models.PendingUpload | None = None


def submit(
    session: Session,
    *,
    user: Any,
    form_key: str,
    data: Any,
    idempotency_key: Any,
    files: Mapping[str, Iterable[FileStorage]] | None = None,
    locale: str = "lv",
) -> SubmitResult:
    """Validate and store a portal submission; see the module docstring for the steps.

    ``data`` is the Form.io submission's ``data`` object; ``files`` are uploads of the
    server-rendered form by file component key (their descriptions replace whatever ``data``
    says for those components). The session is committed on success and rolled back (with
    any stored file removed) on failure.
    """
    locale = fe.normalize_locale(locale)
    with force_locale(locale):
        return _submit(session, user, form_key, data, idempotency_key, files, locale)


def _submit(
    session: Session,
    user: Any,
    form_key: Any,
    data: Any,
    idempotency_key: Any,
    files: Mapping[str, Iterable[FileStorage]] | None,
    locale: str,
) -> SubmitResult:
    actor = portal_scope.actor_of(user)
    audience = portal_scope.audience_of(actor)
    if audience is None or actor.user_id is None:
        return _fail(403, {FORM: [_("Only clients, employers and volunteers linked to their "
                                    "records may submit forms.")]})
    if not isinstance(idempotency_key, str) or not _KEY_RE.match(idempotency_key):
        return _fail(400, {KEY_FIELD: [_(
            "An idempotency key of 1 to %(n)s visible characters is required.", n=MAX_KEY_LENGTH
        )]})
    stored = _by_key(session, actor.user_id, idempotency_key)
    if stored is not None:
        return _replay(stored, form_key)

    found = _published(session, form_key)
    if found is None:
        return _fail(404, {FORM: [_("This form does not exist or is no longer available.")]})
    definition, version = found
    if definition.audience != audience:
        return _fail(403, {FORM: [_("This form is not meant for you.")]})
    if not isinstance(data, dict):
        return _fail(400, {FORM: [_("The submission data must be an object of fields.")]})

    from portal.services import forms

    defn = forms.parsed(version)
    links = portal_scope.linked_clients(session, actor)
    options = portal_scope.options_for(session, actor, defn, links)
    data = dict(data)
    errors, uploads = _take_uploads(defn, data, files or {}, session, actor, form_key)

    foreign = _foreign_references(defn, data, options)
    if foreign:
        return _fail(403, foreign)
    result = fe.validate_submission(defn, data, locale, options=options)
    for path, messages in result.errors.items():
        errors.setdefault(path, []).extend(messages)
    if not errors:
        errors.update(_unbacked_files(defn, result.clean_data, uploads))
    if errors:
        return _fail(422, errors)

    clean = _jsonable(result.clean_data)
    # Uploads of components the form hid (or left empty) are dropped, like their data.
    uploads = [u for u in uploads if clean.get(u.component_key)]
    client_id, case_id, unit_id = _route(session, actor, audience, defn, clean, links)
    submission = Submission(
        version_id=version.id,
        submitted_by_id=actor.user_id,
        idempotency_key=idempotency_key,
        audience=audience,
        client_id=client_id,
        case_id=case_id,
        employer_id=actor.employer_id if audience is Audience.EMPLOYER else None,
        volunteer_id=actor.volunteer_id if audience is Audience.VOLUNTEER else None,
        unit_id=unit_id,
        data=clean,
        locale=locale,
        status=SubmissionStatus.RECEIVED,
    )
    return _store(session, actor, submission, uploads, usage.service_for(audience))


def _store(
    session: Session,
    actor: access.Actor,
    submission: Submission,
    uploads: list[_Upload],
    service: models.EService,
) -> SubmitResult:
    stored_keys: list[str] = []
    try:
        with audit.acting_as(actor.user_id, "portal"):
            session.add(submission)
            session.flush()
            for upload in uploads:
                if upload.pending is not None:
                    # Stored at upload time; taking the row makes the bytes this
                    # submission's (or refuses, if another transaction took it first).
                    uploads_service.consume(session, upload.pending)
                    key, size, digest = (upload.pending.storage_key, upload.size,
                                         upload.pending.sha256)
                else:
                    assert upload.storage is not None
                    upload.storage.stream.seek(0)
                    key, size, digest = documents.store(upload.storage.stream)
                    stored_keys.append(key)
                session.add(SubmissionAttachment(
                    submission_id=submission.id,
                    component_key=upload.component_key,
                    filename=upload.filename,
                    content_type=upload.content_type,
                    size_bytes=size,
                    sha256=digest,
                    storage_key=key,
                ))
            usage.record_use(session, actor, service, usage.SUBMISSION,
                             submission_id=submission.id)
            session.flush()
        result = SubmitResult(submission=submission, status_code=201)
        session.commit()
    except IntegrityError:
        # Two requests with the same key raced past the lookup: the unique constraint let
        # one in; this one answers with what that one stored.
        session.rollback()
        _remove(stored_keys)
        stored = _by_key(session, actor.user_id, submission.idempotency_key)
        if stored is None:
            raise
        return SubmitResult(submission=stored, duplicate=True, status_code=200)
    except uploads_service.UploadUnavailable as exc:
        session.rollback()
        _remove(stored_keys)
        return _fail(422, {exc.field or FORM: [str(exc.message)]})
    except BaseException:
        session.rollback()
        _remove(stored_keys)
        raise
    return result


def _remove(keys: list[str]) -> None:
    for key in keys:
        documents.remove(key)


def _by_key(session: Session, user_id: int, key: str) -> Submission | None:
    return session.scalars(
        select(Submission).where(
            Submission.submitted_by_id == user_id, Submission.idempotency_key == key
        )
    ).first()


def _replay(stored: Submission, form_key: Any) -> SubmitResult:
    if stored.version.definition.key != form_key:
        return _fail(422, {KEY_FIELD: [_(
            "This idempotency key was already used for another form. Use a new key."
        )]})
    return SubmitResult(submission=stored, duplicate=True, status_code=200)


def _published(session: Session, form_key: Any) -> tuple[FormDefinition, FormVersion] | None:
    if not isinstance(form_key, str) or not form_key or len(form_key) > 60:
        return None
    from portal.services import forms

    return forms.published(session, form_key)


def _take_uploads(
    defn: fe.FormDefinition,
    data: dict[str, Any],
    files: Mapping[str, Iterable[FileStorage]],
    session: Session,
    actor: access.Actor,
    form_key: str,
) -> tuple[dict[str, list[str]], list[_Upload]]:
    """Check uploaded files and put their descriptions into ``data`` for validation.

    Files come with the request (the server-rendered form), or were uploaded ahead by the
    ``@formio/js`` renderer and are named by the posted file values (:func:`_take_pending`).
    Either way ``data`` then holds descriptions we made from the file itself, in one shape,
    so validation and the stored data do not depend on the path.
    """
    errors, uploads = _take_pending(defn, data, files, session, actor, form_key)
    for key, storages in files.items():
        chosen = [s for s in storages if s is not None and s.filename]
        comp = defn.inputs.get(key)
        if comp is None or comp.type != "file" or "." in key:
            if chosen:
                errors.setdefault(key, []).append(_("This form has no file field here."))
            continue
        descriptions = []
        for storage in chosen:
            name = _safe_filename(storage.filename or "")
            head = storage.stream.read(16)
            storage.stream.seek(0, 2)
            size = storage.stream.tell()
            storage.stream.seek(0)
            try:
                _ext, content_type = documents.check_upload(name, head, size)
            except ValidationFailed as exc:
                errors.setdefault(key, []).append(f"{name}: {exc.message}")
                continue
            uploads.append(_Upload(key, storage, name, content_type, size))
            descriptions.append({
                "name": name, "originalName": name, "size": size, "type": content_type,
                "storage": "portal",
            })
        data[key] = descriptions
    return errors, uploads


def _take_pending(
    defn: fe.FormDefinition,
    data: dict[str, Any],
    files: Mapping[str, Iterable[FileStorage]],
    session: Session,
    actor: access.Actor,
    form_key: str,
) -> tuple[dict[str, list[str]], list[_Upload]]:
    """Resolve posted file values that name uploads made ahead (top-level components only).

    A component whose files came with the request is left to the multipart code; values that
    are not lists of objects are left to validation (it reports the wrong type).
    """
    errors: dict[str, list[str]] = {}
    uploads: list[_Upload] = []
    assert actor.user_id is not None
    for key, comp in defn.inputs.items():
        value = data.get(key)
        if (comp.type != "file" or "." in key or key in files or not value
                or not isinstance(value, list) or not all(isinstance(v, dict) for v in value)):
            continue
        descriptions = []
        for item in value:
            try:
                pending = uploads_service.claim(session, user_id=actor.user_id,
                                                form_key=form_key, component_key=key,
                                                value=item)
            except uploads_service.UploadUnavailable as exc:
                message = str(exc.message)
                if message not in errors.get(key, []):
                    errors.setdefault(key, []).append(message)
                continue
            if any(u.pending is pending for u in uploads):
                continue  # the same upload named twice is one file
            uploads.append(_Upload(key, None, pending.filename, pending.content_type,
                                   pending.size_bytes, pending=pending))
            descriptions.append(uploads_service.describe(pending))
        data[key] = descriptions
    return errors, uploads


def _safe_filename(name: str) -> str:
    # Keep the name people recognise, minus any path and control characters.
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable())
    return name.strip()[-255:] or "file"


def _unbacked_files(
    defn: fe.FormDefinition, clean: Mapping[str, Any], uploads: list[_Upload]
) -> dict[str, list[str]]:
    """File values that describe files never sent to us (e.g. JSON posted to the API)."""
    uploaded = {u.component_key for u in uploads}
    errors: dict[str, list[str]] = {}
    for path, comp in defn.inputs.items():
        if comp.type != "file":
            continue
        if "." in path:
            grid, _sep, col = path.partition(".")
            values = [row.get(col) for row in clean.get(grid) or [] if isinstance(row, dict)]
        else:
            values = [clean.get(path)]
        if any(values) and path not in uploaded:
            errors[path] = [_("Attach the files with the form itself; files stored "
                              "elsewhere are not accepted.")]
    return errors


def _foreign_references(
    defn: fe.FormDefinition, data: Mapping[str, Any], options: Mapping[str, list[tuple[str, str]]]
) -> dict[str, list[str]]:
    """Paths of render-time selects naming a client the user is not linked to."""
    errors: dict[str, list[str]] = {}
    message = _("You may not submit information about this client.")
    for path, comp in defn.inputs.items():
        if comp.option_source is None:
            continue
        allowed = {value for value, _label in options.get(comp.option_source, [])}
        for where, value in _values_at(data, path):
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, bool) or not isinstance(item, str | int):
                    continue  # wrong types are the validator's to report
                if str(item) != "" and str(item) not in allowed:
                    errors[where] = [message]
    return errors


def _values_at(data: Mapping[str, Any], path: str) -> list[tuple[str, Any]]:
    """(error path, raw value) of a component path in raw submission data."""
    if "." not in path:
        return [(path, data[path])] if path in data else []
    grid, _sep, col = path.partition(".")
    rows = data.get(grid)
    if not isinstance(rows, list):
        return []
    return [
        (f"{grid}[{i}].{col}", row[col])
        for i, row in enumerate(rows)
        if isinstance(row, dict) and col in row
    ]


def _linked_values(defn: fe.FormDefinition, clean: Mapping[str, Any]) -> list[str]:
    """Values of the form's ``linked_clients`` selects, in document order."""
    found: list[str] = []
    for path, comp in defn.inputs.items():
        if comp.option_source != portal_scope.LINKED_CLIENTS:
            continue
        for _where, value in _values_at(clean, path):
            for item in value if isinstance(value, list) else [value]:
                if item not in (None, "") and str(item) not in found:
                    found.append(str(item))
    return found


def _route(
    session: Session,
    actor: access.Actor,
    audience: Audience,
    defn: fe.FormDefinition,
    clean: Mapping[str, Any],
    links: list[portal_scope.LinkedClient],
) -> tuple[int | None, int | None, int | None]:
    """(client, case, unit) the submission is about and whose inbox it lands in.

    The case chosen in the form decides (an hours report naming several clients goes to the
    first one's unit; accepting it still needs edit rights on every case it touches); else
    the client's current case; else the client's unit, or the partner's.
    """
    by_value = {link.value: link for link in links}
    chosen = [by_value[v] for v in _linked_values(defn, clean) if v in by_value]
    if chosen:
        return chosen[0].client_id, chosen[0].case_id, chosen[0].unit_id
    if audience is Audience.CLIENT:
        client = session.get(Client, actor.client_id)
        case = _current_case(session, actor.client_id)
        if case is not None:
            return actor.client_id, case.id, case.unit_id
        return actor.client_id, None, client.unit_id if client else None
    if audience is Audience.EMPLOYER:
        employer = session.get(Employer, actor.employer_id)
        return None, None, employer.unit_id if employer else None
    volunteer = session.get(Volunteer, actor.volunteer_id)
    return None, None, volunteer.unit_id if volunteer else None


def _current_case(session: Session, client_id: int | None) -> Case | None:
    """The client's active case (else opened, else suspended), the latest started first."""
    cases = session.scalars(
        select(Case)
        .where(Case.client_id == client_id, Case.status != CaseStatus.CLOSED)
        .order_by(Case.start_date.desc(), Case.id.desc())
    ).all()
    for status in (CaseStatus.ACTIVE, CaseStatus.OPENED, CaseStatus.SUSPENDED):
        for case in cases:
            if case.status is status:
                return case
    return None


def _jsonable(value: Any) -> Any:
    """Clean data as JSON: dates as ISO text, numbers as numbers (text if a float loses)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and abs(value) < 2**53:
            return int(value)
        as_float = float(value)
        return as_float if Decimal(repr(as_float)) == value else str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


# --------------------------------------------------------------------------------------------
# Reading: the submitter's list, the inbox


def mine(session: Session, user: Any, *, limit: int = 200) -> list[Submission]:
    """The portal user's own submissions, newest first."""
    actor = portal_scope.actor_of(user)
    if actor.user_id is None:
        return []
    return list(session.scalars(
        select(Submission)
        .where(Submission.submitted_by_id == actor.user_id)
        .options(selectinload(Submission.version).selectinload(FormVersion.definition))
        .order_by(Submission.id.desc())
        .limit(limit)
    ))


def inbox(
    session: Session,
    actor: access.Actor,
    *,
    status: SubmissionStatus | None = None,
    form_key: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Submission]:
    """Submissions the officer may see (their unit's; Admin all), newest first."""
    stmt = (
        select(Submission)
        .where(access.condition(Submission, actor))
        .options(
            selectinload(Submission.version).selectinload(FormVersion.definition),
            selectinload(Submission.client),
            selectinload(Submission.case),
            selectinload(Submission.submitted_by),
        )
        .order_by(Submission.id.desc())
        .limit(limit)
        .offset(offset)
    )
    if status is not None:
        stmt = stmt.where(Submission.status == status)
    if form_key:
        stmt = stmt.join(FormVersion, FormVersion.id == Submission.version_id).join(
            FormDefinition, FormDefinition.id == FormVersion.definition_id
        ).where(FormDefinition.key == form_key)
    return list(session.scalars(stmt))


def get_for_officer(
    session: Session, submission_id: int, actor: access.Actor, *, lock: bool = False
) -> Submission:
    """The submission if the officer may see it.

    :raises NotFound: when it does not exist or belongs to another unit.
    """
    stmt = select(Submission).where(
        Submission.id == submission_id, access.condition(Submission, actor)
    )
    if lock:
        stmt = stmt.with_for_update()
    submission = session.scalars(stmt).first()
    if submission is None:
        raise NotFound(_l("The submission does not exist or is not in your unit."))
    return submission


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
    from portal.services import forms

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
    from portal.services import forms

    defn = forms.parsed(submission.version)
    values = [v for v in _linked_values(defn, submission.data) if v.isdigit()]
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


# --------------------------------------------------------------------------------------------
# Intake: what the form's mapping proposes, and applying it


@dataclass
class ProposedChange:
    """One effect of accepting a submission.

    ``kind`` is ``"update"`` (a field of an existing record: ``record_id``, ``field``,
    ``current``, ``proposed``) or ``"create"`` (a new record with ``values``). ``case_id`` is
    the case the record belongs to, when it has one; ``problem`` says why it cannot be
    applied (then the submission cannot be accepted as it is).
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

    @property
    def changes_something(self) -> bool:
        return self.kind == "create" or self.current != self.proposed


class _Problem(Exception):
    pass


def proposed_changes(session: Session, submission: Submission) -> list[ProposedChange]:
    """What accepting the submission would change, from its version's ``plus.intake``.

    Computed from the version the submission was made against, so a later edit of the form
    never changes how an old submission is taken in. Optional fields left empty propose
    nothing (an empty phone never blanks the stored one).
    """
    from portal.services import forms

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
        model = _model(model_name)
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


def _model(name: str) -> type | None:
    candidate = getattr(models, name, None)
    if isinstance(candidate, type) and issubclass(candidate, models.Model) and hasattr(
        candidate, "__table__"
    ):
        return candidate
    return None


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
                raise _Problem(_l("The answer %(value)s has no register value.", value=raw))
            return mapping[key]
        return raw
    return None


def _source_key(spec: Any) -> str | None:
    if isinstance(spec, str):
        return spec
    if isinstance(spec, dict) and isinstance(spec.get("from"), str):
        return spec["from"]
    return None


def _convert(model: type, column: str, value: Any) -> Any:
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
                raise _Problem(_l("%(field)s is longer than the register allows (%(n)s).",
                                  field=column, n=length))
            return text
    except (ValueError, TypeError, InvalidOperation, ArithmeticError):
        raise _Problem(_l("%(field)s: %(value)s is not a valid value.",
                          field=column, value=value)) from None
    return value


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
        raise _Problem(_l("The record the change is about is not valid.")) from None
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
        change.proposed = _convert(model, column, raw)
        change.record_id = _record_id(session, submission, model, entry, linked)
        record = session.get(model, change.record_id) if change.record_id else None
        if record is None:
            raise _Problem(_l("The record to change was not found."))
        change.current = getattr(record, column)
        change.case_id = (record.id if isinstance(record, Case)
                          else getattr(record, "case_id", None))
    except _Problem as exc:
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
                    raise _Problem(_l("Only employers report on work assignments."))
                values[column] = _convert(model, column, raw)
            values.update(_context(model, submission, values))
            change.values = values
            change.case_id = _case_of(session, model, values)
            if values.get("assignment_id") is not None:
                assignment = session.get(WorkAssignment, values["assignment_id"])
                if assignment is None:
                    raise _Problem(_l("The work assignment was not found."))
                change.labels["assignment_id"] = (
                    f"{assignment.case.client.full_name} ({assignment.case.number}), "
                    f"{assignment.work_type}"
                )
            _check_required(model, values)
        except _Problem as exc:
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


def _check_required(model: type, values: Mapping[str, Any]) -> None:
    for col in model.__table__.columns:  # type: ignore[attr-defined]
        if col.primary_key or col.nullable or col.default is not None:
            continue
        if col.server_default is not None or col.key in ("created_at", "updated_at"):
            continue
        if values.get(col.key) is None:
            raise _Problem(_l("%(field)s is missing.", field=col.key))


def _transition(submission: Submission, to: SubmissionStatus) -> None:
    if to not in _NEXT[submission.status]:
        raise IllegalTransition(
            _l("A submission that is %(now)s cannot become %(next)s.",
               now=submission.status, next=to),
            "status",
        )
    submission.status = to


def mark_in_processing(session: Session, submission_id: int, actor: access.Actor) -> Submission:
    """Opening a received submission in the inbox moves it to "in processing"."""
    submission = get_for_officer(session, submission_id, actor)
    if submission.status is SubmissionStatus.RECEIVED:
        try:
            _transition(submission, SubmissionStatus.IN_PROCESSING)
            submission.processed_by_id = actor.user_id
            session.commit()
        except SQLAlchemyError:
            session.rollback()
            raise
    return submission


def accept(session: Session, submission_id: int, actor: access.Actor) -> Submission:
    """Apply the submission's intake to the register, in one transaction.

    Every record created and field changed is recorded in the change history with the
    source ``submission:<id>``. Hours reported by an employer are entered as reported by the
    employer and confirmed by the accepting officer.

    :raises NotFound: the submission is not in the officer's scope.
    :raises AccessDenied: the officer may not change a case the submission touches.
    :raises ValidationFailed: a change cannot be applied, or the status does not allow it.
    """
    actor = portal_scope.actor_of(actor)
    try:
        with audit.acting_as(actor.user_id, f"submission:{submission_id}"):
            submission = get_for_officer(session, submission_id, actor, lock=True)
            _transition(submission, SubmissionStatus.ACCEPTED)
            changes = proposed_changes(session, submission)
            problems = [c.problem for c in changes if c.problem]
            if problems:
                raise ValidationFailed("; ".join(dict.fromkeys(problems)), "changes")
            _check_rights(session, submission, changes, actor)
            now = utcnow()
            for change in changes:
                _apply(session, change, actor, now)
            submission.processed_by_id = actor.user_id
            submission.processed_at = now
            session.flush()
            session.commit()
    except (IntegrityError, DataError) as exc:
        # A constraint or a column's range refused a value the form let through.
        session.rollback()
        raise ValidationFailed(
            _l("The register refused the changes; nothing was applied."), "changes"
        ) from exc
    except BaseException:
        session.rollback()
        raise
    return submission


def _check_rights(
    session: Session, submission: Submission, changes: list[ProposedChange], actor: access.Actor
) -> None:
    if submission.case_id is not None and not access.can_add_to_case(
        session, submission.case_id, actor
    ):
        raise AccessDenied(_l("You may not change records of this case."))
    for change in changes:
        if change.case_id is not None:
            allowed = access.can_add_to_case(session, change.case_id, actor)
        elif change.kind == "update":
            record = session.get(_model(change.entity), change.record_id)  # type: ignore[arg-type]
            allowed = record is not None and access.can_edit(session, record, actor)
        else:
            allowed = actor.does_casework
        if not allowed:
            raise AccessDenied(_l("You may not change records of this case."))


def _apply(
    session: Session, change: ProposedChange, actor: access.Actor, now: dt.datetime
) -> None:
    model = _model(change.entity)
    assert model is not None  # proposed_changes reported unknown entities as problems
    if change.kind == "update":
        record = session.get(model, change.record_id)
        setattr(record, change.field or "", change.proposed)
        return
    values = dict(change.values)
    columns = model.__table__.c  # type: ignore[attr-defined]
    if "confirmed" in columns:
        # The officer accepting the report is the confirmation.
        values.update(confirmed=True, confirmed_by_id=actor.user_id, confirmed_at=now)
    session.add(model(**values))
    session.flush()  # each row now, so a refused row stops the rest before commit


def _required_text(value: str | None, field: str, limit: int, missing: Any, too_long: Any) -> str:
    """``value`` stripped; :class:`ValidationFailed` on ``field`` when empty or too long."""
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(missing, field)
    if len(value) > limit:
        raise ValidationFailed(too_long, field)
    return value


def reject(session: Session, submission_id: int, actor: access.Actor, reason: str) -> Submission:
    """Reject the submission with a reason the submitter will read.

    :raises ValidationFailed: without a reason (field ``reason``) or in the wrong status.
    """
    actor = portal_scope.actor_of(actor)
    reason = _required_text(
        reason, "reason", MAX_REASON_LENGTH, _l("Give the reason for rejecting."),
        _l("The reason may be at most %(n)s characters.", n=MAX_REASON_LENGTH),
    )
    try:
        submission = get_for_officer(session, submission_id, actor, lock=True)
        _transition(submission, SubmissionStatus.REJECTED)
        submission.rejection_reason = reason
        submission.processed_by_id = actor.user_id
        submission.processed_at = utcnow()
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return submission


def answer(session: Session, submission_id: int, actor: access.Actor, text: str) -> Submission:
    """Reply to an accepted or rejected submission; queue an e-address notice if there is one.

    A client is notified when their e-address is active; an employer's or volunteer's reply
    is queued for the submitting account (the e-address connector resolves the address).

    :raises ValidationFailed: without a text (field ``reply``) or in the wrong status.
    """
    actor = portal_scope.actor_of(actor)
    text = _required_text(
        text, "reply", MAX_REPLY_LENGTH, _l("Write the reply."),
        _l("The reply may be at most %(n)s characters.", n=MAX_REPLY_LENGTH),
    )
    try:
        submission = get_for_officer(session, submission_id, actor, lock=True)
        _transition(submission, SubmissionStatus.ANSWERED)
        submission.reply = text
        submission.replied_at = utcnow()
        notice = _notice(session, submission)
        if notice is not None:
            session.add(notice)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return submission


def _notice(session: Session, submission: Submission) -> OutgoingNotice | None:
    if submission.audience is Audience.CLIENT:
        client = session.get(Client, submission.client_id) if submission.client_id else None
        if client is None or not client.e_address_active:
            return None
        language = client.preferred_language.value
        client_id: int | None = client.id
    else:
        user = session.get(PlusUser, submission.submitted_by_id)
        language = (user.preferred_language if user else None) or submission.locale
        client_id = None
    from portal.services import forms

    defn = forms.parsed(submission.version)
    language = fe.normalize_locale(language)
    with force_locale(language):
        subject = _("Reply to your submission “%(form)s” no. %(id)s",
                    form=defn.title(language), id=submission.id)
    return OutgoingNotice(
        client_id=client_id,
        user_id=submission.submitted_by_id,
        submission_id=submission.id,
        subject=subject[:200],
        body=submission.reply or "",
    )
