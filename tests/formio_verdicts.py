"""Regenerate tests/data/formio_verdicts.json: what the official @formio/js says of each case.

    .venv/bin/python -m tests.formio_verdicts          # rewrites tests/data/formio_verdicts.json

For every feature below (a definition and submissions), the vendored @formio/js 5.6.0 renders
the form in Chromium (/usr/bin/chromium, Playwright; nothing is downloaded, every request
outside the page's own static files is aborted), takes the submission as
``form.submission = {data}`` does, and is asked for its verdict with ``checkValidity`` and
``submit()``. Kept per case: ``posted`` (the data as the renderer would post it, with its own
calculated values and normalisations), ``valid`` and ``keys`` (the paths of the failing
components, e.g. ``rows[2].hours``, ``box.street``).

``tests/unit/test_formio_verdicts.py`` and ``tests/integration/test_formio_verdicts_api.py``
assert that the server agrees, through the engine, the submission API and the server-rendered
form. A case marked ``stricter`` is one where the server deliberately refuses what the
renderer lets through (each listed with its reason in formdefs/README.md); there the data
keeps the renderer's verdict and the server's expected failing keys.
"""

from __future__ import annotations

import json
import mimetypes
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "portal" / "static"
OUT = ROOT / "tests" / "data" / "formio_verdicts.json"
ORIGIN = "http://verdicts.invalid"
CHROMIUM = "/usr/bin/chromium"
PAGE = """<!doctype html><html><head><meta charset="utf-8">
<script src="/static/vendor/formio/formio.full.min.js"></script>
<script src="/static/formio_local.js"></script></head><body><div id="f"></div></body></html>"""

# Runs in the page: render, take the data, settle, then ask for the verdict.
VERDICT_JS = """async ([defn, data]) => {
  const el = document.getElementById('f');
  el.innerHTML = '';
  const form = await Formio.createForm(el, defn, {});
  form.submission = {data: data};
  await form.submissionReady;
  // Calculated values and conditions settle over a few change rounds: wait until the data
  // stays the same for half a second (at most five seconds).
  let last = '', same = 0;
  for (let i = 0; i < 50 && same < 5; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const now = JSON.stringify(form.submission.data);
    same = now === last ? same + 1 : 0;
    last = now;
  }
  const posted = JSON.parse(JSON.stringify(form.submission.data));
  form.checkValidity(null, true, null, false);
  let errors = [];
  try { await form.submit(); } catch (e) { errors = Array.isArray(e) ? e : [e]; }
  const keys = [...new Set(errors.map((x) => (x.context && x.context.path) || null)
                                 .filter((p) => p))].sort();
  form.destroy();
  return {posted: posted, valid: errors.length === 0, keys: keys};
}"""


def _c(ctype: str, key: str, label: str, **kw: Any) -> dict[str, Any]:
    return {"type": ctype, "key": key, "label": label, "input": True, **kw}


def _req(ctype: str, key: str, label: str, **kw: Any) -> dict[str, Any]:
    validate = {"required": True, **kw.pop("validate", {})}
    return _c(ctype, key, label, validate=validate, **kw)


def _form(*components: dict[str, Any]) -> dict[str, Any]:
    return {"display": "form", "components": list(components)}


_PER_ITEM = ("length and pattern of each item of a multiple text field (@formio/js 5.6.0 does "
             "not apply them to the items of a posted list)")
_YES_NO = [{"label": "Jā", "value": "yes"}, {"label": "Nē", "value": "no"}]
_DAYS = [{"label": d, "value": d} for d in ("mo", "tu", "we", "th")]
_SUM = {"reduce": [{"var": "data.rows"},
                   {"+": [{"var": "accumulator"}, {"var": "current.hours"}]}, 0]}

