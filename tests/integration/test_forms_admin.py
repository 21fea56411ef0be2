"""The FormAdmin screens over HTTP: who reaches them, and save / publish / import / export.

Each test works on a form of its own (unique key), created and committed here.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.models import FormDefinition, FormVersion
from portal.services.access import Role
from portal.services.intake import forms


def textfield(key: str, label: str, **extra: Any) -> dict[str, Any]:
    return {"type": "textfield", "key": key, "label": label, "input": True, **extra}


def builder_schema(*components: dict[str, Any]) -> dict[str, Any]:
    """What the builder writes: no ``plus`` block (the screen adds the form's own)."""
    return {"display": "form", "components": list(components)}


@pytest.fixture()
def form_key(app: Flask, unique: str) -> str:
    """A committed form with two versions, the first one published."""
    key = f"adm{unique}"
    with app.app_context():
        from portal.extensions import db

        definition = forms.create_form(db.session, key, "Pārbaude", "Check", "employer", None)
        v1 = forms.save_draft(
            db.session,
            key,
            forms.with_plus_block(builder_schema(textfield("a", "A")), definition),
            None,
        )
        forms.publish(db.session, v1.id, None)
        forms.save_draft(
            db.session,
            key,
            forms.with_plus_block(
                builder_schema(textfield("a", "A2"), textfield("b", "B")), definition
            ),
            None,
        )
        db.session.commit()
    return key


def count_versions(app: Flask, key: str) -> int:
    with app.app_context():
        from portal.extensions import db

        return db.session.scalar(
            select(func.count(FormVersion.id))
            .join(FormDefinition, FormDefinition.id == FormVersion.definition_id)
            .where(FormDefinition.key == key)
        )


def published_number(app: Flask, key: str) -> int | None:
    with app.app_context():
        from portal.extensions import db

        found = forms.published(db.session, key)
        return found[1].number if found else None


def pages(key: str) -> list[str]:
    return [
        "/formadmin/",
        "/formadmin/new",
        f"/formadmin/form/{key}",
        f"/formadmin/form/{key}/version/2/diff",
        f"/formadmin/form/{key}/builder",
        f"/formadmin/form/{key}/export",
    ]


# --------------------------------------------------------------------------------------------
# Who reaches the screens


@pytest.mark.parametrize("role", [Role.FORM_ADMIN, Role.ADMIN])
def test_form_admins_reach_every_screen(
    login_as: Callable[[str], FlaskClient], form_key: str, role: str
) -> None:
    c = login_as(role)
    for url in pages(form_key):
        resp = c.get(url)
        assert resp.status_code == 200, (url, resp.status_code)
    listing = c.get("/formadmin/").get_data(as_text=True)
    assert form_key in listing and "Pārbaude" in listing
    menu = c.get("/formadmin/").get_data(as_text=True)
    assert 'href="/formadmin/"' in menu


@pytest.mark.parametrize(
    "role",
    [Role.OFFICER, Role.UNIT_MANAGER, Role.ANALYST, Role.EMPLOYER, Role.VOLUNTEER, Role.CLIENT],
)
def test_other_roles_are_refused(
    app: Flask, login_as: Callable[[str], FlaskClient], form_key: str, role: str
) -> None:
    c = login_as(role)
    for url in pages(form_key):
        resp = c.get(url)
        assert resp.status_code in (302, 403), (url, resp.status_code)
    before = count_versions(app, form_key)
    writes = [
        (
            f"/formadmin/form/{form_key}/save",
            {"json": {"schema": builder_schema(), "publish": True}},
        ),
        (f"/formadmin/form/{form_key}/version/2/publish", {}),
        (f"/formadmin/form/{form_key}/retire", {}),
        (
            "/formadmin/new",
            {
                "data": {
                    "key": "x" + form_key,
                    "title_lv": "a",
                    "title_en": "b",
                    "audience": "client",
                }
            },
        ),
        (
            f"/formadmin/form/{form_key}/import",
            {"data": {"file": (io.BytesIO(b'{"components": []}'), "x.json")}},
        ),
    ]
    for url, kwargs in writes:
        resp = c.post(url, **kwargs)
        assert resp.status_code in (302, 403), (url, resp.status_code)
    assert count_versions(app, form_key) == before
    assert published_number(app, form_key) == 1
    with app.app_context():
        from portal.extensions import db

        assert forms.published(db.session, form_key) is not None  # not retired
        assert (
            db.session.scalar(select(FormDefinition).where(FormDefinition.key == "x" + form_key))
            is None
        )


def test_anonymous_visitors_are_sent_to_the_login(client: FlaskClient, form_key: str) -> None:
    for url in pages(form_key):
        resp = client.get(url)
        assert resp.status_code in (302, 401, 403), url
        if resp.status_code == 302:
            assert "/login" in resp.headers["Location"]


# --------------------------------------------------------------------------------------------
# Screens


def test_list_detail_and_diff_pages(login_as: Callable[[str], FlaskClient], form_key: str) -> None:
    c = login_as(Role.FORM_ADMIN)
    detail = c.get(f"/formadmin/form/{form_key}").get_data(as_text=True)
    assert 'data-version="1"' in detail and 'data-version="2"' in detail
    assert f"/formadmin/form/{form_key}/version/2/diff" in detail
    diff = c.get(f"/formadmin/form/{form_key}/version/2/diff").get_data(as_text=True)
    added = diff[diff.index('id="added"') :]
    assert "<code>b</code>" in added
    changed = diff[diff.index('id="changed"') :]
    assert "<code>a</code>" in changed and "A2" in changed
    first = c.get(f"/formadmin/form/{form_key}/version/1/diff")
    assert first.status_code == 200
    assert c.get(f"/formadmin/form/{form_key}/version/9/diff").status_code == 404
    assert c.get("/formadmin/form/no_such_form").status_code == 404


def test_builder_page_loads_everything_locally(
    login_as: Callable[[str], FlaskClient], form_key: str
) -> None:
    c = login_as(Role.FORM_ADMIN)
    page = c.get(f"/formadmin/form/{form_key}/builder").get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(s.endswith("vendor/formio/formio.full.min.js") for s in sources)
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))]
    config = json.loads(
        re.search(
            r'<script type="application/json" id="builder-config">(.*?)</script>', page, re.S
        ).group(1)
    )
    assert config["key"] == form_key
    assert config["schema"]["plus"]["key"] == form_key  # the block the builder does not know
    assert "signature" not in config["types"] and "textfield" in config["types"]
    assert "HoursLog" in {r["name"] for r in config["records"]}
    for asset in (
        "/static/vendor/formio/formio.full.min.js",
        "/static/vendor/formio/formio.full.min.css",
        "/static/vendor/formio/fonts/bootstrap-icons.woff2",
        "/static/vendor/bootstrap/bootstrap.min.css",
        "/static/vendor/formio-cdn/ace/ace.js",
        "/static/vendor/formio-cdn/flatpickr-formio/flatpickr.min.js",
        "/static/forms_admin/builder.js",
        "/static/formio_local.js",
    ):
        resp = c.get(asset)
        assert resp.status_code == 200, asset
        resp.close()


