"""Electronic monitoring events become proposed Violations on the monitored case, through
the same intake pipeline; an event for a person without such a case is rejected."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from connectors import registry, tasks
from connectors.simulators import Simulator, start
from portal.extensions import db
from portal.models import (
    Case,
    CaseFunction,
    CaseStatus,
    ChangeLog,
    Client,
    ExchangeMessage,
    ExchangeStatus,
    PlusUser,
    Violation,
)
from portal.services import access
from portal.services.access import Role
from portal.services.exchanges import inbound
from tests.factories import BaseData


@pytest.fixture()
def em(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Simulator]:
    sim = start("em")
    endpoints = {**app.config["CONNECTOR_ENDPOINTS"], "em": sim.url}
    monkeypatch.setitem(app.config, "CONNECTOR_ENDPOINTS", endpoints)
    yield sim
    sim.stop()


def _monitored_case(app: Flask, base: BaseData) -> tuple[int, str]:
    with app.app_context():
        case = db.session.get(Case, base.own.case)
        code = db.session.get(Client, case.client_id).personal_code
        em_case = Case(number=f"PL-2026-9{uuid.uuid4().int % 10**5:05d}", client_id=case.client_id,
                       function=CaseFunction.SUPERVISION_EARLY_RELEASE_EM,
                       status=CaseStatus.ACTIVE, start_date=dt.date.today(),
                       officer_id=base.users[Role.OFFICER], unit_id=base.unit_a)
        db.session.add(em_case)
        db.session.commit()
        return em_case.id, code


def test_a_zone_violation_is_proposed_and_applied_as_a_violation(
    app: Flask, em: Simulator, base: BaseData
) -> None:
    case_id, code = _monitored_case(app, base)
    em.offer({"id": f"EM-{uuid.uuid4().hex[:8]}", "kind": "event",
              "payload": {"personal_code": code, "event": "zone_violation",
                          "at": "2026-11-30T22:15:00+02:00", "details": "Rīgas centrs"}},
             {"id": f"EM-{uuid.uuid4().hex[:8]}", "kind": "event",
              "payload": {"personal_code": "311399-12345", "event": "battery",
                          "at": "2026-11-30T22:15:00+02:00"}})
    with app.app_context():
        counts = tasks.poll.apply(args=("em",)).get()
    assert counts == {"new": 2, "repeated": 0, "rejected": 1}
    with app.app_context():
        rows = db.session.scalars(select(ExchangeMessage).where(
            ExchangeMessage.connector == "em").order_by(ExchangeMessage.id)).all()
        good = next(m for m in rows if m.status is ExchangeStatus.RECEIVED)
        bad = next(m for m in rows if m.status is ExchangeStatus.REJECTED)
        assert "personal code" in bad.last_error
        assert good.case_id == case_id and good.unit_id == base.unit_a
        actor = access.Actor.of(db.session.get(PlusUser, base.users[Role.OFFICER]))
        inbound.accept(db.session, registry.get(app.config, "em"), good.id, actor)
        [violation] = db.session.scalars(select(Violation).where(
            Violation.case_id == case_id)).all()
        assert violation.violation_date == dt.date(2026, 11, 30)
        assert "zonas" in violation.description and "Rīgas centrs" in violation.description
        assert db.session.scalar(select(ChangeLog.source).where(
            ChangeLog.entity == "Violation", ChangeLog.entity_id == violation.id)) == f"em:{good.id}"
