"""Row-level access: the one place that decides who sees and edits which case data.

Screens (through ``portal.security.filters``), the REST API, exports, the portal and tasks all
ask this module. The rules:

* Admin sees and edits everything.
* UnitManager sees and edits every case of their unit.
* Officer sees the cases of their unit and edits the cases assigned to them.
* Analyst, FormAdmin and the portal roles see no case data here (Analysts get statistics only;
  portal users get their own scoped views in the portal).
* A mediation victim's personal data is visible to the mediator and unit managers only.
* Rooms: case workers see their unit's rooms; the unit manager (and Admin) keeps them.
* An officer covering an absent colleague (``OfficerCover``) edits the colleague's cases
  for the cover's period; it ends by itself.
* Evaluation reports: the case's editors (its officer, a covering officer, the unit manager)
  draft a report and submit it once reviewed; only the unit manager of the case's unit reviews
  (or returns) it. A submitted report is not edited: an addition is a new version, and
  submitted versions are changed by nobody.
* A mediation agreement's terms are seen by whoever sees the mediation (the case's unit);
  the victim's own data stays behind the rule above.
* A case transfer is seen by the case workers of the case and the managers of both units;
  the case itself follows its unit, so the receiving unit sees it from acceptance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, exists, false, or_, select, true

from portal.models import (
    AccessLog,
    AssessmentScore,
    Case,
    CaseDecision,
    CaseTransfer,
    ChangeLog,
    Client,
    ControlAct,
    Decision,
    Document,
    EvaluationReport,
    EvaluationReportRequest,
    EvaluationReportVersion,
    ExchangeMessage,
    HoursLog,
    Mediation,
    MediationParty,
    MediationSession,
    MediationTerm,
    Meeting,
    MeetingGoalProgress,
    MeetingObligationCheck,
    NoShow,
    Obligation,
    OfficerCover,
    OutgoingNotice,
    PartyRole,
    PlanActivity,
    PlanGoal,
    ProgrammeParticipation,
    ReportStatus,
    RiskNeedsAssessment,
    Room,
    Submission,
    SupervisionPlan,
    SupervisionStart,
    Violation,
    ViolationResponse,
    WorkAssignment,
    WorkIncident,
    WorkScheduleEntry,
)


class Role:
    """Role names as stored in FAB's role table."""

    ADMIN = "Admin"
    FORM_ADMIN = "FormAdmin"
    UNIT_MANAGER = "UnitManager"
    OFFICER = "Officer"
    ANALYST = "Analyst"
    EMPLOYER = "Employer"
    VOLUNTEER = "Volunteer"
    CLIENT = "Client"

    ALL = (
        ADMIN,
        FORM_ADMIN,
        UNIT_MANAGER,
        OFFICER,
        ANALYST,
        EMPLOYER,
        VOLUNTEER,
        CLIENT,
    )
    CASEWORK = (ADMIN, UNIT_MANAGER, OFFICER)
    PORTAL = (EMPLOYER, VOLUNTEER, CLIENT)


@dataclass(frozen=True)
class Actor:
    """Who is acting: the facts the rules need, detached from the ORM session."""

    user_id: int | None
    roles: frozenset[str]
    unit_id: int | None = None
    client_id: int | None = None
    employer_id: int | None = None
    volunteer_id: int | None = None

    @classmethod
    def of(cls, user: Any) -> Actor:
        """Build an Actor from a FAB user (anonymous users get no roles)."""
        if user is None or not getattr(user, "is_authenticated", False):
            return cls(user_id=None, roles=frozenset())
        return cls(
            user_id=user.id,
            roles=frozenset(r.name for r in user.roles),
            unit_id=getattr(user, "unit_id", None),
            client_id=getattr(user, "client_id", None),
            employer_id=getattr(user, "employer_id", None),
            volunteer_id=getattr(user, "volunteer_id", None),
        )

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    @property
    def is_manager(self) -> bool:
        return Role.UNIT_MANAGER in self.roles and self.unit_id is not None

    @property
    def is_officer(self) -> bool:
        return Role.OFFICER in self.roles and self.unit_id is not None

    @property
    def does_casework(self) -> bool:
        return self.is_admin or self.is_manager or self.is_officer


