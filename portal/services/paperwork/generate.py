"""Generating a case document: gather the case's data in the client's language, lay it out
with the published template, store the PDF as a case Document (origin "generated")."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.labels import enum_label
from portal.models import (
    Case,
    ControlAct,
    Document,
    DocumentOrigin,
    DocumentTemplateVersion,
    DocumentType,
    EvaluationReportRequest,
    Language,
    WorkAssignment,
)
from portal.services import access, audit
from portal.services.casework import documents
from portal.services.casework.case_file import hours_done
from portal.services.casework.rules import today
from portal.services.errors import AccessDenied, NotFound, ValidationFailed
from portal.services.paperwork import catalogue, templates
from reports import documents as pdf

# --- values as text ---------------------------------------------------------------------


def _date(value: dt.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _number(value: Decimal | int | None, lang: str) -> str:
    """Hours as people write them: 4 or 4,5 in Latvian (4.5 in English)."""
    if value is None:
        return ""
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",") if lang == "lv" else text


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("Yes") if value else _("No")


def _label(member: Any) -> str:
    return str(enum_label(member)) if member is not None else ""


@dataclass
class Table:
    """A table value of the catalogue (headers, rows, relative column widths)."""

    headers: list[str]
    rows: list[list[str]]
    widths: list[float]


@dataclass
class Gathered:
    """A case's data for one document: the case, the language and every field's value."""

    case: Case
    language: str
    values: dict[str, Any]


def _latest(items: list[Any], key: str) -> Any:
    return max(items, key=lambda x: getattr(x, key)) if items else None


def _load_case(session: Session, case_id: int, actor: access.Actor) -> Case:
    case = session.scalars(
        select(Case)
        .where(Case.id == case_id, access.case_visible(actor))
        .options(
            selectinload(Case.client), selectinload(Case.decision), selectinload(Case.officer),
            selectinload(Case.unit), selectinload(Case.plans), selectinload(Case.obligations),
            selectinload(Case.meetings), selectinload(Case.violations),
            selectinload(Case.assessments),
        )
    ).first()
    if case is None:
        raise NotFound("case")
    return case


def _common(case: Case, lang: str) -> dict[str, Any]:
    client, dec, officer = case.client, case.decision, case.officer
    return {
        "document.date": _date(today()),
        "case.number": case.number,
        "case.function": _label(case.function),
        "case.status": _label(case.status),
        "case.start_date": _date(case.start_date),
        "case.end_date": _date(case.end_date),
        "case.hours_ordered": _number(case.hours_ordered, lang),
        "client.full_name": client.full_name,
        "client.personal_code": client.personal_code,
        "client.birth_date": _date(client.birth_date),
        "client.address": client.address or "",
        "client.phone": client.phone or "",
        "officer.name": f"{officer.first_name} {officer.last_name}" if officer else "",
        "officer.phone": (officer.phone or "") if officer else "",
        "unit.name": case.unit.name if case.unit else "",
        "decision.type": _label(dec.decision_type) if dec else "",
        "decision.institution": dec.institution if dec else "",
        "decision.number": dec.number if dec else "",
        "decision.date": _date(dec.decision_date) if dec else "",
        "decision.effective_date": _date(dec.effective_date) if dec else "",
        "decision.criminal_law_articles": (dec.criminal_law_articles or "") if dec else "",
        "decision.supervision_months": str(dec.supervision_months or "") if dec else "",
        "decision.penalty_details": (dec.penalty_details or "") if dec else "",
    }


def _work(session: Session, case: Case, lang: str) -> dict[str, Any]:
    assignment = session.scalars(
        select(WorkAssignment)
        .where(WorkAssignment.case_id == case.id)
        .options(
            selectinload(WorkAssignment.employer), selectinload(WorkAssignment.schedule),
            selectinload(WorkAssignment.hours), selectinload(WorkAssignment.no_shows),
            selectinload(WorkAssignment.control_acts).selectinload(ControlAct.officer),
        )
        .order_by(WorkAssignment.start_date.desc(), WorkAssignment.id.desc())
        .limit(1)
    ).first()
    if assignment is None:
        return {}
    emp = assignment.employer
    planned = sum((s.planned_hours for s in assignment.schedule), Decimal(0))
    confirmed = hours_done(session, case.id)
    remaining = (
        max(Decimal(case.hours_ordered) - confirmed, Decimal(0))
        if case.hours_ordered is not None else None
    )
    values: dict[str, Any] = {
        "employer.name": emp.name,
        "employer.registration_number": emp.registration_number or "",
        "employer.address": emp.address or "",
        "employer.contact_person": emp.contact_person or "",
        "employer.phone": emp.phone or "",
        "assignment.referral_number": assignment.referral_number or "",
        "assignment.work_type": assignment.work_type,
        "assignment.place": assignment.place,
        "assignment.start_date": _date(assignment.start_date),
        "assignment.end_date": _date(assignment.end_date),
        "work.planned_hours": _number(planned, lang),
        "work.hours_confirmed": _number(confirmed, lang),
        "work.hours_remaining": _number(remaining, lang),
        "work.schedule": Table(
            [_("No."), _("Date"), _("Start time"), _("Planned hours"),
             _("Hours worked"), _("Employer's signature")],
            [[str(i), _date(s.work_date), s.start_time or "", _number(s.planned_hours, lang),
              "", ""] for i, s in enumerate(assignment.schedule, 1)],
            [0.55, 1.2, 0.9, 1.0, 1.0, 1.6],
        ),
        "work.hours": Table(
            [_("Date"), _("Hours"), _("Reported by"), _("Confirmed")],
            [[_date(h.work_date), _number(h.hours, lang), _label(h.reported_by),
              _yes_no(h.confirmed)] for h in assignment.hours],
            [1, 1, 1.4, 1],
        ),
        "work.no_shows": Table(
            [_("Date"), _("Left without leave"), _("Explanation")],
            [[_date(n.event_date), _yes_no(n.left_without_leave), n.explanation or ""]
             for n in sorted(assignment.no_shows, key=lambda n: n.event_date)],
            [1, 1, 3],
        ),
    }
    act = _latest(assignment.control_acts, "inspection_date")
    if act is not None:
        values.update({
            "control.date": _date(act.inspection_date),
            "control.client_present": _yes_no(act.client_present),
            "control.officer": (
                f"{act.officer.first_name} {act.officer.last_name}" if act.officer else ""
            ),
            "control.findings": act.findings or "",
        })
    values["_assignment"] = assignment
    return values


def _supervision(case: Case, lang: str) -> dict[str, Any]:
    obligations = sorted(case.obligations, key=lambda o: o.start_date)
    violations = sorted(case.violations, key=lambda v: v.violation_date)
    assessment = _latest(case.assessments, "assessment_date")
    plan = _latest(case.plans, "plan_date")
    values: dict[str, Any] = {
        "supervision.obligations": Table(
            [_("Obligation"), _("Set by"), _("From"), _("Until")],
            [[o.description, _label(o.set_by), _date(o.start_date), _date(o.end_date)]
             for o in obligations if o.active],
            [3.2, 1.1, 1, 1],
        ),
        "supervision.violations": Table(
            [_("Date"), _("Violation"), _("Action taken")],
            [[_date(v.violation_date), v.description, v.action_taken or ""] for v in violations],
            [1, 2.5, 2.5],
        ),
        "supervision.meetings_held": str(sum(1 for m in case.meetings if m.held)),
        "supervision.risk_level": _label(assessment.risk_level) if assessment else "",
    }
    if plan is not None:
        values.update({
            "plan.date": _date(plan.plan_date),
            "plan.review_date": _date(plan.review_date),
            "plan.agreed_with_client": _yes_no(plan.agreed_with_client),
            "plan.goals": plan.goals,
            "plan.actions": plan.actions or "",
            "plan.goal_table": Table(
                [_("Need area"), _("Goal"), _("Activities")],
                [[_label(g.need_area), g.goal,
                  "; ".join(a.description + (f" ({_date(a.due_date)})" if a.due_date else "")
                            for a in g.activities)] for g in plan.goal_rows],
                [1.3, 2.2, 2.5],
            ),
            "_plan": plan,
        })
    return values


def _evaluation(session: Session, case: Case) -> dict[str, Any]:
    request = session.scalars(
        select(EvaluationReportRequest)
        .where(EvaluationReportRequest.case_id == case.id)
        .options(selectinload(EvaluationReportRequest.report))
        .order_by(EvaluationReportRequest.received_date.desc(), EvaluationReportRequest.id.desc())
        .limit(1)
    ).first()
    if request is None:
        return {}
    report = request.report
    values: dict[str, Any] = {
        "request.requester": _label(request.requester),
        "request.institution": request.institution,
        "request.number": request.request_number or "",
        "request.received_date": _date(request.received_date),
        "request.due_date": _date(request.due_date),
        "_request": request,
    }
    from portal.models import ReportStatus
    from portal.models.evaluation import SECTIONS

    for key in SECTIONS:
        values[f"report.{key}"] = (getattr(report, key) or "") if report else ""
    # Templates made before the sections were split show both in their one field.
    values["report.thinking_and_behaviour"] = "\n\n".join(
        v for v in (values["report.thinking"], values["report.behaviour"]) if v)
    if report is not None:
        # The document says which version of the report it shows, and whether it is a draft.
        values["report.version"] = str(report.version)
        values["_report_version"] = (report.version, report.status is not ReportStatus.SUBMITTED)
    return values


def _response(session: Session, case: Case, doc_type: DocumentType) -> dict[str, Any]:
    """The latest response of the document's kind (warning or submission) and its violation."""
    from portal.models import ResponseStep, ViolationResponse
    from portal.services.supervision import term

    step = (ResponseStep.WRITTEN_WARNING if doc_type == DocumentType.WRITTEN_WARNING
            else ResponseStep.SUBMISSION)
    response = session.scalars(
        select(ViolationResponse).where(ViolationResponse.case_id == case.id,
                                        ViolationResponse.step == step)
        .order_by(ViolationResponse.id.desc()).limit(1)
    ).first()
    if response is None:
        return {}
    end = term.of_case(session, case).end
    return {
        "response.violation_date": _date(response.violation.violation_date),
        "response.violation": response.violation.description,
        "response.step": _label(response.step),
        "response.due_date": _date(response.due_date),
        "response.addressee": _label(response.addressee),
        "response.submission_kind": _label(response.submission_kind),
        "response.term_end": _date(end),
        "_response": response,
    }


