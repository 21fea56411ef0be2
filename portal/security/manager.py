"""The PLUS security manager: FAB's, with our user model and user screens."""

from __future__ import annotations

import re
from typing import Any

from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.views import UserDBModelView
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from portal.models.org import PlusUser


class PlusUserDBModelView(UserDBModelView):
    """FAB's user admin with the unit and portal links of PLUS."""

    show_fieldsets = [
        (
            _l("User info"),
            {"fields": ["username", "active", "roles", "login_count", "unit"]},
        ),
        (
            _l("Personal Info"),
            {"fields": ["first_name", "last_name", "email", "phone"], "expanded": True},
        ),
        (
            _l("Portal links"),
            {"fields": ["client", "employer", "volunteer"], "expanded": False},
        ),
    ]
    user_show_fieldsets = [
        (_l("User info"), {"fields": ["username", "active", "roles", "unit"]}),
        (
            _l("Personal Info"),
            {"fields": ["first_name", "last_name", "email"], "expanded": True},
        ),
    ]
    add_columns = [
        "first_name",
        "last_name",
        "username",
        "active",
        "email",
        "phone",
        "roles",
        "unit",
        "client",
        "employer",
        "volunteer",
        "password",
        "conf_password",
    ]
    edit_columns = [
        "first_name",
        "last_name",
        "username",
        "active",
        "email",
        "phone",
        "roles",
        "unit",
        "client",
        "employer",
        "volunteer",
    ]
    list_columns = [
        "first_name",
        "last_name",
        "username",
        "email",
        "active",
        "roles",
        "unit",
    ]
    # FAB's translated labels (first name, e-mail, ...) stay; without them FAB would show
    # English labels made from the column names.
    label_columns = {
        **UserDBModelView.label_columns,
        "unit": _l("Territorial unit"),
        "client": _l("Client"),
        "employer": _l("Employer"),
        "volunteer": _l("Volunteer"),
        "phone": _l("Phone"),
    }


class PlusSecurityManager(SecurityManager):
    """Security manager with the PLUS user model; roles come from ``portal.security.roles``."""

    user_model = PlusUser
    userdbmodelview = PlusUserDBModelView

    def get_user_by_id(self, pk: Any) -> PlusUser | None:
        """The user with roles and groups in one query.

        Flask-Login loads the user on every request and FAB then reads its roles and its
        groups' roles; lazily that is three round trips before any view runs.
        """
        from flask_appbuilder.security.sqla.models import Group

        try:
            pk = int(pk)
        except (TypeError, ValueError):
            return None
        return self.session.get(
            self.user_model,
            pk,
            options=[
                joinedload(PlusUser.roles),
                joinedload(PlusUser.groups).joinedload(Group.roles),
            ],
        )

    def is_item_public(self, permission_name: str, view_name: str) -> bool:
        """Whether anonymous users may use a view, without a query when Public is builtin.

        FAB asks this before every protected API call, and by default reads the Public
        role's permissions from the database each time. PLUS fixes Public in code
        (``portal.security.roles``: nothing is public), so the answer needs no database.
        """
        rules = self.builtin_roles.get(self.auth_role_public)
        if rules is None:
            return bool(super().is_item_public(permission_name, view_name))
        return any(
            re.match(view, view_name) and re.match(permission, permission_name)
            for view, permission in rules
        )
