"""Base classes for officer screens: scoped rows, cheap counts, edit checks, access log."""

from __future__ import annotations

from typing import Any

from flask import abort, g
from flask_appbuilder import ModelView
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.baseviews import expose
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.extensions import db
from portal.security.filters import editable, scoped
from portal.services import access

# Counting every row of a 200,000-row table on each page costs more than the page itself;
# above this many rows the pager shows "more than N" instead of an exact total.
COUNT_CAP = 10_000


class PlusInterface(SQLAInterface):
    """SQLAInterface whose list count stops at COUNT_CAP rows."""

    def query_count(self, query: Any, filters: Any = None, select_columns: Any = None) -> int:
        inner = self._apply_inner_all(
            query, filters, select_columns=select_columns, aliases_mapping={}
        )
        limited = inner.with_entities(self.obj.id).order_by(None).limit(COUNT_CAP + 1).subquery()
        return self.session.execute(select(func.count()).select_from(limited)).scalar_one()


class ScopedModelView(ModelView):
    """A ModelView whose rows pass through ``portal.services.access``.

    Listing and opening out-of-scope rows gives 404 (FAB applies ``base_filters`` to show,
    edit and delete lookups); editing a visible but not editable row gives 403.
    """

    page_size = 25
    list_template = "appbuilder/general/model/list.html"
    #: relation fields whose choices are limited to records the user may add to
    case_relations: tuple[str, ...] = ()

    def __init__(self, **kwargs: Any) -> None:
        model = self.datamodel.obj
        self._install_enum_fields(model)
        self.base_filters = scoped(model)
        query_rel = dict(getattr(self, "add_form_query_rel_fields", None) or {})
        for rel in self.case_relations:
            rel_model = self.datamodel.get_related_model(rel)
            query_rel.setdefault(rel, editable(rel_model))
        self.add_form_query_rel_fields = query_rel
        self.edit_form_query_rel_fields = dict(query_rel)
        super().__init__(**kwargs)

    def _install_enum_fields(self, model: type) -> None:
        # FAB's EnumField looks members up by name; ours store values and show labels.
        from sqlalchemy import Enum as SAEnum
        from wtforms.validators import InputRequired, Optional

        from portal.views.fields import LabelledEnumField

        columns = (set(self.add_columns or []) | set(self.edit_columns or [])
                   | set(self.search_columns or []))
        search_extra = dict(getattr(self, "search_form_extra_fields", None) or {})
        add_extra = dict(getattr(self, "add_form_extra_fields", None) or {})
        edit_extra = dict(getattr(self, "edit_form_extra_fields", None) or {})
        from sqlalchemy import Boolean
        from wtforms import BooleanField

        for col in model.__table__.columns:
            if col.key in columns and isinstance(col.type, Boolean):
                # FAB marks NOT NULL columns required, which makes "unticked" impossible.
                label = (self.label_columns or {}).get(col.key, col.key.replace("_", " "))
                add_extra.setdefault(col.key, BooleanField(label, default=bool(
                    col.default.arg if col.default is not None and not callable(col.default.arg)
                    else False)))
                edit_extra.setdefault(col.key, BooleanField(label))
                continue
            if col.key not in columns or not isinstance(col.type, SAEnum):
                continue
            if col.type.enum_class is None:
                continue
            label = (self.label_columns or {}).get(col.key, col.key.replace("_", " ").capitalize())
            extra_validators = list((self.validators_columns or {}).get(col.key, []))
            presence = Optional() if col.nullable else InputRequired()
            field = LabelledEnumField(
                col.type.enum_class,
                label=label,
                optional=col.nullable,
                validators=[presence, *extra_validators],
            )
            add_extra.setdefault(col.key, field)
            edit_extra.setdefault(col.key, field)
            search_extra.setdefault(
                col.key,
                LabelledEnumField(col.type.enum_class, label=label, optional=True,
                                  validators=[Optional()]),
            )
        self.search_form_extra_fields = search_extra
        self.add_form_extra_fields = add_extra
        self.edit_form_extra_fields = edit_extra

    def _require_edit(self, pk: Any) -> None:
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            abort(404)
        if not access.can_edit(db.session, item, access.current_actor()):
            abort(403)

    @expose("/edit/<pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk: Any) -> Any:
        self._require_edit(pk)
        return super().edit(pk)

    @expose("/delete/<pk>", methods=["GET", "POST"])
    @has_access
    def delete(self, pk: Any) -> Any:
        self._require_edit(pk)
        return super().delete(pk)

    def pre_add(self, item: Any) -> None:
        actor = access.current_actor()
        if access.has_rule(type(item)) and not isinstance(item, access.Client):
            if not access.can_add_to_case(db.session, access.parent_case_id(item), actor):
                raise access_error()

    def pre_update(self, item: Any) -> None:
        # The form may have moved the row to another case: check the destination too.
        self.pre_add(item) if access.has_rule(type(item)) else None


def access_error() -> Exception:
    """The exception FAB flashes when a write is outside the user's scope."""
    return PermissionError(str(_l("You may not change records of this case.")))


def mark_source(source: str) -> None:
    """Name where the change history should say a change came from."""
    g.audit_source = source