def system_actor() -> Actor:
    """The Actor a connector applies changes as when a rule needs no officer (an exact
    duplicate of what the case holds): no user, and every record in scope, since the rule
    itself decides what may be applied."""
    return Actor(user_id=None, roles=frozenset({Role.ADMIN}))


def current_actor() -> Actor:
    """The Actor of the current request, logged in by session cookie or JWT bearer token."""
    from flask import g
    from flask_login import current_user

    if getattr(current_user, "is_authenticated", False):
        return Actor.of(current_user)
    # A JWT (or API key) request has no session user; FAB puts the token's user in g.user.
    return Actor.of(getattr(g, "user", None))


# --- cases -------------------------------------------------------------------------------


def case_visible(actor: Actor) -> ColumnElement[bool]:
    """SQL condition on Case: the cases the actor may see."""
    if actor.is_admin:
        return true()
    if actor.is_manager or actor.is_officer:
        return Case.unit_id == actor.unit_id
    return false()


def case_editable(actor: Actor) -> ColumnElement[bool]:
    """SQL condition on Case: the cases the actor may change (and add records to)."""
    if actor.is_admin:
        return true()
    if actor.is_manager:
        return Case.unit_id == actor.unit_id
    if actor.is_officer:
        return or_(Case.officer_id == actor.user_id, Case.officer_id.in_(covered_officers(actor)))
    return false()


def covered_officers(actor: Actor) -> Any:
    """SELECT of the officers whose cases the actor covers today (none outside the period)."""
    from portal.services.casework.rules import today

    day = today()
    return select(OfficerCover.absent_officer_id).where(
        OfficerCover.covering_officer_id == actor.user_id,
        OfficerCover.start_date <= day,
        OfficerCover.end_date >= day,
    )


def _case_ids(condition: ColumnElement[bool]) -> Any:
    return select(Case.id).where(condition)


def _client_condition(actor: Actor, write: bool) -> ColumnElement[bool]:
    if actor.is_admin:
        return true()
    if not (actor.is_manager or actor.is_officer):
        return false()
    case_cond = case_editable(actor) if write else case_visible(actor)
    has_case = exists().where(Case.client_id == Client.id, case_cond)
    if write and not actor.is_manager:
        # An officer may correct a client of their unit that has no case yet, or one of theirs.
        no_case = ~exists().where(Case.client_id == Client.id)
        return or_(has_case, (Client.unit_id == actor.unit_id) & no_case)
    return or_(has_case, Client.unit_id == actor.unit_id)


# Child tables and how they reach their case.
_VIA_CASE_ID: tuple[type, ...] = (
    WorkAssignment,
    SupervisionPlan,
    Obligation,
    Meeting,
    Violation,
    RiskNeedsAssessment,
    ProgrammeParticipation,
    Mediation,
    EvaluationReportRequest,
    Document,
    # Supervision step by step (migration 0014): each row keeps its case id.
    MeetingObligationCheck,
    AssessmentScore,
    ViolationResponse,
    CaseDecision,
    # The plan in depth and the start of supervision (migration 0021_plan).
    PlanGoal,
    PlanActivity,
    MeetingGoalProgress,
    SupervisionStart,
    # The mediation agreement's terms (migration 0020): the mediation's own rule.
    MediationTerm,
)
_VIA_ASSIGNMENT: tuple[type, ...] = (
    WorkScheduleEntry,
    HoursLog,
    ControlAct,
    NoShow,
    WorkIncident,
)


def victim_visible(actor: Actor) -> ColumnElement[bool]:
    """SQL condition on MediationParty: hides victims from all but mediator and managers."""
    if actor.is_admin:
        return true()
    mediator_or_manager = exists().where(
        Mediation.id == MediationParty.mediation_id,
        or_(
            # Without a user id, "== None" would match every mediation led by a volunteer.
            Mediation.mediator_officer_id == actor.user_id
            if actor.user_id is not None
            else false(),
            *(
                [Mediation.case_id.in_(_case_ids(Case.unit_id == actor.unit_id))]
                if actor.is_manager
                else []
            ),
        ),
    )
    return or_(MediationParty.role != PartyRole.VICTIM, mediator_or_manager)