def _start(session: Session, case: Case, lang: str) -> dict[str, Any]:
    """The registered start of supervision (the notices to the police and orphans' court)."""
    from portal.services.supervision import start, term

    row = start.of_case(session, case.id)
    if row is None:
        return {}
    return {**start.values(row, lang),
            "start.term_end": _date(term.of_case(session, case).end), "_start": row}


def language_of(case: Case) -> str:
    """The document's language: English for a client who prefers English, else Latvian."""
    return "en" if case.client.preferred_language == Language.EN else "lv"


def gather(session: Session, case: Case, doc_type: DocumentType) -> Gathered:
    """Every field value ``doc_type`` may show, as text in the client's language.

    :raises ValidationFailed: when the case lacks the record the document is about (a work
        assignment, a decision, a supervision plan, an evaluation request).
    """
    lang = language_of(case)
    groups = catalogue.GROUPS_BY_TYPE[doc_type]
    with force_locale(lang):
        values = _common(case, lang)
        if catalogue.WORK in groups:
            values.update(_work(session, case, lang))
        if catalogue.SUPERVISION in groups or catalogue.PLAN in groups:
            values.update(_supervision(case, lang))
        if catalogue.EVALUATION in groups:
            values.update(_evaluation(session, case))
        if catalogue.RESPONSE in groups:
            values.update(_response(session, case, doc_type))
        if catalogue.START in groups:
            values.update(_start(session, case, lang))
    missing = _missing(doc_type, case, values)
    if missing is not None:
        raise ValidationFailed(missing, "doc_type")
    return Gathered(case=case, language=lang, values=values)


