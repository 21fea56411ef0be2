"""Translatable labels for enum values, so code stays English and users read their language."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

# One table for every enum the users see. Keys are (enum class name, value).
_LABELS: dict[tuple[str, str], object] = {
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
    ("NoticeStatus", "failed"): _l("Failed"),
}


def enum_label(member: enum.Enum) -> object:
    """The translatable label of an enum member (its value when none is defined)."""
    return _LABELS.get((type(member).__name__, str(member.value)), str(member.value))


def enum_choices(enum_cls: type[enum.Enum]) -> list[tuple[str, object]]:
    """(value, label) pairs for a select field."""
    return [(m.value, enum_label(m)) for m in enum_cls]
