"""Statistics for managers and analysts: counts only, no personal data."""

from __future__ import annotations

from typing import Any

from flask_appbuilder import AppBuilder, BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l

from portal.extensions import db
from portal.models import CaseStatus
from portal.services.opendata import statistics


class StatisticsView(BaseView):
    """Case counts by function, status and unit."""

    route_base = "/statistics"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self) -> Any:
        return self.render_template(
            "plus/statistics.html",
            by_function=statistics.cases_by_function_and_status(db.session),
            by_unit=statistics.active_cases_by_unit(db.session),
            statuses=list(CaseStatus),
            title=_l("Statistics"),
        )


def register(appbuilder: AppBuilder) -> None:
    """Add the statistics screen."""
    appbuilder.add_view(StatisticsView, "Statistics", label=_l("Statistics"), icon="fa-bar-chart")
