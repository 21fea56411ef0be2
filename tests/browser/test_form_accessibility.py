"""The server-rendered portal forms work keyboard-only, for screen readers and on small screens.

Real Chromium, with and without JavaScript (the forms must work without it):

* keyboard only: after logging in, a client reaches a form, skips the header, fills the
  form, submits it with a required field missing, lands on the error summary (focused, at
  the top, "Kļūda:" in the title), follows its link to the field, fixes it and submits
  again (a second mistake sent from the page's ``#fragment`` gets the summary focused too),
  all with ``page.keyboard`` (Tab, Shift+Tab, typing, Space, arrow keys, Enter); the
  submission is stored. Adding or removing a row of an hours report brings the focus back
  to the rows, not to the top of the page;
* screen-reader basics on every shipped client, employer and volunteer form (and the form
  with every component type), fresh and with errors, and on the login: each visible control
  has an accessible name, choices and day parts are grouped in a fieldset with a legend,
  errors are tied to their fields with ``aria-describedby``, summary links lead to a field
  that takes the focus, ids are unique, one ``h1``, ``lang`` of the UI language;
* a phone (375x667) and a tablet (768x1024), as touch devices: no zooming out, no
  horizontal scrolling, and the submit button can be scrolled to, is large enough to tap and
  is not covered, fresh and with errors."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask

from portal.models import Submission
from portal.services.access import Role
from tests.browser.conftest import portal_login
from tests.factories import ensure_user, make_case
from tests.integration.portal_fixtures import ALL_TYPES_KEY, portal_data
from tests.integration.submission_data import FORMDEFS, SubmissionData, submission_data

SUBMIT = ".actions button[name='plus.submit']"
PHONE = {"width": 375, "height": 667}
TABLET = {"width": 768, "height": 1024}

#: every shipped form by audience, and the test form with every component type (client)
SHIPPED: dict[str, list[str]] = {}
for _path in sorted(FORMDEFS.glob("*.json")):
    _plus = json.loads(_path.read_text(encoding="utf-8"))["plus"]
    SHIPPED.setdefault(_plus["audience"], []).append(_plus["key"])
SHIPPED["client"].append(ALL_TYPES_KEY)


# --------------------------------------------------------------------------------------------
# Fixtures


@dataclass
class KeyboardClient:
    """A client of their own (own case, own submissions), so counts elsewhere never move."""

    username: str
    user_id: int


@pytest.fixture()
def keyboard_client(app: Flask, unique: str) -> KeyboardClient:
    base = app.config["BASE_DATA"]
    sd: SubmissionData = submission_data(app)  # loads the shipped forms
    with app.app_context():
        from portal.extensions import db

        records = make_case(db.session, unit_id=base.unit_a, officer_id=base.users[Role.OFFICER],
                            mediator_id=None, employer_id=sd.employer,
                            surname=f"Tastatūra{unique}", given="Kārlis")
        db.session.commit()
        username = f"t_a11y_cli_{unique}"
        user_id = ensure_user(app.appbuilder.sm, username, Role.CLIENT, client_id=records.client)
        db.session.remove()
    return KeyboardClient(username=username, user_id=user_id)


@pytest.fixture()
def parties(app: Flask) -> dict[str, str]:
    """A portal user per audience; the every-component form is published too."""
    sd: SubmissionData = submission_data(app)
    portal_data(app)
    return {"client": sd.client_user, "employer": sd.employer_user,
            "volunteer": sd.volunteer_user}


# --------------------------------------------------------------------------------------------
# Keyboard helpers: they press keys, and only look at the page to know where the focus is


def focused(page: Any) -> dict[str, Any]:
    """What has the focus: tag, id, name, type, value, checked, href (as in the markup)."""
    return page.evaluate("""() => {
        const el = document.activeElement;
        if (!el || el === document.body) return {tag: "body"};
        return {tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute("name"),
                type: el.getAttribute("type"), value: el.value, checked: !!el.checked,
                href: el.getAttribute("href")};
    }""")


def is_focused(page: Any, selector: str) -> bool:
    return page.evaluate(
        "s => !!document.activeElement && document.activeElement.matches(s)", selector
    )


def focus_lands_on(page: Any, selector: str, timeout: float = 5_000) -> bool:
    """Whether the focus is on ``selector``, or comes there within ``timeout`` ms: autofocus
    and a jump to a #fragment move it a moment after the page has loaded."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            "s => !!document.activeElement && document.activeElement.matches(s)",
            arg=selector, timeout=timeout,
        )
    except PlaywrightTimeout:
        return False
    return True


