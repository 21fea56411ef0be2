"""The navbar and the officer's screens at 1366, 768 and 390 px, in Chromium (issue 10).

* At 1366 px the menu of every role is one row: the navbar is one line high and every item
  shares its top.
* At 768 px (a tablet, touch only) the menu is collapsed: a tap opens it, a tap opens a
  heading, a tap on an entry leads there.
* An officer's case page, a list, a form and the inbox (list and item) never scroll sideways
  at 1366, 768 or 390 px, and every action of the page (buttons, the add-in-context bar) lies
  inside the window.

Screenshots go to PLUS_SCREENSHOTS when set.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from portal.services.access import Role
from tests.browser.conftest import portal_login
from tests.factories import BaseData, ensure_user

SHOTS = os.environ.get("PLUS_SCREENSHOTS")
WIDTHS = (1366, 768, 390)
ROLES = (Role.OFFICER, Role.UNIT_MANAGER, Role.ADMIN, Role.FORM_ADMIN, Role.ANALYST)

#: the navbar's rows: distinct tops of its items (menu and right-hand side)
_ROWS = """() => {
  const items = [...document.querySelectorAll('.plus-navbar .navbar-nav > li')]
    .filter(li => li.offsetParent !== null);
  return {height: document.querySelector('.plus-navbar').offsetHeight,
          tops: [...new Set(items.map(li => Math.round(li.getBoundingClientRect().top)))],
          count: items.length};
}"""

#: actions of the page outside the window: the fields of an add or edit form (never cut off),
#: visible buttons and links styled as buttons, and the add-in-context bar's links (the navbar
#: is checked apart). A button inside a box that scrolls sideways (a wide table on a phone) is
#: reached by scrolling that box.
_OUTSIDE = """() => {
  const w = document.documentElement.clientWidth;
  const scrolls = e => {
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll') {
        const r = p.getBoundingClientRect();
        return r.left >= -1 && r.right <= w + 1;
      }
    }
    return false;
  };
  const fields = [...document.querySelectorAll(
    '#model_form input:not([type=hidden]), #model_form select, #model_form textarea,'
    + ' #model_form .select2-container')];
  const cut = fields.filter(e => e.offsetParent !== null).filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && (r.left < -1 || r.right > w + 1);
  }).map(e => 'field ' + (e.name || e.className));
  const acts = document.querySelectorAll(
    '.container a.btn, .container button, .container input[type=submit], #case-add a');
  return cut.concat([...acts].filter(e => e.offsetParent !== null).filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && (r.left < -1 || r.right > w + 1) && !scrolls(e);
  }).map(e => (e.innerText || e.value || e.outerHTML.slice(0, 80)).trim()));
}"""

def _shot(page: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _no_sideways_scroll(page: Any) -> bool:
    # innerWidth alone is not enough: a phone widens its layout viewport to a page that
    # overflows, so the overflowing page would pass; clientWidth stays the device's width.
    return page.evaluate(
        "document.scrollingElement.scrollWidth <= Math.min(window.innerWidth,"
        " document.documentElement.clientWidth)")


@pytest.fixture()
def inbox_item(app: Flask, base: BaseData, unique: str) -> int:
    """A client's message about the base officer's own case, waiting in the inbox."""
    from portal.extensions import db
    from portal.models import Audience, FormDefinition, FormVersion, Submission
    from tests.integration.submission_data import load_forms

    with app.app_context():
        load_forms(db.session)
        version = db.session.scalars(
            select(FormVersion).join(FormDefinition, FormVersion.definition_id == FormDefinition.id)
            .where(FormDefinition.key == "message_to_officer")
            .order_by(FormVersion.number.desc())).first()
        assert version is not None
        user = ensure_user(app.appbuilder.sm, f"t_nav_cli_{unique}", Role.CLIENT,
                           client_id=base.own.client)
        sub = Submission(version_id=version.id, submitted_by_id=user,
                         idempotency_key=f"nav-{unique}", audience=Audience.CLIENT,
                         client_id=base.own.client, case_id=base.own.case,
                         unit_id=base.unit_a, locale="lv",
                         data={"subject": "Jautājums par darba grafiku",
                               "message": "Vai varu strādāt sestdien? " * 8})
        db.session.add(sub)
        db.session.commit()
        sub_id = sub.id
        db.session.remove()
    return sub_id


@pytest.mark.parametrize("role", ROLES)
def test_the_menu_is_one_row_at_1366(open_page: Any, role: str) -> None:
    page = open_page(viewport={"width": 1366, "height": 900})
    portal_login(page, role, portal=False)
    page.goto("/worklist/" if role in (Role.OFFICER, Role.UNIT_MANAGER, Role.ADMIN)
              else "/statistics/")
    rows = page.evaluate(_ROWS)
    assert rows["count"] >= 3, rows
    assert len(rows["tops"]) == 1, rows
    assert rows["height"] <= 60, rows
    assert page.locator(".plus-navbar .navbar-toggle").is_hidden()
    if role in (Role.UNIT_MANAGER, Role.ADMIN):
        _shot(page, f"navbar-{role}-1366")
    # The officer's processes come first, in this order.
    if role == Role.OFFICER:
        labels = page.locator(".plus-menu > li > a").all_inner_texts()
        assert [x.strip() for x in labels[:4]] == ["Darba saraksts", "Iesūtne", "Meklēt",
                                                    "Lietas"]
        # A heading opens on click and shows its group titles.
        page.click(".plus-menu > li.dropdown:has-text('Darbs') > a")
        menu = page.locator(".plus-menu > li.open .dropdown-menu")
        assert menu.is_visible()
        assert "Piespiedu darbs un sabiedriskais darbs" in menu.inner_text()
        _shot(page, "navbar-officer-1366-open")


def test_the_menu_works_by_touch_at_768(open_page: Any, base: BaseData) -> None:
    page = open_page(viewport={"width": 768, "height": 1024}, mobile=True)
    portal_login(page, Role.OFFICER, portal=False)
    page.goto("/worklist/")
    menu = page.locator("#plus-navbar-collapse")
    assert menu.is_hidden()
    page.tap(".plus-navbar .navbar-toggle")
    menu.locator(".plus-menu").wait_for(state="visible")
    heading = page.locator(".plus-menu > li.dropdown", has_text="Lietas").first
    heading.locator("> a").tap()
    entry = heading.locator(".dropdown-menu a", has_text="Lietas").first
    entry.wait_for(state="visible")
    _shot(page, "navbar-officer-768-open")
    assert _no_sideways_scroll(page)
    with page.expect_navigation():
        entry.tap()
    assert "/caseview/list" in page.url
    # The user menu is reached the same way (the logout form in it).
    page.tap(".plus-navbar .navbar-toggle")
    page.locator(".plus-navbar .navbar-right a.dropdown-toggle:has(.fa-user)").tap()
    page.locator("form.plus-logout button").wait_for(state="visible")


@pytest.mark.parametrize("width", WIDTHS)
def test_officer_screens_fit_the_window(
    open_page: Any, base: BaseData, inbox_item: int, width: int, console_errors: list[str],
) -> None:
    small = width < 1200
    page = open_page(viewport={"width": width, "height": 900}, mobile=small)
    portal_login(page, Role.OFFICER, portal=False)
    screens = {
        "case": f"/caseview/show/{base.own.case}",
        "list": "/caseview/list/",
        "form": f"/meetingview/add?case_id={base.own.case}",
        "work-form": f"/hourslogview/add?case_id={base.own.case}",
        "inbox": "/inbox/",
        "inbox-item": f"/inbox/{inbox_item}",
        "worklist": "/worklist/",
        "search": "/search/?q=B%C4%93rzi%C5%86%C5%A1",
    }
    problems: dict[str, Any] = {}
    for name, url in screens.items():
        resp = page.goto(url)
        assert resp is not None and resp.status == 200, (name, url)
        _shot(page, f"{name}-{width}")
        if not _no_sideways_scroll(page):
            problems[name] = page.evaluate(
                "[document.scrollingElement.scrollWidth, window.innerWidth,"
                " document.documentElement.clientWidth]")
        outside = page.evaluate(_OUTSIDE)
        if outside:
            problems[f"{name} actions"] = outside
        rows = page.evaluate(_ROWS)
        if not small:
            assert len(rows["tops"]) == 1, (name, rows)
    assert not problems, problems
    assert console_errors == []
