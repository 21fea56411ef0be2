"""Declarative base, mixins and column helpers shared by every aggregate."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from flask_appbuilder import Model
from sqlalchemy import DateTime, Enum, TypeDecorator
from sqlalchemy.orm import Mapped, mapped_column

__all__ = ["Model", "TimestampMixin", "UTCDateTime", "enum_type", "utcnow", "LabelledEnum"]


def utcnow() -> dt.datetime:
    """Current time in UTC; shown to users in Europe/Riga by the templates."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware timestamp on every database.

    SQLite drops the offset on the way in; values are stored as UTC and come back aware.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value


class LabelledEnum(str, enum.Enum):
    """A string enum whose members carry a translatable label (see ``portal.labels``)."""

    def __str__(self) -> str:  # FAB renders values with str(); show the translated label
        from portal.labels import enum_label

        return str(enum_label(self))


def enum_type(enum_cls: type[enum.Enum]) -> Enum:
    """A portable enum column: VARCHAR plus CHECK, storing the member's value."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        length=40,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
        name=f"ck_{enum_cls.__name__.lower()}",
    )


class TimestampMixin:
    """When a row was created and last changed; who did it is in the change history."""

    created_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=utcnow, nullable=False
    )
    updated_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False
    )


def as_dict(obj: Any) -> dict[str, Any]:
    """Column values of a mapped object (used by the change history and the API)."""
    return {c.key: getattr(obj, c.key) for c in obj.__mapper__.column_attrs}
