"""The admins' screen of the connectors: settings (secrets hidden), health, recent and failed
messages, and retrying a failed one. Thin: the rules are in ``portal.services.exchanges``."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, url_for
from flask_appbuilder import AppBuilder, BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l

from connectors import registry
from portal.extensions import db
from portal.services import access
from portal.services.casework.rules import today
from portal.services.errors import DomainError, NotFound
from portal.services.exchanges import indicators, messages, outbox


class ExchangeAdminView(BaseView):
    """Every installed connector with its settings, health and messages."""

    route_base = "/exchanges"
    default_view = "index"

    def _admin(self) -> access.Actor:
        actor = access.current_actor()
        if not actor.is_admin:
            abort(403)
        return actor

    @expose("/")
    @has_access
    def index(self) -> Any:
        self._admin()
        enabled = registry.enabled(current_app.config)
        rows = []
        for name, cls in sorted(registry.available().items()):
            connector = enabled.get(name)
            settings = cls.settings_from(current_app.config)
            rows.append({
                "name": name,
                "system": cls.system,
                "direction": cls.direction,
                "enabled": connector is not None,
                "settings": settings.public(),
                "health": connector.health() if connector is not None else None,
                "recent": messages.recent(db.session, name, limit=5),
            })
        return self.render_template(
            "exchanges/index.html", rows=rows, failed=messages.failed(db.session, limit=50),
            months=indicators.monthly(db.session, today=today()), targets=indicators.TARGETS,
            title=_l("Connectors"),
        )

    @expose("/<int:pk>/retry", methods=["POST"])
    @has_access
    def retry(self, pk: int) -> Any:
        actor = self._admin()
        try:
            outbox.retry(db.session, pk, actor)
            flash(str(_l("The message was queued again.")), "success")
        except NotFound:
            abort(404)
        except DomainError as exc:
            flash(str(exc.message), "danger")
        return redirect(url_for("ExchangeAdminView.index"))


def register(appbuilder: AppBuilder) -> None:
    """Add the connectors screen to the Security (administration) menu."""
    appbuilder.add_view(ExchangeAdminView, "Connectors", label=_l("Connectors"),
                        icon="fa-exchange", category="Security")
