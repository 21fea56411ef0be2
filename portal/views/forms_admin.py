"""FormAdmin screens: form definitions, their versions and differences, the Form.io builder.

Thin: every rule (what a definition may contain, versions, publishing) is in
:mod:`portal.services.intake.forms`. The builder page runs the vendored ``@formio/js`` builder and
posts the JSON it writes to :meth:`FormAdminView.save`, which answers the problems per
component when the server refuses the definition.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import AppBuilder, BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.wrappers import Response
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from portal import formsengine as fe
from portal.extensions import db
from portal.formsengine.schema import INPUT_TYPE_ORDER
from portal.models import Audience, FormDefinition, FormVersion, Submission
from portal.public.formio_i18n import formio_texts
from portal.services import access
from portal.services.intake import forms
from portal.views.formio_builder_i18n import builder_texts

#: the component types the builder offers: exactly what the server renders and enforces
BUILDER_TYPES = (*INPUT_TYPE_ORDER, "panel", "fieldset", "columns", "datagrid", "editgrid",
                 "container", "content")
#: largest definition accepted (a 14-field form is ~30 kB; this leaves room for big forms)
MAX_DEFINITION_BYTES = 2_000_000

AUDIENCE_LABELS = {
    Audience.CLIENT: _l("Clients"),
    Audience.EMPLOYER: _l("Employers"),
    Audience.VOLUNTEER: _l("Volunteers"),
}
ASPECT_LABELS = {
    "label": _l("Label"),
    "type": _l("Type"),
    "validation": _l("Validation"),
    "conditional": _l("Show/hide condition"),
    "options": _l("Options"),
    "title": _l("Title"),
    "audience": _l("Audience"),
    "intake": _l("Data mapping"),
}
#: the languages of a form's ``i18n`` block, by their names
LANGUAGE_NAMES = {"en": _l("English"), "lv": _l("Latvian")}


class NewFormForm(FlaskForm):
    """Key, titles and audience of a new form."""

    key = StringField(
        _l("Key"),
        validators=[
            DataRequired(),
            Length(max=60),
            Regexp(r"^[a-z][a-z0-9_]*$", message=_l("Lower-case letters, digits and _ only.")),
        ],
        description=_l("A stable identifier, e.g. change_of_residence. It cannot be changed."),
    )
    title_lv = StringField(_l("Title (Latvian)"), validators=[DataRequired(), Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[DataRequired(), Length(max=200)])
    audience = SelectField(
        _l("Audience"),
        choices=[(a.value, label) for a, label in AUDIENCE_LABELS.items()],
        validators=[DataRequired()],
    )


@functools.cache
def _base_i18n() -> dict[str, dict[str, str]]:
    """Our renderer texts and messages, for the builder's preview (the form adds its own)."""
    return fe.renderer_i18n(fe.load_definition({"display": "form", "components": []}))


def _definition_or_404(key: str) -> FormDefinition:
    definition = db.session.scalar(select(FormDefinition).where(FormDefinition.key == key))
    if definition is None:
        abort(404)
    return definition


def _version_or_404(definition: FormDefinition, number: int) -> FormVersion:
    version = db.session.scalar(
        select(FormVersion).where(
            FormVersion.definition_id == definition.id, FormVersion.number == number
        )
    )
    if version is None:
        abort(404)
    return version


def _actor_id() -> int | None:
    return access.current_actor().user_id


# Where the builder takes the JSON Logic for what a JavaScript setting tried to do.
_JS_PLACES = {
    "customConditional": _l("Conditional > Advanced Conditions > JSON Logic"),
    "calculateValue": _l("Data > Calculated Value > JSON Logic"),
    "validate.custom": _l("Validation > JSON Logic Validation"),
    "validate.row": _l("the JSON Logic Validation of the row's fields"),
}


def _in_language(message: str) -> str:
    """A refusal of JavaScript, said in the user's language with the way to JSON Logic."""
    if "JavaScript" not in message:
        return message
    for setting, place in _JS_PLACES.items():
        if f"('{setting}')" in message:
            return _(
                "JavaScript (%(setting)s) cannot run safely on the server. Write it as JSON "
                "Logic in %(place)s, e.g. {\"==\": [{\"var\": \"data.answer\"}, \"yes\"]}, "
                "reading data.<key>, row.<key> or value.", setting=setting, place=place)
    return message


def _problem_rows(problems: list[str]) -> list[dict[str, Any]]:
    """Problems for display: one row per component, ``_form`` spelled out."""
    rows = []
    for component, found in forms.problems_by_component(problems).items():
        messages = [_in_language(m) for m in found]
        if component == "_form":
            name = _("The definition")
        elif component.startswith("plus"):
            name = _("Form settings and data mapping (%(where)s)", where=component)
        else:
            name = _("Component “%(key)s”", key=component)
        rows.append({"component": component, "name": name, "messages": messages})
    return rows


