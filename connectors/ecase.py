"""What the three E-case systems (TIS, ProIS, IeVP IS) share: decisions in, notices out.

Transport (simulators and the adapter in front of the E-case shared components): JSON over
HTTP.

* ``GET  /messages`` — the messages waiting for PLUS: ``[{"id", "kind", "payload"}, ...]``;
* ``POST /messages/<id>/ack`` — PLUS has stored the message (the system stops offering it);
* ``POST /notices`` — a notice from PLUS ``{"key", "kind", "payload"}``; the system answers
  ``{"receipt": ...}`` and answers a repeated key with the first receipt.

An inbound decision message (every kind) holds::

    {"decision": {"id", "type", "institution", "number", "date", "effective_date"?,
                  "articles"?, "violent"?, "sexual"?, "forced_labour_hours"?,
                  "community_work_hours"?, "supervision_months"?, "details"?},
     "person": {"personal_code", "given_name", "surname", "gender", "address"?},
     "function": <a CaseFunction value>, "unit": <a territorial unit code>?,
     "due_date"?: <for evaluation requests>}

Its proposal creates (or updates) the client by personal code, the decision by the system's
decision id (marked received electronically, with the source system) and the case; a message
about a decision already received (an amendment) updates that decision and attaches to its
case. A new decision that names an earlier one (``"amends": <earlier decision id>``, with
``"change": {"role", "months"?, "until"?}``; role one of amendment, extension, suspension,
revocation, early_release) is a later decision of that earlier decision's case: it joins the
case's decisions (``CaseDecision``) instead of opening a second case. An evaluation request
also proposes the report request, due on ``due_date``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

from sqlalchemy import select

from connectors.base import BadMessage, InboundConnector, Incoming, OutboundConnector
from portal.models import (
    Case,
    CaseDecision,
    CaseFunction,
    CaseStatus,
    Client,
    Decision,
    DecisionRole,
    DecisionType,
    EvaluationReportRequest,
    ExchangeMessage,
    Requester,
    SourceSystem,
    TerritorialUnit,
)
from portal.services import intake
from portal.services.casework import personal_code
from portal.services.exchanges.inbound import Proposal

__all__ = ["DECISION_FIELDS", "ECaseInbound", "ECaseOutbound"]

#: required and optional fields of every decision message (see Connector.message_schema)
DECISION_FIELDS: dict[str, str] = {
    "decision": "object",
    "decision.id": "string",
    "decision.type": "string",
    "decision.institution": "string",
    "decision.number": "string",
    "decision.date": "string",
    "person": "object",
    "person.personal_code": "string",
    "person.given_name": "string",
    "person.surname": "string",
    "person.gender": "string",
    "function": "string",
}
_EVALUATION_TYPES = {
    DecisionType.COURT_EVALUATION_REQUEST: Requester.COURT,
    DecisionType.PROSECUTOR_EVALUATION_REQUEST: Requester.PROSECUTOR,
    DecisionType.PRISON_REQUEST: Requester.PRISON,
}
# Decision columns and the message fields they come from.
_DECISION_COLUMNS = {
    "decision_type": "type",
    "institution": "institution",
    "number": "number",
    "decision_date": "date",
    "effective_date": "effective_date",
    "criminal_law_articles": "articles",
    "violent_offence": "violent",
    "sexual_offence": "sexual",
    "forced_labour_hours": "forced_labour_hours",
    "community_work_hours": "community_work_hours",
    "supervision_months": "supervision_months",
    "penalty_details": "details",
}


class ECaseInbound(InboundConnector):
    """Decisions and requests from an E-case system (see the module docstring)."""

    source_system: ClassVar[SourceSystem]
    #: message kind -> decision types it may carry
    kinds: ClassVar[Mapping[str, tuple[DecisionType, ...]]] = {}
    def fetch(self, after: str | None) -> list[Incoming]:
        """The messages waiting at the system (``GET /messages``)."""
        answer = self.request("GET", "/messages")
        if not isinstance(answer, list):
            raise BadMessage(f"{self.system} answered with malformed data")
        items = []
        for raw in answer:
            if not isinstance(raw, dict):
                raise BadMessage(f"{self.system} answered with malformed data")
            items.append(Incoming(str(raw.get("id") or ""), raw.get("kind"), raw.get("payload")))
        return items

    def acknowledge(self, external_id: str) -> None:
        """``POST /messages/<id>/ack``: the message is stored in PLUS."""
        self.request("POST", f"/messages/{external_id}/ack", {})

    def propose(self, session: Any, message: ExchangeMessage) -> Proposal:
        """Client, decision and case (created or updated) for a decision message."""
        payload = message.payload
        self.validate(message.kind, payload)
        dec, person = payload["decision"], payload["person"]
        try:
            decision_type = DecisionType(dec["type"])
            function = CaseFunction(payload["function"])
        except ValueError:
            raise BadMessage("unknown decision type or function") from None
        if decision_type not in self.kinds[message.kind]:
            raise BadMessage(f"a {message.kind} cannot carry a {decision_type.value}")
        try:
            code = personal_code.validate(person["personal_code"])
        except personal_code.InvalidPersonalCode:
            raise BadMessage("the personal code fails validation") from None
        proposal = Proposal(summary=f"{dec['number']} ({dec['institution']})"[:200])
        client = session.scalars(select(Client).where(Client.personal_code == code)).first()
        person_values = {"given_name": person["given_name"], "surname": person["surname"]}
        if person.get("address"):
            person_values["address"] = person["address"]
        if client is not None:
            proposal.client_id = client.id
            proposal.changes += intake.propose_update(client, person_values)
            client_ref: Any = client.id
        else:
            birth = personal_code.birth_date(code)
            if birth is None and person.get("birth_date"):
                birth = _date(person["birth_date"])
            proposal.changes.append(intake.propose_create(Client, {
                **person_values, "personal_code": code, "gender": person["gender"],
                "birth_date": birth.isoformat() if birth else None,
                "unit_id": None,  # set below, once the unit is known
            }, ref="client"))
            client_ref = intake.Ref("client")
        proposal.unit_id = self._unit(session, payload, client)
        if client is None:
            proposal.changes[-1].values["unit_id"] = proposal.unit_id

        decision_values = {
            column: dec.get(key) for column, key in _DECISION_COLUMNS.items()
            if dec.get(key) is not None
        }
        decision_values["decision_type"] = decision_type.value
        found = session.scalars(select(Decision).where(
            Decision.source_system == self.source_system, Decision.external_id == dec["id"],
        )).first()
        hours = dec.get("forced_labour_hours") or dec.get("community_work_hours")
        if found is not None:
            # An amendment (or a repeat) attaches to what was received before.
            proposal.changes += intake.propose_update(found, decision_values)
            case = session.scalars(
                select(Case).where(Case.decision_id == found.id).order_by(Case.id)
            ).first()
            if case is not None:
                proposal.case_id = case.id
                proposal.unit_id = case.unit_id
                if hours is not None:
                    proposal.changes += intake.propose_update(case, {"hours_ordered": hours})
            return proposal
        proposal.changes.append(intake.propose_create(Decision, {
            **decision_values, "client_id": client_ref, "received_electronically": True,
            "source_system": self.source_system.value, "external_id": dec["id"],
        }, ref="decision"))
        earlier = self._earlier_case(session, payload)
        if earlier is not None:
            # A later decision about a case already open: it attaches, no second case.
            proposal.case_id, proposal.unit_id = earlier.id, earlier.unit_id
            proposal.changes.append(self._later(payload, earlier, dec))
            return proposal
        start = dec.get("effective_date") or dec["date"]
        proposal.changes.append(intake.propose_create(Case, {
            "client_id": client_ref, "function": function.value,
            "status": CaseStatus.OPENED.value, "start_date": start,
            "unit_id": proposal.unit_id, "decision_id": intake.Ref("decision"),
            "hours_ordered": hours,
        }, ref="case"))
        requester = _EVALUATION_TYPES.get(decision_type)
        if requester is not None:
            # The request counts from the day it was issued (the decision date).
            received = _date(dec["date"]) or dt.date.today()
            due = payload.get("due_date") or (received + dt.timedelta(days=30)).isoformat()
            proposal.changes.append(intake.propose_create(EvaluationReportRequest, {
                "case_id": intake.Ref("case"), "requester": requester.value,
                "institution": dec["institution"], "request_number": dec["number"],
                "received_date": received.isoformat(), "due_date": due,
                "status": "received",
            }))
        return proposal

    def _earlier_case(self, session: Any, payload: Mapping[str, Any]) -> Case | None:
        """The case of the earlier decision a message names in ``amends``, if we hold it."""
        earlier_id = payload.get("amends")
        if not isinstance(earlier_id, str) or not earlier_id:
            return None
        earlier = session.scalars(select(Decision).where(
            Decision.source_system == self.source_system, Decision.external_id == earlier_id,
        )).first()
        if earlier is None:
            return None
        return session.scalars(
            select(Case).where(Case.decision_id == earlier.id).order_by(Case.id)).first()

    def _later(self, payload: Mapping[str, Any], case: Case,
               dec: Mapping[str, Any]) -> intake.ProposedChange:
        change = payload.get("change") if isinstance(payload.get("change"), dict) else {}
        try:
            role = DecisionRole(change.get("role") or "amendment")
        except ValueError:
            raise BadMessage("unknown role of a later decision") from None
        values: dict[str, Any] = {
            "case_id": case.id, "decision_id": intake.Ref("decision"), "role": role.value,
            "effective_date": dec.get("effective_date") or dec["date"],
        }
        if change.get("months") is not None:
            values["months"] = change["months"]
        if change.get("until"):
            values["until_date"] = change["until"]
        return intake.propose_create(CaseDecision, values)

    def _unit(self, session: Any, payload: Mapping[str, Any], client: Client | None) -> int | None:
        code = payload.get("unit")
        if isinstance(code, str) and code:
            unit_id = session.scalars(
                select(TerritorialUnit.id).where(TerritorialUnit.code == code)
            ).first()
            if unit_id is not None:
                return unit_id
        if client is not None and client.unit_id is not None:
            return client.unit_id
        return session.scalars(select(TerritorialUnit.id).order_by(TerritorialUnit.id)).first()


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


class ECaseOutbound(OutboundConnector):
    """Notices from PLUS to an E-case system (``POST /notices``)."""

    message_schema = {
        "execution_notice": {"case_number": "string", "outcome": "string"},
        "mediation_result": {"case_number": "string", "outcome": "string"},
        "evaluation_report": {"case_number": "string"},
    }

    def send(self, kind: str, payload: Mapping[str, Any], key: str) -> dict[str, Any]:
        """Deliver one notice; the system answers a repeated ``key`` with the first receipt."""
        self.validate(kind, dict(payload))
        answer = self.request("POST", "/notices", {"key": key, "kind": kind,
                                                   "payload": dict(payload)})
        if not isinstance(answer, dict) or not isinstance(answer.get("receipt"), str):
            raise BadMessage(f"{self.system} answered with malformed data")
        return answer
