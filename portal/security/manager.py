"""The PLUS security manager: FAB's, with our user model and user screens."""

from __future__ import annotations

import re
from typing import Any

from flask import g, has_request_context, redirect
from flask_appbuilder.baseviews import expose
from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget
from flask_appbuilder.security.forms import ResetPasswordForm
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.views import AuthDBView as FabAuthDBView
from flask_appbuilder.security.views import ResetMyPasswordView as FabResetMyPasswordView
from flask_appbuilder.security.views import ResetPasswordView as FabResetPasswordView
from flask_appbuilder.security.views import UserDBModelView
from flask_appbuilder.validators import PasswordComplexityValidator
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload
from wtforms import PasswordField
from wtforms.validators import DataRequired, ValidationError

from portal.labels import role_label, role_labels
from portal.models.org import PlusUser
from portal.security import passwords, sessions, throttle


def _roles_required(form: Any, field: Any) -> None:
    # FAB's own check also reads a "groups" field, which PLUS's user forms do not show: with
    # no role chosen it failed with a KeyError (a 500) instead of saying what is missing.
    if not field.data:
        raise ValidationError(_l("Select at least one role."))


class PlusUserDBModelView(UserDBModelView):
    """FAB's user admin with the unit and portal links of PLUS."""

    validators_columns = {"roles": [_roles_required]}

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
    # The own profile shows roles by their names in the user's language, not FAB's codes.
    formatters_columns = {
        "roles": lambda roles: role_labels(roles),
        "active": lambda v: _l("Yes") if v else _l("No"),
        "unit": lambda v: v or "—",
        "email": lambda v: v or "—",
    }
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

    def _init_forms(self) -> None:
        super()._init_forms()
        # Imported here: the views import the security package.
        from portal.views.fields import label_blank_choices

        label_blank_choices(self.add_form, self.edit_form)
        # The role picker offers roles by their names in the user's language, not FAB's keys.
        for form in (self.add_form, self.edit_form):
            roles = getattr(form, "roles", None)
            if roles is not None and hasattr(roles, "kwargs"):
                roles.kwargs["get_label"] = lambda role: str(role_label(role))


class AuthDBView(FabAuthDBView):
    """FAB's password login, with a logout that only a POST with the CSRF token reaches.

    The class keeps FAB's name: FAB names the blueprint (``url_for("AuthDBView.login")``
    in its templates) after the class.

    A GET logout lets any site log an officer out with an image tag; the navbar's logout is a
    form (``templates/appbuilder/navbar_right.html``).
    """

    @expose("/logout/", methods=["POST"])
    def logout(self) -> Any:
        sessions.end_session(current_user)
        return redirect(self.appbuilder.get_url_for_login)


class PlusResetPasswordForm(ResetPasswordForm):
    """FAB's reset form, saying the policy instead of "this application does not check"."""

    password = PasswordField(
        _l("Password"),
        description=_l("At least %(n)s characters with letters and digits; not a common "
                       "password.", n=passwords.MIN_LENGTH),
        validators=[DataRequired(), PasswordComplexityValidator()],
        widget=BS3PasswordFieldWidget(),
    )


class ResetMyPasswordView(FabResetMyPasswordView):
    """An officer's own password change (FAB's name: roles grant it by that name)."""

    form = PlusResetPasswordForm


class ResetPasswordView(FabResetPasswordView):
    """An admin resetting a user's password (FAB's name)."""

    form = PlusResetPasswordForm


class PlusSecurityManager(SecurityManager):
    """Security manager with the PLUS user model; roles come from ``portal.security.roles``."""

    user_model = PlusUser
    userdbmodelview = PlusUserDBModelView
    authdbview = AuthDBView
    resetmypasswordview = ResetMyPasswordView
    resetpasswordview = ResetPasswordView

    def auth_user_db(self, username: str, password: str) -> Any:
        """FAB's password check, counting failures for ``portal.security.throttle``.

        Every password login (officer screens, portal, JWT API) comes through here.
        """
        user = super().auth_user_db(username, password)
        if has_request_context() and isinstance(username, str):
            if user is None:
                throttle.record_failure(username)
            else:
                throttle.record_success(username)
        return user

    def _has_view_access(self, user: object, permission_name: str, view_name: str) -> bool:
        """FAB's check, remembered per set of built-in roles.

        Every page asks this about 60 times (one per menu item) and FAB answers each by
        matching the role's rules as regular expressions, which was most of the page frame's
        cost. PLUS's roles are fixed in code (``portal.security.roles``), so the answer for a
        set of role names never changes while the process runs; the key is the role names,
        never the user, so one user's rights cannot reach another with other roles.
        """
        roles = self.get_user_roles(user)
        names = frozenset(role.name for role in roles)
        if not names or not names <= self.builtin_roles.keys():
            return bool(super()._has_view_access(user, permission_name, view_name))
        key = (names, permission_name, view_name)
        memo: dict[tuple[frozenset[str], str, str], bool] = self.__dict__.setdefault(
            "_builtin_access_memo", {})
        answer = memo.get(key)
        if answer is None:
            answer = memo[key] = bool(super()._has_view_access(user, permission_name, view_name))
        return answer

    def load_user(self, pk: Any) -> PlusUser | None:
        """The session's user, unless the session ended on the server (a logout since)."""
        user = self.get_user_by_id(pk)
        if user is None or not user.is_active or not sessions.is_current(user):
            return None
        return user

    def load_user_jwt(self, _jwt_header: Any, jwt_data: Any) -> PlusUser | None:
        """The bearer token's user (tokens carry no session, so no session version)."""
        user = self.get_user_by_id(jwt_data["sub"])
        if user is None or not user.is_active:
            return None
        g.user = user
        return user

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
