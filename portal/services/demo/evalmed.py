"""Demo rows of evaluation reports and mediation in depth (called from the demo seed), made
through the services as the demo officer and manager would: a report in each state of its
workflow (a draft, a reviewed one, a submitted one and one submitted with an addition as its
second version), a mediation agreement whose terms are partly fulfilled, partly not and
partly overdue, and a mediation session held in a prison."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import (
    Case,
    EvaluationReport,
    EvaluationReportRequest,
    Mediation,
    MediationOutcome,
    MediationSession,
    MediationTerm,
    ReportStatus,
    RequestStatus,
    SessionPlace,
    TermStatus,
)
from portal.services import audit
from portal.services.access import Actor, Role
from portal.services.casework import evaluation, mediation

_CONTENT = {
    "thinking": "Klients atzīst nodarījumu un saprot tā sekas cietušajam; mēdz vainot "
    "apstākļus.",
    "behaviour": "Kopš nodarījuma ievēro sabiedrības normas; stresa situācijās impulsīvs.",
    "attitudes": "Attieksme pret iespējamo sodu pieņemoša, motivēts sadarboties ar VPD.",
    "social_circumstances": "Nodarījuma laikā bez darba, parādsaistības; šobrīd strādā "
    "noliktavā.",
    "victim_rights": "Kaitējums daļēji atlīdzināts; klients gatavs atlīdzināt atlikušo daļu "
    "līdz gada beigām.",
    "suggested_obligations": "Ierasties VPD reizi mēnesī; piedalīties programmā "
    "\u201cDomā pozitīvi\u201d; atlīdzināt kaitējumu.",
    "conclusion": "Noziedzīgas uzvedības atkārtošanās risks zems.",
}


def report_content(rng: random.Random, *, minor: bool) -> dict[str, str]:
    """The sections of a bulk demo report (portal.services.demo.processes)."""
    social = ("Dzīvo kopā ar vecākiem, mācās skolā." if minor else rng.choice((
        "Dzīvo kopā ar ģimeni, ir pastāvīgs darbs.",
        "Bez pastāvīga darba, dzīvo īrētā dzīvoklī; ir parādsaistības.",
        "Dzīvo viens, iztiek no gadījuma darbiem.",
    )))
    return {
        "thinking": "Klients atzīst nodarījumu, taču daļēji attaisno savu rīcību ar apstākļiem.",
        "behaviour": "Impulsivitāte stresa situācijās; kopš nodarījuma pārkāpumu nav.",
        "attitudes": "Attieksme pret sodu pieņemoša; motivēts mainīt uzvedību.",
        "social_circumstances": social,
        "victim_rights": rng.choice((
            "Kaitējums cietušajam atlīdzināts pilnībā.",
            "Kaitējums daļēji atlīdzināts; klients gatavs turpināt atlīdzināt.",
            "Kaitējums nav atlīdzināts.",
        )),
        "suggested_obligations": rng.choice((
            "Ierasties uz pārrunām VPD reizi mēnesī.",
            "Piedalīties probācijas programmā; atlīdzināt kaitējumu.",
            "Nemainīt dzīvesvietu bez VPD ziņas.",
        )),
        "conclusion": (
            "Klientam ir zems noziedzīgas uzvedības atkārtošanās risks."
            if rng.random() < 0.6
            else "Klientam ir vidējs noziedzīgas uzvedības atkārtošanās risks."
        ),
    }


def seed(session: Session, unit_id: int, *, officer_id: int, manager_id: int | None,
         today: dt.date | None = None) -> Counter[str]:
    """Add the demo rows for the demo officer's cases in ``unit_id``; return rows per kind.
    Runs once: a unit that already has a reviewed report or a term is left alone."""
    today = today or dt.date.today()
    counts: Counter[str] = Counter()
    officer = Actor(user_id=officer_id, roles=frozenset({Role.OFFICER}), unit_id=unit_id)
    manager = Actor(user_id=manager_id, roles=frozenset({Role.UNIT_MANAGER}), unit_id=unit_id)
    with audit.acting_as(officer_id, "seed"):
        if session.scalars(select(MediationTerm.id).limit(1)).first() is None:
            counts.update(_mediation(session, unit_id, officer_id, today))
            session.commit()
        already = session.scalars(
            select(EvaluationReport.id).where(EvaluationReport.status == ReportStatus.REVIEWED)
            .limit(1)).first()
        if already is None and manager_id is not None:
            counts.update(_reports(session, unit_id, officer_id, officer, manager))
            session.commit()
    return counts


def _reports(session: Session, unit_id: int, officer_id: int, officer: Actor,
             manager: Actor) -> Counter[str]:
    """A report in each state, on the officer's open requests, most urgent first."""
    counts: Counter[str] = Counter()
    requests = list(session.scalars(
        select(EvaluationReportRequest)
        .join(Case, Case.id == EvaluationReportRequest.case_id)
        .where(Case.unit_id == unit_id, Case.officer_id == officer_id,
               EvaluationReportRequest.status.in_(
                   (RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS)))
        .order_by(EvaluationReportRequest.due_date, EvaluationReportRequest.id)
        .limit(4)))
    for goal, request in zip(("draft", "reviewed", "submitted", "addition"), requests,
                             strict=False):
        report = request.report
        if report is None:
            report = EvaluationReport(request_id=request.id, author_id=officer_id, version=1,
                                      status=ReportStatus.DRAFT)
            session.add(report)
        for key, value in _CONTENT.items():
            setattr(report, key, value)
        request.status = RequestStatus.IN_PROGRESS
        session.flush()
        counts[f"report_{goal}"] += 1
        if goal == "draft":
            report.behaviour = None  # still being written: the review would ask for it
            continue
        evaluation.review(session, report, manager)
        if goal == "reviewed":
            continue
        evaluation.submit(session, report, officer)
        if goal == "submitted":
            continue
        # The court asked a question after the report: the addition is version 2.
        evaluation.start_addition(session, report, officer)
        report.victim_rights = ("Pēc ziņojuma iesniegšanas kaitējums atlīdzināts pilnībā "
                                "(maksājuma uzdevums pievienots lietai).")
        evaluation.review(session, report, manager)
        evaluation.submit(session, report, officer)
    return counts


