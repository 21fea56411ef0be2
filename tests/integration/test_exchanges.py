"""Connectors end to end against the HTTP simulators: decisions in through the one intake
pipeline (stored once, reviewed, applied with the connector as source), notices out through
the transactional outbox (retries with backoff, failed status, admin retry)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from connectors import registry
from connectors.base import Connector
from connectors.simulators import demo_decisions
from connectors.tis import TisInbound
from portal.extensions import db
from portal.models import (
    Case,
    CaseStatus,
    ChangeLog,
    ClosureReason,
    Decision,
    ExchangeMessage,
    ExchangeStatus,
    SourceSystem,
)
from portal.services import access, intake
from portal.services.access import Role
from portal.services.errors import AccessDenied, IllegalTransition, ValidationFailed
from portal.services.exchanges import inbound, outbox
from portal.services.exchanges.shapes import BadMessage, check_shape
from tests.factories import BaseData
from tests.integration.exchange_fixtures import poll, unit_code

ALL = {"tis", "tis_notices", "prois", "prois_notices", "ievp", "ievp_notices"}


def _officer(base: BaseData, who: str = Role.OFFICER) -> access.Actor:
    from portal.models import PlusUser

    return access.Actor.of(db.session.get(PlusUser, base.users[who]))


def _messages(**where: Any) -> list[ExchangeMessage]:
    stmt = select(ExchangeMessage).order_by(ExchangeMessage.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(ExchangeMessage, key) == value)
    return list(db.session.scalars(stmt))


def _tis(app: Flask) -> Any:
    return registry.get(app.config, "tis")


def _offer(app: Flask, sim: Any, base: BaseData, count: int, seed: int) -> list[dict[str, Any]]:
    messages = demo_decisions(sim.state.system, count, seed=seed,
                              unit=unit_code(app, base.unit_a))
    sim.offer(*messages)
    return messages


# --- the framework -----------------------------------------------------------------------


def test_registry_finds_the_entry_points_and_honours_the_allow_list(app: Flask) -> None:
    assert ALL <= set(registry.available())
    assert set(registry.enabled({"CONNECTORS_ENABLED": ["tis", "nope"]})) == {"tis"}
    with pytest.raises(LookupError):
        registry.get({"CONNECTORS_ENABLED": ["tis"]}, "prois")
    for name, cls in registry.available().items():
        assert issubclass(cls, Connector) and cls.name == name and cls.system
        assert cls.__doc__ and cls.message_schema


def test_settings_keep_the_secret_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = TisInbound.settings_from({"CONNECTOR_ENDPOINTS": {"tis": "http://x/"}})
    assert settings.endpoint == "http://x" and settings.secret() is None
    monkeypatch.setenv("PLUS_TIS_TOKEN", "s3cret")
    assert settings.secret() == "s3cret"
    shown = settings.public()
    assert "s3cret" not in str(shown)
    assert shown["secret_env"] == "PLUS_TIS_TOKEN" and shown["secret_set"] is True


@pytest.mark.parametrize(("payload", "reason"), [
    ([1, 2], "not a JSON object"),
    ({"a": "x" * 5000}, "bytes"),
    ({"a": {"b": {"c": {"d": {"e": {}}}}}}, "nests deeper"),
])
def test_check_shape_refuses_bad_payloads(payload: Any, reason: str) -> None:
    with pytest.raises(BadMessage, match=reason):
        check_shape(payload, max_bytes=1000, max_depth=4)


def test_a_very_deep_payload_is_refused_without_recursion() -> None:
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(50_000):
        node["x"] = {}
        node = node["x"]
    with pytest.raises(BadMessage, match="nests deeper"):
        check_shape(deep, max_bytes=10**9, max_depth=12)


# --- inbound ---------------------------------------------------------------------------


def test_polled_decisions_are_stored_once_and_land_in_the_units_inbox(
    app: Flask, connected: dict[str, Any], base: BaseData
) -> None:
    sent = _offer(app, connected["tis"], base, 3, seed=101)
    assert poll(app, "tis") == {"new": 3, "repeated": 0, "rejected": 0}
    # Acknowledged: the system offers nothing more; offering them again stores nothing new.
    assert poll(app, "tis") == {"new": 0, "repeated": 0, "rejected": 0}
    connected["tis"].offer(*sent)
    assert poll(app, "tis") == {"new": 0, "repeated": 3, "rejected": 0}
    with app.app_context():
        stored = [m for m in _messages(connector="tis")
                  if m.correlation_id in {s["id"] for s in sent}]
        assert len(stored) == 3
        assert {m.status for m in stored} == {ExchangeStatus.RECEIVED}
        assert {m.unit_id for m in stored} == {base.unit_a}
        officer = _officer(base)
        pending = {m.id for m in inbound.inbox(db.session, officer)}
        assert {m.id for m in stored} <= pending
        # Another unit's officer sees none of them.
        other = {m.id for m in inbound.inbox(db.session, _officer(base, "OfficerB"))}
        assert not pending & other


def test_accepting_a_judgment_creates_client_decision_and_case_once(
    app: Flask, connected: dict[str, Any], base: BaseData
) -> None:
    sent = _offer(app, connected["tis"], base, 1, seed=102)[0]
    poll(app, "tis")
    code = sent["payload"]["person"]["personal_code"]
    with app.app_context():
        message = _messages(correlation_id=sent["id"])[0]
        changes = inbound.proposal_of(db.session, _tis(app), message).changes
        assert [(c.kind, c.entity) for c in changes][:3] == [
            ("create", "Client"), ("create", "Decision"), ("create", "Case")]
        accepted = inbound.accept(db.session, _tis(app), message.id, _officer(base))
        assert accepted.status is ExchangeStatus.APPLIED and accepted.case_id
        case = db.session.get(Case, accepted.case_id)
        assert case.client.personal_code == code and case.unit_id == base.unit_a
        assert case.status is CaseStatus.OPENED and case.number.startswith("PL-")
        decision = case.decision
        assert decision.received_electronically and decision.source_system is SourceSystem.TIS
        assert decision.external_id == sent["payload"]["decision"]["id"]
        sources = set(db.session.scalars(select(ChangeLog.source).where(
            ChangeLog.case_id == case.id)))
        assert sources == {f"tis:{message.id}"}
        # Accepting twice is refused; nothing doubles.
        with pytest.raises(IllegalTransition):
            inbound.accept(db.session, _tis(app), message.id, _officer(base))
        assert db.session.scalar(select(func.count()).select_from(Decision).where(
            Decision.external_id == decision.external_id)) == 1


def test_an_exact_duplicate_under_a_new_id_applies_without_review(
    app: Flask, connected: dict[str, Any], base: BaseData
) -> None:
    first = _offer(app, connected["tis"], base, 1, seed=103)[0]
    poll(app, "tis")
    with app.app_context():
        message = _messages(correlation_id=first["id"])[0]
        case_id = inbound.accept(db.session, _tis(app), message.id, _officer(base)).case_id
    again = {**first, "id": first["id"] + "-resent"}
    connected["tis"].offer(again)
    poll(app, "tis")
    with app.app_context():
        repeat = _messages(correlation_id=again["id"])[0]
        assert repeat.status is ExchangeStatus.APPLIED and repeat.response == {"duplicate": True}
        assert repeat.case_id == case_id
        assert db.session.scalar(select(func.count()).select_from(Case).where(
            Case.decision_id == db.session.get(Case, case_id).decision_id)) == 1


def test_an_amendment_attaches_to_the_case_already_received(
    app: Flask, connected: dict[str, Any], base: BaseData
) -> None:
    first = _offer(app, connected["prois"], base, 1, seed=104)[0]
    poll(app, "prois")
    prois = registry.get(app.config, "prois")
    with app.app_context():
        message = _messages(correlation_id=first["id"])[0]
        case_id = inbound.accept(db.session, prois, message.id, _officer(base)).case_id
    amended = {**first, "id": first["id"] + "-A1"}
    amended["payload"] = {**first["payload"],
                          "decision": {**first["payload"]["decision"], "details": "Grozīts"}}
    connected["prois"].offer(amended)
    poll(app, "prois")
    with app.app_context():
        message = _messages(correlation_id=amended["id"])[0]
        assert message.status is ExchangeStatus.RECEIVED and message.case_id == case_id
        changes = inbound.proposal_of(db.session, prois, message).changes
        assert all(c.kind == "update" for c in changes)
        assert [c.field for c in changes if c.changes_something] == ["penalty_details"]
        inbound.accept(db.session, prois, message.id, _officer(base))
        assert db.session.get(Case, case_id).decision.penalty_details == "Grozīts"


def _nested(depth: int) -> dict[str, Any]:
    node: dict[str, Any] = {}
    for _ in range(depth):
        node = {"x": node}
    return node


@pytest.mark.parametrize(("mutate", "reason"), [
    (lambda p: p["person"].update(personal_code="311399-12345"), "personal code"),
    (lambda p: p.pop("decision"), "decision is missing"),
    (lambda p: p["decision"].update(type="parking_ticket"), "unknown decision type"),
    (lambda p: p.update(extra=_nested(20)), "nests deeper"),
    (lambda p: p.update(extra="x" * 300_000), "bytes"),
])
def test_bad_input_is_rejected_with_a_recorded_reason(
    app: Flask, connected: dict[str, Any], base: BaseData, mutate: Any, reason: str, unique: str
) -> None:
    message = demo_decisions("tis", 1, seed=105, unit=unit_code(app, base.unit_a))[0]
    message["id"] = f"BAD-{unique}"
    mutate(message["payload"])
    connected["tis"].offer(message)
    assert poll(app, "tis")["rejected"] == 1
    with app.app_context():
        stored = _messages(correlation_id=message["id"])[0]
        assert stored.status is ExchangeStatus.REJECTED and reason in stored.last_error
        assert stored.case_id is None and stored.client_id is None
        # Visible to admins (no unit's inbox holds it), and never applied.
        with pytest.raises(IllegalTransition):
            inbound.accept(db.session, _tis(app), stored.id, _officer(base, Role.ADMIN))


def test_an_unreachable_or_broken_system_stores_nothing_and_loses_nothing(
    app: Flask, connected: dict[str, Any], base: BaseData
) -> None:
    sent = _offer(app, connected["ievp"], base, 2, seed=106)
    for mode in ("error", "malformed", "timeout"):
        connected["ievp"].set(mode=mode, hang_seconds=1.5)
        started = time.monotonic()
        assert poll(app, "ievp") == {"new": 0, "repeated": 0, "rejected": 0}
        assert time.monotonic() - started < 5
    connected["ievp"].set(mode="ok")
    assert poll(app, "ievp")["new"] == 2
    with app.app_context():
        assert len([m for m in _messages(connector="ievp")
                    if m.correlation_id in {s["id"] for s in sent}]) == 2


def test_the_same_decision_delivered_concurrently_is_stored_once(
    app: Flask, connected: dict[str, Any], base: BaseData
) -> None:
    message = _offer(app, connected["tis"], base, 1, seed=107)[0]
    results: list[tuple[int, bool]] = []
    errors: list[BaseException] = []
    gate = threading.Barrier(4)

    def deliver() -> None:
        try:
            with app.app_context():
                gate.wait()
                stored, new = inbound.receive(
                    db.session, _tis(app), message["id"], message["kind"], message["payload"],
                    max_bytes=10**6, max_depth=12)
                results.append((stored.id, new))
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert len({i for i, _new in results}) == 1 and sum(new for _i, new in results) == 1


def test_only_a_connector_may_mark_a_decision_received_electronically(
    app: Flask, base: BaseData, login_as: Any
) -> None:
    with app.app_context():
        decision = db.session.get(Decision, base.own.decision)
        changes = intake.propose_update(decision, {"received_electronically": True})
        with pytest.raises(ValidationFailed):
            intake.apply_changes(db.session, changes, _officer(base), source="screen")
        db.session.rollback()
    page = login_as(Role.OFFICER).get(f"/decisionview/edit/{base.own.decision}")
    assert page.status_code == 200 and b'name="received_electronically"' not in page.data


def test_an_officer_of_another_unit_cannot_accept(
    app: Flask, connected: dict[str, Any], base: BaseData
) -> None:
    sent = _offer(app, connected["tis"], base, 1, seed=108)[0]
    poll(app, "tis")
    with app.app_context():
        message = _messages(correlation_id=sent["id"])[0]
        with pytest.raises(Exception) as caught:
            inbound.accept(db.session, _tis(app), message.id, _officer(base, "OfficerB"))
        assert type(caught.value).__name__ == "NotFound"
        assert db.session.get(ExchangeMessage, message.id).status is ExchangeStatus.RECEIVED


# --- outbound --------------------------------------------------------------------------


def _received_case(app: Flask, sims: dict[str, Any], base: BaseData, seed: int) -> int:
    """A forced labour case received from TIS and accepted by the officer."""
    sent = demo_decisions("tis", 1, seed=seed, unit=unit_code(app, base.unit_a))[0]
    sent["kind"] = "judgment"
    sent["payload"]["function"] = "forced_labour"
    sent["payload"]["decision"].update(type="court_judgment", forced_labour_hours=80)
    sims["tis"].offer(sent)
    poll(app, "tis")
    with app.app_context():
        message = _messages(correlation_id=sent["id"])[0]
        return inbound.accept(db.session, _tis(app), message.id, _officer(base)).case_id


def _deliver_due(app: Flask) -> None:
    """What a worker does with the due outbox rows (inline mode has done it already)."""
    with app.app_context():
        for message_id in outbox.due_ids(db.session):
            outbox.deliver(db.session, message_id, lambda n: registry.get(app.config, n))


def _close(app: Flask, case_id: int, fail: bool = False) -> None:
    with app.app_context():
        case = db.session.get(Case, case_id)
        if case.status is CaseStatus.OPENED:
            case.status = CaseStatus.ACTIVE
            db.session.commit()
        case.status = CaseStatus.CLOSED
        case.closure_reason = ClosureReason.COMPLETED
        case.end_date = dt.date.today()
        db.session.flush()
        if fail:
            db.session.rollback()
            return
        db.session.commit()


def test_closing_a_received_case_sends_the_execution_notice_once(
    app: Flask, connected: dict[str, Any], base: BaseData
) -> None:
    case_id = _received_case(app, connected, base, seed=110)
    _close(app, case_id, fail=True)  # rolled back: no notice either
    with app.app_context():
        assert _messages(case_id=case_id, kind="execution_notice") == []
    _close(app, case_id)
    _deliver_due(app)
    with app.app_context():
        [notice] = _messages(case_id=case_id, kind="execution_notice")
        # Inline (no Redis): delivered right after the commit; else by the worker.
        assert notice.status is ExchangeStatus.SENT and notice.attempts == 1
        assert notice.response["receipt"].startswith("tis-R-")
        assert notice.payload["outcome"] == "done"
    received = connected["tis"].state.notices[notice.idempotency_key]
    assert received["payload"]["case_number"] == notice.payload["case_number"]


def test_delivery_retries_with_backoff_then_fails_and_an_admin_retries(
    app: Flask, connected: dict[str, Any], base: BaseData, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "EXCHANGE_MAX_ATTEMPTS", 3)
    case_id = _received_case(app, connected, base, seed=111)
    connected["tis"].set(mode="error")
    _close(app, case_id)
    _deliver_due(app)
    resolve = lambda name: registry.get(app.config, name)  # noqa: E731
    with app.app_context():
        [notice] = _messages(case_id=case_id, kind="execution_notice")
        assert notice.status is ExchangeStatus.QUEUED and notice.attempts == 1
        assert "500" in notice.last_error
        assert notice.next_attempt_at > dt.datetime.now(dt.UTC)
        # Not due yet: a delivery now does nothing.
        assert outbox.deliver(db.session, notice.id, resolve) is None
        for attempt in (2, 3):
            notice.next_attempt_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
            db.session.commit()
            assert notice.id in outbox.due_ids(db.session)
            notice = outbox.deliver(db.session, notice.id, resolve)
            assert notice.attempts == attempt
        assert notice.status is ExchangeStatus.FAILED
        with pytest.raises(AccessDenied):
            outbox.retry(db.session, notice.id, _officer(base))
        connected["tis"].set(mode="ok")
        admin = _officer(base, Role.ADMIN)
        notice_id = outbox.retry(db.session, notice.id, admin).id
    _deliver_due(app)
    with app.app_context():
        assert db.session.get(ExchangeMessage, notice_id).status is ExchangeStatus.SENT


@pytest.mark.parametrize("attempts", [1, 2, 5, 30])
def test_backoff_grows_with_jitter_up_to_the_cap(attempts: int) -> None:
    delays = [outbox.backoff(attempts, 10, 600) for _ in range(50)]
    ceiling = min(600, 10 * 2 ** (attempts - 1))
    assert all(ceiling / 2 <= d <= ceiling for d in delays)
    assert len(set(delays)) > 1


def test_a_mediation_result_and_an_evaluation_report_go_to_the_system_that_asked(
    app: Flask, connected: dict[str, Any], base: BaseData
) -> None:
    from portal.models import (
        EvaluationReport,
        EvaluationReportRequest,
        Mediation,
        MediationOutcome,
    )

    case_id = _received_case(app, connected, base, seed=112)
    with app.app_context():
        decision = db.session.get(Case, case_id).decision
        decision.source_system = SourceSystem.PROIS  # as if ProIS had asked for mediation
        mediation = Mediation(case_id=case_id, outcome=MediationOutcome.PENDING)
        request = EvaluationReportRequest(
            case_id=case_id, requester="prison", institution="Rīgas Centrālcietums",
            request_number="IEVP-1", received_date=dt.date.today(),
            due_date=dt.date.today() + dt.timedelta(days=20))
        db.session.add_all([mediation, request])
        db.session.commit()
        assert _messages(case_id=case_id, kind="mediation_result") == []
        mediation.outcome = MediationOutcome.RECONCILED
        mediation.agreement = "Zaudējumi atlīdzināti"
        db.session.add(EvaluationReport(request_id=request.id, conclusion="Pozitīvs",
                                        submitted_at=dt.datetime.now(dt.UTC)))
        db.session.commit()
        mediation.agreement = "Labots teksts"  # a later edit sends nothing new
        db.session.commit()
    _deliver_due(app)
    with app.app_context():
        [result] = _messages(case_id=case_id, kind="mediation_result")
        assert result.connector == "prois_notices" and result.payload["outcome"] == "reconciled"
        [report] = _messages(case_id=case_id, kind="evaluation_report")
        assert report.connector == "ievp_notices" and report.payload["conclusion"] == "Pozitīvs"
        assert {result.status, report.status} == {ExchangeStatus.SENT}
    assert connected["prois"].state.notices[result.idempotency_key]["kind"] == "mediation_result"
    assert report.idempotency_key in connected["ievp"].state.notices


def test_a_later_decision_naming_an_earlier_one_joins_its_case(
    app: Flask, connected: dict[str, Any], base: BaseData
) -> None:
    from portal.models import CaseDecision, DecisionRole

    first = _offer(app, connected["prois"], base, 1, seed=105)[0]
    poll(app, "prois")
    prois = registry.get(app.config, "prois")
    with app.app_context():
        message = _messages(correlation_id=first["id"])[0]
        case_id = inbound.accept(db.session, prois, message.id, _officer(base)).case_id
        cases_before = db.session.scalar(select(func.count()).select_from(Case))
    dec = first["payload"]["decision"]
    later = {**first, "id": first["id"] + "-L1"}
    later["payload"] = {
        **first["payload"],
        "decision": {**dec, "id": dec["id"] + "-EXT", "number": dec["number"] + "-P"},
        "amends": dec["id"], "change": {"role": "extension", "months": 6},
    }
    connected["prois"].offer(later)
    poll(app, "prois")
    with app.app_context():
        message = _messages(correlation_id=later["id"])[0]
        assert message.case_id == case_id
        inbound.accept(db.session, prois, message.id, _officer(base))
        links = list(db.session.scalars(select(CaseDecision).where(
            CaseDecision.case_id == case_id)))
        assert [(link.role, link.months) for link in links] == [(DecisionRole.EXTENSION, 6)]
        assert links[0].decision.external_id == dec["id"] + "-EXT"
        assert db.session.scalar(select(func.count()).select_from(Case)) == cases_before
