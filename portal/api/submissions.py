"""The submission API used by the ``@formio/js`` renderer (and any other portal client).

* ``GET  /api/v1/forms/<key>``: the published form, translated, with the user's linked
  clients filled into its ``linked_clients`` selects;
* ``POST /api/v1/forms/<key>/submissions``: ``{"data": {...}}`` exactly as ``@formio/js``
  posts it, with an ``Idempotency-Key`` header (or ``"idempotency_key"`` in the body);
  answers 201 ``{"id", "status"}``, 200 for a replayed key, 409 for a replayed key with a
  different body, 400 for a body that is not a JSON
  object or a missing key, 403, 404, or 422 ``{"errors": {"<field path>": ["..."]}}`` with
  messages in the user's language;
* ``GET  /api/v1/submissions/mine``: the user's own submissions with status and reply;
* ``POST /api/v1/forms/<key>/files?component=<file component>``: one file (multipart field
  ``file``, as Form.io's ``url`` storage posts it) uploaded ahead of the submission; answers
  201 ``{"url", "name", "size", "type", "expires_at"}``: the ``url`` goes into the file value
  the submission posts (see ``portal.services.intake.uploads``), 403, 404 or 422 with errors;
* ``GET``/``DELETE /api/v1/forms/<key>/files/<token>``: the user's own upload, not yet sent.

Portal users authenticate with their session cookie, so writes need the ``X-CSRFToken``
header (``portal.security.csrf``). The rules are all in ``portal.services.intake.submissions``; the
server-rendered portal form calls the same function, so both get the same verdict.
"""

from __future__ import annotations

from typing import Any

from flask import Response, request, send_file, url_for
from flask_appbuilder import AppBuilder
from flask_appbuilder.api import BaseApi, expose
from flask_appbuilder.security.decorators import permission_name, protect
from flask_babel import get_locale
from flask_babel import gettext as _

from portal import formsengine as fe
from portal.extensions import db
from portal.models import Submission
from portal.services import access
from portal.services.casework import documents
from portal.services.errors import AccessDenied, NotFound, ValidationFailed
from portal.services.intake import submissions, uploads
from portal.services.partners import portal_scope


def _locale() -> str:
    locale = get_locale()
    return fe.normalize_locale(str(locale) if locale is not None else None)


def _errors(code: int, errors: dict[str, list[str]]) -> Response:
    first = next((m for messages in errors.values() for m in messages), "")
    return BaseApi.response(code, message=first, errors=errors)


def _point_file_uploads(components: Any, key: str) -> None:
    """Make the form's file components upload to the portal (Form.io ``url`` storage).

    Files inside a datagrid are left alone: neither portal path takes them (the upload
    endpoint refuses them with a message).
    """
    for comp in components if isinstance(components, list) else []:
        if not isinstance(comp, dict):
            continue
        if comp.get("type") == "file" and isinstance(comp.get("key"), str):
            comp["storage"] = "url"
            comp["url"] = url_for("SubmissionApi.upload_file", key=key, component=comp["key"])
        if comp.get("type") != "datagrid":
            _point_file_uploads(comp.get("components"), key)
            for column in comp.get("columns") or []:
                if isinstance(column, dict):
                    _point_file_uploads(column.get("components"), key)


def _summary(submission: Submission, locale: str) -> dict[str, Any]:
    definition = submission.version.definition
    return {
        "id": submission.id,
        "form": definition.key,
        "title": definition.title(locale),
        "version": submission.version.number,
        "status": submission.status.value,
        "status_label": str(submission.status),
        "submitted_at": submission.created_at.isoformat(),
        "rejection_reason": submission.rejection_reason,
        "reply": submission.reply,
        "replied_at": submission.replied_at.isoformat() if submission.replied_at else None,
    }


