"""Evaluation reports (izvērtēšanas ziņojumi) requested by courts, prosecutors and prisons."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
)
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


class ReportStatus(LabelledEnum):
    """Where a report is in its workflow: the officer drafts it, the unit manager reviews it,
    then it is submitted to the requester. An addition after submission starts a new draft."""

    DRAFT = "draft"
    REVIEWED = "reviewed"
    SUBMITTED = "submitted"


#: the report's content sections, in the order the description names them
SECTIONS: tuple[str, ...] = (
    "thinking", "behaviour", "attitudes", "social_circumstances", "victim_rights",
    "suggested_obligations", "conclusion",
)


class EvaluationReport(TimestampMixin, Model):
    """The report being worked on: thinking, behaviour, attitudes, the social circumstances
    that led to the offence, the victim's rights restored or the possibility of it, the
    obligations VPD suggests. Each submission keeps its content as an immutable
    :class:`EvaluationReportVersion`; ``version`` is the number the current content has or
    will have when submitted."""

    __tablename__ = "evaluation_report"
    __table_args__ = (
        CheckConstraint("version >= 1", name="ck_evaluation_report_version"),
        # A review is signed: who and when (reports submitted before the workflow existed
        # have no recorded review). A submitted report has its date.
        CheckConstraint("status <> 'reviewed' OR (reviewed_by_id IS NOT NULL "
                        "AND reviewed_at IS NOT NULL)", name="ck_evaluation_report_reviewed"),
        CheckConstraint("status <> 'submitted' OR submitted_at IS NOT NULL",
                        name="ck_evaluation_report_submitted"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_report_request.id"), nullable=False, unique=True
    )
    thinking: Mapped[str | None] = mapped_column(Text)
    behaviour: Mapped[str | None] = mapped_column(Text)
    attitudes: Mapped[str | None] = mapped_column(Text)
    social_circumstances: Mapped[str | None] = mapped_column(Text)
    victim_rights: Mapped[str | None] = mapped_column(Text)
    suggested_obligations: Mapped[str | None] = mapped_column(Text)
    conclusion: Mapped[str | None] = mapped_column(Text)
    status: Mapped[ReportStatus] = mapped_column(
        enum_type(ReportStatus), default=ReportStatus.DRAFT, server_default="draft",
        nullable=False,
    )
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1", nullable=False)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    author_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    reference: Mapped[str | None] = mapped_column(String(60))

    request: Mapped[EvaluationReportRequest] = relationship(back_populates="report")
    author: Mapped[PlusUser | None] = relationship(foreign_keys=[author_id])
    reviewed_by: Mapped[PlusUser | None] = relationship(foreign_keys=[reviewed_by_id])
    versions: Mapped[list[EvaluationReportVersion]] = relationship(
        back_populates="report", order_by="EvaluationReportVersion.number"
    )

    def __repr__(self) -> str:
        return f"{self.request}"


class EvaluationReportVersion(TimestampMixin, Model):
    """The content of a report as it was submitted: never changed afterwards (additions are
    later versions). Only the retention period's erasure blanks it."""

    __tablename__ = "evaluation_report_version"
    __table_args__ = (
        UniqueConstraint("report_id", "number", name="uq_evaluation_report_version"),
        CheckConstraint("number >= 1", name="ck_evaluation_report_version_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_report.id"), nullable=False, index=True
    )
    # Kept on the row so the access rule reaches the case in one step, like the other records.
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), nullable=False, index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    thinking: Mapped[str | None] = mapped_column(Text)
    behaviour: Mapped[str | None] = mapped_column(Text)
    attitudes: Mapped[str | None] = mapped_column(Text)
    social_circumstances: Mapped[str | None] = mapped_column(Text)
    victim_rights: Mapped[str | None] = mapped_column(Text)
    suggested_obligations: Mapped[str | None] = mapped_column(Text)
    conclusion: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)

    report: Mapped[EvaluationReport] = relationship(back_populates="versions")
    author: Mapped[PlusUser | None] = relationship(foreign_keys=[author_id])
    reviewed_by: Mapped[PlusUser | None] = relationship(foreign_keys=[reviewed_by_id])
    submitted_by: Mapped[PlusUser | None] = relationship(foreign_keys=[submitted_by_id])

    def __repr__(self) -> str:
        return f"{self.number}. ({self.submitted_at:%d.%m.%Y})"


class ImmutableVersion(Exception):
    """A submitted version of an evaluation report was about to be changed."""


@event.listens_for(EvaluationReportVersion, "before_update")
def _keep_submitted(_mapper: object, _connection: object, target: EvaluationReportVersion) -> None:
    # The one change a submitted version takes is the erasure at the end of the retention
    # period (portal.services.privacy.retention), which only blanks its text.
    state = inspect(target)
    for attr in state.mapper.column_attrs:
        if attr.key in ("updated_at",):
            continue
        history = state.attrs[attr.key].history
        if history.has_changes() and not (attr.key in SECTIONS and history.added == [None]):
            raise ImmutableVersion(f"evaluation report version {target.id}: {attr.key}")
