"""Finding connectors: entry points of the group ``plus.connectors``, filtered by the
allow-list ``config.CONNECTORS_ENABLED``.

An installed package adds a connector by declaring, in its own ``pyproject.toml``::

    [project.entry-points."plus.connectors"]
    mysystem = "mypackage.connector:MySystemConnector"

and an admin enables it by adding ``mysystem`` to ``PLUS_CONNECTORS``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from importlib.metadata import entry_points
from typing import Any

from connectors.base import Connector

__all__ = ["available", "enabled", "get"]

GROUP = "plus.connectors"
log = logging.getLogger(__name__)

# Tests load a given set of classes here instead of the installed entry points.
_override: dict[str, type[Connector]] | None = None


def available() -> dict[str, type[Connector]]:
    """Every installed connector class by name (enabled or not)."""
    if _override is not None:
        return dict(_override)
    found: dict[str, type[Connector]] = {}
    for ep in entry_points(group=GROUP):
        try:
            cls = ep.load()
        except Exception:  # a broken plugin must not take PLUS down
            log.exception("connector %s could not be loaded", ep.name)
            continue
        if isinstance(cls, type) and issubclass(cls, Connector) and cls.name == ep.name:
            found[ep.name] = cls
        else:
            log.error("entry point %s is not a Connector named %s", ep.value, ep.name)
    return found


def enabled(config: Mapping[str, Any]) -> dict[str, Connector]:
    """The enabled connectors, built with their settings from ``config``."""
    allowed = list(config.get("CONNECTORS_ENABLED") or [])
    classes = available()
    return {
        name: classes[name](classes[name].settings_from(config))
        for name in allowed
        if name in classes
    }


def get(config: Mapping[str, Any], name: str) -> Connector:
    """The enabled connector called ``name``.

    :raises LookupError: when it is not installed or not enabled.
    """
    connector = enabled(config).get(name)
    if connector is None:
        raise LookupError(f"connector {name!r} is not enabled")
    return connector


def use(classes: Mapping[str, type[Connector]] | None) -> None:
    """Load exactly these connector classes (tests); ``None`` goes back to entry points."""
    global _override
    _override = dict(classes) if classes is not None else None
