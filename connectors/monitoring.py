"""Electronic monitoring IS: events of electronically monitored clients (zone violation,
device tamper, battery, contact lost) become proposed Violations for the officer.

JSON over HTTP, like the E-case systems (``GET /messages``, ``POST /messages/<id>/ack``); an
event is ``{"personal_code", "event": <type>, "at": <ISO time>, "details"?}``. The event is
matched to the client's open supervision case with electronic monitoring; an event for a
person without one is rejected with the reason (admins see it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from connectors.ecase import ECaseInbound
from portal.models import Case, CaseFunction, CaseStatus, Client, ExchangeMessage, Violation
from portal.services import intake
from portal.services.casework import personal_code
from portal.services.exchanges.inbound import Proposal
from portal.services.exchanges.shapes import BadMessage

#: event type -> how the violation reads (Latvian: it is stored as the record's text)
EVENTS = {
    "zone_violation": "Elektroniskā uzraudzība: atļautās zonas pārkāpums",
    "device_tamper": "Elektroniskā uzraudzība: ierīces bojāšana",
    "battery": "Elektroniskā uzraudzība: ierīce nav uzlādēta",
    "contact_lost": "Elektroniskā uzraudzība: zudis savienojums ar ierīci",
}
_MONITORED = (CaseFunction.SUPERVISION_EARLY_RELEASE_EM,)


class MonitoringInbound(ECaseInbound):
    """Events of the electronic monitoring information system."""

    name = "em"
    system = "EM IS"
    endpoint_name = "em"
    kinds = {}  # not decisions: propose() below
    message_schema = {"event": {"personal_code": "string", "event": "string", "at": "string"}}

    def propose(self, session: Any, message: ExchangeMessage) -> Proposal:
        """A new Violation on the client's monitored case, dated when the event happened."""
        payload = message.payload
        self.validate(message.kind, payload)
        if payload["event"] not in EVENTS:
            raise BadMessage("unknown monitoring event")
        try:
            code = personal_code.validate(payload["personal_code"])
            at = dt.datetime.fromisoformat(payload["at"])
        except (personal_code.InvalidPersonalCode, ValueError):
            raise BadMessage("the personal code or the time fails validation") from None
        case = session.scalars(
            select(Case).join(Client, Client.id == Case.client_id)
            .where(Client.personal_code == code, Case.function.in_(_MONITORED),
                   Case.status != CaseStatus.CLOSED)
            .order_by(Case.id.desc())
        ).first()
        if case is None:
            raise BadMessage("no open electronic monitoring case for this person")
        details = str(payload.get("details") or "")[:500]
        description = EVENTS[payload["event"]] + (f" ({details})" if details else "")
        return Proposal(
            changes=[intake.propose_create(
                Violation,
                {"case_id": case.id, "violation_date": at.date().isoformat(),
                 "description": description})],
            client_id=case.client_id, case_id=case.id, unit_id=case.unit_id,
            summary=description[:200],
        )
