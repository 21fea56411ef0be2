"""Base classes for officer screens: scoped rows, cheap counts, edit checks, access log."""

from __future__ import annotations

from typing import Any

from flask import abort, g
from flask_appbuilder import ModelView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.exceptions import ApplyFilterException
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.widgets import ListWidget, ShowWidget
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError, StatementError
from sqlalchemy.orm import selectinload
from wtforms.fields.core import UnboundField

from portal.extensions import db
from portal.models import CaseStatus
from portal.security.filters import editable, picker_filters, scoped
from portal.services import access
from portal.services.casework import cases

# Counting every row of a 200,000-row table on each page costs more than the page itself;
# above this many rows the pager shows "more than N" instead of an exact total.
COUNT_CAP = 10_000


_COMMON_LABELS = {
    "created_at": _l("Created"),
    "updated_at": _l("Last changed"),
    "confirmed_at": _l("Confirmed at"),
    "id": _l("No."),
}


class PlusInterface(SQLAInterface):
    """SQLAInterface whose list count stops at COUNT_CAP rows.

    The many-to-one relations a list shows (``list_relations``, set by ScopedModelView) are
    loaded with one query each for the whole page, not one query per row.
    """

    list_relations: tuple[str, ...] = ()

    def apply_all(self, query: Any, *args: Any, **kwargs: Any) -> Any:
        query = super().apply_all(query, *args, **kwargs)
        if self.list_relations:
            query = query.options(
                *(selectinload(getattr(self.obj, name)) for name in self.list_relations)
            )
        return query

    def query_count(self, query: Any, filters: Any = None, select_columns: Any = None) -> int:
        inner = self._apply_inner_all(
            query, filters, select_columns=select_columns, aliases_mapping={}
        )
        limited = inner.with_entities(self.obj.id).order_by(None).limit(COUNT_CAP + 1).subquery()
        return self.session.execute(select(func.count()).select_from(limited)).scalar_one()

    def add(self, item: Any, commit: bool = True) -> None:
        """Store a new row; a database refusal becomes a message fit for the user.

        FAB flashes ``str()`` of whatever ``add`` raises, which for a database error is the
        SQL statement with its parameters. The forms' validators should catch bad input
        first; this covers what only the database sees (two officers saving the same
        personal code at once).
        """
        try:
            super().add(item, commit)
        except SQLAlchemyError as exc:  # FAB has logged it and rolled back
            raise SaveRefused(
                str(_l("The record could not be saved: it conflicts with stored data. "
                       "Check the values and try again."))
            ) from exc


#: the most rows one list page shows, whatever ``psize_<View>`` asks for
MAX_PAGE_SIZE = 100
#: beyond any list we hold; keeps the OFFSET a database integer
MAX_PAGE = 1_000_000


class PlusListWidget(ListWidget):
    """FAB's list; edit and delete per row only where ``editable_pks`` holds the row."""

    template = "plus/widgets/list.html"


class PlusShowWidget(ShowWidget):
    """FAB's show widget, with edit and delete offered when ``item_editable``."""

    template = "plus/widgets/show.html"


