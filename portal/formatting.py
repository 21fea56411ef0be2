"""Template filters: dates and times as users in Latvia read them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import Flask, current_app


def localtime(value: dt.datetime | None) -> str:
    """A stored (UTC) timestamp in the service's time zone, as DD.MM.YYYY HH:MM."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    tz = ZoneInfo(current_app.config.get("PLUS_TIMEZONE", "Europe/Riga"))
    return value.astimezone(tz).strftime("%d.%m.%Y %H:%M")


def register_filters(app: Flask) -> None:
    """Make the filters available to every template."""
    app.jinja_env.filters["localtime"] = localtime
