"""What can go wrong with a message, and the shape check every inbound message passes first.

Defined here, in the services, so the services never import ``connectors/``; the connector
interface (:mod:`connectors.base`) re-exports these names for connector authors.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["BadMessage", "TransientError", "UnknownPerson", "check_shape"]


class TransientError(Exception):
    """The system could not be reached or failed (timeout, 5xx): try again later."""


class BadMessage(Exception):
    """The message is malformed or breaks the schema: reject it with this reason, never retry.

    ``code`` is the other system's error code when it gave one (``"no_active_e_address"``);
    the outbox keeps it with the failed message so the screens can say what went wrong.
    """

    def __init__(self, message: str = "", code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class UnknownPerson(BadMessage):
    """The system does not know the person asked about (a clear answer, not a failure)."""


def check_shape(payload: Any, *, max_bytes: int, max_depth: int) -> None:
    """Refuse a payload that is not a JSON object, nests deeper than ``max_depth``, or is
    bigger than ``max_bytes`` as JSON.

    :raises BadMessage: with the reason.
    """
    if not isinstance(payload, dict):
        raise BadMessage("the message is not a JSON object")
    # Depth first, iteratively: a deeply nested payload must not blow the stack of json.dumps.
    stack: list[tuple[Any, int]] = [(payload, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > max_depth:
            raise BadMessage(f"the message nests deeper than {max_depth} levels")
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    try:
        size = len(json.dumps(payload, ensure_ascii=False).encode())
    except (TypeError, ValueError) as exc:
        raise BadMessage("the message is not valid JSON") from exc
    if size > max_bytes:
        raise BadMessage(f"the message is {size} bytes, more than {max_bytes}")
