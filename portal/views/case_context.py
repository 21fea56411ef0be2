"""Adding records from the case page, and pickers that find a case or a client by typing.

``CaseContextMixin`` makes a FAB add view work for one case: ``?case_id=`` names the case
(checked by ``portal.services.casework.case_context``: 404 outside the user's scope, 403 where they may
not add records), the case field is set and not shown, the heading names the case and its
client, work records offer only the case's work assignments, and saving returns to the case
page at the section that changed.

``PickerField`` replaces FAB's select of every row (a drop-down of bare numbers) with a
Select2 that asks ``/picker/cases`` or ``/picker/clients`` as the user types and starts empty.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import AppBuilder, BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.security.decorators import has_access, has_access_api
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select
from wtforms.validators import DataRequired, Optional

from portal.extensions import db
from portal.models import Case, Client
from portal.services import access
from portal.services.casework import case_context, cases
from portal.services.errors import AccessDenied, NotFound, ValidationFailed

_CONTEXT_KEY = "plus_context_case"


class CaseContextMixin:
    """Mix into a ScopedModelView (before it) whose records belong to a case."""

    #: the form field that ties the record to its case: "case", "assignment", or another
    #: parent row with a case id ("mediation", "request")
    context_field = "case"
    #: the case page's anchor where the new record shows
    case_section = ""
    #: other relation fields whose rows hang off the case (a violation's obligation): only
    #: the case's own rows are offered
    case_children: tuple[str, ...] = ()

    def context_case(self) -> Case | None:
        """The case named by ``?case_id=`` if the user may add to it (else 404/403)."""
        if "case_id" not in request.args:
            return None
        cached = g.get(_CONTEXT_KEY)
        if cached is not None:
            return cached
        try:
            case_id = int(request.args["case_id"])
        except ValueError:
            abort(404)
        try:
            case = case_context.case_for_adding(db.session, case_id, access.current_actor())
        except NotFound:
            abort(404)
        except AccessDenied:
            abort(403)
        setattr(g, _CONTEXT_KEY, case)
        return case

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self) -> Any:
        case = self.context_case()
        if case is None:
            return super().add()  # type: ignore[misc]
        try:
            cases.check_takes_new(db.session, case.id, self.datamodel.obj)  # type: ignore[attr-defined]
        except ValidationFailed as exc:
            # A closed case: back to its page, which says what it still takes.
            flash(str(exc.message), "warning")
            return redirect(url_for("CaseView.show", pk=case.id))
        widget = self._add()  # type: ignore[attr-defined]
        if not widget:
            if g.get("plus_context_saved"):
                return redirect(url_for("CaseView.show", pk=case.id, _anchor=self.case_section))
            return redirect(request.url)  # refused: the message is flashed above the form
        return self.render_template(  # type: ignore[attr-defined]
            self.add_template,  # type: ignore[attr-defined]
            title=_l("%(what)s — case %(number)s, %(client)s", what=self.add_title,  # type: ignore[attr-defined]
                     number=case.number, client=case.client.full_name),
            widgets=widget,
            context_case=case,
        )

    def post_add(self, item: Any) -> None:
        g.plus_context_saved = True
        super().post_add(item)  # type: ignore[misc]

    def _narrow(self, form: Any) -> None:
        case = self.context_case()
        if case is None:
            return
        if self.context_field == "case" and hasattr(form, "case"):
            form.case.data = case
            form.case._object_list = None
        elif self.context_field == "assignment" and hasattr(form, "assignment"):
            choices = case_context.assignments_of(db.session, case.id)
            field = form.assignment
            field.query_func = lambda: choices
            field._object_list = None
            if len(choices) == 1 and field.data is None and request.method == "GET":
                field.data = choices[0]
        elif hasattr(form, self.context_field):
            # Another parent of the case (its mediation, an evaluation request): the case's own.
            model = self.datamodel.get_related_model(self.context_field)  # type: ignore[attr-defined]
            rows = list(db.session.scalars(
                select(model).where(model.case_id == case.id).order_by(model.id)))
            field = getattr(form, self.context_field)
            field.query_func = lambda rows=rows: rows
            field._object_list = None
            if len(rows) == 1 and field.data is None and request.method == "GET":
                field.data = rows[0]
        for name in self.case_children:
            if hasattr(form, name):
                model = self.datamodel.get_related_model(name)  # type: ignore[attr-defined]
                rows = list(db.session.scalars(
                    select(model).where(model.case_id == case.id).order_by(model.id)))
                child = getattr(form, name)
                child.query_func = lambda rows=rows: rows
                child._object_list = None

    def _fill_form_exclude_cols(self, exclude_cols: Any, form: Any) -> None:
        super()._fill_form_exclude_cols(exclude_cols, form)  # type: ignore[misc]
        self._narrow(form)

    def _get_add_widget(self, form: Any, exclude_cols: Any = None, widgets: Any = None) -> Any:
        exclude_cols = list(exclude_cols or [])
        if self.context_case() is not None:
            self._narrow(form)
            if self.context_field == "case":
                exclude_cols.append("case")
        return super()._get_add_widget(  # type: ignore[misc]
            form, exclude_cols=exclude_cols, widgets=widgets
        )

    def pre_add(self, item: Any) -> None:
        case = self.context_case()
        if case is not None:
            if self.context_field == "case":
                item.case = case
            elif access.parent_case_id(item) != case.id:
                # A posted assignment of another case: the form was opened for this one.
                if self.context_field == "assignment":
                    raise PermissionError(str(_l("Choose a work assignment of this case.")))
                raise PermissionError(str(_l("You may not change records of this case.")))
            for name in self.case_children:
                child = getattr(item, name, None)
                if child is not None and child.case_id != case.id:
                    raise PermissionError(str(_l("You may not change records of this case.")))
        # The new row is not in the session yet; the access check's query must not flush it.
        with db.session.no_autoflush:
            super().pre_add(item)  # type: ignore[misc]


# --- pickers ---------------------------------------------------------------------------------


# Module constants, not inline in the f-string below: the message extractor does not read
# inside f-strings.
_PLACEHOLDER = _l("Type a case number or a name")
_SEARCHING = _l("Searching…")
_NO_RESULTS = _l("Nothing found")


class PickerWidget:
    """A select that Select2 fills from a search endpoint as the user types."""

    def __init__(self, endpoint: str, open_only: bool = False) -> None:
        self.endpoint = endpoint
        #: offer only cases that take new records (an add form of anything but a document)
        self.open_only = open_only

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        classes = f"form-control plus-picker {kwargs.pop('class', '')}".strip()
        selected = field.data
        # Markup's format() escapes every value it is given.
        options = Markup('<option value=""></option>')
        if selected is not None:
            options += Markup('<option value="{}" selected>{}</option>').format(
                field.get_pk_func(selected), field.get_label(selected))
        script = Markup("")
        if not g.get("plus_picker_script"):
            g.plus_picker_script = True
            script = Markup('<script src="{}"></script>').format(
                url_for("static", filename="picker.js"))
        return Markup(
            '<select name="{}" id="{}" class="{}" data-endpoint="{}" data-placeholder="{}" '
            'data-searching="{}" data-no-results="{}" style="width:100%">{}</select>{}'
        ).format(field.name, kwargs["id"], classes,
                 url_for(self.endpoint, **({"open": 1} if self.open_only else {})), _PLACEHOLDER,
                 _SEARCHING, _NO_RESULTS, options, script)


class PickerField(QuerySelectField):
    """A relation field that holds only the chosen row: the form starts empty, and the posted
    id is looked up through the access filter, not in a list of every row."""

    def __init__(self, label: Any, model: type, endpoint: str, labeller: Any, *,
                 write: bool = True, required: bool = True, open_only: bool = False,
                 **kwargs: Any) -> None:
        self._model = model
        self._write = write
        super().__init__(
            label,
            validators=[DataRequired() if required else Optional()],
            query_func=lambda: [],
            get_pk_func=lambda obj: obj.id,
            get_label=labeller,
            allow_blank=not required,
            widget=PickerWidget(endpoint, open_only),
            **kwargs,
        )

    def _get_object_list(self) -> list[tuple[str, Any]]:
        if self._object_list is None:
            wanted = self._formdata if self._formdata is not None else None
            rows: list[Any] = []
            if wanted is not None and str(wanted).isdigit():
                cond = access.condition(self._model, access.current_actor(), write=self._write)
                rows = list(db.session.scalars(
                    select(self._model).where(self._model.id == int(wanted), cond)
                ))
            elif self._data is not None:
                rows = [self._data]
            self._object_list = [(str(r.id), r) for r in rows]
        return self._object_list


def case_picker(label: Any = _l("Case")) -> PickerField:
    """A case picker: the cases the user may add records to."""
    return PickerField(label, Case, "PickerView.cases", case_context.case_label)


def client_picker(label: Any = _l("Client"), *, required: bool = True) -> PickerField:
    """A client picker: the clients the user may add records to."""
    return PickerField(label, Client, "PickerView.clients", case_context.client_label,
                       required=required)


class PickerView(BaseView):
    """What the pickers ask as the user types: ``{"results": [{"id", "text"}]}``."""

    route_base = "/picker"
    default_view = "cases"

    @expose("/cases")
    @has_access_api
    def cases(self) -> Any:
        rows = case_context.search_cases(
            db.session, access.current_actor(), (request.args.get("q") or "")[:100],
            open_only=request.args.get("open") == "1",
        )
        return {"results": [{"id": c.id, "text": c.text} for c in rows]}

    @expose("/clients")
    @has_access_api
    def clients(self) -> Any:
        rows = case_context.search_clients(
            db.session, access.current_actor(), (request.args.get("q") or "")[:100]
        )
        return {"results": [{"id": c.id, "text": c.text} for c in rows]}


def register(appbuilder: AppBuilder) -> None:
    """The picker endpoints (no menu entry)."""
    appbuilder.add_view_no_menu(PickerView)
