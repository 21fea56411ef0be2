"""The unified calendar's simulator: bookings by reference and busy times by resource.

Served by the generic simulator (:mod:`connectors.simulators.server`, system ``calendar``),
with its switches for latency, timeout, 500 and malformed answers:

* ``POST /bookings`` — a booking from PLUS (see :mod:`connectors.calendar`); one booking per
  ``ref``, a repeated ``key`` answered with the first receipt and not stored again;
* ``GET /busy?resources=...&start=...&end=...`` — the busy times overlapping the span: PLUS's
  own bookings, the ones put in with ``POST /_busy`` (tests), and in demo mode deterministic
  ones (an officer's leave on Fridays from 13:00, a room booked by another institution on
  Wednesday mornings), keyed by the resource's id.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlparse

__all__ = ["book", "busy", "demo_busy"]


def _when(value: Any) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)


def book(state: Any, body: Any) -> tuple[int, dict[str, Any]]:
    """Store one booking (``state.lock`` held by the caller); returns status and answer."""
    if not isinstance(body, dict) or not isinstance(body.get("key"), str):
        return 400, {"error": "bad_request"}
    payload = body.get("payload")
    if not isinstance(payload, dict) or not isinstance(payload.get("ref"), str):
        return 400, {"error": "bad_request"}
    stored = state.notices.get(body["key"])
    if stored is None:
        stored = {"receipt": f"CAL-R-{len(state.notices) + 1:06d}", "key": body["key"],
                  "kind": body.get("kind"), "payload": payload}
        state.notices[body["key"]] = stored
        if payload.get("action") == "cancel":
            state.bookings.pop(payload["ref"], None)
        else:
            state.bookings[payload["ref"]] = payload
    return 200, {"receipt": stored["receipt"]}


def demo_busy(resource: str, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    """Deterministic busy times of the demo: officers with an even id are on leave on Friday
    afternoons; rooms with an even id are booked by another institution on Wednesday
    mornings (UTC hours, to stay independent of the service's time zone)."""
    kind, _, ident = resource.partition(":")
    if not ident.isdigit() or int(ident) % 2:
        return []
    weekday, hours = {"officer": (4, (11, 16)), "room": (2, (7, 10))}.get(kind, (None, None))
    if weekday is None or hours is None:
        return []
    found = []
    day = start.date() - dt.timedelta(days=1)
    while day <= end.date():
        if day.weekday() == weekday:
            b_start = dt.datetime(day.year, day.month, day.day, hours[0], tzinfo=dt.UTC)
            b_end = dt.datetime(day.year, day.month, day.day, hours[1], tzinfo=dt.UTC)
            if b_start < end and b_end > start:
                found.append({"resource": resource, "start": b_start.isoformat(),
                              "end": b_end.isoformat(),
                              "reason": "leave" if kind == "officer" else "external_booking"})
        day += dt.timedelta(days=1)
    return found


def busy(state: Any, path: str) -> tuple[int, dict[str, Any]]:
    """The busy times of ``GET /busy?...`` (``state.lock`` held by the caller)."""
    query = parse_qs(urlparse(path).query)
    wanted = [r for r in (query.get("resources") or [""])[0].split(",") if r]
    start, end = _when((query.get("start") or [""])[0]), _when((query.get("end") or [""])[0])
    if start is None or end is None:
        return 400, {"error": "bad_request"}
    entries: list[dict[str, Any]] = list(state.busy)
    for booking in state.bookings.values():
        for resource in booking.get("resources") or []:
            entries.append({"resource": resource, "start": booking["start"],
                            "end": booking["end"], "ref": booking["ref"]})
    found = []
    for entry in entries:
        b_start, b_end = _when(entry.get("start")), _when(entry.get("end"))
        if entry.get("resource") in wanted and b_start and b_end and b_start < end \
                and b_end > start:
            found.append(entry)
    if state.demo:
        for resource in wanted:
            found += demo_busy(resource, start, end)
    return 200, {"busy": found}
