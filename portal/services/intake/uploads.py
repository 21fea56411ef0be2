"""Files uploaded ahead of a submission: the ``url`` storage of the ``@formio/js`` renderer.

The server-rendered portal form sends its files with the form itself (multipart). The
renderer instead uploads each file as soon as it is chosen, and later posts JSON whose file
values only name those uploads. So that both paths keep one verdict:

1. :func:`accept` checks one file exactly as the server form's files are checked
   (:func:`portal.services.casework.documents.check_upload`: type, size, magic bytes; then the
   component's own pattern and size limits), only for a file component of a published form
   of the user's audience, stores it outside the web root and records a
   :class:`~portal.models.PendingUpload` owned by the user. The renderer gets a token (only
   its SHA-256 is stored), inside the URL it keeps as the file value.
2. The submission service :func:`claim` s each file value of posted JSON: the token must be
   the user's own, for this form and component, and not expired. The file is then described
   from the stored row, never from what the client says, in the same shape the server form
   stores; :func:`consume` removes the row in the submission's own transaction, so a token
   works once and the stored bytes pass to the ``SubmissionAttachment``.
3. :func:`remove_expired` removes what was never submitted (rows, then bytes); it runs as the
   Celery task ``portal.jobs.remove_expired_uploads`` and as
   ``flask plus remove-expired-uploads``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from portal import formsengine as fe
from portal.models import PendingUpload
from portal.models.base import utcnow
from portal.services import audit
from portal.services.casework import documents
from portal.services.errors import AccessDenied, NotFound, ValidationFailed
from portal.services.partners import portal_scope

__all__ = [
    "DEFAULT_MAX_PENDING",
    "DEFAULT_TTL_HOURS",
    "UploadUnavailable",
    "accept",
    "claim",
    "consume",
    "describe",
    "discard",
    "find_own",
    "remove_expired",
    "token_of",
]

#: How long an upload waits for its submission (``PENDING_UPLOAD_TTL_HOURS`` overrides).
DEFAULT_TTL_HOURS = 24
#: How many unexpired uploads one user may have waiting (``MAX_PENDING_UPLOADS`` overrides):
#: without a cap, one account could fill the disk before the clean-up runs.
DEFAULT_MAX_PENDING = 30
#: What ``secrets.token_urlsafe(32)`` makes; anything else is refused before a lookup.
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}\Z")
#: The ``storage`` of a file description the portal stored itself (as the server form does).
STORAGE = "portal"


class UploadUnavailable(ValidationFailed):
    """A file value names no usable upload of this user (unknown, foreign, expired, used)."""


def _ttl() -> dt.timedelta:
    return dt.timedelta(hours=float(current_app.config.get("PENDING_UPLOAD_TTL_HOURS",
                                                           DEFAULT_TTL_HOURS)))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _file_component(defn: fe.FormDefinition, component_key: Any) -> bool:
    # Top-level file components only: the server form cannot take files inside a datagrid
    # either, and the two paths must accept the same forms.
    if not isinstance(component_key, str) or "." in component_key:
        return False
    comp = defn.inputs.get(component_key)
    return comp is not None and comp.type == "file"


def describe(upload: PendingUpload) -> dict[str, Any]:
    """The file value stored in the submission's data: what the server form stores too."""
    return {
        "name": upload.filename, "originalName": upload.filename, "size": upload.size_bytes,
        "type": upload.content_type, "storage": STORAGE,
    }


def accept(
    session: Session,
    *,
    user: Any,
    form_key: Any,
    component_key: Any,
    storage: FileStorage | None,
    locale: str = "lv",
    now: dt.datetime | None = None,
) -> tuple[PendingUpload, str]:
    """Check and store one file for a file component; return the pending upload and its token.

    The session is committed on success; on failure nothing is stored.

    :raises AccessDenied: not a linked portal user, or the form is for another audience.
    :raises NotFound: no such published form, or it has no file component ``component_key``
        (field ``component``).
    :raises ValidationFailed: no file, a refused file, or too many uploads waiting (field
        ``file``).
    """
    from portal.services.intake import forms

    actor = portal_scope.actor_of(user)
    audience = portal_scope.audience_of(actor)
    if audience is None or actor.user_id is None:
        raise AccessDenied(_l("Only clients, employers and volunteers linked to their "
                              "records may submit forms."))
    found = (forms.published(session, form_key)
             if isinstance(form_key, str) and 0 < len(form_key) <= 60 else None)
    if found is None:
        raise NotFound(_l("This form does not exist or is no longer available."))
    definition, version = found
    if definition.audience != audience:
        raise AccessDenied(_l("This form is not meant for you."))
    defn = forms.parsed(version)
    if not _file_component(defn, component_key):
        raise NotFound(_l("This form has no file field here."), "component")
    if storage is None or not storage.filename:
        raise ValidationFailed(_l("Choose a file to upload."), "file")

    name = documents.display_name(storage.filename)
    head = storage.stream.read(16)
    storage.stream.seek(0, 2)
    size = storage.stream.tell()
    storage.stream.seek(0)
    _ext, content_type = documents.check_upload(name, head, size, storage.stream)
    description = {"name": name, "originalName": name, "size": size, "type": content_type,
                   "storage": STORAGE}
    problems = _component_problems(defn, component_key, description, locale)
    if problems:
        raise ValidationFailed(problems[0], "file")
    now = now or utcnow()
    waiting = session.execute(
        select(func.count()).select_from(PendingUpload).where(
            PendingUpload.user_id == actor.user_id, PendingUpload.expires_at > now)
    ).scalar_one()
    if waiting >= int(current_app.config.get("MAX_PENDING_UPLOADS", DEFAULT_MAX_PENDING)):
        raise ValidationFailed(_l("Too many of your files are waiting to be sent. Send the "
                                  "form, or remove some files, and try again."), "file")

    token = secrets.token_urlsafe(32)
    key, stored_size, digest = documents.store(storage.stream)
    upload = PendingUpload(
        user_id=actor.user_id, token_hash=_hash(token), form_key=definition.key,
        version_id=version.id, component_key=component_key, filename=name,
        content_type=content_type, size_bytes=stored_size, sha256=digest, storage_key=key,
        created_at=now, expires_at=now + _ttl(),
    )
    try:
        with audit.acting_as(actor.user_id, "portal"):
            session.add(upload)
            session.flush()
        session.commit()
    except BaseException:
        session.rollback()
        documents.remove(key)
        raise
    return upload, token


