"""What a portal user (client, employer, volunteer) may see and submit about: one rule.

The portal pages, the submission API and the intake of submissions all ask this module, so
a portal user never sees or reports on a client who is not linked to them:

* a **client** sees themself (their cases that are not closed);
* an **employer** sees the clients with a work assignment at their employer, one entry per
  assignment (an employer may host the same client twice, for two cases);
* a **volunteer** sees the clients of cases where VPD gave them a task (``VolunteerTask``) or
  where they lead the mediation.

Closed cases drop out: the link ends with the case. Officer access is decided elsewhere
(:mod:`portal.services.access`); a portal user gets nothing from there.

The ``linked_clients`` options of a form (see ``formdefs/README.md``) are built here too:
for an employer the option value is the work assignment id, for a volunteer and a client the
case id. Values are strings, as Form.io sends them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal import formsengine as fe
from portal.models import (
    Audience,
    Case,
    CaseStatus,
    Client,
    Mediation,
    VolunteerTask,
    WorkAssignment,
)
from portal.services.access import Actor, Role

__all__ = [
    "LINKED_CLIENTS",
    "LinkedClient",
    "actor_of",
    "audience_of",
    "can_see_case",
    "can_see_client",
    "linked_clients",
    "options_for",
]

#: The name of the render-time option source the shipped forms use.
LINKED_CLIENTS = "linked_clients"


@dataclass(frozen=True)
class LinkedClient:
    """A client a portal user is linked to, through one case (and one work assignment)."""

    client_id: int
    name: str
    case_id: int | None
    case_number: str | None
    unit_id: int | None
    assignment_id: int | None = None
    work: str | None = None

    @property
    def value(self) -> str:
        """The option value a form's ``linked_clients`` select carries for this link."""
        if self.assignment_id is not None:
            return str(self.assignment_id)
        return str(self.case_id) if self.case_id is not None else ""

    @property
    def label(self) -> str:
        """What the select shows: the client's name, and the work for employers."""
        return f"{self.name} — {self.work}" if self.work else self.name


def actor_of(user: Any) -> Actor:
    """The access Actor of a FAB user (an Actor is returned as it is)."""
    return user if isinstance(user, Actor) else Actor.of(user)


def audience_of(user: Any) -> Audience | None:
    """Which kind of portal user this is; None for officers, analysts, anonymous users.

    A role alone is not enough: the account must also be linked to its party, or it would
    have nothing to see and could only make orphan submissions.
    """
    actor = actor_of(user)
    if Role.CLIENT in actor.roles and actor.client_id is not None:
        return Audience.CLIENT
    if Role.EMPLOYER in actor.roles and actor.employer_id is not None:
        return Audience.EMPLOYER
    if Role.VOLUNTEER in actor.roles and actor.volunteer_id is not None:
        return Audience.VOLUNTEER
    return None


def linked_clients(session: Session, user: Any) -> list[LinkedClient]:
    """The clients the portal user is linked to (empty for anyone else), by name."""
    actor = actor_of(user)
    audience = audience_of(actor)
    open_case = Case.status != CaseStatus.CLOSED
    # Only the columns a link needs: every portal page and every submission asks this, and
    # whole Client/Case rows (addresses, personal codes) would be loaded for nothing.
    columns = (
        Client.id.label("client_id"),
        Client.given_name,
        Client.surname,
        Client.unit_id.label("client_unit_id"),
        Case.id.label("case_id"),
        Case.number.label("case_number"),
        Case.unit_id.label("case_unit_id"),
    )
    if audience is Audience.CLIENT:
        rows = session.execute(
            select(*columns)
            .outerjoin(Case, (Case.client_id == Client.id) & open_case)
            .where(Client.id == actor.client_id)
            .order_by(Case.start_date.desc(), Case.id.desc())
        ).all()
        return _noted([_link(row) for row in rows])
    if audience is Audience.EMPLOYER:
        rows = session.execute(
            select(
                *columns,
                WorkAssignment.id.label("assignment_id"),
                WorkAssignment.work_type,
                WorkAssignment.place,
            )
            .select_from(Client)
            .join(Case, Case.client_id == Client.id)
            .join(WorkAssignment, WorkAssignment.case_id == Case.id)
            .where(WorkAssignment.employer_id == actor.employer_id, open_case)
            .order_by(Client.surname, Client.given_name, WorkAssignment.id)
        ).all()
        return _noted([_link(row) for row in rows])
    if audience is Audience.VOLUNTEER:
        tasked = select(VolunteerTask.case_id).where(
            VolunteerTask.volunteer_id == actor.volunteer_id
        )
        mediating = select(Mediation.case_id).where(
            Mediation.mediator_volunteer_id == actor.volunteer_id
        )
        rows = session.execute(
            select(*columns)
            .select_from(Client)
            .join(Case, Case.client_id == Client.id)
            .where(open_case, or_(Case.id.in_(tasked), Case.id.in_(mediating)))
            .order_by(Client.surname, Client.given_name, Case.id)
        ).all()
        return _noted([_link(row) for row in rows])
    return []


def _noted(links: list[LinkedClient]) -> list[LinkedClient]:
    # The names are read as columns, which the ORM does not report: note them for the
    # access log (portal pages show them; see portal.services.privacy.reads).
    from portal.services.privacy import reads

    for link in links:
        reads.note(client_id=link.client_id, case_id=link.case_id)
    return links


def _link(row: Any) -> LinkedClient:
    mapping = row._mapping
    assignment_id = mapping.get("assignment_id")
    work = None
    if assignment_id is not None:
        work = f"{mapping['work_type']}, {mapping['place']}"
    has_case = row.case_id is not None
    return LinkedClient(
        client_id=row.client_id,
        name=f"{row.given_name} {row.surname}",
        case_id=row.case_id,
        case_number=row.case_number,
        unit_id=row.case_unit_id if has_case else row.client_unit_id,
        assignment_id=assignment_id,
        work=work,
    )


def can_see_client(session: Session, user: Any, client_id: int) -> bool:
    """Whether the portal user is linked to this client."""
    return any(link.client_id == client_id for link in linked_clients(session, user))


def can_see_case(session: Session, user: Any, case_id: int) -> bool:
    """Whether the portal user is linked to this case."""
    return any(link.case_id == case_id for link in linked_clients(session, user))


def options_for(
    session: Session,
    user: Any,
    defn: fe.FormDefinition,
    links: list[LinkedClient] | None = None,
) -> dict[str, list[tuple[str, str]]]:
    """The render-time options of ``defn`` for this user: ``{source: [(value, label)]}``.

    Give the result to ``fe.fill_options`` (rendering) and to ``fe.validate_submission``
    (checking): both then know the same values. ``links`` saves a query when the caller has
    them already.
    """
    if not defn.option_sources:
        return {}
    if links is None:
        links = linked_clients(session, user)
    options: dict[str, list[tuple[str, str]]] = {}
    for source in defn.option_sources:
        if source == LINKED_CLIENTS:
            options[source] = [(link.value, link.label) for link in links if link.value]
        else:
            # An unknown source offers nothing: a form cannot widen what a user reaches.
            options[source] = []
    return options
