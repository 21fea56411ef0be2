"""The officer's menu: one row at 1366 px, grouped by the officer's processes.

Every area registers its screens with FAB (``add_view``/``add_link``) as before; ``arrange``
then rebuilds FAB's menu (``appbuilder.menu``, still FAB's ``Menu`` and ``MenuItem``) in the
order of ``LAYOUT``: the worklist, the inbox and search as direct links; the cases; one heading
per process of the domain brief (forced labour and community work, supervision, mediation,
evaluation reports); figures; administration. Inside a heading, ``Header`` entries title the
groups of a long drop-down. The layout, not the ``category`` an area registered with, decides
where an entry goes; an entry the layout does not name keeps its own place at the end (a unit
test keeps that list empty).

What a user sees is decided per request by ``visible_menu``: an entry when the user has FAB's
``menu_access`` on it, a heading when at least one of its entries is visible (so a new role
needs no permission on headings), a group title when an entry of its group is visible. A user
with only a few entries (an analyst, a form administrator) gets them as direct links.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_appbuilder import AppBuilder
from flask_appbuilder.menu import Menu, MenuItem
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from portal.views import frame

#: a user with at most this many entries sees them as direct links, without headings
FLAT_LIMIT = 6


@dataclass(frozen=True)
class Header:
    """The title of a group inside a drop-down (Bootstrap's ``dropdown-header``)."""

    label: Any


@dataclass(frozen=True)
class Heading:
    """A drop-down of the navbar: FAB's category ``name`` with the entries it holds."""

    name: str
    label: Any
    icon: str
    entries: tuple[str | Header, ...] = field(default_factory=tuple)


#: Menu names (FAB's ``name`` of each view or link) in the order the navbar shows them.
LAYOUT: tuple[str | Heading, ...] = (
    "Worklist",
    "Inbox",
    "Search",
    Heading("Casework", _l("Cases"), "fa-folder-open", (
        "Clients", "Cases", "Decisions", "Documents", "Calendar", "Change history",
        "Bulk registry query",
        Header(_l("People and units")), "Case transfers", "Cover", "Caseload",
    )),
    Heading("Forced labour and community work", _l("Work"), "fa-wrench", (
        Header(_l("Forced labour and community work")),
        "Work assignments", "Work schedule", "Hours", "Control acts", "No-shows", "Incidents",
        Header(_l("Partners")), "Employers", "Vacancies", "Priority works",
    )),
    Heading("Supervision", _l("Supervision"), "fa-eye", (
        "Starts of supervision", "Supervision plans", "Plan goals", "Plan activities",
        "Plan progress at meetings", "Obligations", "Meetings", "Compliance with obligations",
        "Violations", "Responses to violations", "Risk and needs assessments", "Programmes",
        "Later decisions",
    )),
    Heading("Mediation", _l("Mediation"), "fa-comments", (
        "Mediations", "Mediation parties", "Mediation sessions", "Agreement terms", "Volunteers",
    )),
    Heading("Evaluation reports", _l("Evaluation"), "fa-file-text-o", (
        "Report requests", "Reports", "Submitted report versions",
    )),
    Heading("Figures", _l("Figures"), "fa-bar-chart", (
        "Statistics", "Indicator dashboard", "E-service use", "Open data",
    )),
    Heading("Administration", _l("Administration"), "fa-cogs", (
        Header(_l("Forms")), "Form definitions", "Document templates",
        Header(_l("Data protection")), "Audit trail", "Data of a person", "Retention",
        "Access log",
        Header(_l("Unit")), "Rooms", "Portal accounts",
        Header(_l("Catalogues")), "Obligation catalogue", "Risk and needs items",
        Header(_l("Security")), "List Users", "List Roles", "List Groups",
        "User's Statistics", "Base Permissions", "Views/Menus", "Permission on Views/Menus",
        "Connectors",
    )),
)


class HeaderItem(MenuItem):
    """A group title in FAB's menu tree: not a link, never checked against permissions."""

    is_header = True

    def __init__(self, label: Any) -> None:
        super().__init__(name="-header-", label=label)


def _leaves(items: list[MenuItem]) -> dict[str, MenuItem]:
    found: dict[str, MenuItem] = {}
    for item in items:
        if item.childs:
            found.update(_leaves(item.childs))
        elif item.name != "-" and not getattr(item, "is_header", False):
            found[item.name] = item
    return found


def arrange(appbuilder: AppBuilder) -> list[str]:
    """Rebuild FAB's menu in the order of ``LAYOUT``; return the names it does not place."""
    menu: Menu = appbuilder.menu
    leaves = _leaves(menu.menu)
    placed: set[str] = set()
    rebuilt: list[MenuItem] = []
    for entry in LAYOUT:
        if isinstance(entry, str):
            if entry in leaves:
                rebuilt.append(leaves[entry])
                placed.add(entry)
            continue
        heading = MenuItem(name=entry.name, icon=entry.icon, label=entry.label)
        for child in entry.entries:
            if isinstance(child, Header):
                heading.childs.append(HeaderItem(child.label))
            elif child in leaves:
                heading.childs.append(leaves[child])
                placed.add(child)
        if any(not isinstance(c, HeaderItem) for c in heading.childs):
            rebuilt.append(heading)
    rest = [name for name in leaves if name not in placed]
    for name in rest:  # never lose a screen: unplaced entries follow, as direct links
        rebuilt.append(leaves[name])
    menu.menu = rebuilt
    return rest


@dataclass
class Entry:
    """One line of the rendered menu: a link, a group title, or a drop-down of entries."""

    label: str
    url: str = ""
    icon: str = ""
    header: bool = False
    childs: list[Entry] = field(default_factory=list)


def _visible(appbuilder: AppBuilder, item: MenuItem) -> bool:
    return item.should_render() and appbuilder.sm.has_access("menu_access", item.name)


def _link(item: MenuItem) -> Entry:
    return Entry(label=str(item.label), url=item.get_url(), icon=item.icon)


def _children(appbuilder: AppBuilder, item: MenuItem) -> list[Entry]:
    out: list[Entry] = []
    pending: Entry | None = None
    for child in item.childs:
        if getattr(child, "is_header", False):
            pending = Entry(label=str(child.label), header=True)
        elif child.name != "-" and _visible(appbuilder, child):
            if pending is not None:  # a group title only above a visible entry
                out.append(pending)
                pending = None
            out.append(_link(child))
    return out


def visible_menu(appbuilder: AppBuilder) -> list[Entry]:
    """The navbar of the current user and language: headings with their visible entries."""
    top: list[Entry] = []
    for item in appbuilder.menu.get_list():
        if item.childs:
            childs = _children(appbuilder, item)
            if childs:
                top.append(Entry(label=str(item.label), icon=item.icon, childs=childs))
        elif _visible(appbuilder, item):
            top.append(_link(item))
    flat = [x for e in top for x in ([c for c in e.childs if not c.header] or [e])]
    return flat if len(flat) <= FLAT_LIMIT else top


def _memo_key(appbuilder: AppBuilder) -> tuple[frozenset[str], str] | None:
    """What a navbar depends on: the user's role names and the language; None when the
    roles are not all fixed in code (then the menu is worked out afresh)."""
    if not current_user.is_authenticated:
        return None
    sm = appbuilder.sm
    names = frozenset(role.name for role in sm.get_user_roles(current_user))
    if not names or not names <= sm.builtin_roles.keys():
        return None
    return names, str(get_locale())


def register(appbuilder: AppBuilder) -> None:
    """Arrange the menu (after every area registered) and give the navbar its entries.

    The entries are remembered per set of role names and language: working them out took
    about 60 permission checks on every page, and neither the menu nor the roles' rights
    change while the process runs (roles are fixed in ``portal.security.roles``, menu
    conditions are not used). The key never holds the user, so no one gets another's menu.
    """
    arrange(appbuilder)
    memo: dict[tuple[frozenset[str], str], list[Entry]] = {}

    def plus_menu() -> list[Entry]:
        key = _memo_key(appbuilder)
        if key is None:
            return visible_menu(appbuilder)
        entries = memo.get(key)
        if entries is None:
            entries = memo[key] = visible_menu(appbuilder)
        return entries

    html_memo: dict[tuple[frozenset[str], str], Markup] = {}

    def plus_menu_html() -> Markup:
        """The navbar's entries as HTML (``appbuilder/navbar_menu.html``), rendered once per
        set of role names and language."""
        key = _memo_key(appbuilder)
        html = html_memo.get(key) if key is not None else None
        if html is None:
            # Markup: the output of an autoescaping template, not user data.
            html = Markup(current_app.jinja_env.get_template(  # nosec B704
                "appbuilder/navbar_menu.html").render())
            if key is not None:
                html_memo[key] = html
        return html

    current_app.jinja_env.globals["plus_menu"] = plus_menu
    current_app.jinja_env.globals["plus_menu_html"] = plus_menu_html
    frame.install(current_app, appbuilder.app_theme)
