"""Data protection screens: the audit trail (unit managers, Admin), retention reviews and a
person's data export (Admin). Thin: the rules are in ``portal.services.privacy``."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import AppBuilder, BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.extensions import db
from portal.formatting import localtime
from portal.models import Case, Client, RetentionReview
from portal.services import access
from portal.services.casework import documents
from portal.services.errors import AccessDenied, DomainError, NotFound
from portal.services.privacy import audit_trail, retention, subject_export

# Named reads (``audit.record_access``) and the portal's pages, for people.
ACTION_LABELS: dict[str, Any] = {
    "case.show": _l("Case page"),
    "case.export": _l("Case list exported (CSV)"),
    "client.show": _l("Client details"),
    "submission.show": _l("Inbox: submission"),
    "submission.attachment": _l("Inbox: attachment downloaded"),
    "portal.document.download": _l("Portal: document downloaded"),
    "privacy.data_export": _l("Data export of the person"),
    "portal.my_data": _l("Portal: My probation data"),
    "portal.clients": _l("Portal: Probation client data"),
    "portal.client": _l("Portal: Probation client data"),
    "portal.form_page": _l("Portal: form"),
    "portal.form_js": _l("Portal: form"),
    "portal.submissions_list": _l("Portal: my submissions"),
    "portal.submission": _l("Portal: my submissions"),
    "SearchView.index": _l("Search"),
    "WorklistView.index": _l("Worklist"),
    "PlusIndexView.index": _l("Worklist"),
    "InboxView.index": _l("Inbox"),
    "InboxView.show": _l("Inbox: submission"),
    "AuditTrailView.index": _l("Audit trail"),
    "AuditTrailView.csv": _l("Audit trail"),
}
_VERBS: dict[str, Any] = {
    "list": _l("list"), "show": _l("opened"), "edit": _l("edited"), "add": _l("added"),
    "delete": _l("deleted"), "get_list": _l("API list"), "get": _l("API read"),
    "put": _l("API change"), "post": _l("API add"), "export_csv": _l("export"),
    "download": _l("download"),
    "create": _l("added"), "update": _l("changed"), "anonymise": _l("anonymised"),
}
_API_TITLES: dict[str, Any] = {"ClientApi": _l("Clients"), "CaseApi": _l("Cases"),
                               "SubmissionApi": _l("Submissions")}
# Records changed without a screen of their own (the portal's intake, notices).
_ENTITY_TITLES: dict[str, Any] = {
    "Submission": _l("Submissions through the portal"), "OutgoingNotice": _l("Notices"),
    "SubmissionAttachment": _l("Submissions through the portal"),
    "VolunteerTask": _l("Volunteer's task"), "PortalInvitation": _l("Portal accounts"),
    "RetentionReview": _l("Retention review"),
}


def _titles() -> tuple[dict[str, str], dict[str, str]]:
    """Screen titles by view class name and by model name, from the registered screens."""
    by_view: dict[str, str] = dict(_API_TITLES)
    by_model: dict[str, str] = dict(_ENTITY_TITLES)
    for view in current_app.appbuilder.baseviews:
        title = getattr(view, "list_title", None)
        if not title:
            continue
        by_view.setdefault(type(view).__name__, title)
        datamodel = getattr(view, "datamodel", None)
        if datamodel is not None:
            by_model.setdefault(datamodel.obj.__name__, title)
    return by_view, by_model


def describe(entry: audit_trail.AuditEntry, titles: tuple[dict[str, str], dict[str, str]]) -> str:
    """What an audit entry did, in words (never a raw endpoint name when it is known)."""
    if entry.what in ACTION_LABELS:
        return str(ACTION_LABELS[entry.what])
    owner, _dot, verb = entry.what.partition(".")
    by_view, by_model = titles
    title = (by_model if entry.kind == "change" else by_view).get(owner)
    if title is None:
        return entry.what
    return f"{title}: {_VERBS.get(verb, verb)}"


def _int_arg(name: str) -> int | None:
    value = (request.args.get(name) or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


def _date_arg(name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat((request.args.get(name) or "").strip())
    except ValueError:
        return None


class AuditTrailView(BaseView):
    """Who read or changed which client of the unit, when, from where (managers, Admin)."""

    route_base = "/audit-trail"
    default_view = "index"

    def _filter(self) -> audit_trail.AuditFilter:
        return audit_trail.AuditFilter(
            client_id=_int_arg("client"), user_id=_int_arg("officer"),
            date_from=_date_arg("from"), date_to=_date_arg("to"),
        )

    def _entries(self, flt: audit_trail.AuditFilter) -> list[audit_trail.AuditEntry]:
        try:
            return audit_trail.entries(db.session, access.current_actor(), flt,
                                       current_app.config["PLUS_TIMEZONE"])
        except AccessDenied:
            abort(403)

    @expose("/")
    @has_access
    def index(self) -> Any:
        flt = self._filter()
        rows = self._entries(flt)
        titles = _titles()
        return self.render_template(
            "privacy/audit.html", title=_l("Audit trail"), rows=rows, flt=flt,
            describe=lambda e: describe(e, titles),
            officers=audit_trail.auditors_choice(db.session, access.current_actor()),
            limit=audit_trail.MAX_ENTRIES, args=request.args,
        )

    @expose("/csv")
    @has_access
    def csv(self) -> Response:
        rows = self._entries(self._filter())
        titles = _titles()
        body = audit_trail.to_csv(
            rows,
            [_("When"), _("Who"), _("Action"), _("Client No."), _("Client"), _("Case"),
             _("Address")],
            lambda e: describe(e, titles), localtime,
        )
        return Response(body, mimetype="text/csv", headers={
            "Content-Disposition": "attachment; filename=audit-trail.csv",
            "Cache-Control": "no-store",
        })


class RetentionView(BaseView):
    """The retention rule's dry runs, each confirmed or cancelled by an administrator."""

    route_base = "/retention"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self) -> Any:
        if not access.can_manage_personal_data(access.current_actor()):
            abort(403)
        reviews = list(db.session.scalars(
            select(RetentionReview).order_by(RetentionReview.id.desc()).limit(50)))
        return self.render_template(
            "privacy/retention.html", title=_l("Retention of personal data"), reviews=reviews,
            days=current_app.config["RETENTION_DAYS_AFTER_CLOSURE"],
        )

    @expose("/<int:pk>")
    @has_access
    def show(self, pk: int) -> Any:
        if not access.can_manage_personal_data(access.current_actor()):
            abort(403)
        review = db.session.get(RetentionReview, pk)
        if review is None:
            abort(404)
        # The report holds ids only; the screen shows case numbers and what is kept.
        case_ids = review.report.get("cases", [])
        cases = list(db.session.execute(
            select(Case.number, Case.function, Case.status, Case.end_date)
            .where(Case.id.in_(case_ids)).order_by(Case.number)
        )) if case_ids else []
        return self.render_template(
            "privacy/retention_show.html", title=_l("Retention review"), review=review,
            cases=cases, clients=len(review.report.get("clients", [])),
        )

    def _decide(self, pk: int, confirm: bool) -> Any:
        actor = access.current_actor()
        try:
            if confirm:
                keys = retention.confirm(db.session, pk, actor)
            else:
                retention.cancel(db.session, pk, actor)
                keys = []
        except AccessDenied:
            db.session.rollback()
            abort(403)
        except NotFound:
            db.session.rollback()
            abort(404)
        except DomainError:
            db.session.rollback()
            flash(_("This review has already been decided."), "warning")
            return redirect(url_for("RetentionView.show", pk=pk), 303)
        db.session.commit()
        for key in keys:  # files only after the rows are gone for good
            documents.remove(key)
        flash(_("The personal data was anonymised.") if confirm
              else _("The review was cancelled; nothing was erased."), "success")
        return redirect(url_for("RetentionView.show", pk=pk), 303)

    @expose("/<int:pk>/confirm", methods=["POST"])
    @has_access
    def confirm(self, pk: int) -> Any:
        return self._decide(pk, True)

    @expose("/<int:pk>/cancel", methods=["POST"])
    @has_access
    def cancel(self, pk: int) -> Any:
        return self._decide(pk, False)


