"""Registry answers saved into the case through the intake pipeline, and bulk queries of a
unit in the background with a progress page that survives a reload (issue 8)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from connectors import registry
from connectors import tasks as connector_tasks
from connectors.simulators import Simulator
from connectors.simulators.registries import data_for
from portal.extensions import db
from portal.models import (
    Case,
    CaseStatus,
    ChangeLog,
    Client,
    ClosureReason,
    EducationLevel,
    ExchangeMessage,
    ExchangeStatus,
    PlusUser,
    RegistryBulkQuery,
    TerritorialUnit,
)
from portal.services import access
from portal.services.access import Role
from portal.services.exchanges import bulk, outbox, queries
from tests.factories import BaseData, ensure_user, make_case


def _actor(user_id: int) -> access.Actor:
    return access.Actor.of(db.session.get(PlusUser, user_id))


def _asked(app: Flask, base: BaseData, name: str) -> int:
    """A query of the base officer about their own client, answered."""
    with app.app_context():
        message = queries.ask(db.session, registry=name, client_id=base.own.client,
                              purpose="supervision", actor=_actor(base.users[Role.OFFICER]))
        outbox.deliver(db.session, message.id, lambda n: registry.get(app.config, n))
        assert db.session.get(ExchangeMessage, message.id).status is ExchangeStatus.SENT
        return message.id


def test_chosen_parts_are_saved_through_intake_with_the_source(
    app: Flask, registries: dict[str, Simulator], base: BaseData, login_as: Any
) -> None:
    message_id = _asked(app, base, "viis")
    officer = login_as(Role.OFFICER)
    page = officer.get(f"/registry/answer/{message_id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Izglītības līmenis" in text and 'name="field" value="education_level"' in text
    assert "None" not in text
    # Nothing chosen: a clear message, nothing saved.
    refused = officer.post(f"/registry/answer/{message_id}/save", data={})
    assert refused.status_code == 422 and "fields-error" in refused.get_data(as_text=True)

    saved = officer.post(f"/registry/answer/{message_id}/save",
                         data={"field": ["education_level"]})
    assert saved.status_code == 302
    with app.app_context():
        client = db.session.get(Client, base.own.client)
        levels = [d["level"] for d in data_for("viis", client.personal_code)["education"]]
        assert client.education_level is EducationLevel(levels[-1])  # the highest level
        assert client.education_document is None  # shown, not chosen: not saved
        history = db.session.scalars(select(ChangeLog).where(
            ChangeLog.entity == "Client", ChangeLog.entity_id == base.own.client,
            ChangeLog.source == f"viis:{message_id}")).all()
    assert len(history) == 1 and set(history[0].changes) == {"education_level"}
    assert history[0].user_id == base.users[Role.OFFICER]
    # Shown again: the saved field is now the same on both sides.
    again = officer.get(f"/registry/answer/{message_id}").get_data(as_text=True)
    assert 'value="education_level"' not in again


def test_only_an_officer_who_may_change_the_client_saves(
    app: Flask, registries: dict[str, Simulator], base: BaseData, login_as: Any
) -> None:
    message_id = _asked(app, base, "vid")
    # Officer2 sees the unit's clients but is not responsible for this one's case.
    colleague = login_as("Officer2")
    page = colleague.get(f"/registry/answer/{message_id}")
    assert page.status_code == 200 and "no-save" in page.get_data(as_text=True)
    refused = colleague.post(f"/registry/answer/{message_id}/save", data={"field": "employed"})
    assert refused.status_code == 403
    # An officer of another unit does not even see it.
    assert login_as("OfficerB").post(f"/registry/answer/{message_id}/save",
                                     data={"field": "employed"}).status_code == 404
    assert login_as("OfficerB").get(f"/registry/answer/{message_id}").status_code == 404
    with app.app_context():
        assert db.session.get(Client, base.own.client).employed is None
        assert not db.session.scalars(select(ChangeLog).where(
            ChangeLog.source == f"vid:{message_id}")).all()


# --- bulk queries ------------------------------------------------------------------------


def _unit_with_clients(app: Flask, base: BaseData, n: int) -> dict[str, Any]:
    """A fresh unit with a manager, an officer, ``n`` clients with open cases (two of them
    the officer's) and one client whose case is closed."""
    tag = uuid.uuid4().hex[:6]
    with app.app_context():
        unit = TerritorialUnit(code=f"R{tag}", name=f"Reģistru nodaļa {tag}")
        db.session.add(unit)
        db.session.commit()
        sm = app.appbuilder.sm
        manager = ensure_user(sm, f"t_regman_{tag}", Role.UNIT_MANAGER, unit_id=unit.id)
        officer = ensure_user(sm, f"t_regoff_{tag}", Role.OFFICER, unit_id=unit.id)
        cases = [make_case(db.session, unit_id=unit.id,
                           officer_id=officer if i < 2 else manager, mediator_id=None,
                           employer_id=base.employer, surname=f"Klients{i}")
                 for i in range(n + 1)]
        closed = db.session.get(Case, cases[-1].case)
        closed.status, closed.closure_reason = CaseStatus.CLOSED, ClosureReason.COMPLETED
        closed.end_date = dt.date.today()
        db.session.commit()
        codes = {c.client: db.session.get(Client, c.client).personal_code for c in cases}
        return {"unit": unit.id, "manager": f"t_regman_{tag}", "officer": f"t_regoff_{tag}",
                "clients": [c.client for c in cases[:n]], "closed": cases[-1].client,
                "codes": codes, "officer_clients": [c.client for c in cases[:2]]}


def _drain(app: Flask, bulk_id: int) -> None:
    """Do what a worker does (inline runs have done it already: then this changes nothing)."""
    with app.app_context():
        connector_tasks.registry_bulk.apply(args=(bulk_id,))
        ids = db.session.scalars(select(ExchangeMessage.id).where(
            ExchangeMessage.correlation_id == f"bulk:{bulk_id}")).all()
        for message_id in ids:
            outbox.deliver(db.session, message_id, lambda n: registry.get(app.config, n))


def _numbers(html: str) -> dict[str, str]:
    return {key: re.search(rf'id="bulk-{key}">([^<]*)<', html).group(1)  # type: ignore[union-attr]
            for key in ("percent", "done", "total", "answered", "unknown", "failed")}


def test_a_bulk_query_reaches_100_percent_and_survives_a_reload(
    app: Flask, registries: dict[str, Simulator], base: BaseData, login_as: Any
) -> None:
    world = _unit_with_clients(app, base, 4)
    stranger = world["clients"][2]
    registries["rd"].set(unknown_codes={world["codes"][stranger]})
    manager = login_as(world["manager"])
    form_page = manager.get("/registry/bulk/").get_data(as_text=True)
    assert "Masveida reģistru pieprasījums" in form_page and 'href="/registry/bulk/"' in form_page
    refused = manager.post("/registry/bulk/", data={"registry": "rd", "purpose": ""})
    assert refused.status_code == 422 and "purpose-error" in refused.get_data(as_text=True)

    started = manager.post("/registry/bulk/", data={"registry": "rd",
                                                    "purpose": "risk_assessment"})
    assert started.status_code == 302
    bulk_id = int(started.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    _drain(app, bulk_id)

    first = manager.get(f"/registry/bulk/{bulk_id}").get_data(as_text=True)
    numbers = _numbers(first)
    assert numbers == {"percent": "100", "done": "4", "total": "4", "answered": "3",
                       "unknown": "1", "failed": "0"}
    assert "Reģistram šī persona nav zināma" in first  # the clear status of the stranger
    assert first.count("/registry/answer/") == 3  # links to the three answers
    reloaded = manager.get(f"/registry/bulk/{bulk_id}").get_data(as_text=True)
    assert _numbers(reloaded) == numbers
    polled = manager.get(f"/registry/bulk/{bulk_id}/progress").get_json()
    assert polled == {"total": 4, "done": 4, "answered": 3, "unknown_person": 1,
                      "failed": 0, "percent": 100, "finished": True}
    with app.app_context():
        rows = db.session.scalars(select(ExchangeMessage).where(
            ExchangeMessage.correlation_id == f"bulk:{bulk_id}")).all()
        assert sorted(m.client_id for m in rows) == sorted(world["clients"])  # once each
        assert all(m.payload["purpose"] == "risk_assessment" for m in rows)
        done = db.session.get(RegistryBulkQuery, bulk_id)
        assert done.finished_at is not None and done.running_key is None
    listed = manager.get("/registry/bulk/").get_data(as_text=True)
    assert f"/registry/bulk/{bulk_id}" in listed and "4 / 4 (100 %)" in listed
    # Another unit's staff do not see it.
    assert login_as("ManagerB").get(f"/registry/bulk/{bulk_id}").status_code == 404


def test_starting_the_same_bulk_query_while_it_runs_shows_the_running_one(
    app: Flask, registries: dict[str, Simulator], base: BaseData, login_as: Any,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    world = _unit_with_clients(app, base, 3)
    monkeypatch.setattr(bulk, "_hand_over", lambda _bulk_id: None)  # the worker is busy
    manager = login_as(world["manager"])
    form = {"registry": "vdeavk", "purpose": "supervision"}
    first = manager.post("/registry/bulk/", data=form)
    second = manager.post("/registry/bulk/", data=form)
    assert first.headers["Location"] == second.headers["Location"]
    bulk_id = int(first.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    running = manager.get(f"/registry/bulk/{bulk_id}/progress").get_json()
    assert running["done"] == 0 and running["total"] == 3 and not running["finished"]
    with app.app_context():
        assert bulk.incomplete_ids(db.session, limit=1000).count(bulk_id) == 1
    _drain(app, bulk_id)
    assert manager.get(f"/registry/bulk/{bulk_id}/progress").get_json()["percent"] == 100
    # Finished: the same query may run again.
    third = manager.post("/registry/bulk/", data=form)
    assert third.headers["Location"] != first.headers["Location"]

    # An officer asks about their own clients only.
    officer = login_as(world["officer"])
    mine = officer.post("/registry/bulk/", data=form)
    with app.app_context():
        own = db.session.get(RegistryBulkQuery,
                             int(mine.headers["Location"].rstrip("/").rsplit("/", 1)[1]))
        assert sorted(own.client_ids) == sorted(world["officer_clients"])
        assert world["closed"] not in own.client_ids


def test_anonymising_a_client_erases_what_the_registries_said(
    app: Flask, registries: dict[str, Simulator], base: BaseData
) -> None:
    from portal.services.privacy import retention

    world = _unit_with_clients(app, base, 1)
    client_id = world["clients"][0]
    with app.app_context():
        manager = db.session.scalars(select(PlusUser).where(
            PlusUser.username == world["manager"])).one()
        message = queries.ask(db.session, registry="vdeavk", client_id=client_id,
                              purpose="supervision", actor=_actor(manager.id))
        outbox.deliver(db.session, message.id, lambda n: registry.get(app.config, n))
        client = db.session.get(Client, client_id)
        client.disability_group, client.employed = "II", True
        db.session.commit()
        case_ids = list(db.session.scalars(select(Case.id).where(Case.client_id == client_id)))
        retention.anonymise_client(db.session, client_id, case_ids)
        db.session.commit()
        client = db.session.get(Client, client_id)
        assert client.disability_group is None and client.employed is None
        erased = db.session.get(ExchangeMessage, message.id)
        assert erased.payload == {"erased": True} and not erased.response
