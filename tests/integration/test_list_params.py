"""List screens take page, page size and order from the URL: junk never gives a 500.

FAB reads ``page_<View>``, ``psize_<View>`` and ``_oc_/_od_<View>`` with a bare ``int()``;
a typed or tampered URL must give a normal page (or 400), and no page size may make the
server load an unbounded number of rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from portal.services.access import Role

JUNK = [
    "psize_CaseView=abc",
    "psize_CaseView=100000",
    "psize_CaseView=-5",
    "psize_CaseView=0",
    "page_CaseView=abc",
    "page_CaseView=-1",
    "page_CaseView=99999999999999999999",
    "_oc_CaseView=nope&_od_CaseView=asc",
    "_oc_CaseView=number&_od_CaseView=sideways",
]


@pytest.mark.parametrize("query", JUNK)
def test_junk_list_parameters_never_fail(
    login_as: Callable[[str], FlaskClient], query: str
) -> None:
    c = login_as(Role.OFFICER)
    resp = c.get(f"/caseview/list/?{query}")
    assert resp.status_code in (200, 400), (query, resp.status_code)


def _shown_cases(c: FlaskClient, query: str) -> set[str]:
    resp = c.get(f"/caseview/list/?{query}")
    assert resp.status_code == 200
    return set(re.findall(r"/caseview/show/(\d+)", resp.get_data(as_text=True)))


def test_page_size_is_capped(
    login_as: Callable[[str], FlaskClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal.views import base

    c = login_as(Role.ADMIN)  # sees the own and the foreign case at least
    assert len(_shown_cases(c, "psize_CaseView=2")) == 2  # the list honours small sizes
    monkeypatch.setattr(base, "MAX_PAGE_SIZE", 1)
    assert len(_shown_cases(c, "psize_CaseView=100000")) == 1
    assert len(_shown_cases(c, "psize_CaseView=0")) == 1


def test_unknown_order_column_falls_back_to_the_default_order(
    login_as: Callable[[str], FlaskClient],
) -> None:
    c = login_as(Role.ADMIN)
    default = _shown_cases(c, "psize_CaseView=5")
    assert _shown_cases(c, "psize_CaseView=5&_oc_CaseView=nope&_od_CaseView=asc") == default
