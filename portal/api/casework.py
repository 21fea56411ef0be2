"""Clients and cases over REST; rows scoped by ``portal.services.access``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Response
from flask_appbuilder import AppBuilder
from flask_appbuilder.api import ModelRestApi
from flask_appbuilder.exceptions import ApplyFilterException
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError as MarshmallowValidationError
from sqlalchemy import Enum as SAEnum
from sqlalchemy import String
from sqlalchemy.exc import SQLAlchemyError, StatementError

from portal.extensions import db
from portal.models import Case, CaseStatus, Client
from portal.security.filters import picker_filters, scoped
from portal.services import access
from portal.services.casework import cases, personal_data, rules
from portal.services.errors import AccessDenied, DomainError, NotFound, ValidationFailed

log = logging.getLogger(__name__)


class ApiInterface(SQLAInterface):
    """SQLAInterface whose database refusals become a 422 message, never SQL.

    FAB logs a failed write with its statement and parameters (personal codes, names) and
    answers 500 (add) or 422 quoting the database's error text (edit, delete). A constraint
    the validation could not see (two requests racing with the same personal code) is
    instead a ``ValidationFailed``, which ``_ScopedApi`` answers with 422.
    """

    def _write(self, change: Callable[[], None], commit: bool) -> None:
        try:
            change()
            if commit:
                self.session.commit()
        except SQLAlchemyError as exc:
            self.session.rollback()
            # The kind of refusal only: the statement's parameters hold personal data.
            log.warning("API write refused by the database (%s)", type(exc).__name__)
            raise ValidationFailed(
                _l("The record could not be saved: it conflicts with stored data. "
                   "Check the values and try again.")
            ) from None

    def add(self, item: Any, commit: bool = True) -> None:
        self._write(lambda: self.session.add(item), commit)

    def edit(self, item: Any, commit: bool = True) -> None:
        self._write(lambda: self.session.merge(item), commit)

    def delete(self, item: Any, commit: bool = True) -> None:
        self._write(lambda: self.session.delete(item), commit)


def _long_text(value: Any) -> None:
    try:
        rules.long_text(value)
    except ValidationFailed as exc:
        raise MarshmallowValidationError(str(exc.message)) from exc



class _ScopedApi(ModelRestApi):
    """Base for case-data APIs: reads are filtered; writes checked against the access rules.

    FAB's ``@safe`` turns any exception of ``pre_add``/``pre_update``/``pre_delete`` into a
    500, so the write endpoints map the domain exceptions themselves: AccessDenied gives 403,
    NotFound 404 and any other DomainError 422 with the message under its field.
    """

    allow_browser_login = True
    page_size = 25
    max_page_size = 100

    def __init__(self) -> None:
        self.base_filters = scoped(self.datamodel.obj)
        # ``_info`` lists the choices of relation fields: every client and decision otherwise.
        self.add_query_rel_fields = picker_filters(self.datamodel, list(self.add_columns or []))
        self.edit_query_rel_fields = picker_filters(self.datamodel, list(self.edit_columns or []))
        # Long texts have the screens' limit (TEXT_MAX_LENGTH): a 422 under the field.
        validators = dict(self.validators_columns or {})
        for col in self.datamodel.obj.__table__.columns:
            if (isinstance(col.type, String) and col.type.length is None
                    and not isinstance(col.type, SAEnum)):
                validators.setdefault(col.key, _long_text)
        self.validators_columns = validators
        super().__init__()

    def check_edit(self, item: Any) -> None:
        """Refuse a change to a stored row the user may see but not change."""
        # Judge the stored row: flushing the request's values first could fail in the
        # database (a number too large for its column) before validation can say why.
        with db.session.no_autoflush:
            allowed = access.can_edit(db.session, item, access.current_actor())
        if not allowed:
            raise AccessDenied(_l("You may not change records of this case."))

    def check_case_takes(self, item: Any) -> None:
        """Refuse a new record for a closed case, under the field that names its case."""
        field = next((c for c in self.add_columns or [] if c in access.PARENT_FIELDS), "case")
        with db.session.no_autoflush:
            cases.check_takes_new(db.session, access.parent_case_id(item), type(item), field)

    def pre_update(self, item: Any) -> None:
        self.check_edit(item)

    def pre_delete(self, item: Any) -> None:
        self.check_edit(item)

    def _mapped(self, call: Callable[[], Response]) -> Response:
        try:
            return call()
        except AccessDenied:
            db.session.rollback()
            return self.response_403()
        except NotFound:
            db.session.rollback()
            return self.response_404()
        except DomainError as exc:
            db.session.rollback()
            return self.response_422(message={exc.field or "_schema": [str(exc.message)]})

    def get_list_headless(self, **kwargs: Any) -> Response:
        try:
            return super().get_list_headless(**kwargs)
        except (StatementError, ApplyFilterException, LookupError, ValueError, TypeError,
                OverflowError):
            # A filter value that does not fit its column (an unknown status): FAB's ``@safe``
            # would make it a 500.
            db.session.rollback()
            return self.response_400(message=str(_l("A filter value is not valid.")))

    def post_headless(self) -> Response:
        return self._mapped(super().post_headless)

    def put_headless(self, pk: Any) -> Response:
        def put() -> Response:
            # Check the stored row before FAB loads the request body into it.
            item = self.datamodel.get(pk, self._base_filters)
            if item is not None:
                self.check_edit(item)
            return super(_ScopedApi, self).put_headless(pk)

        return self._mapped(put)

    def delete_headless(self, pk: Any) -> Response:
        return self._mapped(lambda: super(_ScopedApi, self).delete_headless(pk))


#: the personal data form's own fields (the registry's fields are saved from its answers)
PERSONAL_DATA_COLUMNS = list(personal_data.COLUMNS)


class ClientApi(_ScopedApi):
    resource_name = "client"
    datamodel = ApiInterface(Client)
    list_columns = ["id", "given_name", "surname", "personal_code", "birth_date", "unit.name"]
    show_columns = [
        "id", "given_name", "surname", "personal_code", "birth_date", "gender", "address",
        "phone", "email", "e_address_active", "preferred_language", "unit.name",
        *PERSONAL_DATA_COLUMNS,
    ]
    add_columns = [
        "given_name", "surname", "personal_code", "birth_date", "gender", "address", "phone",
        "email", "e_address_active", "preferred_language", *PERSONAL_DATA_COLUMNS,
    ]
    edit_columns = ["address", "phone", "email", "e_address_active", "preferred_language",
                    *PERSONAL_DATA_COLUMNS]
    search_columns = ["surname", "given_name", "personal_code"]

    def _init_model_schemas(self) -> None:
        super()._init_model_schemas()
        # Asked for a new-form personal code only: an old-form code carries the date, so
        # the schema lets it be left out and pre_add applies the rule.
        born = self.add_model_schema.fields["birth_date"]
        born.required, born.allow_none = False, True

    def pre_add(self, item: Client) -> None:
        actor = access.current_actor()
        if not actor.does_casework:
            raise AccessDenied("forbidden")
        with db.session.no_autoflush:  # the new client hangs in the session already
            item.personal_code = rules.personal_code(item.personal_code)
            rules.personal_code_free(db.session, item.personal_code, actor)
            rules.birth_date(item.birth_date)
            # A new-form code carries no birth date; an old-form code's must agree.
            item.birth_date = rules.birth_date_for(item.personal_code, item.birth_date)
            personal_data.check(item)
        item.unit_id = item.unit_id or actor.unit_id

    def pre_update(self, item: Client) -> None:
        super().pre_update(item)
        with db.session.no_autoflush:
            personal_data.check(item)


class CaseApi(_ScopedApi):
    resource_name = "case"
    datamodel = ApiInterface(Case)
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
        # The half-built case hangs off its client already: checks must not flush it.
        with db.session.no_autoflush:
            client = item.client
            # The screen's picker offers only clients the officer may change (another
            # officer's client is visible in the unit but not theirs to open a case for).
            if client is None or not access.can_edit(db.session, client, actor):
                raise AccessDenied("forbidden")
            decision = item.decision
            if decision is not None:
                # Linking a decision would make it readable through the new case.
                if not access.can_view(db.session, decision, actor):
                    raise AccessDenied("forbidden")
                if decision.client_id != client.id:
                    raise ValidationFailed(
                        _l("The decision concerns another client."), "decision"
                    )
            self._check_values(item)
            item.unit_id = actor.unit_id
            item.officer_id = item.officer_id or actor.user_id
            item.status = CaseStatus.OPENED
            item.number = cases.next_case_number(db.session, item.start_date.year)

    def pre_update(self, item: Case) -> None:
        super().pre_update(item)
        self._check_values(item)

    @staticmethod
    def _check_values(item: Case) -> None:
        rules.date_order(item.start_date, item.end_date)
        if item.hours_ordered is not None:
            rules.positive_amount(item.hours_ordered, "hours_ordered", 2000)


def register(appbuilder: AppBuilder) -> None:
    """Register the case-work APIs."""
    appbuilder.add_api(ClientApi)
    appbuilder.add_api(CaseApi)