def tab_to(page: Any, selector: str, *, back: bool = False, limit: int = 80) -> None:
    """Press Tab (Shift+Tab with ``back``) until the focused element matches ``selector``."""
    key = "Shift+Tab" if back else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if is_focused(page, selector):
            return
    raise AssertionError(f"{key} never reached {selector}; focus is on {focused(page)}")


def type_date(page: Any, day: dt.date) -> None:
    """Type a date into the focused ``<input type=date>``, in the browser's order of parts.

    Chromium orders day, month and year by its own UI language, not the page's: the order
    is found by typing a known date on a scratch page of the same browser context first.
    """
    scratch = page.context.new_page()
    try:
        scratch.set_content("<input type=date id=d>")
        scratch.focus("#d")
        scratch.keyboard.type("01022003")
        probe = scratch.input_value("#d")
    finally:
        scratch.close()
    parts = {"day": f"{day.day:02d}", "month": f"{day.month:02d}", "year": f"{day.year:04d}"}
    order = {"2003-02-01": ("day", "month", "year"), "2003-01-02": ("month", "day", "year")}
    assert probe in order, f"unexpected order of the date parts: {probe!r}"
    page.keyboard.type("".join(parts[p] for p in order[probe]))


def summary_state(page: Any) -> dict[str, Any]:
    """The error summary: at the top of the content?, in view?, its role and links."""
    return page.evaluate("""() => {
        const box = document.getElementById("error-summary");
        if (!box) return null;
        const form = document.querySelector("main form");
        const first = document.querySelector("main h1");
        const rect = box.getBoundingClientRect();
        return {
            before_form: !!form && !!(box.compareDocumentPosition(form)
                                       & Node.DOCUMENT_POSITION_FOLLOWING),
            after_h1: !!first && first.nextElementSibling === box,
            in_view: rect.top >= 0 && rect.top < window.innerHeight,
            role: box.getAttribute("role"),
            links: Array.from(box.querySelectorAll("a")).map(a => ({
                href: a.getAttribute("href"), text: a.textContent.trim()})),
        };
    }""")


def described_error(page: Any, element_id: str) -> str:
    """The error text ``aria-describedby`` ties to a field (its own, or its fieldset's)."""
    return page.evaluate("""id => {
        const el = document.getElementById(id);
        for (let node = el; node; node = node.parentElement) {
            const ids = (node.getAttribute("aria-describedby") || "").split(/\\s+/);
            const errors = ids.map(i => document.getElementById(i))
                              .filter(e => e && e.classList.contains("field-error"));
            if (errors.length) return errors.map(e => e.textContent.trim()).join(" ");
            if (node.tagName === "FIELDSET") break;
        }
        return "";
    }""", element_id)


@dataclass
class Stored:
    """A stored submission, as the test needs it."""

    form_key: str
    submitted_by_id: int
    data: dict[str, Any]


def stored(app: Flask, submission_id: int) -> Stored:
    with app.app_context():
        from portal.extensions import db

        item = db.session.get(Submission, submission_id)
        assert item is not None, f"submission {submission_id} not stored"
        found = Stored(form_key=item.version.definition.key,
                       submitted_by_id=item.submitted_by_id, data=dict(item.data))
        db.session.remove()
    return found


