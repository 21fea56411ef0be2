"""The FormAdmin screens name things for the reader: the builder's data mapping shows records
and fields by their names in the UI's language (the stored mapping keeps the code names), and
the version difference lists which translated texts changed."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.services.access import Role
from portal.services.intake import forms
from portal.services.intake.form_diff import translation_changes

INTAKE = [
    {"target": "Client.address", "from": "addr", "mode": "propose"},
    {
        "target": "HoursLog",
        "each": "rows",
        "fields": {"assignment_id": "who", "work_date": "day", "hours": "hours"},
    },
]


def _schema(key: str, i18n: dict[str, Any]) -> dict[str, Any]:
    return {
        "display": "form",
        "components": [
            {"type": "textfield", "key": "addr", "label": "Adrese", "input": True},
            {
                "type": "datagrid", "key": "rows", "label": "Rindas", "input": True,
                "components": [
                    {"type": "textfield", "key": "who", "label": "Kas", "input": True},
                    {"type": "textfield", "key": "day", "label": "Datums", "input": True},
                    {"type": "number", "key": "hours", "label": "Stundas", "input": True},
                ],
            },
        ],
        "i18n": i18n,
        "plus": {
            "key": key,
            "audience": "employer",
            "title": {"lv": "Nosaukumi", "en": "Names"},
            "intake": INTAKE,
        },
    }


V1_EN = {"Adrese": "Address", "Kas": "Who", "Datums": "Date", "Rindas": "Rows"}
V2_EN = {"Adrese": "Postal address", "Kas": "Who", "Stundas": "Hours", "Rindas": "Rows"}


@pytest.fixture()
def named_form(app: Flask, unique: str) -> str:
    """A form mapping into Client and HoursLog, in two versions whose English texts differ."""
    key = f"names{unique}"
    with app.app_context():
        from portal.extensions import db

        forms.create_form(db.session, key, "Nosaukumi", "Names", "employer", None)
        forms.save_draft(db.session, key, _schema(key, {"en": V1_EN}), None)
        forms.save_draft(db.session, key, _schema(key, {"en": V2_EN}), None)
        db.session.commit()
    return key


def _config(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="builder-config">(.*?)</script>',
                      page, re.S)
    assert found is not None
    return json.loads(found.group(1))


def _records(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["name"]: {"label": r["label"], "fields": {f["name"]: f["label"] for f in r["fields"]}}
            for r in config["records"]}


@pytest.mark.parametrize(
    ("lang", "names"),
    [
        ("lv", {"HoursLog": "Nostrādātās stundas", "Client": "Probācijas klients",
                ("HoursLog", "assignment_id"): "Norīkojums", ("Client", "address"): "Adrese"}),
        ("en", {"HoursLog": "Hours worked", "Client": "Client",
                ("HoursLog", "assignment_id"): "Work assignment", ("Client", "address"): "Address"}),
    ],
)
def test_the_mapping_tab_names_records_and_fields_in_the_ui_language(
    login_as: Callable[[str], FlaskClient], named_form: str, lang: str, names: dict[Any, str]
) -> None:
    c = login_as(Role.FORM_ADMIN)
    c.get(f"/lang/{lang}")
    page = c.get(f"/formadmin/form/{named_form}/builder").get_data(as_text=True)
    config = _config(page)
    records = _records(config)
    for name, label in names.items():
        if isinstance(name, tuple):
            assert records[name[0]]["fields"][name[1]] == label, name
        else:
            assert records[name]["label"] == label, name
    # System tables are not offered; fields the system fills are not offered.
    assert not {"Permission", "AccessLog", "ChangeLog", "Submission"} & set(records)
    assert "id" not in records["HoursLog"]["fields"]
    assert "created_at" not in records["HoursLog"]["fields"]
    # Sorted as the reader reads them.
    labels = [r["label"] for r in config["records"]]
    assert labels == sorted(labels, key=forms._sort_key)
    # The mapping itself stays in code names.
    assert config["schema"]["plus"]["intake"] == INTAKE
    # The mapping tab's own words are in the UI language.
    texts = config["texts"]
    if lang == "lv":
        assert texts["record"] == "Ieraksts" and texts["recordField"] == "Ieraksta lauks"
        assert "HoursLog" not in texts["targetModel"]
    else:
        assert texts["record"] == "Record" and texts["recordField"] == "Field of the record"


def test_every_offered_field_has_a_name_of_its_own(app: Flask) -> None:
    """No record or field of the picker falls back to its code spelled out in English."""
    from portal.record_labels import has_field_label

    with app.test_request_context("/"):
        missing = [
            f"{record['name']}.{field['name']}"
            for record in forms.mapping_names()
            for field in record["fields"]
            if not has_field_label(record["name"], field["name"])
        ]
    assert not missing, missing


def test_saving_from_the_builder_keeps_the_code_names(
    app: Flask, login_as: Callable[[str], FlaskClient], named_form: str
) -> None:
    c = login_as(Role.FORM_ADMIN)
    c.get("/lang/lv")
    page = c.get(f"/formadmin/form/{named_form}/builder").get_data(as_text=True)
    schema = _config(page)["schema"]
    resp = c.post(f"/formadmin/form/{named_form}/save", json={"schema": schema})
    assert resp.status_code == 201, resp.get_json()
    with app.app_context():
        from portal.extensions import db
        from portal.models import FormDefinition

        definition = db.session.query(FormDefinition).filter_by(key=named_form).one()
        assert definition.versions[-1].schema["plus"]["intake"] == INTAKE


def test_translation_changes_language_by_language() -> None:
    old = {"en": V1_EN, "ru": {"Adrese": "Адрес"}}
    new = {"en": V2_EN}
    changes = translation_changes(old, new)
    assert [c["language"] for c in changes] == ["en", "ru"]
    en, ru = changes
    assert en["changed"] == [{"source": "Adrese", "before": "Address", "after": "Postal address"}]
    assert en["added"] == [{"source": "Stundas", "after": "Hours"}]
    assert en["removed"] == [{"source": "Datums", "before": "Date"}]
    assert ru == {"language": "ru", "added": [], "changed": [],
                  "removed": [{"source": "Adrese", "before": "Адрес"}]}
    assert translation_changes({"en": V1_EN}, {"en": dict(V1_EN)}) == []
    assert translation_changes(None, {"en": {"Jā": "Yes"}})[0]["added"] == [
        {"source": "Jā", "after": "Yes"}
    ]
    assert translation_changes("broken", []) == []


def _rows(page: str, table_id: str) -> list[list[str]]:
    table = page[page.index(f'id="{table_id}"'):]
    table = table[: table.index("</table>")]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr class=\"translation-[a-z]+\">(.*?)</tr>", table, re.S)
    ]


def test_the_diff_lists_the_changed_translations(
    login_as: Callable[[str], FlaskClient], named_form: str
) -> None:
    c = login_as(Role.FORM_ADMIN)
    c.get("/lang/lv")
    page = c.get(f"/formadmin/form/{named_form}/version/2/diff").get_data(as_text=True)
    assert "Tulkojumu izmaiņas: Angļu" in page
    assert "Teksts latviski" in page and "Iepriekš" in page
    rows = _rows(page, "translations-en")
    assert ["Mainīts", "Adrese", "Address", "Postal address"] in rows
    assert ["Pievienots", "Stundas", "—", "Hours"] in rows
    assert ["Noņemts", "Datums", "Date", "—"] in rows
    assert not [r for r in rows if r[1] in ("Kas", "Rindas")]  # unchanged texts are not listed
    assert "The translations differ" not in page
    # The English texts are marked as English (for screen readers and the lv raw-value test).
    assert '<td lang="en"><ins>Postal address</ins></td>' in page

    c.get("/lang/en")
    page = c.get(f"/formadmin/form/{named_form}/version/2/diff").get_data(as_text=True)
    assert "Translation changes: English" in page
    assert ["Changed", "Adrese", "Address", "Postal address"] in _rows(page, "translations-en")

    # Compared with itself: nothing changed, no translation table.
    same = c.get(f"/formadmin/form/{named_form}/version/2/diff?against=2").get_data(as_text=True)
    assert 'id="translations-en"' not in same and 'id="no-changes"' in same
