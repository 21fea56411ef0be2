"""Home page: the officer's worklist; other roles get a short landing page."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, redirect, request, url_for
from flask_appbuilder import AppBuilder, BaseView, IndexView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l

from portal.extensions import db
from portal.services import access
from portal.services.casework import worklist
from portal.services.casework.rules import today


class PlusIndexView(IndexView):
    """Send officers to their worklist; show others what they can do."""

    index_template = "plus/index.html"

    @expose("/")
    def index(self) -> Any:
        user = g.user if hasattr(g, "user") else None
        if user is None or not getattr(user, "is_authenticated", False):
            return redirect(url_for("AuthDBView.login"))
        actor = access.Actor.of(user)
        if actor.does_casework:
            return redirect(url_for("WorklistView.index"))
        if actor.roles & set(access.Role.PORTAL) and not (actor.roles - set(access.Role.PORTAL)):
            return redirect(url_for("portal.home"))
        return self.render_template(self.index_template, actor=actor, roles=sorted(actor.roles))


class WorklistView(BaseView):
    """The officer's worklist."""

    route_base = "/worklist"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self) -> Any:
        actor = access.current_actor()
        # Managers narrow the unit's worklist to one officer (the caseload links here).
        officer_id = request.args.get("officer", type=int) if (
            actor.is_manager or actor.is_admin) else None
        data = worklist.build(
            db.session, actor, today(),
            due_days=current_app.config["WORKLIST_DUE_DAYS"],
            gap_days=current_app.config["WORKLIST_MEETING_GAP_DAYS"],
            officer_id=officer_id,
        )
        from portal.services.casework import transfers

        officers = (transfers.case_workers(db.session, actor.unit_id)
                    if actor.is_manager else [])
        return self.render_template("plus/worklist.html", wl=data, today=today(),
                                    officers=officers, officer_id=officer_id,
                                    show_officer=not actor.is_officer,
                                    title=_l("Worklist"))


def register(appbuilder: AppBuilder) -> None:
    """Add the worklist as the first menu entry."""
    appbuilder.add_view(WorklistView, "Worklist", label=_l("Worklist"), icon="fa-tasks")
