"""Base data every test can rely on: two units, one user per role, a fully populated case in
each unit. Tests that change data create their own rows."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from portal.models import (
    Case,
    CaseDecision,
    CaseFunction,
    CaseStatus,
    Client,
    Compliance,
    ControlAct,
    Decision,
    DecisionRole,
    DecisionType,
    Document,
    DocumentOrigin,
    Employer,
    EmployerType,
    EvaluationReport,
    EvaluationReportRequest,
    EvaluationReportVersion,
    Gender,
    GoalProgress,
    HoursLog,
    Mediation,
    MediationParty,
    MediationSession,
    MediationTerm,
    Meeting,
    MeetingGoalProgress,
    MeetingObligationCheck,
    NeedArea,
    NoShow,
    Obligation,
    ObligationSource,
    PartyRole,
    PlanActivity,
    PlanGoal,
    ProgrammeParticipation,
    ReportedBy,
    Requester,
    ResponseStep,
    RiskLevel,
    RiskNeedsAssessment,
    SupervisionPlan,
    SupervisionStart,
    TerritorialUnit,
    Violation,
    ViolationResponse,
    Volunteer,
    VolunteerType,
    WorkAssignment,
    WorkIncident,
    WorkScheduleEntry,
)
from portal.services.access import Role
from portal.services.casework import personal_code

PASSWORD = "test-password-1"
USERNAMES = {
    Role.ADMIN: "t_admin",
    Role.UNIT_MANAGER: "t_manager",
    Role.OFFICER: "t_officer",
    Role.ANALYST: "t_analyst",
    Role.FORM_ADMIN: "t_formadmin",
    Role.EMPLOYER: "t_employer",
    Role.VOLUNTEER: "t_volunteer",
    Role.CLIENT: "t_client",
    "Officer2": "t_officer2",
    "OfficerB": "t_officer_b",
    "ManagerB": "t_manager_b",
}

_rng = random.Random(7)


_issued: set[str] = set()


def new_code(born: dt.date | None = None) -> str:
    """A valid, unused old-form personal code."""
    # A birth date has only ~900 codes, so random draws collide after a few dozen cases.
    while True:
        code = personal_code.generate_old(born or dt.date(1990, 5, 17), _rng)
        if code not in _issued:
            _issued.add(code)
            return code


@dataclass
class CaseRecords:
    """Ids of a case and of one record of each kind that hangs off it."""

    client: int
    case: int
    decision: int
    assignment: int
    schedule: int
    hours: int
    control_act: int
    no_show: int
    incident: int
    plan: int
    obligation: int
    meeting: int
    violation: int
    assessment: int
    programme: int
    mediation: int
    offender: int
    victim: int
    mediation_session: int
    request: int
    report: int
    document: int
    compliance: int
    response: int
    case_decision: int
    report_version: int
    mediation_term: int
    goal: int = 0
    activity: int = 0
    goal_progress: int = 0
    supervision_start: int = 0


@dataclass
class BaseData:
    unit_a: int
    unit_b: int
    users: dict[str, int]
    employer: int
    volunteer: int
    own: CaseRecords
    foreign: CaseRecords


def _user(sm: Any, key: str, role: str, **links: Any) -> int:
    username = USERNAMES[key]
    user = sm.add_user(
        username=username, first_name=key, last_name="Test", email=f"{username}@test.invalid",
        role=sm.find_role(role), password=PASSWORD,
    )
    assert user, f"could not create {username}"
    for k, v in links.items():
        setattr(user, k, v)
    sm.get_session.commit() if hasattr(sm, "get_session") else None
    return user.id


def ensure_user(sm: Any, username: str, role: str, last_name: str = "Test", **links: Any) -> int:
    """The id of user ``username`` (created with ``role`` if missing), with ``links`` set."""
    from portal.extensions import db

    user = sm.find_user(username=username)
    if user is None:
        user = sm.add_user(
            username=username, first_name=username, last_name=last_name,
            email=f"{username}@test.invalid", role=sm.find_role(role), password=PASSWORD,
        )
        assert user, f"could not create {username}"
    for key, value in links.items():
        setattr(user, key, value)
    db.session.commit()
    return user.id


def make_case(session: Any, *, unit_id: int, officer_id: int, mediator_id: int | None,
              employer_id: int, surname: str = "Bērziņš", given: str = "Jānis") -> CaseRecords:
    """A client with a case carrying one record of every kind."""
    today = dt.date.today()
    client = Client(given_name=given, surname=surname, personal_code=new_code(),
                    birth_date=dt.date(1990, 5, 17), gender=Gender.MALE, unit_id=unit_id,
                    address="Brīvības iela 1, Rīga", phone="+37120000000")
    session.add(client)
    session.flush()
    decision = Decision(client_id=client.id, decision_type=DecisionType.COURT_JUDGMENT,
                        institution="Rīgas pilsētas tiesa", number=f"K-{client.id}",
                        decision_date=today - dt.timedelta(days=60), forced_labour_hours=120,
                        supervision_months=12)
    session.add(decision)
    session.flush()
    case = Case(number=f"PL-2020-{client.id:06d}", client_id=client.id,
                function=CaseFunction.FORCED_LABOUR, status=CaseStatus.ACTIVE,
                start_date=today - dt.timedelta(days=50), officer_id=officer_id, unit_id=unit_id,
                decision_id=decision.id, hours_ordered=Decimal("120"))
    session.add(case)
    session.flush()
    assignment = WorkAssignment(case_id=case.id, employer_id=employer_id, work_type="Teritorijas sakopšana",
                                place="Parks", start_date=today - dt.timedelta(days=40))
    session.add(assignment)
    session.flush()
    rows: dict[str, Any] = {
        "schedule": WorkScheduleEntry(assignment_id=assignment.id, work_date=today - dt.timedelta(days=3),
                                      planned_hours=Decimal("4")),
        "hours": HoursLog(assignment_id=assignment.id, work_date=today - dt.timedelta(days=3),
                          hours=Decimal("4"), reported_by=ReportedBy.EMPLOYER, confirmed=True),
        "control_act": ControlAct(assignment_id=assignment.id, inspection_date=today,
                                  findings="Strādā"),
        "no_show": NoShow(assignment_id=assignment.id, event_date=today - dt.timedelta(days=1),
                          reported_by=ReportedBy.EMPLOYER),
        "incident": WorkIncident(assignment_id=assignment.id, event_date=today,
                                 description="Incidents", reported_by=ReportedBy.EMPLOYER),
        "plan": SupervisionPlan(case_id=case.id, plan_date=today, goals="Mērķi"),
        "obligation": Obligation(case_id=case.id, description="Ierasties VPD",
                                 set_by=ObligationSource.COURT, start_date=today),
        "meeting": Meeting(case_id=case.id, scheduled_at=dt.datetime.now(dt.UTC)
                           + dt.timedelta(hours=2), place="VPD"),
        "violation": Violation(case_id=case.id, violation_date=today, description="Neieradās"),
        "assessment": RiskNeedsAssessment(case_id=case.id, assessment_date=today,
                                          risk_level=RiskLevel.MEDIUM),
        "programme": ProgrammeParticipation(case_id=case.id, programme="Domā pozitīvi",
                                            start_date=today),
        "request": EvaluationReportRequest(case_id=case.id, requester=Requester.COURT,
                                           institution="Rīgas pilsētas tiesa",
                                           received_date=today, due_date=today + dt.timedelta(days=3)),
        "document": Document(case_id=case.id, title="Norīkojums", filename="n.pdf",
                             content_type="application/pdf", size_bytes=10, sha256="0" * 64,
                             storage_key=f"k{client.id}x{_rng.randrange(10**9)}",
                             origin=DocumentOrigin.UPLOADED),
    }
    mediation = Mediation(case_id=case.id, mediator_officer_id=mediator_id)
    session.add(mediation)
    session.add_all(rows.values())
    session.flush()
    offender = MediationParty(mediation_id=mediation.id, role=PartyRole.OFFENDER,
                              client_id=client.id, given_name=given, surname=surname)
    victim = MediationParty(mediation_id=mediation.id, role=PartyRole.VICTIM,
                            given_name="Cietušais", surname="Upuris", phone="+37129999999")
    msession = MediationSession(mediation_id=mediation.id,
                                scheduled_at=dt.datetime.now(dt.UTC), place="VPD")
    report = EvaluationReport(request_id=rows["request"].id, conclusion="Secinājums")
    later = Decision(client_id=client.id, decision_type=DecisionType.COURT_DECISION,
                     institution="Rīgas pilsētas tiesa", number=f"K-{client.id}-2",
                     decision_date=today - dt.timedelta(days=5), supervision_months=2)
    session.add_all([offender, victim, msession, report, later])
    session.flush()
    compliance = MeetingObligationCheck(meeting_id=rows["meeting"].id,
                                        obligation_id=rows["obligation"].id, case_id=case.id,
                                        compliance=Compliance.KEPT)
    response = ViolationResponse(case_id=case.id, violation_id=rows["violation"].id,
                                 step=ResponseStep.TALK, due_date=today + dt.timedelta(days=5))
    case_decision = CaseDecision(case_id=case.id, decision_id=later.id,
                                 role=DecisionRole.EXTENSION, effective_date=today, months=2)
    # The report's first version was submitted; the draft is its addition (version 2).
    report.version = 2
    report_version = EvaluationReportVersion(
        report_id=report.id, case_id=case.id, number=1, thinking="Domāšana",
        conclusion="Secinājums", submitted_at=dt.datetime.now(dt.UTC))
    mediation_term = MediationTerm(mediation_id=mediation.id, case_id=case.id,
                                   description="Atlīdzināt zaudējumus",
                                   due_date=today + dt.timedelta(days=10))
    session.add_all([compliance, response, case_decision, report_version, mediation_term])
    session.flush()
    goal = PlanGoal(plan_id=rows["plan"].id, case_id=case.id, need_area=NeedArea.ALCOHOL,
                    goal="Atturēties no alkohola")
    session.add(goal)
    session.flush()
    activity = PlanActivity(goal_id=goal.id, case_id=case.id, description="Apmeklēt AA")
    goal_progress = MeetingGoalProgress(meeting_id=rows["meeting"].id, goal_id=goal.id,
                                        case_id=case.id, progress=GoalProgress.ON_TRACK)
    start = SupervisionStart(case_id=case.id, registered_on=today,
                             record_category="conditional_sentence")
    session.add_all([activity, goal_progress, start])
    session.flush()
    return CaseRecords(
        goal=goal.id, activity=activity.id, goal_progress=goal_progress.id,
        supervision_start=start.id,
        client=client.id, case=case.id, decision=decision.id, assignment=assignment.id,
        mediation=mediation.id, offender=offender.id, victim=victim.id,
        mediation_session=msession.id, report=report.id, compliance=compliance.id,
        response=response.id, case_decision=case_decision.id,
        report_version=report_version.id, mediation_term=mediation_term.id,
        **{k: v.id for k, v in rows.items()},
    )


def make_base_data(session: Any, sm: Any) -> BaseData:
    """Create the base data once per test session."""
    unit_a = TerritorialUnit(code="TA", name="Testa A nodaļa")
    unit_b = TerritorialUnit(code="TB", name="Testa B nodaļa")
    session.add_all([unit_a, unit_b])
    session.flush()
    employer = Employer(name="Testa pašvaldība", employer_type=EmployerType.MUNICIPAL_INSTITUTION,
                        unit_id=unit_a.id)
    volunteer = Volunteer(given_name="Vija", surname="Brīvprātīgā",
                          volunteer_type=VolunteerType.PROBATION_VOLUNTEER, certified_mediator=True)
    session.add_all([employer, volunteer])
    session.commit()
    users = {
        Role.ADMIN: _user(sm, Role.ADMIN, Role.ADMIN),
        Role.UNIT_MANAGER: _user(sm, Role.UNIT_MANAGER, Role.UNIT_MANAGER, unit_id=unit_a.id),
        Role.OFFICER: _user(sm, Role.OFFICER, Role.OFFICER, unit_id=unit_a.id),
        "Officer2": _user(sm, "Officer2", Role.OFFICER, unit_id=unit_a.id),
        "OfficerB": _user(sm, "OfficerB", Role.OFFICER, unit_id=unit_b.id),
        "ManagerB": _user(sm, "ManagerB", Role.UNIT_MANAGER, unit_id=unit_b.id),
        Role.ANALYST: _user(sm, Role.ANALYST, Role.ANALYST),
        Role.FORM_ADMIN: _user(sm, Role.FORM_ADMIN, Role.FORM_ADMIN),
        Role.EMPLOYER: _user(sm, Role.EMPLOYER, Role.EMPLOYER, employer_id=employer.id),
        Role.VOLUNTEER: _user(sm, Role.VOLUNTEER, Role.VOLUNTEER, volunteer_id=volunteer.id),
    }
    session.commit()
    own = make_case(session, unit_id=unit_a.id, officer_id=users[Role.OFFICER],
                    mediator_id=users["Officer2"], employer_id=employer.id)
    foreign = make_case(session, unit_id=unit_b.id, officer_id=users["OfficerB"],
                        mediator_id=users["OfficerB"], employer_id=employer.id,
                        surname="Kalniņa", given="Līga")
    session.commit()
    users[Role.CLIENT] = _user(sm, Role.CLIENT, Role.CLIENT, client_id=own.client)
    session.commit()
    return BaseData(unit_a=unit_a.id, unit_b=unit_b.id, users=users, employer=employer.id,
                    volunteer=volunteer.id, own=own, foreign=foreign)
