"""Demo data of the exchanges, made through the real path: decisions fetched over HTTP from
the simulators, some accepted by the demo officer, one case closed so its execution notice
goes back. Used by ``flask plus seed-exchanges`` (``make run``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from connectors import registry, tasks
from connectors.simulators import Simulator, demo_decisions, start
from portal.extensions import db
from portal.models import (
    Case,
    CaseStatus,
    ClosureReason,
    Direction,
    ExchangeMessage,
    ExchangeStatus,
    PlusUser,
    TerritorialUnit,
)
from portal.services import access
from portal.services.exchanges import inbound

SYSTEMS = ("tis", "prois", "ievp")


def seed(app: Flask, *, per_system: int = 4, seed_value: int = 1) -> dict[str, int]:
    """Fetch, accept and answer demo decisions; nothing when inbound messages exist.

    Uses the simulators configured in ``CONNECTOR_ENDPOINTS`` (``make run`` starts them with
    ``--demo``); systems without one get a simulator in this process for the duration.
    """
    if db.session.scalar(select(func.count(ExchangeMessage.id)).where(
            ExchangeMessage.direction == Direction.INBOUND)):
        return {}
    officer = db.session.scalars(select(PlusUser).where(PlusUser.username == "officer")).first()
    if officer is None or officer.unit_id is None:
        return {}
    unit = db.session.get(TerritorialUnit, officer.unit_id)
    endpoints = dict(app.config.get("CONNECTOR_ENDPOINTS") or {})
    own: list[Simulator] = []
    for system in SYSTEMS:
        if not endpoints.get(system):
            sim = start(system)
            sim.offer(*demo_decisions(system, per_system, seed=seed_value, unit=unit.code))
            own.append(sim)
            endpoints[system] = sim.url
    saved = app.config.get("CONNECTOR_ENDPOINTS")
    app.config["CONNECTOR_ENDPOINTS"] = endpoints
    counts = {"received": 0, "accepted": 0, "notices": 0}
    try:
        for system in SYSTEMS:
            counts["received"] += tasks.poll.apply(args=(system,)).get()["new"]
        actor = access.Actor.of(officer)
        for system in SYSTEMS:
            connector = registry.get(app.config, system)
            waiting = [m for m in inbound.inbox(db.session, actor) if m.connector == system]
            # Half is accepted; the rest waits in the inbox for the demo.
            for message in waiting[: max(1, len(waiting) // 2)]:
                try:
                    inbound.accept(db.session, connector, message.id, actor)
                    counts["accepted"] += 1
                except Exception:  # noqa: BLE001 (a demo row that does not apply stays pending)
                    db.session.rollback()
        counts["notices"] = _close_one(actor)
    finally:
        app.config["CONNECTOR_ENDPOINTS"] = saved
        for sim in own:
            sim.stop()
    return counts


def _close_one(actor: Any) -> int:
    """Close one received forced labour case as completed: its notice goes to its system."""
    stmt = (
        select(Case)
        .join(ExchangeMessage, ExchangeMessage.case_id == Case.id)
        .where(ExchangeMessage.status == ExchangeStatus.APPLIED,
               Case.status == CaseStatus.OPENED,
               Case.function.in_(("forced_labour", "forced_labour_additional")))
        .order_by(Case.id)
    )
    case = db.session.scalars(stmt).first()
    if case is None:
        return 0
    case.status = CaseStatus.ACTIVE
    db.session.commit()
    case.status, case.closure_reason = CaseStatus.CLOSED, ClosureReason.COMPLETED
    case.end_date = max(case.start_date, dt.date.today())
    db.session.commit()
    return 1
