"""Officer screens; each area registers its own views."""

from __future__ import annotations

from flask_appbuilder import AppBuilder


def register(appbuilder: AppBuilder) -> None:
    """Register every area's screens, in menu order."""
    from portal.views import (
        audit,
        calendar,
        case_context,
        cases,
        clients,
        documents,
        evaluation,
        exchanges,
        forms_admin,
        home,
        inbox,
        mediation,
        menu,
        opendata,
        paperwork,
        partners,
        people,
        portal_accounts,
        privacy,
        registry,
        search,
        statistics,
        supervision,
        supervision_plan,
        supervision_steps,
        usage,
        work,
    )

    home.register(appbuilder)
    inbox.register(appbuilder)
    search.register(appbuilder)
    clients.register(appbuilder)
    cases.register(appbuilder)
    documents.register(appbuilder)
    paperwork.register(appbuilder)
    audit.register(appbuilder)
    privacy.register(appbuilder)
    work.register(appbuilder)
    supervision.register(appbuilder)
    supervision_steps.register(appbuilder)
    supervision_plan.register(appbuilder)
    mediation.register(appbuilder)
    calendar.register(appbuilder)
    evaluation.register(appbuilder)
    partners.register(appbuilder)
    portal_accounts.register(appbuilder)
    statistics.register(appbuilder)
    usage.register(appbuilder)
    opendata.register(appbuilder)
    forms_admin.register(appbuilder)
    exchanges.register(appbuilder)
    registry.register(appbuilder)
    case_context.register(appbuilder)
    people.register(appbuilder)
    menu.register(appbuilder)  # last: it arranges what the others registered
