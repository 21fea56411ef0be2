"""Form builder breadth in the server-side engine: JSON Logic, editgrid, container, currency,
multiple values, tags, word and selection counts (issue 12).

The verdicts of @formio/js itself for these features are in tests/data/formio_verdicts.json
(tests/unit/test_formio_verdicts.py); these tests pin the server's own rules and messages.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from portal.formsengine import load_definition, validate_submission
from tests.unit.test_formsengine import check, comp, form, options, problems, required

SUM_HOURS = {"reduce": [{"var": "data.rows"}, {"+": [{"var": "accumulator"},
                                                      {"var": "current.hours"}]}, 0]}


# --------------------------------------------------------------------------------------------
# JSON Logic


def test_json_logic_condition_shows_and_hides() -> None:
    defn = form(
        comp("radio", "employed", values=options("yes", "no")),
        required("textfield", "employer",
                 conditional={"json": {"==": [{"var": "data.employed"}, "yes"]}}),
    )
    assert check(defn, {"employed": "yes"}).errors == {"employer": ["Employer is required."]}
    assert check(defn, {"employed": "no", "employer": "SIA X"}).clean_data == {"employed": "no"}
    assert check(defn, {"employed": "yes", "employer": "SIA X"}).ok


def test_logic_depending_on_logic_settles() -> None:
    """A calculated value feeds a condition that hides a field another condition reads."""
    defn = form(
        comp("number", "a"),
        comp("number", "b"),
        comp("number", "total", calculateValue={"+": [{"var": "data.a"}, {"var": "data.b"}]}),
        required("textfield", "why", conditional={"json": {">": [{"var": "data.total"}, 10]}}),
        required("textfield", "who", conditional={"json": {"!!": [{"var": "data.why"}]}}),
    )
    assert check(defn, {"a": 1, "b": 2}).clean_data == {"a": 1, "b": 2, "total": 3}
    assert set(check(defn, {"a": 6, "b": 5}).errors) == {"why"}
    assert set(check(defn, {"a": 6, "b": 5, "why": "x"}).errors) == {"who"}
    # The submitted total is ignored: the server recomputes it.
    assert check(defn, {"a": 1, "b": 2, "total": 999}).clean_data["total"] == 3


def test_calculated_total_of_a_grid_and_rows() -> None:
    defn = form(
        comp("datagrid", "rows", components=[
            comp("number", "qty"), comp("currency", "price"),
            comp("currency", "amount",
                 calculateValue={"*": [{"var": "row.qty"}, {"var": "row.price"}]}),
        ]),
        comp("currency", "total", calculateValue={"reduce": [
            {"var": "data.rows"}, {"+": [{"var": "accumulator"}, {"var": "current.amount"}]}, 0]}),
    )
    rows = [{"qty": 3, "price": 0.1}, {"qty": 1, "price": 0.2}]
    clean = check(defn, {"rows": rows}).clean_data
    assert [r["amount"] for r in clean["rows"]] == [Decimal("0.30"), Decimal("0.20")]
    assert clean["total"] == Decimal("0.50")  # never 0.5000000000000001


def test_validate_json_true_passes_text_is_the_message() -> None:
    rule = {"if": [{"==": [{"var": "input"}, "Bob"]}, True, "Your name must be Bob"]}
    defn = form(comp("textfield", "name", validate={"json": rule}))
    assert check(defn, {"name": "Bob"}).ok
    assert check(defn, {"name": "Ann"}).errors == {"name": ["Your name must be Bob"]}
    rows = form(comp("datagrid", "g", components=[
        comp("number", "from"),
        comp("number", "to", validate={"json": {">=": [{"var": "input"}, {"var": "row.from"}]}}),
    ]))
    result = check(rows, {"g": [{"from": 1, "to": 2}, {"from": 5, "to": 2}]}, "lv")
    assert result.errors == {"g[1].to": ["To: vērtība neatbilst nosacījumam."]}


def test_json_logic_reads_only_what_the_server_has() -> None:
    for rule in ({"var": "instance.root"}, {"var": "form.title"}, {"var": ""}):
        found = problems(form(comp("textfield", "a", conditional={"json": rule})))
        assert len(found) == 1 and "only data.<key>" in found[0], found
    found = problems(form(comp("textfield", "a", calculateValue={"now": []})))
    assert found == ["a: 'calculateValue' uses operators the renderer does not have: now"]


# --------------------------------------------------------------------------------------------
# Components


def test_container_holds_its_own_scope() -> None:
    box = comp("container", "address", components=[
        required("textfield", "street"),
        comp("textfield", "flat", conditional={"json": {"==": [{"var": "row.street"}, "X"]}}),
    ])
    defn = form(comp("checkbox", "moved"),
                {**box, "conditional": {"json": {"var": "data.moved"}}})
    assert check(defn, {"moved": False, "address": {"street": ""}}).clean_data == {"moved": False}
    assert check(defn, {"moved": True, "address": {"street": ""}}).errors == {
        "address.street": ["Street is required."]
    }
    ok = check(defn, {"moved": True, "address": {"street": "X", "flat": "5"}})
    assert ok.clean_data == {"moved": True, "address": {"street": "X", "flat": "5"}}
    assert check(defn, {"moved": True, "address": {"street": "Y", "flat": "5"}}).clean_data[
        "address"] == {"street": "Y"}
    assert check(defn, {"moved": True, "address": "x"}).errors == {
        "address": ["Address has an invalid value."]}
    assert "_form" in check(defn, {"moved": True, "address": {"street": "Y", "zz": 1}}).errors


def test_editgrid_rows_are_validated_like_a_datagrid() -> None:
    defn = form(comp("editgrid", "people", validate={"minLength": 1, "maxLength": 2},
                     components=[required("textfield", "name"), comp("number", "age")]))
    assert check(defn, {"people": [{"name": "A", "age": "30"}]}).clean_data == {
        "people": [{"name": "A", "age": 30}]}
    assert check(defn, {"people": [{"name": " ", "age": 1}]}).errors == {
        "people[0].name": ["Name is required."]}
    assert check(defn, {"people": []}).errors == {"people": ["People must have at least 1 rows."]}
    found = problems(form(comp("editgrid", "g", validate={"row": "valid = true"},
                               components=[comp("textfield", "x")])))
    assert len(found) == 1 and "validate.row" in found[0] and "JSON Logic" in found[0]
    assert "rowDrafts" in problems(form(comp("editgrid", "g", rowDrafts=True,
                                             components=[comp("textfield", "x")])))[0]


def test_currency_in_cents_without_float_errors() -> None:
    defn = form(required("currency", "fee", validate={"min": 0}))
    assert check(defn, {"fee": 12.5}).clean_data == {"fee": Decimal("12.50")}
    assert check(defn, {"fee": "0.1"}).clean_data == {"fee": Decimal("0.10")}
    assert check(defn, {"fee": 7}).clean_data == {"fee": 7}
    assert check(defn, {"fee": 1.005}).errors == {
        "fee": ["Fee may have at most 2 decimal places."]}
    assert check(defn, {"fee": -1}).errors == {"fee": ["Fee cannot be less than 0."]}


def test_multiple_values_check_every_item() -> None:
    defn = form(
        required("textfield", "phones", multiple=True,
                 validate={"required": True, "maxLength": 4, "pattern": "[0-9]+"}),
        comp("number", "sizes", multiple=True, validate={"max": 10}),
    )
    assert check(defn, {"phones": ["12", "345"], "sizes": [1, "2"]}).clean_data == {
        "phones": ["12", "345"], "sizes": [1, 2]}
    assert check(defn, {"phones": []}).errors == {"phones": ["Phones is required."]}
    assert check(defn, {"phones": [""]}).errors == {"phones": ["Phones is required."]}
    assert set(check(defn, {"phones": ["12", "12345"]}).errors) == {"phones"}
    assert set(check(defn, {"phones": ["1a"]}).errors) == {"phones"}
    assert set(check(defn, {"phones": ["1"], "sizes": [1, 11]}).errors) == {"sizes"}
    assert check(defn, {"phones": "12"}).errors == {"phones": ["Phones must be an array."]}


def test_tags_as_text_or_list() -> None:
    text = form(required("tags", "skills", maxTags=2))
    assert check(text, {"skills": "a,b"}).clean_data == {"skills": "a,b"}
    assert check(text, {"skills": ""}).errors == {"skills": ["Skills is required."]}
    assert check(text, {"skills": "a,b,c"}).errors == {
        "skills": ["Skills may have no more than 2 tags."]}
    listed = form(comp("tags", "skills", storeas="array"))
    assert check(listed, {"skills": ["a", "b"]}).clean_data == {"skills": ["a", "b"]}
    assert check(listed, {"skills": "a"}).errors == {"skills": ["Skills must be an array."]}


# --------------------------------------------------------------------------------------------
# Validations


def test_word_counts() -> None:
    defn = form(comp("textarea", "story", validate={"minWords": 2, "maxWords": "3"}))
    assert check(defn, {"story": "  two\twords\n"}).ok
    assert check(defn, {"story": ""}).ok  # empty skips the counts
    assert check(defn, {"story": "one"}).errors == {
        "story": ["Story must have at least 2 words."]}
    assert check(defn, {"story": "a b c d"}).errors == {
        "story": ["Story must have no more than 3 words."]}


def test_selected_counts() -> None:
    defn = form(comp("selectboxes", "days", values=options("mo", "tu", "we"),
                     validate={"minSelectedCount": 2, "maxSelectedCount": 2}))
    assert check(defn, {"days": {"mo": True, "tu": True}}).ok
    assert check(defn, {"days": {}}).ok  # nothing ticked: the counts are not checked
    assert set(check(defn, {"days": {"mo": True}}).errors) == {"days"}
    assert set(check(defn, {"days": {"mo": True, "tu": True, "we": True}}).errors) == {"days"}
    custom = form(comp("selectboxes", "d", values=options("a", "b"),
                       validate={"minSelectedCount": 2}, minSelectedCountMessage="Two please"))
    assert check(custom, {"d": {"a": True}}).errors == {"d": ["Two please"]}


def test_unique_is_a_field_rule_left_to_the_submission_service() -> None:
    defn = load_definition(form(comp("textfield", "code", unique=True)))
    assert defn.inputs["code"].unique
    assert validate_submission(defn, {"code": "A1"}).ok
    grid = form(comp("datagrid", "g", components=[comp("textfield", "x", unique=True)]))
    assert "'unique'" in problems(grid)[0]


BREADTH_VALID = {
    "rows": [{"hours": 2, "note": "a"}, {"hours": "1.5"}],
    "box": {"street": "Brīvības 1"},
    "tags": "a,b",
    "phones": ["123"],
    "fee": 12.5,
    "days": {"a": True, "b": True},
}


def test_bad_submissions_of_the_new_components_fail_cleanly() -> None:
    """Hypothesis: a valid submission broken in any one new component is refused with
    errors on that component (or the form), never accepted and never a crash."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tests.unit.test_formsengine import JSON_VALUES

    defn = load_definition(BREADTH_FORM)
    assert validate_submission(defn, BREADTH_VALID).ok
    breakages = {
        "rows": st.one_of(
            st.lists(st.fixed_dictionaries({"hours": st.sampled_from(["x", [1], True, {}])}),
                     min_size=1, max_size=3),
            st.lists(JSON_VALUES.filter(lambda v: not isinstance(v, dict)), min_size=1),
            st.text(min_size=1)),
        "box": st.one_of(st.just({"street": "  "}), st.just({}),
                         JSON_VALUES.filter(lambda v: not isinstance(v, dict | type(None)))
                         .filter(lambda v: v != "")),
        "tags": st.one_of(st.just("a,b,c,d"), st.integers(), st.lists(st.text(), min_size=1)),
        "phones": st.one_of(st.just(["1234"]), st.just("123"), st.just([["1"]]),
                            st.just([5])),
        "fee": st.one_of(st.sampled_from([1.005, "1,5", True, [1]]), st.text(min_size=1)
                         .filter(lambda t: not _numeric(t))),
        "days": st.one_of(st.just({"a": True}), st.just({"zz": True}), st.just({"a": 1})),
    }

    @settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(sorted(breakages)).flatmap(
        lambda key: st.tuples(st.just(key), breakages[key])), st.sampled_from(["lv", "en"]))
    def run(broken: tuple[str, Any], locale: str) -> None:
        key, value = broken
        result = validate_submission(defn, {**BREADTH_VALID, key: value}, locale)
        assert result.errors and not result.clean_data, (key, value)
        roots = {p.split(".")[0].split("[")[0] for p in result.errors}
        assert roots <= {key, "_form", "total", "box"}, (key, value, result.errors)
        assert all(m and "{{" not in m for ms in result.errors.values() for m in ms)

    run()