class SubmissionApi(BaseApi):
    """Forms for the renderer, and submissions from it."""

    resource_name = "submissions"
    route_base = "/api/v1"
    allow_browser_login = True
    openapi_spec_tag = "Submissions"

    @expose("/forms/<string:key>", methods=["GET"])
    @protect(allow_browser_login=True)
    @permission_name("read")
    def get_form(self, key: str) -> Response:
        """The published form ``key`` for the renderer, in the user's language."""
        from portal.services.intake import forms

        actor = access.current_actor()
        audience = portal_scope.audience_of(actor)
        found = forms.published(db.session, key) if len(key) <= 60 else None
        if found is None:
            return _errors(404, {fe.FORM_ERRORS: [
                _("This form does not exist or is no longer available.")]})
        definition, version = found
        if audience is None or definition.audience != audience:
            return _errors(403, {fe.FORM_ERRORS: [_("This form is not meant for you.")]})
        locale = _locale()
        defn = forms.parsed(version)
        schema = fe.translate(defn, locale)
        fe.fill_options(schema, portal_scope.options_for(db.session, actor, defn))
        _point_file_uploads(schema.get("components"), definition.key)
        return self.response(
            200, key=definition.key, title=definition.title(locale), version=version.number,
            language=locale, schema=schema,
        )

    @expose("/forms/<string:key>/submissions", methods=["POST"])
    @protect(allow_browser_login=True)
    @permission_name("submit")
    def post_submission(self, key: str) -> Response:
        """Validate and store a submission of form ``key``."""
        body = request.get_json(silent=True) if request.is_json else None
        if not isinstance(body, dict):
            return _errors(400, {fe.FORM_ERRORS: [
                _("Send the submission as a JSON object: {\"data\": {...}}.")]})
        if "data" not in body:
            return _errors(400, {fe.FORM_ERRORS: [
                _("The submission has no \"data\" object.")]})
        idempotency_key = request.headers.get("Idempotency-Key") or body.get("idempotency_key")
        result = submissions.submit(
            db.session,
            user=access.current_actor(),
            form_key=key,
            data=body["data"],
            idempotency_key=idempotency_key,
            locale=_locale(),
        )
        if result.submission is None:
            return _errors(result.status_code, result.errors)
        assert result.status is not None
        return self.response(
            result.status_code, id=result.submission_id, status=result.status.value,
            duplicate=result.duplicate,
        )

    @expose("/forms/<string:key>/files", methods=["POST"])
    @protect(allow_browser_login=True)
    @permission_name("submit")
    def upload_file(self, key: str) -> Response:
        """Store one file for a file component of form ``key``, ahead of the submission."""
        component = request.args.get("component") or request.form.get("component")
        try:
            upload, token = uploads.accept(
                db.session, user=access.current_actor(), form_key=key,
                component_key=component, storage=request.files.get("file"), locale=_locale(),
            )
        except AccessDenied as exc:
            return _errors(403, {exc.field or fe.FORM_ERRORS: [str(exc.message)]})
        except NotFound as exc:
            return _errors(404, {exc.field or fe.FORM_ERRORS: [str(exc.message)]})
        except ValidationFailed as exc:
            return _errors(422, {exc.field or "file": [str(exc.message)]})
        # Absolute: Form.io puts the upload URL in front of a URL starting with "/".
        url = url_for("SubmissionApi.pending_file", key=upload.form_key, token=token,
                      _external=True)
        return self.response(
            201, url=url, name=upload.filename, size=upload.size_bytes,
            type=upload.content_type, expires_at=upload.expires_at.isoformat(),
        )

    @expose("/forms/<string:key>/files/<string:token>", methods=["GET"])
    @protect(allow_browser_login=True)
    @permission_name("read")
    def pending_file(self, key: str, token: str) -> Response:
        """Download the user's own upload that is still waiting for its submission."""
        upload = uploads.find_own(db.session, access.current_actor(), key, token)
        path = documents.path_of(upload.storage_key) if upload is not None else None
        if upload is None or path is None or not path.is_file():
            return _errors(404, {fe.FORM_ERRORS: [_("The file was not found.")]})
        return send_file(path, mimetype=upload.content_type, as_attachment=True,
                         download_name=upload.filename)

    @expose("/forms/<string:key>/files/<string:token>", methods=["DELETE"])
    @protect(allow_browser_login=True)
    @permission_name("submit")
    def discard_file(self, key: str, token: str) -> Response:
        """Remove the user's own upload that is still waiting for its submission."""
        if not uploads.discard(db.session, access.current_actor(), key, token):
            return _errors(404, {fe.FORM_ERRORS: [_("The file was not found.")]})
        return self.response(200, message=_("The file was removed."))

    @expose("/submissions/mine", methods=["GET"])
    @protect(allow_browser_login=True)
    @permission_name("read")
    def mine(self) -> Response:
        """The user's own submissions, newest first, with status and reply."""
        actor = access.current_actor()
        if portal_scope.audience_of(actor) is None:
            return self.response_403()
        locale = _locale()
        rows = submissions.mine(db.session, actor)
        return self.response(200, result=[_summary(s, locale) for s in rows])


def register(appbuilder: AppBuilder) -> None:
    """Register the submission API."""
    appbuilder.add_api(SubmissionApi)
