"""Evaluation report screens."""

from __future__ import annotations

from flask_appbuilder import AppBuilder
from flask_babel import lazy_gettext as _l

from portal.models import EvaluationReport, EvaluationReportRequest
from portal.services import rules
from portal.views.base import PlusInterface, ScopedModelView
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
    "thinking_and_behaviour": _l("Thinking and behaviour"),
    "attitudes": _l("Attitudes"),
    "social_circumstances": _l("Social circumstances"),
    "victim_rights": _l("Victim's restored rights"),
    "conclusion": _l("Conclusion"),
    "submitted_at": _l("Submitted"),
    "author": _l("Author"),
    "reference": _l("Reference"),
}


def _due_after_received(due: object, received: object) -> None:
    rules.date_order(received, due, "due_date")  # type: ignore[arg-type]


class EvaluationReportRequestView(ScopedModelView):
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


class EvaluationReportView(ScopedModelView):
    datamodel = PlusInterface(EvaluationReport)
    list_title = _l("Evaluation reports")
    label_columns = LABELS
    list_columns = ["request", "submitted_at", "author"]
    add_columns = [
        "request", "thinking_and_behaviour", "attitudes", "social_circumstances", "victim_rights",
        "conclusion", "submitted_at", "author", "reference",
    ]
    edit_columns = add_columns
    base_order = ("id", "desc")
    case_relations = ("request",)


def register(appbuilder: AppBuilder) -> None:
    """Add the evaluation screens under their own menu."""
    for view, name, title, icon in (
        (EvaluationReportRequestView, "Report requests", _l("Report requests"), "fa-inbox"),
        (EvaluationReportView, "Reports", _l("Reports"), "fa-file-text"),
    ):
        appbuilder.add_view(
            view, name, label=title, icon=icon, category="Evaluation reports",
            category_label=_l("Evaluation reports"), category_icon="fa-file-text-o",
        )
