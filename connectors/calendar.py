"""The unified calendar (vienotais kalendārs): rooms, officers and mediators as resources.

PLUS books every meeting and mediation session in it and asks it for busy times before
booking (an officer's leave, a room booked by another institution), so that the clash rule
(:mod:`portal.services.casework.scheduling`) sees more than PLUS's own tables.

JSON over HTTP (the simulator in :mod:`connectors.simulators.calendar` speaks the same):

* ``POST /bookings`` — ``{"key", "kind": "booking", "payload": {"ref", "action": "book" |
  "cancel", "start", "end", "resources": ["room:3", "officer:7", "volunteer:2"]}}``; the
  calendar keeps one booking per ``ref`` (a move replaces it), answers ``{"receipt": ...}``
  and answers a repeated ``key`` with the first receipt;
* ``GET /busy?resources=room:3,officer:7&start=<ISO>&end=<ISO>`` — ``{"busy": [{"resource",
  "start", "end", "ref"?}, ...]}``, PLUS's own bookings among them with refs ``plus:...``.

Resources are named by PLUS ids; no client's personal data goes to the calendar (a client's
clashes are PLUS's own check). The busy query waits at most ``CALENDAR_QUERY_TIMEOUT``
seconds: a booking screen must not hang on it.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Mapping, Sequence
from typing import Any

from connectors.base import BadMessage, ConnectorSettings, OutboundConnector
from portal.services.casework.scheduling import Busy


class CalendarConnector(OutboundConnector):
    """Bookings out to the unified calendar (outbox) and its busy times in (a query)."""

    name = "calendar"
    system = "Unified calendar"
    endpoint_name = "calendar"
    message_schema = {
        "booking": {
            "ref": "string",
            "action": "string",
            "start": "string",
            "end": "string",
            "resources": "array",
        },
    }

    @classmethod
    def settings_from(cls, config: Mapping[str, Any]) -> ConnectorSettings:
        """As every connector's, with the short read timeout of a query made while the
        officer waits (``CALENDAR_QUERY_TIMEOUT``)."""
        base = super().settings_from(config)
        timeout = float(config.get("CALENDAR_QUERY_TIMEOUT", 2))
        return ConnectorSettings(
            endpoint=base.endpoint,
            connect_timeout=min(base.connect_timeout, timeout),
            read_timeout=min(base.read_timeout, timeout),
            secret_env=base.secret_env,
        )

    def send(self, kind: str, payload: Mapping[str, Any], key: str) -> dict[str, Any]:
        """Book (or cancel) one meeting or session; a repeated ``key`` gets the first receipt."""
        self.validate(kind, dict(payload))
        if payload["action"] not in ("book", "cancel"):
            raise BadMessage("action must be book or cancel")
        answer = self.request("POST", "/bookings", {"key": key, "kind": kind,
                                                    "payload": dict(payload)})
        if not isinstance(answer, dict) or not isinstance(answer.get("receipt"), str):
            raise BadMessage(f"{self.system} answered with malformed data")
        return answer

    def busy(self, resources: Sequence[str], start: dt.datetime, end: dt.datetime
             ) -> list[Busy]:
        """The calendar's busy times of ``resources`` that overlap ``start``–``end``.

        :raises TransientError: unreachable or too slow.
        :raises BadMessage: the answer is malformed.
        """
        query = urllib.parse.urlencode({
            "resources": ",".join(resources), "start": start.isoformat(),
            "end": end.isoformat(),
        })
        answer = self.request("GET", f"/busy?{query}")
        items = answer.get("busy") if isinstance(answer, dict) else None
        if not isinstance(items, list):
            raise BadMessage(f"{self.system} answered with malformed data")
        found = []
        for item in items:
            try:
                found.append(Busy(
                    resource=str(item["resource"]),
                    start=_aware(dt.datetime.fromisoformat(item["start"])),
                    end=_aware(dt.datetime.fromisoformat(item["end"])),
                    ref=item.get("ref") if isinstance(item.get("ref"), str) else None,
                ))
            except (KeyError, TypeError, ValueError, AttributeError):
                raise BadMessage(f"{self.system} answered with malformed data") from None
        return found


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
