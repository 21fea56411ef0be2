"""Low-code forms and what arrives through them: definitions, versions, submissions,
notices and e-service use."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import (
    LabelledEnum,
    Model,
    TimestampMixin,
    UTCDateTime,
    enum_type,
    utcnow,
)

if TYPE_CHECKING:
    from portal.models.case import Case
    from portal.models.client import Client
    from portal.models.exchange import ExchangeMessage
    from portal.models.org import PlusUser, TerritorialUnit
    from portal.models.partners import Employer, Volunteer
    from portal.models.supervision import Meeting


class Audience(LabelledEnum):
    """Who fills a form in through the portal."""

    CLIENT = "client"
    EMPLOYER = "employer"
    VOLUNTEER = "volunteer"


class SubmissionStatus(LabelledEnum):
    RECEIVED = "received"
    IN_PROCESSING = "in_processing"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    ANSWERED = "answered"


class EService(LabelledEnum):
    """The four e-services of the portal (counted for the result indicators)."""

    MY_DATA = "my_data"  # "Mani probācijas dati"
    CLIENT_DATA = "client_data"  # "Probācijas klienta dati"
    INFO_TO_VPD = "info_to_vpd"  # "Informācija VPD"
    PARTNER_INFO_TO_VPD = "partner_info_to_vpd"  # "Darba devēja/VPD brīvprātīgā informācija VPD"


class NoticeStatus(LabelledEnum):
    """Where a notice to an e-address is: queued in the outbox -> sent (the e-address system
    took it) -> delivered (it is in the recipient's mailbox); or failed (the reason is in
    ``OutgoingNotice.failure_reason``)."""

    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"


class NoticeKind(LabelledEnum):
    """Why a notice is sent: a reply to a portal submission, or a summons to a meeting."""

    REPLY = "reply"
    SUMMONS = "summons"


class FormDefinition(TimestampMixin, Model):
    """A form (e.g. "change of residence"); its content lives in immutable versions."""

    __tablename__ = "form_definition"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True, nullable=False)
    title_lv: Mapped[str] = mapped_column(String(200), nullable=False)
    title_en: Mapped[str] = mapped_column(String(200), nullable=False)
    audience: Mapped[Audience] = mapped_column(enum_type(Audience), nullable=False)
    retired: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    published_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("form_version.id", name="fk_form_definition_published", use_alter=True)
    )

    versions: Mapped[list[FormVersion]] = relationship(
        back_populates="definition",
        foreign_keys="FormVersion.definition_id",
        order_by="FormVersion.number",
    )
    published_version: Mapped[FormVersion | None] = relationship(
        foreign_keys=[published_version_id], post_update=True
    )

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_lv

    def __repr__(self) -> str:
        return self.title_lv


class FormVersion(Model):
    """One immutable version of a form's Form.io JSON; submissions point at the version."""

    __tablename__ = "form_version"
    __table_args__ = (UniqueConstraint("definition_id", "number", name="uq_form_version_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    definition_id: Mapped[int] = mapped_column(
        ForeignKey("form_definition.id"), nullable=False, index=True
    )
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    schema: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    # SHA-256 of the canonical JSON: loading an unchanged file makes no new version.
    digest: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(String(300))

    definition: Mapped[FormDefinition] = relationship(
        back_populates="versions", foreign_keys=[definition_id]
    )
    created_by: Mapped[PlusUser | None] = relationship()

    def __repr__(self) -> str:
        return f"{self.definition.key} v{self.number}"


class Submission(TimestampMixin, Model):
    """A form filled in through the portal or the submission API, and its processing."""

    __tablename__ = "submission"
    __table_args__ = (
        UniqueConstraint("submitted_by_id", "idempotency_key", name="uq_submission_idempotency"),
        Index("ix_submission_unit_status", "unit_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("form_version.id"), nullable=False, index=True)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False, index=True)
    idempotency_key: Mapped[str] = mapped_column(String(80), nullable=False)
    # SHA-256 of the posted data: a replay of the key with another body is refused.
    request_sha256: Mapped[str | None] = mapped_column(String(64))
    audience: Mapped[Audience] = mapped_column(enum_type(Audience), nullable=False)
    # Who the submission is about (the client), and the submitting partner if any.
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), index=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id"), index=True)
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("territorial_unit.id"))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    locale: Mapped[str] = mapped_column(String(2), default="lv", nullable=False)
    status: Mapped[SubmissionStatus] = mapped_column(
        enum_type(SubmissionStatus), default=SubmissionStatus.RECEIVED, nullable=False
    )
    processed_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    processed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    reply: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Positions (in ``proposed_changes``) of the changes already applied by an officer who
    # could apply only some of them; the rest wait for an officer who may apply them.
    applied_changes: Mapped[list[int] | None] = mapped_column(JSON)

    version: Mapped[FormVersion] = relationship()
    submitted_by: Mapped[PlusUser] = relationship(foreign_keys=[submitted_by_id])
    processed_by: Mapped[PlusUser | None] = relationship(foreign_keys=[processed_by_id])
    client: Mapped[Client | None] = relationship()
    case: Mapped[Case | None] = relationship()
    employer: Mapped[Employer | None] = relationship()
    volunteer: Mapped[Volunteer | None] = relationship()
    unit: Mapped[TerritorialUnit | None] = relationship()
    attachments: Mapped[list[SubmissionAttachment]] = relationship(back_populates="submission")

    def __repr__(self) -> str:
        return f"#{self.id}"


class SubmissionAttachment(Model):
    """A file sent with a submission, stored like case documents (outside the web root)."""

    __tablename__ = "submission_attachment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id"), nullable=False, index=True
    )
    component_key: Mapped[str] = mapped_column(String(100), nullable=False)
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    content_type: Mapped[str] = mapped_column(String(100), nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    storage_key: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)

    submission: Mapped[Submission] = relationship(back_populates="attachments")