def field_label(key: str) -> str:
    """A field name of the export, as the screens label it."""
    from portal.views import cases, clients, evaluation, mediation, supervision, work

    for labels in (clients.CLIENT_LABELS, cases.CASE_LABELS, cases.DECISION_LABELS,
                   supervision.LABELS, work.LABELS, EXPORT_LABELS,
                   getattr(mediation, "LABELS", {}), getattr(evaluation, "LABELS", {})):
        if key in labels:
            return str(labels[key])
    return key.replace("_", " ").capitalize()


EXPORT_LABELS: dict[str, Any] = {
    "id": _l("No."), "created_at": _l("Created"), "updated_at": _l("Last changed"),
    "work_assignments": _l("Work assignment"), "supervision_plans": _l("Supervision plan"),
    "obligations": _l("Obligation"), "meetings": _l("Meeting"), "violations": _l("Violation"),
    "risk_needs_assessments": _l("Risk and needs assessment"),
    "programmes": _l("Probation programme"), "volunteer_tasks": _l("Volunteer's task"),
    "documents": _l("Document"), "evaluation_requests": _l("Evaluation report request"),
    "report": _l("Evaluation report"), "mediation": _l("Mediation"),
    "parties": _l("Mediation party"), "sessions": _l("Mediation session"),
    "terms": _l("Agreement term"), "versions": _l("Submitted report version"),
    "schedule": _l("Work schedule"), "hours": _l("Hours"), "control_acts": _l("Control act"),
    "no_shows": _l("No-show"), "incidents": _l("Incident at work"),
    "at": _l("When"), "action": _l("Action"), "record": _l("Record type"),
    "fields": _l("Fields"), "anonymised_at": _l("Anonymised"), "form": _l("Form"),
    "username": _l("Username"), "first_name": _l("Given name"), "last_name": _l("Surname"),
    "active": _l("Active"), "created_on": _l("Created"), "last_login": _l("Last login"),
}


