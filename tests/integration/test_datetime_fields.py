"""Date-time fields of the officer screens: shown and typed in Riga time, stored in UTC.

Through the real screens: the edit form of a meeting must save back unchanged, a typed local
time must land in UTC with the right offset for the season, and bad input (garbage, a time the
spring clock change skips) must come back beside the field in the user's language with nothing
stored. MediationSession's add form and the field of a nullable column are checked the same way; a property test posts random text and expects never a 500.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import MediationSession, Meeting
from portal.services.access import Role
from tests.integration.test_bad_input import assert_refused, assert_saved, expected, parse_form

UTC = dt.UTC
LANGS = ("en", "lv")

MSG_FORMAT = "Enter the date and time as DD.MM.YYYY HH:MM (year from 1900 to 2999)."
MSG_GAP = ("This time does not exist: the clocks are put forward an hour that night. "
           "Enter another time.")
MSG_REQUIRED = "This field is required."


# --- Clients and rows --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def _clients(app: Flask) -> dict[tuple[str, str], FlaskClient]:
    """Logged-in clients per (role, language): logging in hashes a password, so share them."""
    return {}


@pytest.fixture()
def client_for(app: Flask, login_as: Any, _clients: dict) -> Any:
    def get(role: str, lang: str) -> FlaskClient:
        if (role, lang) not in _clients:
            c = login_as(role)
            assert c.get(f"/lang/{lang}").status_code in (200, 302)
            _clients[(role, lang)] = c
        return _clients[(role, lang)]

    return get


@pytest.fixture(params=LANGS)
def lang(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture()
def officer(client_for: Any, lang: str) -> FlaskClient:
    return client_for(Role.OFFICER, lang)


# Seconds and microseconds on purpose: the form shows minutes, saving must keep the rest.
STORED = dt.datetime(2026, 2, 10, 9, 17, 42, 123456, tzinfo=UTC)


#: meetings this module made: two meetings of one case at the same time would clash, so a new
#: one replaces the last (the clash rule has its own tests in test_scheduling.py)
_MADE: list[int] = []


#: the local times this module saves meetings at (a day in July 2026): other modules' meetings
#: of the same officer on that day would clash with them, so they are cleared first
_DAY_USED = (dt.datetime(2026, 7, 14, tzinfo=UTC), dt.datetime(2026, 7, 16, tzinfo=UTC))


def _new_meeting(app: Flask, base: Any, when: dt.datetime = STORED) -> int:
    from portal.models import MediationSession

    with app.app_context():
        while _MADE:
            old = db.session.get(Meeting, _MADE.pop())
            if old is not None:
                db.session.delete(old)
        for model in (Meeting, MediationSession):
            for other in db.session.scalars(
                    select(model).where(model.scheduled_at.between(*_DAY_USED))):
                db.session.delete(other)
        db.session.flush()
        m = Meeting(case_id=base.own.case, scheduled_at=when, place="VPD Rīga", notes="Piezīmes")
        db.session.add(m)
        db.session.commit()
        pk = m.id
        _MADE.append(pk)
        db.session.remove()
    return pk


@pytest.fixture(scope="module", autouse=True)
def _tidy(app: Flask) -> Any:
    """Leave no meeting of this module behind: later modules book the own case too."""
    yield
    with app.app_context():
        for pk in _MADE:
            old = db.session.get(Meeting, pk)
            if old is not None:
                db.session.delete(old)
        db.session.commit()
        _MADE.clear()
        db.session.remove()


@pytest.fixture()
def meeting(app: Flask, base: Any) -> int:
    """A fresh meeting of the officer's own case, at STORED."""
    return _new_meeting(app, base)


def stored(app: Flask, model: type, pk: int, column: str = "scheduled_at") -> Any:
    with app.app_context():
        value = getattr(db.session.get(model, pk), column)
        db.session.remove()
    return value


def count(app: Flask, model: type) -> int:
    with app.app_context():
        n = db.session.execute(select(func.count()).select_from(model)).scalar_one()
        db.session.remove()
    return n


def shown_form(c: FlaskClient, url: str) -> dict[str, str]:
    """The edit form's values as a browser would post them back."""
    resp = c.get(url)
    assert resp.status_code == 200
    page = parse_form(resp.get_data(as_text=True))
    return {name: row.values[0] for name, row in page.rows.items() if row.values}


def meeting_form(app: Flask, base: Any, when: str, **over: str) -> dict[str, str]:
    data = {"case": str(base.own.case), "scheduled_at": when, "place": "VPD Rīga",
            "notes": "Piezīmes"}
    data.update(over)
    return data


# --- Round trip of the edit form ---------------------------------------------------------------


def test_edit_form_shows_local_time_in_a_datetime_local_input(app, officer, meeting):
    html = officer.get(f"/meetingview/edit/{meeting}").get_data(as_text=True)
    assert 'type="datetime-local"' in html
    # 09:17 UTC in February is 11:17 in Riga (EET, +02:00); no seconds, no offset.
    assert parse_form(html).rows["scheduled_at"].values == ["2026-02-10T11:17"]


