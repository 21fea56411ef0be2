"""Exports of case data, under the same access rules as the screens.

Every export selects through ``access.condition`` so an export never shows a row the user
could not open on screen. Exports carry no personal codes.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.labels import enum_label
from portal.models import Case, PlusUser, TerritorialUnit
from portal.services import access

# Spreadsheet programs run cells starting with these as formulas ("CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    if text.startswith(_FORMULA_START):
        # A leading apostrophe makes spreadsheets show the text instead of evaluating it.
        return "'" + text
    return text


def cases_csv(session: Session, actor: access.Actor) -> bytes:
    """The cases the actor may see as CSV (UTF-8 with BOM so spreadsheets detect it).

    Columns: number, function, status, start date, end date, unit, responsible officer.
    """
    stmt = (
        select(
            Case.number,
            Case.function,
            Case.status,
            Case.start_date,
            Case.end_date,
            TerritorialUnit.name,
            PlusUser.first_name,
            PlusUser.last_name,
        )
        .join(TerritorialUnit, TerritorialUnit.id == Case.unit_id)
        .outerjoin(PlusUser, PlusUser.id == Case.officer_id)
        .where(access.condition(Case, actor))
        .order_by(Case.number)
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            _("Case number"),
            _("Function"),
            _("Status"),
            _("Start date"),
            _("End date"),
            _("Territorial unit"),
            _("Responsible officer"),
        ]
    )
    for number, function, status, start, end, unit, first, last in session.execute(stmt):
        officer = " ".join(part for part in (first, last) if part)
        writer.writerow(
            [
                _cell(number),
                _cell(enum_label(function)),
                _cell(enum_label(status)),
                start.isoformat() if start else "",
                end.isoformat() if end else "",
                _cell(unit),
                _cell(officer),
            ]
        )
    return out.getvalue().encode("utf-8-sig")
