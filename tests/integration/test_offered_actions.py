"""Screens offer edit and delete only where the request would allow them.

The list and show pages ask ``portal.services.access`` (the rule that guards /edit and
/delete), so an officer sees no edit or delete on a row of a colleague's case, and every
edit link a page offers answers 200.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.services.access import Role
from tests.factories import BaseData
from tests.integration.test_access_matrix import CASE_RECORD_FIELD, OFFICER2, screens_of

EDIT_LINK = re.compile(r'href="([^"]*/edit/(\d+)[^"]*)"')
DELETE_LINK = re.compile(r'btn-delete-([^"]*/delete/(\d+))')


def _scoped_screens(app: Flask) -> list:
    return [s for s in screens_of(app) if s.scoped and s.model in CASE_RECORD_FIELD]


def test_colleague_sees_no_edit_or_delete_on_a_case_not_theirs(
    app: Flask, base: BaseData, login_as: Callable[[str], FlaskClient]
) -> None:
    """Officer2 sees the own case (same unit) but may not change it: no edit, no delete."""
    c = login_as(OFFICER2)
    checked = 0
    for screen in _scoped_screens(app):
        if "can_list" not in screen.permissions:
            continue
        own_id = getattr(base.own, CASE_RECORD_FIELD[screen.model])
        resp = c.get(f"{screen.route}/list/?psize_{screen.name}=100")
        assert resp.status_code == 200, screen
        html = resp.get_data(as_text=True)
        assert {int(pk) for _, pk in EDIT_LINK.findall(html)}.isdisjoint({own_id}), screen
        assert {int(pk) for _, pk in DELETE_LINK.findall(html)}.isdisjoint({own_id}), screen
        show = c.get(f"{screen.route}/show/{own_id}")
        if show.status_code == 200 and screen.model != "Case":
            body = show.get_data(as_text=True)
            assert f"/edit/{own_id}" not in body, screen
            assert f"/delete/{own_id}" not in body, screen
            checked += 1
    assert checked > 5


@pytest.mark.parametrize("role", [Role.OFFICER, OFFICER2, Role.UNIT_MANAGER])
def test_every_offered_edit_link_answers_200(
    app: Flask, role: str, login_as: Callable[[str], FlaskClient]
) -> None:
    c = login_as(role)
    offered = 0
    for screen in screens_of(app):
        if "can_list" not in screen.permissions:
            continue
        resp = c.get(f"{screen.route}/list/?psize_{screen.name}=100")
        if resp.status_code != 200:
            continue
        for href, _pk in EDIT_LINK.findall(resp.get_data(as_text=True)):
            offered += 1
            assert c.get(href.replace("&amp;", "&")).status_code == 200, (role, href)
    if role == Role.OFFICER:
        assert offered > 5


def test_owner_is_offered_edit_on_show(
    base: BaseData, login_as: Callable[[str], FlaskClient]
) -> None:
    c = login_as(Role.OFFICER)
    body = c.get(f"/meetingview/show/{base.own.meeting}").get_data(as_text=True)
    assert f"/meetingview/edit/{base.own.meeting}" in body


@pytest.mark.parametrize("role", [Role.OFFICER, Role.UNIT_MANAGER, Role.ANALYST])
def test_profile_works_for_staff(
    role: str, login_as: Callable[[str], FlaskClient]
) -> None:
    """The user menu's "Profile": own data, own name edit, own password change."""
    c = login_as(role)
    page = c.get("/users/userinfo/", headers={"Accept-Language": "lv"})
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "[" not in body.split('id="Home"')[-1].split("</table>")[0]  # no Python list
    assert c.get("/userinfoeditview/form").status_code == 200
    assert c.get("/resetmypassword/form").status_code == 200


def test_client_page_names_cases_not_a_python_list(
    base: BaseData, login_as: Callable[[str], FlaskClient]
) -> None:
    body = login_as(Role.OFFICER).get(f"/clientview/show/{base.own.client}").get_data(
        as_text=True)
    assert "[PL-" not in body and "[]" not in body and "None" not in body
