"""People and units: transfers of cases between units, cover, reassignment and caseload.

Thin controllers: each reads the form, calls ``portal.services.casework.transfers`` and shows its
refusal beside the field. The pages show case numbers, functions, units and officers only,
no client's personal data.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import AppBuilder, BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.extensions import db
from portal.models import Case, CaseStatus, TerritorialUnit
from portal.services import access
from portal.services.casework import transfers
from portal.services.casework.rules import today
from portal.services.errors import AccessDenied, DomainError, NotFound


def _refusal(exc: DomainError) -> None:
    db.session.rollback()
    if isinstance(exc, NotFound):
        abort(404)
    if isinstance(exc, AccessDenied):
        abort(403)


class CaseTransferView(BaseView):
    """Transfers of cases to another unit: ask, and (the receiving manager) accept."""

    route_base = "/transfers"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self) -> Any:
        actor = access.current_actor()
        rows = transfers.transfers(db.session, actor)
        workers = transfers.case_workers(db.session, actor.unit_id)
        return self.render_template("people/transfers.html", rows=rows, actor=actor,
                                    workers=workers, errors={}, form={},
                                    title=_l("Case transfers"))

    @expose("/request/<int:case_id>", methods=["GET", "POST"])
    @has_access
    def request_form(self, case_id: int) -> Any:
        actor = access.current_actor()
        case = db.session.get(Case, case_id)
        if case is None or not access.can_view(db.session, case, actor):
            abort(404)
        if not access.can_edit(db.session, case, actor):
            abort(403)
        errors: dict[str, str] = {}
        form = request.form if request.method == "POST" else {}
        if request.method == "POST":
            try:
                transfers.request_transfer(db.session, case.id, form.get("to_unit"),
                                           form.get("reason", ""), actor)
                db.session.commit()
            except DomainError as exc:
                _refusal(exc)
                errors[exc.field or "to_unit"] = str(exc.message)
            else:
                flash(str(_l("The transfer was sent to the receiving unit for acceptance.")),
                      "success")
                return redirect(url_for("CaseView.show", pk=case.id))
        units = list(db.session.execute(
            select(TerritorialUnit).where(TerritorialUnit.id != case.unit_id)
            .order_by(TerritorialUnit.name)).scalars())
        pending = transfers.pending_transfer(db.session, case.id)
        return self.render_template("people/transfer_request.html", case=case, units=units,
                                    pending=pending, errors=errors, form=form,
                                    title=_l("Transfer the case to another unit"))

    @expose("/<int:pk>/accept", methods=["POST"])
    @has_access
    def accept(self, pk: int) -> Any:
        return self._decide(pk, accept=True)

    @expose("/<int:pk>/decline", methods=["POST"])
    @has_access
    def decline(self, pk: int) -> Any:
        return self._decide(pk, accept=False)

    def _decide(self, pk: int, accept: bool) -> Any:
        actor = access.current_actor()
        try:
            if accept:
                transfer = transfers.accept_transfer(db.session, pk,
                                                     request.form.get("new_officer"), actor)
            else:
                transfer = transfers.decline_transfer(db.session, pk,
                                                      request.form.get("decline_reason", ""),
                                                      actor)
            db.session.commit()
        except DomainError as exc:
            _refusal(exc)
            actor_rows = transfers.transfers(db.session, actor)
            return self.render_template(
                "people/transfers.html", rows=actor_rows, actor=actor,
                workers=transfers.case_workers(db.session, actor.unit_id),
                errors={(pk, exc.field or "new_officer"): str(exc.message)},
                form=request.form, title=_l("Case transfers"))
        if accept:
            flash(str(_l("The case now belongs to your unit.")), "success")
            return redirect(url_for("CaseView.show", pk=transfer.case_id))
        flash(str(_l("The transfer was declined; the case stays in its unit.")), "info")
        return redirect(url_for("CaseTransferView.index"))


class OfficerCoverView(BaseView):
    """Cover of an absent officer's cases for a period (ends by itself)."""

    route_base = "/cover"
    default_view = "index"

    @expose("/", methods=["GET", "POST"])
    @has_access
    def index(self) -> Any:
        actor = access.current_actor()
        errors: dict[str, str] = {}
        form = request.form if request.method == "POST" else {}
        if request.method == "POST":
            try:
                transfers.start_cover(db.session, form.get("absent_officer"),
                                      form.get("covering_officer"), form.get("start_date"),
                                      form.get("end_date"), form.get("reason"), actor)
                db.session.commit()
            except DomainError as exc:
                if isinstance(exc, AccessDenied):
                    db.session.rollback()
                    abort(403)
                db.session.rollback()
                errors[exc.field or "absent_officer"] = str(exc.message)
            else:
                flash(str(_l("The cover was arranged.")), "success")
                return redirect(url_for("OfficerCoverView.index"))
        return self.render_template(
            "people/cover.html", rows=transfers.covers(db.session, actor), actor=actor,
            workers=transfers.case_workers(db.session, actor.unit_id), errors=errors,
            form=form, today=today(), title=_l("Cover of absent officers"))


