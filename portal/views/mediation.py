"""Mediation screens; victims' data is filtered by ``access.victim_visible``."""

from __future__ import annotations

from typing import Any

from flask_appbuilder import AppBuilder
from flask_appbuilder.fieldwidgets import BS3TextFieldWidget
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length, Optional

from portal.extensions import db
from portal.models import (
    Mediation,
    MediationParty,
    MediationSession,
    MediationTerm,
    SessionPlace,
)
from portal.services.casework import mediation as rules
from portal.views.base import PlusInterface, ScopedModelView
from portal.views.calendar import LABELS as CALENDAR_LABELS
from portal.views.calendar import BookingViewMixin, booking_validator, duration_field
from portal.views.case_context import CaseContextMixin, case_picker
from portal.views.fields import LabelledEnumField, _edited_pk, rule
from portal.views.localfields import LocalDateField

LABELS = {
    "case": _l("Case"),
    "mediator_officer": _l("Mediator (officer)"),
    "mediator_volunteer": _l("Mediator (volunteer)"),
    "outcome": _l("Outcome"),
    "agreement": _l("Agreement (text)"),
    "mediation": _l("Mediation"),
    "role": _l("Role"),
    "given_name": _l("Given name"),
    "surname": _l("Surname"),
    "personal_code": _l("Personal code"),
    "address": _l("Address"),
    "phone": _l("Phone"),
    "email": _l("E-mail"),
    "is_legal_person": _l("Legal person"),
    "scheduled_at": _l("Date and time"),
    "place": _l("Place"),
    "place_type": _l("Place type"),
    "agreement_date": _l("Agreement date"),
    "fulfilment": _l("Agreement fulfilled"),
    "description": _l("What is to be done"),
    "due_date": _l("Due by"),
    "status": _l("Fulfilment"),
    "checked_on": _l("Checked on"),
    "note": _l("Note"),
    "held": _l("Held"),
    "notes": _l("Notes"),
}


def _agreement(agreement_date: Any, outcome: Any) -> None:
    rules.check_agreement(outcome, agreement_date)


def _term_mediation(form: Any) -> Mediation | None:
    """The mediation a term form is for: the form's choice, else the edited term's."""
    chosen = getattr(getattr(form, "mediation", None), "data", None)
    if chosen is not None:
        return chosen
    pk = _edited_pk()
    term = db.session.get(MediationTerm, pk) if pk is not None else None
    return term.mediation if term is not None else None


def _term_due(form: Any, field: Any) -> None:
    rule(lambda due: rules.check_term_due(_term_mediation(form), due),
         reports="due_date")(form, field)


def _term_mediation_check(form: Any, field: Any) -> None:
    rule(lambda mediation: rules.check_term_due(mediation, form.due_date.data
                                                if hasattr(form, "due_date") else None),
         reports="mediation")(form, field)


def _term_checked(form: Any, field: Any) -> None:
    status = form.status.data if hasattr(form, "status") else None
    rule(lambda checked: rules.check_follow_up(_term_mediation(form), status, checked),
         reports="checked_on")(form, field)


def _session_place(place: Any, place_type: Any) -> None:
    rules.check_place(place_type, place)


def _place_type_field() -> LabelledEnumField:
    return LabelledEnumField(SessionPlace, label=_l("Place type"), validators=[Optional()],
                             default=SessionPlace.OFFICE)


def _place_field() -> StringField:
    # Not FAB's Optional(): an empty place is refused for a session in a prison.
    return StringField(
        _l("Place"), validators=[rule(_session_place, "place_type"), Length(max=200)],
        description=_l("In a prison or elsewhere: which one."),
        filters=[lambda v: (v or "").strip() or None], widget=BS3TextFieldWidget())


class MediationView(ScopedModelView):
    datamodel = PlusInterface(Mediation)
    list_title = _l("Mediations")
    label_columns = LABELS
    list_columns = ["case", "mediator_officer", "mediator_volunteer", "outcome",
                    "agreement_date", "fulfilment"]
    add_columns = ["case", "mediator_officer", "mediator_volunteer", "outcome", "agreement",
                   "agreement_date"]
    edit_columns = add_columns
    show_columns = [*add_columns, "fulfilment"]
    description_columns = {
        "agreement_date": _l("The day the parties signed the agreement (only when they "
                             "reconciled)."),
    }
    validators_columns = {"agreement_date": [rule(_agreement, "outcome")]}
    base_order = ("id", "desc")
    case_relations = ("case",)
    add_form_extra_fields = {"case": case_picker()}
    edit_form_extra_fields = {"case": case_picker()}


