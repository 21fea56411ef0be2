"""Registry queries from a client's page: choose the registry and the purpose, see the
answer beside what the client's record holds and save chosen parts of it; a bulk query
about every active client of a unit, with its progress. Thin: the rules are in
``portal.services.exchanges.queries``, ``.answers`` and ``.bulk``."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_appbuilder import AppBuilder, BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.extensions import db
from portal.models import Client, TerritorialUnit
from portal.services import access
from portal.services.errors import AccessDenied, NotFound, ValidationFailed
from portal.services.exchanges import answers, bulk, queries

#: labels of the fields registries answer with
ANSWER_LABELS: dict[str, Any] = {
    "education": _l("Education"),
    "level": _l("Level"),
    "education_type": _l("Education type"),
    "document_type": _l("Document type"),
    "institution": _l("Issuing institution"),
    "series": _l("Document series"),
    "number": _l("Number"),
    "issued_on": _l("Issue date"),
    "programme_code": _l("Programme (code)"),
    "qualification": _l("Speciality or qualification"),
    "disability_group": _l("Disability group"),
    "term": _l("Term"),
    "impairment": _l("Type of functional impairment"),
    "employed": _l("Employed"),
    "employer": _l("Employer"),
    "income_types": _l("Types of legal income"),
    "status": _l("Status poor / low-income"),
    "residence_inspected_on": _l("Residence inspected on"),
    "benefits": _l("Social benefits and services"),
}
#: what a query came to (``answers.outcome``), as the officer reads it
OUTCOME_LABELS: dict[str, Any] = {
    "answered": _l("Answered"),
    "unknown_person": _l("The registry does not know this person"),
    "failed": _l("Failed"),
    "waiting": _l("Waiting for the answer"),
}


class RegistryQueryView(BaseView):
    """Ask a state registry about a client, for a stated purpose."""

    route_base = "/registry"
    default_view = "client"

    def _render(self, client_id: int, errors: dict[str, str] | None = None,
                form: dict[str, str] | None = None, code: int = 200) -> Any:
        actor = access.current_actor()
        client = db.session.scalars(
            select(Client).where(Client.id == client_id, access.condition(Client, actor))
        ).first()
        if client is None:
            abort(404)
        return self.render_template(
            "registry/client.html", client=client, registries=queries.REGISTRIES,
            purposes=queries.PURPOSES, asked=queries.for_client(db.session, client.id, actor),
            labels=ANSWER_LABELS, errors=errors or {}, form=form or {},
            outcome=answers.outcome, outcomes=OUTCOME_LABELS,
            title=_l("Registry queries"),
        ), code

    @expose("/client/<int:client_id>")
    @has_access
    def client(self, client_id: int) -> Any:
        return self._render(client_id)

    @expose("/client/<int:client_id>/ask", methods=["POST"])
    @has_access
    def ask(self, client_id: int) -> Any:
        form = {"registry": request.form.get("registry", ""),
                "purpose": request.form.get("purpose", "")}
        try:
            queries.ask(db.session, registry=form["registry"], client_id=client_id,
                        purpose=form["purpose"], actor=access.current_actor())
        except NotFound:
            abort(404)
        except ValidationFailed as exc:
            return self._render(client_id, errors={exc.field or "purpose": str(exc.message)},
                                form=form, code=422)
        flash(str(_l("The query was sent; the answer appears below.")), "success")
        return redirect(url_for("RegistryQueryView.client", client_id=client_id))


    # --- one answer beside the client's record ------------------------------------------

    def _answer(self, message_id: int, errors: dict[str, str] | None = None,
                chosen: list[str] | None = None, code: int = 200) -> Any:
        actor = access.current_actor()
        try:
            message = answers.answered_query(db.session, message_id, actor)
        except NotFound:
            abort(404)
        client = db.session.get(Client, message.client_id)
        changes = answers.compare(message, client)
        return self.render_template(
            "registry/answer.html", m=message, client=client, changes=changes,
            field_labels=answers.labels(message.connector), labels=ANSWER_LABELS,
            purposes=queries.PURPOSES, outcome=answers.outcome(message.status, message.response),
            outcomes=OUTCOME_LABELS, can_save=bool(changes) and access.can_edit(
                db.session, client, actor),
            errors=errors or {}, chosen=chosen, title=_l("Registry answer"),
        ), code

    @expose("/answer/<int:message_id>")
    @has_access
    def answer(self, message_id: int) -> Any:
        return self._answer(message_id)

    @expose("/answer/<int:message_id>/save", methods=["POST"])
    @has_access
    def save(self, message_id: int) -> Any:
        chosen = request.form.getlist("field")
        try:
            saved = answers.save(db.session, message_id, chosen, access.current_actor())
        except NotFound:
            abort(404)
        except AccessDenied:
            abort(403)
        except ValidationFailed as exc:
            return self._answer(message_id, errors={exc.field or "fields": str(exc.message)},
                                chosen=chosen, code=422)
        if saved:
            flash(str(_l("The chosen data was saved into the client's record.")), "success")
        else:
            flash(str(_l("The client's record already held the chosen data.")), "info")
        return redirect(url_for("RegistryQueryView.answer", message_id=message_id))

    # --- bulk queries ------------------------------------------------------------------

    def _bulk_form(self, errors: dict[str, str] | None = None,
                   form: dict[str, str] | None = None, code: int = 200) -> Any:
        actor = access.current_actor()
        if not actor.does_casework:
            abort(403)
        units = (db.session.scalars(select(TerritorialUnit).order_by(TerritorialUnit.name)).all()
                 if actor.is_admin else [])
        return self.render_template(
            "registry/bulk_new.html", registries=queries.REGISTRIES, purposes=queries.PURPOSES,
            units=units, whole_unit=actor.is_admin or actor.is_manager,
            recent=[(b, bulk.progress(db.session, b)) for b in bulk.recent(db.session, actor)],
            errors=errors or {}, form=form or {}, title=_l("Bulk registry query"),
        ), code

    @expose("/bulk/", methods=["GET", "POST"])
    @has_access
    def bulk_new(self) -> Any:
        if request.method == "GET":
            return self._bulk_form()
        form = {k: request.form.get(k, "") for k in ("registry", "purpose", "unit")}
        try:
            unit_id = int(form["unit"]) if form["unit"].isdigit() else None
            started, new = bulk.start(db.session, registry=form["registry"],
                                      purpose=form["purpose"], actor=access.current_actor(),
                                      unit_id=unit_id)
        except AccessDenied:
            abort(403)
        except ValidationFailed as exc:
            return self._bulk_form(errors={exc.field or "purpose": str(exc.message)}, form=form,
                                   code=422)
        if not new:
            flash(str(_l("The same query is already running; here is its progress.")), "info")
        return redirect(url_for("RegistryQueryView.bulk_show", bulk_id=started.id))

    def _bulk(self, bulk_id: int) -> Any:
        actor = access.current_actor()
        try:
            return actor, bulk.get(db.session, bulk_id, actor)
        except NotFound:
            abort(404)

    @expose("/bulk/<int:bulk_id>")
    @has_access
    def bulk_show(self, bulk_id: int) -> Any:
        actor, found = self._bulk(bulk_id)
        progress = bulk.progress(db.session, found)
        return self.render_template(
            "registry/bulk.html", b=found, progress=progress,
            rows=bulk.messages(db.session, found, actor), registries=queries.REGISTRIES,
            purposes=queries.PURPOSES, outcome=answers.outcome, outcomes=OUTCOME_LABELS,
            title=_l("Bulk registry query"),
        )

    @expose("/bulk/<int:bulk_id>/progress")
    @has_access
    def bulk_progress(self, bulk_id: int) -> Any:
        """Counts only (polled by the progress page); no client's data."""
        _actor, found = self._bulk(bulk_id)
        return jsonify(bulk.progress(db.session, found).as_dict())


def register(appbuilder: AppBuilder) -> None:
    """Registry queries are reached from the case page; the bulk query from the menu."""
    appbuilder.add_view_no_menu(RegistryQueryView)
    appbuilder.add_link("Bulk registry query", label=_l("Bulk registry query"),
                        href="/registry/bulk/", icon="fa-database", category="Casework")
