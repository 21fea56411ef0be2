"""One search box: a client or case by name fragment, personal code or case number.

Names are compared folded (lower case, no diacritics) through ``plus_unaccent``, so
"berzins" finds "Bērziņš". On PostgreSQL a trigram index on the same expression serves it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from portal.models import Case, Client
from portal.services import access
from portal.services.dbfunctions import fold

MAX_RESULTS = 50
_CASE_NUMBER = re.compile(r"^[A-Za-z]{1,4}-\d{4}-\d{1,8}$")
_CODE = re.compile(r"^\d{6}-?\d{5}$")


@dataclass(frozen=True)
class SearchResult:
    """What the search found; clients and cases are already access-filtered."""

    kind: str  # "case_number", "personal_code", "name" or "empty"
    clients: list[Client]
    cases: list[Case]


def name_key() -> ColumnElement[str]:
    """The indexed expression names are matched against (see the search migration)."""
    return func.plus_unaccent(func.lower(Client.surname + " " + Client.given_name))


def classify(query: str) -> str:
    """Which kind of search a query asks for."""
    q = query.strip()
    if not q:
        return "empty"
    if _CASE_NUMBER.match(q):
        return "case_number"
    if _CODE.match(q.replace(" ", "")):
        return "personal_code"
    return "name"


def search(session: Session, query: str, actor: access.Actor, limit: int = MAX_RESULTS) -> SearchResult:
    """Find clients and cases the actor may see."""
    kind = classify(query)
    q = query.strip()
    if kind == "empty":
        return SearchResult(kind, [], [])
    if kind == "case_number":
        stmt = select(Case).where(Case.number == q.upper(), access.case_visible(actor))
        cases = list(session.scalars(stmt.limit(limit)))
        return SearchResult(kind, [], cases)
    if kind == "personal_code":
        digits = q.replace(" ", "").replace("-", "")
        code = f"{digits[:6]}-{digits[6:]}"
        stmt = select(Client).where(
            Client.personal_code == code, access.condition(Client, actor)
        )
        return SearchResult(kind, list(session.scalars(stmt.limit(limit))), [])
    terms = [t for t in fold(q).split() if t]
    key = name_key()
    stmt = select(Client).where(access.condition(Client, actor))
    for term in terms:
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(key.like(f"%{escaped}%", escape="\\"))
    stmt = stmt.order_by(Client.surname, Client.given_name, Client.id).limit(limit)
    return SearchResult(kind, list(session.scalars(stmt)), [])
