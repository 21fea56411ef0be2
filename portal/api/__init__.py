"""The REST API (FAB ModelRestApi), under the same access rules as the screens."""

from __future__ import annotations

from flask_appbuilder import AppBuilder


def register(appbuilder: AppBuilder) -> None:
    """Register every API of PLUS."""
    from portal.api import calendar, casework, submissions, work

    casework.register(appbuilder)
    submissions.register(appbuilder)
    calendar.register(appbuilder)
    work.register(appbuilder)
