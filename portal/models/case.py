"""Cases and the decisions they execute."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import LabelledEnum, Model, TimestampMixin, enum_type

if TYPE_CHECKING:
    from portal.models.client import Client
    from portal.models.document import Document
    from portal.models.evaluation import EvaluationReportRequest
    from portal.models.mediation import Mediation
    from portal.models.org import PlusUser, TerritorialUnit
    from portal.models.supervision import (
        Meeting,
        Obligation,
        ProgrammeParticipation,
        RiskNeedsAssessment,
        SupervisionPlan,
        Violation,
    )
    from portal.models.work import WorkAssignment


class Process(LabelledEnum):
    """The five core processes of VPD."""

    FORCED_LABOUR = "forced_labour"
    COMMUNITY_WORK = "community_work"
    MEDIATION = "mediation"
    EVALUATION = "evaluation"
    SUPERVISION = "supervision"
    PROGRAMMES = "programmes"


class CaseFunction(LabelledEnum):
    """The 13 functions and sub-types of the domain brief (also the open-data breakdown)."""

    SUPERVISION_CONDITIONAL_SENTENCE = "supervision_conditional_sentence"
    SUPERVISION_EARLY_RELEASE = "supervision_early_release"
    SUPERVISION_RELEASE_FROM_LIABILITY = "supervision_release_from_liability"
    PROBATION_SUPERVISION = "probation_supervision"
    SUPERVISION_EARLY_RELEASE_EM = "supervision_early_release_em"
    FORCED_LABOUR = "forced_labour"
    FORCED_LABOUR_ADDITIONAL = "forced_labour_additional"
    COMMUNITY_WORK = "community_work"
    MEDIATION = "mediation"
    EVALUATION_PRE_TRIAL = "evaluation_pre_trial"
    EVALUATION_EARLY_RELEASE = "evaluation_early_release"
    EVALUATION_EARLY_RELEASE_EM = "evaluation_early_release_em"
    PROGRAMME_PARTICIPATION = "programme_participation"

    @property
    def process(self) -> Process:
        return FUNCTION_PROCESS[self]


FUNCTION_PROCESS: dict[CaseFunction, Process] = {
    CaseFunction.SUPERVISION_CONDITIONAL_SENTENCE: Process.SUPERVISION,
    CaseFunction.SUPERVISION_EARLY_RELEASE: Process.SUPERVISION,
    CaseFunction.SUPERVISION_RELEASE_FROM_LIABILITY: Process.SUPERVISION,
    CaseFunction.PROBATION_SUPERVISION: Process.SUPERVISION,
    CaseFunction.SUPERVISION_EARLY_RELEASE_EM: Process.SUPERVISION,
    CaseFunction.FORCED_LABOUR: Process.FORCED_LABOUR,
    CaseFunction.FORCED_LABOUR_ADDITIONAL: Process.FORCED_LABOUR,
    CaseFunction.COMMUNITY_WORK: Process.COMMUNITY_WORK,
    CaseFunction.MEDIATION: Process.MEDIATION,
    CaseFunction.EVALUATION_PRE_TRIAL: Process.EVALUATION,
    CaseFunction.EVALUATION_EARLY_RELEASE: Process.EVALUATION,
    CaseFunction.EVALUATION_EARLY_RELEASE_EM: Process.EVALUATION,
    CaseFunction.PROGRAMME_PARTICIPATION: Process.PROGRAMMES,
}


class CaseStatus(LabelledEnum):
    OPENED = "opened"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CLOSED = "closed"


class ClosureReason(LabelledEnum):
    COMPLETED = "completed"
    SENTENCE_REPLACED = "sentence_replaced"
    NEW_OFFENCE = "new_offence"
    DECISION_REVOKED = "decision_revoked"
    TRANSFERRED = "transferred"
    DEATH = "death"
    OTHER = "other"


class DecisionType(LabelledEnum):
    """What VPD starts work on: a ruling to execute, a request for a report, or a mediation
    proposal or application (the five core processes of the domain brief)."""

    # Rulings to execute (forced labour, community work, supervision).
    COURT_JUDGMENT = "court_judgment"
    # A court's decision that is not a judgment, e.g. on conditional early release.
    COURT_DECISION = "court_decision"
    PROSECUTOR_PENALTY_ORDER = "prosecutor_penalty_order"
    # E.g. conditional release from criminal liability.
    PROSECUTOR_DECISION = "prosecutor_decision"
    # Persons released from prison with forced labour or probation supervision (IeVP IS).
    PRISON_RELEASE_NOTICE = "prison_release_notice"
    # Requests for an evaluation report (TIS, ProIS; PRISON_REQUEST from IeVP IS).
    COURT_EVALUATION_REQUEST = "court_evaluation_request"
    PROSECUTOR_EVALUATION_REQUEST = "prosecutor_evaluation_request"
    PRISON_REQUEST = "prison_request"
    # Bases for mediation: a judge's proposal (TIS), a prosecutor's request (ProIS), the
    # investigator's proposal, or a party's own application (also through the portal).
    JUDGE_MEDIATION_PROPOSAL = "judge_mediation_proposal"
    PROSECUTOR_MEDIATION_REQUEST = "prosecutor_mediation_request"
    INVESTIGATOR_MEDIATION_PROPOSAL = "investigator_mediation_proposal"
    MEDIATION_APPLICATION = "mediation_application"


class SourceSystem(LabelledEnum):
    """Where a document came from: the E-case systems, or typed in by hand."""

    TIS = "tis"
    PROIS = "prois"
    IEVP = "ievp"
    MANUAL = "manual"


class Decision(TimestampMixin, Model):
    """The basis a case executes: a ruling, a request for a report, a mediation proposal."""

    __tablename__ = "decision"
    # Amounts ordered are never negative (rules.positive_amount); the upper limits are the
    # screens' plausibility limits and stay in Python. Migration 0006.
    __table_args__ = (
        CheckConstraint(
            "forced_labour_hours >= 0", name="ck_decision_forced_labour_hours_nonnegative"
        ),
        CheckConstraint(
            "community_work_hours >= 0", name="ck_decision_community_work_hours_nonnegative"
        ),
        CheckConstraint(
            "supervision_months >= 0", name="ck_decision_supervision_months_nonnegative"
        ),
        # An inbound decision is found again by its sender's id (migration 0010).
        Index("ix_decision_source_external", "source_system", "external_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id"), index=True)
    decision_type: Mapped[DecisionType] = mapped_column(enum_type(DecisionType), nullable=False)
    institution: Mapped[str] = mapped_column(String(200), nullable=False)
    number: Mapped[str] = mapped_column(String(60), nullable=False)
    decision_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    effective_date: Mapped[dt.date | None] = mapped_column(Date)
    criminal_law_articles: Mapped[str | None] = mapped_column(String(200))
    violent_offence: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    sexual_offence: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    forced_labour_hours: Mapped[int | None] = mapped_column(Integer)
    community_work_hours: Mapped[int | None] = mapped_column(Integer)
    supervision_months: Mapped[int | None] = mapped_column(Integer)
    penalty_details: Mapped[str | None] = mapped_column(Text)
    received_electronically: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    source_system: Mapped[SourceSystem] = mapped_column(
        enum_type(SourceSystem), default=SourceSystem.MANUAL, nullable=False
    )
    external_id: Mapped[str | None] = mapped_column(String(100), index=True)

    client: Mapped[Client | None] = relationship()

    def __repr__(self) -> str:
        return f"{self.number} ({self.decision_date:%d.%m.%Y})"


class Case(TimestampMixin, Model):
    """One execution of a decision for one client, owned by an officer in a unit."""

    __tablename__ = "case"
    __table_args__ = (
        Index("ix_case_unit_id_id", "unit_id", "id"),
        Index("ix_case_officer_status", "officer_id", "status"),
        # Client visibility: "has a case in my unit" (migration 0003).
        Index("ix_case_unit_client", "unit_id", "client_id"),
        # The rules of portal.services (date_order, check_transition, positive_amount),
        # kept by the database as well (migration 0006).
        CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name="ck_case_end_after_start"
        ),
        CheckConstraint(
            "(status = 'closed' AND closure_reason IS NOT NULL)"
            " OR (status <> 'closed' AND closure_reason IS NULL)",
            name="ck_case_closed_with_reason",
        ),
        CheckConstraint("hours_ordered >= 0", name="ck_case_hours_ordered_nonnegative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True, nullable=False)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), nullable=False, index=True)
    function: Mapped[CaseFunction] = mapped_column(enum_type(CaseFunction), nullable=False)
    status: Mapped[CaseStatus] = mapped_column(
        enum_type(CaseStatus), default=CaseStatus.OPENED, nullable=False, index=True
    )
    closure_reason: Mapped[ClosureReason | None] = mapped_column(enum_type(ClosureReason))
    start_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("territorial_unit.id"), nullable=False, index=True
    )
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"), index=True)
    # Hours ordered, copied from the decision so later amendments are tracked on the case.
    hours_ordered: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    notes: Mapped[str | None] = mapped_column(Text)

    client: Mapped[Client] = relationship(back_populates="cases")
    officer: Mapped[PlusUser | None] = relationship(foreign_keys=[officer_id])
    unit: Mapped[TerritorialUnit] = relationship()
    decision: Mapped[Decision | None] = relationship()
    assignments: Mapped[list[WorkAssignment]] = relationship(back_populates="case")
    plans: Mapped[list[SupervisionPlan]] = relationship(back_populates="case")
    obligations: Mapped[list[Obligation]] = relationship(back_populates="case")
    meetings: Mapped[list[Meeting]] = relationship(back_populates="case")
    violations: Mapped[list[Violation]] = relationship(back_populates="case")
    assessments: Mapped[list[RiskNeedsAssessment]] = relationship(back_populates="case")
    programmes: Mapped[list[ProgrammeParticipation]] = relationship(back_populates="case")
    mediation: Mapped[Mediation | None] = relationship(back_populates="case")
    evaluation_requests: Mapped[list[EvaluationReportRequest]] = relationship(
        back_populates="case"
    )
    documents: Mapped[list[Document]] = relationship(back_populates="case")

    @property
    def process(self) -> Process:
        return self.function.process

    def __repr__(self) -> str:
        return self.number


class CaseNumberCounter(Model):
    """Last case number issued per year; incremented under a row lock by the case service."""

    __tablename__ = "case_number_counter"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
