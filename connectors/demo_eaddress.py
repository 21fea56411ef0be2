"""Demo summons through the state e-address, made through the real path: the demo officer
schedules meetings with a few clients, the summons go through the outbox to the e-address
simulator, one client has no active e-address (the case page then says to summon them another
way), and the delivery status is asked afterwards. Used by ``flask plus seed-exchanges``."""

from __future__ import annotations

import datetime as dt
import json
import urllib.request

from flask import Flask
from sqlalchemy import func, select

from connectors import registry, tasks
from connectors.simulators import start
from portal.extensions import db
from portal.models import (
    Case,
    CaseStatus,
    Client,
    Meeting,
    NoticeKind,
    OutgoingNotice,
    PlusUser,
)

__all__ = ["seed"]

MEETINGS = 4


def _tell_simulator(url: str, active: list[str], inactive: list[str]) -> None:
    """Which demo clients have an active e-address (the simulator's ``/_addresses``)."""
    if not url.startswith("http://127.0.0.1:"):
        return  # only ever a local simulator, never a real e-address
    body = json.dumps({"active": active, "inactive": inactive}).encode()
    req = urllib.request.Request(url + "/_addresses", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as resp:  # nosec B310 -- local simulator URL checked above
        resp.read()


def seed(app: Flask) -> int:
    """Schedule demo meetings whose summons go to the e-address; returns how many. Nothing
    when summons exist already or there is no demo officer."""
    if db.session.scalar(select(func.count(OutgoingNotice.id)).where(
            OutgoingNotice.kind == NoticeKind.SUMMONS)):
        return 0
    officer = db.session.scalars(select(PlusUser).where(PlusUser.username == "officer")).first()
    if officer is None:
        return 0
    cases = list(db.session.scalars(
        select(Case).where(Case.officer_id == officer.id, Case.status == CaseStatus.ACTIVE)
        .order_by(Case.id).limit(MEETINGS)
    ))
    if not cases:
        return 0
    codes = [db.session.get(Client, c.client_id).personal_code for c in cases]
    endpoints = dict(app.config.get("CONNECTOR_ENDPOINTS") or {})
    own = None
    if not endpoints.get("eaddress"):
        own = start("eaddress")
        endpoints["eaddress"] = own.url
    saved = app.config.get("CONNECTOR_ENDPOINTS")
    app.config["CONNECTOR_ENDPOINTS"] = endpoints
    try:
        # The simulator knows the demo clients PLUS records with an active e-address (the
        # replies to their submissions are delivered), and the officer's clients but the last;
        # the last has none: their summons fails with the reason.
        flagged = list(db.session.scalars(
            select(Client.personal_code).where(Client.e_address_active.is_(True))))
        _tell_simulator(endpoints["eaddress"], [*flagged, *codes[:-1]], codes[-1:])
        now = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
        for n, case in enumerate(cases):
            db.session.add(Meeting(
                case_id=case.id, officer_id=officer.id, place="VPD, Brīvības iela 58, Rīga",
                scheduled_at=now + dt.timedelta(days=2 + n, hours=10 - now.hour % 24),
            ))
        db.session.commit()  # the summons are queued with the meetings and kicked
        tasks.sweep.apply()
        try:
            registry.get(app.config, "eaddress")
        except LookupError:
            return len(cases)
        tasks.eaddress_status.apply()
    finally:
        app.config["CONNECTOR_ENDPOINTS"] = saved
        if own is not None:
            own.stop()
    return len(cases)