def _missing(doc_type: DocumentType, case: Case, values: dict[str, Any]) -> object | None:
    if doc_type in (DocumentType.REFERRAL, DocumentType.WORK_SCHEDULE, DocumentType.CONTROL_ACT):
        if "_assignment" not in values:
            return _l("The case has no work assignment yet: add the employer and the work first.")
    if doc_type == DocumentType.EXECUTION_NOTICE and case.decision is None:
        return _l("The case has no decision linked: the notice is addressed to its issuer.")
    if doc_type == DocumentType.SUPERVISION_PLAN and "_plan" not in values:
        return _l("The case has no supervision plan yet: add it first.")
    if doc_type in (DocumentType.WRITTEN_WARNING, DocumentType.COURT_SUBMISSION) and (
            "_response" not in values):
        return _l("The case has no such response to a violation yet: respond to it first.")
    if doc_type in (DocumentType.POLICE_NOTICE, DocumentType.ORPHANS_COURT_NOTICE) and (
            "_start" not in values):
        return _l("The start of supervision is not registered yet: register it first.")
    if doc_type == DocumentType.EVALUATION_REPORT and "_request" not in values:
        return _l("The case has no request for an evaluation report.")
    return None


# --- layout ------------------------------------------------------------------------------


def spec_for(
    gathered: Gathered, doc_type: DocumentType, content: dict[str, Any]
) -> pdf.DocumentSpec:
    """The builder's input: the template's texts and fields filled from the case."""
    lang = gathered.language
    values = gathered.values
    scalars = {k: v for k, v in values.items() if isinstance(v, str)}
    known = catalogue.fields_for(doc_type)
    with force_locale(lang):
        blocks: list[Any] = []
        intro = templates.fill(content["intro"].get(lang, ""), scalars)
        for para in (p for p in re.split(r"\n\s*\n", intro) if p.strip()):
            blocks.append(pdf.Text(para.strip()))
        pending: list[tuple[str, str]] = []
        for key in content["fields"]:
            field = known.get(key)
            if field is None:  # a field retired from the catalogue since the version was made
                continue
            label = str(field.label)
            value = values.get(key)
            if field.kind == catalogue.VALUE:
                pending.append((label, value or "—"))
                continue
            if pending:
                blocks.append(pdf.FieldList(pending))
                pending = []
            blocks.append(pdf.Heading(label))
            if isinstance(value, Table):
                blocks.append(pdf.TableBlock(value.headers, value.rows, value.widths,
                                             empty_text=_("No entries.")))
            else:
                blocks.append(pdf.Text(value or "—"))
        if pending:
            blocks.append(pdf.FieldList(pending))
        closing = templates.fill(content["closing"].get(lang, ""), scalars)
        for para in (p for p in re.split(r"\n\s*\n", closing) if p.strip()):
            blocks.append(pdf.Text(para.strip()))
        signers = content["signatures"].get(lang) or []
        if signers:
            blocks.append(pdf.Signatures(signers, _("signature"), _("date")))
        case = gathered.case
        return pdf.DocumentSpec(
            title=templates.fill(content["title"].get(lang) or "", scalars),
            blocks=blocks,
            issuer=[_("State Probation Service"), case.unit.name if case.unit else ""],
            subtitle=_("Date: %(date)s", date=scalars["document.date"]),
            footer=_("Case %(number)s", number=case.number),
            page_label=_("Page %(page)s of %(pages)s", page="%(page)s", pages="%(pages)s"),
            language=lang,
            author=_("State Probation Service"),
        )