def _mediation(session: Session, unit_id: int, officer_id: int, today: dt.date) -> Counter[str]:
    """An agreement with mixed fulfilment, and a session held in a prison."""
    counts: Counter[str] = Counter()
    mediations = list(session.scalars(
        select(Mediation).join(Case, Case.id == Mediation.case_id)
        .where(Case.unit_id == unit_id, Case.officer_id == officer_id)
        .order_by(Mediation.outcome != MediationOutcome.RECONCILED, Mediation.id)
        .limit(2)))
    if not mediations:
        return counts
    agreed = mediations[0]
    agreed.outcome = MediationOutcome.RECONCILED
    agreed.agreement_date = today - dt.timedelta(days=90)
    agreed.agreement = ("Likumpārkāpējs rakstiski atvainojas cietušajam, atdod paņemto "
                        "velosipēdu un atlīdzina zaudējumus EUR 600 divās daļās.")
    session.flush()
    terms = (
        ("Rakstiski atvainoties cietušajam", -80, TermStatus.FULFILLED, -78),
        ("Atlīdzināt zaudējumu pirmo daļu, EUR 300", -45, TermStatus.NOT_FULFILLED, -40),
        ("Atgriezt cietušajam paņemto velosipēdu", -10, TermStatus.PENDING, None),
        ("Atlīdzināt zaudējumu otro daļu, EUR 300", 30, TermStatus.PENDING, None),
    )
    for text, due, status, checked in terms:
        term = mediation.add_term(session, agreed, text, today + dt.timedelta(days=due))
        if status is not TermStatus.PENDING:
            mediation.record(session, term, status, today + dt.timedelta(days=checked),
                             today=today)
        counts["mediation_term"] += 1
    # A session in a prison: the offender serves a sentence there meanwhile.
    target = mediations[-1]
    prison = session.scalars(
        select(MediationSession).where(MediationSession.mediation_id == target.id)
        .order_by(MediationSession.scheduled_at.desc()).limit(1)).first()
    if prison is None:
        at = dt.datetime.combine(today + dt.timedelta(days=9), dt.time(9, 0), tzinfo=dt.UTC)
        prison = MediationSession(mediation_id=target.id, scheduled_at=at)
        session.add(prison)
    prison.place_type = SessionPlace.PRISON
    prison.place = "Rīgas Centrālcietums, tikšanās telpa"
    prison.room_id = None
    counts["mediation_session_prison"] += 1
    return counts
