"""The officer inbox: submissions from the portal, scoped to the officer's unit.

Thin: the rules (scope, status, intake, notices) are in ``portal.services.submissions``.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, send_file, url_for
from flask_appbuilder import AppBuilder, BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.extensions import db
from portal.models import FormDefinition, SubmissionAttachment, SubmissionStatus
from portal.services import access, audit, case_file, documents, submissions
from portal.services.errors import AccessDenied, DomainError, NotFound

PAGE_SIZE = 50

#: Labels of the register fields an intake may touch (others show as entity.field).
FIELD_LABELS: dict[tuple[str, str], Any] = {
    ("Client", "address"): _l("Address"),
    ("Client", "phone"): _l("Phone"),
    ("Client", "email"): _l("E-mail"),
    ("WorkAssignment", "schedule_agreed_by_employer"): _l("Schedule agreed by the employer"),
    ("HoursLog", "assignment_id"): _l("Work assignment"),
    ("HoursLog", "work_date"): _l("Date"),
    ("HoursLog", "hours"): _l("Hours"),
    ("NoShow", "event_date"): _l("Date"),
    ("NoShow", "left_without_leave"): _l("Left without leave"),
    ("NoShow", "explanation"): _l("Explanation"),
    ("WorkIncident", "event_date"): _l("Date"),
    ("WorkIncident", "description"): _l("Description"),
    ("Vacancy", "title"): _l("Title"),
    ("Vacancy", "description"): _l("Description"),
    ("Vacancy", "places"): _l("Places"),
    ("Vacancy", "valid_until"): _l("Valid until"),
    ("Vacancy", "suitable_for_minors"): _l("Suitable for minors"),
    ("PriorityWork", "title"): _l("Title"),
    ("PriorityWork", "description"): _l("Description"),
    ("PriorityWork", "period_start"): _l("Period start"),
    ("PriorityWork", "period_end"): _l("Period end"),
}
ENTITY_LABELS: dict[str, Any] = {
    "Client": _l("Client"),
    "WorkAssignment": _l("Work assignment"),
    "HoursLog": _l("Hours worked"),
    "NoShow": _l("No-show"),
    "WorkIncident": _l("Incident at work"),
    "Vacancy": _l("Vacancy"),
    "PriorityWork": _l("Priority work"),
}
# Context columns filled by the service; shown, but not worth a label of their own.
_HIDDEN_VALUES = {"employer_id", "case_id", "reported_by"}


def _locale() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "lv"


def _field_label(entity: str, name: str | None) -> str:
    if name is None:
        return str(ENTITY_LABELS.get(entity, entity))
    return str(FIELD_LABELS.get((entity, name), name.replace("_", " ")))


class InboxView(BaseView):
    """Submissions to process: list, detail with proposed changes, accept/reject/reply."""

    route_base = "/inbox"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self) -> Any:
        actor = access.current_actor()
        status_arg = request.args.get("status") or ""
        status = next((s for s in SubmissionStatus if s.value == status_arg), None)
        form_key = (request.args.get("form") or "")[:60] or None
        try:
            page = max(0, int(request.args.get("page", "0")))
        except ValueError:
            page = 0
        rows = submissions.inbox(
            db.session, actor, status=status, form_key=form_key,
            limit=PAGE_SIZE + 1, offset=page * PAGE_SIZE,
        )
        forms = db.session.scalars(select(FormDefinition).order_by(FormDefinition.key)).all()
        return self.render_template(
            "inbox/list.html",
            rows=rows[:PAGE_SIZE], has_more=len(rows) > PAGE_SIZE, page=page,
            statuses=list(SubmissionStatus), status=status, forms=forms, form_key=form_key,
            locale=_locale(), title=_l("Inbox"),
        )

    @expose("/<int:pk>")
    @has_access
    def show(self, pk: int) -> Any:
        actor = access.current_actor()
        try:
            submission = submissions.mark_in_processing(db.session, pk, actor)
        except NotFound:
            abort(404)
        audit.record_access(
            db.session, user_id=actor.user_id, action="submission.show",
            client_id=submission.client_id, case_id=submission.case_id,
        )
        db.session.commit()
        return self._detail(submission)

    def _detail(self, submission: Any, errors: dict[str, str] | None = None,
                form: dict[str, str] | None = None, code: int = 200) -> Any:
        actor = access.current_actor()
        locale = _locale()
        changes = submissions.proposed_changes(db.session, submission)
        case = None
        hours = None
        if submission.case_id is not None:
            try:
                built = case_file.build(db.session, submission.case_id, actor)
                case = built.case
                hours = (built.hours_confirmed, built.hours_ordered)
            except NotFound:
                case = None  # a case of another unit: its data is not shown here
        status = submission.status
        return self.render_template(
            "inbox/show.html",
            s=submission,
            definition=submission.version.definition,
            items=submissions.describe(db.session, submission, locale),
            changes=changes,
            case=case,
            hours=hours,
            field_label=_field_label,
            hidden_values=_HIDDEN_VALUES,
            can_decide=status in (SubmissionStatus.RECEIVED, SubmissionStatus.IN_PROCESSING),
            can_reply=status in (SubmissionStatus.ACCEPTED, SubmissionStatus.REJECTED),
            can_apply=not any(c.problem for c in changes) and (
                submission.case_id is None
                or access.can_add_to_case(db.session, submission.case_id, actor)),
            errors=errors or {},
            form=form or {},
            locale=locale,
            title=_l("Submission"),
        ), code

    def _act(self, pk: int, action: str, field: str | None = None) -> Any:
        actor = access.current_actor()
        text = request.form.get(field, "") if field else ""
        try:
            if action == "accept":
                submissions.accept(db.session, pk, actor)
                flash(str(_l("The submission was accepted and its changes applied.")), "success")
            elif action == "reject":
                submissions.reject(db.session, pk, actor, text)
                flash(str(_l("The submission was rejected.")), "success")
            else:
                submissions.answer(db.session, pk, actor, text)
                flash(str(_l("The reply was saved.")), "success")
        except NotFound:
            abort(404)
        except AccessDenied as exc:
            flash(str(exc.message), "danger")
            return redirect(url_for("InboxView.show", pk=pk))
        except DomainError as exc:
            submission = submissions.get_for_officer(db.session, pk, actor)
            key = exc.field or action
            return self._detail(submission, errors={key: str(exc.message)},
                                form={field: text} if field else {}, code=422)
        return redirect(url_for("InboxView.show", pk=pk))

    @expose("/<int:pk>/accept", methods=["POST"])
    @has_access
    def accept(self, pk: int) -> Any:
        return self._act(pk, "accept")

    @expose("/<int:pk>/reject", methods=["POST"])
    @has_access
    def reject(self, pk: int) -> Any:
        return self._act(pk, "reject", "reason")

    @expose("/<int:pk>/reply", methods=["POST"])
    @has_access
    def reply(self, pk: int) -> Any:
        return self._act(pk, "reply", "reply")

    @expose("/<int:pk>/attachment/<int:attachment_id>")
    @has_access
    def attachment(self, pk: int, attachment_id: int) -> Any:
        actor = access.current_actor()
        try:
            submission = submissions.get_for_officer(db.session, pk, actor)
        except NotFound:
            abort(404)
        item = db.session.get(SubmissionAttachment, attachment_id)
        if item is None or item.submission_id != submission.id:
            abort(404)
        audit.record_access(
            db.session, user_id=actor.user_id, action="submission.attachment",
            client_id=submission.client_id, case_id=submission.case_id,
        )
        db.session.commit()
        return send_file(
            documents.path_of(item.storage_key), mimetype=item.content_type,
            as_attachment=True, download_name=item.filename,
        )


def register(appbuilder: AppBuilder) -> None:
    """Add the inbox to the menu."""
    appbuilder.add_view(InboxView, "Inbox", label=_l("Inbox"), icon="fa-inbox")
