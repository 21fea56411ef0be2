"""Supervision step by step: the catalogues (obligation types, assessment items), compliance
per obligation at a meeting, the scores of an assessment, the response ladder to a violation
and the decisions that change a case after it opened (migration 0014)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import LabelledEnum, Model, TimestampMixin, enum_type
from portal.models.supervision import ObligationSource

if TYPE_CHECKING:
    from portal.models.case import Case, Decision
    from portal.models.document import Document
    from portal.models.supervision import (
        Meeting,
        Obligation,
        RiskNeedsAssessment,
        Violation,
    )


class Compliance(LabelledEnum):
    """What the officer found about one obligation at a meeting."""

    KEPT = "kept"
    NOT_KEPT = "not_kept"
    NOT_APPLICABLE = "not_applicable"


class NeedArea(LabelledEnum):
    """The need areas of the risk and needs assessment (criminogenic needs)."""

    CRIMINAL_HISTORY = "criminal_history"
    ACCOMMODATION = "accommodation"
    EDUCATION_EMPLOYMENT = "education_employment"
    FINANCES = "finances"
    RELATIONSHIPS = "relationships"
    LIFESTYLE = "lifestyle"
    ALCOHOL = "alcohol"
    DRUGS = "drugs"
    EMOTIONAL_WELLBEING = "emotional_wellbeing"
    THINKING_BEHAVIOUR = "thinking_behaviour"
    ATTITUDES = "attitudes"


class ResponseStep(LabelledEnum):
    """The response ladder to violations, in order."""

    TALK = "talk"
    WRITTEN_WARNING = "written_warning"
    SUBMISSION = "submission"


class SubmissionKind(LabelledEnum):
    """What a submission to the court or prosecutor asks for."""

    REVOCATION = "revocation"
    EXTENSION = "extension"


class Addressee(LabelledEnum):
    """Who a submission goes to."""

    COURT = "court"
    PROSECUTOR = "prosecutor"


class DecisionRole(LabelledEnum):
    """What a later decision does to a case that is already open."""

    AMENDMENT = "amendment"
    EXTENSION = "extension"
    SUSPENSION = "suspension"
    REVOCATION = "revocation"
    EARLY_RELEASE = "early_release"


class ObligationType(TimestampMixin, Model):
    """A catalogue entry of obligations a court, prosecutor or VPD sets (reference data)."""

    __tablename__ = "obligation_type"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    name_en: Mapped[str | None] = mapped_column(String(300))
    # Who usually sets it; the officer may still choose another source on the obligation.
    default_source: Mapped[ObligationSource | None] = mapped_column(enum_type(ObligationSource))
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    def __repr__(self) -> str:
        return self.name


class AssessmentItem(TimestampMixin, Model):
    """One scored item of the risk and needs instrument (reference data)."""

    __tablename__ = "assessment_item"
    __table_args__ = (
        CheckConstraint("max_score >= 1 AND max_score <= 10", name="ck_assessment_item_max"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    need_area: Mapped[NeedArea] = mapped_column(enum_type(NeedArea), nullable=False)
    text: Mapped[str] = mapped_column(String(300), nullable=False)
    text_en: Mapped[str | None] = mapped_column(String(300))
    max_score: Mapped[int] = mapped_column(Integer, default=2, nullable=False)
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    def __repr__(self) -> str:
        return self.text


class AssessmentScore(Model):
    """The score one item got in one assessment."""

    __tablename__ = "assessment_score"
    __table_args__ = (
        UniqueConstraint("assessment_id", "item_id", name="uq_assessment_score_item"),
        CheckConstraint("score >= 0", name="ck_assessment_score_nonnegative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("risk_needs_assessment.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # The case, kept beside the assessment's so access rules and history reach it directly.
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), nullable=False, index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("assessment_item.id"), nullable=False)
    score: Mapped[int] = mapped_column(Integer, nullable=False)

    assessment: Mapped[RiskNeedsAssessment] = relationship(back_populates="scores")
    item: Mapped[AssessmentItem] = relationship()


class MeetingObligationCheck(TimestampMixin, Model):
    """Compliance with one obligation as recorded at one meeting."""

    __tablename__ = "meeting_obligation_check"
    __table_args__ = (
        UniqueConstraint("meeting_id", "obligation_id", name="uq_meeting_obligation_check"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), nullable=False, index=True
    )
    obligation_id: Mapped[int] = mapped_column(
        ForeignKey("obligation.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # The meeting's case, kept here so access rules and the change history reach it directly.
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), nullable=False, index=True)
    compliance: Mapped[Compliance] = mapped_column(enum_type(Compliance), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)

    meeting: Mapped[Meeting] = relationship(back_populates="checks")
    obligation: Mapped[Obligation] = relationship()


class ViolationResponse(TimestampMixin, Model):
    """One step of the response to a violation: a talk, a written warning or a submission to
    the court or prosecutor, due by a deadline."""

    __tablename__ = "violation_response"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), nullable=False, index=True)
    violation_id: Mapped[int] = mapped_column(
        ForeignKey("violation.id"), nullable=False, index=True
    )
    step: Mapped[ResponseStep] = mapped_column(enum_type(ResponseStep), nullable=False)
    due_date: Mapped[dt.date] = mapped_column(Date, nullable=False, index=True)
    done_date: Mapped[dt.date | None] = mapped_column(Date)
    submission_kind: Mapped[SubmissionKind | None] = mapped_column(enum_type(SubmissionKind))
    addressee: Mapped[Addressee | None] = mapped_column(enum_type(Addressee))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    note: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship()
    violation: Mapped[Violation] = relationship(back_populates="responses")
    document: Mapped[Document | None] = relationship()

    def __repr__(self) -> str:
        return f"{self.step} ({self.due_date:%d.%m.%Y})"


class CaseDecision(TimestampMixin, Model):
    """A decision made after the case opened (amendment, extension, suspension, revocation,
    early release); the decision that opened the case is ``Case.decision``."""

    __tablename__ = "case_decision"
    __table_args__ = (
        UniqueConstraint("case_id", "decision_id", name="uq_case_decision"),
        CheckConstraint("months IS NULL OR months >= 0", name="ck_case_decision_months"),
        CheckConstraint(
            "until_date IS NULL OR until_date >= effective_date",
            name="ck_case_decision_until_after_effective",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), nullable=False, index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id"), nullable=False)
    role: Mapped[DecisionRole] = mapped_column(enum_type(DecisionRole), nullable=False)
    effective_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    # Extension: months added; amendment: the new term in months (empty: term unchanged).
    months: Mapped[int | None] = mapped_column(Integer)
    # Suspension: the last day of the suspension.
    until_date: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship()
    decision: Mapped[Decision] = relationship()

    def __repr__(self) -> str:
        return f"{self.role} ({self.effective_date:%d.%m.%Y})"
