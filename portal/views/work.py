"""Forced labour and community work screens."""

from __future__ import annotations

from flask_appbuilder import AppBuilder
from flask_babel import lazy_gettext as _l
from wtforms.validators import InputRequired

from portal.models import (
    ControlAct,
    HoursLog,
    NoShow,
    WorkAssignment,
    WorkIncident,
    WorkScheduleEntry,
)
from portal.views.base import PlusInterface, ScopedModelView
from portal.views.case_context import CaseContextMixin, case_picker
from portal.views.fields import (
    end_after_start,
    hours_validator,
    planned_hours_validator,
    start_time_validator,
)
from portal.views.work_checks import (
    assignment_employer_validator,
    assignment_kind_validator,
    hours_day_validator,
    hours_limit_validator,
    schedule_limit_validator,
)

LABELS = {
    "case": _l("Case"),
    "employer": _l("Employer"),
    "work_type": _l("Type of work"),
    "work_kind": _l("Kind of work"),
    "place": _l("Place of work"),
    "start_date": _l("Start date"),
    "end_date": _l("End date"),
    "referral_number": _l("Referral number"),
    "schedule_agreed_by_employer": _l("Schedule agreed by employer"),
    "schedule_agreed_by_client": _l("Schedule agreed by client"),
    "assignment": _l("Work assignment"),
    "work_date": _l("Date"),
    "start_time": _l("Start time"),
    "planned_hours": _l("Planned hours"),
    "hours": _l("Hours"),
    "reported_by": _l("Reported by"),
    "confirmed": _l("Confirmed"),
    "confirmed_by": _l("Confirmed by"),
    "note": _l("Note"),
    "inspection_date": _l("Inspection date"),
    "client_present": _l("Client present"),
    "findings": _l("Findings"),
    "officer": _l("Officer"),
    "event_date": _l("Date"),
    "left_without_leave": _l("Left without leave"),
    "explanation": _l("Explanation"),
    "resolved": _l("Resolved"),
    "description": _l("Description"),
}


class WorkAssignmentView(CaseContextMixin, ScopedModelView):
    """Referrals to employers (norīkojumi)."""

    datamodel = PlusInterface(WorkAssignment)
    case_section = "case-work"
    add_form_extra_fields = {"case": case_picker()}
    edit_form_extra_fields = {"case": case_picker()}
    list_title = _l("Work assignments")
    label_columns = LABELS
    list_columns = ["case", "employer", "work_type", "start_date", "end_date"]
    add_columns = [
        "case", "employer", "work_kind", "work_type", "place", "start_date", "end_date",
        "referral_number", "schedule_agreed_by_employer", "schedule_agreed_by_client",
    ]
    edit_columns = add_columns
    show_columns = add_columns
    base_order = ("id", "desc")
    description_columns = {
        "work_kind": _l("Checked against the limits for minors and the client's convictions."),
    }
    validators_columns = {
        "end_date": [end_after_start],
        "employer": [assignment_employer_validator],
        "work_kind": [assignment_kind_validator],
    }
    case_relations = ("case",)


class WorkScheduleEntryView(CaseContextMixin, ScopedModelView):
    """Days of the work schedule (darba grafiks)."""

    context_field = "assignment"
    case_section = "case-work"
    datamodel = PlusInterface(WorkScheduleEntry)
    list_title = _l("Work schedule")
    label_columns = LABELS
    list_columns = ["assignment", "work_date", "start_time", "planned_hours"]
    add_columns = ["assignment", "work_date", "start_time", "planned_hours"]
    edit_columns = add_columns
    base_order = ("work_date", "desc")
    validators_columns = {
        "planned_hours": [InputRequired(), planned_hours_validator, schedule_limit_validator],
        "start_time": [start_time_validator],
    }
    case_relations = ("assignment",)


class HoursLogView(CaseContextMixin, ScopedModelView):
    """Hours worked, as reported and confirmed."""

    context_field = "assignment"
    case_section = "case-work"
    datamodel = PlusInterface(HoursLog)
    list_title = _l("Hours worked")
    label_columns = LABELS
    list_columns = ["assignment", "work_date", "hours", "reported_by", "confirmed"]
    add_columns = ["assignment", "work_date", "hours", "reported_by", "confirmed", "note"]
    edit_columns = add_columns
    base_order = ("work_date", "desc")
    validators_columns = {
        "hours": [InputRequired(), hours_validator, hours_limit_validator],
        "work_date": [hours_day_validator],
    }
    case_relations = ("assignment",)


class ControlActView(CaseContextMixin, ScopedModelView):
    """On-site control acts."""

    context_field = "assignment"
    case_section = "case-work"
    datamodel = PlusInterface(ControlAct)
    list_title = _l("Control acts")
    label_columns = LABELS
    list_columns = ["assignment", "inspection_date", "client_present", "officer"]
    add_columns = ["assignment", "inspection_date", "client_present", "findings", "officer"]
    edit_columns = add_columns
    base_order = ("inspection_date", "desc")
    case_relations = ("assignment",)


class NoShowView(CaseContextMixin, ScopedModelView):
    """No-shows and leaving the work place without leave."""

    context_field = "assignment"
    case_section = "case-work"
    datamodel = PlusInterface(NoShow)
    list_title = _l("No-shows")
    label_columns = LABELS
    list_columns = ["assignment", "event_date", "left_without_leave", "reported_by", "resolved"]
    add_columns = [
        "assignment", "event_date", "left_without_leave", "reported_by", "explanation", "resolved",
    ]
    edit_columns = add_columns
    base_order = ("event_date", "desc")
    case_relations = ("assignment",)


class WorkIncidentView(CaseContextMixin, ScopedModelView):
    """Incidents at work."""

    context_field = "assignment"
    case_section = "case-work"
    datamodel = PlusInterface(WorkIncident)
    list_title = _l("Incidents at work")
    label_columns = LABELS
    list_columns = ["assignment", "event_date", "reported_by"]
    add_columns = ["assignment", "event_date", "description", "reported_by"]
    edit_columns = add_columns
    base_order = ("event_date", "desc")
    case_relations = ("assignment",)


def register(appbuilder: AppBuilder) -> None:
    """Add the work screens under their own menu."""
    cat = "Forced labour and community work"
    label = _l("Forced labour and community work")
    for view, name, title, icon in (
        (WorkAssignmentView, "Work assignments", _l("Work assignments"), "fa-briefcase"),
        (WorkScheduleEntryView, "Work schedule", _l("Work schedule"), "fa-calendar"),
        (HoursLogView, "Hours", _l("Hours worked"), "fa-clock-o"),
        (ControlActView, "Control acts", _l("Control acts"), "fa-check-square-o"),
        (NoShowView, "No-shows", _l("No-shows"), "fa-user-times"),
        (WorkIncidentView, "Incidents", _l("Incidents at work"), "fa-exclamation-triangle"),
    ):
        appbuilder.add_view(
            view, name, label=title, icon=icon, category=cat, category_label=label,
            category_icon="fa-wrench",
        )
