"""Supervision screens."""

from __future__ import annotations

from flask_appbuilder import AppBuilder
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from portal.models import (
    Meeting,
    Obligation,
    ProgrammeParticipation,
    RiskNeedsAssessment,
    SupervisionPlan,
    Violation,
)
from portal.views.base import PlusInterface, ScopedModelView
from portal.views.fields import end_after_start

LABELS = {
    "case": _l("Case"),
    "plan_date": _l("Plan date"),
    "goals": _l("Goals"),
    "actions": _l("Actions"),
    "review_date": _l("Review date"),
    "agreed_with_client": _l("Agreed with the client"),
    "description": _l("Description"),
    "set_by": _l("Set by"),
    "start_date": _l("Start date"),
    "end_date": _l("End date"),
    # An obligation in force ("Spēkā"), not the feminine "Aktīva" of a case.
    "active": lazy_pgettext("obligation", "Active"),
    "scheduled_at": _l("Date and time"),
    "place": _l("Place"),
    "held": _l("Held"),
    "obligations_kept": _l("Obligations kept"),
    "notes": _l("Notes"),
    "economic_activity": _l("Economic activity"),
    "officer": _l("Officer"),
    "violation_date": _l("Date"),
    "obligation": _l("Obligation"),
    "action_taken": _l("Action taken"),
    "reported_to_court": _l("Reported to court or prosecutor"),
    "assessment_date": _l("Assessment date"),
    "risk_level": _l("Risk level"),
    "needs": _l("Needs"),
    "summary": _l("Summary"),
    "programme": _l("Programme"),
    "completed": _l("Completed"),
}


class SupervisionPlanView(ScopedModelView):
    datamodel = PlusInterface(SupervisionPlan)
    list_title = _l("Supervision plans")
    label_columns = LABELS
    list_columns = ["case", "plan_date", "review_date", "agreed_with_client"]
    add_columns = ["case", "plan_date", "goals", "actions", "review_date", "agreed_with_client"]
    edit_columns = add_columns
    base_order = ("plan_date", "desc")
    case_relations = ("case",)


class ObligationView(ScopedModelView):
    datamodel = PlusInterface(Obligation)
    list_title = _l("Obligations")
    label_columns = LABELS
    list_columns = ["case", "description", "set_by", "start_date", "end_date", "active"]
    add_columns = ["case", "description", "set_by", "start_date", "end_date", "active"]
    edit_columns = add_columns
    base_order = ("start_date", "desc")
    validators_columns = {"end_date": [end_after_start]}
    case_relations = ("case",)


class MeetingView(ScopedModelView):
    datamodel = PlusInterface(Meeting)
    list_title = _l("Meetings")
    label_columns = LABELS
    list_columns = ["case", "scheduled_at", "place", "held", "obligations_kept"]
    add_columns = [
        "case", "scheduled_at", "place", "held", "obligations_kept", "economic_activity", "notes",
        "officer",
    ]
    edit_columns = add_columns
    base_order = ("scheduled_at", "desc")
    case_relations = ("case",)


class ViolationView(ScopedModelView):
    datamodel = PlusInterface(Violation)
    list_title = _l("Violations")
    label_columns = LABELS
    list_columns = ["case", "violation_date", "description", "reported_to_court"]
    add_columns = [
        "case", "violation_date", "description", "obligation", "action_taken", "reported_to_court",
    ]
    edit_columns = add_columns
    base_order = ("violation_date", "desc")
    case_relations = ("case", "obligation")


class RiskNeedsAssessmentView(ScopedModelView):
    datamodel = PlusInterface(RiskNeedsAssessment)
    list_title = _l("Risk and needs assessments")
    label_columns = LABELS
    list_columns = ["case", "assessment_date", "risk_level"]
    add_columns = ["case", "assessment_date", "risk_level", "needs", "summary", "economic_activity"]
    edit_columns = add_columns
    base_order = ("assessment_date", "desc")
    case_relations = ("case",)


class ProgrammeParticipationView(ScopedModelView):
    datamodel = PlusInterface(ProgrammeParticipation)
    list_title = _l("Probation programmes")
    label_columns = LABELS
    list_columns = ["case", "programme", "start_date", "end_date", "completed"]
    add_columns = ["case", "programme", "start_date", "end_date", "completed"]
    edit_columns = add_columns
    base_order = ("start_date", "desc")
    validators_columns = {"end_date": [end_after_start]}
    case_relations = ("case",)


def register(appbuilder: AppBuilder) -> None:
    """Add the supervision screens under their own menu."""
    for view, name, title, icon in (
        (SupervisionPlanView, "Supervision plans", _l("Supervision plans"), "fa-map"),
        (ObligationView, "Obligations", _l("Obligations"), "fa-list"),
        (MeetingView, "Meetings", _l("Meetings"), "fa-handshake-o"),
        (ViolationView, "Violations", _l("Violations"), "fa-ban"),
        (RiskNeedsAssessmentView, "Risk and needs assessments", _l("Risk and needs assessments"),
         "fa-balance-scale"),
        (ProgrammeParticipationView, "Programmes", _l("Probation programmes"), "fa-graduation-cap"),
    ):
        appbuilder.add_view(
            view, name, label=title, icon=icon, category="Supervision",
            category_label=_l("Supervision"), category_icon="fa-eye",
        )