class ScopedModelView(ModelView):
    """A ModelView whose rows pass through ``portal.services.access``.

    Listing and opening out-of-scope rows gives 404 (FAB applies ``base_filters`` to show,
    edit and delete lookups); editing a visible but not editable row gives 403.
    """

    page_size = 25
    list_widget = PlusListWidget
    show_widget = PlusShowWidget
    list_template = "appbuilder/general/model/list.html"
    #: relation fields whose choices are limited to records the user may add to
    case_relations: tuple[str, ...] = ()

    def __init__(self, **kwargs: Any) -> None:
        model = self.datamodel.obj
        self._install_enum_fields(model)
        self._install_datetime_fields(model)
        self.validators_columns = self._column_validators(model)
        self._install_date_and_number_fields(model)
        self.base_filters = scoped(model)
        query_rel = dict(getattr(self, "add_form_query_rel_fields", None) or {})
        for rel in self.case_relations:
            rel_model = self.datamodel.get_related_model(rel)
            query_rel.setdefault(rel, editable(rel_model))
        # Every other relation picker would list all rows of the related table (FAB queries
        # it unfiltered): limit it to visible rows, and user pickers to case workers.
        form_columns = [*(self.add_columns or []), *(self.edit_columns or [])]
        for rel, filters in picker_filters(self.datamodel, form_columns).items():
            query_rel.setdefault(rel, filters)
        self.add_form_query_rel_fields = query_rel
        self.edit_form_query_rel_fields = dict(query_rel)
        # The list's search filters offer the same pickers (e.g. every case number).
        search_rel = dict(getattr(self, "search_form_query_rel_fields", None) or {})
        for rel, filters in picker_filters(self.datamodel, self._search_columns()).items():
            search_rel.setdefault(rel, filters)
        self.search_form_query_rel_fields = search_rel
        self._install_titles_and_formatters(model)
        if isinstance(self.datamodel, PlusInterface):
            self.datamodel.list_relations = tuple(
                name for name in (self.list_columns or [])
                if self.datamodel.is_relation_many_to_one(name)
            )
        super().__init__(**kwargs)

    def _init_forms(self) -> None:
        super()._init_forms()
        from portal.views.case_context import PickerField
        from portal.views.fields import case_takes_new, count_long_texts, label_blank_choices

        label_blank_choices(self.add_form, self.edit_form)
        for form in (self.add_form, self.edit_form):
            count_long_texts(form, self.datamodel.obj)
        # The field through which a new record names its case (a relation or a picker): a
        # closed case is refused there, as WTForms' inline ``validate_<field>`` of the form.
        model = self.datamodel.obj
        parent = self._parent_field()
        if parent is not None and hasattr(self.add_form, parent):
            setattr(self.add_form, f"validate_{parent}", case_takes_new(model))
            unbound = getattr(self.add_form, parent)
            if issubclass(unbound.field_class, PickerField) and \
                    not cases.takes_new(CaseStatus.CLOSED, model):
                # The case picker of the add form searches only cases that take new records.
                setattr(self.add_form, parent, UnboundField(
                    unbound.field_class, *unbound.args, **{**unbound.kwargs, "open_only": True}))

    def _parent_field(self) -> str | None:
        """The add form's field through which a new record names its case, if it has one."""
        if not access.has_rule(self.datamodel.obj):
            return None
        return next((c for c in self.add_columns or [] if c in access.PARENT_FIELDS), None)

    def _install_titles_and_formatters(self, model: type) -> None:
        # FAB's default titles ("Add Meeting") and raw values (enum codes, True, ISO dates)
        # would show English and code words to users; derive translated ones instead.
        import datetime as dt

        from sqlalchemy import Boolean, Date, DateTime, Float, Numeric
        from sqlalchemy import Enum as SAEnum

        from portal.formatting import localtime
        from portal.labels import enum_label
        from portal.numbers import format_number

        own = {k for cls in type(self).__mro__ if cls.__module__.startswith("portal.")
               for k in vars(cls)}
        if self.list_title:
            if "show_title" not in own:
                self.show_title = _l("%(what)s — details", what=self.list_title)
            if "add_title" not in own:
                self.add_title = _l("%(what)s — add", what=self.list_title)
            if "edit_title" not in own:
                self.edit_title = _l("%(what)s — edit", what=self.list_title)
        formatters = dict(self.formatters_columns or {})
        for col in model.__table__.columns:
            if col.key in formatters:
                continue
            if isinstance(col.type, SAEnum) and col.type.enum_class is not None:
                enum_cls = col.type.enum_class

                def fmt_enum(value: Any, enum_cls: Any = enum_cls) -> Any:
                    try:
                        return enum_label(enum_cls(value)) if value not in (None, "") else ""
                    except ValueError:
                        return value

                formatters[col.key] = fmt_enum
            elif isinstance(col.type, Boolean):
                formatters[col.key] = lambda v: (
                    "" if v is None else (_l("Yes") if v else _l("No"))
                )
            elif isinstance(col.type, DateTime) or getattr(col.type, "impl", None).__class__ is DateTime:
                formatters[col.key] = lambda v: localtime(v) if isinstance(v, dt.datetime) else (v or "")
            elif isinstance(col.type, Date):
                formatters[col.key] = lambda v: v.strftime("%d.%m.%Y") if isinstance(v, dt.date) else (v or "")
            elif isinstance(col.type, Numeric) and not isinstance(col.type, Float):
                formatters[col.key] = format_number
        # A to-many relation would print as a Python list ("[PL-2026-000021]", "[]").
        from sqlalchemy import inspect as sa_inspect

        for rel in sa_inspect(model).relationships:
            if rel.uselist and rel.key not in formatters:
                formatters[rel.key] = lambda items: ", ".join(str(i) for i in items or []) or "—"
        self.formatters_columns = formatters
        labels = dict(self.label_columns or {})
        for key, text in _COMMON_LABELS.items():
            labels.setdefault(key, text)
        self.label_columns = labels

    def _search_columns(self) -> list[str]:
        """The search columns FAB will use (its default when the view names none)."""
        if self.search_columns:
            return list(self.search_columns)
        excluded = set(self.search_exclude_columns or [])
        return [c for c in self.datamodel.get_search_columns_list() if c not in excluded]

    def _install_enum_fields(self, model: type) -> None:
        # FAB's EnumField looks members up by name; ours store values and show labels.
        from sqlalchemy import Enum as SAEnum
        from wtforms.validators import InputRequired, Optional

        from portal.views.fields import LabelledEnumField

        columns = (set(self.add_columns or []) | set(self.edit_columns or [])
                   | set(self._search_columns()))
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
            if col.nullable and extra_validators:
                # Optional() would stop the chain on an empty choice, yet a rule may need to
                # say that this choice is missing (a closed case needs a closure reason).
                presence: list[Any] = []
            else:
                presence = [Optional() if col.nullable else InputRequired()]
            field = LabelledEnumField(
                col.type.enum_class,
                label=label,
                optional=col.nullable,
                validators=[*presence, *extra_validators],
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

    def _install_datetime_fields(self, model: type) -> None:
        # FAB's DateTimeField shows the stored UTC value with seconds and offset, which its
        # own parser then refuses; ours shows and reads local time (see LocalDateTimeField).
        # Search forms keep FAB's field: its filters parse the value themselves.
        from sqlalchemy import DateTime
        from wtforms.validators import DataRequired, Optional

        from portal.views.fields import LocalDateTimeField

        columns = set(self.add_columns or []) | set(self.edit_columns or [])
        add_extra = dict(getattr(self, "add_form_extra_fields", None) or {})
        edit_extra = dict(getattr(self, "edit_form_extra_fields", None) or {})
        for col in model.__table__.columns:
            if col.key not in columns:
                continue
            kind = getattr(col.type, "impl", col.type)  # UTCDateTime decorates a DateTime
            if not isinstance(kind, DateTime):
                continue
            label = (self.label_columns or {}).get(col.key, col.key.replace("_", " ").capitalize())
            field = LocalDateTimeField(
                label=label,
                description=(self.description_columns or {}).get(col.key, ""),
                naive_utc=not kind.timezone,
                validators=[
                    # DataRequired, not InputRequired: blanks parse to no value, not an error.
                    Optional() if col.nullable else DataRequired(),
                    *(self.validators_columns or {}).get(col.key, []),
                ],
            )
            add_extra.setdefault(col.key, field)
            edit_extra.setdefault(col.key, field)
        self.add_form_extra_fields = add_extra
        self.edit_form_extra_fields = edit_extra

    def _install_date_and_number_fields(self, model: type) -> None:
        # FAB's date field reads YYYY-MM-DD (its picker rewrote a typed 15.03.1990) and its
        # decimal field refuses 4,5: ours read what users in Latvia type (see localfields).
        from sqlalchemy import Date, DateTime, Float, Numeric
        from wtforms.validators import DataRequired, InputRequired, Optional

        from portal.views.localfields import LocalDateField, LocalDecimalField

        columns = set(self.add_columns or []) | set(self.edit_columns or [])
        add_extra = dict(getattr(self, "add_form_extra_fields", None) or {})
        edit_extra = dict(getattr(self, "edit_form_extra_fields", None) or {})
        for col in model.__table__.columns:
            if col.key not in columns or col.key in add_extra:
                continue
            kind = getattr(col.type, "impl", col.type)
            if isinstance(kind, Date) and not isinstance(kind, DateTime):
                field_cls: Any = LocalDateField
            elif isinstance(kind, Numeric) and not isinstance(kind, Float):
                field_cls = LocalDecimalField
            else:
                continue
            label = (self.label_columns or {}).get(col.key, col.key.replace("_", " ").capitalize())
            # 0 is a value: a number needs input, not a truthy value.
            required = InputRequired() if field_cls is LocalDecimalField else DataRequired()
            field = field_cls(
                label=label,
                description=(self.description_columns or {}).get(col.key, ""),
                validators=[
                    Optional() if col.nullable else required,
                    *(self.validators_columns or {}).get(col.key, []),
                ],
            )
            add_extra.setdefault(col.key, field)
            edit_extra.setdefault(col.key, field)
        self.add_form_extra_fields = add_extra
        self.edit_form_extra_fields = edit_extra

    def _get_list_widget(  # type: ignore[override]
        self,
        filters: Any,
        actions: Any = None,
        order_column: str = "",
        order_direction: str = "",
        page: int | None = None,
        page_size: int | None = None,
        widgets: Any = None,
        **kwargs: Any,
    ) -> Any:
        """FAB's list, with the URL's paging and order kept to what the view allows.

        FAB takes ``psize_``, ``page_`` and ``_oc_`` from the URL as they come: any page size
        (a whole table in one page), any offset, any column name into ORDER BY.
        """
        if order_column and order_column not in (self.order_columns or []):
            order_column, order_direction = "", ""
        if order_direction not in ("asc", "desc"):
            order_direction = "asc" if order_column else ""
        if page is not None:
            page = min(max(page, 0), MAX_PAGE)
        if page_size is not None:
            page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
        try:
            widgets = super()._get_list_widget(
                filters, actions=actions, order_column=order_column,
                order_direction=order_direction, page=page, page_size=page_size,
                widgets=widgets, **kwargs,
            )
            # The same rule that guards /edit and /delete decides which rows offer them.
            widget = widgets["list"]
            widget.template_args["editable_pks"] = access.editable_ids(
                db.session, self.datamodel.obj, widget.template_args.get("pks") or [],
                access.current_actor(),
            )
            return widgets
        except (StatementError, ApplyFilterException, LookupError, ValueError, TypeError,
                OverflowError):
            # A URL filter whose value does not fit its column (``_flt_0_status=bogus``, an
            # amount beyond the column's precision): the database refused the query.
            db.session.rollback()
            abort(400)

    def _get_show_widget(  # type: ignore[override]
        self, pk: Any, item: Any, widgets: Any = None, actions: Any = None,
        show_fieldsets: Any = None,
    ) -> Any:
        """FAB's show widget, told whether the user may edit or delete this row."""
        widgets = super()._get_show_widget(
            pk, item, widgets=widgets, actions=actions, show_fieldsets=show_fieldsets
        )
        widgets["show"].template_args["item_editable"] = access.can_edit(
            db.session, item, access.current_actor()
        )
        return widgets

    def _column_validators(self, model: type) -> dict[str, list[Any]]:
        """The view's validators per column, followed by the column's storage limits."""
        from portal.views.fields import column_validators

        result = _FreshLists({k: list(v) for k, v in (self.validators_columns or {}).items()})
        for col in model.__table__.columns:
            limits = column_validators(col)
            if limits:
                result[col.key] = [*dict.get(result, col.key, []), *limits]
        return result

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

    @expose("/download/<string:filename>")
    @has_access
    def download(self, filename: str) -> Any:
        """Switched off: FAB's generic download serves any file under UPLOAD_FOLDER by name,
        past the row scoping. Documents have their own scoped download."""
        abort(404)

    def check_case_write(self, item: Any) -> None:
        """Refuse a row whose case is not one the user may add records to, and a new row
        for a closed case (``cases.check_takes_new``; the form says so beside its case field
        first, this covers the forms opened from the case page, which have none)."""
        actor = access.current_actor()
        if access.has_rule(type(item)) and not isinstance(item, access.Client):
            case_id = access.parent_case_id(item)
            if not access.can_add_to_case(db.session, case_id, actor):
                raise access_error()
            if getattr(item, "id", None) is None:
                with db.session.no_autoflush:
                    cases.check_takes_new(db.session, case_id, type(item))

    def pre_add(self, item: Any) -> None:
        self.check_case_write(item)

    def pre_update(self, item: Any) -> None:
        # The form may have moved the row to another case: check the destination too. Not
        # through pre_add, which subclasses extend with steps for new rows only (the upload).
        self.check_case_write(item)


class SaveRefused(Exception):
    """The database refused a new row; the message is for the user."""


class _FreshLists(dict):  # type: ignore[type-arg]
    """``validators_columns`` that hands FAB a new list each time it asks.

    FAB appends its own validators (length, required, unique) to the list it gets, and asks
    once for the add form and once for the edit form: with one shared list, the edit form's
    validators landed in the add form too and every message showed twice.
    """

    def get(self, key: Any, default: Any = None) -> Any:
        value = super().get(key, default)
        return list(value) if isinstance(value, list) else value


def access_error() -> Exception:
    """The exception FAB flashes when a write is outside the user's scope."""
    return PermissionError(str(_l("You may not change records of this case.")))


def mark_source(source: str) -> None:
    """Name where the change history should say a change came from."""
    g.audit_source = source