def script_errors(console_errors: list[str]) -> list[str]:
    """Console errors but Chromium's note on a refused form's 422 page (that is by design)."""
    return [e for e in console_errors if not re.match(r"Failed to load resource: .* 422\b", e)]


def submission_id_of(page: Any) -> int:
    match = re.search(r"/portal/submissions/(\d+)$", urlsplit(page.url).path)
    assert match, f"not on the submission page after submitting: {page.url}"
    return int(match.group(1))


def open_form_by_keyboard(page: Any, key: str) -> None:
    """From the list of forms: Tab to the form's link and press Enter."""
    page.goto("/portal/forms")
    tab_to(page, f"main a[href$='/portal/forms/{key}']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == f"/portal/forms/{key}"


# --------------------------------------------------------------------------------------------
# 1. Keyboard only


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_change_of_residence_by_keyboard_only(
    app: Flask, open_page: Callable[..., Any], keyboard_client: KeyboardClient,
    console_errors: list[str], external_requests: list[str], js: bool,
) -> None:
    page = open_page(js=js)
    portal_login(page, keyboard_client.username, portal=True)
    open_form_by_keyboard(page, "change_of_residence")

    # The first Tab reaches "skip to main content"; Enter jumps over the header and menu.
    page.keyboard.press("Tab")
    assert focused(page)["href"] == "#main"
    assert page.is_visible(".skip-link")  # shown while it has the focus
    page.keyboard.press("Enter")
    assert focus_lands_on(page, "main#main"), focused(page)

    # The address and the "declared" radio, the date (required) left out.
    address = "Ozolu iela 7-3, Valmiera, LV-4201"
    tab_to(page, "#f-new_address")
    page.keyboard.type(address)
    tab_to(page, "input[name=declared]")  # the first radio of the group, none chosen yet
    page.keyboard.press("Space")
    assert focused(page)["checked"] and focused(page)["value"] == "yes"
    page.keyboard.press("ArrowDown")  # arrows move the choice within the group
    assert focused(page)["value"] == "no" and focused(page)["checked"]
    page.keyboard.press("ArrowUp")
    assert focused(page)["value"] == "yes" and focused(page)["checked"]
    tab_to(page, SUBMIT)
    with page.expect_navigation() as nav:
        page.keyboard.press("Enter")
    assert nav.value.status == 422
    assert urlsplit(page.url).path == "/portal/forms/change_of_residence"

    # The error summary is at the top and has the focus; what was typed is kept.
    assert focus_lands_on(page, "#error-summary"), f"focus is on {focused(page)}"
    summary = summary_state(page)
    assert summary is not None
    assert summary["after_h1"] and summary["before_form"] and summary["in_view"]
    assert summary["role"] == "alert"
    assert page.title().startswith("Kļūda: Dzīvesvietas maiņa")  # read first on a new page
    assert [link["href"] for link in summary["links"]] == ["#f-change_date"]
    assert "Dzīvesvietas maiņas datums" in summary["links"][0]["text"]
    assert page.input_value("#f-new_address") == address
    assert page.is_checked("#f-declared")
    assert page.get_attribute("#f-change_date", "aria-invalid") == "true"
    assert "Dzīvesvietas maiņas datums" in described_error(page, "f-change_date")

    # Tab reaches the summary's link first; Enter puts the focus in the field.
    page.keyboard.press("Tab")
    assert focused(page)["href"] == "#f-change_date"
    page.keyboard.press("Enter")
    assert focus_lands_on(page, "#f-change_date"), focused(page)

    day = dt.date.today() - dt.timedelta(days=3)
    type_date(page, day)
    assert page.input_value("#f-change_date") == day.isoformat()

    # A second mistake, sent from the page's #f-change_date: the summary has the focus again.
    tab_to(page, "#f-phone")
    page.keyboard.type("zvaniet")
    tab_to(page, SUBMIT)
    with page.expect_navigation() as nav:
        page.keyboard.press("Space" if js else "Enter")
    assert nav.value.status == 422
    assert focus_lands_on(page, "#error-summary"), f"focus is on {focused(page)}"
    summary = summary_state(page)
    assert summary is not None
    assert [link["href"] for link in summary["links"]] == ["#f-phone"]
    assert page.input_value("#f-change_date") == day.isoformat()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert focus_lands_on(page, "#f-phone"), focused(page)
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.press("Backspace")  # the phone is optional: no number at all will do
    page.keyboard.press("Enter")  # Enter in a text field sends the form
    page.wait_for_url(re.compile(r"/portal/submissions/\d+$"))
    item = stored(app, submission_id_of(page))
    assert item.form_key == "change_of_residence"
    assert item.submitted_by_id == keyboard_client.user_id
    assert item.data["new_address"] == address
    assert item.data["change_date"].startswith(day.isoformat())
    assert item.data["declared"] == "yes"
    assert page.locator("main [role=status]").count() == 1  # "Thank you..." is announced

    assert external_requests == []
    assert script_errors(console_errors) == []


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_explanation_with_checkbox_by_keyboard_only(
    app: Flask, open_page: Callable[..., Any], keyboard_client: KeyboardClient,
    console_errors: list[str], external_requests: list[str], js: bool,
) -> None:
    """Radio by arrow keys, a checkbox by Space, two errors, Shift+Tab back to fix them."""
    page = open_page(js=js)
    portal_login(page, keyboard_client.username, portal=True)
    open_form_by_keyboard(page, "explanation_of_absence_or_violation")

    tab_to(page, "input[name=subject]")
    page.keyboard.press("ArrowDown")  # from the first radio: the second is chosen
    assert focused(page)["value"] == "missed_work" and focused(page)["checked"]
    tab_to(page, "#f-event_date")
    day = dt.date.today() - dt.timedelta(days=6)
    type_date(page, day)
    tab_to(page, "#f-explanation")
    page.keyboard.type("Slims")  # shorter than the 10 characters asked for
    tab_to(page, "#f-has_documents")
    page.keyboard.press("Space")  # ticked: the documents become required
    assert focused(page)["checked"]
    if js:  # portal.js shows the field that applies now
        assert page.is_visible("#f-documents")
    tab_to(page, SUBMIT)
    with page.expect_navigation() as nav:
        page.keyboard.press("Enter")
    assert nav.value.status == 422

    assert focus_lands_on(page, "#error-summary"), f"focus is on {focused(page)}"
    summary = summary_state(page)
    assert summary is not None
    hrefs = [link["href"] for link in summary["links"]]
    assert hrefs == ["#f-explanation", "#f-documents"]  # in the order of the form

    # The second link leads to the file field; back from there with Shift+Tab.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert focused(page)["href"] == "#f-documents"
    page.keyboard.press("Enter")
    assert focus_lands_on(page, "#f-documents"), focused(page)
    assert "Dokumenti" in described_error(page, "f-documents")
    tab_to(page, "#f-has_documents", back=True)
    assert focused(page)["checked"]
    page.keyboard.press("Space")  # no documents after all: the field no longer applies
    assert not focused(page)["checked"]
    if js:
        assert not page.is_visible("#f-documents") or page.locator(
            ".has-error #f-documents").count() == 1  # a field with an error stays in view
    tab_to(page, "#f-explanation", back=True)
    assert "Paskaidrojums" in described_error(page, "f-explanation")
    page.keyboard.press("End")
    page.keyboard.type(": biju slims ar gripu, izziņa sekos.")
    tab_to(page, SUBMIT)
    with page.expect_navigation() as nav:
        page.keyboard.press("Enter")
    assert nav.value.status == 200, page.inner_text("main")

    submission_id = submission_id_of(page)
    item = stored(app, submission_id)
    assert item.form_key == "explanation_of_absence_or_violation"
    assert item.submitted_by_id == keyboard_client.user_id
    assert item.data["subject"] == "missed_work"
    assert item.data["explanation"] == "Slims: biju slims ar gripu, izziņa sekos."
    assert item.data["has_documents"] is False
    assert item.data["event_date"].startswith(day.isoformat())

    # The new submission is on "my submissions", reached by keyboard as well.
    page.goto("/portal/submissions")
    tab_to(page, f"main a[href$='/portal/submissions/{submission_id}']")

    assert external_requests == []
    assert script_errors(console_errors) == []


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_rows_added_and_removed_by_keyboard_keep_the_place(
    open_page: Callable[..., Any], parties: dict[str, str], console_errors: list[str], js: bool,
) -> None:
    """A row added or removed is a round trip: the focus comes back to the rows, not the top."""
    page = open_page(js=js)
    portal_login(page, parties["employer"], portal=True)
    open_form_by_keyboard(page, "hours_worked")
    add = "button[name='plus.add_row'][value='hours']"

    tab_to(page, add)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("fieldset.grid-row").count() == 2
    assert focus_lands_on(page, "#f-hours-1"), f"focus is on {focused(page)}, not on row 2"
    page.keyboard.press("Tab")  # straight into the new row's first field
    assert is_focused(page, "select[name='hours[1][client]']"), focused(page)

    tab_to(page, add)
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert page.locator("fieldset.grid-row").count() == 3
    assert focus_lands_on(page, "#f-hours-2"), f"focus is on {focused(page)}, not on row 3"

    # Back to row 2's "remove" button; row 3 takes its place and the focus.
    tab_to(page, "button[name='plus.remove_row'][value='hours:1']", back=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("fieldset.grid-row").count() == 2
    assert focus_lands_on(page, "#f-hours-1"), f"focus is on {focused(page)}, not on row 2"
    assert script_errors(console_errors) == []


# --------------------------------------------------------------------------------------------
# 2. Screen-reader basics

AUDIT_JS = """() => {
    const problems = [];
    const text = el => (el ? el.textContent : "").replace(/\\s+/g, " ").trim();
    const shown = el => el.getClientRects().length > 0
                        && getComputedStyle(el).visibility !== "hidden";
    const what = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
                       + (el.name ? "[name=" + el.name + "]" : "");
    const byIds = value => (value || "").split(/\\s+/).filter(Boolean)
                                        .map(id => document.getElementById(id));
    const nameOf = el => {
        const refs = el.getAttribute("aria-labelledby");
        if (refs) {
            const t = byIds(refs).map(text).join(" ").trim();
            if (t) return t;
        }
        const aria = (el.getAttribute("aria-label") || "").trim();
        if (aria) return aria;
        return Array.from(el.labels || []).map(text).join(" ").trim();
    };
    const groupName = g => {
        if (g.tagName === "FIELDSET") {
            const legend = Array.from(g.children).find(c => c.tagName === "LEGEND");
            return text(legend);
        }
        return nameOf(g);
    };
    const errorIds = el => byIds(el.getAttribute("aria-describedby"))
        .filter(e => e && e.classList.contains("field-error")).map(e => e.id);

    const seen = {};
    document.querySelectorAll("[id]").forEach(e => { seen[e.id] = (seen[e.id] || 0) + 1; });
    Object.keys(seen).filter(id => seen[id] > 1)
        .forEach(id => problems.push("duplicate id " + id));
    for (const el of document.querySelectorAll("[aria-describedby], [aria-labelledby]")) {
        for (const attr of ["aria-describedby", "aria-labelledby"]) {
            byIds(el.getAttribute(attr)).forEach((ref, i) => {
                if (!ref) problems.push(what(el) + ": " + attr + " names a missing id");
            });
        }
    }

    const controls = Array.from(document.querySelectorAll("input, select, textarea"))
        .filter(el => el.type !== "hidden" && shown(el));
    const groups = {};
    for (const el of controls) {
        if (!nameOf(el)) problems.push(what(el) + ": no accessible name");
        const choice = el.type === "radio"
            || (el.type === "checkbox" && el.dataset.kind === "selectboxes");
        const dayPart = /\\[(day|month|year)\\]$/.test(el.name || "");
        const group = el.closest("fieldset, [role=group], [role=radiogroup]");
        if (choice || dayPart) {
            if (!group) problems.push(what(el) + ": not in a fieldset or group");
            else if (!groupName(group)) problems.push(what(el) + ": its group has no name");
            if (group) (groups[el.name] = groups[el.name] || new Set()).add(group);
        }
        if (el.getAttribute("aria-invalid") === "true") {
            let tied = errorIds(el).length > 0;
            if (!tied && group) tied = errorIds(group).length > 0;
            if (!tied) problems.push(what(el) + ": invalid, but no error tied to it");
        }
    }
    Object.keys(groups).filter(n => groups[n].size > 1)
        .forEach(n => problems.push(n + ": its choices are split over groups"));

    const describers = Array.from(document.querySelectorAll("[aria-describedby]"));
    for (const err of document.querySelectorAll(".field-error")) {
        const owners = describers.filter(d => err.id && byIds(d.getAttribute("aria-describedby"))
                                                   .includes(err));
        if (!owners.length) problems.push("error " + (err.id || text(err)) + ": tied to no field");
    }
    const summary = document.getElementById("error-summary");
    for (const a of summary ? summary.querySelectorAll("a[href^='#']") : []) {
        const target = document.getElementById(a.getAttribute("href").slice(1));
        if (!target) problems.push("summary link " + a.getAttribute("href") + ": no such field");
        else if (!target.matches("input, select, textarea, [tabindex]"))
            problems.push("summary link " + a.getAttribute("href") + ": cannot take the focus");
    }
    const h1 = document.querySelectorAll("h1").length;
    if (h1 !== 1) problems.push(h1 + " h1 elements");
    return {problems, lang: document.documentElement.getAttribute("lang"),
            controls: controls.length, errors: document.querySelectorAll(".field-error").length};
}"""


def audit(page: Any, where: str, lang: str) -> list[str]:
    """Screen-reader problems of the page, each prefixed with ``where``."""
    result = page.evaluate(AUDIT_JS)
    problems = list(result["problems"])
    if result["lang"] != lang:
        problems.append(f"lang={result['lang']!r}, the UI is {lang!r}")
    return [f"{where}: {p}" for p in problems]


def test_login_form_labels_and_errors(open_page: Callable[..., Any]) -> None:
    page = open_page(js=False)
    page.goto("/portal/login")
    problems = audit(page, "login", "lv")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    problems += audit(page, "login (errors)", "lv")
    assert page.locator(".field-error").count() == 2
    assert problems == []


@pytest.mark.parametrize("audience", ["client", "employer", "volunteer"])
def test_every_form_has_labels_groups_and_tied_errors(
    app: Flask, open_page: Callable[..., Any], parties: dict[str, str], audience: str,
    console_errors: list[str],
) -> None:
    with app.app_context():
        from portal.extensions import db
        from portal.services.intake import forms

        published = {f.key for f in forms.forms_for_audience(db.session, audience)}
        db.session.remove()
    keys = SHIPPED[audience]
    assert set(keys) <= published, f"not published: {set(keys) - published}"

    # Without scripts every field is shown, those that apply only sometimes too.
    page = open_page(js=False)
    portal_login(page, parties[audience], portal=True)
    problems: list[str] = []
    for key in keys:
        page.goto(f"/portal/forms/{key}")
        problems += audit(page, key, "lv")
        with page.expect_navigation():
            page.click(SUBMIT)  # empty: every required field complains
        assert page.locator("#error-summary").count() == 1, f"{key}: no error summary"
        assert page.locator(".field-error").count() > 0, f"{key}: no error beside a field"
        problems += audit(page, f"{key} (errors)", "lv")
        if not page.title().startswith("Kļūda: "):
            problems.append(f"{key} (errors): the title {page.title()!r} does not say so")
    assert problems == []

    # The English UI says so, and with scripts nothing changes for the better or worse.
    english = open_page(js=True)
    english.goto("/portal/lang/en")
    portal_login(english, parties[audience], portal=True)
    for key in keys[:2]:
        english.goto(f"/portal/forms/{key}")
        with english.expect_navigation():
            english.click(SUBMIT)
        problems += audit(english, f"{key} (en)", "en")
        if not english.title().startswith("Error: "):
            problems.append(f"{key} (en): the title {english.title()!r} does not say so")
    assert problems == []
    assert script_errors(console_errors) == []


# --------------------------------------------------------------------------------------------
# 3. Phones and tablets

LAYOUT_JS = """selector => {
    const root = document.documentElement;
    const button = document.querySelector(selector);
    button.scrollIntoView({block: "center"});
    const r = button.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    const wide = Array.from(document.querySelectorAll("body *")).filter(el => {
        const b = el.getBoundingClientRect();
        return b.width > 0 && (b.right > root.clientWidth + 1 || b.left < -1);
    }).slice(0, 5).map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
                             + (el.className ? "." + String(el.className).split(" ")[0] : ""));
    return {
        scrollWidth: root.scrollWidth, clientWidth: root.clientWidth,
        innerWidth: window.innerWidth, wide,
        button: {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                 height: r.height, width: r.width},
        buttonHit: !!hit && (hit === button || button.contains(hit)),
        innerHeight: window.innerHeight,
    };
}"""


def layout_problems(page: Any, where: str, width: int) -> list[str]:
    """Horizontal scrolling, zooming out, and a submit button out of reach, on this page."""
    m = page.evaluate(LAYOUT_JS, SUBMIT)
    problems = []
    if m["innerWidth"] != width:
        problems.append(f"laid out {m['innerWidth']}px wide on a {width}px screen")
    if m["scrollWidth"] > m["innerWidth"]:
        problems.append(f"scrolls sideways: {m['scrollWidth']}px > {m['innerWidth']}px "
                        f"(wide: {m['wide']})")
    b = m["button"]
    if not (b["left"] >= 0 and b["right"] <= m["innerWidth"] and b["top"] >= 0
            and b["bottom"] <= m["innerHeight"]):
        problems.append(f"submit button off screen after scrolling: {b}")
    if b["height"] < 24 or b["width"] < 24:
        problems.append(f"submit button too small to tap: {b}")
    if not m["buttonHit"]:
        problems.append("submit button covered by another element")
    return [f"{where}: {p}" for p in problems]


@pytest.mark.parametrize("screen", [PHONE, TABLET], ids=["phone", "tablet"])
@pytest.mark.parametrize("audience", ["client", "employer", "volunteer"])
def test_forms_fit_phones_and_tablets(
    open_page: Callable[..., Any], parties: dict[str, str], audience: str,
    screen: dict[str, int], console_errors: list[str],
) -> None:
    page = open_page(js=True, viewport=screen, mobile=True)
    portal_login(page, parties[audience], portal=True)
    width = screen["width"]
    problems: list[str] = []
    for key in SHIPPED[audience]:
        page.goto(f"/portal/forms/{key}")
        problems += layout_problems(page, key, width)
        button = page.locator(SUBMIT)
        button.scroll_into_view_if_needed()
        assert button.is_visible()
        with page.expect_navigation():
            button.tap()  # a finger, not a mouse
        assert page.locator("#error-summary").count() == 1, f"{key}: not refused"
        problems += layout_problems(page, f"{key} (errors)", width)
    page.goto("/portal/forms")
    root = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if root[0] > root[1]:
        problems.append(f"form list scrolls sideways: {root}")
    assert problems == []
    assert script_errors(console_errors) == []