def condition(model: type, actor: Actor, *, write: bool = False) -> ColumnElement[bool]:
    """SQL condition restricting ``model`` rows to those the actor may see (or change).

    :raises LookupError: for a model this module does not know, so nothing is ever
        exposed by default.
    """
    case_cond = case_editable(actor) if write else case_visible(actor)
    if model is Case:
        return case_cond
    if model is Client:
        return _client_condition(actor, write)
    if model in _VIA_CASE_ID:
        return model.case_id.in_(_case_ids(case_cond))  # type: ignore[attr-defined]
    if model in _VIA_ASSIGNMENT:
        return model.assignment_id.in_(  # type: ignore[attr-defined]
            select(WorkAssignment.id).where(
                WorkAssignment.case_id.in_(_case_ids(case_cond))
            )
        )
    if model is MediationSession:
        return MediationSession.mediation_id.in_(
            select(Mediation.id).where(Mediation.case_id.in_(_case_ids(case_cond)))
        )
    if model is MediationParty:
        return MediationParty.mediation_id.in_(
            select(Mediation.id).where(Mediation.case_id.in_(_case_ids(case_cond)))
        ) & victim_visible(actor)
    if model is EvaluationReport:
        in_case = EvaluationReport.request_id.in_(
            select(EvaluationReportRequest.id).where(
                EvaluationReportRequest.case_id.in_(_case_ids(case_cond))
            )
        )
        # Only a draft is edited (or deleted); a reviewed or submitted report moves on
        # through the workflow (report_actions), an addition starts a new draft.
        return in_case & (EvaluationReport.status == ReportStatus.DRAFT) if write else in_case
    if model is EvaluationReportVersion:
        # A submitted version is what the court or prosecutor received: nobody changes it.
        if write:
            return false()
        return EvaluationReportVersion.case_id.in_(_case_ids(case_cond))
    if model is Decision:
        if actor.is_admin:
            return true()
        if not actor.does_casework:
            return false()
        return or_(
            Decision.id.in_(select(Case.decision_id).where(case_cond)),
            Decision.client_id.in_(
                select(Client.id).where(_client_condition(actor, write))
            ),
        )
    if model is ChangeLog:
        if actor.is_admin:
            return true()
        if write or not actor.does_casework:
            return false()
        # Correlated EXISTS rather than IN (subquery): under OR, PostgreSQL can only run an
        # IN list by hashing every case (client, party) of the unit first, even for the
        # dozen history rows of one case page; EXISTS lets it probe by primary key instead.
        in_scope = or_(
            exists().where(Case.id == ChangeLog.case_id, case_cond),
            exists().where(Client.id == ChangeLog.client_id, _client_condition(actor, False)),
        )
        # A victim's history holds the victim's personal data: same rule as the row itself
        # (the history of a deleted party stays hidden, as its role can no longer be checked).
        party_visible = or_(
            ChangeLog.entity != MediationParty.__name__,
            exists().where(MediationParty.id == ChangeLog.entity_id, victim_visible(actor)),
        )
        return in_scope & party_visible
    if model is CaseTransfer:
        # Both units' managers decide or follow it; the sending unit's officers see it with
        # the case. Nobody edits it through a generic screen (portal.services.casework.transfers).
        if actor.is_admin:
            return true()
        if actor.is_manager:
            unit_cond = or_(CaseTransfer.from_unit_id == actor.unit_id,
                            CaseTransfer.to_unit_id == actor.unit_id)
            return unit_cond if not write else CaseTransfer.to_unit_id == actor.unit_id
        if actor.is_officer and not write:
            return CaseTransfer.case_id.in_(_case_ids(case_visible(actor)))
        return false()
    if model is OfficerCover:
        # The unit's case workers see who covers whom; its manager arranges it.
        if actor.is_admin:
            return true()
        if write:
            return OfficerCover.unit_id == actor.unit_id if actor.is_manager else false()
        if actor.is_manager or actor.is_officer:
            return OfficerCover.unit_id == actor.unit_id
        return false()
    if model is AccessLog:
        # Nobody changes the access log. Admin reads all of it; a unit manager the reads of
        # the unit's clients and cases (the audit screen).
        if write:
            return false()
        if actor.is_admin:
            return true()
        if actor.is_manager:
            return or_(
                exists().where(Case.id == AccessLog.case_id, Case.unit_id == actor.unit_id),
                exists().where(Client.id == AccessLog.client_id,
                               _client_condition(actor, False)),
            )
        return false()
    if model is Submission:
        # The inbox: what arrives through the portal is routed to a unit; every case worker
        # of that unit sees and processes it (accepting also needs edit rights on the case).
        if actor.is_admin:
            return true()
        if actor.is_manager or actor.is_officer:
            return Submission.unit_id == actor.unit_id
        return false()
    if model is OutgoingNotice:
        # A notice about a case follows the case; a reply to a submission without a case
        # follows its client (notices to partners without either: admins only).
        if actor.is_admin:
            return true()
        if write or not actor.does_casework:
            return false()
        return or_(
            OutgoingNotice.case_id.in_(_case_ids(case_cond)),
            (OutgoingNotice.case_id.is_(None)) & OutgoingNotice.client_id.in_(
                select(Client.id).where(_client_condition(actor, False))),
        )
    if model is ExchangeMessage:
        # Like the inbox: an inbound message is routed to a unit, and every case worker of
        # that unit sees and processes it; the exchanges of a case follow the case.
        if actor.is_admin:
            return true()
        if not (actor.is_manager or actor.is_officer):
            return false()
        if write:
            return ExchangeMessage.unit_id == actor.unit_id
        return or_(
            ExchangeMessage.unit_id == actor.unit_id,
            ExchangeMessage.case_id.in_(_case_ids(case_cond)),
        )
    if model is Room:
        # Rooms of the unified calendar: every case worker sees the rooms of their unit (to
        # book them); the unit manager keeps the unit's list, Admin every unit's.
        if actor.is_admin:
            return true()
        if write:
            return Room.unit_id == actor.unit_id if actor.is_manager else false()
        if actor.is_manager or actor.is_officer:
            return Room.unit_id == actor.unit_id
        return false()
    raise LookupError(f"no access rule for {model.__name__}")


