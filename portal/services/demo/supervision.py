"""Demo rows of supervision step by step (called from the demo seed): the catalogues,
compliance per obligation at held meetings (mostly kept, some not), structured assessments
with reassessments due, a plan with goals for the needs found and progress at meetings, violations with their response ladder (a talk, a written warning, a
submission to the court) and a later decision that extends a term."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import (
    Addressee,
    Case,
    CaseDecision,
    CaseFunction,
    CaseStatus,
    Compliance,
    Decision,
    DecisionRole,
    DecisionType,
    ObligationType,
    Process,
    ResponseStep,
    SubmissionKind,
    Violation,
    ViolationSource,
)
from portal.services import audit
from portal.services.demo import plan as demo_plan
from portal.services.supervision import (
    assessment,
    catalogue,
    obligations,
    setting,
    term,
    violations,
)

#: how many of the unit's open supervision cases get the structured records
CASES = 12


def seed(session: Session, unit_id: int, *, seed: int = 1, officer_id: int | None = None,
         today: dt.date | None = None) -> Counter[str]:
    """Add the demo rows for open supervision cases of ``unit_id``; return rows per table.
    Cases that already have a structured assessment are left alone (the seed runs once)."""
    rng = random.Random(seed)
    today = today or dt.date.today()
    counts: Counter[str] = Counter()
    with audit.acting_as(None, "seed"):
        counts["catalogue"] = catalogue.ensure_catalogues(session)
        supervision = [f for f in CaseFunction if f.process is Process.SUPERVISION]
        cases = list(session.scalars(
            select(Case).where(Case.unit_id == unit_id, Case.function.in_(supervision),
                               Case.status == CaseStatus.ACTIVE,
                               Case.start_date <= today - dt.timedelta(days=120))
            # The demo officer's cases first, so their worklist shows every kind of row.
            .order_by(Case.officer_id != (officer_id or 0), Case.id).limit(CASES)
        ))
        types = list(session.scalars(select(ObligationType).order_by(ObligationType.id)))
        for index, case in enumerate(cases):
            if any(a.total_score is not None for a in case.assessments):
                continue
            _catalogue_links(case, types, rng)
            counts["meeting_obligation_check"] += _compliance(session, case, rng)
            counts["risk_needs_assessment"] += _assessments(session, case, today, index, rng)
            if index % 3 == 0:
                counts["violation_response"] += _ladder(session, case, today, index)
            if index == 1:
                counts["case_decision"] += _extension(session, case, today)
            # The plan in depth follows the assessment (portal.services.demo.plan).
            counts.update(demo_plan.seed_case(session, case, today, index, rng))
            session.flush()
    return counts


def _catalogue_links(case: Case, types: list[ObligationType], rng: random.Random) -> None:
    # The demo's free-text obligations get their catalogue entry where the wording matches.
    by_word = {t.code: t for t in types}
    for obligation in case.obligations:
        text = obligation.description.lower()
        for code, word in (("report", "reģistr"), ("residence", "dzīvesviet"),
                           ("substances", "alkohol"), ("programme", "programm"),
                           ("work_or_study", "strād")):
            if word in text and code in by_word:
                obligation.obligation_type_id = by_word[code].id
                break


def _compliance(session: Session, case: Case, rng: random.Random) -> int:
    stored = 0
    for meeting in sorted(case.meetings, key=lambda m: m.scheduled_at)[-4:]:
        if not meeting.held:
            continue
        answers = []
        for obligation in obligations.due_at(session, meeting):
            roll = rng.random()
            value = (Compliance.KEPT if roll < 0.8 else Compliance.NOT_KEPT if roll < 0.93
                     else Compliance.NOT_APPLICABLE)
            note = "Ieradās novēloti, paskaidroja ar darbu." if value is Compliance.NOT_KEPT \
                else None
            answers.append(obligations.Answer(obligation.id, value, note))
        if answers:
            stored += len(obligations.record_compliance(session, meeting, answers))
    return stored


def _assessments(session: Session, case: Case, today: dt.date, index: int,
                 rng: random.Random) -> int:
    items = assessment.items(session)
    base = {i.id: rng.randint(0, i.max_score) for i in items}
    later = {k: max(0, v - (1 if rng.random() < 0.5 else 0)) for k, v in base.items()}
    first_day = case.start_date + dt.timedelta(days=14)
    second_day = today - dt.timedelta(days=20)
    if index % 2 == 0:
        # Every other case is due for reassessment within a week, so the worklist shows some.
        level = assessment.level_of(sum(later.values()), sum(i.max_score for i in items))
        months = setting("REASSESSMENT_MONTHS", {"high": 3, "medium": 6, "low": 12})
        second_day = term.add_months(today + dt.timedelta(days=7), -int(months[level.value]))
    made = 0
    for day, scores in ((first_day, base), (second_day, later)):
        if day > today or day < case.start_date or (made and day <= first_day):
            continue
        assessment.record(session, case, day, scores,
                          summary="Novērtējums veikts pārrunās ar klientu.")
        made += 1
    return made


def _ladder(session: Session, case: Case, today: dt.date, index: int) -> int:
    """A talk done, then (every other such case) a written warning and a submission."""
    steps = [ResponseStep.TALK]
    if index % 2 == 0:
        steps += [ResponseStep.WRITTEN_WARNING]
    if index == 0:
        steps += [ResponseStep.SUBMISSION]
    made = 0
    for n, step in enumerate(steps):
        day = today - dt.timedelta(days=30 - 10 * n)
        violation = Violation(case_id=case.id, violation_date=day, source=ViolationSource.MEETING,
                              description=("Neieradās uz noteikto tikšanos bez attaisnojoša "
                                           "iemesla." if n == 0 else
                                           "Atkārtoti neieradās uz tikšanos."))
        session.add(violation)
        session.flush()
        response = violations.respond(
            session, violation, step, today=day,
            addressee=Addressee.COURT if step is ResponseStep.SUBMISSION else None,
            submission_kind=(SubmissionKind.REVOCATION if step is ResponseStep.SUBMISSION
                             else None),
            note="Pārrunas notika VPD telpās." if step is ResponseStep.TALK else None)
        if step is not steps[-1]:
            response.done_date = day + dt.timedelta(days=2)
        made += 1
    return made


def _extension(session: Session, case: Case, today: dt.date) -> int:
    decision = Decision(client_id=case.client_id, decision_type=DecisionType.COURT_DECISION,
                        institution=case.decision.institution if case.decision else "Rīgas "
                        "pilsētas tiesa", number=f"{case.number}-P",
                        decision_date=today - dt.timedelta(days=12),
                        effective_date=today - dt.timedelta(days=5),
                        penalty_details="Pārbaudes laiks pagarināts par 6 mēnešiem.")
    session.add(decision)
    session.flush()
    link = term.attach(session, case, decision, DecisionRole.EXTENSION,
                       today - dt.timedelta(days=5), months=6,
                       note="Pagarināts pēc VPD iesnieguma.")
    return 1 if isinstance(link, CaseDecision) else 0