def test_create_a_new_form(app: Flask, login_as: Callable[[str], FlaskClient], unique: str) -> None:
    c = login_as(Role.FORM_ADMIN)
    key = f"new{unique}"
    data = {"key": key, "title_lv": "Jauna", "title_en": "New", "audience": "volunteer"}
    resp = c.post("/formadmin/new", data=data)
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/formadmin/form/{key}/builder")
    assert c.get(f"/formadmin/form/{key}/builder").status_code == 200
    assert count_versions(app, key) == 0 and published_number(app, key) is None

    again = c.post("/formadmin/new", data=data)
    assert again.status_code == 422 and "already exists" in again.get_data(as_text=True)
    bad = c.post("/formadmin/new", data={**data, "key": "Has Spaces"})
    assert bad.status_code == 422


# --------------------------------------------------------------------------------------------
# Save, publish, retire


def test_save_and_publish_through_the_json_endpoint(
    app: Flask, login_as: Callable[[str], FlaskClient], form_key: str
) -> None:
    c = login_as(Role.FORM_ADMIN)
    url = f"/formadmin/form/{form_key}/save"
    resp = c.post(url, json={"schema": builder_schema(textfield("c", "C"))})
    assert resp.status_code == 201, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["version"] == 3 and body["published"] is False
    assert published_number(app, form_key) == 1

    resp = c.post(url, json={"schema": builder_schema(textfield("d", "D")), "publish": True})
    assert resp.status_code == 201
    assert resp.get_json()["published"] is True
    assert published_number(app, form_key) == 4
    with app.app_context():
        from portal.extensions import db

        definition, version = forms.published(db.session, form_key)
        assert version.created_by.username == "t_formadmin"
        # The plus block came from the form (the builder does not write it).
        assert version.schema["plus"]["audience"] == "employer"