def report_actions(session: Any, report: EvaluationReport, actor: Actor) -> frozenset[str]:
    """The workflow steps the actor may take on the report now.

    ``edit``: a draft, by the case's editors. ``review`` and ``return`` (to draft): a draft
    resp. a reviewed report, by the unit manager of the case's unit only. ``submit``: a
    reviewed report, by the case's editors. ``addition``: a submitted report, by the case's
    editors (it starts the next version as a draft).
    """
    request = report.request or session.get(EvaluationReportRequest, report.request_id)
    case = session.get(Case, request.case_id) if request is not None else None
    if case is None or not can_add_to_case(session, case.id, actor):
        return frozenset()
    manager = actor.is_manager and case.unit_id == actor.unit_id
    steps: set[str] = set()
    if report.status is ReportStatus.DRAFT:
        steps.add("edit")
        if manager:
            steps.add("review")
    elif report.status is ReportStatus.REVIEWED:
        steps.add("submit")
        if manager:
            steps.add("return")
    elif report.status is ReportStatus.SUBMITTED:
        steps.add("addition")
    return frozenset(steps)


def can_manage_rooms(actor: Actor, unit_id: int | None) -> bool:
    """Whether the actor may add or change rooms of the unit: its manager, or Admin."""
    return actor.is_admin or (actor.is_manager and unit_id == actor.unit_id)


def can_audit(actor: Actor) -> bool:
    """Whether the actor may open the audit screen (who read or changed which client):
    Admin for all units, a unit manager for their own unit's clients."""
    return actor.is_admin or actor.is_manager


def can_manage_personal_data(actor: Actor) -> bool:
    """Whether the actor may export everything held on a person (an access request) and
    confirm the erasure of data past its retention period: Admin only."""
    return actor.is_admin


