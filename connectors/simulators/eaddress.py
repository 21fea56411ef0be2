"""A simulator of the state e-address (e-adrese): the official electronic mailbox of a person.

JSON over HTTP, as :mod:`connectors.eaddress` describes:

* ``GET  /addresses/<personal code>`` — ``{"active": true|false}``;
* ``POST /messages`` ``{"key", "kind", "recipient", "subject", "body", "meeting"?}`` — stores
  the message once per ``key`` and answers ``{"receipt", "status": "accepted"}`` (a repeated
  key gets the first receipt back and stores nothing); 422 ``{"error":
  "no_active_e_address"}`` when the recipient has no active e-address;
* ``GET  /messages/<receipt>`` — ``{"receipt", "status": "accepted" | "delivered" | "read",
  "delivered_at", "read_at"}``: a message is in the mailbox (delivered) from the first time
  its status is asked, and read once the person opens it (``POST /messages/<receipt>/_read``);
* ``GET  /messages`` — every stored message (tests, demo);
* ``POST /_addresses`` ``{"active": [codes], "inactive": [codes]}`` — who has an active
  e-address, overriding the deterministic default (about two persons in three do);
* ``GET /health``, ``POST /_control`` — as every simulator (:mod:`.server`): latency,
  ``timeout``, ``error`` (500), ``malformed``.

Binds to 127.0.0.1 only: ``python -m connectors.simulators --system eaddress --port 8095``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from connectors.simulators.server import Simulator, SimulatorState, _Handler

__all__ = ["EAddressState", "has_active_address", "start_eaddress"]


def has_active_address(code: str) -> bool:
    """The deterministic default: the same personal code always gets the same answer."""
    return int(hashlib.sha256(f"eaddress:{code}".encode()).hexdigest()[:8], 16) % 3 != 0


@dataclass
class EAddressState(SimulatorState):
    """The mailboxes: who has an active e-address, and every message stored, by key."""

    active: dict[str, bool] = field(default_factory=dict)
    # idempotency key -> stored message (with its receipt and status)
    mailbox: dict[str, dict[str, Any]] = field(default_factory=dict)

    def is_active(self, code: str) -> bool:
        return self.active.get(code, has_active_address(code))

    def by_receipt(self, receipt: str) -> dict[str, Any] | None:
        return next((m for m in self.mailbox.values() if m["receipt"] == receipt), None)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class _EAddressHandler(_Handler):
    def do_GET(self) -> None:  # noqa: N802 (stdlib name)
        state: EAddressState = self.server.state  # type: ignore[assignment]
        if self.path.startswith("/addresses/"):
            if self._misbehave():
                return
            code = self.path[len("/addresses/"):]
            self._send(200, {"active": state.is_active(code)})
            return
        if self.path == "/messages":
            with state.lock:
                self._send(200, list(state.mailbox.values()))
            return
        if self.path.startswith("/messages/"):
            if self._misbehave():
                return
            with state.lock:
                stored = state.by_receipt(self.path[len("/messages/"):])
                if stored is not None and stored["status"] == "accepted":
                    stored["status"], stored["delivered_at"] = "delivered", _now()
                answer = None if stored is None else {
                    k: stored[k] for k in ("receipt", "status", "delivered_at", "read_at")}
            if answer is None:
                self._send(404, {"error": "not_found"})
            else:
                self._send(200, answer)
            return
        super().do_GET()  # /health

    def do_POST(self) -> None:  # noqa: N802 (stdlib name)
        state: EAddressState = self.server.state  # type: ignore[assignment]
        if self.path == "/messages":
            body = self._body()
            if self._misbehave():
                return
            if not isinstance(body, dict) or not all(
                    isinstance(body.get(k), str) and body.get(k)
                    for k in ("key", "recipient", "subject", "body")):
                self._send(400, {"error": "bad_request"})
                return
            with state.lock:
                stored = state.mailbox.get(body["key"])
                if stored is None:
                    if not state.is_active(body["recipient"]):
                        self._send(422, {"error": "no_active_e_address"})
                        return
                    stored = {
                        "receipt": f"EA-{len(state.mailbox) + 1:06d}", "key": body["key"],
                        "kind": body.get("kind"), "recipient": body["recipient"],
                        "subject": body["subject"], "body": body["body"],
                        "meeting": body.get("meeting"), "status": "accepted",
                        "accepted_at": _now(), "delivered_at": None, "read_at": None,
                    }
                    state.mailbox[body["key"]] = stored
            self._send(200, {"receipt": stored["receipt"], "status": "accepted"})
            return
        if self.path == "/_addresses":
            body = self._body()
            with state.lock:
                for code in (body or {}).get("active") or []:
                    state.active[str(code)] = True
                for code in (body or {}).get("inactive") or []:
                    state.active[str(code)] = False
            self._send(200, {"known": len(state.active)})
            return
        if self.path.startswith("/messages/") and self.path.endswith("/_read"):
            with state.lock:
                stored = state.by_receipt(self.path[len("/messages/"):-len("/_read")])
                if stored is not None:
                    stored["delivered_at"] = stored["delivered_at"] or _now()
                    stored["status"], stored["read_at"] = "read", _now()
            self._send(200 if stored else 404, {"read": bool(stored)})
            return
        super().do_POST()  # /_control


class EAddressSimulator(Simulator):
    """A running e-address simulator; :meth:`set_active` says who has an active e-address."""

    state: EAddressState

    def set_active(self, *codes: str, active: bool = True) -> None:
        with self.state.lock:
            for code in codes:
                self.state.active[code] = active


def start_eaddress(port: int = 0) -> EAddressSimulator:
    """Start the e-address simulator on 127.0.0.1 (port 0: a free one) in a thread."""
    sim = EAddressSimulator("eaddress", port, state=EAddressState(system="eaddress"),
                            handler=_EAddressHandler)
    sim.start()
    return sim