def test_refused_definitions_come_back_per_component(
    app: Flask, login_as: Callable[[str], FlaskClient], form_key: str
) -> None:
    c = login_as(Role.FORM_ADMIN)
    before = count_versions(app, form_key)
    schema = builder_schema(
        textfield("fine", "Labi"),
        textfield("calc", "Aprēķins", calculateValue="value = 2"),
        {"type": "signature", "key": "sign", "label": "Paraksts", "input": True},
    )
    resp = c.post(f"/formadmin/form/{form_key}/save", json={"schema": schema, "publish": True})
    assert resp.status_code == 422
    rows = {row["component"]: row for row in resp.get_json()["problems"]}
    assert set(rows) == {"calc", "sign"}
    assert "calculateValue" in rows["calc"]["messages"][0]
    assert "calc" in rows["calc"]["name"]

    mapped = builder_schema(textfield("addr", "Adrese"))
    mapped["plus"] = {
        "key": form_key,
        "audience": "employer",
        "title": {"lv": "Pārbaude", "en": "Check"},
        "intake": [{"target": "Client.no_such_field", "from": "addr"}],
    }
    resp = c.post(f"/formadmin/form/{form_key}/save", json={"schema": mapped})
    assert resp.status_code == 422
    rows = resp.get_json()["problems"]
    assert rows[0]["component"] == "plus.intake[0]"
    assert "Client.no_such_field" in rows[0]["messages"][0]

    assert c.post(f"/formadmin/form/{form_key}/save", json=["x"]).status_code == 400
    assert c.post(f"/formadmin/form/{form_key}/save", json={"schema": "x"}).status_code == 422
    assert c.post("/formadmin/form/no_such_form/save", json={"schema": {}}).status_code == 404
    assert count_versions(app, form_key) == before
    assert published_number(app, form_key) == 1


def test_publish_retire_and_restore_from_the_detail_page(
    app: Flask, login_as: Callable[[str], FlaskClient], form_key: str
) -> None:
    c = login_as(Role.FORM_ADMIN)
    resp = c.post(f"/formadmin/form/{form_key}/version/2/publish")
    assert resp.status_code == 302
    assert published_number(app, form_key) == 2
    assert c.post(f"/formadmin/form/{form_key}/version/7/publish").status_code == 404

    c.post(f"/formadmin/form/{form_key}/retire")
    assert published_number(app, form_key) is None
    page = c.get(f"/formadmin/form/{form_key}").get_data(as_text=True)
    assert f"/formadmin/form/{form_key}/restore" in page
    c.post(f"/formadmin/form/{form_key}/restore")
    assert published_number(app, form_key) == 2


