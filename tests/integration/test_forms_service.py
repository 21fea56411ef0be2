"""Form definitions and versions (portal.services.intake.forms): loading, drafting, publishing,
retiring, comparing, and refusing what the server cannot enforce.

Everything runs in the test's own transaction (the services only flush), so nothing here is
left behind for other tests; forms get unique keys so that forms other tests committed do not
matter.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from portal.models import Audience, FormDefinition, FormVersion, Submission
from portal.services.access import Role
from portal.services.errors import DomainError, NotFound
from portal.services.intake import forms
from tests.factories import BaseData

FORMDEFS = Path(__file__).resolve().parents[2] / "formdefs"


def textfield(key: str, label: str, **extra: Any) -> dict[str, Any]:
    return {"type": "textfield", "key": key, "label": label, "input": True, **extra}


def schema(key: str, components: list[dict[str, Any]], **plus: Any) -> dict[str, Any]:
    """A definition as the builder writes it, with our ``plus`` block."""
    return {
        "display": "form",
        "components": components,
        "plus": {
            "key": key,
            "audience": plus.pop("audience", "client"),
            "title": {"lv": f"Veidlapa {key}", "en": f"Form {key}"},
            **plus,
        },
    }


@pytest.fixture()
def key(unique: str) -> str:
    return f"t{unique}"


@pytest.fixture()
def form(db_session: Any, key: str) -> FormDefinition:
    """An empty form of the test's own key (no version yet)."""
    return forms.create_form(db_session, key, f"Veidlapa {key}", f"Form {key}", "client", None)


def versions(session: Any, definition: FormDefinition) -> int:
    return session.scalar(
        select(func.count(FormVersion.id)).where(FormVersion.definition_id == definition.id)
    )


# --------------------------------------------------------------------------------------------
# load_forms


def test_load_forms_loads_every_shipped_form_and_is_idempotent(db_session: Any) -> None:
    forms.load_forms(db_session, FORMDEFS)  # loads, or finds them loaded by another test
    before = db_session.scalar(select(func.count(FormVersion.id)))

    assert forms.load_forms(db_session, FORMDEFS) == []
    assert db_session.scalar(select(func.count(FormVersion.id))) == before
    shipped = sorted(p.stem for p in FORMDEFS.glob("*.json"))
    assert len(shipped) >= 15
    for name in shipped:
        found = forms.published(db_session, name)
        assert found is not None, name
        definition, version = found
        assert version.digest == forms.schema_digest(
            json.loads((FORMDEFS / f"{name}.json").read_text())
        )
        assert forms.parsed(version).key == name
    employer = {d.key for d in forms.forms_for_audience(db_session, Audience.EMPLOYER)}
    assert {"hours_worked", "vacancy", "no_show"} <= employer
    assert "change_of_residence" not in employer
    assert {"task_report", "volunteer_monthly_report"} <= {
        d.key for d in forms.forms_for_audience(db_session, "volunteer")}


def test_a_changed_file_becomes_a_new_published_version(
    db_session: Any, key: str, tmp_path: Path
) -> None:
    path = tmp_path / f"{key}.json"
    first = schema(key, [textfield("name", "Vārds")])
    path.write_text(json.dumps(first), encoding="utf-8")
    assert forms.load_forms(db_session, tmp_path) == [key]
    definition, v1 = forms.published(db_session, key)
    assert (v1.number, definition.title_en, definition.audience) == (
        1,
        f"Form {key}",
        Audience.CLIENT,
    )

    # The same content, re-indented, is not a change.
    path.write_text(json.dumps(first, indent=4), encoding="utf-8")
    assert forms.load_forms(db_session, tmp_path) == []

    second = copy.deepcopy(first)
    second["components"][0]["label"] = "Vārds, uzvārds"
    second["plus"]["title"]["en"] = "Renamed form"
    path.write_text(json.dumps(second), encoding="utf-8")
    assert forms.load_forms(db_session, tmp_path) == [key]
    definition, v2 = forms.published(db_session, key)
    assert v2.number == 2 and v2.published_at is not None
    assert definition.title_en == "Renamed form"
    assert v1.schema == first  # the old version is untouched

    # A FormAdmin's later version is not overwritten by reloading an older file.
    v3 = forms.save_draft(db_session, key, schema(key, [textfield("other", "Cits")]), None)
    forms.publish(db_session, v3.id, None)
    assert forms.load_forms(db_session, tmp_path) == []
    path.write_text(json.dumps(first), encoding="utf-8")
    assert forms.load_forms(db_session, tmp_path) == []
    assert forms.published(db_session, key)[1].id == v3.id


