"""The officer inbox: submissions from the portal, scoped to the officer's unit.

Thin: the rules (scope, status, intake, notices) are in ``portal.services.intake.submissions``.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_appbuilder import AppBuilder, BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from connectors import registry
from portal.extensions import db
from portal.models import ExchangeStatus, FormDefinition, SubmissionAttachment, SubmissionStatus
from portal.services import access, audit
from portal.services.casework import case_file, documents
from portal.services.errors import AccessDenied, DomainError, NotFound
from portal.services.exchanges import inbound
from portal.services.exchanges.shapes import BadMessage
from portal.services.intake import submissions
from portal.views.base import MAX_PAGE
from portal.views.cases import CASE_LABELS, DECISION_LABELS

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
for _name, _label in DECISION_LABELS.items():
    FIELD_LABELS.setdefault(("Decision", _name), _label)
for _name, _label in CASE_LABELS.items():
    FIELD_LABELS.setdefault(("Case", _name), _label)
FIELD_LABELS.update({
    ("Client", "given_name"): _l("Given name"),
    ("Client", "surname"): _l("Surname"),
    ("Client", "personal_code"): _l("Personal code"),
    ("Client", "birth_date"): _l("Date of birth"),
    ("Client", "gender"): _l("Gender"),
    ("Client", "unit_id"): _l("Territorial unit"),
    ("Case", "unit_id"): _l("Territorial unit"),
    ("Decision", "external_id"): _l("Number in the sender's system"),
    ("EvaluationReportRequest", "requester"): _l("Requested by"),
    ("EvaluationReportRequest", "institution"): _l("Institution"),
    ("EvaluationReportRequest", "request_number"): _l("Number"),
    ("EvaluationReportRequest", "received_date"): _l("Received"),
    ("EvaluationReportRequest", "due_date"): _l("Due date"),
    ("EvaluationReportRequest", "status"): _l("Status"),
})
ENTITY_LABELS: dict[str, Any] = {
    "Decision": _l("Decision"),
    "Case": _l("Case"),
    "EvaluationReportRequest": _l("Evaluation report request"),
    "Client": _l("Client"),
    "WorkAssignment": _l("Work assignment"),
    "HoursLog": _l("Hours worked"),
    "NoShow": _l("No-show"),
    "WorkIncident": _l("Incident at work"),
    "Vacancy": _l("Vacancy"),
    "PriorityWork": _l("Priority work"),
}
# Context columns filled by the service; shown, but not worth a label of their own.
_HIDDEN_VALUES = {"employer_id", "case_id", "reported_by", "client_id", "decision_id"}


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
            # Capped like the list screens' pages (an OFFSET beyond bigint is a database error).
            page = min(max(0, int(request.args.get("page", "0"))), MAX_PAGE)
        except ValueError:
            page = 0
        rows = submissions.inbox(
            db.session, actor, status=status, form_key=form_key,
            limit=PAGE_SIZE + 1, offset=page * PAGE_SIZE,
        )
        forms = db.session.scalars(select(FormDefinition).order_by(FormDefinition.key)).all()
        return self.render_template(
            "inbox/list.html",
            exchanges=inbound.inbox(db.session, actor) if page == 0 else [],
            rows=rows[:PAGE_SIZE], has_more=len(rows) > PAGE_SIZE, page=page,
            statuses=list(SubmissionStatus), status=status, forms=forms, form_key=form_key,
            locale=_locale(), title=_l("Inbox"),
        )

    @expose("/<int:pk>")
    @has_access
    def show(self, pk: int) -> Any:
        actor = access.current_actor()
        try:
            # Opening only reads: taking the item into processing is the officer's own step.
            submission = submissions.get_for_officer(db.session, pk, actor)
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
        rows = submissions.pending_changes(db.session, submission, actor)
        changes = [r.change for r in rows]
        remaining = [r for r in rows if not r.applied]
        item_case_ok = (submission.case_id is None or bool(submission.applied_changes)
                        or access.can_add_to_case(db.session, submission.case_id, actor))
        can_apply = (item_case_ok and all(r.allowed for r in remaining)
                     and not any(r.change.problem for r in remaining))
        can_apply_some = not can_apply and any(
            r.allowed and not r.change.problem for r in remaining)
        marks = [
            _l("Applied") if r.applied else ("" if r.allowed else _l("Not yours to apply"))
            for r in rows
        ]
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
            can_take=status is SubmissionStatus.RECEIVED,
            can_reply=status in (SubmissionStatus.ACCEPTED, SubmissionStatus.REJECTED),
            can_apply=can_apply,
            can_apply_some=can_apply_some,
            marks=marks,
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
            elif action == "take":
                submissions.mark_in_processing(db.session, pk, actor)
                flash(str(_l("The submission was taken into processing.")), "success")
            elif action == "apply_permitted":
                done = submissions.apply_permitted(db.session, pk, actor)
                if done.status is SubmissionStatus.ACCEPTED:
                    flash(str(_l("The submission was accepted and its changes applied.")),
                          "success")
                else:
                    flash(str(_l("The changes you may apply were applied; the rest wait for "
                                 "the responsible officer.")), "success")
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
            # The page has a place for the reason, the reply and the status; a rule broken by
            # a proposed change (a field of the record, e.g. work_date) is said above them.
            key = exc.field if exc.field in ("reason", "reply", "status") else "changes"
            return self._detail(submission, errors={key: str(exc.message)},
                                form={field: text} if field else {}, code=422)
        return redirect(url_for("InboxView.show", pk=pk))

    @expose("/<int:pk>/accept", methods=["POST"])
    @has_access
    def accept(self, pk: int) -> Any:
        return self._act(pk, "accept")

    @expose("/<int:pk>/take", methods=["POST"])
    @has_access
    def take(self, pk: int) -> Any:
        return self._act(pk, "take")

    @expose("/<int:pk>/apply-permitted", methods=["POST"])
    @has_access
    def apply_permitted(self, pk: int) -> Any:
        return self._act(pk, "apply_permitted")

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


    # --- messages from other systems (connectors), on the same intake pipeline -----------

    @expose("/exchange/<int:pk>")
    @has_access
    def exchange(self, pk: int) -> Any:
        actor = access.current_actor()
        try:
            message = inbound.get_for_officer(db.session, pk, actor)
        except NotFound:
            abort(404)
        audit.record_access(db.session, user_id=actor.user_id, action="exchange.show",
                            client_id=message.client_id, case_id=message.case_id)
        db.session.commit()
        return self._exchange_detail(message)

    def _exchange_detail(self, message: Any, errors: dict[str, str] | None = None,
                         form: dict[str, str] | None = None, code: int = 200) -> Any:
        actor = access.current_actor()
        changes: list[Any] = []
        problem = None
        try:
            connector = registry.get(current_app.config, message.connector)
            changes = [c for c in inbound.proposal_of(db.session, connector, message).changes
                       if c.changes_something or c.problem]
            _label_units(changes)
        except LookupError:
            problem = _l("This connector is not enabled.")
        except BadMessage as exc:
            problem = str(exc)
        case = None
        if message.case_id is not None:
            try:
                case = case_file.build(db.session, message.case_id, actor).case
            except NotFound:
                case = None
        pending = message.status is ExchangeStatus.RECEIVED
        return self.render_template(
            "inbox/exchange.html", m=message, changes=changes, problem=problem, case=case,
            field_label=_field_label, hidden_values=_HIDDEN_VALUES,
            can_decide=pending, can_apply=pending and not problem
            and not any(c.problem for c in changes),
            errors=errors or {}, form=form or {}, title=_l("Message from another system"),
        ), code

    def _exchange_act(self, pk: int, action: str) -> Any:
        actor = access.current_actor()
        text = request.form.get("reason", "")
        try:
            if action == "accept":
                message = inbound.get_for_officer(db.session, pk, actor)
                connector = registry.get(current_app.config, message.connector)
                inbound.accept(db.session, connector, pk, actor)
                flash(str(_l("The message was accepted and its changes applied.")), "success")
            else:
                inbound.dismiss(db.session, pk, actor, text)
                flash(str(_l("The message was set aside.")), "success")
        except NotFound:
            abort(404)
        except LookupError:
            flash(str(_l("This connector is not enabled.")), "danger")
        except AccessDenied as exc:
            flash(str(exc.message), "danger")
        except DomainError as exc:
            message = inbound.get_for_officer(db.session, pk, actor)
            return self._exchange_detail(message, errors={exc.field or action: str(exc.message)},
                                         form={"reason": text}, code=422)
        return redirect(url_for("InboxView.exchange", pk=pk))

    @expose("/exchange/<int:pk>/accept", methods=["POST"])
    @has_access
    def exchange_accept(self, pk: int) -> Any:
        return self._exchange_act(pk, "accept")

    @expose("/exchange/<int:pk>/dismiss", methods=["POST"])
    @has_access
    def exchange_dismiss(self, pk: int) -> Any:
        return self._exchange_act(pk, "dismiss")


def _label_units(changes: list[Any]) -> None:
    """Show territorial units by name in proposed changes (they hold ids)."""
    from portal.models import TerritorialUnit

    for change in changes:
        unit_id = change.values.get("unit_id")
        if isinstance(unit_id, int) and "unit_id" not in change.labels:
            unit = db.session.get(TerritorialUnit, unit_id)
            change.labels["unit_id"] = unit.name if unit else str(unit_id)


def register(appbuilder: AppBuilder) -> None:
    """Add the inbox to the menu."""
    appbuilder.add_view(InboxView, "Inbox", label=_l("Inbox"), icon="fa-inbox")
