"""Translatable labels for enum values, so code stays English and users read their language."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

# One table for every enum the users see. Keys are (enum class name, value).
_LABELS: dict[tuple[str, str], object] = {
    ("EducationLevel", "basic"): _l("Basic education"),
    ("EducationLevel", "secondary"): _l("General secondary education"),
    ("EducationLevel", "vocational"): _l("Vocational education"),
    ("EducationLevel", "higher"): _l("Higher education"),
    ("Citizenship", "latvian_citizen"): _l("Citizen of Latvia"),
    ("Citizenship", "latvian_non_citizen"): _l("Non-citizen of Latvia"),
    ("Citizenship", "eu_citizen"): _l("Citizen of another EU member state"),
    ("Citizenship", "third_country"): _l("Third-country national"),
    ("Citizenship", "stateless"): _l("Stateless person"),
    ("IdentityDocumentType", "passport"): _l("Passport"),
    ("IdentityDocumentType", "eid_card"): _l("Identity card (eID)"),
    ("IdentityDocumentType", "other"): _l("Other document"),
    ("FamilyStatus", "single"): _l("Single (never married)"),
    ("FamilyStatus", "married"): _l("Married"),
    ("FamilyStatus", "registered_partnership"): _l("In a registered partnership"),
    ("FamilyStatus", "cohabiting"): _l("Living with a partner, not married"),
    ("FamilyStatus", "divorced"): _l("Divorced"),
    ("FamilyStatus", "widowed"): _l("Widowed"),
    ("Gender", "male"): _l("Male"),
    ("Gender", "female"): _l("Female"),
    ("Language", "lv"): _l("Latvian"),
    ("Language", "en"): _l("English"),
    ("Process", "forced_labour"): _l("Forced labour"),
    ("Process", "community_work"): _l("Community work"),
    ("Process", "mediation"): _l("Mediation"),
    ("Process", "evaluation"): _l("Evaluation reports"),
    ("Process", "supervision"): _l("Supervision"),
    ("Process", "programmes"): _l("Probation programmes"),
    ("CaseFunction", "supervision_conditional_sentence"): _l(
        "Supervision — conditional sentence"
    ),
    ("CaseFunction", "supervision_early_release"): _l("Supervision — conditional early release"),
    ("CaseFunction", "supervision_release_from_liability"): _l(
        "Supervision — conditional release from criminal liability"
    ),
    ("CaseFunction", "probation_supervision"): _l("Probation supervision"),
    ("CaseFunction", "supervision_early_release_em"): _l(
        "Supervision — conditional early release with electronic monitoring"
    ),
    ("CaseFunction", "forced_labour"): _l("Forced labour"),
    ("CaseFunction", "forced_labour_additional"): _l("Forced labour — additional penalty"),
    ("CaseFunction", "community_work"): _l("Community work"),
    ("CaseFunction", "mediation"): _l("Mediation"),
    ("CaseFunction", "evaluation_pre_trial"): _l("Evaluation — pre-trial"),
    ("CaseFunction", "evaluation_early_release"): _l("Evaluation — conditional early release"),
    ("CaseFunction", "evaluation_early_release_em"): _l(
        "Evaluation — conditional early release with electronic monitoring"
    ),
    ("CaseFunction", "programme_participation"): _l("Participation in probation programmes"),
    ("CaseStatus", "opened"): _l("Opened"),
    ("CaseStatus", "active"): _l("Active"),
    ("CaseStatus", "suspended"): _l("Suspended"),
    ("CaseStatus", "closed"): _l("Closed"),
    # The sentence or task was carried out, not a "finished" programme participation.
    ("ClosureReason", "completed"): lazy_pgettext("closure reason", "Completed"),
    ("ClosureReason", "sentence_replaced"): _l("Sentence replaced"),
    ("ClosureReason", "new_offence"): _l("New offence"),
    ("ClosureReason", "decision_revoked"): _l("Decision revoked"),
    ("ClosureReason", "transferred"): _l("Transferred"),
    ("ClosureReason", "death"): _l("Death"),
    ("ClosureReason", "other"): _l("Other"),
    ("DecisionType", "court_judgment"): _l("Court judgment"),
    ("DecisionType", "court_decision"): _l("Court decision"),
    ("DecisionType", "prosecutor_penalty_order"): _l("Prosecutor's penalty order"),
    ("DecisionType", "prosecutor_decision"): _l("Prosecutor's decision"),
    ("DecisionType", "prison_release_notice"): _l("Prison administration's notice of release"),
    ("DecisionType", "court_evaluation_request"): _l("Court's request for an evaluation report"),
    ("DecisionType", "prosecutor_evaluation_request"): _l(
        "Prosecutor's request for an evaluation report"
    ),
    ("DecisionType", "prison_request"): _l(
        "Prison administration's request for an evaluation report"
    ),
    ("DecisionType", "judge_mediation_proposal"): _l("Judge's proposal for mediation"),
    ("DecisionType", "prosecutor_mediation_request"): _l("Prosecutor's request for mediation"),
    ("DecisionType", "investigator_mediation_proposal"): _l(
        "Investigator's proposal for mediation"
    ),
    ("DecisionType", "mediation_application"): _l("A party's application for mediation"),
    ("SourceSystem", "tis"): _l("Courts (TIS)"),
    ("SourceSystem", "prois"): _l("Prosecution (ProIS)"),
    ("SourceSystem", "ievp"): _l("Prison administration (IeVP)"),
    ("SourceSystem", "manual"): _l("Entered manually"),
    ("EmployerType", "state_institution"): _l("State institution"),
    ("EmployerType", "municipal_institution"): _l("Municipal institution"),
    ("EmployerType", "state_or_municipal_company"): _l("State or municipal company or agency"),
    ("EmployerType", "association"): _l("Association"),
    ("EmployerType", "foundation"): _l("Foundation"),
    ("EmployerType", "religious_organisation"): _l("Religious organisation"),
    ("EmployerType", "public_majority_company"): _l(
        # The "%" stays last: "51% o..." would read as a %-placeholder to gettext tools.
        "Company in which the state or a municipality holds at least 51%"
    ),
    ("VolunteerType", "probation_volunteer"): _l("Probation volunteer"),
    ("VolunteerType", "volunteer_mentor"): _l("Volunteer mentor"),
    ("ReportedBy", "employer"): _l("Employer"),
    ("ReportedBy", "officer"): _l("Officer"),
    ("ReportedBy", "client"): _l("Client"),
    ("ObligationSource", "court"): _l("Court"),
    ("ObligationSource", "prosecutor"): _l("Prosecutor"),
    ("ObligationSource", "vpd"): _l("State Probation Service"),
    ("ObligationStatus", "in_force"): lazy_pgettext("obligation", "In force"),
    ("ObligationStatus", "fulfilled"): lazy_pgettext("obligation", "Fulfilled"),
    ("ObligationStatus", "ended"): lazy_pgettext("obligation", "Ended"),
    ("ObligationStatus", "cancelled"): lazy_pgettext("obligation", "Cancelled"),
    ("Compliance", "kept"): _l("Kept"),
    ("Compliance", "not_kept"): _l("Not kept"),
    ("Compliance", "not_applicable"): _l("Not applicable"),
    ("ViolationSource", "meeting"): _l("At a meeting"),
    ("ViolationSource", "no_show"): _l("No-show"),
    ("ViolationSource", "monitoring"): _l("Electronic monitoring"),
    ("ViolationSource", "other"): _l("Other"),
    ("ResponseStep", "talk"): _l("Talk with the client"),
    ("ResponseStep", "written_warning"): _l("Written warning"),
    ("ResponseStep", "submission"): _l("Submission to the court or prosecutor"),
    ("SubmissionKind", "revocation"): _l("Revocation"),
    ("SubmissionKind", "extension"): _l("Extension of the term"),
    ("Addressee", "court"): _l("Court"),
    ("Addressee", "prosecutor"): _l("Prosecutor"),
    ("DecisionRole", "amendment"): _l("Amendment"),
    ("DecisionRole", "extension"): _l("Extension of the term"),
    ("DecisionRole", "suspension"): _l("Suspension"),
    ("DecisionRole", "revocation"): _l("Revocation"),
    ("DecisionRole", "early_release"): _l("Early release from supervision"),
    ("NeedArea", "criminal_history"): _l("Criminal history"),
    ("NeedArea", "accommodation"): _l("Accommodation"),
    ("NeedArea", "education_employment"): _l("Education and employment"),
    ("NeedArea", "finances"): _l("Finances"),
    ("NeedArea", "relationships"): _l("Family and relationships"),
    ("NeedArea", "lifestyle"): _l("Lifestyle and associates"),
    ("NeedArea", "alcohol"): _l("Alcohol use"),
    ("NeedArea", "drugs"): _l("Drug use"),
    ("NeedArea", "emotional_wellbeing"): _l("Emotional well-being"),
    ("NeedArea", "thinking_behaviour"): _l("Thinking and behaviour"),
    ("NeedArea", "attitudes"): _l("Attitudes"),
    ("RiskLevel", "low"): _l("Low"),
    ("RiskLevel", "medium"): _l("Medium"),
    ("RiskLevel", "high"): _l("High"),
    ("EconomicActivity", "employed"): _l("Employed"),
    ("EconomicActivity", "unemployed"): _l("Unemployed"),
    ("EconomicActivity", "student"): _l("Student"),
    ("EconomicActivity", "retired"): _l("Retired"),
    ("EconomicActivity", "other"): _l("Other"),
    ("MediationOutcome", "pending"): _l("Pending"),
    ("MediationOutcome", "reconciled"): _l("Reconciled"),
    ("MediationOutcome", "not_reconciled"): _l("Not reconciled"),
    ("MediationOutcome", "refused"): _l("Refused"),
    ("AgreementFulfilment", "in_progress"): _l("In progress"),
    ("AgreementFulfilment", "fulfilled"): _l("Fulfilled"),
    ("AgreementFulfilment", "not_fulfilled"): _l("Not fulfilled"),
    ("TermStatus", "pending"): _l("Not yet checked"),
    ("TermStatus", "fulfilled"): _l("Fulfilled"),
    ("TermStatus", "not_fulfilled"): _l("Not fulfilled"),
    ("SessionPlace", "office"): _l("VPD office"),
    ("SessionPlace", "prison"): _l("Prison"),
    ("SessionPlace", "court"): _l("Court"),
    ("SessionPlace", "other"): _l("Other place"),
    ("ReportStatus", "draft"): _l("Draft"),
    ("ReportStatus", "reviewed"): _l("Reviewed by the unit manager"),
    ("ReportStatus", "submitted"): _l("Submitted"),
    ("PartyRole", "offender"): _l("Offender"),
    ("PartyRole", "victim"): _l("Victim"),
    ("Requester", "court"): _l("Court"),
    ("Requester", "prosecutor"): _l("Prosecutor"),
    ("Requester", "prison"): _l("Prison administration"),
    ("RequestStatus", "received"): _l("Received"),
    ("RequestStatus", "in_progress"): _l("In progress"),
    ("RequestStatus", "submitted"): _l("Submitted"),
    ("RequestStatus", "withdrawn"): _l("Withdrawn"),
    ("DocumentOrigin", "uploaded"): _l("Uploaded"),
    ("DocumentOrigin", "generated"): _l("Generated"),
    ("DocumentOrigin", "received"): _l("Received"),
    ("DocumentType", "declaration"): _l("Client's declaration"),
    ("DocumentType", "referral"): _l("Referral to the employer"),
    ("DocumentType", "work_schedule"): _l("Work schedule"),
    ("DocumentType", "control_act"): _l("On-site control act"),
    ("DocumentType", "execution_notice"): _l(
        "Notice to the court or prosecutor about execution"
    ),
    ("DocumentType", "evaluation_report"): _l("Evaluation report"),
    ("DocumentType", "supervision_plan"): _l("Supervision plan"),
    ("DocumentType", "written_warning"): _l("Written warning"),
    ("DocumentType", "court_submission"): _l("Submission to the court or prosecutor"),
    ("DocumentType", "police_notice"): _l("Notice to the State Police of the start of supervision"),
    ("DocumentType", "orphans_court_notice"): _l(
        "Notice to the orphans' court of the start of supervision"
    ),
    ("GoalProgress", "achieved"): _l("Achieved"),
    ("GoalProgress", "on_track"): _l("Progressing"),
    ("GoalProgress", "not_fulfilled"): _l("Not being fulfilled"),
    ("Audience", "client"): _l("Client"),
    ("Audience", "employer"): _l("Employer"),
    ("Audience", "volunteer"): _l("Volunteer"),
    ("SubmissionStatus", "received"): _l("Received"),
    ("SubmissionStatus", "in_processing"): _l("In processing"),
    ("SubmissionStatus", "accepted"): _l("Accepted"),
    ("SubmissionStatus", "rejected"): _l("Rejected"),
    ("SubmissionStatus", "answered"): _l("Answered"),
    ("EService", "my_data"): _l("My probation data"),
    ("EService", "client_data"): _l("Probation client data"),
    ("EService", "info_to_vpd"): _l("Information to VPD"),
    ("EService", "partner_info_to_vpd"): _l("Employer/volunteer information to VPD"),
    ("NoticeStatus", "queued"): _l("Queued"),
    ("NoticeStatus", "sent"): _l("Sent"),
    ("NoticeStatus", "delivered"): _l("Delivered to the mailbox"),
    ("NoticeKind", "reply"): _l("Reply to a submission"),
    ("NoticeKind", "summons"): _l("Summons to a meeting"),
    ("NoticeStatus", "failed"): _l("Failed"),
    ("PublicationStatus", "pending"): _l("Waiting to be published"),
    ("PublicationStatus", "published"): lazy_pgettext("open data", "Published"),
    ("PublicationStatus", "failed"): lazy_pgettext("open data", "Not published, will retry"),
    ("RetentionStatus", "proposed"): _l("Awaiting confirmation"),
    ("RetentionStatus", "confirmed"): _l("Confirmed"),
    ("RetentionStatus", "cancelled"): _l("Cancelled"),
    ("Direction", "inbound"): _l("Inbound"),
    ("Direction", "outbound"): _l("Outbound"),
    ("Direction", "query"): _l("Registry query"),
    ("ExchangeStatus", "received"): _l("Awaiting review"),
    ("ExchangeStatus", "applied"): _l("Applied"),
    ("ExchangeStatus", "dismissed"): _l("Set aside"),
    ("ExchangeStatus", "rejected"): _l("Rejected as invalid"),
    ("ExchangeStatus", "queued"): _l("Queued"),
    ("ExchangeStatus", "sent"): _l("Delivered"),
    ("ExchangeStatus", "failed"): _l("Failed"),
}

# People and units, kinds of work (issue 11).
_LABELS.update({
    ("WorkKind", "cleaning"): _l("Cleaning and tidying"),
    ("WorkKind", "green_areas"): _l("Green areas and landscaping"),
    ("WorkKind", "construction"): _l("Construction and repair"),
    ("WorkKind", "work_at_height"): _l("Work at height"),
    ("WorkKind", "hazardous_substances"): _l("Work with hazardous substances"),
    ("WorkKind", "machinery"): _l("Work with machinery"),
    ("WorkKind", "heavy_lifting"): _l("Heavy lifting"),
    ("WorkKind", "social_care"): _l("Social care"),
    ("WorkKind", "work_with_children"): _l("Work with children"),
    ("WorkKind", "animal_care"): _l("Animal care"),
    ("WorkKind", "kitchen"): _l("Kitchen and catering"),
    ("WorkKind", "office"): _l("Office and archive"),
    ("WorkKind", "other"): _l("Other work"),
    ("TransferStatus", "requested"): _l("Awaiting acceptance"),
    ("TransferStatus", "accepted"): _l("Accepted"),
    ("TransferStatus", "declined"): _l("Declined"),
    ("TransferStatus", "cancelled"): _l("Cancelled"),
})

# Message types of the connectors (ExchangeMessage.kind), as users read them.
_EXCHANGE_KINDS: dict[str, object] = {
    "judgment": _l("Court judgment"),
    "evaluation_request": _l("Evaluation report request"),
    "mediation_proposal": _l("Judge's mediation proposal"),
    "penalty_order": _l("Prosecutor's penalty order"),
    "mediation_request": _l("Mediation request"),
    "release_from_liability": _l("Conditional release from criminal liability"),
    "release": _l("Release from prison"),
    "execution_notice": _l("Execution notice"),
    "mediation_result": _l("Mediation result"),
    "evaluation_report": _l("Evaluation report content"),
    "event": _l("Electronic monitoring event"),
    "registry_query": _l("Registry query"),
    "notice": _l("Notice to the e-address"),
    "summons": _l("Summons to a meeting"),
}

# Why a notice to the e-address failed (OutgoingNotice.failure_reason).
_NOTICE_FAILURES: dict[str, object] = {
    "no_e_address": _l("no active e-address"),
    "delivery_failed": _l("could not be delivered"),
}


def notice_failure_label(reason: str | None) -> object:
    """The translatable reason a notice failed ("" when none)."""
    if not reason:
        return ""
    return _NOTICE_FAILURES.get(reason, reason)


# FAB role names (portal.services.access.Role), as users read them.
_ROLE_NAMES: dict[str, object] = {
    "Admin": _l("Administrator"),
    "FormAdmin": _l("Form administrator"),
    "UnitManager": _l("Unit manager"),
    "Officer": _l("Probation officer"),
    "Analyst": _l("Analyst"),
    "Employer": _l("Employer"),
    "Volunteer": _l("Volunteer"),
    "Client": _l("Client"),
    "Public": _l("Public (without login)"),
}


def role_label(role: object) -> object:
    """The translatable name of a role (a FAB Role or its name; the name itself if unknown)."""
    name = str(getattr(role, "name", role))
    return _ROLE_NAMES.get(name, name)


def role_labels(roles: object) -> str:
    """A user's roles by their translated names, comma-separated."""
    return ", ".join(str(role_label(r)) for r in (roles or []))  # type: ignore[attr-defined]


def exchange_kind_label(kind: str) -> object:
    """The translatable name of a connector message type (the type itself when unknown)."""
    return _EXCHANGE_KINDS.get(kind, kind)


def enum_label(member: enum.Enum) -> object:
    """The translatable label of an enum member (its value when none is defined)."""
    return _LABELS.get((type(member).__name__, str(member.value)), str(member.value))


def enum_choices(enum_cls: type[enum.Enum]) -> list[tuple[str, object]]:
    """(value, label) pairs for a select field."""
    return [(m.value, enum_label(m)) for m in enum_cls]


#: how the system marks a form version it loaded from a shipped file (stored, not shown)
LOADED_FROM = "loaded from "


def version_note(note: str | None) -> str:
    """A form version's note as the reader reads it: the system's "loaded from <file>" in
    their language, a person's note as written, nothing as a dash."""
    if not note:
        return "—"
    if note.startswith(LOADED_FROM):
        return str(_l("Loaded from the shipped file %(file)s",
                      file=note.removeprefix(LOADED_FROM)))
    return note