class MediationPartyView(ScopedModelView):
    datamodel = PlusInterface(MediationParty)
    list_title = _l("Mediation parties")
    label_columns = LABELS
    list_columns = ["mediation", "role", "given_name", "surname"]
    add_columns = [
        "mediation", "role", "given_name", "surname", "personal_code", "address", "phone", "email",
        "is_legal_person",
    ]
    edit_columns = add_columns
    base_order = ("id", "desc")
    case_relations = ("mediation",)


class MediationSessionView(BookingViewMixin, ScopedModelView):
    datamodel = PlusInterface(MediationSession)
    list_title = _l("Mediation sessions")
    label_columns = {**LABELS, **CALENDAR_LABELS}
    list_columns = ["mediation", "scheduled_at", "duration_minutes", "room", "place_type",
                    "place", "held"]
    add_columns = ["mediation", "scheduled_at", "duration_minutes", "room", "place_type",
                   "place", "held", "notes"]
    edit_columns = add_columns
    base_order = ("scheduled_at", "desc")
    case_relations = ("mediation",)
    # The clash rule (same room, mediator or client at an overlapping time) beside the time.
    validators_columns = {"scheduled_at": [booking_validator("mediation_session")]}
    description_columns = {"place": _l("In a prison or elsewhere: which one.")}
    # The place type may be left out (a form or client of before migration 0020): the office.
    add_form_extra_fields = {"duration_minutes": duration_field(), "place": _place_field(),
                             "place_type": _place_type_field()}
    edit_form_extra_fields = {"duration_minutes": duration_field(), "place": _place_field(),
                              "place_type": _place_type_field()}

    def pre_add(self, item: MediationSession) -> None:
        if item.place_type is None:
            item.place_type = SessionPlace.OFFICE
        super().pre_add(item)

    def pre_update(self, item: MediationSession) -> None:
        if item.place_type is None:
            item.place_type = SessionPlace.OFFICE
        super().pre_update(item)


class MediationTermView(CaseContextMixin, ScopedModelView):
    """The agreement's terms; recording fulfilment is an edit (status and check date)."""

    datamodel = PlusInterface(MediationTerm)
    list_title = _l("Agreement terms")
    label_columns = LABELS
    list_columns = ["mediation", "description", "due_date", "status", "checked_on"]
    add_columns = ["mediation", "description", "due_date"]
    edit_columns = ["description", "due_date", "status", "checked_on", "note"]
    show_columns = ["mediation", "description", "due_date", "status", "checked_on", "note"]
    base_order = ("due_date", "asc")
    case_relations = ("mediation",)
    context_field = "mediation"
    case_section = "case-mediation"
    validators_columns = {
        "mediation": [_term_mediation_check],
        "due_date": [_term_due],
    }
    description_columns = {
        "checked_on": _l("The day you checked the term (with fulfilled or not fulfilled)."),
    }
    # Not FAB's Optional(): an empty date is refused when the term is found (not) fulfilled.
    edit_form_extra_fields = {
        "checked_on": LocalDateField(
            label=_l("Checked on"), validators=[_term_checked],
            description=_l("The day you checked the term (with fulfilled or not fulfilled).")),
    }

    def pre_add(self, item: MediationTerm) -> None:
        if item.mediation is not None:
            item.case_id = item.mediation.case_id
        super().pre_add(item)

    def pre_update(self, item: MediationTerm) -> None:
        super().pre_update(item)
        if item.mediation is not None:
            item.case_id = item.mediation.case_id

    def post_add(self, item: MediationTerm) -> None:
        super().post_add(item)
        self._follow_up(item.mediation_id)

    def post_update(self, item: MediationTerm) -> None:
        super().post_update(item)
        self._follow_up(item.mediation_id)

    def post_delete(self, item: MediationTerm) -> None:
        super().post_delete(item)
        self._follow_up(item.mediation_id)

    @staticmethod
    def _follow_up(mediation_id: int | None) -> None:
        # The agreement's fulfilment follows its terms (one more small commit after FAB's).
        if mediation_id is not None:
            rules.follow_up(db.session, mediation_id)
            db.session.commit()


def register(appbuilder: AppBuilder) -> None:
    """Add the mediation screens under their own menu."""
    for view, name, title, icon in (
        (MediationView, "Mediations", _l("Mediations"), "fa-comments"),
        (MediationPartyView, "Mediation parties", _l("Mediation parties"), "fa-users"),
        (MediationSessionView, "Mediation sessions", _l("Mediation sessions"), "fa-calendar"),
        (MediationTermView, "Agreement terms", _l("Agreement terms"), "fa-check-square-o"),
    ):
        appbuilder.add_view(
            view, name, label=title, icon=icon, category="Mediation",
            category_label=_l("Mediation"), category_icon="fa-comments",
        )
