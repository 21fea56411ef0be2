"""Submitting through the portal or the submission API: checks, storage and routing.

The server-rendered portal form and the submission API both call :func:`submit`, which

1. checks who submits (a linked portal user of the form's audience) and the idempotency key
   (the same user and key give back the stored submission, nothing new is stored);
2. checks the form is published (unknown, unpublished or retired forms are 404);
3. refuses references to clients the user is not linked to (403, see
   :mod:`portal.services.partners.portal_scope`);
4. validates with :mod:`portal.formsengine` (the verdict of ``@formio/js``), plus the files
   with :func:`portal.services.casework.documents.check_upload`;
5. stores only the clean data, the files and one ``EServiceUse`` row, in one transaction,
   routed to the unit of the case concerned.

Text is stored exactly as typed: HTML or script in a field stays text, and every screen shows
it escaped (Jinja's autoescaping; nothing here is ever marked safe).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from portal import formsengine as fe
from portal import models
from portal.formsengine.i18n import error_message
from portal.models import (
    Audience,
    Case,
    CaseStatus,
    Client,
    Employer,
    FormDefinition,
    FormVersion,
    Submission,
    SubmissionAttachment,
    SubmissionStatus,
    Volunteer,
)
from portal.services import access, audit
from portal.services.casework import documents, rules
from portal.services.errors import ValidationFailed
from portal.services.intake import uploads as uploads_service
from portal.services.partners import portal_scope, usage

__all__ = ["SubmitResult", "submit"]

FORM = fe.FORM_ERRORS  # "_form": errors about the submission as a whole
KEY_FIELD = "idempotency_key"
MAX_KEY_LENGTH = 80
# Visible ASCII only: keys travel in an HTTP header, and a key with spaces or control
# characters is a client bug better refused than stored.
_KEY_RE = re.compile(r"^[\x21-\x7e]{1," + str(MAX_KEY_LENGTH) + r"}\Z")

# --------------------------------------------------------------------------------------------
# Submitting


@dataclass
class SubmitResult:
    """The outcome of :func:`submit`.

    ``status_code``: 201 stored, 200 replay of a stored submission (``duplicate``), 409 the
    key of a stored submission with another body, 400 a
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
    # A file the renderer uploaded ahead (``portal.services.intake.uploads``): its bytes are stored
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
    digest = _fingerprint(form_key, data, files)
    stored = by_key(session, actor.user_id, idempotency_key)
    if stored is not None:
        return _replay(stored, form_key, digest)

    found = _published(session, form_key)
    if found is None:
        return _fail(404, {FORM: [_("This form does not exist or is no longer available.")]})
    definition, version = found
    if definition.audience != audience:
        return _fail(403, {FORM: [_("This form is not meant for you.")]})
    if not isinstance(data, dict):
        return _fail(400, {FORM: [_("The submission data must be an object of fields.")]})

    from portal.services.intake import forms

    defn = forms.parsed(version)
    links = portal_scope.linked_clients(session, actor)
    options = portal_scope.options_for(session, actor, defn, links)
    data = dict(data)
    errors, uploads = _take_uploads(defn, data, files or {}, session, actor, form_key)

    foreign = _foreign_references(defn, data, options)
    if foreign:
        return _fail(403, foreign)
    result = fe.validate_submission(defn, data, locale, options=options, today=rules.today())
    for path, messages in result.errors.items():
        errors.setdefault(path, []).extend(messages)
    if not errors:
        errors.update(_unbacked_files(defn, result.clean_data, uploads))
    if errors:
        return _fail(422, errors)

    # The minors' limits of community work, beside the row's hours (as on the screens).
    from portal.services.work import limits as work_limits

    limits = work_limits.submission_errors(
        session, defn.plus.intake if defn.plus else [], result.clean_data)
    if limits:
        return _fail(422, limits)

    taken = fe.unique_values(defn, result.clean_data)
    duplicates = _taken_already(session, defn, version.id, taken, locale)
    if duplicates:
        return _fail(422, duplicates)

    clean = _jsonable(result.clean_data)
    # Uploads of components the form hid (or left empty) are dropped, like their data.
    uploads = [u for u in uploads if clean.get(u.component_key)]
    client_id, case_id, unit_id = _route(session, actor, audience, defn, clean, links)
    submission = Submission(
        version_id=version.id,
        submitted_by_id=actor.user_id,
        idempotency_key=idempotency_key,
        request_sha256=digest,
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
    unique = _Unique(defn, taken, locale)
    return _store(session, actor, submission, uploads, usage.service_for(audience), unique)


@dataclass
class _Unique:
    """The ``unique`` values a submission takes, and how to word a clash."""

    defn: fe.FormDefinition
    taken: list[tuple[fe.Field, str]]
    locale: str


def _taken_already(
    session: Session,
    defn: fe.FormDefinition,
    version_id: int,
    taken: list[tuple[fe.Field, str]],
    locale: str,
) -> dict[str, list[str]]:
    """Errors for ``unique`` values a stored submission of the same version already has."""
    errors: dict[str, list[str]] = {}
    for field, digest in taken:
        exists = session.scalar(select(models.SubmissionUniqueValue.id).where(
            models.SubmissionUniqueValue.version_id == version_id,
            models.SubmissionUniqueValue.component_key == field.key,
            models.SubmissionUniqueValue.value_hash == digest,
        ).limit(1))
        if exists is not None:
            errors[field.key] = [error_message(defn, field, "unique", {}, locale)]
    return errors


def _store(
    session: Session,
    actor: access.Actor,
    submission: Submission,
    uploads: list[_Upload],
    service: models.EService,
    unique: _Unique | None = None,
) -> SubmitResult:
    stored_keys: list[str] = []
    try:
        with audit.acting_as(actor.user_id, "portal"):
            session.add(submission)
            session.flush()
            for field, digest in unique.taken if unique else ():
                # The unique constraint decides when two submissions race past the check.
                session.add(models.SubmissionUniqueValue(
                    submission_id=submission.id, version_id=submission.version_id,
                    component_key=field.key, value_hash=digest))
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
        stored = by_key(session, actor.user_id, submission.idempotency_key)
        if stored is None:
            # Not the same request twice: another submission took a unique value first.
            clash = unique and _taken_already(session, unique.defn, submission.version_id,
                                              unique.taken, unique.locale)
            if clash:
                return _fail(422, clash)
            raise
        return _replay(stored, stored.version.definition.key, submission.request_sha256)
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


def by_key(session: Session, user_id: int, key: str) -> Submission | None:
    return session.scalars(
        select(Submission).where(
            Submission.submitted_by_id == user_id, Submission.idempotency_key == key
        )
    ).first()


def _fingerprint(form_key: Any, data: Any, files: Mapping[str, Iterable[FileStorage]] | None
                 ) -> str | None:
    """SHA-256 of what was posted (form, data, names of attached files), or None if the data
    cannot be serialised (it is refused later as malformed)."""
    names = sorted(
        [str(key), storage.filename or ""]
        for key, storages in (files or {}).items()
        for storage in storages
        if storage is not None and storage.filename
    )
    try:
        text = json.dumps({"form": form_key, "data": data, "files": names}, sort_keys=True,
                          separators=(",", ":"), ensure_ascii=True, default=str)
    except (TypeError, ValueError, RecursionError):
        return None
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _replay(stored: Submission, form_key: Any, digest: str | None) -> SubmitResult:
    if stored.version.definition.key != form_key:
        return _fail(422, {KEY_FIELD: [_(
            "This idempotency key was already used for another form. Use a new key."
        )]})
    if stored.request_sha256 is not None and stored.request_sha256 != digest:
        # The same key with another body is a client bug (or a reused key): answering with
        # the first submission would silently drop what was just sent.
        return _fail(409, {KEY_FIELD: [_(
            "This idempotency key was already used for a different submission. Use a new key "
            "for a new submission."
        )]})
    return SubmitResult(submission=stored, duplicate=True, status_code=200)


def _published(session: Session, form_key: Any) -> tuple[FormDefinition, FormVersion] | None:
    if not isinstance(form_key, str) or not form_key or len(form_key) > 60:
        return None
    from portal.services.intake import forms

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
                _ext, content_type = documents.check_upload(name, head, size,
                                                                 storage.stream)
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


def linked_values(defn: fe.FormDefinition, clean: Mapping[str, Any]) -> list[str]:
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
    chosen = [by_value[v] for v in linked_values(defn, clean) if v in by_value]
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

