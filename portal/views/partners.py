"""Employers, volunteers, vacancies and priority works (reference data for case work)."""

from __future__ import annotations

from flask_appbuilder import AppBuilder
from flask_babel import lazy_gettext as _l
from wtforms.validators import Email, NumberRange, Optional

from portal.models import Employer, PriorityWork, Vacancy, Volunteer
from portal.services.casework import rules
from portal.views.base import PlusInterface, ScopedModelView
from portal.views.fields import rule

LABELS = {
    "name": _l("Name"),
    "registration_number": _l("Registration number"),
    "employer_type": _l("Type"),
    "address": _l("Address"),
    "municipality": _l("Municipality"),
    "contact_person": _l("Contact person"),
    "phone": _l("Phone"),
    "email": _l("E-mail"),
    "accepts_minors": _l("Accepts minors"),
    "unit": _l("Territorial unit"),
    "given_name": _l("Given name"),
    "surname": _l("Surname"),
    "volunteer_type": _l("Type"),
    "certified_mediator": _l("Certified mediator"),
    "employer": _l("Employer"),
    "title": _l("Title"),
    "description": _l("Description"),
    "places": _l("Places"),
    "suitable_for_minors": _l("Suitable for minors"),
    "valid_until": _l("Valid until"),
    "period_start": _l("From"),
    "period_end": _l("To"),
}
_EMAIL = [Optional(), Email(message=_l("Enter a valid e-mail address."))]


def _period(end: object, start: object) -> None:
    rules.date_order(start, end, "period_end")  # type: ignore[arg-type]


class EmployerView(ScopedModelView):
    datamodel = PlusInterface(Employer)
    list_title = _l("Employers")
    label_columns = LABELS
    list_columns = ["name", "employer_type", "municipality", "contact_person", "accepts_minors"]
    search_columns = ["name", "registration_number", "municipality"]
    add_columns = [
        "name", "registration_number", "employer_type", "address", "municipality",
        "contact_person", "phone", "email", "accepts_minors", "unit",
    ]
    edit_columns = add_columns
    base_order = ("name", "asc")
    validators_columns = {"email": _EMAIL}


class VolunteerView(ScopedModelView):
    datamodel = PlusInterface(Volunteer)
    list_title = _l("Volunteers")
    label_columns = LABELS
    list_columns = ["surname", "given_name", "volunteer_type", "certified_mediator", "unit"]
    add_columns = [
        "given_name", "surname", "volunteer_type", "certified_mediator", "phone", "email", "unit",
    ]
    edit_columns = add_columns
    base_order = ("surname", "asc")
    validators_columns = {"email": _EMAIL}


class VacancyView(ScopedModelView):
    datamodel = PlusInterface(Vacancy)
    list_title = _l("Vacancies")
    label_columns = LABELS
    list_columns = ["employer", "title", "places", "suitable_for_minors", "valid_until"]
    add_columns = ["employer", "title", "description", "places", "suitable_for_minors", "valid_until"]
    edit_columns = add_columns
    base_order = ("id", "desc")
    validators_columns = {"places": [NumberRange(min=1, max=500)]}


class PriorityWorkView(ScopedModelView):
    datamodel = PlusInterface(PriorityWork)
    list_title = _l("Priority works")
    label_columns = LABELS
    list_columns = ["employer", "title", "period_start", "period_end"]
    add_columns = ["employer", "title", "description", "period_start", "period_end"]
    edit_columns = add_columns
    base_order = ("id", "desc")
    validators_columns = {"period_end": [rule(_period, "period_start")]}


def register(appbuilder: AppBuilder) -> None:
    """Add the partner screens under their own menu."""
    for view, name, title, icon in (
        (EmployerView, "Employers", _l("Employers"), "fa-building"),
        (VolunteerView, "Volunteers", _l("Volunteers"), "fa-heart"),
        (VacancyView, "Vacancies", _l("Vacancies"), "fa-bullhorn"),
        (PriorityWorkView, "Priority works", _l("Priority works"), "fa-star"),
    ):
        appbuilder.add_view(
            view, name, label=title, icon=icon, category="Partners",
            category_label=_l("Partners"), category_icon="fa-handshake-o",
        )