def _numeric(text: str) -> bool:
    from portal.formsengine.validation import _NUMERIC_RE

    return bool(_NUMERIC_RE.match(text))


def test_random_components_never_crash() -> None:
    from hypothesis import HealthCheck, given, settings

    from tests.unit.test_formsengine import JSON_VALUES

    defn = load_definition(BREADTH_FORM)

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(JSON_VALUES, JSON_VALUES, JSON_VALUES)
    def run(a: Any, b: Any, c: Any) -> None:
        for data in ({"rows": a, "box": b, "tags": c}, {"phones": a, "fee": b, "days": c}, a):
            result = validate_submission(defn, data, "lv")
            assert result.ok or (result.errors and not result.clean_data)

    run()


BREADTH_FORM = form(
    comp("editgrid", "rows", components=[comp("number", "hours"), comp("textfield", "note")]),
    comp("number", "total", calculateValue=SUM_HOURS),
    comp("container", "box", components=[required("textfield", "street")],
         conditional={"json": {">": [{"var": "data.total"}, 1]}}),
    comp("tags", "tags", maxTags=3),
    comp("textfield", "phones", multiple=True, validate={"maxLength": 3}),
    comp("currency", "fee"),
    comp("selectboxes", "days", values=options("a", "b", "c"),
         validate={"minSelectedCount": 2}),
)