# --- the command -------------------------------------------------------------------------


def available_types(case: Case) -> tuple[DocumentType, ...]:
    """The document types that fit the case's process (the "Prepare a document" menu)."""
    return catalogue.types_for_process(case.process)


def generate(
    session: Session, case_id: int, doc_type: DocumentType | str, actor: access.Actor
) -> Document:
    """Generate ``doc_type`` for the case from its published template and file it on the
    case as a Document with origin "generated". Commits.

    :raises NotFound: when the case is outside the actor's scope or the type is unknown.
    :raises AccessDenied: when the actor may not add documents to the case.
    :raises ValidationFailed: when the type does not fit the case, the case lacks the data it
        needs, or no template is published.
    """
    try:
        doc_type = DocumentType(doc_type)
    except ValueError:
        raise NotFound("document type") from None
    case = _load_case(session, case_id, actor)
    if not access.can_add_to_case(session, case.id, actor):
        raise AccessDenied(_l("You may not add documents to this case."))
    if doc_type not in available_types(case):
        raise ValidationFailed(
            _l("This document does not belong to a case of this function."), "doc_type"
        )
    version = templates.published(session, doc_type)
    if version is None:
        raise ValidationFailed(
            _l("No template of this document is published yet; ask an administrator."),
            "doc_type",
        )
    gathered = gather(session, case, doc_type)
    data = pdf.build_pdf(spec_for(gathered, doc_type, version.content))
    suffix = ""
    if "_report_version" in gathered.values:
        number, draft = gathered.values["_report_version"]
        with force_locale(gathered.language):
            suffix = (_(" (version %(n)s, draft)", n=number) if draft
                      else _(" (version %(n)s)", n=number))
    return _store(session, case, doc_type, version, gathered.language, data, actor, suffix)


def _store(
    session: Session, case: Case, doc_type: DocumentType, version: DocumentTemplateVersion,
    lang: str, data: bytes, actor: access.Actor, title_suffix: str = "",
) -> Document:
    key, size, sha = documents.store(io.BytesIO(data))
    try:
        title = templates.fill(version.content["title"].get(lang) or "", {})
        stem = catalogue.FILE_STEMS[doc_type][lang]
        doc = Document(
            case_id=case.id,
            title=((title or stem)[:200 - len(title_suffix)] + title_suffix),
            filename=f"{stem}_{case.number}_{today():%Y%m%d}.pdf"[:255],
            content_type="application/pdf",
            size_bytes=size,
            sha256=sha,
            storage_key=key,
            origin=DocumentOrigin.GENERATED,
            uploaded_by_id=actor.user_id,
            template_version_id=version.id,
        )
        with audit.acting_as(actor.user_id, "generate"):
            session.add(doc)
            session.flush()
            audit.record_access(
                session, user_id=actor.user_id, action="document.generate",
                client_id=case.client_id, case_id=case.id,
            )
            session.commit()
    except Exception:
        session.rollback()
        documents.remove(key)
        raise
    return doc