#: name -> (definition, [(case name, data, stricter reason or None, server keys if stricter)])
FEATURES: dict[str, tuple[dict[str, Any], list[tuple[str, Any, str | None, list[str]]]]] = {
    "required_whitespace": (
        _form(_req("textfield", "name", "Vārds"), _req("textarea", "story", "Apraksts")),
        [
            ("spaces", {"name": "   ", "story": "Teksts"}, None, []),
            ("tabs_newlines", {"name": "Anna", "story": "\t\n \r\n"}, None, []),
            ("text", {"name": " Anna ", "story": "Teksts"}, None, []),
        ],
    ),
    "number_text": (
        _form(_req("number", "hours", "Stundas", validate={"min": 0, "max": 24}),
              _c("number", "extra", "Papildu")),
        [
            ("zero_as_text", {"hours": "0", "extra": "0"}, None, []),
            ("decimal_as_text", {"hours": "7.5"}, None, []),
            ("number", {"hours": 8, "extra": 2}, None, []),
            ("too_many", {"hours": 25}, None, []),
            ("missing", {"hours": None}, None, []),
        ],
    ),
    "json_condition": (
        _form(
            _c("radio", "employed", "Strādā", values=_YES_NO),
            _req("textfield", "employer", "Darba devējs",
                 conditional={"json": {"==": [{"var": "data.employed"}, "yes"]}}),
        ),
        [
            ("shown_missing", {"employed": "yes"}, None, []),
            ("shown_given", {"employed": "yes", "employer": "SIA Koks"}, None, []),
            ("hidden", {"employed": "no", "employer": ""}, None, []),
        ],
    ),
    "validate_json": (
        _form(
            _c("number", "from_hour", "No"),
            _c("number", "to_hour", "Līdz", validate={"json": {"if": [
                {">": [{"var": "input"}, {"var": "data.from_hour"}]}, True,
                "Beigām jābūt pēc sākuma"]}}),
        ),
        [
            ("after", {"from_hour": 8, "to_hour": 12}, None, []),
            ("before", {"from_hour": 8, "to_hour": 6}, None, []),
        ],
    ),
    "logic_on_logic": (
        _form(
            _c("number", "a", "A"),
            _c("number", "b", "B"),
            _c("number", "total", "Kopā", calculateValue={"+": [{"var": "data.a"},
                                                               {"var": "data.b"}]}),
            _req("textfield", "why", "Kāpēc",
                 conditional={"json": {">": [{"var": "data.total"}, 10]}}),
            _req("textfield", "who", "Kas",
                 conditional={"json": {"==": [{"var": "data.why"}, "cits"]}}),
        ),
        [
            ("small_total", {"a": 1, "b": 2}, None, []),
            ("large_total_no_reason", {"a": 6, "b": 5}, None, []),
            ("reason_needs_who", {"a": 6, "b": 5, "why": "cits"}, None, []),
            ("all_given", {"a": 6, "b": 5, "why": "cits", "who": "Anna"}, None, []),
            ("wrong_total_sent", {"a": 1, "b": 1, "total": 50}, None, []),
        ],
    ),
    "editgrid_total": (
        _form(
            _c("editgrid", "rows", "Darba stundas", validate={"minLength": 1}, components=[
                _req("textfield", "task", "Darbs"),
                _req("number", "hours", "Stundas", validate={"min": 0, "max": 24}),
            ]),
            _c("number", "total", "Kopā stundas", calculateValue=_SUM),
            _req("textfield", "note", "Piezīme",
                 conditional={"json": {">": [{"var": "data.total"}, 40]}}),
        ),
        [
            ("three_rows", {"rows": [{"task": "a", "hours": 8}, {"task": "b", "hours": 4},
                                     {"task": "c", "hours": "2"}]}, None, []),
            ("no_rows", {"rows": []}, "fewer editgrid rows than validate.minLength (@formio/js "
             "5.6.0 does not check it on an editgrid)", ["rows"]),
            ("bad_row", {"rows": [{"task": "a", "hours": 8}, {"task": "", "hours": 30}]},
             None, []),
            ("total_shows_note", {"rows": [{"task": "a", "hours": 24}, {"task": "b", "hours": 24}]},
             None, []),
            ("row_removed", {"rows": [{"task": "a", "hours": 20}]}, None, []),
        ],
    ),
    "container": (
        _form(
            _c("checkbox", "moved", "Pārcēlos"),
            _c("container", "address", "Adrese",
               conditional={"json": {"==": [{"var": "data.moved"}, True]}}, components=[
                   _req("textfield", "street", "Iela"),
                   _c("textfield", "flat", "Dzīvoklis", validate={"maxLength": 5}),
               ]),
        ),
        [
            ("hidden", {"moved": False, "address": {"street": ""}}, None, []),
            ("shown_missing", {"moved": True, "address": {"street": ""}}, None, []),
            ("shown_given", {"moved": True, "address": {"street": "Brīvības 1", "flat": "5"}},
             None, []),
            ("shown_too_long", {"moved": True, "address": {"street": "B", "flat": "123456"}},
             None, []),
        ],
    ),
    "currency": (
        _form(_req("currency", "fee", "Maksa", currency="EUR", validate={"min": 0}),
              _c("currency", "deposit", "Drošības nauda", currency="EUR")),
        [
            ("euros_cents", {"fee": 12.5, "deposit": 0.1}, None, []),
            ("text", {"fee": "0.30"}, None, []),
            ("negative", {"fee": -1}, None, []),
            ("missing", {"fee": None}, None, []),
            ("sub_cent", {"fee": 1.005}, "more decimals than decimalLimit (2 for currency)",
             ["fee"]),
        ],
    ),
    "multiple": (
        _form(
            _req("textfield", "phones", "Tālruņi", multiple=True,
                 validate={"required": True, "maxLength": 8, "pattern": "[0-9 ]+"}),
            _c("number", "sizes", "Izmēri", multiple=True, validate={"max": 10}),
        ),
        [
            ("valid", {"phones": ["20000000", "2611 111"], "sizes": [1, 2]}, None, []),
            ("none", {"phones": []}, None, []),
            ("too_long_item", {"phones": ["20000000", "123456789"]}, _PER_ITEM, ["phones"]),
            ("pattern_item", {"phones": ["2000a"]}, _PER_ITEM, ["phones"]),
            ("number_item_too_big", {"phones": ["1"], "sizes": [1, 11]}, None, []),
        ],
    ),
    "tags": (
        _form(_req("tags", "skills", "Prasmes", maxTags=3),
              _c("tags", "langs", "Valodas", storeas="array")),
        [
            ("given", {"skills": "mūrēšana,krāsošana", "langs": ["lv", "en"]}, None, []),
            ("missing", {"skills": ""}, None, []),
            ("too_many", {"skills": "a,b,c,d"}, "more tags than maxTags (the builder's input "
             "stops at maxTags; a posted list longer than that is not the builder's form)",
             ["skills"]),
        ],
    ),
    "words": (
        _form(_c("textarea", "story", "Apraksts", validate={"minWords": 3, "maxWords": 5})),
        [
            ("enough", {"story": "trīs vārdi šeit"}, None, []),
            ("too_few", {"story": "divi vārdi"}, None, []),
            ("too_many", {"story": "viens divi trīs četri pieci seši"}, None, []),
            ("empty", {"story": ""}, None, []),
        ],
    ),
    "selected_count": (
        _form(
            _c("selectboxes", "days", "Dienas", values=_DAYS,
               validate={"minSelectedCount": 2, "maxSelectedCount": 3}),
            _req("textfield", "name", "Vārds"),
        ),
        [
            ("within", {"days": {"mo": True, "tu": True}, "name": "A"}, None, []),
            ("none_ticked", {"days": {}, "name": "A"}, None, []),
            ("too_few_with_other_error", {"days": {"mo": True}, "name": ""}, None, []),
            ("too_few_alone", {"days": {"mo": True}, "name": "A"},
             "fewer ticked than minSelectedCount (@formio/js reports it only beside another "
             "error)", ["days"]),
            ("too_many_alone", {"days": {"mo": True, "tu": True, "we": True, "th": True},
                                "name": "A"},
             "more ticked than maxSelectedCount (@formio/js reports it only beside another "
             "error)", ["days"]),
        ],
    ),
    "strict": (
        _form(
            _c("select", "kind", "Veids", data={"values": _YES_NO}),
            _c("number", "hours", "Stundas", decimalLimit=1),
            _c("datagrid", "rows", "Rindas", validate={"maxLength": 2},
               components=[_c("textfield", "x", "X")]),
        ),
        [
            ("all_within", {"kind": "yes", "hours": 1.5, "rows": [{"x": "a"}]}, None, []),
            ("option_not_listed", {"kind": "maybe"}, "an option value that is not in the list",
             ["kind"]),
            ("too_many_decimals", {"hours": 1.25}, "more decimals than decimalLimit", ["hours"]),
            ("too_many_rows", {"rows": [{"x": "a"}, {"x": "b"}, {"x": "c"}]},
             "more datagrid rows than validate.maxLength", ["rows"]),
        ],
    ),
}


