"""Reading typed local (Europe/Riga) date-times: formats, seasons and the clock changes."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.formatting import (
    BadLocalTime,
    NonexistentLocalTime,
    local_input,
    localtime,
    parse_localtime,
)

UTC = dt.UTC


@pytest.mark.parametrize(("text", "utc", "seconds"), [
    ("2026-01-15T10:30", dt.datetime(2026, 1, 15, 8, 30, tzinfo=UTC), False),
    ("2026-07-15T10:30", dt.datetime(2026, 7, 15, 7, 30, tzinfo=UTC), False),
    ("2026-07-15T10:30:05", dt.datetime(2026, 7, 15, 7, 30, 5, tzinfo=UTC), True),
    ("2026-07-15T10:30:05.250", dt.datetime(2026, 7, 15, 7, 30, 5, 250000, tzinfo=UTC), True),
    ("2026-07-15 10:30", dt.datetime(2026, 7, 15, 7, 30, tzinfo=UTC), False),
    ("15.07.2026 10:30", dt.datetime(2026, 7, 15, 7, 30, tzinfo=UTC), False),
    ("15.07.2026. 10:30", dt.datetime(2026, 7, 15, 7, 30, tzinfo=UTC), False),
    ("15.01.2026 10:30:59", dt.datetime(2026, 1, 15, 8, 30, 59, tzinfo=UTC), True),
    # an explicit offset names the instant itself (what FAB's old form showed)
    ("2026-07-15 07:30:00+00:00", dt.datetime(2026, 7, 15, 7, 30, tzinfo=UTC), True),
    ("2026-07-15T07:30Z", dt.datetime(2026, 7, 15, 7, 30, tzinfo=UTC), False),
    ("2026-07-15T10:30+0300", dt.datetime(2026, 7, 15, 7, 30, tzinfo=UTC), False),
    # the autumn hour that occurs twice: its first occurrence, summer time (+03:00)
    ("2026-10-25T03:00", dt.datetime(2026, 10, 25, 0, 0, tzinfo=UTC), False),
    ("2026-10-25T03:59", dt.datetime(2026, 10, 25, 0, 59, tzinfo=UTC), False),
    ("2026-10-25T04:00", dt.datetime(2026, 10, 25, 2, 0, tzinfo=UTC), False),
])
def test_parses_local_time_to_utc(text, utc, seconds):
    assert parse_localtime(text) == (utc, seconds)


@pytest.mark.parametrize("text", ["2026-03-29T03:00", "2026-03-29T03:30", "29.03.2026 03:59",
                                  "2025-03-30T03:15"])
def test_spring_gap_is_refused(text):
    with pytest.raises(NonexistentLocalTime):
        parse_localtime(text)


@pytest.mark.parametrize("text", [
    "", " ", "x", "2026-03-01", "10:30", "2026-02-30T10:00", "2026-03-01T24:00",
    "2026-03-01T10:60", "1899-12-31T23:59", "3000-01-01T00:00", "0000-01-01T00:00",
    "2026-03-01T10:00+25:00", "2026/03/01 10:00", "2026-03-01T10:00:00:00",
    "٢٠٢٦-٠٣-٠١T10:00", "2026-03-01T10:00\x00",
])
def test_garbage_is_refused(text):
    with pytest.raises(BadLocalTime):
        parse_localtime(text)


@given(st.text(max_size=40))
def test_any_text_parses_or_raises_a_value_error(text):
    try:
        utc, _ = parse_localtime(text)
    except ValueError:
        return
    assert utc.tzinfo is UTC


# From 2000: Riga's offsets before 1926 had seconds in them, and the minute shown is not the
# minute stored there.
@given(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2998, 12, 31),
                    timezones=st.just(UTC)))
def test_shown_value_reads_back_to_the_same_minute(value):
    back, _ = parse_localtime(local_input(value))
    minute = value.replace(second=0, microsecond=0)
    assert local_input(back) == local_input(value)
    assert localtime(back) == localtime(value)
    # Exact, except the repeated autumn hour, which reads as its first occurrence.
    assert back in (minute, minute - dt.timedelta(hours=1))