class SubmissionUniqueValue(Model):
    """A value of a ``unique`` form field, taken by a submission of one form version.

    The unique constraint makes "no two submissions of a version with the same value" hold
    under concurrent submits: the second insert fails and that submission is refused. The
    value itself is not kept, only its SHA-256 (of its canonical JSON), so no personal data
    is copied here.
    """

    __tablename__ = "submission_unique_value"
    __table_args__ = (
        UniqueConstraint("version_id", "component_key", "value_hash",
                         name="uq_submission_unique_value"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), nullable=False, index=True
    )
    version_id: Mapped[int] = mapped_column(ForeignKey("form_version.id"), nullable=False)
    component_key: Mapped[str] = mapped_column(String(100), nullable=False)
    value_hash: Mapped[str] = mapped_column(String(64), nullable=False)


class PendingUpload(Model):
    """A file a portal user uploaded ahead of submitting a form (the ``@formio/js`` renderer's
    ``url`` storage), waiting for the submission that names it.

    The submission consumes it (the row goes, the stored bytes become a
    ``SubmissionAttachment``); unclaimed ones are removed when they expire.
    """

    __tablename__ = "pending_upload"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False, index=True)
    # Only the SHA-256 of the token the renderer holds is stored (as for invitations).
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    form_key: Mapped[str] = mapped_column(String(60), nullable=False)
    version_id: Mapped[int] = mapped_column(ForeignKey("form_version.id"), nullable=False)
    component_key: Mapped[str] = mapped_column(String(100), nullable=False)
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    content_type: Mapped[str] = mapped_column(String(100), nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    storage_key: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    # Indexed for the clean-up, which looks for the expired ones.
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)


class OutgoingNotice(Model):
    """A notice for a person's official e-address, delivered by the ``eaddress`` connector
    through the outbox (``portal.services.exchanges.eaddress``): one outbox message per
    notice, whose idempotency key the e-address system stores once."""

    __tablename__ = "outgoing_notice"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    channel: Mapped[str] = mapped_column(String(20), default="e-address", nullable=False)
    kind: Mapped[NoticeKind] = mapped_column(
        enum_type(NoticeKind), default=NoticeKind.REPLY, nullable=False
    )
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submission.id"), index=True)
    # The case a notice is about (a summons always has one); the officers of the case see it.
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("case.id", ondelete="SET NULL"), index=True
    )
    # The meeting a summons calls the client to.
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="SET NULL"), index=True
    )
    # Its outbox message (none when there was nobody to address it to).
    exchange_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("exchange_message.id", ondelete="SET NULL"), index=True
    )
    subject: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[NoticeStatus] = mapped_column(
        enum_type(NoticeStatus), default=NoticeStatus.QUEUED, nullable=False
    )
    # Why it failed, as a code the screens translate (e.g. "no_e_address").
    failure_reason: Mapped[str | None] = mapped_column(String(40))
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    exchange_message: Mapped[ExchangeMessage | None] = relationship()
    meeting: Mapped[Meeting | None] = relationship()


class EServiceUse(Model):
    """One use of an e-service (a view of data or a submission), counted by month."""

    __tablename__ = "eservice_use"
    __table_args__ = (Index("ix_eservice_use_month", "month", "service"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    month: Mapped[str] = mapped_column(String(7), nullable=False)  # YYYY-MM, Riga time
    service: Mapped[EService] = mapped_column(enum_type(EService), nullable=False)
    action: Mapped[str] = mapped_column(String(20), nullable=False)  # "view" | "submission"
    recipient_type: Mapped[Audience] = mapped_column(enum_type(Audience), nullable=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submission.id"))


class VolunteerTask(TimestampMixin, Model):
    """A task VPD gives a volunteer about a client's case (what volunteers report on)."""

    __tablename__ = "volunteer_task"
    __table_args__ = (
        # rules.date_order, kept by the database as well (migration 0006).
        CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name="ck_volunteer_task_end_after_start"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), nullable=False, index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), nullable=False, index=True)
    task: Mapped[str] = mapped_column(Text, nullable=False)
    start_date: Mapped[dt.date] = mapped_column(nullable=False)
    end_date: Mapped[dt.date | None] = mapped_column()

    case: Mapped[Case] = relationship()
    volunteer: Mapped[Volunteer] = relationship()


class PortalInvitation(Model):
    """A one-time link for a portal user to set their password (until the national login)."""

    __tablename__ = "portal_invitation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False, index=True)
    # Only the SHA-256 of the token is stored, so a database leak does not open accounts.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