def _serve(route: Any) -> None:
    url = route.request.url
    if url == ORIGIN + "/":
        route.fulfill(body=PAGE, content_type="text/html; charset=utf-8")
        return
    if url.startswith(ORIGIN + "/static/"):
        path = (STATIC / url[len(ORIGIN + "/static/"):].split("?")[0]).resolve()
        if path.is_file() and STATIC.resolve() in path.parents:
            kind = mimetypes.guess_type(str(path))[0] or "application/octet-stream"
            route.fulfill(body=path.read_bytes(), content_type=kind)
            return
    route.abort()


def generate() -> dict[str, Any]:
    """Every feature's cases with the renderer's verdict, computed now in Chromium."""
    from playwright.sync_api import sync_playwright

    out: dict[str, Any] = {"renderer": _renderer_version(), "features": {}}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context()
        context.route("**/*", _serve)
        page = context.new_page()
        page.goto(ORIGIN + "/")
        for name, (definition, cases) in FEATURES.items():
            rows = []
            for case, data, stricter, server_keys in cases:
                verdict = page.evaluate(VERDICT_JS, [definition, data])
                row = {"name": case, "data": data, **verdict}
                if stricter:
                    row["stricter"] = stricter
                    row["server_keys"] = server_keys
                rows.append(row)
            out["features"][name] = {"definition": definition, "cases": rows}
        browser.close()
    return out


def _renderer_version() -> str:
    versions = (STATIC / "vendor" / "VERSIONS.txt").read_text(encoding="utf-8")
    return next((line.strip() for line in versions.splitlines() if "formio/js" in line),
                "@formio/js")


def main() -> int:
    data = generate()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    total = sum(len(f["cases"]) for f in data["features"].values())
    print(f"{OUT.relative_to(ROOT)}: {len(data['features'])} features, {total} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
