"""Evaluation reports (izvērtēšanas ziņojumi) requested by courts, prosecutors and prisons."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import LabelledEnum, Model, TimestampMixin, UTCDateTime, enum_type

if TYPE_CHECKING:
    from portal.models.case import Case
    from portal.models.org import PlusUser


class Requester(LabelledEnum):
    COURT = "court"
    PROSECUTOR = "prosecutor"
    PRISON = "prison"


class RequestStatus(LabelledEnum):
    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


class EvaluationReportRequest(TimestampMixin, Model):
    """A request for an evaluation report, with the date it is due."""

    __tablename__ = "evaluation_report_request"
    # rules.date_order on the screen: due no earlier than received (migration 0006).
    __table_args__ = (
        CheckConstraint(
            "due_date >= received_date", name="ck_evaluation_report_request_due_after_received"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), nullable=False, index=True)
    requester: Mapped[Requester] = mapped_column(enum_type(Requester), nullable=False)
    institution: Mapped[str] = mapped_column(String(200), nullable=False)
    request_number: Mapped[str | None] = mapped_column(String(60))
    received_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    due_date: Mapped[dt.date] = mapped_column(Date, nullable=False, index=True)
    status: Mapped[RequestStatus] = mapped_column(
        enum_type(RequestStatus), default=RequestStatus.RECEIVED, nullable=False
    )

    case: Mapped[Case] = relationship(back_populates="evaluation_requests")
    report: Mapped[EvaluationReport | None] = relationship(back_populates="request")

    def __repr__(self) -> str:
        return f"{self.institution} {self.due_date:%d.%m.%Y}"


class EvaluationReport(TimestampMixin, Model):
    """The report: thinking, behaviour, attitudes, circumstances and the victim's rights."""

    __tablename__ = "evaluation_report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_report_request.id"), nullable=False, unique=True
    )
    thinking_and_behaviour: Mapped[str | None] = mapped_column(Text)
    attitudes: Mapped[str | None] = mapped_column(Text)
    social_circumstances: Mapped[str | None] = mapped_column(Text)
    victim_rights: Mapped[str | None] = mapped_column(Text)
    conclusion: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    author_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    reference: Mapped[str | None] = mapped_column(String(60))

    request: Mapped[EvaluationReportRequest] = relationship(back_populates="report")
    author: Mapped[PlusUser | None] = relationship()
