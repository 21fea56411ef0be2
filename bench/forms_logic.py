"""Server validation and rendering of large forms beside @formio/js in Chromium, same run.

    python -m bench.forms_logic [--rows 500] [--repeat 7] [--browser-repeat 3]

Two forms, each filled with ``--rows`` rows:

* **hours report**: the shipped ``hours_worked`` form (a datagrid of client, date, hours);
* **editgrid + total**: an editgrid of task and hours whose total is a JSON Logic
  ``calculateValue`` (``reduce`` over the rows) and a note a JSON Logic condition requires
  above 40 hours.

For each: the server's ``formsengine.validate_submission`` (with its calculated values), the
server rendering of the filled form body (``formview.build_view`` + the ``_formio.html``
templates, as the no-JavaScript portal page draws it), and, in Chromium (/usr/bin/chromium)
on the same machine in the same run, the vendored ``@formio/js`` 5.6.0 creating the form,
taking the same data and validating it (``createForm`` + ``submission`` + ``checkValidity``,
timed in the page with ``performance.now()`` until calculated values settled). The raw
baseline is ``json.loads`` of the submission (the least any server spends on it). Medians
and p95 are printed and written to ``bench/RESULTS-forms-logic.md``. Needs no database: the
app runs on a throw-away SQLite file only to render templates.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("RESULTS-forms-logic.md")
CLIENTS = [(str(i), f"Klients {i}") for i in range(1, 21)]

EDITGRID_FORM: dict[str, Any] = {"display": "form", "components": [
    {"type": "editgrid", "key": "rows", "label": "Darbi", "input": True, "components": [
        {"type": "textfield", "key": "task", "label": "Darbs", "input": True,
         "validate": {"required": True, "maxLength": 200}},
        {"type": "number", "key": "hours", "label": "Stundas", "input": True,
         "validate": {"required": True, "min": 0, "max": 24}},
    ]},
    {"type": "number", "key": "total", "label": "Kopā", "input": True, "calculateValue": {
        "reduce": [{"var": "data.rows"},
                   {"+": [{"var": "accumulator"}, {"var": "current.hours"}]}, 0]}},
    {"type": "textarea", "key": "note", "label": "Piezīme", "input": True,
     "validate": {"required": True}, "conditional": {"json": {">": [{"var": "data.total"}, 40]}}},
]}


def hours_data(rows: int) -> dict[str, Any]:
    return {"hours": [{"client": CLIENTS[i % len(CLIENTS)][0],
                       "date": f"2026-11-{1 + i % 28:02d}T00:00:00+02:00", "hours": 1 + i % 8}
                      for i in range(rows)],
            "according_to_schedule": "yes"}


def editgrid_data(rows: int) -> dict[str, Any]:
    return {"rows": [{"task": f"Darbs {i}", "hours": 1 + i % 8} for i in range(rows)],
            "note": "Daudz darba."}


def timed(fn: Callable[[], Any], n: int) -> list[float]:
    fn()  # warm caches (parsed definitions, compiled rules, templates)
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def server_times(rows: int, repeat: int) -> dict[str, dict[str, list[float]]]:
    """Validation and render times of both forms on the server (seconds)."""
    from portal import create_app
    from portal import formsengine as fe
    from portal.public import formstate, formview

    hours_defn = fe.load_definition((ROOT / "formdefs" / "hours_worked.json").read_text())
    forms = {
        "hours report": (hours_defn, hours_data(rows), {"linked_clients": CLIENTS}),
        "editgrid + total": (fe.load_definition(EDITGRID_FORM), editgrid_data(rows), None),
    }
    tmp = Path(tempfile.mkdtemp(prefix="plus-bench-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.db'}",
                      "SECRET_KEY": "bench-only", "WTF_CSRF_ENABLED": False,
                      "UPLOAD_FOLDER": str(tmp / "documents"), "REDIS_URL": "",
                      "SERVER_NAME": None})
    out: dict[str, dict[str, list[float]]] = {}
    with app.test_request_context("/portal/forms/bench"):
        template = app.jinja_env.from_string(
            '{% import "portal/_formio.html" as f %}'
            "{% for n in view.nodes %}{{ f.render(n) }}{% endfor %}")
        for name, (defn, data, options) in forms.items():
            text = json.dumps({"data": data})
            result = fe.validate_submission(defn, data, "lv", options=options)
            assert result.ok, list(result.errors.items())[:3]
            schema = fe.fill_options(fe.translate(defn, "lv"), options or {})

            def render(schema: dict[str, Any] = schema, data: dict[str, Any] = data,
                       defn: Any = defn, name: str = name) -> str:
                state = formstate.FormState(values=_raw_values(schema, data))
                if name == "editgrid + total":
                    formstate.apply_calculated(schema, state, fe.calculated_data(defn, data))
                view = formview.build_view(schema, state)
                html = template.render(view=view)
                assert len(html) > rows * 100
                return html

            out[name] = {
                "raw: json.loads": timed(lambda text=text: json.loads(text), repeat),
                "server: validate": timed(
                    lambda d=defn, data=data, o=options: fe.validate_submission(
                        d, data, "lv", options=o), repeat),
                "server: render": timed(render, repeat),
            }
    return out


def _raw_values(schema: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """The raw form state the no-JavaScript page holds for ``data`` (text as typed)."""
    raw: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, list):
            raw[key] = [{k: str(v) for k, v in row.items()} for row in value]
        else:
            raw[key] = str(value)
    return raw


BROWSER_JS = """async ([defn, data]) => {
  const el = document.getElementById('f');
  el.innerHTML = '';
  const start = performance.now();
  const form = await Formio.createForm(el, defn, {});
  const rendered = performance.now();
  form.submission = {data: data};
  await form.submissionReady;
  let last = '', same = 0;
  for (let i = 0; i < 600 && same < 2; i++) {
    await new Promise((r) => setTimeout(r, 20));
    const now = JSON.stringify(form.submission.data.total === undefined ? 0 :
                               form.submission.data.total) + form.submission.data[
                               Object.keys(data)[0]].length;
    same = now === last ? same + 1 : 0;
    last = now;
  }
  const settled = performance.now();
  const valid = form.checkValidity(null, true, null, false);
  const done = performance.now();
  form.destroy();
  return {render: (rendered - start) / 1000, total: (done - start) / 1000,
          validate: (done - settled) / 1000, valid: valid};
}"""


def browser_times(rows: int, repeat: int) -> dict[str, dict[str, list[float]]]:
    """@formio/js render + validate of both forms in Chromium (seconds, timed in the page)."""
    from playwright.sync_api import sync_playwright

    from portal import formsengine as fe
    from tests.formio_verdicts import CHROMIUM, ORIGIN, _serve

    hours = fe.fill_options(fe.translate(fe.load_definition(
        (ROOT / "formdefs" / "hours_worked.json").read_text()), "lv"),
        {"linked_clients": CLIENTS})
    forms = {"hours report": (hours, hours_data(rows)),
             "editgrid + total": (EDITGRID_FORM, editgrid_data(rows))}
    out: dict[str, dict[str, list[float]]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context()
        context.route("**/*", _serve)
        page = context.new_page()
        page.set_default_timeout(600_000)
        page.goto(ORIGIN + "/")
        for name, (defn, data) in forms.items():
            runs = [page.evaluate(BROWSER_JS, [defn, data]) for _ in range(repeat)]
            out[name] = {
                "@formio/js: createForm": [r["render"] for r in runs],
                "@formio/js: render + data + validate": [r["total"] for r in runs],
            }
        browser.close()
    return out


def table(rows: int, results: dict[str, dict[str, list[float]]]) -> str:
    lines = [
        f"# Forms logic benchmark ({rows} rows)",
        "",
        f"`python -m bench.forms_logic --rows {rows}` on {platform.node()} "
        f"({platform.processor() or platform.machine()}), Python {platform.python_version()}, "
        "Chromium /usr/bin/chromium, @formio/js 5.6.0. Times in ms.",
        "",
        "| form | measure | runs | median | p95 |",
        "|---|---|---:|---:|---:|",
    ]
    for form, measures in results.items():
        for measure, values in measures.items():
            lines.append(f"| {form} | {measure} | {len(values)} | "
                         f"{statistics.median(values) * 1000:.1f} | {p95(values) * 1000:.1f} |")
    lines.append("")
    for form, measures in results.items():
        server = (statistics.median(measures["server: validate"])
                  + statistics.median(measures["server: render"]))
        browser = statistics.median(measures["@formio/js: render + data + validate"])
        lines.append(f"* {form}: server validate + render {server * 1000:.0f} ms, "
                     f"@formio/js {browser * 1000:.0f} ms ({browser / server:.1f}x).")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--browser-repeat", type=int, default=1)
    args = parser.parse_args(argv)
    results = server_times(args.rows, args.repeat)
    for form, measures in browser_times(args.rows, args.browser_repeat).items():
        results[form].update(measures)
    text = table(args.rows, results)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
