"""E-service use by service, month and recipient type, with CSV export (FormAdmin, Analyst)."""

from __future__ import annotations

import re
from typing import Any

from flask import Response, request
from flask_appbuilder import AppBuilder, BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.extensions import db
from portal.models import SubmissionStatus
from portal.services.partners import usage

_MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])\Z")


def _month(name: str) -> str | None:
    value = (request.args.get(name) or "").strip()
    return value if _MONTH_RE.match(value) else None


class UsageView(BaseView):
    """Counts of views and submissions per e-service; submissions by processing status."""

    route_base = "/usage"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self) -> Any:
        month_from, month_to = _month("from"), _month("to")
        rows = usage.usage_table(db.session, month_from=month_from, month_to=month_to)
        return self.render_template(
            "usage/index.html", rows=rows, statuses=list(SubmissionStatus),
            month_from=month_from or "", month_to=month_to or "", title=_l("E-service use"),
        )

    @expose("/csv")
    @has_access
    def csv(self) -> Any:
        rows = usage.usage_table(db.session, month_from=_month("from"), month_to=_month("to"))
        headers = [
            _("Month"), _("E-service"), _("Recipient type"), _("Views"), _("Submissions"),
            *(str(s) for s in SubmissionStatus),
        ]
        # The BOM lets spreadsheet programs read the Latvian headers as UTF-8.
        body = "\ufeff" + usage.usage_csv(rows, headers)
        return Response(
            body, mimetype="text/csv",
            headers={"Content-Disposition": "attachment; filename=e-service-use.csv"},
        )


def register(appbuilder: AppBuilder) -> None:
    """Add the e-service use table."""
    appbuilder.add_view(UsageView, "E-service use", label=_l("E-service use"), icon="fa-table")
