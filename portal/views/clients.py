"""Client screens."""

from __future__ import annotations

from typing import Any

from flask import g, redirect, url_for
from flask_appbuilder import AppBuilder
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from wtforms.validators import Email, Optional

from portal.extensions import db
from portal.models import Client
from portal.services import access, audit
from portal.services.casework import personal_data, rules
from portal.services.errors import DomainError
from portal.views.base import PlusInterface, ScopedModelView
from portal.views.fields import (
    YesNoField,
    birth_date_validator,
    children_in_care_validator,
    dependants_validator,
    document_number_validator,
    document_type_validator,
    personal_code_validator,
    valid_until_validator,
)
from portal.views.localfields import LocalDateField

CLIENT_LABELS = {
    "given_name": _l("Given name"),
    "surname": _l("Surname"),
    "personal_code": _l("Personal code"),
    "birth_date": _l("Date of birth"),
    "gender": _l("Gender"),
    "address": _l("Address"),
    "phone": _l("Phone"),
    "email": _l("E-mail"),
    "e_address_active": _l("Official e-address active"),
    "preferred_language": _l("Preferred language"),
    "unit": _l("Territorial unit"),
    "cases": _l("Cases"),
    "full_name": _l("Full name"),
    "citizenship": _l("Citizenship"),
    "id_document_type": _l("Document type"),
    "id_document_number": _l("Document number"),
    "id_document_valid_until": _l("Valid until"),
    "family_status": _l("Family status"),
    "dependants": _l("Number of dependants"),
    "minor_children_in_care": _l("Minor children in the client's care"),
    "education_level": _l("Education level"),
    "education_document": _l("Education document"),
    "qualification": _l("Speciality or qualification"),
    "employed": _l("Employed"),
    "employer_name": _l("Employer"),
    "income_types": _l("Types of legal income"),
    "social_status": _l("Status poor / low-income"),
    "residence_inspected_on": _l("Residence inspected on"),
    "social_benefits": _l("Social benefits and services"),
    "disability_group": _l("Disability group"),
    "disability_term": _l("Disability term"),
    "functional_impairment": _l("Type of functional impairment"),
}

#: the personal data form (personas datu veidlapa), section by section; registry answers
#: (portal.services.exchanges.answers) fill the education, employment and disability fields
PERSON_FIELDS = ["given_name", "surname", "personal_code", "birth_date", "gender",
                 "citizenship"]
DOCUMENT_FIELDS = ["id_document_type", "id_document_number", "id_document_valid_until"]
CONTACT_FIELDS = ["address", "phone", "email", "e_address_active", "preferred_language"]
FAMILY_FIELDS = ["family_status", "dependants", "minor_children_in_care"]
EDUCATION_FIELDS = ["education_level", "education_document", "qualification"]
EMPLOYMENT_FIELDS = ["employed", "employer_name", "income_types", "social_status",
                     "social_benefits", "residence_inspected_on"]
DISABILITY_FIELDS = ["disability_group", "disability_term", "functional_impairment"]


def _sections(person: list[str]) -> list[tuple[Any, dict[str, Any]]]:
    return [
        (_l("Person"), {"fields": person}),
        (_l("Identity document"), {"fields": DOCUMENT_FIELDS}),
        (_l("Contacts"), {"fields": CONTACT_FIELDS}),
        (_l("Family and dependants"), {"fields": FAMILY_FIELDS}),
        (_l("Education"), {"fields": EDUCATION_FIELDS}),
        (_l("Employment and economic activity"), {"fields": EMPLOYMENT_FIELDS}),
        (_l("Disability"), {"fields": DISABILITY_FIELDS}),
    ]


FORM_COLUMNS = [*PERSON_FIELDS, *DOCUMENT_FIELDS, *CONTACT_FIELDS, *FAMILY_FIELDS,
                *EDUCATION_FIELDS, *EMPLOYMENT_FIELDS, *DISABILITY_FIELDS]


BIRTH_DATE_HINT = _l("Only for a personal code starting with 32; otherwise taken from the "
                     "personal code.")


