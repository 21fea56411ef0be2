"""Portal accounts: a unit manager creates one for a client, employer or volunteer and hands
over the invitation link with which the person sets their password."""

from __future__ import annotations

from typing import Any

from flask import abort, url_for
from flask_appbuilder import AppBuilder, BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from portal.extensions import db
from portal.services import access
from portal.services.access import Role
from portal.services.errors import DomainError
from portal.services.partners import invitations

KINDS = {
    "client": (Role.CLIENT, _l("Client")),
    "employer": (Role.EMPLOYER, _l("Employer")),
    "volunteer": (Role.VOLUNTEER, _l("Volunteer")),
}


class PortalAccountForm(FlaskForm):
    """Who the account is for, and the person's name and login."""

    party = SelectField(_l("Linked to"), coerce=int, validators=[DataRequired()])
    first_name = StringField(_l("First name"), validators=[DataRequired(), Length(max=64)])
    last_name = StringField(_l("Last name"), validators=[DataRequired(), Length(max=64)])
    username = StringField(_l("Username"), validators=[DataRequired(), Length(min=3, max=64)])
    email = StringField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=320)])


class PortalAccountView(BaseView):
    """List portal accounts, create one with an invitation link, or renew the link."""

    route_base = "/portal-accounts"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self) -> Any:
        actor = access.current_actor()
        users = invitations.accounts(db.session, actor)
        latest = {u.id: invitations.last_invitation(db.session, u.id) for u in users}
        return self.render_template(
            "plus/portal_accounts.html", users=users, latest=latest, kinds=KINDS,
            title=_l("Portal accounts"),
        )

    @expose("/new/<kind>", methods=["GET", "POST"])
    @has_access
    def new(self, kind: str) -> Any:
        if kind not in KINDS:
            abort(404)
        role, kind_label = KINDS[kind]
        actor = access.current_actor()
        form = PortalAccountForm()
        form.party.choices = [(p.id, p.label) for p in invitations.parties(db.session, actor, role)]
        if form.validate_on_submit():
            try:
                user, token = invitations.create_portal_account(
                    db.session, actor=actor, role=role, party_id=form.party.data,
                    username=form.username.data, first_name=form.first_name.data,
                    last_name=form.last_name.data, email=form.email.data,
                )
            except DomainError as exc:
                db.session.rollback()
                field = getattr(form, exc.field or "", None) or form.username
                field.errors = [*field.errors, str(exc.message)]
            else:
                db.session.commit()
                return self._link_page(user, token)
        return self.render_template(
            "plus/portal_account_new.html", form=form, kind_label=kind_label,
            title=_l("New portal account"),
        )

    @expose("/<int:user_id>/invite", methods=["POST"])
    @has_access
    def invite(self, user_id: int) -> Any:
        actor = access.current_actor()
        try:
            user, token = invitations.reissue(db.session, actor=actor, user_id=user_id)
        except DomainError:
            db.session.rollback()
            abort(404)
        db.session.commit()
        return self._link_page(user, token)

    def _link_page(self, user: Any, token: str) -> Any:
        # The token is shown this once: only its hash is stored.
        link = url_for("portal.invite", token=token, _external=True)
        invitation = invitations.last_invitation(db.session, user.id)
        return self.render_template(
            "plus/portal_account_link.html", user=user, link=link, invitation=invitation,
            title=_l("Invitation link"),
        )


def register(appbuilder: AppBuilder) -> None:
    """Add the portal accounts screen under Partners."""
    appbuilder.add_view(
        PortalAccountView, "Portal accounts", label=_l("Portal accounts"), icon="fa-id-card",
        category="Partners",
    )
