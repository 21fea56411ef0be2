"""Supervision screens."""

from __future__ import annotations

from flask_appbuilder import AppBuilder
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length, Optional

from portal.models import (
    Meeting,
    Obligation,
    ProgrammeParticipation,
    RiskNeedsAssessment,
    SupervisionPlan,
    Violation,
)
from portal.views.base import PlusInterface, ScopedModelView
from portal.views.calendar import LABELS as CALENDAR_LABELS
from portal.views.calendar import BookingViewMixin, booking_validator, duration_field
from portal.views.case_context import CaseContextMixin, case_picker
from portal.views.fields import end_after_start
from portal.views.supervision_rules import (
    description_or_type,
    obligation_period_end,
    obligation_period_start,
    plan_date_rule,
    review_date_rule,
)

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
    "status": _l("Status"),
    "obligation_type": _l("Obligation (catalogue)"),
    "scheduled_at": _l("Date and time"),
    "place": _l("Place"),
    "held": _l("Held"),
    "notes": _l("Notes"),
    "economic_activity": _l("Economic activity"),
    "officer": _l("Officer"),
    "violation_date": _l("Date"),
    "obligation": _l("Obligation"),
    "action_taken": _l("Action taken"),
    "reported_to_court": _l("Reported to court or prosecutor"),
    "assessment_date": _l("Assessment date"),
    "risk_level": _l("Risk level"),
    "total_score": _l("Total score"),
    "max_score": _l("Highest possible score"),
    "reassessment_due": _l("Reassessment due"),
    "source": _l("Found through"),
    "meeting": _l("Meeting"),
    "needs": _l("Needs"),
    "summary": _l("Summary"),
    "programme": _l("Programme"),
    "completed": _l("Completed"),
}


class SupervisionPlanView(CaseContextMixin, ScopedModelView):
    """The plan made with the client; its goals, each for an assessed need, are added from
    the case page (SupervisionPlanStepsView.goal)."""

    case_section = "case-plans"
    add_form_extra_fields = {"case": case_picker()}
    edit_form_extra_fields = {"case": case_picker()}
    datamodel = PlusInterface(SupervisionPlan)
    list_title = _l("Supervision plans")
    label_columns = {**LABELS, "goals": _l("Summary of the plan"),
                     "actions": _l("Other agreements")}
    list_columns = ["case", "plan_date", "review_date", "agreed_with_client"]
    add_columns = ["case", "plan_date", "review_date", "agreed_with_client", "goals", "actions"]
    edit_columns = add_columns
    base_order = ("plan_date", "desc")
    case_relations = ("case",)
    validators_columns = {"plan_date": [plan_date_rule], "review_date": [review_date_rule]}
    description_columns = {
        "review_date": _l("Leave empty for the usual review period after the plan date."),
        "goals": _l("Optional; the goals and activities are added to the plan one by one."),
    }

    def pre_add(self, item: SupervisionPlan) -> None:
        self._default_review(item)
        super().pre_add(item)

    def pre_update(self, item: SupervisionPlan) -> None:
        self._default_review(item)
        super().pre_update(item)

    @staticmethod
    def _default_review(item: SupervisionPlan) -> None:
        from portal.services.supervision import plan

        if item.review_date is None and item.plan_date is not None:
            item.review_date = plan.default_review(item.plan_date)


