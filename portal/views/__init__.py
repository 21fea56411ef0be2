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
        forms_admin,
        home,
        inbox,
        mediation,
        partners,
        portal_accounts,
        search,
        statistics,
        supervision,
        usage,
        work,
    )

    home.register(appbuilder)
    inbox.register(appbuilder)
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
    portal_accounts.register(appbuilder)
    statistics.register(appbuilder)
    usage.register(appbuilder)
    forms_admin.register(appbuilder)
