"""Every screen of every role, in Latvian over the demo data, shows no raw value.

For each demo login the test walks the menu and every page linked from the pages it reaches
(lists, show, add and edit pages, the case page and its links, inbox, worklist, search,
dashboard, the portal pages), a few pages of each kind, and fails on an enum code
(``info_to_vpd``), a Python literal (``None``, ``[]``, ``{``, ``__None``) or an English msgid
of our catalogue left untranslated. Text meant to be literal is marked so in the templates:
identifiers in ``<code>``, the English version of a text in ``lang="en"`` (see raw_values.py).
"""

from __future__ import annotations

import collections
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import base_config
from tests.integration.raw_values import (
    Checker,
    csv_cells,
    local_links,
    page_pattern,
    visible_text,
)
from tests.integration.submission_data import FORMDEFS
from tests.integration.test_demo_seed import _fresh_database

DEMO_CLIENTS = 40
DEMO_SEED = 7
#: pages visited per screen pattern, and at most per role
PER_PATTERN = 2
MAX_PAGES = 400
#: Flask-AppBuilder's own administration of roles and permissions (the administrator's
#: screens, not the officer's): role names there are the keys permissions are granted by.
FAB_ADMIN = ("/roles/", "/groups/", "/userstatschartview/", "/permissions", "/viewmenus",
             "/permissionviews")
#: open data files are machine formats published with codes on purpose (their metadata
#: explains each code); they are checked by the open data tests
MACHINE_FORMATS = ("/open-data/",)
ROLES = ["officer", "manager", "admin", "analyst", "formadmin", "client", "employer", "volunteer"]


@pytest.fixture(scope="module")
def demo_app(app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The demo data (units, logins, clients, cases, portal submissions) in a database of
    its own. Depends on the session ``app`` to hand Celery back to it afterwards."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db
    from portal.services import setup
    from portal.services.demo import submissions as demo_submissions
    from portal.services.intake import forms
    from portal.tasks import init_celery

    tmp = tmp_path_factory.mktemp("lv-raw")
    url, drop = _fresh_database(tmp)
    try:
        demo = create_app(base_config(tmp, SQLALCHEMY_DATABASE_URI=url))
        with demo.app_context():
            upgrade(directory=str(Path(demo.root_path) / "migrations"))
            setup.seed_demo(db.session, demo.appbuilder.sm, clients=DEMO_CLIENTS, seed=DEMO_SEED)
            forms.load_forms(db.session, FORMDEFS)
            db.session.commit()
            demo_submissions.seed_submissions(db.session, demo.appbuilder.sm, seed=DEMO_SEED)
            db.session.remove()
        yield demo
        with demo.app_context():
            db.engine.dispose()
    finally:
        drop()
        init_celery(app)


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker.build()


def _crawl(demo: Flask, username: str, checker: Checker) -> tuple[dict[str, set[str]], int]:
    """Visit what ``username`` can reach; return leaks (with the screens showing them)."""
    from portal.services.setup import DEMO_LOGINS, DEMO_PASSWORD

    # The demo users' logins and names are data ("client" logs in, "Admin PLUS" is a name).
    with demo.app_context():
        from portal.extensions import db
        from portal.models import PlusUser

        names = {n for u in db.session.query(PlusUser) for n in (u.first_name, u.last_name)}
        db.session.remove()
    allowed = frozenset({login for _role, login, _pw in DEMO_LOGINS} | names)
    client = demo.test_client()
    resp = client.post("/login/", data={"username": username, "password": DEMO_PASSWORD})
    assert resp.status_code in (302, 303), username
    queue = collections.deque([resp.headers.get("Location", "/"), "/"])
    if username in ("analyst", "formadmin", "admin"):
        queue.append("/usage/csv")  # a download the screen links through a form
    seen: set[str] = set()
    per_pattern: collections.Counter[str] = collections.Counter()
    problems: dict[str, set[str]] = collections.defaultdict(set)
    errors: list[str] = []
    pages = 0
    while queue and pages < MAX_PAGES:
        url = queue.popleft()
        if url in seen or url.startswith(FAB_ADMIN + MACHINE_FORMATS):
            continue
        seen.add(url)
        pattern = page_pattern(url)
        if per_pattern[pattern] >= PER_PATTERN:
            continue
        per_pattern[pattern] += 1
        resp = client.get(url)
        pages += 1
        if resp.status_code in (301, 302, 303, 308):
            queue.appendleft(resp.headers["Location"])
            continue
        if resp.status_code >= 500:
            errors.append(f"{url}: {resp.status_code}")
        if resp.status_code != 200:
            continue
        body = resp.get_data(as_text=True)
        if resp.mimetype == "text/csv":
            chunks: list[str] = csv_cells(body)
        elif resp.mimetype == "text/html":
            chunks = list(visible_text(body))
            queue.extend(local_links(body))
        else:
            continue
        for problem in checker.problems(chunks, allowed):
            problems[problem].add(pattern)
    assert not errors, errors
    return problems, pages


@pytest.mark.parametrize("username", ROLES)
def test_every_screen_of_the_role_is_latvian(
    demo_app: Flask, checker: Checker, username: str
) -> None:
    problems, pages = _crawl(demo_app, username, checker)
    assert pages >= 5, f"{username} reached only {pages} pages"
    assert not problems, "\n".join(
        f"{problem}  on {', '.join(sorted(screens)[:3])}" for problem, screens in sorted(problems.items())
    )


def test_the_checker_finds_each_kind_of_leak(checker: Checker) -> None:
    page = """<html><head><title>x</title><script>var a = None;</script></head><body>
      <td>None</td><td>Lietas: []</td><select><option value="__None">__None</option></select>
      <td>info_to_vpd</td><p>Statuss: forced_labour</p><p>{'year': 2026}</p>
      <input value="None" placeholder="Hours worked"><td lang="en">Hours worked</td>
      <code>no_show</code><p>Tekstos {client.full_name} tiek aizstāts</p></body></html>"""
    found = checker.problems(visible_text(page))
    text = "\n".join(found)
    assert "Python literal 'None' in 'None'" in text
    assert "'[]'" in text and "'__None'" in text
    assert "enum code 'info_to_vpd'" in text and "enum code 'forced_labour'" in text
    assert "Python literal '{'" in text
    assert "English msgid 'Hours worked'" in text  # the placeholder, not the lang="en" cell
    assert len([f for f in found if "Hours worked" in f]) == 1
    assert "no_show" not in text and "client.full_name" not in text
    assert "var a" not in text
    # Logins of demo users are data: a user named "client" is not the code "client".
    assert checker.problems(["client"], frozenset({"client"})) == []


def test_system_notes_are_in_the_readers_language(demo_app: Flask) -> None:
    """A form version loaded from a shipped file says so in Latvian (it is stored as a marker)."""
    from portal.services.setup import DEMO_PASSWORD

    client = demo_app.test_client()
    client.post("/login/", data={"username": "formadmin", "password": DEMO_PASSWORD})
    page = client.get("/formadmin/form/hours_worked").get_data(as_text=True)
    assert "loaded from" not in page
    assert "Ielādēta no piegādātās datnes hours_worked.json" in page
