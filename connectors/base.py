"""The connector interface: the docstrings in this module are the contract.

A connector is a class exchanging one kind of data with one external system. It is
registered under the entry-point group ``plus.connectors`` (``pyproject.toml``), so a new one
installs as a package without changing ``portal/``; ``config.CONNECTORS_ENABLED`` lists the
ones allowed to run (:mod:`connectors.registry`).

Every connector declares

* :attr:`Connector.name` — the entry-point name, also the change-history source prefix
  (``<name>:<message id>``) and the ``ExchangeMessage.connector`` value;
* :attr:`Connector.system` — the external system's code (``TIS``, ``ProIS``, ``IeVP IS`` ...);
* :attr:`Connector.direction` — ``inbound`` (the system sends PLUS messages), ``outbound``
  (PLUS sends the system messages) or ``query`` (PLUS asks, the system answers);
* :attr:`Connector.message_schema` — the kinds of message it handles and, per kind, the
  required fields and their JSON types (checked by :meth:`Connector.validate`);
* its settings (:class:`ConnectorSettings`): endpoint and timeouts from ``config.py``, the
  secret only from the environment variable ``PLUS_<NAME>_TOKEN``;
* :meth:`Connector.health` — whether the system answers now.

Connectors depend on services, never the reverse: the services of
:mod:`portal.services.exchanges` receive a connector object from the thin tasks in
:mod:`connectors.tasks` and use only the methods documented here.

Transport: every E-case system and registry is reached over HTTP with JSON bodies (the
simulators in :mod:`connectors.simulators` speak the same); the real E-case shared
components speak SOAP/XML through the VISS integrator, which a deployment puts in front as
an adapter — the message fields stay those of :attr:`Connector.message_schema`.
"""

from __future__ import annotations

import http.client
import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from portal.models.exchange import Direction
from portal.services.exchanges.shapes import (
    BadMessage,
    TransientError,
    UnknownPerson,
    check_shape,
)

__all__ = [
    "BadMessage",
    "Connector",
    "ConnectorSettings",
    "Direction",
    "Health",
    "Incoming",
    "InboundConnector",
    "OutboundConnector",
    "QueryConnector",
    "TransientError",
    "UnknownPerson",
    "check_shape",
]

# JSON types named in message schemas.
_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
    "string?": (str, type(None)),
    "integer?": (int, type(None)),
    "object?": (dict, type(None)),
}


@dataclass(frozen=True)
class ConnectorSettings:
    """Where and how to reach a connector's system.

    ``endpoint`` and the timeouts come from ``config.py`` (overridable from the environment);
    the secret is never stored in settings, only the name of the environment variable that
    holds it (``secret_env``), read at call time by :meth:`secret`.
    """

    endpoint: str
    connect_timeout: float
    read_timeout: float
    secret_env: str

    def secret(self) -> str | None:
        """The token for the system, from the environment (None when not set)."""
        return os.environ.get(self.secret_env) or None

    def public(self) -> dict[str, Any]:
        """The settings as shown to admins: of the secret only its variable and whether set."""
        return {
            "endpoint": self.endpoint,
            "connect_timeout": self.connect_timeout,
            "read_timeout": self.read_timeout,
            "secret_env": self.secret_env,
            "secret_set": self.secret() is not None,
        }


@dataclass(frozen=True)
class Health:
    """The answer of :meth:`Connector.health`."""

    ok: bool
    detail: str
    latency_ms: float | None = None


