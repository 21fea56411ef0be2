"""One search box: a client or case by name fragment, personal code or case number.

Names are compared folded (lower case, no diacritics) through ``plus_unaccent``, so
"berzins" finds "Bērziņš". Latvian surnames change their ending with gender (Bērziņš,
Bērziņa; Jansons, Jansone), so a longer word is matched without its nominative ending and
"berzins" finds both. On PostgreSQL a trigram index on the same expression serves it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, literal_column, select
from sqlalchemy.orm import Session, selectinload

from portal.models import Case, Client
from portal.services import access
from portal.services.dbfunctions import fold

#: results per page
MAX_RESULTS = 50
#: matches counted at most: beyond it the screen says "more than" (counting every client
#: whose name holds an "a" would cost more than the page itself)
COUNT_CAP = 1000
# Longer queries are cut: no name, code or number is this long, and each word costs a LIKE.
MAX_QUERY_LENGTH = 100
_CASE_NUMBER = re.compile(r"^[A-Za-z]{1,4}-\d{4}-\d{1,8}$")
_CODE = re.compile(r"^\d{6}-?\d{5}$")
# Control characters (NUL above all, which PostgreSQL refuses in text) never belong in a query.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Nominative endings that differ between the male and female form of a surname, longest first.
_ENDINGS = ("is", "s", "a", "e")
# A word keeps at least this many letters after its ending is dropped, so short words such as
# "liepa" or "janis" are not widened into every name that merely starts alike.
_MIN_STEM = 4


@dataclass(frozen=True)
class SearchResult:
    """One page of what the search found; clients and cases are already access-filtered."""

    kind: str  # "case_number", "personal_code", "name" or "empty"
    clients: list[Client]
    cases: list[Case]
    #: all matches (clients, or cases for a case number), at most COUNT_CAP + 1
    total: int = 0
    page: int = 0
    page_size: int = MAX_RESULTS

    @property
    def capped(self) -> bool:
        """Whether there are more matches than were counted."""
        return self.total > COUNT_CAP

    @property
    def pages(self) -> int:
        """Pages of results (of the counted ones)."""
        return max(1, -(-min(self.total, COUNT_CAP) // self.page_size))

    @property
    def first(self) -> int:
        """The number of the first result on this page (1-based; 0 when none)."""
        return self.page * self.page_size + 1 if self.clients or self.cases else 0

    @property
    def last(self) -> int:
        """The number of the last result on this page."""
        return self.page * self.page_size + len(self.clients or self.cases)


def name_key() -> ColumnElement[str]:
    """The indexed expression names are matched against (see the search migration)."""
    # The space is a literal, not a bound parameter, so the SQL text is the index expression
    # itself and PostgreSQL can match it even in a generic (prepared) plan.
    return func.plus_unaccent(func.lower(Client.surname + literal_column("' '") + Client.given_name))


def name_terms(query: str) -> list[str]:
    """The folded words of a name query, each without a gender-specific ending."""
    terms = []
    for word in fold(query).split():
        for ending in _ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM:
                word = word[: -len(ending)]
                break
        terms.append(word)
    return terms


def clean(query: str) -> str:
    """The query cut to MAX_QUERY_LENGTH, without control characters and surrounding blanks."""
    return _CONTROL.sub(" ", query[: MAX_QUERY_LENGTH * 2]).strip()[:MAX_QUERY_LENGTH].strip()


def classify(query: str) -> str:
    """Which kind of search a query asks for."""
    q = clean(query)
    if not q:
        return "empty"
    if _CASE_NUMBER.match(q):
        return "case_number"
    if _CODE.match(q.replace(" ", "")):
        return "personal_code"
    return "name"


def search(session: Session, query: str, actor: access.Actor, limit: int = MAX_RESULTS,
           page: int = 0) -> SearchResult:
    """Find clients and cases the actor may see: page ``page`` (from 0) of ``limit`` results,
    with the number of all matches (counted up to COUNT_CAP + 1)."""
    kind = classify(query)
    q = clean(query)
    if kind == "empty":
        return SearchResult(kind, [], [], page_size=limit)
    if kind == "case_number":
        stmt = (
            select(Case)
            .where(Case.number == q.upper(), access.case_visible(actor))
            .options(selectinload(Case.client))
        )
        cases = list(session.scalars(stmt.limit(limit)))
        return SearchResult(kind, [], cases, total=len(cases), page_size=limit)
    # A client is listed with their cases, only those the actor may see (a client of the
    # unit can have a case in another unit), loaded for all clients in one query.
    with_cases = selectinload(Client.cases.and_(access.case_visible(actor)))
    if kind == "personal_code":
        digits = q.replace(" ", "").replace("-", "")
        code = f"{digits[:6]}-{digits[6:]}"
        stmt = select(Client).where(
            Client.personal_code == code, access.condition(Client, actor)
        ).options(with_cases)
        clients = list(session.scalars(stmt.limit(limit)))
        return SearchResult(kind, clients, [], total=len(clients), page_size=limit)
    terms = name_terms(q)
    key = name_key()
    where = [access.condition(Client, actor)]
    for term in terms:
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append(key.like(f"%{escaped}%", escape="\\"))
    # Counted up to the cap only: the inner query stops at COUNT_CAP + 1 rows.
    counted = select(Client.id).where(*where).limit(COUNT_CAP + 1).subquery()
    total = session.execute(select(func.count()).select_from(counted)).scalar_one()
    pages = max(1, -(-min(total, COUNT_CAP) // limit))
    page = min(max(page, 0), pages - 1)
    stmt = (select(Client).where(*where)
            .order_by(Client.surname, Client.given_name, Client.id)
            .offset(page * limit).limit(limit))
    return SearchResult(kind, list(session.scalars(stmt.options(with_cases))), [],
                        total=total, page=page, page_size=limit)
