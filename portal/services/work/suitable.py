"""Suitable work for a forced-labour or community-work client: proposals, ranked.

The officer chooses work "taking into account the municipality's priority works and the
client's convictions, education, skills, health and age" (the project description). This
module proposes the open vacancies (those reported through the portal included) and the
priority works; it leaves out what the client may not do (kinds excluded by a conviction or
for a minor, an employer that does not accept minors, kinds the health restrictions rule
out) and ranks the rest by nearness (the employer in the municipality of the case's unit),
priority, and the match with the skills and education the officer gives. Picking one makes
the referral through the same rules as every other path (``work_limits``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal.models import (
    Case,
    Client,
    Employer,
    PriorityWork,
    Process,
    TerritorialUnit,
    Vacancy,
    WorkAssignment,
    WorkKind,
)
from portal.services import access
from portal.services.casework import rules
from portal.services.errors import AccessDenied, NotFound, ValidationFailed
from portal.services.work import limits as work_limits


@dataclass
class Proposal:
    """One work the client could be referred to, with why it ranks where it does."""

    source: str  # "vacancy" or "priority"
    record_id: int
    title: str
    employer: Employer
    work_kind: WorkKind | None
    score: int = 0
    reasons: list[Any] = field(default_factory=list)
    text: str = ""  # what the skills and education are matched against


@dataclass
class Criteria:
    """What the officer knows of the client beyond the register (not stored)."""

    skills: str = ""
    education: str = ""
    health_excluded: frozenset[WorkKind] = frozenset()

    @classmethod
    def parse(cls, skills: str | None, education: str | None,
              health: Iterable[str]) -> Criteria:
        kinds = set()
        for value in health:
            try:
                kinds.add(WorkKind(value))
            except ValueError:
                raise ValidationFailed(_l("Choose one of the listed values."),
                                       "health_excluded") from None
        return cls((skills or "").strip()[:300], (education or "").strip()[:100],
                   frozenset(kinds))


_WORD = re.compile(r"\w{4,}", re.UNICODE)


def _words(text: str) -> set[str]:
    # Stems of four letters and more: Latvian endings change with the case ("dārzs", "dārza").
    return {w.lower()[:5] for w in _WORD.findall(text or "")}


def work_case(session: Session, case_id: int, actor: access.Actor) -> Case:
    """The case to propose work for.

    :raises NotFound: for a case the actor may not see.
    :raises ValidationFailed: for a case that is not forced labour or community work.
    """
    case = session.get(Case, case_id)
    if case is None or not access.can_view(session, case, actor):
        raise NotFound(_l("The case was not found."))
    if case.process not in (Process.FORCED_LABOUR, Process.COMMUNITY_WORK):
        raise ValidationFailed(_l("Suitable work is proposed for forced labour and community "
                                  "work cases."), "case")
    return case


def propose(session: Session, case: Case, criteria: Criteria,
            today: dt.date | None = None) -> list[Proposal]:
    """Vacancies and priority works suitable for the case's client, best first."""
    today = today or rules.today()
    client = session.get(Client, case.client_id)
    assert client is not None  # a case always has its client
    minor = work_limits.minor_limit(client.birth_date, today) is not None
    excluded = set(work_limits.conviction_excluded_kinds(
        work_limits.client_decisions(session, client.id))) | set(criteria.health_excluded)
    if minor:
        excluded |= work_limits.minors_excluded_kinds()
    unit = session.get(TerritorialUnit, case.unit_id)
    home = (unit.municipality or "").strip().lower() if unit else ""
    skills, education = _words(criteria.skills), _words(criteria.education)

    candidates: list[Proposal] = []
    vacancies = session.execute(
        select(Vacancy).where(or_(Vacancy.valid_until.is_(None), Vacancy.valid_until >= today))
    ).scalars()
    for v in vacancies:
        if minor and not v.suitable_for_minors:
            continue
        candidates.append(Proposal("vacancy", v.id, v.title, v.employer, v.work_kind,
                                   reasons=[_l("Vacancy: %(n)s places", n=v.places)],
                                   text=f"{v.title} {v.description or ''}"))
    priorities = session.execute(
        select(PriorityWork).where(
            or_(PriorityWork.period_end.is_(None), PriorityWork.period_end >= today))
    ).scalars()
    for p in priorities:
        candidates.append(Proposal("priority", p.id, p.title, p.employer, p.work_kind, score=2,
                                   reasons=[_l("The municipality's priority work")],
                                   text=f"{p.title} {p.description or ''}"))

    out = []
    for proposal in candidates:
        employer = proposal.employer
        if minor and not employer.accepts_minors:
            continue
        if proposal.work_kind is not None and proposal.work_kind in excluded:
            continue
        if minor and proposal.work_kind is None:
            continue  # a minor's work must be of a known kind (work_limits)
        if home and (employer.municipality or "").strip().lower() == home:
            proposal.score += 3
            proposal.reasons.append(_l("In the municipality of the client's unit"))
        words = _words(proposal.text)
        matched = sorted(skills & words)
        if matched:
            proposal.score += 2 * len(matched)
            proposal.reasons.append(_l("Matches the skills"))
        if education & words:
            proposal.score += 1
            proposal.reasons.append(_l("Matches the education"))
        out.append(proposal)
    out.sort(key=lambda p: (-p.score, p.title.lower(), p.record_id))
    return out[:50]


def pick(session: Session, case_id: int, source: str, record_id: Any, start: Any,
         actor: access.Actor) -> WorkAssignment:
    """Refer the client to the chosen work; the caller commits.

    :raises NotFound, AccessDenied: a case the actor may not see or change.
    :raises ValidationFailed: an unknown work, a bad start date, or a limit of ``work_limits``.
    """
    case = work_case(session, case_id, actor)
    if not access.can_edit(session, case, actor):
        raise AccessDenied(_l("You may not change records of this case."))
    model = {"vacancy": Vacancy, "priority": PriorityWork}.get(source)
    try:
        chosen = session.get(model, int(record_id)) if model is not None else None
    except (TypeError, ValueError):
        chosen = None
    if chosen is None:
        raise ValidationFailed(_l("Choose one of the proposed works."), "work")
    try:
        first = dt.date.fromisoformat(str(start)) if start else rules.today()
    except ValueError:
        raise ValidationFailed(_l("Enter the date as YYYY-MM-DD."), "start_date") from None
    employer = session.get(Employer, chosen.employer_id)
    work_limits.check_assignment(session, case=case, employer=employer,
                                 work_kind=chosen.work_kind, start_date=first)
    assignment = WorkAssignment(case_id=case.id, employer_id=chosen.employer_id,
                                work_kind=chosen.work_kind, work_type=chosen.title[:200],
                                place=(employer.address if employer else None) or chosen.title,
                                start_date=first)
    session.add(assignment)
    session.flush()
    return assignment
