"""Change history and access log screens (read-only)."""

from __future__ import annotations

from flask_appbuilder import AppBuilder
from flask_babel import lazy_gettext as _l

from portal.models import AccessLog, ChangeLog
from portal.services.casework import case_history
from portal.views.base import PlusInterface, ScopedModelView

LABELS = {
    "at": _l("When"),
    "user": _l("Who"),
    "action": _l("Action"),
    "entity": _l("Record type"),
    "entity_id": _l("Record"),
    "case_id": _l("Case"),
    "client_id": _l("Client"),
    "changes": _l("Changes"),
    "changes_in_words": _l("Changes"),
    "source": _l("Source"),
    "remote_addr": _l("Address"),
}


class ChangeLogView(ScopedModelView):
    """Who changed what, when; scoped like the cases it belongs to."""

    datamodel = PlusInterface(ChangeLog)
    list_title = _l("Change history")
    label_columns = LABELS
    base_permissions = ["can_list", "can_show"]
    list_columns = ["at", "user", "action", "entity", "entity_id", "case_id", "source"]
    show_columns = ["at", "user", "action", "entity", "entity_id", "case_id", "client_id",
                    "changes_in_words", "source"]
    # Record types, actions and sources in words, as on the case page's history.
    formatters_columns = {
        "entity": case_history.record_type_label,
        "action": case_history.action_label,
        "source": case_history.source_label,
    }
    base_order = ("id", "desc")


class AccessLogView(ScopedModelView):
    """Who opened which client's data (administrators only)."""

    datamodel = PlusInterface(AccessLog)
    list_title = _l("Access log")
    label_columns = LABELS
    base_permissions = ["can_list", "can_show"]
    list_columns = ["at", "user", "action", "client_id", "case_id", "remote_addr"]
    base_order = ("id", "desc")


def register(appbuilder: AppBuilder) -> None:
    """Add the history screens."""
    appbuilder.add_view(
        ChangeLogView, "Change history", label=_l("Change history"), icon="fa-history",
        category="Casework",
    )
    appbuilder.add_view(
        AccessLogView, "Access log", label=_l("Access log"), icon="fa-eye", category="Security",
    )
