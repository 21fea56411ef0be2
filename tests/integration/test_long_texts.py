"""Long texts typed on the screens (notes, descriptions, conclusions) have a configured limit.

``TEXT_MAX_LENGTH`` (``config.py``, default 5000 characters): the textarea says it
(``maxlength`` and a counter), the server refuses more beside the field in lv and en, keeping
the rest of the form, and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext

from portal.models import Case
from portal.numbers import format_number
from portal.services.access import Role
from tests.integration.test_bad_input import assert_refused, assert_saved, case_form, count

MESSAGE = "At most %(max)s characters; this text has %(count)s."


@pytest.fixture(params=["lv", "en"])
def officer(request: pytest.FixtureRequest,
            login_as: Callable[[str], FlaskClient]) -> Iterator[FlaskClient]:
    c = login_as(Role.OFFICER)
    c.get(f"/lang/{request.param}")
    c.lang = request.param  # type: ignore[attr-defined]
    yield c
    c.get("/lang/lv")  # the choice is saved on the account: leave it as the others expect


def _message(app: Flask, lang: str, limit: int, count_: int) -> str:
    with app.test_request_context(), force_locale(lang):
        text = gettext(MESSAGE, max=format_number(limit), count=format_number(count_))
    return " ".join(text.split())


def test_the_limit_is_configuration(app: Flask) -> None:
    import config

    assert config.TEXT_MAX_LENGTH == 5000
    assert app.config["TEXT_MAX_LENGTH"] == 5000


def test_a_text_over_the_limit_is_refused_beside_the_field(app: Flask, base: Any,
                                                          officer: FlaskClient) -> None:
    before = count(app, Case)
    data = case_form(base, notes="Ā" * 5001, hours_ordered="80")
    resp = officer.post("/caseview/add", data=data)
    assert_refused(resp, "notes", _message(app, officer.lang, 5000, 5001),  # type: ignore[attr-defined]
                   kept={"hours_ordered": "80"})
    assert count(app, Case) == before


def test_line_breaks_count_once_as_the_browser_counts_them(app: Flask, base: Any,
                                                           officer: FlaskClient) -> None:
    # 2500 lines of "Ā\r\n" minus the last break: 4999 characters in the browser's count,
    # 7498 as posted.
    text = "\r\n".join(["Ā"] * 2500)
    before = count(app, Case)
    assert_saved(officer.post("/caseview/add", data=case_form(base, notes=text)))
    assert count(app, Case) == before + 1


def test_the_textarea_shows_the_limit_and_a_counter(app: Flask, login_as: Any) -> None:
    page = login_as(Role.OFFICER).get("/caseview/add").get_data(as_text=True)
    assert 'maxlength="5000"' in page
    assert 'id="notes-count"' in page and "plus_count.js" in page
    with app.test_request_context(), force_locale("lv"):
        limit = format_number(5000)
    assert f"0 no {limit} rakstzīmēm" in page
    assert 'aria-describedby="notes-count"' in page


def test_another_limit_from_the_configuration(app: Flask, base: Any, login_as: Any,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "TEXT_MAX_LENGTH", 20)
    officer = login_as(Role.OFFICER)
    assert 'maxlength="20"' in officer.get("/caseview/add").get_data(as_text=True)
    resp = officer.post("/caseview/add", data=case_form(base, notes="x" * 21))
    assert_refused(resp, "notes", _message(app, "lv", 20, 21))


def test_the_api_refuses_with_422_under_the_field(base: Any, login_as: Any) -> None:
    officer = login_as(Role.OFFICER)
    resp = officer.post("/api/v1/meeting/", json={
        "case": base.own.case, "scheduled_at": "2031-07-01T09:00:00+03:00",
        "duration_minutes": 30, "notes": "Ā" * 5001})
    assert resp.status_code == 422, resp.get_data(as_text=True)
    message = resp.get_json()["message"]
    assert "notes" in message, message
    assert "5001" in "".join(message["notes"]).replace("\xa0", "").replace(" ", "")


def test_the_response_note_and_the_assessment_summary_keep_the_limit(
        app: Flask, base: Any, officer: FlaskClient) -> None:
    """The supervision steps' own forms: the service refuses the note beside its field."""
    from portal.extensions import db
    from portal.models import RiskNeedsAssessment, ViolationResponse
    from tests.integration.test_supervision_steps import _case, _violation

    case_id = _case(app, base)
    violation_id = _violation(app, case_id)
    message = _message(app, officer.lang, 5000, 5001)  # type: ignore[attr-defined]
    page = officer.get(f"/supervision/violation/{violation_id}/respond").get_data(as_text=True)
    assert 'maxlength="5000"' in page
    resp = officer.post(f"/supervision/violation/{violation_id}/respond",
                        data={"step": "talk", "note": "ž" * 5001})
    assert resp.status_code == 200
    assert message in " ".join(resp.get_data(as_text=True).split())
    resp = officer.post(f"/supervision/case/{case_id}/assess",
                        data={"assessment_date": "", "summary": "ž" * 5001})
    assert message in " ".join(resp.get_data(as_text=True).split())
    with app.app_context():
        assert db.session.query(ViolationResponse).filter_by(case_id=case_id).count() == 0
        assert db.session.query(RiskNeedsAssessment).filter_by(case_id=case_id).count() == 0
        db.session.remove()
