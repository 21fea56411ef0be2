"""One HTTP simulator of an external system (stdlib ``http.server``, threaded, JSON).

The real E-case systems and registries are not reachable from here, so every connector is
tested and demonstrated against one of these. A simulator holds

* an inbound queue (``GET /messages``, ``POST /messages/<id>/ack``): decisions it offers PLUS
  until PLUS acknowledges them;
* the notices PLUS sent it (``POST /notices``; a repeated key gets the first receipt back;
  ``GET /notices`` lists them);
* ``GET /health``;
* for the unified calendar, ``POST /bookings`` and ``GET /busy`` (``POST /_busy`` puts busy
  times in): :mod:`connectors.simulators.calendar`;

and switches (``POST /_control`` with ``{"mode": ..., "latency_ms": ...}``): ``ok``,
``timeout`` (answers after ``hang_seconds``), ``error`` (500), ``malformed`` (not JSON),
``unknown`` (404 unknown person; ``unknown_codes`` makes a registry not know only those
personal codes). ``POST /_messages`` puts messages into the queue (tests);
:func:`demo_decisions` makes deterministic ones, keyed by personal code.

Binds to 127.0.0.1 only. Start one with :func:`start` (tests: port 0 = a free port) or
``python -m connectors.simulators --system tis --port 8091 --demo``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["SimulatorState", "Simulator", "demo_decisions", "start"]

MODES = ("ok", "timeout", "error", "malformed", "unknown")


@dataclass
class SimulatorState:
    """What a simulator holds and how it misbehaves; guarded by ``lock``."""

    system: str
    mode: str = "ok"
    latency_ms: int = 0
    hang_seconds: float = 30.0
    queue: dict[str, dict[str, Any]] = field(default_factory=dict)
    acked: set[str] = field(default_factory=set)
    notices: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: the unified calendar's bookings by reference, busy times put in by tests, demo mode
    bookings: dict[str, dict[str, Any]] = field(default_factory=dict)
    busy: list[dict[str, Any]] = field(default_factory=list)
    demo: bool = False
    requests: int = 0
    # Registries: personal codes this registry does not know (404 unknown_person for them
    # only, while everyone else is answered).
    unknown_codes: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib name)
        return  # quiet: requests carry personal codes

    # -- plumbing ------------------------------------------------------------------------

    def _send(self, code: int, body: Any, raw: bytes | None = None) -> None:
        data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        if not length:
            return None
        try:
            return json.loads(self.rfile.read(length))
        except ValueError:
            return None

    def _misbehave(self) -> bool:
        """Apply latency and the failure switch; True when the answer was already given."""
        state = self.server.state
        with state.lock:
            state.requests += 1
            mode, latency, hang = state.mode, state.latency_ms, state.hang_seconds
        if latency:
            time.sleep(latency / 1000)
        if mode == "timeout":
            time.sleep(hang)
            return True
        if mode == "error":
            self._send(500, {"error": "internal"})
            return True
        if mode == "malformed":
            self._send(200, None, raw=b"{\"messages\": [ <html>oops")
            return True
        if mode == "unknown":
            self._send(404, {"error": "unknown_person"})
            return True
        return False

    # -- routes --------------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802 (stdlib name)
        state = self.server.state
        if self.path == "/health":
            if not self._misbehave():
                self._send(200, {"system": state.system, "status": "ok"})
            return
        if self.path == "/notices":
            with state.lock:
                self._send(200, list(state.notices.values()))
            return
        if self.path == "/messages":
            if self._misbehave():
                return
            with state.lock:
                waiting = [m for k, m in state.queue.items() if k not in state.acked]
            self._send(200, waiting)
            return
        if self.path.startswith("/busy"):
            if self._misbehave():
                return
            from connectors.simulators.calendar import busy

            with state.lock:
                code, answer_ = busy(state, self.path)
            self._send(code, answer_)
            return
        if self.path.startswith("/query"):
            if self._misbehave():
                return
            from connectors.simulators.registries import answer, asked_code

            with state.lock:
                unknown = asked_code(self.path) in state.unknown_codes
            if unknown:
                self._send(404, {"error": "unknown_person"})
                return
            self._send(200, answer(state.system, self.path))
            return
        self._send(404, {"error": "not_found"})

    def do_POST(self) -> None:  # noqa: N802 (stdlib name)
        state = self.server.state
        body = self._body()
        if self.path == "/_control":
            with state.lock:
                if isinstance(body, dict):
                    if body.get("mode") in MODES:
                        state.mode = body["mode"]
                    if isinstance(body.get("latency_ms"), int):
                        state.latency_ms = body["latency_ms"]
                    if isinstance(body.get("hang_seconds"), int | float):
                        state.hang_seconds = float(body["hang_seconds"])
                    if isinstance(body.get("unknown_codes"), list):
                        state.unknown_codes = {str(c) for c in body["unknown_codes"]}
                self._send(200, {"mode": state.mode, "latency_ms": state.latency_ms})
            return
        if self.path == "/_messages":
            with state.lock:
                for message in body if isinstance(body, list) else []:
                    state.queue[str(message["id"])] = message
                    state.acked.discard(str(message["id"]))
            self._send(200, {"queued": len(state.queue) - len(state.acked)})
            return
        if self.path == "/_busy":
            with state.lock:
                state.busy.extend(b for b in (body if isinstance(body, list) else [])
                                  if isinstance(b, dict))
            self._send(200, {"busy": len(state.busy)})
            return
        if self.path == "/bookings":
            if self._misbehave():
                return
            from connectors.simulators.calendar import book

            with state.lock:
                code, answer_ = book(state, body)
            self._send(code, answer_)
            return
        if self.path.startswith("/messages/") and self.path.endswith("/ack"):
            if self._misbehave():
                return
            message_id = self.path[len("/messages/"):-len("/ack")]
            with state.lock:
                state.acked.add(message_id)
            self._send(200, {"acked": message_id})
            return
        if self.path == "/notices":
            if self._misbehave():
                return
            if not isinstance(body, dict) or not isinstance(body.get("key"), str):
                self._send(400, {"error": "bad_request"})
                return
            with state.lock:
                stored = state.notices.get(body["key"])
                if stored is None:
                    receipt = f"{state.system}-R-{len(state.notices) + 1:06d}"
                    stored = {"receipt": receipt, "key": body["key"], "kind": body.get("kind"),
                              "payload": body.get("payload")}
                    state.notices[body["key"]] = stored
            self._send(200, {"receipt": stored["receipt"]})
            return
        self._send(404, {"error": "not_found"})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, state: Any, handler: type[_Handler] = _Handler) -> None:
        super().__init__(("127.0.0.1", port), handler)
        self.state = state


class Simulator:
    """A running simulator: ``url``, ``state``, and :meth:`stop`."""

    def __init__(self, system: str, port: int = 0, *, state: Any = None,
                 handler: type[_Handler] = _Handler) -> None:
        self.state = state if state is not None else SimulatorState(system=system)
        self._server = _Server(port, self.state, handler)
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> Simulator:
        self._thread.start()
        return self

    def set(self, **switches: Any) -> None:
        """Change the switches directly (``mode``, ``latency_ms``, ``hang_seconds``)."""
        with self.state.lock:
            for key, value in switches.items():
                setattr(self.state, key, value)

    def offer(self, *messages: dict[str, Any]) -> None:
        """Put messages into the inbound queue."""
        with self.state.lock:
            for message in messages:
                self.state.queue[str(message["id"])] = message
                self.state.acked.discard(str(message["id"]))

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def start(system: str, port: int = 0) -> Simulator:
    """Start a simulator of ``system`` on 127.0.0.1 (port 0: a free one) in a thread."""
    if system == "eaddress":
        # The state e-address is a mailbox, not an E-case system: its own routes.
        from connectors.simulators.eaddress import start_eaddress

        return start_eaddress(port)
    return Simulator(system, port).start()


# -- deterministic demo data ------------------------------------------------------------

_GIVEN = ["Jānis", "Anna", "Pēteris", "Līga", "Andris", "Ilze", "Mārtiņš", "Dace", "Edgars"]
_SURNAMES = ["Bērziņš", "Kalniņa", "Ozols", "Liepa", "Krūmiņš", "Zariņa", "Vītols", "Eglīte"]
_COURTS = ["Rīgas pilsētas tiesa", "Vidzemes rajona tiesa", "Kurzemes rajona tiesa"]

# (system, kind, decision type, function, hours field)
_KINDS: dict[str, list[tuple[str, str, str, str | None]]] = {
    "tis": [
        ("judgment", "court_judgment", "forced_labour", "forced_labour_hours"),
        ("judgment", "court_judgment", "community_work", "community_work_hours"),
        ("judgment", "court_judgment", "probation_supervision", None),
        ("evaluation_request", "court_evaluation_request", "evaluation_pre_trial", None),
        ("mediation_proposal", "judge_mediation_proposal", "mediation", None),
    ],
    "prois": [
        ("penalty_order", "prosecutor_penalty_order", "forced_labour", "forced_labour_hours"),
        ("mediation_request", "prosecutor_mediation_request", "mediation", None),
        ("release_from_liability", "prosecutor_decision",
         "supervision_release_from_liability", None),
    ],
    "ievp": [
        ("release", "prison_release_notice", "forced_labour_additional", "forced_labour_hours"),
        ("release", "prison_release_notice", "supervision_early_release", None),
        ("evaluation_request", "prison_request", "evaluation_early_release", None),
    ],
}
_INSTITUTIONS = {"prois": "Rīgas tiesas apgabala prokuratūra", "ievp": "Rīgas Centrālcietums"}


def person_for(code: str) -> dict[str, Any]:
    """The same fake person for the same personal code, every time."""
    rng = random.Random(int(hashlib.sha256(code.encode()).hexdigest()[:12], 16))
    given = rng.choice(_GIVEN)
    return {
        "personal_code": code,
        "given_name": given,
        "surname": rng.choice(_SURNAMES),
        "gender": "female" if given.endswith(("a", "e")) else "male",
        "address": f"{rng.choice(['Brīvības', 'Lāčplēša', 'Tērbatas'])} iela {rng.randint(1, 120)}, Rīga",
    }


def demo_decisions(system: str, count: int, seed: int = 1, unit: str | None = None
                   ) -> list[dict[str, Any]]:
    """``count`` deterministic decision messages of ``system`` (same seed, same messages)."""
    from portal.services.casework.personal_code import generate_old

    rng = random.Random(f"{system}-{seed}")
    messages = []
    for n in range(1, count + 1):
        kind, decision_type, function, hours = rng.choice(_KINDS[system])
        born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randint(0, 15000))
        code = generate_old(born, rng)
        date = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 300))
        decision: dict[str, Any] = {
            "id": f"{system.upper()}-D-{seed}-{n:05d}",
            "type": decision_type,
            "institution": _INSTITUTIONS.get(system) or rng.choice(_COURTS),
            "number": f"{rng.randint(10000, 99999)}-{date.year}",
            "date": date.isoformat(),
            "effective_date": (date + dt.timedelta(days=10)).isoformat(),
            "articles": f"{rng.choice([175, 180, 260])}. panta 1. daļa",
        }
        if hours:
            decision[hours] = rng.choice([40, 80, 120, 160])
        if function in ("probation_supervision", "supervision_early_release",
                        "supervision_release_from_liability"):
            decision["supervision_months"] = rng.choice([6, 12, 18, 24])
        payload: dict[str, Any] = {"decision": decision, "person": person_for(code),
                                   "function": function}
        if unit:
            payload["unit"] = unit
        if kind == "evaluation_request":
            payload["due_date"] = (date + dt.timedelta(days=30)).isoformat()
        messages.append({"id": f"{system.upper()}-M-{seed}-{n:05d}", "kind": kind,
                         "payload": payload})
    return messages
