"""The search box: clients and cases by name fragment, personal code or case number."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_appbuilder import AppBuilder, BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l

from portal.extensions import db
from portal.services import access
from portal.services.casework import search


class SearchView(BaseView):
    """Find a client or a case."""

    route_base = "/search"
    default_view = "index"

    @expose("/", methods=["GET", "POST"])
    @has_access
    def index(self) -> Any:
        # The form posts (a personal code must not travel in a URL); GET links keep working.
        source = request.form if request.method == "POST" else request.args
        query = (source.get("q") or "")[: search.MAX_QUERY_LENGTH]
        # Pages are asked for by the pager's buttons, which post the query again.
        page = source.get("page", "1")
        page = int(page) - 1 if page.isdigit() and 0 < int(page) < 10_000 else 0
        result = (search.search(db.session, query, access.current_actor(), page=page)
                  if query else None)
        return self.render_template("plus/search.html", q=query, result=result,
                                    title=_l("Search"))


def register(appbuilder: AppBuilder) -> None:
    """Add the search screen."""
    appbuilder.add_view(SearchView, "Search", label=_l("Search"), icon="fa-search")
