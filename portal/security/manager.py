"""The PLUS security manager: FAB's, with our user model and user screens."""

from __future__ import annotations

from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.views import UserDBModelView
from flask_babel import lazy_gettext as _l

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
