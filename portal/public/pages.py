"""Glue between the portal's routes and the services: who is asking, which form, how to show it.

Nothing here decides access: portal scoping is :mod:`portal.services.partners.portal_scope`, forms are
:mod:`portal.services.intake.forms`, submissions :mod:`portal.services.intake.submissions`. This module only
assembles what a page needs from them, so the routes in ``blueprint.py`` stay a few lines each.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from flask import abort, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import formsengine as fe
from portal.labels import enum_label
from portal.models import Audience, EService
from portal.services.access import Role
from portal.services.casework import rules
from portal.services.intake import forms
from portal.services.partners import invitations, portal_scope

__all__ = [
    "AUDIENCE_OF_ROLE",
    "FormPage",
    "format_number",
    "load_form_page",
    "navigation",
    "portal_user_required",
    "safe_next",
]

AUDIENCE_OF_ROLE: dict[str, Audience] = {
    Role.CLIENT: Audience.CLIENT,
    Role.EMPLOYER: Audience.EMPLOYER,
    Role.VOLUNTEER: Audience.VOLUNTEER,
}
# The link a portal role needs on the user to mean anything (an account without it sees nothing).
_LINK_OF_ROLE = {
    Role.CLIENT: "client_id",
    Role.EMPLOYER: "employer_id",
    Role.VOLUNTEER: "volunteer_id",
}
#: which e-service a form of each audience belongs to (the names of the service catalogue)
FORMS_SERVICE: dict[Audience, Any] = {
    Audience.CLIENT: enum_label(EService.INFO_TO_VPD),
    Audience.EMPLOYER: enum_label(EService.PARTNER_INFO_TO_VPD),
    Audience.VOLUNTEER: enum_label(EService.PARTNER_INFO_TO_VPD),
}
DATA_SERVICE: dict[str, EService] = {
    Role.CLIENT: EService.MY_DATA,
    Role.EMPLOYER: EService.CLIENT_DATA,
    Role.VOLUNTEER: EService.CLIENT_DATA,
}
LINKED_CLIENTS = "linked_clients"  # the render-time option source of formdefs/README.md
_IDEMPOTENCY_RE = re.compile(r"^[A-Za-z0-9_-]{16,80}$")


def current_role() -> str | None:
    """The portal role of the signed-in user, or None (anonymous, or an officer)."""
    if not getattr(current_user, "is_authenticated", False):
        return None
    return invitations.portal_role(current_user)


def portal_user_required(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Let through signed-in portal users (of ``roles``, when given) linked to their party.

    Anonymous visitors go to the portal login; officers and other roles get 403, as do portal
    users whose account is not linked to a client, employer or volunteer.
    """

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not getattr(current_user, "is_authenticated", False):
                return redirect(url_for("portal.login", next=here()))
            role = current_role()
            if role is None or (roles and role not in roles):
                abort(403)
            if getattr(current_user, _LINK_OF_ROLE[role], None) is None:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorate


def here() -> str:
    """The current path with its query string, for coming back after login or a switch."""
    query = request.query_string.decode("latin-1")
    return request.path + (f"?{query}" if query else "")


def safe_next(target: str | None, default: str) -> str:
    """``target`` if it is a path on this site (no scheme, host or ``//``), else ``default``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def valid_idempotency_key(value: str | None) -> bool:
    """Whether a posted idempotency key has the shape the form page issues."""
    return bool(value) and bool(_IDEMPOTENCY_RE.match(value or ""))


@dataclass(frozen=True)
class NavItem:
    """An entry of the portal's main navigation."""

    endpoint: str
    label: Any


def navigation(role: str | None) -> list[NavItem]:
    """The e-services of a portal role, in the order the home page lists them."""
    if role == Role.CLIENT:
        return [
            NavItem("portal.my_data", enum_label(EService.MY_DATA)),
            NavItem("portal.form_list", FORMS_SERVICE[Audience.CLIENT]),
            NavItem("portal.submissions_list", _l("My submissions")),
        ]
    if role in (Role.EMPLOYER, Role.VOLUNTEER):
        return [
            NavItem("portal.clients", enum_label(EService.CLIENT_DATA)),
            NavItem("portal.form_list", FORMS_SERVICE[Audience.EMPLOYER]),
            NavItem("portal.submissions_list", _l("My submissions")),
        ]
    return []