class ClientView(ScopedModelView):
    """Probation clients of the user's unit."""

    datamodel = PlusInterface(Client)
    list_title = _l("Clients")
    show_title = _l("Client")
    add_title = _l("Add client")
    edit_title = _l("Edit client")
    label_columns = CLIENT_LABELS
    list_columns = ["surname", "given_name", "personal_code", "birth_date", "unit"]
    search_columns = ["surname", "given_name", "personal_code"]
    show_columns = [*FORM_COLUMNS, "unit", "cases"]
    add_columns = FORM_COLUMNS
    edit_columns = add_columns
    add_fieldsets = _sections(PERSON_FIELDS)
    edit_fieldsets = add_fieldsets
    show_fieldsets = [
        (_l("Registration"), {"fields": ["unit", "cases"]}),
        *_sections(PERSON_FIELDS),
    ]
    order_columns = ["surname", "given_name", "birth_date"]
    base_order = ("id", "desc")
    validators_columns = {
        "personal_code": [personal_code_validator],
        "birth_date": [birth_date_validator],
        "email": [Optional(), Email(message=_l("Enter a valid e-mail address."))],
        "id_document_type": [document_type_validator],
        "id_document_number": [document_number_validator],
        "id_document_valid_until": [valid_until_validator],
        "dependants": [dependants_validator],
    }
    description_columns = {
        "personal_code": _l("DDMMYY-NNNNN; new codes start with 32."),
        "birth_date": BIRTH_DATE_HINT,
        "id_document_number": _l("Letters and digits, at most 20."),
        "id_document_valid_until": _l("An expired document is recorded as it is."),
        "dependants": _l("Children and other persons the client supports, 0 to 20."),
        "minor_children_in_care": _l("Decides whether the orphans' court is told when "
                                     "supervision starts."),
    }
    # Asked for a new-form personal code only (it carries no date); an old-form code's date
    # is taken from the code, so the field is optional here and the rule decides.
    add_form_extra_fields = {
        "birth_date": LocalDateField(_l("Date of birth"), description=BIRTH_DATE_HINT,
                                     validators=[birth_date_validator]),
    }
    add_form_extra_fields.update({
        name: YesNoField(CLIENT_LABELS[name], description=description, validators=validators)
        for name, description, validators in (
            ("minor_children_in_care", _l("Decides whether the orphans' court is told when "
                                          "supervision starts."), [children_in_care_validator]),
            ("employed", "", []),
        )
    })
    edit_form_extra_fields = dict(add_form_extra_fields)
    add_template = "plus/client_add.html"
    edit_template = "plus/client_edit.html"

    def pre_add(self, item: Client) -> None:
        actor = access.current_actor()
        if not actor.does_casework:
            raise PermissionError(str(_l("You may not register clients.")))
        if item.unit_id is None:
            item.unit_id = actor.unit_id
        self._birth_from_code(item)

    def pre_update(self, item: Client) -> None:
        self._birth_from_code(item)

    @staticmethod
    def _birth_from_code(item: Client) -> None:
        try:
            item.birth_date = rules.birth_date_for(item.personal_code, item.birth_date)
            # A blank number is no number (the form sends "" for an empty field).
            item.id_document_number = personal_data.document_number(item.id_document_number)
        except DomainError as exc:  # the field's validator said so already
            raise PermissionError(str(exc.message)) from exc

    def post_add(self, item: Client) -> None:
        g.plus_new_client_id = item.id

    def post_add_redirect(self) -> Any:
        """A new client is opened at once: the next step (a case, a decision) starts there."""
        new_id = g.get("plus_new_client_id")
        if new_id is not None:
            return redirect(url_for("ClientView.show", pk=new_id))
        return super().post_add_redirect()

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk: Any) -> Any:
        item = self.datamodel.get(pk, self._base_filters)
        if item is not None:
            audit.record_access(
                db.session, user_id=access.current_actor().user_id, action="client.show",
                client_id=item.id,
            )
            db.session.commit()
        return super().show(pk)


def register(appbuilder: AppBuilder) -> None:
    """Add the client screens to the menu."""
    appbuilder.add_view(
        ClientView, "Clients", label=_l("Clients"), icon="fa-user", category="Casework",
        category_label=_l("Case work"), category_icon="fa-folder-open",
    )