def test_load_forms_refuses_a_broken_directory_and_stores_nothing(
    db_session: Any, key: str, tmp_path: Path
) -> None:
    (tmp_path / f"{key}.json").write_text(json.dumps(schema(key, [textfield("a", "A")])))
    (tmp_path / "broken.json").write_text('{"display": "form", "components": [')
    bad = schema("calculated", [textfield("b", "B", calculateValue="value = 1")])
    (tmp_path / "calculated.json").write_text(json.dumps(bad))
    (tmp_path / "misnamed.json").write_text(json.dumps(schema("other", [textfield("c", "C")])))
    with pytest.raises(forms.DefinitionRejected) as info:
        forms.load_forms(db_session, tmp_path)
    problems = info.value.problems
    assert any(p.startswith("broken.json: _form: broken JSON") for p in problems), problems
    assert any(p.startswith("calculated.json: b: a JavaScript calculated value")
               for p in problems), problems
    assert any(p.startswith("misnamed.json: plus: 'key' must be") for p in problems), problems
    assert db_session.scalar(select(FormDefinition).where(FormDefinition.key == key)) is None


# --------------------------------------------------------------------------------------------
# Versions, publishing, retiring


def test_versions_are_immutable_and_submissions_keep_theirs(
    db_session: Any, form: FormDefinition, key: str, base: BaseData
) -> None:
    v1 = forms.save_draft(db_session, key, schema(key, [textfield("name", "Vārds")]), None)
    forms.publish(db_session, v1.id, None)
    submission = Submission(
        version_id=v1.id,
        submitted_by_id=base.users[Role.CLIENT],
        idempotency_key=f"k-{key}",
        audience=Audience.CLIENT,
        data={"name": "Jānis"},
    )
    db_session.add(submission)
    db_session.flush()
    snapshot = copy.deepcopy(v1.schema)

    v2 = forms.save_draft(db_session, key, schema(key, [textfield("name", "Pilns vārds")]), None)
    forms.publish(db_session, v2.id, None)
    db_session.flush()
    db_session.expire_all()
    submission = db_session.get(Submission, submission.id)
    assert submission.version.number == 1
    assert submission.version.schema == snapshot
    assert forms.parsed(submission.version).inputs["name"].label == "Vārds"

    # The content of a stored version cannot be changed, not even by accident.
    v1 = db_session.get(FormVersion, v1.id)
    changed = copy.deepcopy(v1.schema)
    changed["components"][0]["label"] = "Cits"
    v1.schema = changed
    with pytest.raises(DomainError, match="immutable"):
        db_session.flush()
    db_session.rollback()


def test_saving_makes_new_versions_and_unchanged_content_does_not(
    db_session: Any, form: FormDefinition, key: str
) -> None:
    s1 = schema(key, [textfield("name", "Vārds")])
    v1 = forms.save_draft(db_session, key, s1, None)
    assert forms.save_draft(db_session, key, copy.deepcopy(s1), None).id == v1.id
    s1["components"][0]["label"] = "Vārds!"
    v2 = forms.save_draft(db_session, key, s1, None)
    assert (v1.number, v2.number) == (1, 2)
    assert v2.published_at is None
    assert forms.published(db_session, key) is None  # saving is not publishing
    assert forms.parsed(v2) is forms.parsed(v2)  # cached


def test_one_version_is_published_at_a_time(
    db_session: Any, form: FormDefinition, key: str
) -> None:
    v1 = forms.save_draft(db_session, key, schema(key, [textfield("a", "A")]), None)
    v2 = forms.save_draft(db_session, key, schema(key, [textfield("b", "B")]), None)
    forms.publish(db_session, v1.id, None)
    assert forms.published(db_session, key)[1].id == v1.id
    forms.publish(db_session, v2.id, None)
    definition, version = forms.published(db_session, key)
    assert version.id == v2.id and definition.published_version_id == v2.id
    # Going back to an older version is publishing it again.
    forms.publish(db_session, v1.id, None)
    assert forms.published(db_session, key)[1].id == v1.id
    assert versions(db_session, definition) == 2
    with pytest.raises(NotFound):
        forms.publish(db_session, 10**9, None)


def test_retired_and_unpublished_forms_are_not_offered(
    db_session: Any, form: FormDefinition, key: str
) -> None:
    assert forms.published(db_session, key) is None
    assert key not in {d.key for d in forms.forms_for_audience(db_session, "client")}
    version = forms.save_draft(db_session, key, schema(key, [textfield("a", "A")]), None)
    forms.publish(db_session, version.id, None)
    assert key in {d.key for d in forms.forms_for_audience(db_session, "client")}

    forms.retire(db_session, key, None)
    assert forms.published(db_session, key) is None
    assert key not in {d.key for d in forms.forms_for_audience(db_session, "client")}
    assert db_session.get(FormVersion, version.id) is not None  # versions stay

    forms.restore(db_session, key, None)
    assert forms.published(db_session, key)[1].id == version.id
    assert forms.published(db_session, "no_such_form") is None
    with pytest.raises(NotFound):
        forms.retire(db_session, "no_such_form", None)


