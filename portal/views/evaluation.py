"""Evaluation report screens: requests, the report (edited only as a draft), its submitted
versions (read only) and the workflow's steps. Thin: the rules are in
:mod:`portal.services.casework.evaluation` and ``access.report_actions``."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, url_for
from flask_appbuilder import AppBuilder, BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select

from portal.extensions import db
from portal.models import EvaluationReport, EvaluationReportRequest, EvaluationReportVersion
from portal.models.evaluation import SECTIONS
from portal.services import access
from portal.services.casework import evaluation, rules
from portal.services.errors import AccessDenied, ValidationFailed
from portal.views.base import PlusInterface, ScopedModelView
from portal.views.case_context import CaseContextMixin, case_picker
from portal.views.fields import rule

LABELS = {
    "case": _l("Case"),
    "requester": _l("Requested by"),
    "institution": _l("Institution"),
    "request_number": _l("Request number"),
    "received_date": _l("Received"),
    "due_date": _l("Due date"),
    "status": _l("Status"),
    "request": _l("Request"),
    **evaluation.SECTION_LABELS,
    "submitted_at": _l("Submitted"),
    "author": _l("Author"),
    "reference": _l("Reference"),
    "version": _l("Version"),
    "reviewed_by": _l("Reviewed by"),
    "reviewed_at": _l("Reviewed"),
    "report": _l("Report"),
    "number": _l("Version"),
    "submitted_by": _l("Submitted by"),
}

SECTION_DESCRIPTIONS = {
    "thinking": _l("How the client thinks about the offence and its consequences."),
    "behaviour": _l("The client's behaviour, before and since the offence."),
    "social_circumstances": _l("Family, work, housing, dependence: what led to the offence."),
    "victim_rights": _l("Whether the victim's rights or lawful interests are restored, or can "
                        "be."),
    "suggested_obligations": _l("The obligations VPD suggests setting within supervision."),
}


def _due_after_received(due: object, received: object) -> None:
    rules.date_order(received, due, "due_date")  # type: ignore[arg-type]


class EvaluationReportRequestView(CaseContextMixin, ScopedModelView):
    datamodel = PlusInterface(EvaluationReportRequest)
    list_title = _l("Evaluation report requests")
    label_columns = LABELS
    list_columns = ["case", "requester", "institution", "received_date", "due_date", "status"]
    add_columns = [
        "case", "requester", "institution", "request_number", "received_date", "due_date",
        "status",
    ]
    edit_columns = add_columns
    base_order = ("due_date", "asc")
    validators_columns = {"due_date": [rule(_due_after_received, "received_date")]}
    case_relations = ("case",)
    case_section = "case-evaluation"
    add_form_extra_fields = {"case": case_picker()}
    edit_form_extra_fields = {"case": case_picker()}


class EvaluationReportView(CaseContextMixin, ScopedModelView):
    """The report being worked on; only a draft is edited (``access.condition``)."""

    datamodel = PlusInterface(EvaluationReport)
    list_title = _l("Evaluation reports")
    label_columns = LABELS
    description_columns = SECTION_DESCRIPTIONS
    list_columns = ["request", "status", "version", "submitted_at", "author"]
    add_columns = ["request", *SECTIONS, "reference"]
    edit_columns = [*SECTIONS, "reference"]
    show_columns = ["request", "status", "version", *SECTIONS, "author", "reviewed_by",
                    "reviewed_at", "submitted_at", "reference"]
    base_order = ("id", "desc")
    case_relations = ("request",)
    context_field = "request"
    case_section = "case-evaluation"

    def pre_add(self, item: EvaluationReport) -> None:
        super().pre_add(item)
        # A new report is always a draft of its first version, written by whoever starts it.
        item.author_id = access.current_actor().user_id
        item.version = 1
        item.submitted_at = None
        item.reviewed_by_id = None
        item.reviewed_at = None


class EvaluationReportVersionView(ScopedModelView):
    """What was submitted, version by version: read only."""

    datamodel = PlusInterface(EvaluationReportVersion)
    list_title = _l("Submitted report versions")
    show_title = _l("Submitted report version")
    label_columns = LABELS
    base_permissions = ["can_list", "can_show"]
    list_columns = ["report", "number", "submitted_at", "submitted_by", "reviewed_by"]
    show_columns = ["report", "number", *SECTIONS, "author", "reviewed_by", "reviewed_at",
                    "submitted_by", "submitted_at"]
    base_order = ("id", "desc")


_STEPS = ("review", "return", "submit", "addition")


def _done(step: str, version: int) -> str:
    if step == "review":
        return _("The report is reviewed; it can now be submitted.")
    if step == "return":
        return _("The report is returned to draft.")
    if step == "submit":
        return _("Version %(n)s of the report is submitted.", n=version)
    return _("An addition is started as version %(n)s (a draft).", n=version)


class EvaluationWorkflowView(BaseView):
    """The report's steps, offered on the case page where the user may take them."""

    route_base = "/evaluation"
    default_view = "step"

    @expose("/report/<int:report_id>/<string:step>", methods=["POST"])
    @has_access
    def step(self, report_id: int, step: str) -> Any:
        """Review, return to draft, submit, or start an addition (POST with CSRF)."""
        if step not in _STEPS:
            abort(404)
        if not FlaskForm().validate():
            abort(400)
        actor = access.current_actor()
        report = db.session.scalars(
            select(EvaluationReport).where(EvaluationReport.id == report_id,
                                           access.condition(EvaluationReport, actor))).first()
        if report is None:
            abort(404)
        case_id = report.request.case_id
        back = url_for("CaseView.show", pk=case_id, _anchor="case-evaluation")
        try:
            if step == "review":
                evaluation.review(db.session, report, actor)
            elif step == "return":
                evaluation.return_to_draft(db.session, report, actor)
            elif step == "submit":
                evaluation.submit(db.session, report, actor)
            else:
                evaluation.start_addition(db.session, report, actor)
            db.session.commit()
        except AccessDenied:
            # The case page offers only the steps the user may take: this is a stale page.
            db.session.rollback()
            abort(403)
        except ValidationFailed as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
            # The section to fill in is on the draft's form.
            return redirect(url_for("EvaluationReportView.edit", pk=report.id))
        flash(_done(step, report.version), "success")
        return redirect(back)


def register(appbuilder: AppBuilder) -> None:
    """Add the evaluation screens under their own menu."""
    for view, name, title, icon in (
        (EvaluationReportRequestView, "Report requests", _l("Report requests"), "fa-inbox"),
        (EvaluationReportView, "Reports", _l("Reports"), "fa-file-text"),
        (EvaluationReportVersionView, "Submitted report versions",
         _l("Submitted report versions"), "fa-history"),
    ):
        appbuilder.add_view(
            view, name, label=title, icon=icon, category="Evaluation reports",
            category_label=_l("Evaluation reports"), category_icon="fa-file-text-o",
        )
    appbuilder.add_view_no_menu(EvaluationWorkflowView)
