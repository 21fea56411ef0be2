"""The per-role memo of menu and view rights must not carry one user's rights to another."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask.testing import FlaskClient

from portal.services.access import Role

_HREF = re.compile(r'href="(/[a-z_]+view/list/|/users/list/|/[a-z_]+/)"')


def _menu(client: FlaskClient) -> frozenset[str]:
    html = client.get("/search/").get_data(as_text=True)
    nav = html.split("</nav>", 1)[0]
    return frozenset(_HREF.findall(nav))


def test_two_roles_alternating_on_one_worker_keep_their_own_rights(
        login_as: Callable[[str], FlaskClient]) -> None:
    officer, admin, manager = (login_as(r) for r in (Role.OFFICER, Role.ADMIN, Role.UNIT_MANAGER))
    first = {name: _menu(c) for name, c in
             (("officer", officer), ("admin", admin), ("manager", manager))}
    assert "/users/list/" in first["admin"]
    assert "/users/list/" not in first["officer"]
    assert first["officer"] != first["admin"]
    for _ in range(3):
        # The admin's rights are remembered first; the officer's must still be refused.
        assert _menu(admin) == first["admin"]
        assert officer.get("/users/list/").status_code != 200
        assert _menu(officer) == first["officer"]
        assert _menu(manager) == first["manager"]
        assert admin.get("/users/list/").status_code == 200