def _json_body() -> dict[str, Any]:
    if (request.content_length or 0) > MAX_DEFINITION_BYTES:
        abort(413)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, description=_("Send the definition as a JSON object."))
    return body


class FormAdminView(BaseView):
    """Form definitions: list, versions, differences, builder, import and export."""

    route_base = "/formadmin"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self) -> Any:
        """Every form with its titles, audience, published version and state."""
        definitions = db.session.scalars(
            select(FormDefinition).order_by(FormDefinition.audience, FormDefinition.key)
        ).all()
        latest = dict(
            db.session.execute(
                select(FormVersion.definition_id, func.max(FormVersion.number)).group_by(
                    FormVersion.definition_id
                )
            ).all()
        )
        return self.render_template(
            "forms_admin/list.html",
            definitions=definitions,
            latest=latest,
            audiences=AUDIENCE_LABELS,
            title=_l("Forms"),
        )

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def new(self) -> Any:
        """Create an empty form (key, titles, audience), then open the builder."""
        form = NewFormForm()
        status = 200
        if form.validate_on_submit():
            try:
                definition = forms.create_form(
                    db.session,
                    form.key.data,
                    form.title_lv.data,
                    form.title_en.data,
                    form.audience.data,
                    _actor_id(),
                )
            except forms.DefinitionRejected as exc:
                db.session.rollback()
                form.key.errors = [*form.key.errors, *exc.problems]
                status = 422
            else:
                db.session.commit()
                flash(_("The form was created. Build it and publish it."), "success")
                return redirect(url_for("FormAdminView.builder", key=definition.key))
        elif request.method == "POST":
            status = 422
        return (
            self.render_template("forms_admin/new.html", form=form, title=_l("New form")),
            status,
        )

    @expose("/form/<key>")
    @has_access
    def show(self, key: str) -> Any:
        """A form, its versions and its state."""
        definition = _definition_or_404(key)
        versions = list(reversed(definition.versions))
        counts = dict(
            db.session.execute(
                select(Submission.version_id, func.count(Submission.id))
                .join(FormVersion, FormVersion.id == Submission.version_id)
                .where(FormVersion.definition_id == definition.id)
                .group_by(Submission.version_id)
            ).all()
        )
        return self.render_template(
            "forms_admin/show.html",
            definition=definition,
            versions=versions,
            counts=counts,
            audiences=AUDIENCE_LABELS,
            title=definition.title(str(get_locale())),
        )

    @expose("/form/<key>/version/<int:number>/diff")
    @has_access
    def version_diff(self, key: str, number: int) -> Any:
        """What changed in a version against the previous one (or ``?against=<number>``)."""
        definition = _definition_or_404(key)
        version = _version_or_404(definition, number)
        against = request.args.get("against", type=int)
        if against is not None:
            base = _version_or_404(definition, against)
        else:
            base = forms.previous_version(db.session, version)
        changes = forms.diff(base, version) if base is not None else None
        return self.render_template(
            "forms_admin/diff.html",
            definition=definition,
            version=version,
            base=base,
            changes=changes,
            aspects=ASPECT_LABELS,
            languages=LANGUAGE_NAMES,
            locale=str(get_locale()),
            title=_l("Changes"),
        )

    @expose("/form/<key>/builder")
    @has_access
    def builder(self, key: str) -> Any:
        """The Form.io builder on the latest version (or ``?version=<number>``)."""
        definition = _definition_or_404(key)
        number = request.args.get("version", type=int)
        if number is not None:
            start = _version_or_404(definition, number)
        else:
            start = definition.versions[-1] if definition.versions else None
        schema = forms.with_plus_block(
            start.schema if start is not None else {"display": "form", "components": []},
            definition,
        )
        return self.render_template(
            "forms_admin/builder.html",
            definition=definition,
            start=start,
            schema=schema,
            builder_types=BUILDER_TYPES,
            records=forms.mapping_names(),
            base_i18n=_base_i18n(),
            # The renderer's Form.io texts too: the builder draws the components it edits.
            builder_texts={**formio_texts(), **builder_texts()},
            audiences=AUDIENCE_LABELS,
            locale=str(get_locale()),
            title=_l("Form builder"),
        )

    @expose("/form/<key>/save", methods=["POST"])
    @has_access
    def save(self, key: str) -> Any:
        """Store the posted definition as a new version; ``{"publish": true}`` publishes it.

        Answers JSON: 201 with the version, or 422 with the problems per component.
        """
        definition = _definition_or_404(key)
        body = _json_body()
        schema = body.get("schema")
        if not isinstance(schema, dict):
            return self._refused([f"_form: {_('The definition must be a JSON object.')}"])
        schema = forms.with_plus_block(schema, definition)
        try:
            version = forms.save_draft(db.session, key, schema, _actor_id())
            if body.get("publish"):
                forms.publish(db.session, version.id, _actor_id())
        except forms.DefinitionRejected as exc:
            db.session.rollback()
            return self._refused(exc.problems)
        db.session.commit()
        return self._json(
            {
                "version": version.number,
                "id": version.id,
                "published": definition.published_version_id == version.id,
                "show_url": url_for("FormAdminView.show", key=key),
                "message": (
                    _("Version %(number)s is published.", number=version.number)
                    if definition.published_version_id == version.id
                    else _("Saved as version %(number)s (not published).", number=version.number)
                ),
            },
            201,
        )

    @expose("/form/<key>/version/<int:number>/publish", methods=["POST"])
    @has_access
    def publish(self, key: str, number: int) -> Any:
        """Publish a stored version (the portal then offers it)."""
        definition = _definition_or_404(key)
        version = _version_or_404(definition, number)
        try:
            forms.publish(db.session, version.id, _actor_id())
        except forms.DefinitionRejected as exc:
            db.session.rollback()
            flash(_("Version %(number)s cannot be published:", number=number), "danger")
            for row in _problem_rows(exc.problems):
                flash(f"{row['name']}: {'; '.join(row['messages'])}", "danger")
        else:
            db.session.commit()
            flash(_("Version %(number)s is published.", number=number), "success")
        return redirect(url_for("FormAdminView.show", key=key))

    @expose("/form/<key>/retire", methods=["POST"])
    @has_access
    def retire(self, key: str) -> Any:
        """Withdraw the form from the portal (versions and submissions stay)."""
        _definition_or_404(key)
        forms.retire(db.session, key, _actor_id())
        db.session.commit()
        flash(_("The form is retired: the portal no longer offers it."), "success")
        return redirect(url_for("FormAdminView.show", key=key))

    @expose("/form/<key>/restore", methods=["POST"])
    @has_access
    def restore(self, key: str) -> Any:
        """Offer a retired form again."""
        _definition_or_404(key)
        forms.restore(db.session, key, _actor_id())
        db.session.commit()
        flash(_("The form is offered again."), "success")
        return redirect(url_for("FormAdminView.show", key=key))

    @expose("/form/<key>/import", methods=["POST"])
    @has_access
    def import_json(self, key: str) -> Any:
        """Store an uploaded .json definition as a new version (not published)."""
        definition = _definition_or_404(key)
        upload = request.files.get("file")
        problems: list[str] = []
        if upload is None or not upload.filename:
            problems = [f"_form: {_('Choose a .json file to import.')}"]
        else:
            raw = upload.read(MAX_DEFINITION_BYTES + 1)
            if len(raw) > MAX_DEFINITION_BYTES:
                problems = [f"_form: {_('The file is too large.')}"]
            else:
                try:
                    schema = forms.with_plus_block(forms.parse_json_text(raw), definition)
                    version = forms.save_draft(
                        db.session, key, schema, _actor_id(), note=f"imported {upload.filename}"
                    )
                except forms.DefinitionRejected as exc:
                    db.session.rollback()
                    problems = exc.problems
        if problems:
            flash(_("Nothing was imported:"), "danger")
            for row in _problem_rows(problems):
                flash(f"{row['name']}: {'; '.join(row['messages'])}", "danger")
            return redirect(url_for("FormAdminView.show", key=key))
        db.session.commit()
        flash(
            _("Imported as version %(number)s; check it and publish it.", number=version.number),
            "success",
        )
        return redirect(url_for("FormAdminView.show", key=key))

    @expose("/form/<key>/export")
    @has_access
    def export_json(self, key: str) -> Any:
        """Download a version's JSON (``?version=<number>``; default the published/latest)."""
        definition = _definition_or_404(key)
        number = request.args.get("version", type=int)
        if number is not None:
            version = _version_or_404(definition, number)
        else:
            version = definition.published_version or (
                definition.versions[-1] if definition.versions else None
            )
            if version is None:
                abort(404)
        body = json.dumps(version.schema, ensure_ascii=False, indent=2) + "\n"
        return Response(
            body,
            mimetype="application/json",
            headers={
                "Content-Disposition": f'attachment; filename="{key}-v{version.number}.json"',
                "Cache-Control": "no-store",
            },
        )

    # -- helpers ---------------------------------------------------------------------------

    def _json(self, payload: dict[str, Any], status: int) -> Response:
        return Response(
            json.dumps(payload, ensure_ascii=False), status, mimetype="application/json"
        )

    def _refused(self, problems: list[str]) -> Response:
        return self._json(
            {
                "message": _("The definition was not saved:"),
                "problems": _problem_rows(problems),
            },
            422,
        )


def register(appbuilder: AppBuilder) -> None:
    """Add the forms screens (FormAdmin and Admin)."""
    appbuilder.add_view(
        FormAdminView,
        "Form definitions",
        label=_l("Form definitions"),
        icon="fa-wpforms",
        category="Forms",
        category_label=_l("Forms"),
        category_icon="fa-wpforms",
    )