def test_create_form_refuses_bad_and_duplicate_keys(db_session: Any, form: FormDefinition) -> None:
    with pytest.raises(forms.DefinitionRejected, match="already exists"):
        forms.create_form(db_session, form.key, "A", "B", "client", None)
    with pytest.raises(forms.DefinitionRejected, match="lower-case identifier"):
        forms.create_form(db_session, "Bad Key", "A", "B", "client", None)
    with pytest.raises(forms.DefinitionRejected, match="audience"):
        forms.create_form(db_session, f"{form.key}x", "A", "B", "officers", None)
    with pytest.raises(forms.DefinitionRejected, match="title"):
        forms.create_form(db_session, f"{form.key}y", "", "B", "client", None)


# --------------------------------------------------------------------------------------------
# diff


def test_diff_lists_fields_added_removed_and_changed(
    db_session: Any, form: FormDefinition, key: str
) -> None:
    radio = {
        "type": "radio",
        "key": "declared",
        "label": "Deklarēta?",
        "input": True,
        "values": [{"label": "Jā", "value": "yes"}, {"label": "Nē", "value": "no"}],
    }
    old = schema(
        key,
        [
            textfield("name", "Vārds"),
            textfield("phone", "Tālrunis"),
            radio,
            {
                "type": "panel",
                "key": "box",
                "title": "Panelis",
                "components": [textfield("x", "X")],
            },
        ],
    )
    new = copy.deepcopy(old)
    new["components"][0]["label"] = "Vārds, uzvārds"
    new["components"][0]["validate"] = {"required": True, "maxLength": 80}
    del new["components"][1]
    new["components"][1]["values"].append({"label": "Nezinu", "value": "unknown"})
    new["components"][2]["components"].append(
        textfield("note", "Piezīme", conditional={"show": True, "when": "declared", "eq": "no"})
    )
    new["plus"]["title"]["en"] = "Another title"
    v1 = forms.save_draft(db_session, key, old, None)
    v2 = forms.save_draft(db_session, key, new, None)

    changes = forms.diff(v1, v2)
    assert changes["added"] == [{"key": "note", "label": "Piezīme", "type": "textfield"}]
    assert changes["removed"] == [{"key": "phone", "label": "Tālrunis", "type": "textfield"}]
    by_key = {c["key"]: {ch["aspect"]: ch for ch in c["changes"]} for c in changes["changed"]}
    assert set(by_key) == {"name", "declared"}
    assert by_key["name"]["label"]["before"] == "Vārds"
    assert by_key["name"]["label"]["after"] == "Vārds, uzvārds"
    assert by_key["name"]["validation"]["after"] == {"maxLength": 80, "required": True}
    assert by_key["declared"]["options"]["after"][-1] == "unknown = Nezinu"
    assert [f["aspect"] for f in changes["form"]] == ["title"]
    assert forms.diff(v1, v1) == {
        "added": [], "removed": [], "changed": [], "form": [], "translations": []
    }
    assert forms.previous_version(db_session, v2).id == v1.id
    assert forms.previous_version(db_session, v1) is None


def test_diff_keys_datagrid_columns_by_grid(
    db_session: Any, form: FormDefinition, key: str
) -> None:
    grid = {
        "type": "datagrid",
        "key": "rows",
        "label": "Rindas",
        "input": True,
        "components": [textfield("date", "Datums")],
    }
    v1 = forms.save_draft(db_session, key, schema(key, [grid]), None)
    grid2 = copy.deepcopy(grid)
    grid2["components"].append(textfield("hours", "Stundas"))
    v2 = forms.save_draft(db_session, key, schema(key, [grid2]), None)
    assert [a["key"] for a in forms.diff(v1, v2)["added"]] == ["rows.hours"]


# --------------------------------------------------------------------------------------------
# What save_draft refuses


