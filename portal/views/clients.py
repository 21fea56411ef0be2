"""Client screens."""

from __future__ import annotations

from typing import Any

from flask_appbuilder import AppBuilder
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from wtforms.validators import Email, Optional

from portal.extensions import db
from portal.models import Client
from portal.services import access, audit
from portal.views.base import PlusInterface, ScopedModelView
from portal.views.fields import birth_date_validator, personal_code_validator

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
}


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
    show_columns = [
        "given_name", "surname", "personal_code", "birth_date", "gender", "address", "phone",
        "email", "e_address_active", "preferred_language", "unit", "cases",
    ]
    add_columns = [
        "given_name", "surname", "personal_code", "birth_date", "gender", "address", "phone",
        "email", "e_address_active", "preferred_language",
    ]
    edit_columns = add_columns
    order_columns = ["surname", "given_name", "birth_date"]
    base_order = ("id", "desc")
    validators_columns = {
        "personal_code": [personal_code_validator],
        "birth_date": [birth_date_validator],
        "email": [Optional(), Email(message=_l("Enter a valid e-mail address."))],
    }
    description_columns = {
        "personal_code": _l("DDMMYY-NNNNN; new codes start with 32."),
    }

    def pre_add(self, item: Client) -> None:
        actor = access.current_actor()
        if not actor.does_casework:
            raise PermissionError(str(_l("You may not register clients.")))
        if item.unit_id is None:
            item.unit_id = actor.unit_id

    def pre_update(self, item: Client) -> None:
        return None

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
