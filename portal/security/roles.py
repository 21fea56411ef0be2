"""Declarative role definitions (FAB builtin roles): which screens each role reaches.

Row-level rules (which records) live in ``portal.services.access``; this only decides which
screens and API endpoints a role may open at all, and so which menu entries it sees.
"""

from __future__ import annotations

from portal.services.access import Role

# Views and APIs of case work: officers and managers reach them; rows are scoped by access.py.
CASEWORK_VIEWS = (
    "ClientView|CaseView|DecisionView|WorkAssignmentView|WorkScheduleEntryView|HoursLogView|"
    "ControlActView|NoShowView|WorkIncidentView|SupervisionPlanView|ObligationView|MeetingView|"
    "ViolationView|RiskNeedsAssessmentView|ProgrammeParticipationView|MediationView|"
    "MediationPartyView|MediationSessionView|EvaluationReportRequestView|EvaluationReportView|"
    "DocumentView|ChangeLogView|EmployerView|VolunteerView|VacancyView|PriorityWorkView|"
    "WorklistView|SearchView|ClientApi|CaseApi|InboxView"
)
CASEWORK_MENUS = (
    "Casework|Worklist|Search|Clients|Cases|Decisions|Forced labour and community work|Work assignments|"
    "Work schedule|Hours|Control acts|No-shows|Incidents|Supervision|Supervision plans|"
    "Obligations|Meetings|Violations|Risk and needs assessments|Programmes|Mediation|"
    "Mediations|Mediation parties|Mediation sessions|Evaluation reports|Report requests|"
    "Reports|Documents|Change history|Partners|Employers|Volunteers|Vacancies|Priority works|"
    "Inbox"
)
SELF_SERVICE = [
    ["UserDBModelView", "can_userinfo"],
    ["UserDBModelView", "userinfoedit"],
    ["ResetMyPasswordView", "can_this_form_(get|post)"],
    ["UserInfoEditView", "can_this_form_(get|post)"],
    ["PlusIndexView", ".*"],
]

# E-service use statistics (the project's result indicators): FormAdmins and Analysts.
USAGE = [
    ["^UsageView$", ".*"],
    ["^E-service use$", "menu_access"],
]
# Form definitions, versions and the builder (FormAdmin; Admin has everything).
FORMS_ADMIN = [["^FormAdminView$", ".*"], ["^(Forms|Form definitions)$", "menu_access"]]
# The submission API of the portal (forms for the renderer, submissions, own submissions).
PORTAL_API = [["^SubmissionApi$", ".*"]]
# Creating portal accounts and their invitation links (unit managers; Admin has everything).
PORTAL_ACCOUNTS = [["^PortalAccountView$", ".*"], ["^Portal accounts$", "menu_access"]]


def _exact(names: str) -> str:
    return f"^({names})$"


FAB_ROLES: dict[str, list[list[str]]] = {
    Role.ADMIN: [[".*", ".*"]],
    Role.UNIT_MANAGER: [
        [_exact(CASEWORK_VIEWS), ".*"],
        [_exact(CASEWORK_MENUS + "|Statistics"), "menu_access"],
        ["^StatisticsView$", ".*"],
        *PORTAL_ACCOUNTS,
        *SELF_SERVICE,
    ],
    Role.OFFICER: [
        [_exact(CASEWORK_VIEWS), ".*"],
        [_exact(CASEWORK_MENUS), "menu_access"],
        *SELF_SERVICE,
    ],
    Role.ANALYST: [
        ["^StatisticsView$", ".*"],
        ["^Statistics$", "menu_access"],
        *USAGE,
        *SELF_SERVICE,
    ],
    Role.FORM_ADMIN: [
        ["^StatisticsView$", ".*"],
        ["^Statistics$", "menu_access"],
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