class DataExportView(BaseView):
    """Everything held on one person, as JSON and PDF (an access request; Admin only)."""

    route_base = "/data-export"
    default_view = "index"

    @expose("/", methods=["GET", "POST"])
    @has_access
    def index(self) -> Any:
        if not access.can_manage_personal_data(access.current_actor()):
            abort(403)
        # The personal code comes in a POST body, never in a URL (which logs and histories keep).
        code = (request.form.get("personal_code") or "").strip() if request.method == "POST" else ""
        found: Client | None = None
        error = ""
        if request.method == "POST":
            from portal.services.casework import personal_code

            try:
                normal: str | None = personal_code.normalise(code)
            except personal_code.InvalidPersonalCode:
                normal = None
            if normal is None:
                error = _("Enter a personal code in the form DDMMYY-NNNNN.")
            else:
                found = db.session.scalars(
                    select(Client).where(Client.personal_code == normal)).first()
                if found is None:
                    error = _("No client with this personal code is registered.")
        status = 422 if error else 200
        return self.render_template(
            "privacy/export.html", title=_l("Data of a person"), found=found, error=error,
        ), status

    def _gather(self, client_id: int) -> dict[str, Any]:
        try:
            data = subject_export.gather(db.session, client_id, access.current_actor())
        except AccessDenied:
            abort(403)
        except NotFound:
            abort(404)
        return data

    @expose("/<int:client_id>.json")
    @has_access
    def json(self, client_id: int) -> Response:
        data = self._gather(client_id)
        return Response(
            json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json",
            headers={"Content-Disposition": f"attachment; filename=client-{client_id}.json",
                     "Cache-Control": "no-store"},
        )

    @expose("/<int:client_id>.pdf")
    @has_access
    def pdf(self, client_id: int) -> Response:
        from reports.data_export import build_pdf

        data = self._gather(client_id)
        body = build_pdf(
            _("Data held on a person in PLUS"),
            _("State Probation Service. Prepared %(when)s.",
              when=localtime(dt.datetime.fromisoformat(data["generated_at"]))),
            subject_export.sections(data, field_label),
        )
        return Response(body, mimetype="application/pdf", headers={
            "Content-Disposition": f"attachment; filename=client-{client_id}.pdf",
            "Cache-Control": "no-store",
        })


def register(appbuilder: AppBuilder) -> None:
    """Add the data protection screens under their own menu."""
    for view, name, label, icon in (
        (AuditTrailView, "Audit trail", _l("Audit trail"), "fa-user-secret"),
        (DataExportView, "Data of a person", _l("Data of a person"), "fa-download"),
        (RetentionView, "Retention", _l("Retention of personal data"), "fa-trash"),
    ):
        appbuilder.add_view(view, name, label=label, icon=icon, category="Data protection",
                            category_label=_l("Data protection"), category_icon="fa-shield")
