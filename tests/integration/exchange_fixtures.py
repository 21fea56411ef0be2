"""Fixtures for connector tests: simulators on free ports and the app pointed at them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from connectors.simulators import Simulator, start


@pytest.fixture(scope="module")
def sims() -> Iterator[dict[str, Simulator]]:
    """A simulator per E-case system, on free local ports."""
    running = {name: start(name) for name in ("tis", "prois", "ievp")}
    yield running
    for sim in running.values():
        sim.stop()


@pytest.fixture()
def connected(app: Flask, sims: dict[str, Simulator], monkeypatch: pytest.MonkeyPatch
              ) -> Iterator[dict[str, Simulator]]:
    """The app's connectors talk to the simulators, with short timeouts; switches reset."""
    monkeypatch.setitem(app.config, "CONNECTOR_ENDPOINTS",
                        {name: sim.url for name, sim in sims.items()})
    monkeypatch.setitem(app.config, "CONNECTOR_CONNECT_TIMEOUT", 0.5)
    monkeypatch.setitem(app.config, "CONNECTOR_READ_TIMEOUT", 0.5)
    monkeypatch.setitem(app.config, "EXCHANGE_BACKOFF_SECONDS", 1.0)
    for sim in sims.values():
        sim.set(mode="ok", latency_ms=0, hang_seconds=2.0)
    yield sims
    for sim in sims.values():
        sim.set(mode="ok", latency_ms=0)


def unit_code(app: Flask, unit_id: int) -> str:
    from portal.extensions import db
    from portal.models import TerritorialUnit

    with app.app_context():
        return db.session.get(TerritorialUnit, unit_id).code


def poll(app: Flask, name: str) -> dict[str, Any]:
    """Run the poll task inline, as the beat would queue it."""
    from connectors import tasks

    with app.app_context():
        return tasks.poll.apply(args=(name,)).get()


REGISTRY_CONNECTORS = ("viis", "vdeavk", "vid", "rd")


@pytest.fixture(scope="module")
def registry_sims() -> Iterator[dict[str, Simulator]]:
    """A simulator per state registry, on free local ports."""
    running = {name: start(name) for name in REGISTRY_CONNECTORS}
    yield running
    for sim in running.values():
        sim.stop()


@pytest.fixture()
def registries(app: Flask, registry_sims: dict[str, Simulator],
               monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Simulator]]:
    """The app's registry connectors talk to the simulators; switches reset before and after."""
    endpoints = dict(app.config["CONNECTOR_ENDPOINTS"])
    endpoints.update({name: sim.url for name, sim in registry_sims.items()})
    monkeypatch.setitem(app.config, "CONNECTOR_ENDPOINTS", endpoints)
    monkeypatch.setitem(app.config, "CONNECTOR_READ_TIMEOUT", 0.5)
    monkeypatch.setitem(app.config, "CONNECTOR_CONNECT_TIMEOUT", 0.5)
    for sim in registry_sims.values():
        sim.set(mode="ok", latency_ms=0, hang_seconds=2.0, unknown_codes=set())
    yield registry_sims
    for sim in registry_sims.values():
        sim.set(mode="ok", latency_ms=0, unknown_codes=set())
