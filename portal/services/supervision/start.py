"""The start of supervision: its registration in the Interior Ministry Information Centre's
record category (IeM IC uzskaites kategorija) and the notices of the start to the State
Police and, where needed, the orphans' court (generated documents)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Case, DocumentType, Process, SupervisionStart
from portal.services.casework import rules
from portal.services.errors import ValidationFailed
from portal.services.supervision import setting

#: the documents a registered start produces: the police's always, the orphans' court's
#: where needed
POLICE = DocumentType.POLICE_NOTICE
ORPHANS_COURT = DocumentType.ORPHANS_COURT_NOTICE


def categories() -> dict[str, tuple[str, str]]:
    """The record categories, code -> (Latvian, English) (INTERIOR_RECORD_CATEGORIES)."""
    return dict(setting("INTERIOR_RECORD_CATEGORIES", {}))


def category_label(code: str | None, lang: str | None = None) -> str:
    """A category's name in ``lang`` (default: the reader's); the code when it is retired."""
    if not code:
        return ""
    names = categories().get(code)
    if names is None:
        return code
    lang = lang or str(get_locale() or "lv")
    return names[1] if lang == "en" else names[0]


def category_choices() -> list[tuple[str, str]]:
    """(code, name) for the registration form, in the reader's language."""
    return [(code, category_label(code)) for code in categories()]


def default_category(case: Case) -> str | None:
    """The category a case's function goes to (INTERIOR_RECORD_CATEGORY_BY_FUNCTION)."""
    by_function: dict[str, str] = setting("INTERIOR_RECORD_CATEGORY_BY_FUNCTION", {})
    return by_function.get(case.function.value)


def is_minor(case: Case, day: dt.date) -> bool:
    """Whether the client is younger than ORPHANS_COURT_BELOW_AGE on ``day``."""
    from portal.services.work.limits import age_on

    born = case.client.birth_date if case.client is not None else None
    if born is None:
        return False
    return age_on(born, day) < int(setting("ORPHANS_COURT_BELOW_AGE", 18))


def orphans_court_default(case: Case, day: dt.date) -> tuple[bool, str]:
    """Whether the start form's "tell the orphans' court" box comes ticked, and why.

    A minor's court is always told. For an adult it follows the personal data form's
    "minor children in the client's care" (the officer may still change it): the reason is
    ``minor``, ``children``, ``no_children`` or ``not_recorded`` (never asked).
    """
    if is_minor(case, day):
        return True, "minor"
    in_care = case.client.minor_children_in_care if case.client is not None else None
    if in_care is None:
        return False, "not_recorded"
    return (True, "children") if in_care else (False, "no_children")


def of_case(session: Session, case_id: int) -> SupervisionStart | None:
    """The case's registered start, if any."""
    return session.scalars(
        select(SupervisionStart).where(SupervisionStart.case_id == case_id)).first()


def register(session: Session, case: Case, day: dt.date | None, category: str | None, *,
             orphans_court: bool = False, note: str | None = None,
             user_id: int | None = None) -> SupervisionStart:
    """Register the start of the case's supervision (caller commits; the notices are
    generated afterwards, see :data:`POLICE` and :data:`ORPHANS_COURT`). The orphans' court
    is told of every minor's supervision, whatever ``orphans_court`` says.

    :raises ValidationFailed: for a case that is not supervision or is registered already
        (``registered_on``); without a date, with one in the future or before the case
        started (``registered_on``); with a category not in the list (``record_category``).
    """
    if case.process is not Process.SUPERVISION:
        raise ValidationFailed(_l("Only a supervision case is registered this way."),
                               "registered_on")
    done = of_case(session, case.id)
    if done is not None:
        raise ValidationFailed(
            _l("The start was registered on %(date)s.",
               date=done.registered_on.strftime("%d.%m.%Y")), "registered_on")
    if day is None:
        raise ValidationFailed(_l("Give the date of the registration."), "registered_on")
    if day > rules.today():
        raise ValidationFailed(_l("The date cannot be in the future."), "registered_on")
    if day < case.start_date:
        raise ValidationFailed(
            _l("It cannot come before the case started (%(date)s).",
               date=case.start_date.strftime("%d.%m.%Y")), "registered_on")
    if not category or category not in categories():
        raise ValidationFailed(_l("Choose the record category."), "record_category")
    if note is not None and len(note) > 2000:
        raise ValidationFailed(_l("At most %(n)s characters.", n=2000), "note")
    row = SupervisionStart(
        case_id=case.id, registered_on=day, record_category=category,
        registered_by_id=user_id, orphans_court=orphans_court or is_minor(case, day),
        note=(note or "").strip() or None,
    )
    session.add(row)
    session.flush()
    return row


def documents_for(row: SupervisionStart) -> list[DocumentType]:
    """The notices a registered start produces."""
    return [POLICE, ORPHANS_COURT] if row.orphans_court else [POLICE]


def attach(row: SupervisionStart, doc_type: DocumentType, document_id: int) -> None:
    """Remember the generated notice on the registration (caller commits)."""
    if doc_type is POLICE:
        row.police_document_id = document_id
    elif doc_type is ORPHANS_COURT:
        row.orphans_court_document_id = document_id


def values(row: SupervisionStart, lang: str) -> dict[str, Any]:
    """The registration's fields for a document, in ``lang``."""
    return {
        "start.registered_on": row.registered_on.strftime("%d.%m.%Y"),
        "start.record_category": category_label(row.record_category, lang),
    }