def has_rule(model: type) -> bool:
    """Whether rows of ``model`` are scoped by this module (others are reference data)."""
    try:
        condition(model, Actor(user_id=None, roles=frozenset()))
    except LookupError:
        return False
    return True


def scope(query: Any, model: type, actor: Actor, *, write: bool = False) -> Any:
    """Apply the access condition to a Query or Select over ``model``."""
    cond = condition(model, actor, write=write)
    if hasattr(query, "filter"):
        return query.filter(cond)
    return query.where(cond)


def _allowed(session: Any, obj: Any, actor: Actor, write: bool) -> bool:
    model = type(obj)
    if not has_rule(model):
        return actor.does_casework
    pk = obj.id
    if pk is None:
        return False
    stmt = select(model.id).where(model.id == pk, condition(model, actor, write=write))
    return session.execute(stmt).first() is not None


def can_view(session: Any, obj: Any, actor: Actor) -> bool:
    """Whether the actor may see this stored row."""
    return _allowed(session, obj, actor, write=False)


def can_edit(session: Any, obj: Any, actor: Actor) -> bool:
    """Whether the actor may change or delete this stored row."""
    return _allowed(session, obj, actor, write=True)


def editable_ids(session: Any, model: type, ids: Any, actor: Actor) -> set[Any]:
    """Which of the stored rows ``ids`` of ``model`` the actor may change or delete.

    One query for a whole list page, by the same rule as ``can_edit`` (which guards the
    edit and delete requests), so a screen offers exactly the actions the request allows.
    """
    ids = [i for i in ids if i is not None]
    if not ids:
        return set()
    if not has_rule(model):
        return set(ids) if actor.does_casework else set()
    stmt = select(model.id).where(model.id.in_(ids), condition(model, actor, write=True))
    return {row[0] for row in session.execute(stmt)}


def can_add_to_case(session: Any, case_id: int | None, actor: Actor) -> bool:
    """Whether the actor may add a record (meeting, hours, document ...) to the case."""
    if case_id is None:
        return False
    stmt = select(Case.id).where(Case.id == case_id, case_editable(actor))
    return session.execute(stmt).first() is not None


#: the relations through which a record names its case, directly or through its parent
PARENT_FIELDS = ("case", "assignment", "mediation", "request")


def parent_case_id(obj: Any) -> int | None:
    """The case a not-yet-stored child row will belong to."""
    if isinstance(obj, Case):
        return obj.id
    # A form sets the relationship; its foreign key column follows only at the next flush.
    case = getattr(obj, "case", None)
    if isinstance(case, Case):
        return case.id
    for attr in ("assignment", "mediation", "request"):
        parent = getattr(obj, attr, None)
        if parent is not None:
            return parent.case_id
    for attr, model in (
        ("assignment_id", WorkAssignment),
        ("mediation_id", Mediation),
        ("request_id", EvaluationReportRequest),
    ):
        if getattr(obj, attr, None) is not None:
            from portal.extensions import db

            parent = db.session.get(model, getattr(obj, attr))
            return parent.case_id if parent else None
    return getattr(obj, "case_id", None)


# --- statistics, open data and the indicator dashboard -----------------------------------------


def can_use_open_data(actor: Actor) -> bool:
    """Whether the actor may download the open datasets and their metadata from the app
    (administrators and analysts; the published files are public anyway)."""
    return actor.is_admin or Role.ANALYST in actor.roles


def can_see_dashboard(actor: Actor) -> bool:
    """Whether the actor may open the indicator dashboard (managers and analysts)."""
    return actor.is_admin or actor.is_manager or Role.ANALYST in actor.roles


def dashboard_exact_figures(actor: Actor) -> bool:
    """Whether the dashboard shows the actor exact counts. Everyone else (analysts) gets
    them under the small-cell rule of open data."""
    return actor.is_admin or actor.is_manager


def dashboard_officer_names(actor: Actor) -> bool:
    """Whether the dashboard names officers: the administrator all, a unit manager those of
    their own unit. Analysts see officers only numbered."""
    return actor.is_admin or actor.is_manager


ConditionFactory = Callable[[Actor], ColumnElement[bool]]
