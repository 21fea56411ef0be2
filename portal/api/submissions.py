"""The submission API used by the ``@formio/js`` renderer (and any other portal client).

* ``GET  /api/v1/forms/<key>``: the published form, translated, with the user's linked
  clients filled into its ``linked_clients`` selects;
* ``POST /api/v1/forms/<key>/submissions``: ``{"data": {...}}`` exactly as ``@formio/js``
  posts it, with an ``Idempotency-Key`` header (or ``"idempotency_key"`` in the body);
  answers 201 ``{"id", "status"}``, 200 for a replayed key, 400 for a body that is not a JSON
  object or a missing key, 403, 404, or 422 ``{"errors": {"<field path>": ["..."]}}`` with
  messages in the user's language;
* ``GET  /api/v1/submissions/mine``: the user's own submissions with status and reply.

Portal users authenticate with their session cookie, so writes need the ``X-CSRFToken``
header (``portal.security.csrf``). The rules are all in ``portal.services.submissions``; the
server-rendered portal form calls the same function, so both get the same verdict.
"""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_appbuilder import AppBuilder
from flask_appbuilder.api import BaseApi, expose
from flask_appbuilder.security.decorators import permission_name, protect
from flask_babel import get_locale
from flask_babel import gettext as _

from portal import formsengine as fe
from portal.extensions import db
from portal.models import Submission
from portal.services import access, portal_scope, submissions


def _locale() -> str:
    locale = get_locale()
    return fe.normalize_locale(str(locale) if locale is not None else None)


def _errors(code: int, errors: dict[str, list[str]]) -> Response:
    first = next((m for messages in errors.values() for m in messages), "")
    return BaseApi.response(code, message=first, errors=errors)


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
        from portal.services import forms

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
        submission = result.submission
        response = self.response(
            result.status_code, id=submission.id, status=submission.status.value,
            duplicate=result.duplicate,
        )
        return response

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