@dataclass
class LinkedGroup:
    """A linked client with every link (work assignment or case) they have to this partner."""

    client_id: int
    name: str
    links: list[Any]


def group_linked(linked: list[Any]) -> list[LinkedGroup]:
    """``portal_scope.linked_clients`` grouped by client, in the order given."""
    groups: dict[int, LinkedGroup] = {}
    for item in linked:
        group = groups.setdefault(item.client_id, LinkedGroup(item.client_id, item.name, []))
        group.links.append(item)
    return list(groups.values())


# --------------------------------------------------------------------------------------------
# Forms


@dataclass
class FormPage:
    """A published form as one user fills it in: translated, with their options filled."""

    definition: Any  # portal.models.FormDefinition
    version: Any  # portal.models.FormVersion
    parsed: fe.FormDefinition
    schema: dict[str, Any]
    options: dict[str, list[tuple[str, str]]]
    title: str

    @property
    def asks_for_client(self) -> bool:
        """Whether the form has a select of the clients linked to the user."""
        return LINKED_CLIENTS in self.parsed.option_sources

    @property
    def client_values(self) -> set[str]:
        """The values that select offers this user."""
        return {str(value) for value, _label in self.options.get(LINKED_CLIENTS, [])}


def forms_about_a_client(session: Any, role: str) -> list[Any]:
    """The published forms of the role's audience that ask which linked client they are about."""
    about = []
    for definition in forms.forms_for_audience(session, AUDIENCE_OF_ROLE[role]):
        found = forms.published(session, definition.key)
        if found is not None and LINKED_CLIENTS in forms.parsed(found[1]).option_sources:
            about.append(definition)
    return about


def load_form_page(session: Any, user: Any, key: str, locale: str) -> FormPage | None:
    """The published form ``key`` for this user's audience, else None (shown as 404)."""
    role = invitations.portal_role(user)
    if role is None or len(key) > 60:
        return None
    found = forms.published(session, key)
    if found is None:
        return None
    definition, version = found
    if definition.audience != AUDIENCE_OF_ROLE[role]:
        return None
    parsed = forms.parsed(version)
    options = {
        source: [(str(v), str(label)) for v, label in pairs]
        for source, pairs in (portal_scope.options_for(session, user, parsed) or {}).items()
    }
    schema = fe.fill_options(fe.translate(parsed, locale), options)
    return FormPage(
        definition=definition,
        version=version,
        parsed=parsed,
        schema=schema,
        options=options,
        title=definition.title(locale),
    )


def recalculate(page: FormPage, state: Any, timezone: str) -> None:
    """Recompute the form's calculated values from what the user entered (each post)."""
    from portal.public import formstate

    if not any(f.calculate is not None for f in page.parsed.walk()):
        return
    data = formstate.to_formio_data(page.schema, state, timezone)
    formstate.apply_calculated(page.schema, state, fe.calculated_data(page.parsed, data))


def row_errors(page: FormPage, state: Any, spec: str, timezone: str,
               locale: str) -> dict[str, list[str]]:
    """The errors of one editgrid row (``"grid:n"``) as the whole form stands."""
    from portal.public import formstate

    grid, _, index = spec.rpartition(":")
    data = formstate.to_formio_data(page.schema, state, timezone)
    errors = fe.validate_submission(page.parsed, data, locale, options=page.options,
                                 today=rules.today()).errors
    prefix = f"{grid}[{index}]"
    return {path: messages for path, messages in errors.items()
            if path == prefix or path.startswith(prefix + ".")}


def unsaved_rows(page: FormPage, state: Any) -> dict[str, list[str]]:
    """Form.io's open-row rule: an editgrid row still being edited stops the submit."""
    errors: dict[str, list[str]] = {}
    for key in state.open:
        field = page.parsed.inputs.get(key)
        if field is not None:
            errors[key] = [fe.error_message(page.parsed, field, "unsavedRows", {}, _locale())]
    return errors


# --------------------------------------------------------------------------------------------
# Numbers


def format_number(value: Any) -> str:
    """A number as Latvians write it: no trailing zeros, a decimal comma in Latvian."""
    if value is None:
        return ""
    number = Decimal(str(value))
    text = format(number.normalize(), "f") if number == number.to_integral() else str(number)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if _locale() == "lv":
        text = text.replace(".", ",")
    return text


def _locale() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "lv"
