"""The PLUS data model, one module per aggregate; importing this registers every table."""

from portal.models.audit import AccessLog, ChangeLog
from portal.models.base import Model
from portal.models.case import (
    Case,
    CaseFunction,
    CaseNumberCounter,
    CaseStatus,
    ClosureReason,
    Decision,
    DecisionType,
    Process,
    SourceSystem,
)
from portal.models.client import Client, Gender, Language
from portal.models.document import Document, DocumentOrigin
from portal.models.evaluation import (
    EvaluationReport,
    EvaluationReportRequest,
    Requester,
    RequestStatus,
)
from portal.models.mediation import (
    Mediation,
    MediationOutcome,
    MediationParty,
    MediationSession,
    PartyRole,
)
from portal.models.org import PlusUser, TerritorialUnit
from portal.models.partners import Employer, EmployerType, Volunteer, VolunteerType
from portal.models.supervision import (
    EconomicActivity,
    Meeting,
    Obligation,
    ObligationSource,
    ProgrammeParticipation,
    RiskLevel,
    RiskNeedsAssessment,
    SupervisionPlan,
    Violation,
)
from portal.models.work import (
    ControlAct,
    HoursLog,
    NoShow,
    PriorityWork,
    ReportedBy,
    Vacancy,
    WorkAssignment,
    WorkIncident,
    WorkScheduleEntry,
)

__all__ = [
    "AccessLog",
    "Case",
    "CaseFunction",
    "CaseNumberCounter",
    "CaseStatus",
    "ChangeLog",
    "Client",
    "ClosureReason",
    "ControlAct",
    "Decision",
    "DecisionType",
    "Document",
    "DocumentOrigin",
    "EconomicActivity",
    "Employer",
    "EmployerType",
    "EvaluationReport",
    "EvaluationReportRequest",
    "Gender",
    "HoursLog",
    "Language",
    "Mediation",
    "MediationOutcome",
    "MediationParty",
    "MediationSession",
    "Meeting",
    "Model",
    "NoShow",
    "Obligation",
    "ObligationSource",
    "PartyRole",
    "PlusUser",
    "PriorityWork",
    "Process",
    "ProgrammeParticipation",
    "ReportedBy",
    "RequestStatus",
    "Requester",
    "RiskLevel",
    "RiskNeedsAssessment",
    "SourceSystem",
    "SupervisionPlan",
    "TerritorialUnit",
    "Vacancy",
    "Violation",
    "Volunteer",
    "VolunteerType",
    "WorkAssignment",
    "WorkIncident",
    "WorkScheduleEntry",
]