class ObligationView(CaseContextMixin, ScopedModelView):
    """Obligations from the catalogue, within the supervision period."""

    case_section = "case-obligations"
    datamodel = PlusInterface(Obligation)
    list_title = _l("Obligations")
    label_columns = LABELS
    list_columns = ["case", "description", "set_by", "start_date", "end_date", "status"]
    # A new obligation is in force; its status changes on edit (fulfilled, ended, cancelled).
    add_columns = ["case", "obligation_type", "description", "set_by", "start_date", "end_date"]
    edit_columns = [*add_columns, "status"]
    base_order = ("start_date", "desc")
    description_columns = {
        "description": _l("Leave empty to use the catalogue's wording."),
        "start_date": _l("Within the supervision period."),
    }
    validators_columns = {
        "start_date": [obligation_period_start],
        "end_date": [end_after_start, obligation_period_end],
        "description": [description_or_type],
    }
    add_form_extra_fields = {
        "case": case_picker(),
        "description": StringField(_l("Description"), validators=[Optional(), Length(max=500)],
                                   description=_l("Leave empty to use the catalogue's wording.")),
    }
    edit_form_extra_fields = dict(add_form_extra_fields)
    add_form_query_rel_fields = {"obligation_type": [["active", FilterEqual, True]]}
    edit_form_query_rel_fields = add_form_query_rel_fields
    case_relations = ("case",)

    def pre_add(self, item: Obligation) -> None:
        self._from_catalogue(item)
        super().pre_add(item)

    def pre_update(self, item: Obligation) -> None:
        self._from_catalogue(item)
        super().pre_update(item)

    @staticmethod
    def _from_catalogue(item: Obligation) -> None:
        if not (item.description or "").strip() and item.obligation_type is not None:
            item.description = item.obligation_type.name[:500]


class MeetingView(CaseContextMixin, BookingViewMixin, ScopedModelView):
    case_section = "case-meetings"
    datamodel = PlusInterface(Meeting)
    list_title = _l("Meetings")
    label_columns = {**LABELS, **CALENDAR_LABELS}
    list_columns = ["case", "scheduled_at", "duration_minutes", "room", "place", "held"]
    add_columns = [
        "case", "scheduled_at", "duration_minutes", "officer", "room", "place", "held",
        "economic_activity", "notes",
    ]
    edit_columns = add_columns
    base_order = ("scheduled_at", "desc")
    case_relations = ("case",)
    # The clash rule (same room, officer or client at an overlapping time) beside the time.
    validators_columns = {"scheduled_at": [booking_validator("meeting")]}
    add_form_extra_fields = {"case": case_picker(), "duration_minutes": duration_field()}
    edit_form_extra_fields = {"case": case_picker(), "duration_minutes": duration_field()}


class ViolationView(CaseContextMixin, ScopedModelView):
    case_section = "case-violations"
    case_children = ("obligation",)
    add_form_extra_fields = {"case": case_picker()}
    edit_form_extra_fields = {"case": case_picker()}
    datamodel = PlusInterface(Violation)
    list_title = _l("Violations")
    label_columns = LABELS
    list_columns = ["case", "violation_date", "description", "source", "reported_to_court"]
    add_columns = [
        "case", "violation_date", "source", "meeting", "description", "obligation",
        "action_taken", "reported_to_court",
    ]
    edit_columns = add_columns
    base_order = ("violation_date", "desc")
    case_relations = ("case", "obligation", "meeting")


class RiskNeedsAssessmentView(CaseContextMixin, ScopedModelView):
    case_section = "case-assessments"
    add_form_extra_fields = {"case": case_picker()}
    edit_form_extra_fields = {"case": case_picker()}
    datamodel = PlusInterface(RiskNeedsAssessment)
    list_title = _l("Risk and needs assessments")
    label_columns = LABELS
    list_columns = ["case", "assessment_date", "risk_level", "total_score", "reassessment_due"]
    # A new assessment is scored item by item (SupervisionStepsView.assess); this screen
    # corrects the text of a stored one. Level and scores follow from the items only.
    base_permissions = ["can_list", "can_show", "can_edit", "can_delete"]
    add_columns = ["case", "assessment_date", "risk_level", "needs", "summary", "economic_activity"]
    edit_columns = ["needs", "summary", "economic_activity"]
    show_columns = ["case", "assessment_date", "risk_level", "total_score", "max_score",
                    "reassessment_due", "needs", "summary", "economic_activity"]
    base_order = ("assessment_date", "desc")
    case_relations = ("case",)


class ProgrammeParticipationView(CaseContextMixin, ScopedModelView):
    case_section = "case-programmes"
    add_form_extra_fields = {"case": case_picker()}
    edit_form_extra_fields = {"case": case_picker()}
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
