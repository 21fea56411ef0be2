"""The evaluation report's workflow: the officer drafts it, the unit manager of the case's unit
reviews it, then it is submitted to the court, prosecutor or prison. What was submitted is
kept as an immutable version; an addition after submission is the next version, drafted,
reviewed and submitted the same way. Who may take which step: ``access.report_actions``."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import (
    EvaluationReport,
    EvaluationReportRequest,
    EvaluationReportVersion,
    ReportStatus,
    RequestStatus,
)
from portal.models.base import utcnow
from portal.models.evaluation import SECTIONS
from portal.services import access
from portal.services.errors import AccessDenied, ValidationFailed

#: the sections a report must have before the review (the conclusion may stay short)
REQUIRED_SECTIONS: tuple[str, ...] = SECTIONS[:-1]

SECTION_LABELS: dict[str, object] = {
    "thinking": _l("Way of thinking"),
    "behaviour": _l("Behaviour"),
    "attitudes": _l("Attitudes"),
    "social_circumstances": _l("Social circumstances that led to the offence"),
    "victim_rights": _l("Restoration of the victim's rights or its possibility"),
    "suggested_obligations": _l("Obligations VPD suggests"),
    "conclusion": _l("Conclusion"),
}

#: the message when a step is not open to the actor (or not in this state)
_NOT_ALLOWED = {
    "review": _l("Only the manager of the case's unit reviews a draft report."),
    "return": _l("Only the manager of the case's unit returns a reviewed report to draft."),
    "submit": _l("Only a reviewed report is submitted, by those who work on the case."),
    "addition": _l("An addition is started on a submitted report, by those who work on the "
                   "case."),
}


def _require(session: Session, report: EvaluationReport, actor: access.Actor, step: str) -> None:
    if step not in access.report_actions(session, report, actor):
        raise AccessDenied(_NOT_ALLOWED[step])


def review(session: Session, report: EvaluationReport, actor: access.Actor,
           now: dt.datetime | None = None) -> None:
    """The unit manager approves the draft (caller commits).

    :raises AccessDenied: for anyone but the manager of the case's unit, or a report that is
        not a draft.
    :raises ValidationFailed: when a section the description names is empty (its field).
    """
    _require(session, report, actor, "review")
    for name in REQUIRED_SECTIONS:
        if not (getattr(report, name) or "").strip():
            raise ValidationFailed(
                _l("Fill in the section \u201c%(section)s\u201d before the review.",
                   section=SECTION_LABELS[name]), name)
    report.status = ReportStatus.REVIEWED
    report.reviewed_by_id = actor.user_id
    report.reviewed_at = now or utcnow()


def return_to_draft(session: Session, report: EvaluationReport, actor: access.Actor) -> None:
    """The unit manager sends a reviewed report back to the officer (caller commits).

    :raises AccessDenied: for anyone but the manager of the case's unit, or a report that is
        not reviewed.
    """
    _require(session, report, actor, "return")
    report.status = ReportStatus.DRAFT
    report.reviewed_by_id = None
    report.reviewed_at = None


def submit(session: Session, report: EvaluationReport, actor: access.Actor,
           now: dt.datetime | None = None) -> EvaluationReportVersion:
    """Submit a reviewed report: its content is kept as the next version, which nobody
    changes afterwards, and the request is marked submitted (caller commits).

    :raises AccessDenied: for a report that is not reviewed, or an actor who may not change
        the case.
    """
    _require(session, report, actor, "submit")
    now = now or utcnow()
    request = session.get(EvaluationReportRequest, report.request_id)
    assert request is not None
    version = EvaluationReportVersion(
        report_id=report.id, case_id=request.case_id, number=report.version,
        author_id=report.author_id, reviewed_by_id=report.reviewed_by_id,
        reviewed_at=report.reviewed_at, submitted_by_id=actor.user_id, submitted_at=now,
        **{name: getattr(report, name) for name in SECTIONS},
    )
    session.add(version)
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = now
    request.status = RequestStatus.SUBMITTED
    session.flush()
    return version


def start_addition(session: Session, report: EvaluationReport, actor: access.Actor) -> None:
    """Start an addition to a submitted report: the next version, as a draft holding the
    submitted content to build on; the submitted versions stay as they were (caller commits).

    :raises AccessDenied: for a report that is not submitted, or an actor who may not change
        the case.
    """
    _require(session, report, actor, "addition")
    report.status = ReportStatus.DRAFT
    report.version = report.version + 1
    report.reviewed_by_id = None
    report.reviewed_at = None
    report.author_id = actor.user_id or report.author_id
    request = session.get(EvaluationReportRequest, report.request_id)
    if request is not None:
        request.status = RequestStatus.IN_PROGRESS


def versions(session: Session, report_id: int) -> list[EvaluationReportVersion]:
    """The submitted versions of a report, first to last."""
    return list(session.scalars(
        select(EvaluationReportVersion).where(EvaluationReportVersion.report_id == report_id)
        .order_by(EvaluationReportVersion.number)))


def latest_submitted(session: Session, report_id: int) -> EvaluationReportVersion | None:
    """The last submitted version of a report, if any."""
    found = versions(session, report_id)
    return found[-1] if found else None
