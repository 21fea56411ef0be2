"""The portal's own small forms (login, setting a password); CSRF comes with Flask-WTF."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

__all__ = ["LoginForm", "SetPasswordForm"]


class LoginForm(FlaskForm):
    """Username and password of a client, employer or volunteer."""

    username = StringField(
        _l("Username"),
        validators=[DataRequired(_l("Enter your username.")), Length(max=256)],
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=256)],
    )
    next = HiddenField()


class SetPasswordForm(FlaskForm):
    """A new password, twice; the rules are checked by the invitation service."""

    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Enter a new password.")), Length(max=256)],
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(_l("Repeat the new password.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
    )
