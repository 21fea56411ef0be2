"""The state e-address (e-adrese): notices and summons to a person's official mailbox.

Outbound. JSON over HTTP (the simulator, :mod:`connectors.simulators.eaddress`, speaks the
same; the real e-address is reached through the VISS integrator, SOAP/XML, behind an adapter
that keeps these fields):

* ``POST /messages`` ``{"key", "kind", "recipient", "subject", "body", "meeting"?}`` — the
  recipient is a personal code (or an employer's registration number); the answer is
  ``{"receipt", "status"}``, the first receipt again for a repeated ``key`` (so a delivery
  retried after a timeout that hid a success is stored once); 422 ``{"error":
  "no_active_e_address"}`` when the person has no active e-address (never retried: the officer
  must summon the person another way);
* ``GET /messages/<receipt>`` — the delivery status: ``accepted``, ``delivered`` (in the
  mailbox) or ``read``, with ``delivered_at`` and ``read_at``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from connectors.base import BadMessage, OutboundConnector

__all__ = ["EAddressOutbound", "NO_ACTIVE_ADDRESS"]

#: the e-address system's error code for a person without an active e-address
NO_ACTIVE_ADDRESS = "no_active_e_address"

_MESSAGE = {"recipient": "string", "subject": "string", "body": "string"}


class EAddressOutbound(OutboundConnector):
    """Notices (replies to portal submissions) and summons to meetings, to the e-address."""

    name = "eaddress"
    system = "E-adrese"
    message_schema = {
        "notice": _MESSAGE,
        "summons": {**_MESSAGE, "meeting": "object", "meeting.date": "string",
                    "meeting.time": "string"},
    }

    def send(self, kind: str, payload: Mapping[str, Any], key: str) -> dict[str, Any]:
        """Put one message into the recipient's mailbox; returns ``{"receipt", "status"}``.

        :raises BadMessage: with ``code == NO_ACTIVE_ADDRESS`` when the person has no active
            e-address; or the system refused or garbled the answer.
        :raises TransientError: timeout or 5xx (the outbox tries again later).
        """
        self.validate(kind, dict(payload))
        try:
            answer = self.request("POST", "/messages", {**dict(payload), "key": key,
                                                        "kind": kind})
        except BadMessage as exc:
            if exc.code == NO_ACTIVE_ADDRESS:
                raise BadMessage("the recipient has no active e-address",
                                 code=NO_ACTIVE_ADDRESS) from None
            raise
        if not isinstance(answer, dict) or not isinstance(answer.get("receipt"), str):
            raise BadMessage(f"{self.system} answered with malformed data")
        return answer

    def delivery_status(self, receipt: str) -> dict[str, Any]:
        """The status of a sent message: ``{"status", "delivered_at", "read_at"}``.

        :raises TransientError: timeout or 5xx.
        :raises BadMessage: unknown receipt or a malformed answer.
        """
        answer = self.request("GET", "/messages/" + quote(receipt, safe=""))
        if not isinstance(answer, dict) or answer.get("status") not in (
                "accepted", "delivered", "read"):
            raise BadMessage(f"{self.system} answered with malformed data")
        return answer
