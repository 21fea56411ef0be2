"""Templates of the documents PLUS generates, in immutable versions (like forms)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import LabelledEnum, Model, TimestampMixin, UTCDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from portal.models.org import PlusUser


class DocumentType(LabelledEnum):
    """The documents an officer generates from a case."""

    DECLARATION = "declaration"  # apliecinājums (supervision)
    REFERRAL = "referral"  # norīkojums darba devējam
    WORK_SCHEDULE = "work_schedule"  # darba grafiks
    CONTROL_ACT = "control_act"  # kontroles akts
    EXECUTION_NOTICE = "execution_notice"  # paziņojums tiesai vai prokuratūrai par izpildi
    EVALUATION_REPORT = "evaluation_report"  # izvērtēšanas ziņojums
    SUPERVISION_PLAN = "supervision_plan"  # uzraudzības plāns
    WRITTEN_WARNING = "written_warning"  # rakstveida brīdinājums (migration 0014)
    COURT_SUBMISSION = "court_submission"  # iesniegums tiesai vai prokuratūrai (0014)
    POLICE_NOTICE = "police_notice"  # paziņojums Valsts policijai par uzraudzības uzsākšanu
    ORPHANS_COURT_NOTICE = "orphans_court_notice"  # paziņojums bāriņtiesai (0021_plan)


class DocumentTemplate(TimestampMixin, Model):
    """One document type's template; its content lives in immutable versions."""

    __tablename__ = "document_template"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_type: Mapped[DocumentType] = mapped_column(
        enum_type(DocumentType), unique=True, nullable=False
    )
    published_version_id: Mapped[int | None] = mapped_column(
        ForeignKey(
            "document_template_version.id", name="fk_document_template_published", use_alter=True
        )
    )

    versions: Mapped[list[DocumentTemplateVersion]] = relationship(
        back_populates="template",
        foreign_keys="DocumentTemplateVersion.template_id",
        order_by="DocumentTemplateVersion.number",
    )
    published_version: Mapped[DocumentTemplateVersion | None] = relationship(
        foreign_keys=[published_version_id], post_update=True
    )

    def __repr__(self) -> str:
        return self.doc_type.value


class DocumentTemplateVersion(Model):
    """One immutable version of a template (titles, texts, fields in order); a generated
    document points at the version it was made from."""

    __tablename__ = "document_template_version"
    __table_args__ = (
        UniqueConstraint("template_id", "number", name="uq_document_template_version_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("document_template.id"), nullable=False, index=True
    )
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    content: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    # SHA-256 of the canonical JSON: loading an unchanged file makes no new version.
    digest: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(String(300))

    template: Mapped[DocumentTemplate] = relationship(
        back_populates="versions", foreign_keys=[template_id]
    )
    created_by: Mapped[PlusUser | None] = relationship()

    def __repr__(self) -> str:
        return f"{self.template.doc_type.value} v{self.number}"
