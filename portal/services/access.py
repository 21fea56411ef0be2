"""Row-level access: the one place that decides who sees and edits which case data.

Screens (through ``portal.security.filters``), the REST API, exports, the portal and tasks all
ask this module. The rules:

* Admin sees and edits everything.
* UnitManager sees and edits every case of their unit.
* Officer sees the cases of their unit and edits the cases assigned to them.
* Analyst, FormAdmin and the portal roles see no case data here (Analysts get statistics only;
  portal users get their own scoped views in the portal).
* A mediation victim's personal data is visible to the mediator and unit managers only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, exists, false, or_, select, true

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
    HoursLog,
    Mediation,
    MediationParty,
    MediationSession,
    Meeting,
    NoShow,
    Obligation,
    PartyRole,
    ProgrammeParticipation,
    RiskNeedsAssessment,
    Submission,
    SupervisionPlan,
    Violation,
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
        return Case.officer_id == actor.user_id
    return false()


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
        return EvaluationReport.request_id.in_(
            select(EvaluationReportRequest.id).where(
                EvaluationReportRequest.case_id.in_(_case_ids(case_cond))
            )
        )
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
    if model is AccessLog:
        return true() if actor.is_admin and not write else false()
    if model is Submission:
        # The inbox: what arrives through the portal is routed to a unit; every case worker
        # of that unit sees and processes it (accepting also needs edit rights on the case).
        if actor.is_admin:
            return true()
        if actor.is_manager or actor.is_officer:
            return Submission.unit_id == actor.unit_id
        return false()
    raise LookupError(f"no access rule for {model.__name__}")


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


def can_add_to_case(session: Any, case_id: int | None, actor: Actor) -> bool:
    """Whether the actor may add a record (meeting, hours, document ...) to the case."""
    if case_id is None:
        return False
    stmt = select(Case.id).where(Case.id == case_id, case_editable(actor))
    return session.execute(stmt).first() is not None


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


ConditionFactory = Callable[[Actor], ColumnElement[bool]]
