"""Every role logs in and reaches its home; key screens render."""

from __future__ import annotations

import pytest

from portal.services.access import Role


@pytest.mark.parametrize("role", Role.ALL)
def test_each_role_logs_in_and_reaches_home(login_as, role):
    c = login_as(role)
    resp = c.get("/", follow_redirects=True)
    assert resp.status_code == 200


@pytest.mark.parametrize(
    "url",
    ["/worklist/", "/clientview/list/", "/caseview/list/", "/search/?q=berzins",
     "/hourslogview/list/", "/meetingview/list/", "/changelogview/list/",
     "/caseview/add", "/clientview/add", "/documentview/add", "/hourslogview/add"],
)
def test_officer_screens_render(login_as, url):
    c = login_as(Role.OFFICER)
    resp = c.get(url)
    assert resp.status_code == 200, url


def test_case_page_shows_everything_and_logs_access(login_as, base, app):
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.models import AccessLog

    c = login_as(Role.OFFICER)
    resp = c.get(f"/caseview/show/{base.own.case}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Bērziņš" in html
    with app.app_context():
        n = db.session.execute(
            select(func.count()).select_from(AccessLog).where(AccessLog.case_id == base.own.case)
        ).scalar_one()
    assert n >= 1


def test_analyst_sees_statistics_only(login_as):
    c = login_as(Role.ANALYST)
    assert c.get("/statistics/").status_code == 200
    assert c.get("/clientview/list/").status_code in (302, 403)