REFUSED = {
    "custom JS validation": (
        textfield("code", "Kods", validate={"custom": "valid = input === 'x';"}),
        "code: JavaScript validation ('validate.custom') is refused",
    ),
    "calculateValue": (
        textfield("total", "Kopā", calculateValue="value = data.a + data.b;"),
        "total: a JavaScript calculated value ('calculateValue') is refused",
    ),
    "logic": (
        textfield(
            "email2",
            "E-pasts",
            logic=[{"name": "x", "trigger": {"type": "simple"}, "actions": []}],
        ),
        "email2: 'logic' blocks are not supported",
    ),
    "unknown component type": (
        {"type": "signature", "key": "sign", "label": "Paraksts", "input": True},
        "sign: component type 'signature' cannot be enforced",
    ),
    "custom conditional": (
        textfield("later", "Vēlāk", customConditional="show = data.a === 'b';"),
        "later: a JavaScript condition ('customConditional') is refused",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_save_draft_refuses_what_the_server_cannot_enforce(
    db_session: Any, form: FormDefinition, key: str, case: str
) -> None:
    component, expected = REFUSED[case]
    with pytest.raises(forms.DefinitionRejected) as info:
        forms.save_draft(db_session, key, schema(key, [textfield("ok", "Labi"), component]), None)
    assert any(p.startswith(expected) for p in info.value.problems), info.value.problems
    assert versions(db_session, form) == 0
    rows = forms.problems_by_component(info.value.problems)
    assert component["key"] in rows


def test_save_draft_refuses_unknown_mapping_fields(
    db_session: Any, form: FormDefinition, key: str
) -> None:
    intake = [
        {"target": "Client.address", "from": "address"},
        {"target": "Client.shoe_size", "from": "address"},
        {"target": "Spaceship", "fields": {"name": "address"}},
        {"target": "HoursLog", "fields": {"hours": "no_such_component"}},
    ]
    s = schema(key, [textfield("address", "Adrese")], intake=intake)
    with pytest.raises(forms.DefinitionRejected) as info:
        forms.save_draft(db_session, key, s, None)
    problems = info.value.problems
    assert "plus.intake[1]: unknown field Client.shoe_size" in problems
    assert "plus.intake[2]: unknown target model 'Spaceship'" in problems
    assert any(p.startswith("plus.intake[3].fields.hours: unknown source") for p in problems)
    assert not any(p.startswith("plus.intake[0]") for p in problems)
    assert versions(db_session, form) == 0

    s["plus"]["intake"] = intake[:1]
    assert forms.save_draft(db_session, key, s, None).number == 1


def test_save_draft_needs_the_plus_block_of_its_own_form(
    db_session: Any, form: FormDefinition, key: str
) -> None:
    bare = {"display": "form", "components": [textfield("a", "A")]}
    with pytest.raises(forms.DefinitionRejected, match="plus"):
        forms.save_draft(db_session, key, bare, None)
    with pytest.raises(forms.DefinitionRejected, match="'key' must be"):
        forms.save_draft(db_session, key, schema("someone_else", [textfield("a", "A")]), None)
    with pytest.raises(forms.DefinitionRejected):
        forms.save_draft(db_session, key, ["not", "an", "object"], None)  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        forms.save_draft(db_session, "no_such_form", schema("no_such_form", []), None)

    # The admin screens add the block a builder-made schema lacks, from the form's row.
    filled = forms.with_plus_block(bare, form)
    assert filled["plus"]["key"] == key and filled["plus"]["title"]["en"] == f"Form {key}"
    assert forms.save_draft(db_session, key, filled, None).number == 1
    assert versions(db_session, form) == 1


def test_with_plus_block_keeps_the_mapping_of_the_previous_version(
    db_session: Any, form: FormDefinition, key: str
) -> None:
    intake = [{"target": "Client.address", "from": "address"}]
    s = schema(key, [textfield("address", "Adrese")], intake=intake)
    s["i18n"] = {"en": {"Adrese": "Address"}}
    forms.save_draft(db_session, key, s, None)
    db_session.refresh(form)
    exported = {"display": "form", "components": [textfield("address", "Adrese")]}
    filled = forms.with_plus_block(exported, form)
    assert filled["plus"]["intake"] == intake
    assert filled["i18n"] == {"en": {"Adrese": "Address"}}


@pytest.mark.parametrize(
    "text, expected",
    [
        ('{"display": "form", "components": [', "_form: broken JSON at line 1"),
        ("[1, 2]", "_form: a definition must be a JSON object"),
        (b"\xff\xfe{}", "_form: the file is not UTF-8 text"),
        ("", "_form: broken JSON"),
    ],
)
def test_importing_broken_json_is_refused(text: str | bytes, expected: str) -> None:
    with pytest.raises(forms.DefinitionRejected) as info:
        forms.parse_json_text(text)
    assert info.value.problems[0].startswith(expected)


def test_known_fields_come_from_the_model() -> None:
    fields = forms.known_fields()
    assert {"address", "phone"} <= fields["Client"]
    assert {"assignment_id", "work_date", "hours"} <= fields["HoursLog"]


def test_a_copy_of_a_shipped_form_loads_under_its_own_key(tmp_path: Path, db_session: Any) -> None:
    # Guard for the loader's rule that the key is the file name.
    shutil.copy(FORMDEFS / "vacancy.json", tmp_path / "vacancy.json")
    forms.load_forms(db_session, tmp_path)
    assert forms.published(db_session, "vacancy") is not None
