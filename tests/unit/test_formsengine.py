"""The server-side Form.io engine: definitions, validation, languages and shipped forms."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.formsengine import (
    DefinitionError,
    FormDefinition,
    MissingOptionsError,
    ValidationResult,
    check_mapping,
    fill_options,
    load_definition,
    normalize_locale,
    renderer_i18n,
    translate,
    validate_submission,
)
from portal.formsengine.schema import SUPPORTED_TYPES

FORMDEFS = Path(__file__).resolve().parents[2] / "formdefs"
SHIPPED = sorted(FORMDEFS.glob("*.json"))
CLIENTS = {"linked_clients": [("11", "Jānis Bērziņš"), ("12", "Anna Kalniņa")]}


# --------------------------------------------------------------------------------------------
# Helpers


def form(*components: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"display": "form", "components": list(components), **top}


def comp(ctype: str, key: str, label: str | None = None, **kw: Any) -> dict[str, Any]:
    return {"type": ctype, "key": key, "label": label or key.capitalize(), "input": True, **kw}


def required(ctype: str, key: str, **kw: Any) -> dict[str, Any]:
    validate = {"required": True, **kw.pop("validate", {})}
    return comp(ctype, key, validate=validate, **kw)


def options(*values: str) -> list[dict[str, str]]:
    return [{"label": v.upper(), "value": v} for v in values]


def check(
    definition: dict[str, Any] | FormDefinition, data: Any, locale: str = "en", **kw: Any
) -> ValidationResult:
    defn = definition if isinstance(definition, FormDefinition) else load_definition(definition)
    return validate_submission(defn, data, locale, **kw)


def problems(definition: Any) -> list[str]:
    with pytest.raises(DefinitionError) as info:
        load_definition(definition)
    return info.value.problems


def shipped(name: str) -> FormDefinition:
    return load_definition((FORMDEFS / f"{name}.json").read_text(encoding="utf-8"))


def known_fields() -> dict[str, set[str]]:
    import portal.models as models

    return {
        mapper.class_.__name__: {attr.key for attr in mapper.column_attrs}
        for mapper in models.Model.registry.mappers
    }


# --------------------------------------------------------------------------------------------
# Loading definitions


BUILDER_TEXTFIELD = {
    "label": "Vārds",
    "tableView": True,
    "key": "name",
    "type": "textfield",
    "input": True,
    "placeholder": "",
    "prefix": "",
    "customClass": "",
    "suffix": "",
    "multiple": False,
    "defaultValue": None,
    "protected": False,
    "unique": False,
    "persistent": True,
    "hidden": False,
    "clearOnHide": True,
    "refreshOn": "",
    "redrawOn": "",
    "modalEdit": False,
    "dataGridLabel": False,
    "labelPosition": "top",
    "description": "",
    "errorLabel": "",
    "tooltip": "",
    "hideLabel": False,
    "tabindex": "",
    "disabled": False,
    "autofocus": False,
    "dbIndex": False,
    "customDefaultValue": "",
    "calculateValue": "",
    "calculateServer": False,
    "widget": {"type": "input"},
    "attributes": {},
    "validateOn": "change",
    "validate": {
        "required": False,
        "custom": "",
        "customPrivate": False,
        "strictDateValidation": False,
        "multiple": False,
        "unique": False,
        "minLength": "",
        "maxLength": "",
        "pattern": "",
    },
    "conditional": {"show": None, "when": None, "eq": ""},
    "overlay": {"style": "", "left": "", "top": "", "width": "", "height": ""},
    "allowCalculateOverride": False,
    "encrypted": False,
    "showCharCount": False,
    "showWordCount": False,
    "properties": {},
    "allowMultipleMasks": False,
    "addons": [],
    "inputType": "text",
    "inputFormat": "plain",
    "inputMask": "",
    "displayMask": "",
    "spellcheck": True,
    "truncateMultipleSpaces": False,
    "logic": [],
}


def test_builder_output_with_default_noise_loads() -> None:
    defn = load_definition(form(BUILDER_TEXTFIELD))
    assert set(defn.inputs) == {"name"}
    assert check(defn, {"name": ""}).ok
    assert check(defn, {"name": "Jānis"}).clean_data == {"name": "Jānis"}


def test_broken_json_is_a_definition_error() -> None:
    found = problems('{"display": "form", "components": [')
    assert len(found) == 1 and found[0].startswith("_form: broken JSON")
    assert problems("[1, 2]")[0].startswith("_form:")
    assert problems('{"display": "form"}') == ["_form: 'components' must be a list"]
    assert problems('{"components": [], "x": NaN}')[0].startswith("_form: broken JSON")


@pytest.mark.parametrize(
    "ctype", ["signature", "address", "password", "tabs", "hidden", "datamap", "survey"]
)
def test_component_types_we_cannot_enforce_are_refused(ctype: str) -> None:
    found = problems(form(comp(ctype, "thing")))
    assert found == [f"thing: component type {ctype!r} cannot be enforced on the server"]


@pytest.mark.parametrize(
    ("validate", "expected"),
    [
        ({"custom": "valid = input === 'x';"}, "validate.custom"),
        ({"json": {"==": [{"var": "form.title"}, 1]}}, "validate.json"),
        ({"json": {"now": []}}, "validate.json"),
        ({"minSelectedCount": 3}, "validate.minSelectedCount"),
        ({"unique": True}, "validate.unique"),
        ({"somethingNew": 1}, "validate.somethingNew"),
    ],
)
def test_unsupported_validations_are_refused(validate: dict[str, Any], expected: str) -> None:
    found = problems(form(comp("textfield", "name", validate=validate)))
    assert len(found) == 1
    assert found[0].startswith("name:") and expected in found[0]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"logic": [{"name": "x", "trigger": {}, "actions": []}]}, "'logic'"),
        ({"customConditional": "show = data.a == 1;"}, "customConditional"),
        ({"calculateValue": "value = 1;"}, "calculateValue"),
        ({"conditional": {"json": {"==": [{"var": "instance.a"}, 1]}}}, "conditional.json"),
        ({"conditional": {"json": {"format_date": [1]}}}, "conditional.json"),
        ({"customDefaultValue": "value = 2;"}, "customDefaultValue"),
        ({"persistent": "client-only"}, "non-persistent"),
        ({"allowCalculateOverride": True}, "allowCalculateOverride"),
        ({"unique": True, "type": "file"}, "'unique'"),
    ],
)
def test_unsupported_logic_is_refused(extra: dict[str, Any], expected: str) -> None:
    found = problems(form(comp("textfield", "a"), {**comp("textfield", "b"), **extra}))
    assert len(found) == 1
    assert found[0].startswith("b:") and expected in found[0]


@pytest.mark.parametrize(
    ("extra", "where"),
    [
        ({"customConditional": "show = data.a == 1;"}, "conditional.json"),
        ({"calculateValue": "value = data.a * 2;"}, "Calculated Value"),
        ({"validate": {"custom": "valid = input === 'x';"}}, "JSON Logic Validation"),
    ],
)
def test_javascript_is_refused_naming_the_component_and_the_json_logic_way(
    extra: dict[str, Any], where: str
) -> None:
    found = problems(form(comp("textfield", "a"), comp("textfield", "b", **extra)))
    assert len(found) == 1
    assert found[0].startswith("b: ") and "JavaScript" in found[0]
    assert "JSON Logic" in found[0] and where in found[0] and '{"var": "data.' in found[0]


def test_duplicate_keys_are_refused_per_namespace() -> None:
    assert problems(form(comp("textfield", "a"), comp("number", "a"))) == ["a: duplicate key"]
    panel = {"type": "panel", "key": "p", "components": [comp("textfield", "a")]}
    assert problems(form(comp("textfield", "a"), panel)) == ["a: duplicate key"]
    grid = comp("datagrid", "g", components=[comp("textfield", "x"), comp("number", "x")])
    assert problems(form(grid)) == ["x: duplicate key"]
    # The builder scopes keys per datagrid, so a column may share a top-level key.
    shared = comp("datagrid", "hours", components=[comp("number", "hours")])
    defn = load_definition(form(shared))
    assert set(defn.inputs) == {"hours", "hours.hours"}


def test_every_problem_is_reported_with_its_key() -> None:
    found = problems(
        form(
            comp("signature", "sig"),
            comp("textfield", "t", validate={"custom": "x"}),
            comp("textfield", "t"),
            comp("textfield", "bad key!"),
            comp("textfield", "c", conditional={"show": True, "when": "nowhere", "eq": "1"}),
        )
    )
    assert any(p.startswith("sig:") for p in found)
    assert any(p.startswith("t:") and "custom" in p for p in found)
    assert "t: duplicate key" in found
    assert any(p.startswith("bad key!:") for p in found)
    assert any(p.startswith("c:") and "unknown component 'nowhere'" in p for p in found)


@pytest.mark.parametrize(
    ("component", "expected"),
    [
        (comp("textfield", "p", validate={"pattern": "("}), "does not compile"),
        (comp("select", "s", dataSrc="url", data={"url": "https://x"}), "static only"),
        (comp("select", "s", dataSrc="values", data={"values": []}), "non-empty list"),
        (comp("radio", "r", values=[{"label": "A", "value": 1}]), "string value"),
        (comp("radio", "r", values=options("a", "a")), "duplicate option"),
        (comp("radio", "r", values=options("a"), dataType="number"), "dataType"),
        ({"type": "button", "key": "b", "action": "reset"}, "submit only"),
        ({"type": "content", "key": "c", "html": "<p>{{ data.x }}</p>"}, "template"),
        (comp("datagrid", "g", components=[comp("datagrid", "h", components=[])]), "inside"),
        (comp("number", "n", validate={"min": "abc"}), "not a number"),
        (comp("textfield", "t", validate={"min": 1}), "not supported on textfield"),
        (comp("number", "n", validate={"pattern": "1"}), "not supported on number"),
        (comp("textfield", "t", inputMask="999"), "inputMask"),
        (comp("file", "f", fileMaxSize="lots"), "fileMaxSize"),
        (comp("day", "d", fields={"day": {"hide": True}}), "hidden day"),
        (comp("datetime", "d", datePicker={"minDate": "1.1.2024"}), "minDate"),
        (comp("datetime", "d", datePicker={"maxDate": "moment().add(1, 'day')"}), "maxDate"),
        (comp("datetime", "d", datePicker={"maxDate": "moment()"},
              widget={"maxDate": "2024-01-01"}), "maxDate"),
        (comp("checkbox", "c", inputType="radio", name="x", value="y"), "inputType"),
    ],
)
def test_definition_problems_name_the_component(component: dict[str, Any], expected: str) -> None:
    found = problems(form(component))
    keys = {component["key"]} | {c["key"] for c in component.get("components", [])}
    assert found and all(p.split(":")[0] in keys for p in found), found
    assert any(expected in p for p in found), found


def test_condition_references_are_checked() -> None:
    grid = comp(
        "datagrid",
        "g",
        components=[comp("textfield", "x"), comp("textfield", "y", conditional=when("x", "1"))],
    )
    other = comp("textfield", "z", conditional=when("g.x", "1"))
    found = problems(form(grid, other))
    assert found == ["z: condition refers to 'g.x' inside another datagrid"]
    whole = comp("textfield", "w", conditional=when("g", "1"))
    assert "datagrid" in problems(form(grid, whole))[0]
    bad_op = comp(
        "textfield",
        "v",
        conditional={
            "show": True,
            "conjunction": "all",
            "conditions": [{"component": "g.x", "operator": "isEmpty"}],
        },
    )
    assert "operator 'isEmpty'" in problems(form(grid, comp("textfield", "u"), bad_op))[0]


def test_plus_block_is_checked() -> None:
    found = problems(form(plus={"key": "Bad Key", "audience": "public", "title": {"lv": "x"}}))
    assert len(found) == 3 and all(p.startswith("plus:") for p in found)
    defn = load_definition(
        form(plus={"key": "ok", "audience": "client", "title": {"lv": "Sveiki", "en": "Hello"}})
    )
    assert defn.key == "ok" and defn.title("en") == "Hello" and defn.title("lv") == "Sveiki"
    assert defn.plus is not None and defn.plus.intake == []


def test_definitions_are_cached_immutable_and_hashable_by_identity() -> None:
    data = form(comp("textfield", "a"), title="T")
    first = load_definition(data)
    assert load_definition(json.dumps(data)) is first
    assert load_definition(dict(reversed(list(data.items())))) is first
    other = load_definition(form(comp("textfield", "b")))
    assert first != other and len({first, other, first}) == 2
    assert first.digest != other.digest
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.fields = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        first.inputs["x"] = first.inputs["a"]  # type: ignore[index]
    copy = first.as_dict()
    copy["components"].clear()
    assert first.as_dict()["components"]


def test_html_content_is_sanitised() -> None:
    html = '<p onclick="x()">Labdien<script>alert(1)</script><a href="javascript:x">x</a></p>'
    element = {
        "type": "htmlelement",
        "key": "h",
        "tag": "script",
        "attrs": [{"attr": "onload", "value": "x()"}],
        "content": "<img src=x onerror=alert(1)>Teksts",
    }
    defn = load_definition(form({"type": "content", "key": "c", "html": html}, element))
    content, elem = defn.as_dict()["components"]
    assert "script" not in content["html"] and "onclick" not in content["html"]
    assert "javascript" not in content["html"] and "Labdien" in content["html"]
    assert elem["tag"] == "div" and elem["attrs"] == [] and "onerror" not in elem["content"]
    rendered = translate(defn, "lv")["components"]
    assert "script" not in rendered[0]["html"] and "onerror" not in rendered[1]["content"]


# --------------------------------------------------------------------------------------------
# Components and validations


def when(key: str, eq: Any, show: Any = True) -> dict[str, Any]:
    return {"show": show, "when": key, "eq": eq}


@pytest.mark.parametrize("ctype", ["textfield", "textarea"])
def test_text_components(ctype: str) -> None:
    defn = form(required(ctype, "t", validate={"minLength": 2, "maxLength": "5"}))
    assert check(defn, {"t": "abc"}).clean_data == {"t": "abc"}
    assert check(defn, {"t": ""}).errors == {"t": ["T is required."]}
    assert check(defn, {}).errors == {"t": ["T is required."]}
    assert check(defn, {"t": None}).errors == {"t": ["T is required."]}
    assert check(defn, {"t": "a"}).errors == {"t": ["T must have at least 2 characters."]}
    assert check(defn, {"t": "abcdef"}).errors == {"t": ["T must have no more than 5 characters."]}
    assert check(defn, {"t": 5}).errors == {"t": ["T has an invalid value."]}
    assert check(defn, {"t": ["a"]}).errors == {"t": ["T must not be an array."]}
    assert check(defn, {"t": "a\x00b"}).errors == {"t": ["T has an invalid value."]}
    # The renderer trims before its required check: spaces, tabs or newlines are no answer.
    for blank in ("   ", "\t", " \n\r\n ", "\u00a0\u2003"):
        assert check(defn, {"t": blank}).errors == {"t": ["T is required."]}, repr(blank)
    # ...but a field that is not required keeps them as typed (Form.io does not trim values).
    optional = form(comp(ctype, "t"))
    assert check(optional, {"t": "  "}).clean_data == {"t": "  "}


def test_length_counts_utf16_units_like_javascript() -> None:
    defn = form(comp("textfield", "t", validate={"maxLength": 2}))
    assert check(defn, {"t": "āē"}).ok
    assert check(defn, {"t": "😀"}).ok  # one code point, two UTF-16 units
    assert not check(defn, {"t": "😀a"}).ok  # two code points, three units


def test_pattern_is_anchored_as_formio_does() -> None:
    defn = form(comp("textfield", "code", validate={"pattern": "[0-9]{3}"}))
    assert check(defn, {"code": "123"}).ok
    assert check(defn, {"code": ""}).ok  # empty values skip the pattern
    for bad in ("1234", "a123", "123\n", "12"):
        assert check(defn, {"code": bad}).errors == {
            "code": ["Code is not in the expected format."]
        }
    # Form.io tests /^a|b$/: the alternation is not grouped.
    loose = form(comp("textfield", "x", validate={"pattern": "a|b"}))
    assert check(loose, {"x": "axx"}).ok and check(loose, {"x": "xxb"}).ok
    assert not check(loose, {"x": "xax"}).ok
    # JavaScript's \d is ASCII only.
    assert not check(defn, {"code": "١٢٣"}).ok


def test_email() -> None:
    defn = form(comp("email", "mail"))
    for good in ("anna@example.lv", "a.b-c@sub.example.com", "x@[192.168.0.1]", ""):
        assert check(defn, {"mail": good}).ok, good
    for bad in ("anna", "anna@", "anna@example", "a b@example.lv", "anna@@example.lv"):
        assert check(defn, {"mail": bad}).errors == {"mail": ["Mail must be a valid email."]}


def test_phone_number() -> None:
    masked = form(comp("phoneNumber", "phone", inputMask="(999) 999-9999"))
    assert check(masked, {"phone": "(123) 456-7890"}).ok
    for bad in ("123 456 7890", "(123) 456-789", "(123) 456-78901", "(12a) 456-7890"):
        assert not check(masked, {"phone": bad}).ok
    free = form(comp("phoneNumber", "phone", inputMask=""))
    for good in ("+371 20000000", "20000000", "(067) 123-456", ""):
        assert check(free, {"phone": good}).ok, good
    for bad in ("abc", "12", "+371 2000000000000000", "2000 0000 ext 5"):
        errors = check(free, {"phone": bad}, "lv").errors
        assert errors == {"phone": ["Phone: jāievada derīgs tālruņa numurs."]}, bad


def test_number() -> None:
    defn = form(required("number", "n", validate={"min": 0, "max": "24"}))
    assert check(defn, {"n": 0}).clean_data == {"n": 0}  # 0 satisfies required
    assert check(defn, {"n": 7.5}).clean_data == {"n": Decimal("7.5")}
    assert check(defn, {"n": 8.0}).clean_data == {"n": 8}
    assert check(defn, {"n": None}).errors == {"n": ["N is required."]}
    assert check(defn, {"n": ""}).errors == {"n": ["N is required."]}
    assert check(defn, {"n": -1}).errors == {"n": ["N cannot be less than 0."]}
    assert check(defn, {"n": 24.5}).errors == {"n": ["N cannot be greater than 24."]}
    for bad in ("abc", "1,5", "0x10", True, False, [5], {"v": 5}, float("nan"), float("inf"),
                2**60, "1e400"):
        assert check(defn, {"n": bad}).errors == {"n": ["N is not a valid number."]}, bad


def test_numbers_posted_as_text_are_numbers() -> None:
    """@formio/js posts some numbers as strings (e.g. "0"): they are the numbers they say."""
    defn = form(required("number", "n", validate={"min": 0, "max": "24"}), comp("number", "m"))
    assert check(defn, {"n": "0", "m": " 7.5 "}).clean_data == {"n": 0, "m": Decimal("7.5")}
    assert check(defn, {"n": "5", "m": "-.5"}).clean_data == {"n": 5, "m": Decimal("-0.5")}
    assert check(defn, {"n": "25"}).errors == {"n": ["N cannot be greater than 24."]}
    assert check(defn, {"n": "1e1"}).clean_data == {"n": 10, "m": None}
    two = form(comp("number", "n", decimalLimit=2))
    assert check(two, {"n": "1.255"}).errors == {"n": ["N may have at most 2 decimal places."]}


def test_number_decimal_limit() -> None:
    whole = form(comp("number", "n", decimalLimit=0))
    assert check(whole, {"n": 3}).ok and check(whole, {"n": 3.0}).ok
    assert check(whole, {"n": 3.5}).errors == {"n": ["N must be a whole number."]}
    two = form(comp("number", "n", decimalLimit=2))
    assert check(two, {"n": 1.25}).clean_data == {"n": Decimal("1.25")}
    assert check(two, {"n": 1.255}).errors == {"n": ["N may have at most 2 decimal places."]}


def test_checkbox() -> None:
    defn = form(required("checkbox", "agree"), comp("checkbox", "extra"))
    assert check(defn, {"agree": True}).clean_data == {"agree": True, "extra": False}
    assert check(defn, {"agree": False}).errors == {"agree": ["Agree is required."]}
    assert check(defn, {}).errors == {"agree": ["Agree is required."]}
    assert check(defn, {"agree": "true"}).errors == {"agree": ["Agree has an invalid value."]}
    assert check(defn, {"agree": True, "extra": 1}).errors == {
        "extra": ["Extra has an invalid value."]
    }


def test_select_static() -> None:
    defn = form(
        required("select", "s", dataSrc="values", data={"values": options("a", "b")}),
        comp("select", "num", data={"values": options("1", "2", "true")}),
    )
    assert check(defn, {"s": "a"}).clean_data == {"s": "a", "num": None}
    assert check(defn, {"s": "c"}).errors == {"s": ["S is an invalid value."]}
    assert check(defn, {"s": ""}).errors == {"s": ["S is required."]}
    assert check(defn, {"s": ["a"]}).errors == {"s": ["S has an invalid value."]}
    # Form.io's "auto" data type submits "1" as 1 and "true" as true.
    assert check(defn, {"s": "a", "num": 1}).clean_data["num"] == "1"
    assert check(defn, {"s": "a", "num": True}).clean_data["num"] == "true"
    assert not check(defn, {"s": "a", "num": 3}).ok
    assert not check(defn, {"s": "a", "num": 1.5}).ok


def test_select_multiple() -> None:
    defn = form(required("select", "s", multiple=True, data={"values": options("a", "b", "c")}))
    assert check(defn, {"s": ["c", "a", "c"]}).clean_data == {"s": ["c", "a"]}
    assert check(defn, {"s": []}).errors == {"s": ["S is required."]}
    assert check(defn, {"s": ["a", "x"]}).errors == {"s": ["S is an invalid value."]}
    assert check(defn, {"s": "a"}).errors == {"s": ["S must be an array."]}


def test_select_with_render_time_options() -> None:
    defn = load_definition(
        form(required("select", "client", data={"values": []}, plus={"options": "linked"}))
    )
    assert defn.option_sources == {"linked"}
    allowed = {"linked": [("11", "Jānis"), ("12", "Anna")]}
    assert check(defn, {"client": "12"}, options=allowed).clean_data == {"client": "12"}
    assert check(defn, {"client": 12}, options=allowed).clean_data == {"client": "12"}
    assert not check(defn, {"client": "13"}, options=allowed).ok
    assert check(defn, {"client": "13"}, options={"linked": ["13"]}).ok
    with pytest.raises(MissingOptionsError):
        check(defn, {"client": "12"})
    filled = fill_options(defn.as_dict(), allowed)
    assert filled["components"][0]["data"]["values"] == [
        {"value": "11", "label": "Jānis"},
        {"value": "12", "label": "Anna"},
    ]


def test_radio() -> None:
    defn = form(required("radio", "r", values=options("yes", "no")))
    assert check(defn, {"r": "no"}).clean_data == {"r": "no"}
    assert check(defn, {"r": "maybe"}).errors == {"r": ["R is an invalid value."]}
    assert check(defn, {"r": ""}).errors == {"r": ["R is required."]}
    assert check(defn, {"r": {"yes": True}}).errors == {"r": ["R has an invalid value."]}


def test_selectboxes() -> None:
    defn = form(required("selectboxes", "ways", values=options("phone", "email", "post")))
    assert check(defn, {"ways": {"email": True}}).clean_data == {
        "ways": {"phone": False, "email": True, "post": False}
    }
    assert check(defn, {"ways": {"phone": False, "email": False}}).errors == {
        "ways": ["Ways is required."]
    }
    assert check(defn, {"ways": {"fax": True}}).errors == {"ways": ["Ways is an invalid value."]}
    assert check(defn, {"ways": {"phone": "yes"}}).errors == {
        "ways": ["Ways has an invalid value."]
    }
    assert check(defn, {"ways": ["phone"]}).errors == {"ways": ["Ways has an invalid value."]}
    optional = form(comp("selectboxes", "ways", values=options("a")))
    assert check(optional, {}).clean_data == {"ways": {"a": False}}


def day_fields(**required_parts: bool) -> dict[str, Any]:
    return {p: {"hide": False, "required": required_parts.get(p, False)} for p in PARTS}


PARTS = ("day", "month", "year")


def test_day() -> None:
    defn = form(required("day", "born", fields=day_fields()))
    assert check(defn, {"born": "05/31/2024"}).clean_data == {"born": dt.date(2024, 5, 31)}
    assert check(defn, {"born": "02/29/2024"}).ok
    for bad in ("02/30/2024", "02/29/2023", "13/01/2024", "2024-05-31", "aa/bb/cccc", 20240531):
        assert check(defn, {"born": bad}).errors == {"born": ["Born is not a valid day."]}, bad
    assert check(defn, {"born": "00/00/0000"}).errors == {"born": ["Born is required."]}
    assert check(defn, {"born": ""}).errors == {"born": ["Born is required."]}
    first = form(comp("day", "d", dayFirst=True, fields=day_fields()))
    assert check(first, {"d": "31/05/2024"}).clean_data == {"d": dt.date(2024, 5, 31)}
    assert not check(first, {"d": "05/31/2024"}).ok
    # Form.io accepts a partial day unless the part is required.
    assert check(first, {"d": "00/05/2024"}).clean_data == {"d": "00/05/2024"}
    parts = form(comp("day", "d", dayFirst=True, fields=day_fields(day=True, year=True)))
    assert check(parts, {"d": "00/05/2024"}).errors == {"d": ["D: the day is required."]}
    assert check(parts, {"d": "01/05/0000"}).errors == {"d": ["D: the year is required."]}
    assert check(parts, {"d": ""}).errors == {"d": ["D is required."]}


def test_datetime() -> None:
    defn = form(
        required("datetime", "day", enableTime=False),
        comp("datetime", "at"),
    )
    data = {"day": "2024-05-01T00:00:00+03:00", "at": "2024-05-01T14:30:00+03:00"}
    clean = check(defn, data).clean_data
    assert clean["day"] == dt.date(2024, 5, 1)
    assert clean["at"] == dt.datetime(2024, 5, 1, 14, 30, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    assert check(defn, {"day": "2024-05-01"}).clean_data["day"] == dt.date(2024, 5, 1)
    for bad in ("yesterday", "2024-13-01", "Invalid date", 1714510800, ["2024-05-01"]):
        assert check(defn, {"day": bad}).errors == {"day": ["Day is not a valid date."]}, bad
    assert check(defn, {"day": ""}).errors == {"day": ["Day is required."]}


def pdf(name: str = "a.pdf", size: int = 2048, **kw: Any) -> dict[str, Any]:
    return {
        "storage": "url",
        "name": name,
        "originalName": name,
        "size": size,
        "type": "application/pdf",
        "url": f"/portal/uploads/{name}",
        **kw,
    }


def test_file() -> None:
    one = form(
        required("file", "doc", filePattern=".pdf, image/*", fileMaxSize="1MB", fileMinSize="1KB")
    )
    assert check(one, {"doc": [pdf(data={"x": 1})]}).clean_data == {"doc": [pdf()]}
    photo = {**pdf("p.JPG"), "type": "image/jpeg"}
    assert check(one, {"doc": [photo]}).ok
    assert check(one, {"doc": []}).errors == {"doc": ["Doc is required."]}
    assert check(one, {"doc": [pdf(), pdf("b.pdf")]}).errors == {
        "doc": ["Doc may have no more than 1 files."]
    }
    exe = {**pdf("x.exe"), "type": "application/x-msdownload"}
    assert check(one, {"doc": [exe]}).errors == {
        "doc": ["Doc: file x.exe is the wrong type; it must be .pdf, image/*."]
    }
    assert check(one, {"doc": [pdf(size=2 * 1024 * 1024)]}).errors == {
        "doc": ["Doc: file a.pdf is too big; it must be at most 1MB."]
    }
    assert check(one, {"doc": [pdf(size=10)]}).errors == {
        "doc": ["Doc: file a.pdf is too small; it must be at least 1KB."]
    }
    for bad in ("a.pdf", {"name": "a.pdf"}, [{"size": 1}], [pdf(size=-1)], [pdf(size=True)]):
        assert check(one, {"doc": bad}).errors == {"doc": ["Doc has an invalid value."]}, bad
    many = form(comp("file", "docs", multiple=True))
    assert len(check(many, {"docs": [pdf(), pdf("b.pdf")]}).clean_data["docs"]) == 2


def hours_grid(**kw: Any) -> dict[str, Any]:
    return comp(
        "datagrid",
        "hours",
        components=[
            required("datetime", "date", enableTime=False),
            required("number", "hours", validate={"min": 0, "max": 24}),
            comp("textfield", "note"),
        ],
        **kw,
    )


def test_datagrid_paths_and_rows() -> None:
    defn = form(hours_grid(validate={"required": True, "minLength": 1, "maxLength": 3}))
    row = {"date": "2024-05-02T00:00:00+03:00", "hours": 8}
    result = check(defn, {"hours": [row, {**row, "hours": 25}, {**row, "date": "x", "hours": "8h"}]})
    assert result.errors == {
        "hours[1].hours": ["Hours cannot be greater than 24."],
        "hours[2].date": ["Date is not a valid date."],
        "hours[2].hours": ["Hours is not a valid number."],
    }
    assert result.clean_data == {}
    clean = check(defn, {"hours": [row]}).clean_data
    assert clean == {"hours": [{"date": dt.date(2024, 5, 2), "hours": 8, "note": None}]}
    assert check(defn, {"hours": []}).errors == {
        "hours": ["Hours is required.", "Hours must have at least 1 rows."]
    }
    assert check(defn, {"hours": [row] * 4}).errors == {
        "hours": ["Hours must have no more than 3 rows."]
    }
    # An empty row does not satisfy required, as in Form.io (valueIsPresent).
    assert "Hours is required." in check(defn, {"hours": [{}]}).errors["hours"]
    assert check(defn, {"hours": "rows"}).errors == {"hours": ["Hours has an invalid value."]}
    assert check(defn, {"hours": [row, 5]}).errors == {"hours[1]": ["Hours has an invalid value."]}


def test_layout_components_are_transparent() -> None:
    defn = form(
        {"type": "panel", "key": "p", "title": "P", "components": [required("textfield", "a")]},
        {"type": "fieldset", "key": "f", "legend": "F", "components": [comp("number", "b")]},
        {
            "type": "columns",
            "key": "cols",
            "columns": [
                {"components": [comp("textfield", "c")], "width": 6},
                {"components": [comp("checkbox", "d")], "width": 6},
            ],
        },
        {"type": "content", "key": "info", "html": "<p>Info</p>"},
        {"type": "htmlelement", "key": "el", "tag": "p", "content": "Text"},
        {"type": "button", "key": "submit", "action": "submit", "input": True},
    )
    result = check(defn, {"a": "x", "b": 1, "c": "y", "d": True, "submit": True})
    assert result.clean_data == {"a": "x", "b": 1, "c": "y", "d": True}
    assert check(defn, {"b": 1}).errors == {"a": ["A is required."]}
    assert check(defn, {"a": "x", "info": "<b>"}).errors == {
        "_form": ["The form has no field info."]
    }


def test_unknown_fields_are_form_errors() -> None:
    defn = form(comp("textfield", "a"), hours_grid())
    row = {"date": "2024-05-02", "hours": 1, "extra": 1}
    result = check(defn, {"a": "x", "b": 1, "hours": [row]}, "lv")
    assert result.errors == {
        "_form": ["Veidlapā nav lauka b.", "Veidlapā nav lauka hours[0].extra."]
    }
    assert check(defn, ["not", "a", "dict"]).errors == {
        "_form": ["The submitted data is not valid."]
    }
    assert check(defn, None, "lv").errors == {"_form": ["Iesniegtie dati nav derīgi."]}


def test_default_values_fill_missing_keys() -> None:
    defn = form(comp("radio", "r", values=options("a", "b"), defaultValue="b"))
    assert check(defn, {}).clean_data == {"r": "b"}
    assert check(defn, {"r": "a"}).clean_data == {"r": "a"}


# --------------------------------------------------------------------------------------------
# Hidden components


def test_conditionally_hidden_fields_are_not_validated_or_stored() -> None:
    defn = form(
        comp("checkbox", "prison"),
        required("textfield", "prison_name", conditional=when("prison", "true")),
    )
    assert check(defn, {"prison": False}).clean_data == {"prison": False}
    # A value for a hidden field is dropped, not an error.
    assert check(defn, {"prison": False, "prison_name": 5}).clean_data == {"prison": False}
    assert check(defn, {"prison": True}).errors == {"prison_name": ["Prison_name is required."]}
    assert check(defn, {"prison": True, "prison_name": "Rīga"}).clean_data == {
        "prison": True,
        "prison_name": "Rīga",
    }


def test_legacy_conditional_semantics() -> None:
    defn = form(
        comp("number", "n"),
        comp("textfield", "shown_when_5", conditional=when("n", "5")),
        comp("textfield", "hidden_when_5", conditional=when("n", "5", show="false")),
        comp("select", "s", multiple=True, data={"values": options("a", "b")}),
        comp("textfield", "if_a", conditional=when("s", "a")),
    )
    assert set(check(defn, {"n": 5}).clean_data) == {"n", "shown_when_5", "s"}
    assert set(check(defn, {"n": 5.0}).clean_data) == {"n", "shown_when_5", "s"}
    assert set(check(defn, {"n": 6}).clean_data) == {"n", "hidden_when_5", "s"}
    assert "if_a" in check(defn, {"s": ["b", "a"]}).clean_data
    assert "if_a" not in check(defn, {"s": ["b"]}).clean_data


def test_simple_conditional_semantics() -> None:
    def simple(conjunction: str, *conds: tuple[str, str, Any], show: Any = True) -> dict:
        return {
            "show": show,
            "conjunction": conjunction,
            "conditions": [{"component": c, "operator": o, "value": v} for c, o, v in conds],
        }

    defn = form(
        comp("radio", "kind", values=options("a", "b")),
        comp("checkbox", "flag"),
        comp("selectboxes", "boxes", values=options("x", "y")),
        comp("number", "n"),
        comp(
            "textfield",
            "all_",
            conditional=simple("all", ("kind", "isEqual", "a"), ("flag", "isEqual", "true")),
        ),
        comp(
            "textfield",
            "any_",
            conditional=simple("any", ("kind", "isEqual", "a"), ("flag", "isEqual", True)),
        ),
        comp("textfield", "not_a", conditional=simple("all", ("kind", "isNotEqual", "a"))),
        comp(
            "textfield", "hide_b", conditional=simple("all", ("kind", "isEqual", "b"), show="false")
        ),
        comp("textfield", "box_y", conditional=simple("all", ("boxes", "isEqual", "y"))),
        comp("textfield", "n_is_3", conditional=simple("all", ("n", "isEqual", "3"))),
    )

    conditional = {"all_", "any_", "not_a", "hide_b", "box_y", "n_is_3"}

    def visible(data: dict[str, Any]) -> set[str]:
        result = check(defn, data)
        assert result.ok, result.errors
        return set(result.clean_data) & conditional

    assert visible({"kind": "a", "flag": True}) == {"all_", "any_", "hide_b"}
    assert visible({"kind": "a", "flag": False}) == {"any_", "hide_b"}
    assert visible({"kind": "b", "flag": True}) == {"any_", "not_a"}
    assert visible({"kind": "", "boxes": {"y": True}, "n": 3}) == {
        "not_a",
        "hide_b",
        "box_y",
        "n_is_3",
    }


def test_hidden_panel_hides_its_children() -> None:
    defn = form(
        comp("radio", "change", values=options("work", "school")),
        {
            "type": "panel",
            "key": "work_panel",
            "conditional": when("change", "work"),
            "components": [required("textfield", "employer")],
        },
        {
            "type": "panel",
            "key": "school_panel",
            "hidden": True,
            "components": [required("textfield", "school")],
        },
    )
    assert check(defn, {"change": "school"}).clean_data == {"change": "school"}
    assert check(defn, {"change": "work"}).errors == {"employer": ["Employer is required."]}
    assert check(defn, {"change": "work", "employer": "SIA X", "school": ""}).clean_data == {
        "change": "work",
        "employer": "SIA X",
    }


def test_intentionally_hidden_component_is_neither_validated_nor_stored() -> None:
    defn = form(required("textfield", "secret", hidden=True), comp("textfield", "a"))
    assert check(defn, {"a": "x", "secret": ""}).clean_data == {"a": "x"}


@pytest.mark.parametrize("clear_on_hide", [True, False])
def test_clear_on_hide_decides_what_dependent_conditions_see(clear_on_hide: bool) -> None:
    defn = form(
        comp("checkbox", "has_job"),
        comp(
            "radio",
            "kind",
            values=options("paid", "volunteer"),
            conditional=when("has_job", "true"),
            clearOnHide=clear_on_hide,
        ),
        required("textfield", "salary", conditional=when("kind", "paid")),
    )
    result = check(defn, {"has_job": False, "kind": "paid"})
    if clear_on_hide:
        # kind is hidden and cleared, so salary (which depends on it) is hidden too.
        assert result.clean_data == {"has_job": False}
    else:
        # Form.io keeps the hidden value, so salary is still shown, and required.
        assert result.errors == {"salary": ["Salary is required."]}


def test_conditions_settle_regardless_of_document_order() -> None:
    defn = form(
        required("textfield", "detail", conditional=when("kind", "x")),
        comp("radio", "kind", values=options("x", "y"), conditional=when("on", "true")),
        comp("checkbox", "on"),
    )
    assert check(defn, {"on": False, "kind": "x"}).clean_data == {"on": False}
    assert check(defn, {"on": True, "kind": "x"}).errors == {"detail": ["Detail is required."]}


def test_conditions_inside_datagrid_rows() -> None:
    grid = comp(
        "datagrid",
        "rows",
        components=[
            comp("radio", "kind", values=options("hours", "absence")),
            required("number", "hours", conditional=when("kind", "hours")),
            required("textarea", "why", conditional=when("rows.kind", "absence")),
            required("textfield", "ref", conditional=when("global", "true")),
        ],
    )
    defn = form(comp("checkbox", "global"), grid)
    data = {"global": False, "rows": [{"kind": "hours", "hours": 3}, {"kind": "absence"}]}
    assert check(defn, data).errors == {"rows[1].why": ["Why is required."]}
    data["rows"][1]["why"] = "Slims"
    assert check(defn, data).clean_data == {
        "global": False,
        "rows": [{"kind": "hours", "hours": 3}, {"kind": "absence", "why": "Slims"}],
    }
    data["global"] = True
    assert set(check(defn, data).errors) == {"rows[0].ref", "rows[1].ref"}


def test_hidden_datagrid_is_not_validated() -> None:
    defn = form(
        comp("checkbox", "report"),
        hours_grid(conditional=when("report", "true"), validate={"required": True}),
    )
    assert check(defn, {"report": False, "hours": "junk"}).clean_data == {"report": False}
    assert not check(defn, {"report": True, "hours": []}).ok


# --------------------------------------------------------------------------------------------
# Languages


I18N_FORM = form(
    required("textfield", "vards", label="Vārds", validate={"maxLength": 3}),
    required("number", "stundas", label="Stundas", errorLabel="Nostrādātās stundas"),
    required(
        "textfield",
        "kods",
        label="Kods",
        validate={"pattern": "[A-Z]{3}", "customMessage": "Kods nav pareizs."},
    ),
    required("email", "epasts", label="E-pasts", errors={"required": "Norādiet e-pastu!"}),
    required(
        "radio",
        "atbilde",
        label="Atbilde",
        values=[{"label": "Jā", "value": "yes"}, {"label": "Nē", "value": "no"}],
    ),
    i18n={
        "en": {
            "Vārds": "Name",
            "Nostrādātās stundas": "Hours worked",
            "Kods nav pareizs.": "The code is wrong.",
            "Norādiet e-pastu!": "Give an e-mail address!",
            "Jā": "Yes",
            "Nē": "No",
            "maxLength": "{{field}} is too long (max {{length}}).",
        },
        "lv": {"maxLength": "{{field}}: pārāk garš teksts (ne vairāk kā {{length}})."},
    },
)


def test_messages_in_latvian_by_default() -> None:
    errors = check(I18N_FORM, {}, "lv").errors
    assert errors == {
        "vards": ["Vārds ir obligāts lauks."],
        "stundas": ["Nostrādātās stundas ir obligāts lauks."],
        "kods": ["Kods nav pareizs."],
        "epasts": ["Norādiet e-pastu!"],
        "atbilde": ["Atbilde ir obligāts lauks."],
    }
    assert check(I18N_FORM, {}, "de").errors == errors
    assert validate_submission(load_definition(I18N_FORM), {}).errors == errors


def test_messages_in_english_with_translated_labels() -> None:
    assert check(I18N_FORM, {}, "en-GB").errors == {
        "vards": ["Name is required."],
        "stundas": ["Hours worked is required."],
        "kods": ["The code is wrong."],
        "epasts": ["Give an e-mail address!"],
        "atbilde": ["Atbilde is required."],  # no English label given: the Latvian one shows
    }


def test_form_tables_override_message_keys() -> None:
    data = {"vards": "Jānis", "stundas": 1, "kods": "ABC", "epasts": "a@b.lv", "atbilde": "no"}
    assert check(I18N_FORM, data, "lv").errors == {
        "vards": ["Vārds: pārāk garš teksts (ne vairāk kā 3)."]
    }
    assert check(I18N_FORM, data, "en").errors == {"vards": ["Name is too long (max 3)."]}
    # customMessage replaces every message of its component, and is translated
    wrong_code = {**data, "vards": "J", "kods": "abc"}
    assert check(I18N_FORM, wrong_code, "lv").errors == {"kods": ["Kods nav pareizs."]}
    assert check(I18N_FORM, wrong_code, "en").errors == {"kods": ["The code is wrong."]}
    bad_number = check(I18N_FORM, {**data, "vards": "J", "stundas": "x"}, "lv").errors
    assert bad_number == {"stundas": ["Nostrādātās stundas: jāievada skaitlis."]}


def test_normalize_locale() -> None:
    assert [normalize_locale(x) for x in (None, "", "lv", "LV", "en", "en_US", "en-GB", "ru")] == [
        "lv",
        "lv",
        "lv",
        "lv",
        "en",
        "en",
        "en",
        "lv",
    ]


def test_translate_for_the_renderer() -> None:
    defn = load_definition(
        {
            **I18N_FORM,
            "components": [
                *I18N_FORM["components"],
                {"type": "content", "key": "c", "html": "<p>Sveiki</p>"},
                comp(
                    "textfield", "x", label="Vārds", description="Apraksts", placeholder="Ievadiet"
                ),
            ],
            "i18n": {
                "en": {
                    **I18N_FORM["i18n"]["en"],
                    "<p>Sveiki</p>": "<p>Hello</p>",
                    "Apraksts": "Description",
                    "Ievadiet": "Type here",
                },
            },
            "plus": {
                "key": "t",
                "audience": "client",
                "title": {"lv": "Tests", "en": "Test"},
                "intake": [{"target": "Client.address", "from": "x"}],
            },
        }
    )
    en = translate(defn, "en")
    labels = [c.get("label") for c in en["components"]]
    assert labels[:2] == ["Name", "Stundas"]
    radio = en["components"][4]
    assert [v["label"] for v in radio["values"]] == ["Yes", "No"]
    assert en["components"][5]["html"] == "<p>Hello</p>"
    assert en["components"][6]["description"] == "Description"
    assert en["components"][6]["placeholder"] == "Type here"
    assert en["components"][2]["validate"]["customMessage"] == "The code is wrong."
    assert en["title"] == "Test"
    assert en["plus"] == {"key": "t", "audience": "client", "title": "Test"}
    assert en["i18n"]["lv"]["required"] == "{{field}} ir obligāts lauks."
    lv = translate(defn, "lv")
    assert lv["components"][0]["label"] == "Vārds" and lv["title"] == "Tests"
    assert translate(defn, "en") is not translate(defn, "en")  # callers may change theirs
    tables = renderer_i18n(defn)
    assert tables["lv"]["submit"] == "Iesniegt"
    assert tables["lv"]["required"] == "{{field}} ir obligāts lauks."
    assert tables["en"]["Vārds"] == "Name"


# --------------------------------------------------------------------------------------------
# Intake mappings


def test_check_mapping_reports_unknown_targets_fields_and_sources() -> None:
    known = {"HoursLog": {"work_date", "hours", "assignment_id"}, "Client": {"address"}}
    intake = [
        {
            "target": "HoursLog",
            "each": "hours",
            "fields": {"work_date": "date", "hours": "hours", "assignment_id": {"const": 1}},
        },
        {"target": "Client.address", "from": "note", "mode": "propose"},
        {"target": "Nothing", "fields": {"a": "b"}},
        {"target": "HoursLog", "fields": {"minutes": "date"}},
        {"target": "Client.address", "from": "missing"},
        {"target": "Client.phone", "from": "note", "mode": "shout"},
        {"target": "HoursLog", "each": "note", "fields": {"hours": "hours"}},
        {"target": "HoursLog", "fields": {"hours": {"from": "kind", "map": {"zzz": 1}}}},
        {"target": "HoursLog", "fields": {"hours": "hours"}, "extra": 1},
        "nonsense",
    ]
    defn = load_definition(
        form(
            comp("textfield", "note"),
            comp("radio", "kind", values=options("a")),
            hours_grid(),
            plus={
                "key": "x",
                "audience": "employer",
                "title": {"lv": "x", "en": "x"},
                "intake": intake,
            },
        )
    )
    found = check_mapping(defn, known)
    assert not any(p.startswith(("plus.intake[0]", "plus.intake[1]")) for p in found), found
    expected = [
        "plus.intake[2]: unknown target model 'Nothing'",
        "plus.intake[3]: unknown field HoursLog.minutes",
        "plus.intake[3].fields.minutes: unknown source component 'date'",
        "plus.intake[4]: unknown source component 'missing'",
        "plus.intake[5]: unknown field Client.phone",
        "plus.intake[5]: 'mode' must be one of ['apply', 'propose']",
        "plus.intake[6]: 'each' must name a datagrid, not 'note'",
        "plus.intake[7].fields.hours: 'kind' has no option 'zzz'",
        "plus.intake[8]: unknown key 'extra'",
        "plus.intake[9]: must be an object with a 'target'",
    ]
    for problem in expected:
        assert problem in found, (problem, found)
    assert check_mapping(load_definition(form()), known) == []


# --------------------------------------------------------------------------------------------
# Shipped definitions


EXPECTED_FORMS = {
    "change_of_residence": "client",
    "change_of_workplace_or_school": "client",
    "mediation_application": "client",
    "explanation_of_absence_or_violation": "client",
    "message_to_officer": "client",
    "meeting_place_and_time": "employer",
    "work_schedule_agreement": "employer",
    "hours_worked": "employer",
    "hours_confirmation": "employer",
    "no_show": "employer",
    "work_incident": "employer",
    "priority_works": "employer",
    "vacancy": "employer",
    "task_report": "volunteer",
    "volunteer_monthly_report": "volunteer",
}


def test_all_expected_forms_are_shipped() -> None:
    assert {p.stem for p in SHIPPED} == set(EXPECTED_FORMS)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_definition_loads_and_maps_onto_the_models(path: Path) -> None:
    defn = load_definition(path.read_text(encoding="utf-8"))
    assert defn.plus is not None
    assert defn.plus.key == path.stem
    assert defn.plus.audience == EXPECTED_FORMS[path.stem]
    assert defn.title("lv") and defn.title("en") and defn.title("lv") != defn.title("en")
    assert check_mapping(defn, known_fields()) == []
    assert translate(defn, "en")["components"]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_definition_has_every_text_in_english(path: Path) -> None:
    defn = load_definition(path.read_text(encoding="utf-8"))
    english = defn.i18n["en"]
    missing: list[str] = []

    def visit(components: list[dict[str, Any]]) -> None:
        for c in components:
            texts = [c.get(k) for k in ("label", "title", "description", "placeholder", "html")]
            texts += [o["label"] for o in c.get("values", [])]
            texts += [o["label"] for o in (c.get("data") or {}).get("values", [])]
            texts += list((c.get("errors") or {}).values())
            if c.get("type") in ("content", "columns"):
                texts.remove(c.get("label"))
            missing.extend(t for t in texts if t and t not in english)
            visit(c.get("components", []))
            for column in c.get("columns", []):
                visit(column["components"])

    visit(defn.as_dict()["components"])
    assert missing == []


VALID_SAMPLES: dict[str, dict[str, Any]] = {
    "change_of_residence": {
        "new_address": "Brīvības iela 1-2, Rīga, LV-1010",
        "change_date": "2024-05-01T00:00:00+03:00",
        "declared": "yes",
        "phone": "+371 20000000",
        "comment": "",
        "submit": True,
    },
    "change_of_workplace_or_school": {
        "change_type": "school",
        "school_name": "Rīgas Valsts tehnikums",
        "employer_name": "ignored: hidden",
        "change_date": "2024-09-01T00:00:00+03:00",
    },
    "mediation_application": {
        "role": "victim",
        "reason": "Vēlos atgūt zaudējumus un saņemt atvainošanos.",
        "in_prison": False,
        "contact_ways": {"phone": True, "email": False, "portal": False},
        "phone": "+371 20000000",
        "consent": True,
    },
    "explanation_of_absence_or_violation": {
        "subject": "missed_meeting",
        "event_date": "2024-05-01T00:00:00+03:00",
        "explanation": "Biju slims, pievienoju ārsta zīmi.",
        "has_documents": True,
        "documents": [pdf("zime.pdf")],
    },
    "message_to_officer": {"subject": "Tikšanās", "message": "Vai varam pārcelt tikšanos?"},
    "meeting_place_and_time": {
        "client": "11",
        "proposals": [{"meeting_at": "2024-05-06T10:00:00+03:00"}],
        "place": "Rīgas iela 5, Jelgava",
        "contact_person": "Ilze Ozola",
        "contact_phone": "+371 29999999",
    },
    "work_schedule_agreement": {
        "client": "11",
        "decision": "request_change",
        "change_reason": "Darba vieta slēgta piektdienās.",
    },
    "hours_worked": {
        "hours": [{"client": "11", "date": "2024-05-02T00:00:00+03:00", "hours": 4}],
        "according_to_schedule": "yes",
    },
    "hours_confirmation": {
        "client": "12",
        "schedule_end": "2024-06-30T00:00:00+03:00",
        "total_hours": 120,
        "confirm": True,
    },
    "no_show": {
        "client": "12",
        "event_kind": "left_without_leave",
        "event_date": "2024-05-03T00:00:00+03:00",
        "explanation": "Aizgāja pusdienlaikā un neatgriezās.",
    },
    "work_incident": {
        "client": "12",
        "event_date": "2024-05-03T00:00:00+03:00",
        "description": "Klients strīdējās ar kolēģi.",
        "injuries": False,
    },
    "priority_works": {"works": [{"title": "Parka sakopšana", "period_start": ""}]},
    "vacancy": {"title": "Palīgstrādnieks", "places": 2, "suitable_for_minors": True},
    "task_report": {
        "client": "11",
        "task": "Mentorings",
        "period_start": "2024-05-01T00:00:00+03:00",
        "period_end": "2024-05-31T00:00:00+03:00",
        "meetings": [{"meeting_date": "2024-05-10T00:00:00+03:00", "duration_hours": 1.5}],
        "summary": "Trīs tikšanās, klients sāka mācības.",
    },
    "volunteer_monthly_report": {
        "client": "11",
        "period": {"year": 2024, "month": "may"},
        "activities": [
            {"activity_date": "2024-05-10T00:00:00+03:00", "activity_kind": "meeting", "hours": 2}
        ],
        "support_areas": {"employment": True},
        "topics": ["darba meklēšana"],
        "institutions": ["NVA"],
        "call_minutes": [15],
        "travel_expenses": "3.20",
        "expenses_note": "Autobuss",
        "summary": "Tikāmies vienu reizi, klients meklē darbu.",
    },
}


@pytest.mark.parametrize("name", sorted(EXPECTED_FORMS))
def test_shipped_form_accepts_a_valid_submission(name: str) -> None:
    defn = shipped(name)
    result = validate_submission(defn, VALID_SAMPLES[name], "lv", options=CLIENTS)
    assert result.errors == {}
    assert "submit" not in result.clean_data
    for key in result.clean_data:
        assert key in defn.inputs


def test_shipped_forms_reject_the_obvious() -> None:
    result = validate_submission(shipped("change_of_residence"), {}, "lv")
    assert result.errors == {
        "new_address": ["Jaunās dzīvesvietas adrese ir obligāts lauks."],
        "change_date": ["Dzīvesvietas maiņas datums ir obligāts lauks."],
        "declared": ["Vai jaunā dzīvesvieta ir deklarēta? ir obligāts lauks."],
    }
    phone = {**VALID_SAMPLES["change_of_residence"], "phone": "zvaniet"}
    assert validate_submission(shipped("change_of_residence"), phone, "en").errors == {
        "phone": ["Contact phone must be a phone number, e.g. +371 20000000."]
    }
    hours = {
        "hours": [{"client": "99", "date": "2024-05-02", "hours": 25}],
        "according_to_schedule": "no",
    }
    result = validate_submission(shipped("hours_worked"), hours, "en", options=CLIENTS)
    assert result.errors == {
        "hours[0].client": ["Client is an invalid value."],
        "hours[0].hours": ["Hours cannot be greater than 24."],
        "deviation": ["Deviations from the schedule is required."],
    }
    places = {**VALID_SAMPLES["vacancy"], "places": 1.5}
    assert validate_submission(shipped("vacancy"), places, "en").errors == {
        "places": ["Number of places must be a whole number."]
    }


# --------------------------------------------------------------------------------------------
# Random bad submissions


JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(["", "00/00/0000", "2024-05-01T00:00:00+03:00", "11", "yes", "true"])
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def _bad_submissions(name: str) -> st.SearchStrategy[dict[str, Any]]:
    defn = shipped(name)
    base = VALID_SAMPLES[name]
    keys = sorted(defn.top_keys)

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        data = dict(base)
        for key in draw(st.lists(st.sampled_from(keys), max_size=len(keys), unique=True)):
            data[key] = draw(JSON_VALUES)
        breakage = draw(st.sampled_from(["unknown", "drop_required", "grid_row"]))
        if breakage == "unknown":
            data[draw(st.text(min_size=1, max_size=10).filter(lambda k: k not in keys))] = draw(
                JSON_VALUES
            )
        elif breakage == "drop_required":
            for key in REQUIRED_ALWAYS[name]:
                data.pop(key, None)
        else:
            data[GRIDS[name]] = [*draw(st.lists(JSON_VALUES, min_size=1, max_size=3)), "row"]
        return data

    return build()


REQUIRED_ALWAYS = {"hours_worked": ["hours"], "mediation_application": ["role"]}
GRIDS = {"hours_worked": "hours", "mediation_application": "contact_ways"}


def _assert_clean_data_is_valid(defn: FormDefinition, clean: dict[str, Any]) -> None:
    """Whatever was accepted has the documented clean types."""
    for key, value in clean.items():
        f = defn.inputs[key]
        if f.type == "datagrid":
            assert isinstance(value, list) and all(isinstance(r, dict) for r in value)
        elif f.type in ("textfield", "textarea", "email", "phoneNumber"):
            assert value is None or (isinstance(value, str) and value)
        elif f.type == "checkbox":
            assert isinstance(value, bool)
        elif f.type == "selectboxes":
            assert set(value) == {o.value for o in f.options}
        elif f.type in ("radio", "select"):
            assert value is None or value in {o.value for o in f.options} | {"11", "12"}
        elif f.type == "datetime":
            assert value is None or isinstance(value, dt.date)
        elif f.type == "number":
            assert value is None or isinstance(value, int | Decimal)


@pytest.mark.parametrize("name", ["hours_worked", "mediation_application"])
def test_random_bad_submissions_fail_cleanly(name: str) -> None:
    defn = shipped(name)
    tried: list[int] = []

    @settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_bad_submissions(name), st.sampled_from(["lv", "en"]))
    def run(data: dict[str, Any], locale: str) -> None:
        tried.append(1)
        result = validate_submission(defn, data, locale, options=CLIENTS)
        assert isinstance(result, ValidationResult)
        assert result.errors, data
        assert result.clean_data == {}
        for path, messages in result.errors.items():
            assert isinstance(path, str) and messages
            assert all(isinstance(m, str) and m and "{{" not in m for m in messages)

    run()
    assert len(tried) >= 500  # two forms: at least 1,000 bad submissions in all


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.sampled_from(["hours_worked", "change_of_residence", "task_report"]),
    st.dictionaries(st.text(max_size=12), JSON_VALUES, max_size=6),
)
def test_random_submissions_never_crash_and_accepted_data_is_clean(
    name: str, noise: dict[str, Any]
) -> None:
    defn = shipped(name)
    data = {**VALID_SAMPLES[name], **noise}
    result = validate_submission(defn, data, "en", options=CLIENTS)
    assert bool(result.errors) != bool(result.clean_data)
    _assert_clean_data_is_valid(defn, result.clean_data)


SETTING_NAMES = st.sampled_from(
    [
        "label",
        "validate",
        "conditional",
        "values",
        "data",
        "defaultValue",
        "hidden",
        "multiple",
        "errors",
        "html",
        "fields",
        "plus",
        "dataSrc",
        "filePattern",
        "fileMaxSize",
        "inputMask",
        "action",
        "decimalLimit",
        "required",
        "minLength",
        "pattern",
        "min",
        "max",
        "when",
        "eq",
        "show",
        "conjunction",
        "conditions",
        "component",
        "operator",
        "value",
        "options",
    ]
)
SETTINGS = st.recursive(
    JSON_SCALARS | st.sampled_from(["values", "url", "all", "isEqual", "10MB", "[0-9]+", "a"]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(SETTING_NAMES, children, max_size=4)
    ),
    max_leaves=15,
)


@st.composite
def random_component(draw: st.DrawFn, depth: int = 0) -> dict[str, Any]:
    component = {
        "type": draw(st.sampled_from([*sorted(SUPPORTED_TYPES), "signature", "component", None])),
        "key": draw(st.sampled_from(["a", "b", "c", "bad key", None])),
        **draw(st.dictionaries(SETTING_NAMES, SETTINGS, max_size=4)),
    }
    if depth < 2 and draw(st.booleans()):
        component["components"] = draw(st.lists(random_component(depth + 1), max_size=3))
    if depth < 2 and draw(st.integers(0, 4)) == 0:
        component["columns"] = [{"components": draw(st.lists(random_component(depth + 1)))}]
    return component


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(random_component(), max_size=4), JSON_VALUES)
def test_random_definitions_load_or_are_refused_cleanly(
    components: list[dict[str, Any]], data: Any
) -> None:
    try:
        defn = load_definition(form(*components))
    except DefinitionError as exc:
        assert exc.problems and all(isinstance(p, str) and ": " in p for p in exc.problems)
        return
    allowed = {source: ["x"] for source in defn.option_sources}
    result = validate_submission(
        defn, data if isinstance(data, dict) else {"a": data}, options=allowed
    )
    assert bool(result.errors) or isinstance(result.clean_data, dict)


# --------------------------------------------------------------------------------------------
# Performance


def test_validating_a_500_row_datagrid_is_quick() -> None:
    defn = shipped("hours_worked")
    rows = [
        {"client": "11" if i % 2 else "12", "date": f"2024-05-{i % 28 + 1:02d}", "hours": 7.5}
        for i in range(500)
    ]
    data = {"hours": rows, "according_to_schedule": "yes", "submit": True}
    started = time.perf_counter()
    result = validate_submission(defn, data, "lv", options=CLIENTS)
    elapsed = time.perf_counter() - started
    assert result.ok and len(result.clean_data["hours"]) == 500
    print(f"500-row datagrid validated in {elapsed * 1000:.1f} ms")


def test_datetime_date_bounds_today_and_fixed() -> None:
    """``datePicker.maxDate: "moment()"`` is today on the server too; a fixed ISO date holds."""
    today = dt.date(2026, 3, 14)
    defn = form(comp("datetime", "day", "Datums", enableTime=False,
                     datePicker={"maxDate": "moment()", "minDate": "2026-01-01"},
                     widget={"type": "calendar", "maxDate": "moment()"}))
    assert check(defn, {"day": "2026-03-14T00:00:00+02:00"}, today=today).errors == {}
    later = check(defn, {"day": "2026-03-15T00:00:00+02:00"}, today=today).errors
    assert later == {"day": ["Datums should not contain date after 14.03.2026."]}
    lv = check(defn, {"day": "2026-03-15"}, "lv", today=today).errors
    assert lv == {"day": ["Datums: datums nedrīkst būt vēlāks par 14.03.2026."]}
    early = check(defn, {"day": "2025-12-31"}, "lv", today=today).errors
    assert early == {"day": ["Datums: datums nedrīkst būt agrāks par 01.01.2026."]}
