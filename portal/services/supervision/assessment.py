"""The risk and needs assessment as a structured instrument: every item of the catalogue
scored, the level computed from the total, the reassessment due date, and the history of a
case's assessments with the change between them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.models import (
    AssessmentItem,
    AssessmentScore,
    Case,
    EconomicActivity,
    NeedArea,
    RiskLevel,
    RiskNeedsAssessment,
)
from portal.services.casework import rules
from portal.services.errors import ValidationFailed
from portal.services.supervision import setting
from portal.services.supervision.term import add_months

MAX_SUMMARY = 4000


def items(session: Session) -> list[AssessmentItem]:
    """The items in use, grouped by need area (in the catalogue's order)."""
    order = {area: i for i, area in enumerate(NeedArea)}
    found = list(session.scalars(select(AssessmentItem).where(AssessmentItem.active.is_(True))
                                 .order_by(AssessmentItem.position, AssessmentItem.id)))
    return sorted(found, key=lambda i: (order[i.need_area], i.position, i.id))


def level_of(total: int, maximum: int) -> RiskLevel:
    """The risk level of a total: medium and high from the configured percentages of the
    highest possible total (RISK_MEDIUM_FROM_PERCENT, RISK_HIGH_FROM_PERCENT)."""
    if maximum <= 0:
        return RiskLevel.LOW
    percent = 100 * total / maximum
    if percent >= setting("RISK_HIGH_FROM_PERCENT", 60):
        return RiskLevel.HIGH
    if percent >= setting("RISK_MEDIUM_FROM_PERCENT", 34):
        return RiskLevel.MEDIUM
    return RiskLevel.LOW


def due_after(day: dt.date, level: RiskLevel) -> dt.date:
    """When the next assessment is due after one on ``day`` at ``level``
    (REASSESSMENT_MONTHS)."""
    months = setting("REASSESSMENT_MONTHS", {"high": 3, "medium": 6, "low": 12})
    return add_months(day, int(months.get(level.value, 6)))


def record(session: Session, case: Case, day: dt.date | None, scores: dict[int, Any], *,
           summary: str | None = None,
           economic_activity: EconomicActivity | None = None) -> RiskNeedsAssessment:
    """Store an assessment of ``case`` with a score for every item in use (caller commits).

    :raises ValidationFailed: without a date or with one in the future (``assessment_date``),
        before the case started, or when an item has no score or one out of its range
        (``item_<id>``); nothing is stored then.
    """
    rules.long_text(summary, "summary")
    if day is None:
        raise ValidationFailed(_l("Give the date of the assessment."), "assessment_date")
    if day > rules.today():
        raise ValidationFailed(_l("An assessment cannot be dated in the future."),
                               "assessment_date")
    if day < case.start_date:
        raise ValidationFailed(_l("An assessment cannot come before the case started."),
                               "assessment_date")
    if summary is not None and len(summary) > MAX_SUMMARY:
        raise ValidationFailed(_l("At most %(n)s characters.", n=MAX_SUMMARY), "summary")
    catalogue = items(session)
    if not catalogue:
        raise ValidationFailed(_l("The assessment catalogue has no items."), "assessment_date")
    values: dict[int, int] = {}
    for item in catalogue:
        raw = scores.get(item.id)
        if raw in (None, ""):
            raise ValidationFailed(_l("Score this item; every item is needed."), f"item_{item.id}")
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = -1
        if value < 0 or value > item.max_score:
            raise ValidationFailed(
                _l("Enter a number from 0 to %(max)s.", max=item.max_score), f"item_{item.id}")
        values[item.id] = value
    total = sum(values.values())
    maximum = sum(i.max_score for i in catalogue)
    level = level_of(total, maximum)
    needs = [str(area_label(area)) for area, (got, top) in by_area(catalogue, values).items()
             if top and got * 2 >= top]
    assessment = RiskNeedsAssessment(
        case_id=case.id, assessment_date=day, risk_level=level, total_score=total,
        max_score=maximum, reassessment_due=due_after(day, level),
        needs="; ".join(needs) or None, summary=(summary or "").strip() or None,
        economic_activity=economic_activity,
    )
    session.add(assessment)
    session.flush()
    for item_id, value in values.items():
        session.add(AssessmentScore(assessment_id=assessment.id, case_id=case.id,
                                    item_id=item_id, score=value))
    session.flush()
    return assessment


def area_label(area: NeedArea) -> Any:
    from portal.labels import enum_label

    return enum_label(area)


def by_area(catalogue: list[AssessmentItem], values: dict[int, int]) -> dict[NeedArea,
                                                                             tuple[int, int]]:
    """(score, highest possible score) per need area."""
    out: dict[NeedArea, tuple[int, int]] = {}
    for item in catalogue:
        got, top = out.get(item.need_area, (0, 0))
        out[item.need_area] = (got + values.get(item.id, 0), top + item.max_score)
    return out


@dataclass
class HistoryRow:
    """One assessment with the change since the one before it."""

    assessment: RiskNeedsAssessment
    areas: dict[NeedArea, tuple[int, int]] = field(default_factory=dict)
    total_change: int | None = None
    level_change: str | None = None  # "up", "down" or "same"
    area_changes: dict[NeedArea, int] = field(default_factory=dict)


_RANK = {RiskLevel.LOW: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2}


def history(session: Session, case_id: int) -> list[HistoryRow]:
    """The case's assessments, newest first, each with its change from the previous one."""
    found = list(session.scalars(
        select(RiskNeedsAssessment).where(RiskNeedsAssessment.case_id == case_id)
        .options(selectinload(RiskNeedsAssessment.scores).selectinload(AssessmentScore.item))
        .order_by(RiskNeedsAssessment.assessment_date, RiskNeedsAssessment.id)
    ))
    rows: list[HistoryRow] = []
    previous: HistoryRow | None = None
    for assessment in found:
        row = HistoryRow(assessment)
        row.areas = by_area([s.item for s in assessment.scores],
                            {s.item_id: s.score for s in assessment.scores})
        if previous is not None:
            before = previous.assessment
            if assessment.total_score is not None and before.total_score is not None:
                row.total_change = assessment.total_score - before.total_score
            diff = _RANK[assessment.risk_level] - _RANK[before.risk_level]
            row.level_change = "up" if diff > 0 else "down" if diff < 0 else "same"
            for area, (got, _top) in row.areas.items():
                if area in previous.areas:
                    row.area_changes[area] = got - previous.areas[area][0]
        rows.append(row)
        previous = row
    return list(reversed(rows))


def latest_due(session: Session, case_id: int) -> dt.date | None:
    """When the case's next assessment is due (from its latest one)."""
    return session.scalars(
        select(RiskNeedsAssessment.reassessment_due)
        .where(RiskNeedsAssessment.case_id == case_id)
        .order_by(RiskNeedsAssessment.assessment_date.desc(), RiskNeedsAssessment.id.desc())
        .limit(1)
    ).first()
