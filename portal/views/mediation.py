"""Mediation screens; victims' data is filtered by ``access.victim_visible``."""

from __future__ import annotations

from flask_appbuilder import AppBuilder
from flask_babel import lazy_gettext as _l

from portal.models import Mediation, MediationParty, MediationSession
from portal.views.base import PlusInterface, ScopedModelView

LABELS = {
    "case": _l("Case"),
    "mediator_officer": _l("Mediator (officer)"),
    "mediator_volunteer": _l("Mediator (volunteer)"),
    "outcome": _l("Outcome"),
    "agreement": _l("Agreement"),
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
    "in_prison": _l("In prison"),
    "held": _l("Held"),
    "notes": _l("Notes"),
}


class MediationView(ScopedModelView):
    datamodel = PlusInterface(Mediation)
    list_title = _l("Mediations")
    label_columns = LABELS
    list_columns = ["case", "mediator_officer", "mediator_volunteer", "outcome"]
    add_columns = ["case", "mediator_officer", "mediator_volunteer", "outcome", "agreement"]
    edit_columns = add_columns
    base_order = ("id", "desc")
    case_relations = ("case",)


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


class MediationSessionView(ScopedModelView):
    datamodel = PlusInterface(MediationSession)
    list_title = _l("Mediation sessions")
    label_columns = LABELS
    list_columns = ["mediation", "scheduled_at", "place", "in_prison", "held"]
    add_columns = ["mediation", "scheduled_at", "place", "in_prison", "held", "notes"]
    edit_columns = add_columns
    base_order = ("scheduled_at", "desc")
    case_relations = ("mediation",)


def register(appbuilder: AppBuilder) -> None:
    """Add the mediation screens under their own menu."""
    for view, name, title, icon in (
        (MediationView, "Mediations", _l("Mediations"), "fa-comments"),
        (MediationPartyView, "Mediation parties", _l("Mediation parties"), "fa-users"),
        (MediationSessionView, "Mediation sessions", _l("Mediation sessions"), "fa-calendar"),
    ):
        appbuilder.add_view(
            view, name, label=title, icon=icon, category="Mediation",
            category_label=_l("Mediation"), category_icon="fa-comments",
        )
