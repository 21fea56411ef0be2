"""What each generated document is: the processes it belongs to and the case fields a template
may name (with their labels), the one list both the template check and the generator use."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.labels import enum_label
from portal.models import DocumentType, Process

#: the document types an officer may generate for a case of each process
TYPES_BY_PROCESS: dict[Process, tuple[DocumentType, ...]] = {
    Process.SUPERVISION: (
        DocumentType.DECLARATION,
        DocumentType.SUPERVISION_PLAN,
        DocumentType.EXECUTION_NOTICE,
        DocumentType.WRITTEN_WARNING,
        DocumentType.COURT_SUBMISSION,
        DocumentType.POLICE_NOTICE,
        DocumentType.ORPHANS_COURT_NOTICE,
    ),
    Process.FORCED_LABOUR: (
        DocumentType.REFERRAL,
        DocumentType.WORK_SCHEDULE,
        DocumentType.CONTROL_ACT,
        DocumentType.EXECUTION_NOTICE,
    ),
    Process.COMMUNITY_WORK: (
        DocumentType.REFERRAL,
        DocumentType.WORK_SCHEDULE,
        DocumentType.CONTROL_ACT,
        DocumentType.EXECUTION_NOTICE,
    ),
    Process.EVALUATION: (DocumentType.EVALUATION_REPORT,),
}

#: the menu and screen names of the document types (kept with every enum label)
TYPE_LABELS: dict[DocumentType, object] = {t: enum_label(t) for t in DocumentType}

#: file name stems of the generated PDFs, per language (ASCII, so every system keeps them)
FILE_STEMS: dict[DocumentType, dict[str, str]] = {
    DocumentType.DECLARATION: {"lv": "apliecinajums", "en": "declaration"},
    DocumentType.REFERRAL: {"lv": "norikojums", "en": "referral"},
    DocumentType.WORK_SCHEDULE: {"lv": "darba-grafiks", "en": "work-schedule"},
    DocumentType.CONTROL_ACT: {"lv": "kontroles-akts", "en": "control-act"},
    DocumentType.EXECUTION_NOTICE: {"lv": "pazinojums-par-izpildi", "en": "execution-notice"},
    DocumentType.EVALUATION_REPORT: {"lv": "izvertesanas-zinojums", "en": "evaluation-report"},
    DocumentType.SUPERVISION_PLAN: {"lv": "uzraudzibas-plans", "en": "supervision-plan"},
    DocumentType.WRITTEN_WARNING: {"lv": "bridinajums", "en": "written-warning"},
    DocumentType.COURT_SUBMISSION: {"lv": "iesniegums", "en": "submission"},
    DocumentType.POLICE_NOTICE: {"lv": "pazinojums-policijai", "en": "police-notice"},
    DocumentType.ORPHANS_COURT_NOTICE: {"lv": "pazinojums-barintiesai",
                                        "en": "orphans-court-notice"},
}

# Field groups: which case data a document type can show.
COMMON = "common"
WORK = "work"
CONTROL = "control"
SUPERVISION = "supervision"
PLAN = "plan"
EVALUATION = "evaluation"
RESPONSE = "response"
START = "start"

GROUPS_BY_TYPE: dict[DocumentType, tuple[str, ...]] = {
    DocumentType.DECLARATION: (COMMON, SUPERVISION, PLAN),
    DocumentType.REFERRAL: (COMMON, WORK),
    DocumentType.WORK_SCHEDULE: (COMMON, WORK),
    DocumentType.CONTROL_ACT: (COMMON, WORK, CONTROL),
    DocumentType.EXECUTION_NOTICE: (COMMON, WORK, SUPERVISION),
    DocumentType.EVALUATION_REPORT: (COMMON, EVALUATION),
    DocumentType.SUPERVISION_PLAN: (COMMON, SUPERVISION, PLAN),
    DocumentType.WRITTEN_WARNING: (COMMON, SUPERVISION, RESPONSE),
    DocumentType.COURT_SUBMISSION: (COMMON, SUPERVISION, RESPONSE),
    DocumentType.POLICE_NOTICE: (COMMON, SUPERVISION, START),
    DocumentType.ORPHANS_COURT_NOTICE: (COMMON, SUPERVISION, START),
}

#: a short value, shown as a label and value row (and usable as {placeholder} in texts)
VALUE = "value"
#: a longer text, shown under its own heading
TEXT = "text"
#: a table, shown under its own heading
TABLE = "table"


@dataclass(frozen=True)
class FieldDef:
    """A case field a template may name."""

    key: str
    label: object
    group: str
    kind: str = VALUE


def _f(key: str, label: object, group: str, kind: str = VALUE) -> FieldDef:
    return FieldDef(key, label, group, kind)


FIELDS: dict[str, FieldDef] = {
    f.key: f
    for f in (
        _f("document.date", _l("Date of the document"), COMMON),
        _f("case.number", _l("Case number"), COMMON),
        _f("case.function", _l("Function"), COMMON),
        _f("case.status", _l("Status"), COMMON),
        _f("case.start_date", _l("Start date"), COMMON),
        _f("case.end_date", _l("End date"), COMMON),
        _f("case.hours_ordered", _l("Hours ordered"), COMMON),
        _f("client.full_name", _l("Full name"), COMMON),
        _f("client.personal_code", _l("Personal code"), COMMON),
        _f("client.birth_date", _l("Date of birth"), COMMON),
        _f("client.address", _l("Address"), COMMON),
        _f("client.phone", _l("Phone"), COMMON),
        _f("officer.name", _l("Responsible officer"), COMMON),
        _f("officer.phone", _l("Officer's phone"), COMMON),
        _f("unit.name", _l("Territorial unit"), COMMON),
        _f("decision.type", _l("Decision type"), COMMON),
        _f("decision.institution", _l("Issuing institution"), COMMON),
        _f("decision.number", _l("Decision number"), COMMON),
        _f("decision.date", _l("Decision date"), COMMON),
        _f("decision.effective_date", _l("Date of entry into force"), COMMON),
        _f("decision.criminal_law_articles", _l("Criminal Law articles"), COMMON),
        _f("decision.supervision_months", _l("Supervision term (months)"), COMMON),
        _f("decision.penalty_details", _l("Penalty details"), COMMON, TEXT),
        _f("employer.name", _l("Employer"), WORK),
        _f("employer.registration_number", _l("Registration number"), WORK),
        _f("employer.address", _l("Employer's address"), WORK),
        _f("employer.contact_person", _l("Contact person"), WORK),
        _f("employer.phone", _l("Employer's phone"), WORK),
        _f("assignment.referral_number", _l("Referral number"), WORK),
        _f("assignment.work_type", _l("Type of work"), WORK),
        _f("assignment.place", _l("Place of work"), WORK),
        _f("assignment.start_date", _l("Work start date"), WORK),
        _f("assignment.end_date", _l("Work end date"), WORK),
        _f("work.planned_hours", _l("Planned hours in total"), WORK),
        _f("work.hours_confirmed", _l("Hours confirmed"), WORK),
        _f("work.hours_remaining", _l("Hours remaining"), WORK),
        _f("work.schedule", _l("Work schedule"), WORK, TABLE),
        _f("work.hours", _l("Hours worked"), WORK, TABLE),
        _f("work.no_shows", _l("No-shows"), WORK, TABLE),
        _f("control.date", _l("Date of inspection"), CONTROL),
        _f("control.client_present", _l("Client present"), CONTROL),
        _f("control.officer", _l("Inspecting officer"), CONTROL),
        _f("control.findings", _l("Findings"), CONTROL, TEXT),
        _f("supervision.obligations", _l("Obligations"), SUPERVISION, TABLE),
        _f("supervision.violations", _l("Violations"), SUPERVISION, TABLE),
        _f("supervision.meetings_held", _l("Meetings held"), SUPERVISION),
        _f("supervision.risk_level", _l("Risk level"), SUPERVISION),
        _f("plan.date", _l("Plan date"), PLAN),
        _f("plan.review_date", _l("Review date"), PLAN),
        _f("plan.agreed_with_client", _l("Agreed with the client"), PLAN),
        _f("plan.goals", _l("Goals"), PLAN, TEXT),
        _f("plan.actions", _l("Actions"), PLAN, TEXT),
        _f("plan.goal_table", _l("Goals and activities"), PLAN, TABLE),
        _f("response.violation_date", _l("Date of the violation"), RESPONSE),
        _f("response.violation", _l("Violation"), RESPONSE, TEXT),
        _f("response.step", _l("Response"), RESPONSE),
        _f("response.due_date", _l("Due date"), RESPONSE),
        _f("response.addressee", _l("Addressee"), RESPONSE),
        _f("response.submission_kind", _l("Submission asks for"), RESPONSE),
        _f("response.term_end", _l("Supervision ends"), RESPONSE),
        _f("start.registered_on", _l("Start registered on"), START),
        _f("start.record_category", _l("Record category"), START),
        _f("start.term_end", _l("Supervision ends"), START),
        _f("request.requester", _l("Requested by"), EVALUATION),
        _f("request.institution", _l("Requesting institution"), EVALUATION),
        _f("request.number", _l("Request number"), EVALUATION),
        _f("request.received_date", _l("Received"), EVALUATION),
        _f("request.due_date", _l("Due date"), EVALUATION),
        _f("report.thinking", _l("Way of thinking"), EVALUATION, TEXT),
        _f("report.behaviour", _l("Behaviour"), EVALUATION, TEXT),
        _f("report.attitudes", _l("Attitudes"), EVALUATION, TEXT),
        _f("report.social_circumstances", _l("Social circumstances that led to the offence"),
           EVALUATION, TEXT),
        _f("report.victim_rights", _l("Restoration of the victim's rights or its possibility"),
           EVALUATION, TEXT),
        _f("report.suggested_obligations", _l("Obligations VPD suggests"), EVALUATION, TEXT),
        _f("report.conclusion", _l("Conclusion"), EVALUATION, TEXT),
        _f("report.version", _l("Report version"), EVALUATION),
        # Earlier templates had one field for both; it shows the two sections together.
        _f("report.thinking_and_behaviour", _l("Way of thinking and behaviour"), EVALUATION,
           TEXT),
    )
}


def fields_for(doc_type: DocumentType) -> dict[str, FieldDef]:
    """The fields a template of ``doc_type`` may name, in catalogue order."""
    groups = GROUPS_BY_TYPE[doc_type]
    return {k: f for k, f in FIELDS.items() if f.group in groups}


def types_for_process(process: Process) -> tuple[DocumentType, ...]:
    """The document types that fit a case of ``process`` (none for mediation, programmes)."""
    return TYPES_BY_PROCESS.get(process, ())
