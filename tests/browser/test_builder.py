"""A FormAdmin adds a field in the Form.io builder and publishes a new version (real Chromium).

The field is dragged from the builder's sidebar with the mouse (Playwright's ``drag_to``),
as a FormAdmin does it; nothing may be fetched from any host but the PLUS server.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask

from portal.services.access import Role
from portal.services.intake import forms
from tests.browser.conftest import portal_login

LABEL = "Piezīmes par pārbaudi"


@pytest.fixture()
def form_key(app: Flask, unique: str) -> str:
    """A published form of its own (so other tests' forms are not touched)."""
    key = f"brw{unique}"
    with app.app_context():
        from portal.extensions import db

        definition = forms.create_form(
            db.session, key, "Pārbaudes veidlapa", "Test form", "client", None
        )
        schema = forms.with_plus_block(
            {
                "display": "form",
                "components": [
                    {
                        "type": "textfield",
                        "key": "name",
                        "label": "Vārds",
                        "input": True,
                        "validate": {"required": True},
                    },
                    {
                        # A date picker: @formio/js loads flatpickr and zone data at run time.
                        "type": "datetime",
                        "key": "when",
                        "label": "Datums",
                        "input": True,
                        "enableTime": False,
                        "format": "dd.MM.yyyy",
                    },
                    {
                        "type": "button",
                        "key": "submit",
                        "label": "Iesniegt",
                        "action": "submit",
                        "input": True,
                    },
                ],
            },
            definition,
        )
        forms.publish(db.session, forms.save_draft(db.session, key, schema, None).id, None)
        db.session.commit()
    return key


def test_form_admin_adds_a_field_and_publishes_a_new_version(
    app: Flask,
    browser_page: Any,
    form_key: str,
    external_requests: list[str],
    console_errors: list[str],
) -> None:
    page = browser_page
    portal_login(page, Role.FORM_ADMIN)
    page.goto(f"/formadmin/form/{form_key}")
    page.click("#open-builder")
    page.wait_for_selector("body[data-builder-ready=true]")

    # Drag a text field from the sidebar into the form.
    source = page.locator("[ref=sidebar-component][data-type=textfield]").first
    target = page.locator(".formarea .builder-components.drag-container").first
    source.drag_to(target)
    label = page.locator(".component-edit-container input[name='data[label]']")
    label.wait_for()
    label.fill(LABEL)
    page.click(".component-edit-container [ref=saveButton]")
    page.wait_for_selector(".component-edit-container", state="detached")
    assert page.locator(".formarea").get_by_text(LABEL).count() >= 1

    # The preview renders it with our vendored renderer.
    page.click("#tab-preview")
    page.locator("#preview").get_by_text(LABEL).wait_for()
    page.wait_for_function("() => !!window.flatpickr")  # the date picker, from our copy
    page.click("#tab-fields")

    page.click("#save")
    page.wait_for_selector("#status[data-version='2'][data-published='false']")
    with app.app_context():
        from portal.extensions import db

        assert forms.published(db.session, form_key)[1].number == 1  # saved, not published

    page.click("#publish")
    page.wait_for_selector("#status[data-version='2'][data-published='true']")

    with app.app_context():
        from portal.extensions import db

        definition, version = forms.published(db.session, form_key)
        assert version.number == 2 and version.published_at is not None
        added = [c for c in version.schema["components"] if c.get("label") == LABEL]
        assert len(added) == 1 and added[0]["type"] == "textfield"
        assert version.schema["plus"]["key"] == form_key
        assert version.created_by.username == "t_formadmin"
        assert [a["label"] for a in forms.diff(definition.versions[0], version)["added"]] == [LABEL]

    page.goto(f"/formadmin/form/{form_key}")
    assert page.inner_text("#published-version").strip() == "2"
    assert external_requests == []
    assert not [e for e in console_errors if "Failed to load resource" in e], console_errors


def test_a_refused_definition_shows_the_component_at_fault(
    app: Flask, browser_page: Any, form_key: str, external_requests: list[str]
) -> None:
    page = browser_page
    portal_login(page, Role.FORM_ADMIN)
    page.goto(f"/formadmin/form/{form_key}/builder")
    page.wait_for_selector("body[data-builder-ready=true]")
    # A definition from elsewhere with logic the server cannot enforce, loaded by Import.
    bad = {
        "display": "form",
        "components": [
            {
                "type": "textfield",
                "key": "total",
                "label": "Kopā",
                "input": True,
                "calculateValue": "value = 1",
            },
        ],
    }
    page.set_input_files(
        "#import-file",
        files=[
            {"name": "bad.json", "mimeType": "application/json", "buffer": json.dumps(bad).encode()}
        ],
    )
    page.wait_for_selector("#status:not(.d-none)")
    page.click("#save")
    problems = page.locator("#problems")
    problems.wait_for(state="visible")
    assert page.locator("#problems-list li[data-component=total]").count() == 1
    assert "calculateValue" in page.inner_text("#problems-list")

    # Broken JSON is refused in the page; nothing reaches the server.
    page.set_input_files(
        "#import-file",
        files=[{"name": "broken.json", "mimeType": "application/json", "buffer": b"{oops"}],
    )
    page.wait_for_selector("#problems-list li[data-component=_form]")
    with app.app_context():
        from portal.extensions import db

        definition, version = forms.published(db.session, form_key)
        assert version.number == 1 and len(definition.versions) == 1
    assert external_requests == []


def test_the_data_mapping_tab_names_records_and_fields_in_latvian(
    app: Flask, browser_page: Any, form_key: str, console_errors: list[str]
) -> None:
    """The mapping is chosen by the Latvian names of records and fields; it stores the codes."""
    page = browser_page
    portal_login(page, Role.FORM_ADMIN)
    page.goto("/lang/lv")
    page.goto(f"/formadmin/form/{form_key}/builder")
    page.wait_for_selector("body[data-builder-ready=true]")
    assert page.locator(".builder-sidebar_search").get_attribute("placeholder") == "Meklēt laukus"
    page.click("#tab-mapping")
    page.click("#add-update")
    entry = page.locator(".mapping-entry").first
    record, field, component = (entry.locator("select").nth(i) for i in range(3))
    assert "Probācijas klients" in record.locator("option").all_inner_texts()
    assert "Client" not in record.locator("option").all_inner_texts()
    record.select_option(label="Probācijas klients")
    entry = page.locator(".mapping-entry").first  # drawn again with the record's fields
    field = entry.locator("select").nth(1)
    assert "Adrese" in field.locator("option").all_inner_texts()
    field.select_option(label="Adrese")
    entry = page.locator(".mapping-entry").first
    entry.locator("select").nth(2).select_option("name")
    assert "Probācijas klients — Adrese" in entry.locator("h2").inner_text()

    page.click("#add-record")
    second = page.locator(".mapping-entry").nth(1)
    second.locator("select").first.select_option(label="Nostrādātās stundas")
    second = page.locator(".mapping-entry").nth(1)
    second.get_by_role("button", name="Pievienot lauku").click()
    second = page.locator(".mapping-entry").nth(1)
    second.locator("select").nth(2).select_option(label="Norīkojums")
    second = page.locator(".mapping-entry").nth(1)
    assert "Norīkojums" in second.locator("select").nth(2).evaluate(
        "s => s.options[s.selectedIndex].text")

    mapping = json.loads(page.locator("#mapping-json").input_value())
    assert mapping == [
        {"target": "Client.address", "from": "name", "mode": "propose"},
        {"target": "HoursLog", "fields": {"assignment_id": ""}},
    ]
    assert not console_errors
