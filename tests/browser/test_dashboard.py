"""The indicator dashboard in Chromium: charts drawn from the JSON endpoints (Chart.js from
/static, nothing from a CDN), for a manager and an analyst, on a desktop and a tablet."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from portal.services.access import Role
from portal.services.opendata import indicators
from tests.browser.conftest import portal_login

READY = ("document.querySelectorAll('.indicator[data-ready]').length === "
         "document.querySelectorAll('.indicator').length")


@pytest.mark.parametrize("role", [Role.UNIT_MANAGER, Role.ANALYST])
@pytest.mark.parametrize("width", [1366, 768])
def test_dashboard_draws_every_chart(open_page: Callable[..., Any], role: str, width: int,
                                     external_requests: list[str],
                                     console_errors: list[str]) -> None:
    page = open_page(viewport={"width": width, "height": 900})
    portal_login(page, role)
    page.goto("/dashboard/")
    page.wait_for_function(READY)
    ready = page.eval_on_selector_all(".indicator", "els => els.map(e => e.dataset.ready)")
    assert ready == ["1"] * len(indicators.INDICATORS)
    # Every chart has a canvas that Chart.js drew on, and its title is in Latvian.
    assert page.evaluate("Object.keys(Chart.instances).length") == len(indicators.INDICATORS)
    titles = page.eval_on_selector_all(".indicator-title", "els => els.map(e => e.textContent)")
    assert "E-pakalpojumu izmantošanas reizes mēnesī" in titles
    # Nothing wider than the window (no horizontal scrolling on a tablet).
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert not external_requests and not console_errors
    # A bad period: the message beside the field, in Latvian.
    page.fill("#period", "2099-01")
    with page.expect_navigation():
        page.click("#filters button[type=submit]")
    assert "nākotnē" in page.inner_text("#period-error")
    if role == Role.ANALYST:
        assert page.is_visible("#small-cell-note")