def _component_problems(
    defn: fe.FormDefinition, component_key: str, description: Mapping[str, Any], locale: str
) -> list[str]:
    """The component's own limits (pattern, sizes), in the words validation will use later.

    Only this component's errors count: the rest of the form is empty here on purpose.
    """
    options: dict[str, list[str]] = {source: [] for source in defn.option_sources}
    result = fe.validate_submission(defn, {component_key: [dict(description)]}, locale,
                                    options=options)
    return list(result.errors.get(component_key, []))


def token_of(value: Any) -> str | None:
    """The upload token a file value names: the last segment of its ``url`` (else None)."""
    if not isinstance(value, Mapping):
        return None
    url = value.get("url")
    if not isinstance(url, str) or len(url) > 2000:
        return None
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    token = path.rstrip("/").rsplit("/", 1)[-1]
    return token if _TOKEN_RE.match(token) else None


def _own(session: Session, user_id: int, token: Any) -> PendingUpload | None:
    if not isinstance(token, str) or not _TOKEN_RE.match(token):
        return None
    return session.scalars(
        select(PendingUpload).where(
            PendingUpload.token_hash == _hash(token), PendingUpload.user_id == user_id)
    ).first()


def claim(
    session: Session,
    *,
    user_id: int,
    form_key: str,
    component_key: str,
    value: Any,
    now: dt.datetime | None = None,
) -> PendingUpload:
    """The pending upload a posted file value names, if this user may use it here.

    Another user's token, a forged or used one and one for another form or component are
    refused alike (so a token never tells whose it is); an expired one of the user's own says
    so. The row stays until :func:`consume`.

    :raises UploadUnavailable: (field ``component_key``) the value names no usable upload.
    """
    upload = _own(session, user_id, token_of(value))
    if upload is None or upload.form_key != form_key or upload.component_key != component_key:
        raise UploadUnavailable(
            _l("This file was not uploaded with this form, or it was already sent. "
               "Attach it again."), component_key)
    if upload.expires_at <= (now or utcnow()):
        raise UploadUnavailable(
            _l("%(name)s waited too long to be sent. Attach it again.", name=upload.filename),
            component_key)
    return upload


def consume(session: Session, upload: PendingUpload) -> None:
    """Remove a claimed upload's row inside the submission's transaction (not committed).

    The DELETE is the guard against two submissions racing for one token: only the one that
    deletes the row gets the file.

    :raises UploadUnavailable: another transaction (a submission or the clean-up) took it.
    """
    result = session.execute(
        delete(PendingUpload)
        .where(PendingUpload.id == upload.id, PendingUpload.user_id == upload.user_id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise UploadUnavailable(
            _l("This file was not uploaded with this form, or it was already sent. "
               "Attach it again."), upload.component_key)
    session.expunge(upload)


def find_own(
    session: Session, user: Any, form_key: str, token: Any, now: dt.datetime | None = None
) -> PendingUpload | None:
    """The user's own unexpired pending upload for ``form_key`` named by ``token``."""
    actor = portal_scope.actor_of(user)
    if actor.user_id is None:
        return None
    upload = _own(session, actor.user_id, token)
    if upload is None or upload.form_key != form_key or upload.expires_at <= (now or utcnow()):
        return None
    return upload


def discard(session: Session, user: Any, form_key: str, token: Any) -> bool:
    """Remove the user's own pending upload (the renderer's "remove file"); False if none."""
    upload = find_own(session, user, form_key, token)
    if upload is None:
        return False
    key = upload.storage_key
    try:
        gone = session.execute(
            delete(PendingUpload).where(PendingUpload.id == upload.id)
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
        session.commit()
    except BaseException:
        session.rollback()
        raise
    if gone:
        documents.remove(key)
    return bool(gone)


def remove_expired(session: Session, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Delete expired pending uploads and their stored bytes; return how many were removed.

    Rows go first (committed per batch), bytes after: only the bytes of rows this call
    actually deleted are removed, so a file a submission consumed meanwhile is never touched.
    """
    now = now or utcnow()
    removed = 0
    while True:
        ids = list(session.scalars(
            select(PendingUpload.id).where(PendingUpload.expires_at <= now)
            .order_by(PendingUpload.id).limit(batch)
        ))
        if not ids:
            return removed
        try:
            keys = list(session.scalars(
                delete(PendingUpload)
                .where(PendingUpload.id.in_(ids), PendingUpload.expires_at <= now)
                .returning(PendingUpload.storage_key)
                .execution_options(synchronize_session=False)
            ))
            session.commit()
        except BaseException:
            session.rollback()
            raise
        for key in keys:
            documents.remove(key)
        removed += len(keys)
        if len(ids) < batch:
            return removed
