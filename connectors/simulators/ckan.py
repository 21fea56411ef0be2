"""A CKAN action-API simulator: a real HTTP service that keeps its datasets in memory.

It answers the actions PLUS uses (``package_show``, ``package_create``, ``package_patch``,
``package_list``) the way CKAN 2.10 does, including the rule that ``package_patch`` with a
``resources`` list *replaces* the list: a resource not named by id is dropped, one without an
id is created. Requests need the configured API token in the ``Authorization`` header.

Faults for tests: ``fail_next(action, status)`` makes the next calls of an action answer
with an error, ``delay_seconds`` slows every answer down (to provoke a client time-out).

Run it alone with ``python -m connectors.simulators.ckan --port 5055``.
"""

from __future__ import annotations

import argparse
import copy
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["CkanSimulator"]


class CkanSimulator:
    """The simulator's state and its HTTP server on 127.0.0.1."""

    def __init__(self, api_key: str = "sim-key", port: int = 0) -> None:
        self.api_key = api_key
        self.packages: dict[str, dict[str, Any]] = {}  # by id
        self.calls: list[str] = []
        self.delay_seconds = 0.0
        self._faults: dict[str, list[int]] = {}
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> CkanSimulator:
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, action: str, status: int = 500, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``action`` with HTTP ``status``."""
        with self._lock:
            self._faults.setdefault(action, []).extend([status] * times)

    def package(self, name: str) -> dict[str, Any] | None:
        with self._lock:
            found = self._find(name)
            return copy.deepcopy(found) if found else None

    # --- actions ---------------------------------------------------------------------------

    def _find(self, ref: str) -> dict[str, Any] | None:
        if ref in self.packages:
            return self.packages[ref]
        return next((p for p in self.packages.values() if p["name"] == ref), None)

    def _resources(self, given: list[dict[str, Any]], old: list[dict[str, Any]],
                   package_id: str) -> list[dict[str, Any]]:
        known = {r["id"] for r in old}
        out = []
        for position, res in enumerate(given):
            res = dict(res)
            if not res.get("id") or res["id"] not in known:
                res["id"] = res.get("id") or str(uuid.uuid4())
            res["package_id"] = package_id
            res["position"] = position
            out.append(res)
        return out

    def act(self, action: str, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Run an action; returns (HTTP status, CKAN response body)."""
        with self._lock:
            self.calls.append(action)
            faults = self._faults.get(action)
            if faults:
                status = faults.pop(0)
                return status, {"success": False, "error": {
                    "__type": "Internal Server Error", "message": "simulated failure"}}
            if action == "package_list":
                return 200, _ok(sorted(p["name"] for p in self.packages.values()))
            if action == "package_show":
                pkg = self._find(str(data.get("id", "")))
                if pkg is None:
                    return 404, _error("Not Found Error", "Not found")
                return 200, _ok(copy.deepcopy(pkg))
            if action == "package_create":
                name = str(data.get("name", ""))
                if not name or self._find(name) is not None:
                    return 409, _error("Validation Error", "That URL is already in use.",
                                       name=["That URL is already in use."])
                pkg_id = str(uuid.uuid4())
                pkg = {**copy.deepcopy(data), "id": pkg_id, "state": "active"}
                pkg["resources"] = self._resources(data.get("resources", []), [], pkg_id)
                self.packages[pkg_id] = pkg
                return 200, _ok(copy.deepcopy(pkg))
            if action == "package_patch":
                pkg = self._find(str(data.get("id", "")))
                if pkg is None:
                    return 404, _error("Not Found Error", "Not found")
                for key, value in data.items():
                    if key not in ("id", "resources"):
                        pkg[key] = copy.deepcopy(value)
                if "resources" in data:
                    # CKAN replaces the list: resources not named are deleted.
                    pkg["resources"] = self._resources(data["resources"], pkg["resources"],
                                                       pkg["id"])
                return 200, _ok(copy.deepcopy(pkg))
            return 400, _error("Bad Request", f"unknown action {action}")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        sim = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status: int, body: dict[str, Any]) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _dispatch(self, data: dict[str, Any]) -> None:
                if sim.delay_seconds:
                    time.sleep(sim.delay_seconds)
                # CKAN answers the action API under /api/action/ and /api/3/action/.
                prefix = next((p for p in ("/api/action/", "/api/3/action/")
                               if self.path.startswith(p)), None)
                if prefix is None:
                    self._answer(404, _error("Not Found Error", "no such path"))
                    return
                action = self.path[len(prefix):].split("?", 1)[0]
                if action != "package_show" and self.headers.get("Authorization") != sim.api_key:
                    self._answer(403, _error("Authorization Error", "Access denied"))
                    return
                status, body = sim.act(action, data)
                self._answer(status, body)

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    data = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    self._answer(400, _error("Bad Request", "invalid JSON"))
                    return
                self._dispatch(data if isinstance(data, dict) else {})

            def do_GET(self) -> None:  # noqa: N802
                from urllib.parse import parse_qsl, urlsplit

                self._dispatch(dict(parse_qsl(urlsplit(self.path).query)))

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        return Handler


def _ok(result: Any) -> dict[str, Any]:
    return {"success": True, "result": result}


def _error(kind: str, message: str, **fields: Any) -> dict[str, Any]:
    return {"success": False, "error": {"__type": kind, "message": message, **fields}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--api-key", default="sim-key")
    args = parser.parse_args()
    sim = CkanSimulator(args.api_key, args.port)
    print(f"CKAN simulator at {sim.url} (API key {args.api_key!r})", flush=True)
    sim.server.serve_forever()


if __name__ == "__main__":
    main()
