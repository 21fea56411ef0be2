"""Declarative role definitions (FAB builtin roles): which screens each role reaches.

Row-level rules (which records) live in ``portal.services.access``; this only decides which
screens and API endpoints a role may open at all, and so which menu entries it sees.
"""

from __future__ import annotations

from portal.services.access import Role

# Views and APIs of case work: officers and managers reach them; rows are scoped by access.py.
# Menu headings (portal.views.menu) show wherever one of their entries does; the headings'
# own menu_access below only serves FAB's menu API.
CASEWORK_VIEWS = (
    "ClientView|CaseView|DecisionView|WorkAssignmentView|WorkScheduleEntryView|HoursLogView|"
    "ControlActView|NoShowView|WorkIncidentView|SupervisionPlanView|ObligationView|MeetingView|"
    "ViolationView|RiskNeedsAssessmentView|ProgrammeParticipationView|MediationView|"
    "MediationPartyView|MediationSessionView|EvaluationReportRequestView|EvaluationReportView|"
    "DocumentView|ChangeLogView|EmployerView|VolunteerView|VacancyView|PriorityWorkView|"
    "WorklistView|SearchView|ClientApi|CaseApi|MeetingApi|MediationSessionApi|InboxView|CalendarView|"
    "PaperworkView|RegistryQueryView|PickerView|MeetingObligationCheckView|ViolationResponseView|"
    "CaseDecisionView|SupervisionStepsView"
)
# People and units, minors' limits (issue 11): the work APIs, transfers, cover and caseload.
CASEWORK_VIEWS += (
    "|WorkAssignmentApi|WorkScheduleEntryApi|HoursLogApi|CaseTransferView|OfficerCoverView"
    "|SuitableWorkView"
)
# The supervision plan in depth and the start of supervision (migration 0021_plan).
CASEWORK_VIEWS += (
    "|PlanGoalView|PlanActivityView|MeetingGoalProgressView|SupervisionStartView"
    "|SupervisionPlanStepsView"
)
# Evaluation reports and mediation in depth (issue 11): versions, the report's workflow, terms.
CASEWORK_VIEWS += "|EvaluationReportVersionView|EvaluationWorkflowView|MediationTermView"
CASEWORK_MENUS = (
    "Casework|Worklist|Search|Clients|Cases|Decisions|Forced labour and community work|Work assignments|"
    "Work schedule|Hours|Control acts|No-shows|Incidents|Supervision|Supervision plans|"
    "Obligations|Meetings|Violations|Risk and needs assessments|Programmes|Mediation|"
    "Mediations|Mediation parties|Mediation sessions|Evaluation reports|Report requests|"
    "Reports|Documents|Change history|Partners|Employers|Volunteers|Vacancies|Priority works|"
    "Inbox|Calendar|Bulk registry query|People and units|Case transfers|Cover|"
    "Compliance with obligations|Responses to violations|Later decisions|"
    "Plan goals|Plan activities|Plan progress at meetings|Starts of supervision"
    "|Submitted report versions|Agreement terms"
)
# The caseload of the unit and reassignment: unit managers (Admin has everything).
CASELOAD = [["^CaseloadView$", ".*"], ["^Caseload$", "menu_access"]]
SELF_SERVICE = [
    # FAB names the permission after the class: ours is PlusUserDBModelView.
    ["^(Plus)?UserDBModelView$", "can_userinfo"],
    ["^(Plus)?UserDBModelView$", "userinfoedit"],
    ["ResetMyPasswordView", "can_this_form_(get|post)"],
    ["UserInfoEditView", "can_this_form_(get|post)"],
    ["PlusIndexView", ".*"],
]

# E-service use statistics (the project's result indicators): FormAdmins and Analysts.
USAGE = [
    ["^UsageView$", ".*"],
    ["^E-service use$", "menu_access"],
]
# The indicator dashboard (managers and analysts; figures scoped by access.py) and the open
# data downloads (analysts; Admin has everything).
DASHBOARD = [["^DashboardView$", ".*"], ["^Indicator dashboard$", "menu_access"]]
OPEN_DATA = [["^OpenDataView$", ".*"], ["^Open data$", "menu_access"]]
# Form definitions, versions and the builder (FormAdmin; Admin has everything).
FORMS_ADMIN = [
    ["^(FormAdminView|DocumentTemplateView)$", ".*"],
    ["^(Forms|Form definitions|Document templates)$", "menu_access"],
]
# The submission API of the portal (forms for the renderer, submissions, own submissions).
PORTAL_API = [["^SubmissionApi$", ".*"]]
# Creating portal accounts and their invitation links (unit managers; Admin has everything).
PORTAL_ACCOUNTS = [["^PortalAccountView$", ".*"], ["^Portal accounts$", "menu_access"]]
# The unit's rooms of the unified calendar (unit managers; Admin has everything).
ROOMS = [["^RoomView$", ".*"], ["^Rooms$", "menu_access"]]
# The audit trail of the unit (who read or changed which client; Admin has everything).
AUDIT_TRAIL = [["^AuditTrailView$", ".*"], ["^(Data protection|Audit trail)$", "menu_access"]]


def _exact(names: str) -> str:
    return f"^({names})$"


FAB_ROLES: dict[str, list[list[str]]] = {
    Role.ADMIN: [[".*", ".*"]],
    Role.UNIT_MANAGER: [
        [_exact(CASEWORK_VIEWS), ".*"],
        [_exact(CASEWORK_MENUS + "|Statistics|Figures|Administration"), "menu_access"],
        ["^StatisticsView$", ".*"],
        *DASHBOARD,
        *CASELOAD,
        *PORTAL_ACCOUNTS,
        *AUDIT_TRAIL,
        *ROOMS,
        *SELF_SERVICE,
    ],
    Role.OFFICER: [
        [_exact(CASEWORK_VIEWS), ".*"],
        [_exact(CASEWORK_MENUS), "menu_access"],
        *SELF_SERVICE,
    ],
    Role.ANALYST: [
        ["^StatisticsView$", ".*"],
        ["^(Statistics|Figures)$", "menu_access"],
        *USAGE,
        *DASHBOARD,
        *OPEN_DATA,
        *SELF_SERVICE,
    ],
    Role.FORM_ADMIN: [
        ["^StatisticsView$", ".*"],
        ["^(Statistics|Figures|Administration)$", "menu_access"],
        *USAGE,
        *FORMS_ADMIN,
        *SELF_SERVICE,
    ],
    # Portal users have no officer screens; the portal blueprint scopes them itself.
    Role.EMPLOYER: [["^PlusIndexView$", ".*"], *PORTAL_API],
    Role.VOLUNTEER: [["^PlusIndexView$", ".*"], *PORTAL_API],
    Role.CLIENT: [["^PlusIndexView$", ".*"], *PORTAL_API],
    # Nothing of the officer app or the API is public (the portal blueprint and the login
    # pages are outside FAB's permission checks). Fixing it here also spares a query per
    # request (PlusSecurityManager.is_item_public).
    "Public": [],
}
