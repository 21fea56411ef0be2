"""FAB filters that apply the access rules of ``portal.services.access`` to screens and APIs."""

from __future__ import annotations

from typing import Any

from flask_appbuilder.models.filters import BaseFilter

from portal.services import access


class ScopeFilter(BaseFilter):
    """Restrict a list, show or edit query to the rows the current user may see."""

    name = "scope"
    write = False

    def apply(self, query: Any, value: Any) -> Any:
        return access.scope(query, self.model, access.current_actor(), write=self.write)


class EditableScopeFilter(ScopeFilter):
    """Restrict to the rows the current user may change (used for relation pickers)."""

    write = True


class StaffFilter(BaseFilter):
    """Restrict a user picker to case workers.

    Portal users are FAB users too; listing them in an officer picker would tell every
    officer the names of the probation clients, employers and volunteers using the portal.
    """

    name = "staff"

    def apply(self, query: Any, value: Any) -> Any:
        role_model = self.model.roles.property.mapper.class_
        return query.filter(self.model.roles.any(role_model.name.in_(access.Role.CASEWORK)))


def staff(model: type) -> list[list[Any]]:
    """Relation-picker filter for user relations (empty for any other model)."""
    from portal.models import PlusUser

    if isinstance(model, type) and issubclass(model, PlusUser):
        return [["id", StaffFilter, lambda: None]]
    return []


def scoped(model: type) -> list[list[Any]]:
    """``base_filters`` value for a scoped model (empty for reference data)."""
    if access.has_rule(model):
        return [["id", ScopeFilter, lambda: None]]
    return []


def editable(model: type) -> list[list[Any]]:
    """Relation-picker filter: only rows the user may add records to."""
    if access.has_rule(model):
        return [["id", EditableScopeFilter, lambda: None]]
    return []


class SameUnitUserFilter(BaseFilter):
    """Officer pickers: users of the current user's unit (all units for Admin)."""

    name = "same unit"

    def apply(self, query: Any, value: Any) -> Any:
        actor = access.current_actor()
        if actor.is_admin:
            return query.filter(self.model.unit_id.is_not(None))
        return query.filter(self.model.unit_id == actor.unit_id)


def same_unit_users() -> list[list[Any]]:
    """Relation-picker filter for responsible officers and mediators."""
    return [["id", SameUnitUserFilter, lambda: None]]


def picker_filters(datamodel: Any, columns: list[str]) -> dict[str, list[list[Any]]]:
    """Filters for the relation pickers among ``columns``: visible rows, staff for users.

    FAB fills pickers (form selects, search filters, the API's ``_info`` values) with every
    row of the related table unless a filter is given.
    """
    result: dict[str, list[list[Any]]] = {}
    for col in dict.fromkeys(columns):
        if not datamodel.is_relation(col):
            continue
        rel_model = datamodel.get_related_model(col)
        filters = staff(rel_model) or scoped(rel_model)
        if filters:
            result[col] = filters
    return result
