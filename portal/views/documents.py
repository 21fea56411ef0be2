"""Case documents: upload with type and size limits, download through access checks."""

from __future__ import annotations

from typing import Any

from flask import abort, request, send_file
from flask_appbuilder import AppBuilder
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms.validators import ValidationError

from portal.extensions import db
from portal.models import Document, DocumentOrigin
from portal.services import access, audit
from portal.services.casework import documents
from portal.services.errors import ValidationFailed
from portal.views.base import PlusInterface, ScopedModelView
from portal.views.case_context import CaseContextMixin, case_picker


def _file_validator(form: Any, field: Any) -> None:
    upload = field.data
    if upload is None or not getattr(upload, "filename", ""):
        raise ValidationError(_l("Choose a file to upload."))
    head = upload.stream.read(16)
    upload.stream.seek(0, 2)
    size = upload.stream.tell()
    upload.stream.seek(0)
    try:
        documents.check_upload(upload.filename, head, size, upload.stream)
    except ValidationFailed as exc:
        raise ValidationError(str(exc.message)) from exc


def _template_version(version: Any) -> Any:
    from portal.services.paperwork import TYPE_LABELS

    if version is None:
        return "—"
    return _l("%(document)s, version %(number)s",
              document=TYPE_LABELS[version.template.doc_type], number=version.number)


class DocumentInterface(PlusInterface):
    """Documents' data access: an upload whose row cannot be saved leaves no bytes behind."""

    def add(self, item: Any, commit: bool = True) -> None:
        try:
            super().add(item, commit)
        except Exception:
            if item.storage_key:
                documents.remove(item.storage_key)
            raise


class DocumentView(CaseContextMixin, ScopedModelView):
    """Documents on a case; bytes live outside the database and web root."""

    datamodel = DocumentInterface(Document)
    list_title = _l("Documents")
    label_columns = {
        "case": _l("Case"),
        "title": _l("Title"),
        "filename": _l("File name"),
        "content_type": _l("Type"),
        "size_bytes": _l("Size (bytes)"),
        "origin": _l("Origin"),
        "shared_with_client": _l("Shared with the client"),
        "uploaded_by": _l("Uploaded by"),
        "created_at": _l("Added"),
        "file": _l("File"),
        "download": _l("Download"),
        "template_version": _l("Template version"),
    }
    list_columns = ["case", "title", "filename", "origin", "shared_with_client", "created_at"]
    show_columns = [
        "case", "title", "filename", "content_type", "size_bytes", "origin",
        "shared_with_client", "uploaded_by", "created_at", "template_version",
    ]
    # A generated document's template version, e.g. "Norīkojums darba devējam, 2. versija".
    formatters_columns = {"template_version": lambda v: _template_version(v)}
    add_columns = ["case", "title", "shared_with_client", "file"]
    edit_columns = ["title", "shared_with_client"]
    base_order = ("id", "desc")
    add_form_extra_fields = {
        "file": FileField(_l("File"), validators=[_file_validator]),
        "case": case_picker(),
    }
    case_section = "case-documents"
    case_relations = ("case",)

    def pre_add(self, item: Document) -> None:
        super().pre_add(item)
        upload = request.files.get("file")
        if upload is None:
            raise ValueError(str(_l("Choose a file to upload.")))
        ext, content_type = documents.check_upload(
            upload.filename or "", upload.stream.read(16), 1, upload.stream
        )
        upload.stream.seek(0)
        key, size, digest = documents.store(upload.stream)
        item.filename = documents.display_name(upload.filename or "")
        item.content_type = content_type
        item.size_bytes = size
        item.sha256 = digest
        item.storage_key = key
        item.origin = DocumentOrigin.UPLOADED
        item.uploaded_by_id = access.current_actor().user_id

    def post_delete(self, item: Document) -> None:
        documents.remove(item.storage_key)

    @expose("/download/<int:pk>")
    @has_access
    def download(self, pk: int) -> Any:
        item = self.datamodel.get(pk, self._base_filters)
        path = documents.path_of(item.storage_key) if item is not None else None
        if path is None or not path.is_file():  # bytes lost (a restore without them): 404
            abort(404)
        audit.record_access(
            db.session, user_id=access.current_actor().user_id, action="document.download",
            case_id=item.case_id,
        )
        db.session.commit()
        return send_file(
            path, mimetype=item.content_type,
            as_attachment=True, download_name=item.filename,
        )


def register(appbuilder: AppBuilder) -> None:
    """Add the document screen."""
    appbuilder.add_view(
        DocumentView, "Documents", label=_l("Documents"), icon="fa-file", category="Casework"
    )