# --------------------------------------------------------------------------------------------
# Import and export


def upload(c: FlaskClient, key: str, content: bytes, name: str = "form.json") -> Any:
    return c.post(
        f"/formadmin/form/{key}/import",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_import_stores_a_new_unpublished_version(
    app: Flask, login_as: Callable[[str], FlaskClient], form_key: str
) -> None:
    c = login_as(Role.FORM_ADMIN)
    content = json.dumps(builder_schema(textfield("imported", "Importēts"))).encode()
    resp = upload(c, form_key, content)
    assert resp.status_code == 200
    assert count_versions(app, form_key) == 3
    assert published_number(app, form_key) == 1
    with app.app_context():
        from portal.extensions import db

        version = db.session.scalar(
            select(FormVersion)
            .join(FormDefinition, FormDefinition.id == FormVersion.definition_id)
            .where(FormDefinition.key == form_key, FormVersion.number == 3)
        )
        assert version.note == "imported form.json"
        assert version.schema["components"][0]["key"] == "imported"


@pytest.mark.parametrize(
    "content",
    [
        b'{"display": "form", "components": [',
        b"not json at all",
        b"[]",
        b"\xff\xfe\x00",
        json.dumps(builder_schema(textfield("x", "X", logic=[{"name": "l"}]))).encode(),
    ],
)
def test_import_of_broken_json_stores_nothing(
    app: Flask, login_as: Callable[[str], FlaskClient], form_key: str, content: bytes
) -> None:
    c = login_as(Role.FORM_ADMIN)
    resp = upload(c, form_key, content)
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "alert-danger" in page
    assert count_versions(app, form_key) == 2
    assert published_number(app, form_key) == 1


def test_import_without_a_file_is_refused(
    app: Flask, login_as: Callable[[str], FlaskClient], form_key: str
) -> None:
    c = login_as(Role.FORM_ADMIN)
    resp = c.post(f"/formadmin/form/{form_key}/import", data={}, follow_redirects=True)
    assert resp.status_code == 200 and "alert-danger" in resp.get_data(as_text=True)
    assert count_versions(app, form_key) == 2


def test_export_downloads_the_version_json(
    app: Flask, login_as: Callable[[str], FlaskClient], form_key: str
) -> None:
    c = login_as(Role.FORM_ADMIN)
    resp = c.get(f"/formadmin/form/{form_key}/export")
    assert resp.status_code == 200
    assert resp.headers["Content-Disposition"] == f'attachment; filename="{form_key}-v1.json"'
    exported = json.loads(resp.get_data(as_text=True))
    assert exported["plus"]["key"] == form_key
    assert [comp["key"] for comp in exported["components"]] == ["a"]
    second = c.get(f"/formadmin/form/{form_key}/export?version=2")
    assert [comp["key"] for comp in second.get_json()["components"]] == ["a", "b"]
    assert c.get(f"/formadmin/form/{form_key}/export?version=5").status_code == 404

    # What is exported imports again (unchanged content: no new version).
    upload(c, form_key, second.get_data())
    assert count_versions(app, form_key) == 2


def test_json_save_needs_the_csrf_token(
    app: Flask, login_as: Callable[[str], FlaskClient], form_key: str
) -> None:
    c = login_as(Role.FORM_ADMIN)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        resp = c.post(f"/formadmin/form/{form_key}/save", json={"schema": builder_schema()})
        assert resp.status_code == 400
        page = c.get(f"/formadmin/form/{form_key}/builder").get_data(as_text=True)
        token = json.loads(re.search(r'id="builder-config">(.*?)</script>', page, re.S).group(1))[
            "csrfToken"
        ]
        resp = c.post(
            f"/formadmin/form/{form_key}/save",
            json={"schema": builder_schema(textfield("z", "Z"))},
            headers={"X-CSRFToken": token},
        )
        assert resp.status_code == 201
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
