"""Everything PLUS holds on one person, for a data subject's access request.

:func:`gather` collects it as plain data (JSON-ready); :func:`sections` turns it into the
labelled sections the PDF builder (``reports.data_export``) lays out. Only administrators may
export; the export is logged in the access log like any other read.

Left out: other people's data (a mediation victim, the officers' and employers' contact
details beyond their names), secrets (passwords, token hashes) and storage internals.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal.models import (
    AccessLog,
    Case,
    ChangeLog,
    Client,
    ControlAct,
    Decision,
    Document,
    EvaluationReport,
    EvaluationReportRequest,
    EvaluationReportVersion,
    HoursLog,
    Mediation,
    MediationParty,
    MediationSession,
    MediationTerm,
    Meeting,
    MeetingGoalProgress,
    NoShow,
    Obligation,
    OutgoingNotice,
    PartyRole,
    PlanActivity,
    PlanGoal,
    PlusUser,
    ProgrammeParticipation,
    RiskNeedsAssessment,
    Submission,
    SubmissionAttachment,
    SupervisionPlan,
    SupervisionStart,
    Violation,
    VolunteerTask,
    WorkAssignment,
    WorkIncident,
    WorkScheduleEntry,
)
from portal.services import access, audit
from portal.services.errors import AccessDenied, NotFound

# Columns never exported: secrets, storage internals, and links that are ids only.
_LEFT_OUT = {"storage_key", "password", "token_hash", "sha256"}


def _value(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _row(obj: Any) -> dict[str, Any]:
    return {attr.key: _value(getattr(obj, attr.key))
            for attr in obj.__mapper__.column_attrs if attr.key not in _LEFT_OUT}


def _rows(session: Session, model: type, where: Any, order: Any = None) -> list[dict[str, Any]]:
    stmt = select(model).where(where).order_by(order if order is not None else model.id)  # type: ignore[attr-defined]
    return [_row(obj) for obj in session.scalars(stmt)]


def _case(session: Session, case: Case, client_id: int) -> dict[str, Any]:
    data = _row(case)
    data["decision"] = _row(case.decision) if case.decision is not None else None
    assignments = []
    for a in session.scalars(select(WorkAssignment).where(WorkAssignment.case_id == case.id)
                             .order_by(WorkAssignment.id)):
        item = _row(a)
        item["employer"] = a.employer.name if a.employer is not None else None
        for key, model in (("schedule", WorkScheduleEntry), ("hours", HoursLog),
                           ("control_acts", ControlAct), ("no_shows", NoShow),
                           ("incidents", WorkIncident)):
            item[key] = _rows(session, model, model.assignment_id == a.id)  # type: ignore[attr-defined]
        assignments.append(item)
    data["work_assignments"] = assignments
    for key, model in (("supervision_plans", SupervisionPlan),
                       ("supervision_plan_goals", PlanGoal),
                       ("supervision_plan_activities", PlanActivity),
                       ("supervision_plan_progress", MeetingGoalProgress),
                       ("supervision_start", SupervisionStart),
                       ("obligations", Obligation),
                       ("meetings", Meeting), ("violations", Violation),
                       ("risk_needs_assessments", RiskNeedsAssessment),
                       ("programmes", ProgrammeParticipation),
                       ("volunteer_tasks", VolunteerTask), ("documents", Document)):
        data[key] = _rows(session, model, model.case_id == case.id)  # type: ignore[attr-defined]
    mediation = session.scalars(select(Mediation).where(Mediation.case_id == case.id)).first()
    if mediation is not None:
        m = _row(mediation)
        # The person's own party only: the victim's data is someone else's.
        m["parties"] = _rows(session, MediationParty, (MediationParty.mediation_id == mediation.id)
                             & or_(MediationParty.client_id == client_id,
                                   MediationParty.role == PartyRole.OFFENDER))
        m["sessions"] = _rows(session, MediationSession,
                              MediationSession.mediation_id == mediation.id)
        m["terms"] = _rows(session, MediationTerm, MediationTerm.mediation_id == mediation.id)
        data["mediation"] = m
    requests = []
    for r in session.scalars(select(EvaluationReportRequest)
                             .where(EvaluationReportRequest.case_id == case.id)
                             .order_by(EvaluationReportRequest.id)):
        item = _row(r)
        report = session.scalars(select(EvaluationReport)
                                 .where(EvaluationReport.request_id == r.id)).first()
        item["report"] = _row(report) if report is not None else None
        if report is not None:
            # What was submitted, version by version (what the requester received).
            item["report"]["versions"] = _rows(
                session, EvaluationReportVersion, EvaluationReportVersion.report_id == report.id)
        requests.append(item)
    data["evaluation_requests"] = requests
    return data


def gather(session: Session, client_id: int, actor: access.Actor) -> dict[str, Any]:
    """Everything held on the client, as JSON-ready data.

    :raises AccessDenied: for anyone but an administrator.
    :raises NotFound: for an unknown client.
    """
    if not access.can_manage_personal_data(actor):
        raise AccessDenied("export")
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound("client")
    audit.record_access(session, user_id=actor.user_id, action="privacy.data_export",
                        client_id=client.id)
    cases = list(session.scalars(select(Case).where(Case.client_id == client.id)
                                 .order_by(Case.id)))
    case_ids = [c.id for c in cases]
    linked = {c.decision_id for c in cases if c.decision_id is not None}
    submissions = []
    for s in session.scalars(select(Submission).where(
            or_(Submission.client_id == client.id, Submission.case_id.in_(case_ids)))
            .order_by(Submission.id)):
        item = _row(s)
        item["form"] = s.version.definition.key if s.version is not None else None
        item["attachments"] = _rows(session, SubmissionAttachment,
                                    SubmissionAttachment.submission_id == s.id)
        submissions.append(item)
    accounts = [
        {"username": u.username, "first_name": u.first_name, "last_name": u.last_name,
         "email": u.email, "active": u.active, "created_on": _value(u.created_on),
         "last_login": _value(u.last_login)}
        for u in session.scalars(select(PlusUser).where(PlusUser.client_id == client.id))
    ]
    return {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "client": {**_row(client), "unit": client.unit.name if client.unit else None},
        "cases": [_case(session, c, client.id) for c in cases],
        "other_decisions": _rows(session, Decision, (Decision.client_id == client.id)
                                 & Decision.id.not_in(linked) if linked
                                 else Decision.client_id == client.id),
        "submissions": submissions,
        "notices": _rows(session, OutgoingNotice, OutgoingNotice.client_id == client.id),
        "portal_accounts": accounts,
        # Who processed the data: when and how it was read and changed (not by whom, which
        # is the officers' data and is released, where the law requires, on request).
        "reads": [
            {"at": _value(at), "action": action}
            for at, action in session.execute(
                select(AccessLog.at, AccessLog.action).where(
                    or_(AccessLog.client_id == client.id, AccessLog.case_id.in_(case_ids)))
                .order_by(AccessLog.id))
        ],
        "changes": [
            {"at": _value(at), "record": entity, "action": action,
             "fields": sorted(k for k in (changes or {}) if k not in _LEFT_OUT)}
            for at, entity, action, changes in session.execute(
                select(ChangeLog.at, ChangeLog.entity, ChangeLog.action, ChangeLog.changes)
                .where(or_(ChangeLog.client_id == client.id, ChangeLog.case_id.in_(case_ids)),
                       ChangeLog.entity != MediationParty.__name__)
                .order_by(ChangeLog.id))
        ],
    }


Record = list[tuple[str, str]]


def _enum_classes() -> dict[str, list[type[enum.Enum]]]:
    """Per column name, the enum classes columns of that name store (for readable values)."""
    from sqlalchemy import Enum as SAEnum

    from portal.models import Model

    found: dict[str, list[type[enum.Enum]]] = {}
    for table in Model.metadata.tables.values():
        for column in table.columns:
            cls = getattr(column.type, "enum_class", None)
            if isinstance(column.type, SAEnum) and cls is not None:
                found.setdefault(column.key, [])
                if cls not in found[column.key]:
                    found[column.key].append(cls)
    return found


def _text(key: str, value: Any, enums: Mapping[str, list[type[enum.Enum]]]) -> str:
    from portal.formatting import localtime
    from portal.labels import enum_label

    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(_text(key, v, enums) for v in value)
    if isinstance(value, str):
        for cls in enums.get(key, ()):
            try:
                return str(enum_label(cls(value)))
            except ValueError:
                continue
        if len(value) > 10 and value[4:5] == "-" and value[10:11] == "T":
            try:
                return localtime(dt.datetime.fromisoformat(value))
            except ValueError:
                return value
        if len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
            try:
                return dt.date.fromisoformat(value).strftime("%d.%m.%Y")
            except ValueError:
                return value
    return str(value)


def _record(data: Mapping[str, Any], label: Callable[[str], str],
            enums: Mapping[str, list[type[enum.Enum]]]) -> Record:
    # Links to other rows (``*_id``) are ids only; lists of records get records of their own.
    return [(label(k), _text(k, v, enums)) for k, v in data.items()
            if not k.endswith("_id") and not isinstance(v, dict)
            and not (isinstance(v, list) and (not v or isinstance(v[0], dict)))]


def sections(data: Mapping[str, Any],
             label: Callable[[str], str]) -> list[tuple[str, list[Record]]]:
    """The export as (heading, records) for the PDF; ``label`` names a field for people."""
    enums = _enum_classes()

    def rec(item: Mapping[str, Any], title: str | None = None) -> Record:
        head: Record = [(title, "")] if title else []
        return head + _record(item, label, enums)

    out: list[tuple[str, list[Record]]] = [(_("Client"), [rec(data["client"])])]
    for case in data["cases"]:
        heading = _("Case %(number)s", number=case.get("number") or "")
        records = [rec(case)]
        if case.get("decision"):
            records.append(rec(case["decision"], _("Decision")))
        for key in ("work_assignments", "supervision_plans", "obligations", "meetings",
                    "violations", "risk_needs_assessments", "programmes", "volunteer_tasks",
                    "documents", "evaluation_requests"):
            for item in case.get(key) or []:
                records.append(rec(item, label(key)))
                for sub in ("schedule", "hours", "control_acts", "no_shows", "incidents"):
                    for child in item.get(sub) or []:
                        records.append(rec(child, label(sub)))
                if item.get("report"):
                    records.append(rec(item["report"], label("report")))
                    for version in item["report"].get("versions") or []:
                        records.append(rec(version, label("versions")))
        if case.get("mediation"):
            m = case["mediation"]
            records.append(rec(m, label("mediation")))
            for key in ("parties", "sessions", "terms"):
                for child in m.get(key) or []:
                    records.append(rec(child, label(key)))
        out.append((heading, records))
    for key, heading in (("other_decisions", _("Other decisions")),
                         ("submissions", _("Submissions through the portal")),
                         ("notices", _("Notices")),
                         ("portal_accounts", _("Portal accounts")),
                         ("reads", _("Reads of the data")),
                         ("changes", _("Changes of the data"))):
        records = [rec(item) for item in data.get(key) or []]
        if records:
            out.append((heading, records))
    return out