class CaseloadView(BaseView):
    """Caseload of the unit by officer and function, and reassignment (managers)."""

    route_base = "/caseload"
    default_view = "index"

    @expose("/", methods=["GET", "POST"])
    @has_access
    def index(self) -> Any:
        actor = access.current_actor()
        if not (actor.is_admin or actor.is_manager):
            abort(403)
        errors: dict[str, str] = {}
        form = request.form if request.method == "POST" else {}
        if request.method == "POST":
            try:
                n = transfers.reassign(db.session, request.form.getlist("case_ids"),
                                       form.get("officer"), actor)
                db.session.commit()
            except DomainError as exc:
                _refusal(exc)
                errors[exc.field or "officer"] = str(exc.message)
            else:
                flash(str(_l("%(n)s cases reassigned.", n=n)), "success")
                return redirect(url_for("CaseloadView.index", officer=form.get("officer")))
        officer_id = request.args.get("officer", type=int)
        load = transfers.caseload(db.session, actor)
        cases: list[Case] = []
        if officer_id is not None or request.args.get("unassigned"):
            stmt = access.scope(select(Case), Case, actor).where(
                Case.status != CaseStatus.CLOSED,
                Case.officer_id == officer_id if officer_id is not None
                else Case.officer_id.is_(None),
            ).order_by(Case.number).limit(500)
            if actor.is_manager:
                stmt = stmt.where(Case.unit_id == actor.unit_id)
            cases = list(db.session.execute(stmt).scalars())
        return self.render_template(
            "people/caseload.html", load=load, cases=cases, officer_id=officer_id,
            workers=transfers.case_workers(db.session, actor.unit_id), errors=errors,
            form=form, title=_l("Caseload"))


def register(appbuilder: AppBuilder) -> None:
    """Add the people-and-units screens under Casework."""
    cat = "People and units"
    label = _l("People and units")
    for view, name, title, icon in (
        (CaseTransferView, "Case transfers", _l("Case transfers"), "fa-exchange"),
        (OfficerCoverView, "Cover", _l("Cover of absent officers"), "fa-user-plus"),
        (CaseloadView, "Caseload", _l("Caseload"), "fa-bar-chart"),
    ):
        appbuilder.add_view(view, name, label=title, icon=icon, category=cat,
                            category_label=label, category_icon="fa-users")
    appbuilder.add_view_no_menu(SuitableWorkView)


class SuitableWorkView(BaseView):
    """Suitable work for a forced-labour or community-work client; the officer picks."""

    route_base = "/suitable-work"
    default_view = "index"

    @expose("/<int:case_id>", methods=["GET", "POST"])
    @has_access
    def index(self, case_id: int) -> Any:
        from portal.models import WorkKind
        from portal.services.work import suitable as suitable_work

        actor = access.current_actor()
        errors: dict[str, str] = {}
        try:
            case = suitable_work.work_case(db.session, case_id, actor)
        except DomainError as exc:
            _refusal(exc)
            abort(404)
        args = request.values
        try:
            criteria = suitable_work.Criteria.parse(
                args.get("skills"), args.get("education"), args.getlist("health_excluded"))
        except DomainError as exc:
            errors[exc.field or "health_excluded"] = str(exc.message)
            criteria = suitable_work.Criteria()
        if request.method == "POST":
            source, _sep, record = (request.form.get("work") or "").partition(":")
            try:
                assignment = suitable_work.pick(db.session, case.id, source, record,
                                                request.form.get("start_date"), actor)
                db.session.commit()
            except DomainError as exc:
                _refusal(exc)
                errors[exc.field if exc.field in ("start_date", "work") else "work"] = str(
                    exc.message)
            else:
                flash(str(_l("The referral was made; add the schedule and details.")),
                      "success")
                return redirect(url_for("WorkAssignmentView.edit", pk=assignment.id))
        proposals = suitable_work.propose(db.session, case, criteria)
        return self.render_template(
            "people/suitable_work.html", case=case, proposals=proposals, criteria=criteria,
            kinds=list(WorkKind), errors=errors, form=request.form, today=today(),
            can_edit=access.can_edit(db.session, case, actor), title=_l("Suitable work"))