def test_edit_form_posted_back_unchanged_keeps_the_value(app, officer, meeting):
    data = shown_form(officer, f"/meetingview/edit/{meeting}")
    assert_saved(officer.post(f"/meetingview/edit/{meeting}", data=data))
    assert stored(app, Meeting, meeting) == STORED


def test_repeated_autumn_hour_survives_an_unchanged_save(app, base, client_for):
    # 01:30 UTC on 25.10.2026 is 03:30 EET: the second 03:30 of that night.
    second = dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    pk = _new_meeting(app, base, second)
    c = client_for(Role.OFFICER, "en")
    data = shown_form(c, f"/meetingview/edit/{pk}")
    assert data["scheduled_at"] == "2026-10-25T03:30"
    assert_saved(c.post(f"/meetingview/edit/{pk}", data=data))
    assert stored(app, Meeting, pk) == second


LOCAL_INPUTS = [
    # (typed, stored UTC): winter is UTC+2, summer UTC+3
    ("2026-01-15T10:30", dt.datetime(2026, 1, 15, 8, 30, tzinfo=UTC)),
    ("2026-07-15T10:30", dt.datetime(2026, 7, 15, 7, 30, tzinfo=UTC)),
    ("2026-01-15T10:30:45", dt.datetime(2026, 1, 15, 8, 30, 45, tzinfo=UTC)),
    ("2026-07-15 10:30", dt.datetime(2026, 7, 15, 7, 30, tzinfo=UTC)),
    ("2026-07-15 10:30:45", dt.datetime(2026, 7, 15, 7, 30, 45, tzinfo=UTC)),
    ("15.01.2026 10:30", dt.datetime(2026, 1, 15, 8, 30, tzinfo=UTC)),
    ("15.07.2026 10:30", dt.datetime(2026, 7, 15, 7, 30, tzinfo=UTC)),
    ("  5.7.2026 9:05 ", dt.datetime(2026, 7, 5, 6, 5, tzinfo=UTC)),
    # the last minutes before and the first after the spring gap
    ("2026-03-29T02:59", dt.datetime(2026, 3, 29, 0, 59, tzinfo=UTC)),
    ("2026-03-29T04:00", dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
    # the repeated autumn hour is read as its first occurrence, still summer time
    ("2026-10-25T03:30", dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
    ("2026-10-25T04:00", dt.datetime(2026, 10, 25, 2, 0, tzinfo=UTC)),
]


@pytest.mark.parametrize(("typed", "utc"), LOCAL_INPUTS, ids=[t for t, _ in LOCAL_INPUTS])
def test_local_time_is_stored_in_utc(app, base, client_for, meeting, typed, utc):
    c = client_for(Role.OFFICER, "lv")
    assert_saved(c.post(f"/meetingview/edit/{meeting}", data=meeting_form(app, base, typed)))
    assert stored(app, Meeting, meeting) == utc
    # ... and the form shows it back as the officer meant it.
    wall = dt.datetime.fromisoformat(typed.strip()) if "-" in typed else dt.datetime.strptime(
        " ".join(typed.split()), "%d.%m.%Y %H:%M")
    assert shown_form(c, f"/meetingview/edit/{meeting}")["scheduled_at"] == (
        wall.strftime("%Y-%m-%dT%H:%M"))


def test_list_shows_the_saved_local_time(app, base, client_for, meeting):
    c = client_for(Role.OFFICER, "lv")
    assert_saved(c.post(f"/meetingview/edit/{meeting}",
                        data=meeting_form(app, base, "2026-07-15T10:30")))
    assert "15.07.2026 10:30" in c.get(f"/meetingview/show/{meeting}").get_data(as_text=True)


# --- Refused input -----------------------------------------------------------------------------


BAD = [
    ("garbage", "next tuesday", MSG_FORMAT),
    ("date only", "2026-03-01", MSG_FORMAT),
    ("time only", "10:30", MSG_FORMAT),
    ("no such day", "31.02.2026 10:00", MSG_FORMAT),
    ("hour 24", "2026-03-01T24:00", MSG_FORMAT),
    ("year 1", "0001-01-01T00:00", MSG_FORMAT),
    ("six-digit year", "275760-09-13T00:00", MSG_FORMAT),
    ("other digits", "٢٠٢٦-٠٣-٠١T10:00", MSG_FORMAT),
    ("spring gap", "2026-03-29T03:30", MSG_GAP),
    ("spring gap, Latvian", "29.03.2026 03:00", MSG_GAP),
    ("empty", "", MSG_REQUIRED),
    ("blank", "   ", MSG_REQUIRED),
]


@pytest.mark.parametrize(("what", "typed", "msgid"), BAD, ids=[b[0] for b in BAD])
def test_bad_time_on_meeting_edit_is_refused_beside_the_field(app, base, officer, lang, meeting,
                                                              what, typed, msgid):
    resp = officer.post(f"/meetingview/edit/{meeting}",
                        data=meeting_form(app, base, typed, place="Cita vieta"))
    message = expected(app, lang, msgid)
    if lang == "lv" and msgid != MSG_REQUIRED:
        assert message != msgid, "no Latvian translation"
    page = assert_refused(resp, "scheduled_at", message, kept={"place": "Cita vieta"})
    assert len(page.rows["scheduled_at"].errors) == 1, page.rows["scheduled_at"].errors
    if typed.strip():
        assert page.rows["scheduled_at"].values == [typed]  # what was typed, to correct it
    with app.app_context():
        row = db.session.get(Meeting, meeting)
        assert (row.scheduled_at, row.place) == (STORED, "VPD Rīga")
        db.session.remove()


def _session_form(base: Any, when: str) -> dict[str, str]:
    return {"mediation": str(base.own.mediation), "scheduled_at": when, "place": "VPD telpa 2",
            "notes": "Pirmā tikšanās"}


@pytest.mark.parametrize(("typed", "utc"), [
    ("2026-02-03T14:00", dt.datetime(2026, 2, 3, 12, 0, tzinfo=UTC)),
    ("03.08.2026 14:00", dt.datetime(2026, 8, 3, 11, 0, tzinfo=UTC)),
])
def test_mediation_session_add_stores_utc(app, base, client_for, typed, utc):
    c = client_for(Role.OFFICER, "en")
    before = count(app, MediationSession)
    assert_saved(c.post("/mediationsessionview/add", data=_session_form(base, typed)))
    assert count(app, MediationSession) == before + 1
    with app.app_context():
        newest = db.session.scalars(
            select(MediationSession).order_by(MediationSession.id.desc()).limit(1)).one()
        assert (newest.scheduled_at, newest.place) == (utc, "VPD telpa 2")
        db.session.remove()


@pytest.mark.parametrize(("what", "typed", "msgid"), BAD, ids=[b[0] for b in BAD])
def test_bad_time_on_mediation_session_add_is_refused(app, base, officer, lang, what, typed,
                                                      msgid):
    before = count(app, MediationSession)
    resp = officer.post("/mediationsessionview/add", data=_session_form(base, typed))
    assert_refused(resp, "scheduled_at", expected(app, lang, msgid),
                   kept={"place": "VPD telpa 2"})
    assert count(app, MediationSession) == before


# --- A nullable column -------------------------------------------------------------------------


def test_nullable_datetime_may_be_left_empty_or_set(app):
    # Since migration 0020 no officer screen edits a nullable date-time (a report's submission
    # time is set by its workflow), so the field is checked as the screens build it for one.
    from flask_wtf import FlaskForm
    from wtforms.validators import Optional

    from portal.views.fields import LocalDateTimeField

    class Form(FlaskForm):
        submitted_at = LocalDateTimeField(label="Submitted", naive_utc=False,
                                          validators=[Optional()])

    def submit(value: str) -> Any:
        from flask_babel import force_locale

        with app.test_request_context(method="POST", data={"submitted_at": value}), \
                force_locale("en"):
            form = Form(meta={"csrf": False})
            return form.validate(), form.submitted_at.data, form.submitted_at.errors

    assert submit("01.06.2026 09:00") == (True, dt.datetime(2026, 6, 1, 6, 0, tzinfo=UTC), [])
    assert submit("") == (True, None, [])
    valid, _value, errors = submit("soon")
    assert not valid and any(MSG_FORMAT in e for e in errors)


# --- Search forms keep working -----------------------------------------------------------------


@pytest.mark.parametrize("value", ["2026-01-01 10:00", "2026-01-01T10:00", "garbage", ""])
@pytest.mark.parametrize("flt", [0, 1, 2, 3])
def test_datetime_search_filters_do_not_break(client_for, flt, value):
    c = client_for(Role.OFFICER, "en")
    resp = c.get("/meetingview/list/", query_string={f"_flt_{flt}_scheduled_at": value})
    assert resp.status_code == 200


# --- Never a 500 -------------------------------------------------------------------------------


_near_valid = st.from_regex(
    r"\A[0-9]{1,6}[-.][0-9]{1,3}[-.][0-9]{1,5}[T .]{0,2}[0-9]{0,3}:?[0-9]{0,3}(:[0-9]{0,3})?"
    r"(\.[0-9]{0,7})?(Z|[+-][0-9]{2}:?[0-9]{2})?\Z"
)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(typed=st.one_of(st.text(max_size=40), _near_valid))
def test_random_text_never_gives_a_500(app, base, client_for, typed):
    c = client_for(Role.OFFICER, "lv")
    pk = base.own.meeting
    resp = c.post(f"/meetingview/edit/{pk}", data=meeting_form(app, base, typed))
    assert resp.status_code in (200, 302), resp.status_code
    if resp.status_code == 200:
        page = parse_form(resp.get_data(as_text=True))
        assert page.rows["scheduled_at"].errors, "refused without a message beside the field"
