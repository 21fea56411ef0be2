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


def test_the_frame_links_every_stylesheet_and_script_of_fabs_init_template() -> None:
    """portal.views.frame prints FAB's static links itself: an upgrade of FAB that changes
    them must show here, not as a page without its stylesheet."""
    from pathlib import Path

    import flask_appbuilder

    from portal.views import frame

    init = (Path(flask_appbuilder.__file__).parent / "templates/appbuilder/init.html").read_text()
    blocks = {name: init.split(f"{{% block {name} %}}", 1)[1].split("{% endblock %}", 1)[0]
              for name in ("head_css", "head_js", "tail_js")}
    files = {name: re.findall(r"filename='([^']+)'", text) for name, text in blocks.items()}
    # The theme's link is the one conditional link ('css/themes/' + the theme's file).
    assert [("{theme}" if f == "css/themes/" else f) for f in files["head_css"]] == list(
        frame.FAB_CSS)
    assert files["head_js"] == list(frame.FAB_HEAD_JS)
    assert files["tail_js"] == list(frame.FAB_TAIL_JS)


def test_every_script_of_the_frame_carries_this_responses_nonce(
        login_as: Callable[[str], FlaskClient]) -> None:
    officer = login_as(Role.OFFICER)
    seen = set()
    for _ in range(2):
        resp = officer.get("/search/")
        nonce = re.search(r"'nonce-([^']+)'", resp.headers["Content-Security-Policy"]).group(1)
        html = resp.get_data(as_text=True)
        scripts = re.findall(r'<script src="[^"]+" nonce="([^"]*)"', html)
        assert len(scripts) >= 7 and set(scripts) == {nonce}
        assert "\x00" not in html and "plus.css" in html and "bootstrap.min.css" in html
        seen.add(nonce)
    assert len(seen) == 2  # a fresh nonce per response, not the cached one
