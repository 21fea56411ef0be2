"""The search box: clients and cases by name fragment, personal code or case number."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_appbuilder import AppBuilder, BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l

from portal.extensions import db
from portal.services import access, search


class SearchView(BaseView):
    """Find a client or a case."""

    route_base = "/search"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self) -> Any:
        query = (request.args.get("q") or "")[: search.MAX_QUERY_LENGTH]
        result = search.search(db.session, query, access.current_actor()) if query else None
        return self.render_template("plus/search.html", q=query, result=result,
                                    title=_l("Search"))


def register(appbuilder: AppBuilder) -> None:
    """Add the search screen."""
    appbuilder.add_view(SearchView, "Search", label=_l("Search"), icon="fa-search")
