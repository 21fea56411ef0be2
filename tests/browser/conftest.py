"""Shared fixtures of the browser tests: a real server, Chromium, logging in.

* ``live_server``: the base URL of the test app served by werkzeug in a thread, on a free
  local port, against the test database (SQLite or DATABASE_URL); CSRF protection is on for
  the duration of each browser test, as in production.
* ``browser_page``: a fresh Playwright page (own context, so own cookies) whose relative
  URLs resolve against ``live_server``. Any request to another host is aborted and listed in
  ``external_requests`` (nothing may come from a CDN); console errors are in
  ``console_errors``. ``open_page(js=, viewport=, mobile=)`` opens more such pages (without
  JavaScript, at a phone's size).
* ``portal_login(page, username)``: log in through the officer login, or the portal login for
  client, employer and volunteer accounts.

Chromium is Debian's ``/usr/bin/chromium`` (never downloaded); without it these tests skip,
or fail with PLUS_REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask

from tests.conftest import need
from tests.factories import PASSWORD, USERNAMES

CHROMIUM = os.environ.get("PLUS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: the portal's own accounts log in at /portal/login; every other role at FAB's /login/
PORTAL_USERNAMES = {USERNAMES[r] for r in ("Client", "Employer", "Volunteer")}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/browser carries the ``browser`` marker."""
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def _server(app: Flask) -> Iterator[str]:
    from werkzeug.serving import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args: Any, **kwargs: Any) -> None:
            pass  # one line per asset drowns the test output

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture()
def live_server(app: Flask, _server: str) -> Iterator[str]:
    """Base URL of the running test app, with CSRF protection on during the test."""
    saved = app.config.get("WTF_CSRF_ENABLED")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        yield _server
    finally:
        app.config["WTF_CSRF_ENABLED"] = saved


@pytest.fixture(scope="session")
def _browser() -> Iterator[Any]:
    need("Chromium (/usr/bin/chromium)", os.path.exists(CHROMIUM))
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a dev dependency
        need("the playwright package", False)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture()
def external_requests() -> list[str]:
    """URLs the page tried to load from any host but the test server (all aborted)."""
    return []


@pytest.fixture()
def console_errors() -> list[str]:
    """Console errors and uncaught exceptions of the page."""
    return []


@pytest.fixture()
def allowed_hosts() -> list[str]:
    """Other local servers (``host:port``) a test's pages may reach, e.g. a simulator."""
    return []


@pytest.fixture()
def open_page(
    _browser: Any, live_server: str, external_requests: list[str], console_errors: list[str],
    allowed_hosts: list[str],
) -> Iterator[Callable[..., Any]]:
    """``open_page(js=True, viewport=None, mobile=False)``: a page of a browser context of its
    own, relative URLs against ``live_server``; requests to other hosts (but
    ``allowed_hosts``) are aborted and listed in ``external_requests``, console errors go to
    ``console_errors``."""
    contexts: list[Any] = []
    own = {urlsplit(live_server).netloc, *allowed_hosts}

    def guard(route: Any) -> None:
        url = route.request.url
        if urlsplit(url).netloc in own or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            external_requests.append(url)
            route.abort()

    def make(js: bool = True, viewport: dict[str, int] | None = None,
             mobile: bool = False) -> Any:
        options: dict[str, Any] = {"base_url": live_server, "locale": "lv-LV",
                                   "java_script_enabled": js}
        if viewport:
            # A touch device honours <meta name=viewport>: a page without it would be laid
            # out 980px wide and zoomed out, which is what "no horizontal scroll" rules out.
            options.update(viewport=viewport, is_mobile=mobile, has_touch=mobile)
        context = _browser.new_context(**options)
        context.set_default_timeout(15_000)
        context.route("**/*", guard)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: console_errors.append(str(exc)))
        return page

    try:
        yield make
    finally:
        for context in contexts:
            context.close()


@pytest.fixture()
def browser_page(open_page: Callable[..., Any]) -> Any:
    """A fresh page of its own browser context (see ``open_page``)."""
    return open_page()


def portal_login(
    page: Any, username: str, password: str = PASSWORD, *, portal: bool | None = None
) -> None:
    """Log ``page`` in as ``username`` (a role name of tests.factories.USERNAMES works too).

    :param portal: use the portal login (default: for client, employer and volunteer users).
    """
    username = USERNAMES.get(username, username)
    if portal is None:
        portal = username in PORTAL_USERNAMES
    page.goto("/portal/login" if portal else "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    if "/login" in page.url:
        raise AssertionError(f"login as {username} failed: still on {page.url}")
