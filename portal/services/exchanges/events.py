"""The case events that send progress back to the justice systems, written to the outbox in
the same flush (hence the same transaction) as the change that causes them.

Whatever screen, API call, task or intake makes the change, the rule is applied here once:

* a forced labour, community work or supervision case whose decision came from TIS, ProIS or
  IeVP IS is closed -> an *execution notice* (done / not done, supervision ended) to that
  system;
* a mediation of such a case gets its outcome -> the *mediation result* to the system that
  asked for it;
* an evaluation report is submitted -> its *content* to the requester's system (court: TIS,
  prosecutor: ProIS, prison: IeVP IS).

Each message's idempotency key names its cause, so re-saving the same change never queues a
second message.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from portal.models import (
    Case,
    CaseStatus,
    ClosureReason,
    Decision,
    EvaluationReport,
    EvaluationReportRequest,
    Mediation,
    MediationOutcome,
    Process,
    Requester,
    SourceSystem,
)
from portal.services.exchanges import outbox

__all__ = ["OUTBOUND", "install"]

#: source system -> (outbound connector name, system code)
OUTBOUND: dict[SourceSystem, tuple[str, str]] = {
    SourceSystem.TIS: ("tis_notices", "TIS"),
    SourceSystem.PROIS: ("prois_notices", "ProIS"),
    SourceSystem.IEVP: ("ievp_notices", "IeVP IS"),
}
_REQUESTER_SYSTEM = {
    Requester.COURT: SourceSystem.TIS,
    Requester.PROSECUTOR: SourceSystem.PROIS,
    Requester.PRISON: SourceSystem.IEVP,
}
_EXECUTED = (Process.FORCED_LABOUR, Process.COMMUNITY_WORK, Process.SUPERVISION)


def _changed_to(obj: Any, attr: str) -> tuple[bool, Any]:
    hist = inspect(obj).attrs[attr].history
    if not hist.has_changes():
        return False, None
    return True, hist.added[0] if hist.added else None


def _decision(session: Session, case: Case | None) -> Decision | None:
    if case is None or case.decision_id is None:
        return None
    return session.get(Decision, case.decision_id)


def _case_notice(session: Session, case: Case) -> None:
    changed, status = _changed_to(case, "status")
    if not changed or status is not CaseStatus.CLOSED or case.function.process not in _EXECUTED:
        return
    decision = _decision(session, case)
    if decision is None or decision.source_system not in OUTBOUND:
        return
    name, system = OUTBOUND[decision.source_system]
    outbox.enqueue(
        session, connector=name, system=system, kind="execution_notice",
        key=f"execution_notice:case:{case.id}",
        case_id=case.id, client_id=case.client_id, unit_id=case.unit_id,
        correlation_id=decision.external_id,
        payload={
            "decision_id": decision.external_id,
            "decision_number": decision.number,
            "case_number": case.number,
            "function": case.function.value,
            "outcome": ("supervision_ended" if case.function.process is Process.SUPERVISION
                        else "done" if case.closure_reason is ClosureReason.COMPLETED
                        else "not_done"),
            "closure_reason": case.closure_reason.value if case.closure_reason else None,
            "closed_on": (case.end_date.isoformat() if case.end_date else None),
            "hours_ordered": (str(case.hours_ordered) if case.hours_ordered is not None
                              else None),
        },
    )


def _mediation_result(session: Session, mediation: Mediation) -> None:
    changed, outcome = _changed_to(mediation, "outcome")
    if not changed or outcome in (None, MediationOutcome.PENDING):
        return
    case = session.get(Case, mediation.case_id)
    decision = _decision(session, case)
    if case is None or decision is None or decision.source_system not in OUTBOUND:
        return
    name, system = OUTBOUND[decision.source_system]
    outbox.enqueue(
        session, connector=name, system=system, kind="mediation_result",
        key=f"mediation_result:case:{case.id}:{outcome.value}",
        case_id=case.id, client_id=case.client_id, unit_id=case.unit_id,
        correlation_id=decision.external_id,
        payload={
            "decision_id": decision.external_id,
            "decision_number": decision.number,
            "case_number": case.number,
            "outcome": outcome.value,
            "agreement": mediation.agreement,
        },
    )


def _report_content(session: Session, report: EvaluationReport) -> None:
    changed, submitted = _changed_to(report, "submitted_at")
    if not changed or submitted is None:
        return
    request = report.request if report.request_id is None else session.get(
        EvaluationReportRequest, report.request_id)
    if request is None or request.id is None:
        return
    source = _REQUESTER_SYSTEM.get(request.requester)
    case = session.get(Case, request.case_id)
    decision = _decision(session, case)
    if source is None or case is None:
        return
    name, system = OUTBOUND[source]
    outbox.enqueue(
        session, connector=name, system=system, kind="evaluation_report",
        # An addition after submission is a later version, sent as a message of its own.
        key=(f"evaluation_report:request:{request.id}" if (report.version or 1) == 1
             else f"evaluation_report:request:{request.id}:v{report.version}"),
        case_id=case.id, client_id=case.client_id, unit_id=case.unit_id,
        correlation_id=decision.external_id if decision else request.request_number,
        payload={
            "request_number": request.request_number,
            "decision_id": decision.external_id if decision else None,
            "case_number": case.number,
            "version": report.version or 1,
            "thinking": report.thinking,
            "behaviour": report.behaviour,
            "attitudes": report.attitudes,
            "social_circumstances": report.social_circumstances,
            "victim_rights": report.victim_rights,
            "suggested_obligations": report.suggested_obligations,
            "conclusion": report.conclusion,
            "submitted_at": submitted.isoformat(),
        },
    )


def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    with session.no_autoflush:
        for obj in list(session.dirty) + list(session.new):
            if isinstance(obj, Case) and obj.id is not None:
                _case_notice(session, obj)
            elif isinstance(obj, Mediation) and obj.case_id is not None:
                _mediation_result(session, obj)
            elif isinstance(obj, EvaluationReport):
                _report_content(session, obj)


def install(session: Any) -> None:
    """Attach the case-event rules (and the outbox's after-commit kick) to a session."""
    if not event.contains(session, "before_flush", _before_flush):
        event.listen(session, "before_flush", _before_flush)
    outbox.install(session)