class Connector:
    """Base of every connector; subclasses set the class attributes and their direction's
    methods."""

    #: entry-point name, e.g. ``"tis"``
    name: ClassVar[str] = ""
    #: the external system's code, e.g. ``"TIS"``
    system: ClassVar[str] = ""
    direction: ClassVar[Direction]
    #: key of CONNECTOR_ENDPOINTS (the system; inbound and outbound connectors share it);
    #: empty means the connector's name
    endpoint_name: ClassVar[str] = ""
    #: kind -> {field: JSON type ("string", "integer", "object", "string?" = or null ...)}
    message_schema: ClassVar[Mapping[str, Mapping[str, str]]] = {}

    def __init__(self, settings: ConnectorSettings) -> None:
        self.settings = settings

    @classmethod
    def settings_from(cls, config: Mapping[str, Any]) -> ConnectorSettings:
        """This connector's settings from the app config (secrets stay in the environment)."""
        key = cls.endpoint_name or cls.name
        return ConnectorSettings(
            endpoint=str(config.get("CONNECTOR_ENDPOINTS", {}).get(key, "")).rstrip("/"),
            connect_timeout=float(config.get("CONNECTOR_CONNECT_TIMEOUT", 2)),
            read_timeout=float(config.get("CONNECTOR_READ_TIMEOUT", 10)),
            secret_env=f"PLUS_{key.upper()}_TOKEN",
        )

    @property
    def configured(self) -> bool:
        """Whether the connector has an endpoint to talk to."""
        return bool(self.settings.endpoint)

    def validate(self, kind: Any, payload: Any) -> None:
        """Check a message of ``kind`` against :attr:`message_schema` (fields and types).

        :raises BadMessage: naming the first field at fault.
        """
        if not isinstance(kind, str) or kind not in self.message_schema:
            raise BadMessage(f"unknown message kind {str(kind)[:60]!r}")
        if not isinstance(payload, dict):
            raise BadMessage("the message is not a JSON object")
        for path, type_name in self.message_schema[kind].items():
            value: Any = payload
            for part in path.split("."):
                if not isinstance(value, dict):
                    value = None
                    break
                value = value.get(part)
            allowed = _TYPES[type_name]
            if value is None and type(None) not in allowed:
                raise BadMessage(f"{path} is missing")
            if isinstance(value, bool) and bool not in allowed:
                raise BadMessage(f"{path} must be {type_name.rstrip('?')}")
            if not isinstance(value, allowed):
                raise BadMessage(f"{path} must be {type_name.rstrip('?')}")

    def health(self) -> Health:
        """Ask the system whether it answers (``GET <endpoint>/health``); never raises."""
        if not self.configured:
            return Health(False, "not configured")
        started = time.monotonic()
        try:
            self.request("GET", "/health")
        except (TransientError, BadMessage) as exc:
            return Health(False, str(exc), (time.monotonic() - started) * 1000)
        return Health(True, "ok", (time.monotonic() - started) * 1000)

    def request(self, method: str, path: str, body: Any = None) -> Any:
        """One HTTP call to the system with JSON in and out, within the configured timeouts.

        :raises TransientError: unreachable, timed out, or a 5xx answer (retry later).
        :raises BadMessage: a 4xx answer or an answer that is not JSON (retrying will not help;
            404 with ``{"error": "unknown_person"}`` raises :class:`UnknownPerson`).
        """
        if not self.configured:
            raise TransientError("no endpoint configured")
        url = self.settings.endpoint + path
        if not url.startswith(("http://", "https://")):
            # urlopen would also read file: and custom schemes; an endpoint is only ever HTTP.
            raise BadMessage("the endpoint is not an http(s) URL")
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        token = self.settings.secret()
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        timeout = self.settings.connect_timeout + self.settings.read_timeout
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:  # nosec B310 -- the scheme is checked above
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            text = exc.read()[:2000]
            if exc.code >= 500:
                raise TransientError(f"{self.system} answered {exc.code}") from None
            try:
                error = json.loads(text).get("error")
            except (ValueError, AttributeError):
                error = None
            if exc.code == 404 and error == "unknown_person":
                raise UnknownPerson(f"{self.system} does not know this person") from None
            raise BadMessage(f"{self.system} refused the request ({exc.code})",
                             code=error if isinstance(error, str) else None) from None
        except (OSError, http.client.HTTPException) as exc:  # refused, reset, timed out ...
            reason = getattr(exc, "reason", exc)
            raise TransientError(f"{self.system} unreachable: {reason}") from None
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            raise BadMessage(f"{self.system} answered with malformed data") from None


@dataclass(frozen=True)
class Incoming:
    """One message fetched from an inbound system: its id there, kind and payload."""

    external_id: str
    kind: str
    payload: dict[str, Any]


class InboundConnector(Connector):
    """A system that sends PLUS messages (decisions, requests, events).

    :meth:`fetch` reads the messages waiting at the system; the service stores each once
    (keyed by ``<name>:<external id>``) and asks :meth:`propose` what it changes in the
    register. Proposals go through the one intake pipeline (``portal.services.intake``).
    """

    direction = Direction.INBOUND

    def fetch(self, after: str | None) -> list[Incoming]:
        """Messages the system has for PLUS after the cursor ``after`` (oldest first).

        :raises TransientError: the system is unreachable.
        :raises BadMessage: the answer is not a list of messages.
        """
        raise NotImplementedError

    def acknowledge(self, external_id: str) -> None:  # noqa: B027 (optional)
        """Tell the system a message is stored (optional; the default does nothing)."""

    def propose(self, session: Any, message: Any) -> Any:
        """The proposal (``portal.services.exchanges.inbound.Proposal``) of a stored, valid
        message: proposed changes, plus the client, case and unit it concerns.

        :raises BadMessage: the message cannot be understood (it is then rejected).
        """
        raise NotImplementedError


class OutboundConnector(Connector):
    """A system PLUS sends messages to (notices, results, report content)."""

    direction = Direction.OUTBOUND

    def send(self, kind: str, payload: Mapping[str, Any], key: str) -> dict[str, Any]:
        """Deliver one message; ``key`` is its idempotency key, sent along so the system can
        drop a repeat (a delivery may be retried after a timeout that hid a success).
        Returns the system's receipt.

        :raises TransientError: try again later (the outbox keeps the message).
        :raises BadMessage: the system refused it (the message is marked failed).
        """
        raise NotImplementedError


class QueryConnector(Connector):
    """A registry PLUS asks about a person (education, disability, income, social status)."""

    direction = Direction.QUERY

    def query(self, personal_code: str, purpose: str) -> dict[str, Any]:
        """The registry's answer about one person, asked for ``purpose`` (the legal basis).

        :raises TransientError: timeout or failure; try again later.
        :raises UnknownPerson: the registry does not know the person.
        :raises BadMessage: the answer is malformed.
        """
        raise NotImplementedError
