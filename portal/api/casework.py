"""Clients and cases over REST; rows scoped by ``portal.services.access``."""

from __future__ import annotations

from typing import Any

from flask_appbuilder import AppBuilder
from flask_appbuilder.api import ModelRestApi
from flask_appbuilder.models.sqla.interface import SQLAInterface

from portal.extensions import db
from portal.models import Case, CaseStatus, Client
from portal.security.filters import scoped
from portal.services import access, cases, rules
from portal.services.errors import AccessDenied, DomainError


class _ScopedApi(ModelRestApi):
    """Base for case-data APIs: reads are filtered; writes checked against the access rules."""

    allow_browser_login = True
    page_size = 25
    max_page_size = 100

    def __init__(self) -> None:
        self.base_filters = scoped(self.datamodel.obj)
        super().__init__()

    def pre_update(self, item: Any) -> None:
        if not access.can_edit(db.session, item, access.current_actor()):
            raise AccessDenied("forbidden")

    def pre_delete(self, item: Any) -> None:
        self.pre_update(item)


class ClientApi(_ScopedApi):
    resource_name = "client"
    datamodel = SQLAInterface(Client)
    list_columns = ["id", "given_name", "surname", "personal_code", "birth_date", "unit.name"]
    show_columns = [
        "id", "given_name", "surname", "personal_code", "birth_date", "gender", "address",
        "phone", "email", "e_address_active", "preferred_language", "unit.name",
    ]
    add_columns = [
        "given_name", "surname", "personal_code", "birth_date", "gender", "address", "phone",
        "email", "e_address_active", "preferred_language",
    ]
    edit_columns = ["address", "phone", "email", "e_address_active", "preferred_language"]
    search_columns = ["surname", "given_name", "personal_code"]

    def pre_add(self, item: Client) -> None:
        actor = access.current_actor()
        if not actor.does_casework:
            raise AccessDenied("forbidden")
        try:
            item.personal_code = rules.personal_code(item.personal_code)
            rules.birth_date(item.birth_date)
        except DomainError:
            raise
        item.unit_id = item.unit_id or actor.unit_id


class CaseApi(_ScopedApi):
    resource_name = "case"
    datamodel = SQLAInterface(Case)
    list_columns = ["id", "number", "client.id", "function", "status", "start_date", "end_date",
                    "officer.id", "unit.name"]
    show_columns = [*list_columns, "closure_reason", "decision.id", "hours_ordered"]
    edit_columns = ["end_date", "hours_ordered"]
    add_columns = ["client", "function", "start_date", "end_date", "decision", "hours_ordered"]
    search_columns = ["number", "status", "function", "client"]

    def pre_add(self, item: Case) -> None:
        actor = access.current_actor()
        if not actor.does_casework or actor.unit_id is None:
            raise AccessDenied("forbidden")
        client = item.client
        if client is None or not access.can_view(db.session, client, actor):
            raise AccessDenied("forbidden")
        rules.date_order(item.start_date, item.end_date)
        item.unit_id = actor.unit_id
        item.officer_id = item.officer_id or actor.user_id
        item.status = CaseStatus.OPENED
        item.number = cases.next_case_number(db.session, item.start_date.year)


def register(appbuilder: AppBuilder) -> None:
    """Register the case-work APIs."""
    appbuilder.add_api(ClientApi)
    appbuilder.add_api(CaseApi)
