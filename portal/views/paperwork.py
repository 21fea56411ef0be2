"""Generated case documents: the one-click "Prepare a document" action of the case page, and
the administrators' screen of document templates. Thin: the rules are in
:mod:`portal.services.paperwork`."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import AppBuilder, BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import select
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from portal.extensions import db
from portal.models import DocumentTemplate, DocumentType
from portal.services import access, paperwork
from portal.services.errors import AccessDenied, NotFound, ValidationFailed
from portal.services.paperwork import templates as tpl_service


class PaperworkView(BaseView):
    """Generates a case document from the case page and files it on the case."""

    route_base = "/paperwork"
    default_view = "generate"

    @expose("/generate/<int:case_id>", methods=["POST"])
    @has_access
    def generate(self, case_id: int) -> Any:
        """Generate the posted ``doc_type`` for the case, then return to the case page."""
        doc_type = request.form.get("doc_type", "")
        try:
            doc = paperwork.generate(db.session, case_id, doc_type, access.current_actor())
        except NotFound:
            abort(404)
        except AccessDenied:
            abort(403)
        except ValidationFailed as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
        else:
            link = url_for("DocumentView.download", pk=doc.id)
            flash(
                Markup('{} <a href="{}" id="generated-document">{}</a>').format(
                    _("The document is ready and filed on the case:"), link, doc.title
                ),
                "success",
            )
        return redirect(url_for("CaseView.show", pk=case_id) + "#case-documents")


class TemplateForm(FlaskForm):
    """A template's texts and fields, as an administrator edits them (no code, no JSON)."""

    title_lv = StringField(_l("Title (Latvian)"), validators=[Length(max=150)])
    title_en = StringField(_l("Title (English)"), validators=[Length(max=150)])
    intro_lv = TextAreaField(_l("Opening text (Latvian)"), render_kw={"rows": 4})
    intro_en = TextAreaField(_l("Opening text (English)"), render_kw={"rows": 4})
    fields = TextAreaField(
        _l("Fields, in order"),
        render_kw={"rows": 12},
        description=_l("One field per line, from the list of available fields beside."),
    )
    closing_lv = TextAreaField(_l("Closing text (Latvian)"), render_kw={"rows": 3})
    closing_en = TextAreaField(_l("Closing text (English)"), render_kw={"rows": 3})
    signatures_lv = TextAreaField(
        _l("Signers (Latvian)"), render_kw={"rows": 3}, description=_l("One signer per line.")
    )
    signatures_en = TextAreaField(
        _l("Signers (English)"), render_kw={"rows": 3}, description=_l("One signer per line.")
    )
    note = StringField(_l("Note on this version"), validators=[Length(max=300)])

    def content(self) -> dict[str, Any]:
        def lines(text: str | None) -> list[str]:
            return [x.strip() for x in (text or "").splitlines() if x.strip()]

        return {
            "title": {"lv": self.title_lv.data or "", "en": self.title_en.data or ""},
            "intro": {"lv": self.intro_lv.data or "", "en": self.intro_en.data or ""},
            "fields": lines(self.fields.data),
            "closing": {"lv": self.closing_lv.data or "", "en": self.closing_en.data or ""},
            "signatures": {
                "lv": lines(self.signatures_lv.data), "en": lines(self.signatures_en.data)
            },
        }

    def fill(self, content: dict[str, Any]) -> None:
        for part in ("title", "intro", "closing"):
            for lang in ("lv", "en"):
                getattr(self, f"{part}_{lang}").data = content.get(part, {}).get(lang, "")
        self.fields.data = "\n".join(content.get("fields", []))
        for lang in ("lv", "en"):
            getattr(self, f"signatures_{lang}").data = "\n".join(
                content.get("signatures", {}).get(lang, [])
            )


def _doc_type_or_404(value: str) -> DocumentType:
    try:
        return DocumentType(value)
    except ValueError:
        abort(404)


class DocumentTemplateView(BaseView):
    """Templates of the generated documents: versions, editing, publishing."""

    route_base = "/documenttemplates"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self) -> Any:
        """Every document type with its published and latest template version."""
        rows = {
            t.doc_type: t for t in db.session.scalars(select(DocumentTemplate)).all()
        }
        return self.render_template(
            "paperwork/templates.html",
            types=list(DocumentType),
            rows=rows,
            labels=paperwork.TYPE_LABELS,
            title=_l("Document templates"),
        )

    @expose("/<doc_type>", methods=["GET", "POST"])
    @has_access
    def edit(self, doc_type: str) -> Any:
        """A template's versions and the form that saves a new one (and may publish it)."""
        kind = _doc_type_or_404(doc_type)
        tpl = tpl_service.template(db.session, kind)
        form = TemplateForm()
        status = 200
        if request.method == "POST":
            if form.validate_on_submit():
                try:
                    version = paperwork.save_version(
                        db.session, kind, form.content(),
                        actor_id=access.current_actor().user_id, note=form.note.data,
                        publish_now=request.form.get("action") == "publish",
                    )
                except paperwork.TemplateRejected as exc:
                    db.session.rollback()
                    _attach(form, exc.problems)
                    status = 422
                else:
                    db.session.commit()
                    published = version.template.published_version_id == version.id
                    flash(
                        _("Version %(number)s is published.", number=version.number)
                        if published
                        else _("Saved as version %(number)s (not published).",
                               number=version.number),
                        "success",
                    )
                    return redirect(url_for("DocumentTemplateView.edit", doc_type=kind.value))
            else:
                status = 422
        elif tpl is not None:
            start = tpl_service.latest(db.session, tpl)
            if start is not None:
                form.fill(start.content)
        versions = list(reversed(tpl.versions)) if tpl is not None else []
        return (
            self.render_template(
                "paperwork/template_edit.html",
                form=form,
                kind=kind,
                tpl=tpl,
                versions=versions,
                available=paperwork.fields_for(kind),
                title=paperwork.TYPE_LABELS[kind],
            ),
            status,
        )

    @expose("/<doc_type>/version/<int:number>/publish", methods=["POST"])
    @has_access
    def publish(self, doc_type: str, number: int) -> Any:
        """Publish a stored version: documents are generated from it from now on."""
        kind = _doc_type_or_404(doc_type)
        try:
            paperwork.publish(db.session, kind, number)
        except NotFound:
            abort(404)
        db.session.commit()
        flash(_("Version %(number)s is published.", number=number), "success")
        return redirect(url_for("DocumentTemplateView.edit", doc_type=kind.value))


def _attach(form: TemplateForm, problems: dict[str, list[Any]]) -> None:
    """Put each problem beside its field (the rest beside the field list)."""
    for where, messages in problems.items():
        field = getattr(form, where, None) if where in form._fields else form.fields
        field.errors = [*field.errors, *(str(m) for m in messages)]


def register(appbuilder: AppBuilder) -> None:
    """Add the generate action (case workers) and the template screen (administrators)."""
    appbuilder.add_view_no_menu(PaperworkView)
    appbuilder.add_view(
        DocumentTemplateView,
        "Document templates",
        label=_l("Document templates"),
        icon="fa-file-text",
        category="Forms",
        category_label=_l("Forms"),
        category_icon="fa-wpforms",
    )

