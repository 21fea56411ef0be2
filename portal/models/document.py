"""Files on a case, kept on disk outside the database and the web root."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import LabelledEnum, Model, TimestampMixin, enum_type

if TYPE_CHECKING:
    from portal.models.case import Case
    from portal.models.document_template import DocumentTemplateVersion
    from portal.models.org import PlusUser


class DocumentOrigin(LabelledEnum):
    UPLOADED = "uploaded"
    GENERATED = "generated"
    RECEIVED = "received"


class Document(TimestampMixin, Model):
    """A document's metadata; the bytes live under UPLOAD_FOLDER by their storage key."""

    __tablename__ = "document"
    # A generated document always names the template version it came from (migration 0011).
    __table_args__ = (
        CheckConstraint(
            "origin <> 'generated' OR template_version_id IS NOT NULL",
            name="ck_document_generated_has_template",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    content_type: Mapped[str] = mapped_column(String(100), nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    storage_key: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    origin: Mapped[DocumentOrigin] = mapped_column(enum_type(DocumentOrigin), nullable=False)
    shared_with_client: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    template_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_template_version.id"), index=True
    )

    case: Mapped[Case] = relationship(back_populates="documents")
    uploaded_by: Mapped[PlusUser | None] = relationship()
    template_version: Mapped[DocumentTemplateVersion | None] = relationship()

    def __repr__(self) -> str:
        return self.title
