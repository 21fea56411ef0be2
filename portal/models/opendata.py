"""Publication of the open datasets: what was sent to the open data portal, and when."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import LabelledEnum, Model, UTCDateTime, enum_type, utcnow


class PublicationStatus(LabelledEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    FAILED = "failed"


class OpenDataPublication(Model):
    """One dataset for one period: the files as published (served at their stable URI) and
    the state of its publication in CKAN. A failed or pending row is retried by the next run.
    """

    __tablename__ = "open_data_publication"
    __table_args__ = (
        UniqueConstraint("dataset", "period", name="uq_open_data_publication_dataset_period"),
        CheckConstraint("attempts >= 0", name="ck_open_data_publication_attempts_nonnegative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset: Mapped[str] = mapped_column(String(40), nullable=False)
    period: Mapped[str] = mapped_column(String(7), nullable=False)  # YYYY or YYYY-MM
    status: Mapped[PublicationStatus] = mapped_column(
        enum_type(PublicationStatus), default=PublicationStatus.PENDING, nullable=False,
        index=True,
    )
    csv: Mapped[str] = mapped_column(Text, nullable=False)
    json: Mapped[str] = mapped_column(Text, nullable=False)
    metadata_json: Mapped[str] = mapped_column(Text, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    attempted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    ckan_package_id: Mapped[str | None] = mapped_column(String(100))
    ckan_resource_id: Mapped[str | None] = mapped_column(String(100))
