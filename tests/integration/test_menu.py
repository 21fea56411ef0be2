"""The officer's menu (portal.views.menu): every screen has its place in the layout, each role
sees the headings of what it may open, and the roles with few screens get direct links."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from portal.services.access import Role
from portal.views.menu import LAYOUT, Heading, _leaves


def _layout_names() -> set[str]:
    names: set[str] = set()
    for entry in LAYOUT:
        if isinstance(entry, Heading):
            names.update(e for e in entry.entries if isinstance(e, str))
        else:
            names.add(entry)
    return names


def test_every_menu_entry_has_its_place_in_the_layout(app: Flask) -> None:
    leaves = set(_leaves(app.appbuilder.menu.get_list()))
    assert leaves - _layout_names() == set()
    # ... and no heading is one of FAB's categories left behind (the old "Security", say).
    headings = [i.name for i in app.appbuilder.menu.get_list() if i.childs]
    assert headings == [e.name for e in LAYOUT if isinstance(e, Heading) and e.name in headings]


def _menu(html: str) -> tuple[list[str], str]:
    nav = html.split('class="nav navbar-nav plus-menu"', 1)[1].split("navbar-right", 1)[0]
    headings = re.findall(r'class="dropdown-toggle"[^>]*>(?:<i[^>]*></i> )?([^<]+)<b', nav)
    return [h.strip() for h in headings], nav


@pytest.mark.parametrize("role, headings", [
    (Role.OFFICER, ["Lietas", "Darbs", "Uzraudzība", "Izlīgums", "Izvērtēšana"]),
    (Role.UNIT_MANAGER, ["Lietas", "Darbs", "Uzraudzība", "Izlīgums", "Izvērtēšana",
                         "Pārskati", "Pārvaldība"]),
    (Role.ADMIN, ["Lietas", "Darbs", "Uzraudzība", "Izlīgums", "Izvērtēšana", "Pārskati",
                  "Pārvaldība"]),
    (Role.ANALYST, []),
    (Role.FORM_ADMIN, []),
])
def test_each_role_sees_the_headings_of_its_screens(login_as: Any, role: str,
                                                    headings: list[str]) -> None:
    user = login_as(role)
    html = user.get("/statistics/" if role in (Role.ANALYST, Role.FORM_ADMIN)
                    else "/worklist/").get_data(as_text=True)
    found, nav = _menu(html)
    assert found == headings
    if role == Role.OFFICER:
        # the worklist, the inbox and search first, as direct links
        assert nav.index('href="/worklist/"') < nav.index('href="/inbox/"') \
            < nav.index('href="/search/"') < nav.index('class="dropdown-toggle"')
        # nothing an officer may not open, no empty group title
        for hidden in ("/users/list/", "/audit-trail/", "/statistics/", "/caseload/"):
            assert f'href="{hidden}"' not in nav
        assert "Amatpersonas un struktūrvienības" in nav  # transfers and cover
    if role == Role.UNIT_MANAGER:
        assert 'href="/audit-trail/"' in nav and 'href="/users/list/"' not in nav
        assert "Drošība" not in nav and "Datu aizsardzība" in nav
    if role == Role.ANALYST:
        for url in ("/statistics/", "/dashboard/", "/usage/", "/open-data/"):
            assert f'href="{url}"' in nav
    if role == Role.FORM_ADMIN:
        for url in ("/formadmin/", "/documenttemplates/", "/statistics/", "/usage/"):
            assert f'href="{url}"' in nav
