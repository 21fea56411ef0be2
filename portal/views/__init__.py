"""Officer screens; each area registers its own views."""

from __future__ import annotations

from flask_appbuilder import AppBuilder


def register(appbuilder: AppBuilder) -> None:
    """Register every area's screens, in menu order."""
    from portal.views import (
        audit,
        cases,
        clients,
        documents,
        evaluation,
        home,
        mediation,
        partners,
        search,
        statistics,
        supervision,
        work,
    )

    home.register(appbuilder)
    search.register(appbuilder)
    clients.register(appbuilder)
    cases.register(appbuilder)
    documents.register(appbuilder)
    audit.register(appbuilder)
    work.register(appbuilder)
    supervision.register(appbuilder)
    mediation.register(appbuilder)
    evaluation.register(appbuilder)
    partners.register(appbuilder)
    statistics.register(appbuilder)
