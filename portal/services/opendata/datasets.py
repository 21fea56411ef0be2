"""The eight open datasets of VPD, computed by aggregation in the database.

Every figure comes from a ``GROUP BY`` query (SQLAlchemy Core); Python only arranges the
grouped counts into tables with totals and applies :mod:`.disclosure`. Definitions shared by
the datasets:

* A case is **active** in a period when it started on or before the period's last day, had
  not ended before its first day, and is past registration (status other than "opened").
* A **client of a function** is counted once per function: of a client's active cases in
  one function only the latest counts. A client with cases in two functions is counted in
  both, so "total" rows of the function breakdowns count client–function pairs; dataset 8
  gives the number of distinct persons.
* **Economic activity** is the latest recorded at a held supervision meeting up to the end of
  the period, else at the latest risk and needs assessment; "unknown" when none is recorded.
* **Events** (mediations finished, supervision cases closed) belong to the month of the case's
  end date; their yearly table is the sum of the months and is protected against differencing
  with the monthly tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    case,
    exists,
    extract,
    false,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session

from portal.models import (
    Case,
    CaseFunction,
    CaseStatus,
    Client,
    ClosureReason,
    Decision,
    EconomicActivity,
    Gender,
    HoursLog,
    Mediation,
    MediationOutcome,
    MediationParty,
    Meeting,
    PartyRole,
    Process,
    ProgrammeParticipation,
    RiskNeedsAssessment,
    TerritorialUnit,
    WorkAssignment,
)
from portal.models.case import FUNCTION_PROCESS
from portal.services.opendata.disclosure import (
    MARKER,
    TOTAL,
    Cell,
    Grid,
    protect,
    time_relations,
)
from portal.services.opendata.periods import Period

__all__ = ["DATASETS", "DatasetResult", "compute", "compute_all"]

_RIGA = ZoneInfo("Europe/Riga")
UNKNOWN = "unknown"

SUPERVISION = [f for f in CaseFunction if FUNCTION_PROCESS[f] is Process.SUPERVISION]
WORK = [CaseFunction.FORCED_LABOUR, CaseFunction.FORCED_LABOUR_ADDITIONAL,
        CaseFunction.COMMUNITY_WORK]
AGE_GROUPS = ["under_18", "18_24", "25_34", "35_44", "45_54", "55_plus"]
OFFENCE_TYPES = ["violent", "sexual", "violent_and_sexual", "other"]
ECONOMIC = [e.value for e in EconomicActivity] + [UNKNOWN]
PARTICIPATION = ["completed", "participating", "not_participating"]
MEDIATION_OUTCOMES = [MediationOutcome.RECONCILED.value, MediationOutcome.NOT_RECONCILED.value,
                      MediationOutcome.REFUSED.value]
REOFFENDING = ["no_new_offence", "new_offence"]
PERSON_GROUPS = [p.value for p in Process] + ["all_clients", "mediation_victims", "all_persons"]


@dataclass
class DatasetResult:
    """One dataset for one period: its tables after disclosure control, as records."""

    key: str
    period: Period
    columns: list[str]
    rows: list[list[Any]]
    grids: list[Grid] = field(default_factory=list)
    # Tables of the months the yearly table was protected against (additive datasets).
    month_grids: list[list[Grid]] = field(default_factory=list)

    def as_dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


# --- shared SQL pieces -----------------------------------------------------------------------


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=_RIGA)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def active_condition(period: Period) -> ColumnElement[bool]:
    return and_(
        Case.start_date <= period.end,
        or_(Case.end_date.is_(None), Case.end_date >= period.start),
        Case.status != CaseStatus.OPENED,
    )


def _ranked_cases(
    period: Period, unit_id: int | None, functions: list[CaseFunction] | None = None
) -> Any:
    """Active cases with ``rn`` = 1 on the latest case of each client and function."""
    where = [active_condition(period)]
    if unit_id is not None:
        where.append(Case.unit_id == unit_id)
    if functions is not None:
        where.append(Case.function.in_(functions))
    rn = func.row_number().over(
        partition_by=(Case.client_id, Case.function),
        order_by=(Case.start_date.desc(), Case.id.desc()),
    )
    return (
        select(
            Case.id.label("case_id"), Case.client_id, Case.function, Case.decision_id,
            Case.hours_ordered, rn.label("rn"),
        )
        .where(*where)
        .subquery("ranked")
    )


def _economic_now(case_id: Any, period: Period) -> ColumnElement[str]:
    meeting = (
        select(Meeting.economic_activity)
        .where(Meeting.case_id == case_id, Meeting.held.is_(True),
               Meeting.economic_activity.is_not(None),
               Meeting.scheduled_at < _midnight(period.next_start))
        .order_by(Meeting.scheduled_at.desc(), Meeting.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    assessment = (
        select(RiskNeedsAssessment.economic_activity)
        .where(RiskNeedsAssessment.case_id == case_id,
               RiskNeedsAssessment.economic_activity.is_not(None),
               RiskNeedsAssessment.assessment_date <= period.end)
        .order_by(RiskNeedsAssessment.assessment_date.desc(), RiskNeedsAssessment.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(meeting, assessment, literal(UNKNOWN), type_=String)


def _economic_start(case_id: Any, period: Period) -> ColumnElement[str]:
    assessment = (
        select(RiskNeedsAssessment.economic_activity)
        .where(RiskNeedsAssessment.case_id == case_id,
               RiskNeedsAssessment.economic_activity.is_not(None),
               RiskNeedsAssessment.assessment_date <= period.end)
        .order_by(RiskNeedsAssessment.assessment_date, RiskNeedsAssessment.id)
        .limit(1)
        .scalar_subquery()
    )
    meeting = (
        select(Meeting.economic_activity)
        .where(Meeting.case_id == case_id, Meeting.held.is_(True),
               Meeting.economic_activity.is_not(None),
               Meeting.scheduled_at < _midnight(period.next_start))
        .order_by(Meeting.scheduled_at, Meeting.id)
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(assessment, meeting, literal(UNKNOWN), type_=String)


def _code(value: Any) -> str:
    return getattr(value, "value", value) if value is not None else UNKNOWN


def _grid(grid_id: str, rows: list[str], cols: list[str], counts: dict[tuple[str, str], int],
          **kw: Any) -> Grid:
    return Grid(grid_id, list(rows), list(cols), dict(counts), **kw).fill_totals()


def _add(counts: dict[tuple[str, str], int], key: tuple[str, str], n: int) -> None:
    counts[key] = counts.get(key, 0) + int(n)


def _grid_records(period: Period, grid: Grid, *lead: str) -> list[list[Any]]:
    return [
        [period.code, *lead, r, c, grid.published(r, c)]
        for r in grid.all_rows() for c in grid.all_cols()
    ]


def _average(total: Any, n: int) -> float | None:
    if not n or total is None:
        return None
    return round(float(Decimal(str(total)) / n), 1)


# --- 1. active clients by function and characteristics ------------------------------------------

_BREAKDOWNS = {
    "gender": [g.value for g in Gender],
    "age_group": AGE_GROUPS,
    "offence_type": OFFENCE_TYPES,
    "economic_activity": ECONOMIC,
}


def _active_clients(session: Session, period: Period, unit_id: int | None) -> list[Grid]:
    r = _ranked_cases(period, unit_id)
    end = period.end
    born = Client.birth_date
    age = case(
        (born > _years_before(end, 18), "under_18"),
        (born > _years_before(end, 25), "18_24"),
        (born > _years_before(end, 35), "25_34"),
        (born > _years_before(end, 45), "35_44"),
        (born > _years_before(end, 55), "45_54"),
        else_="55_plus",
    )
    violent = func.coalesce(Decision.violent_offence, false())
    sexual = func.coalesce(Decision.sexual_offence, false())
    offence = case(
        (and_(violent, sexual), "violent_and_sexual"),
        (violent, "violent"),
        (sexual, "sexual"),
        else_="other",
    )
    inner = (
        select(
            r.c.function.label("function"), Client.gender.label("gender"),
            age.label("age_group"), offence.label("offence_type"),
            _economic_now(r.c.case_id, period).label("economic_activity"),
        )
        .select_from(r)
        .join(Client, Client.id == r.c.client_id)
        .outerjoin(Decision, Decision.id == r.c.decision_id)
        .where(r.c.rn == 1)
        .subquery("pairs")
    )
    cols = [inner.c.function, inner.c.gender, inner.c.age_group, inner.c.offence_type,
            inner.c.economic_activity]
    counts: dict[str, dict[tuple[str, str], int]] = {k: {} for k in _BREAKDOWNS}
    for function, gender, age_group, offence_type, economic, n in session.execute(
        select(*cols, func.count()).group_by(*cols)
    ):
        f = _code(function)
        for key, value in (("gender", gender), ("age_group", age_group),
                           ("offence_type", offence_type), ("economic_activity", economic)):
            _add(counts[key], (f, _code(value)), n)
    functions = [f.value for f in CaseFunction]
    return [_grid(key, functions, cats, counts[key]) for key, cats in _BREAKDOWNS.items()]


def _active_clients_records(period: Period, grids: list[Grid]) -> list[list[Any]]:
    return [
        [period.code, r, g.id, c, g.published(r, c)]
        for g in grids for r in g.all_rows() for c in g.all_cols()
    ]


# --- 2. average supervision term ---------------------------------------------------------------


def _supervision_term(session: Session, period: Period, unit_id: int | None) -> list[Grid]:
    r = _ranked_cases(period, unit_id, SUPERVISION)
    stmt = (
        select(r.c.function, func.count(), func.sum(Decision.supervision_months))
        .select_from(r)
        .join(Decision, Decision.id == r.c.decision_id)
        .where(r.c.rn == 1, Decision.supervision_months.is_not(None))
        .group_by(r.c.function)
    )
    counts: dict[tuple[str, str], int] = {}
    sums: dict[str, int] = {}
    for function, n, months in session.execute(stmt):
        counts[(_code(function), "clients")] = n
        sums[_code(function)] = int(months or 0)
    grid = _grid("term", [f.value for f in SUPERVISION], ["clients"], counts, col_total=False)
    grid.measures = {
        row: _average(sums.get(row, 0) if row != TOTAL else sum(sums.values()),
                      grid.value(row, "clients"))
        for row in grid.all_rows()
    }
    return [grid]


def _averages_records(period: Period, grids: list[Grid], count_col: str) -> list[list[Any]]:
    grid = grids[0]
    out = []
    for row in grid.all_rows():
        hidden = (row, count_col) in grid.suppressed
        measures = grid.measures[row]
        if not isinstance(measures, tuple):
            measures = (measures,)
        out.append([
            period.code, row, grid.published(row, count_col),
            *((MARKER if hidden else m) for m in measures),
        ])
    return out


# --- 3. programme participation ----------------------------------------------------------------


def _programmes(session: Session, period: Period, unit_id: int | None) -> list[Grid]:
    r = _ranked_cases(period, unit_id, SUPERVISION)
    pp = ProgrammeParticipation
    completed = exists().where(
        pp.case_id == r.c.case_id, pp.completed.is_(True),
        pp.end_date.between(period.start, period.end),
    )
    participating = exists().where(
        pp.case_id == r.c.case_id, pp.start_date <= period.end,
        or_(pp.end_date.is_(None), pp.end_date >= period.start),
    )
    status = case((completed, "completed"), (participating, "participating"),
                  else_="not_participating")
    inner = select(r.c.function.label("function"), status.label("status")).where(
        r.c.rn == 1).subquery("pairs")
    counts: dict[tuple[str, str], int] = {}
    for function, st, n in session.execute(
        select(inner.c.function, inner.c.status, func.count())
        .group_by(inner.c.function, inner.c.status)
    ):
        _add(counts, (_code(function), st), n)
    return [_grid("programmes", [f.value for f in SUPERVISION], PARTICIPATION, counts)]


# --- 4. change in economic activity ------------------------------------------------------------


def _economic_change(session: Session, period: Period, unit_id: int | None) -> list[Grid]:
    r = _ranked_cases(period, unit_id, SUPERVISION)
    inner = select(
        _economic_start(r.c.case_id, period).label("start"),
        _economic_now(r.c.case_id, period).label("now"),
    ).where(r.c.rn == 1).subquery("pairs")
    counts: dict[tuple[str, str], int] = {}
    for start, now, n in session.execute(
        select(inner.c.start, inner.c.now, func.count()).group_by(inner.c.start, inner.c.now)
    ):
        _add(counts, (_code(start), _code(now)), n)
    return [_grid("economic_change", ECONOMIC, ECONOMIC, counts)]


# --- 5. mediations (events, additive over months) ------------------------------------------------


def _mediations_by_month(session: Session, period: Period, unit_id: int | None,
                         units: list[str]) -> dict[int, dict[tuple[str, str], int]]:
    month = extract("month", Case.end_date)
    stmt = (
        select(month, TerritorialUnit.code, Mediation.outcome, func.count())
        .select_from(Mediation)
        .join(Case, Case.id == Mediation.case_id)
        .join(TerritorialUnit, TerritorialUnit.id == Case.unit_id)
        .where(Case.status == CaseStatus.CLOSED,
               Case.end_date.between(period.start, period.end),
               Mediation.outcome != MediationOutcome.PENDING)
        .group_by(month, TerritorialUnit.code, Mediation.outcome)
    )
    if unit_id is not None:
        stmt = stmt.where(Case.unit_id == unit_id)
    out: dict[int, dict[tuple[str, str], int]] = {}
    for m, unit, outcome, n in session.execute(stmt):
        _add(out.setdefault(int(m), {}), (unit, _code(outcome)), n)
    return out


def _reoffending_by_month(session: Session, period: Period, unit_id: int | None,
                          units: list[str]) -> dict[int, dict[tuple[str, str], int]]:
    month = extract("month", Case.end_date)
    category = case((Case.closure_reason == ClosureReason.NEW_OFFENCE, "new_offence"),
                    else_="no_new_offence")
    stmt = (
        select(month, Case.function, category, func.count())
        .where(Case.status == CaseStatus.CLOSED, Case.function.in_(SUPERVISION),
               Case.end_date.between(period.start, period.end))
        .group_by(month, Case.function, category)
    )
    if unit_id is not None:
        stmt = stmt.where(Case.unit_id == unit_id)
    out: dict[int, dict[tuple[str, str], int]] = {}
    for m, function, cat, n in session.execute(stmt):
        _add(out.setdefault(int(m), {}), (_code(function), cat), n)
    return out


# --- 7. hours of forced labour and community work ------------------------------------------------


def _work_hours(session: Session, period: Period, unit_id: int | None) -> list[Grid]:
    r = _ranked_cases(period, unit_id, WORK)
    worked = (
        select(func.coalesce(func.sum(HoursLog.hours), 0))
        .join(WorkAssignment, WorkAssignment.id == HoursLog.assignment_id)
        .where(WorkAssignment.case_id == r.c.case_id, HoursLog.confirmed.is_(True),
               HoursLog.work_date <= period.end)
        .scalar_subquery()
    )
    inner = select(r.c.function.label("function"), r.c.hours_ordered.label("ordered"),
                   worked.label("worked")).where(r.c.rn == 1).subquery("pairs")
    counts: dict[tuple[str, str], int] = {}
    sums: dict[str, tuple[Any, Any]] = {}
    for function, n, ordered, done in session.execute(
        select(inner.c.function, func.count(), func.sum(inner.c.ordered), func.sum(inner.c.worked))
        .group_by(inner.c.function)
    ):
        counts[(_code(function), "clients")] = n
        sums[_code(function)] = (ordered or 0, done or 0)
    grid = _grid("hours", [f.value for f in WORK], ["clients"], counts, col_total=False)
    total = (sum(Decimal(str(o)) for o, _ in sums.values()),
             sum(Decimal(str(w)) for _, w in sums.values()))
    grid.measures = {
        row: tuple(_average(x, grid.value(row, "clients"))
                   for x in (total if row == TOTAL else sums.get(row, (0, 0))))
        for row in grid.all_rows()
    }
    return [grid]


# --- 8. active persons and clients ---------------------------------------------------------------


def _persons(session: Session, period: Period, unit_id: int | None) -> list[Grid]:
    process = case(
        *((Case.function.in_([f for f, p in FUNCTION_PROCESS.items() if p is proc]), proc.value)
          for proc in Process),
        else_=UNKNOWN,
    )
    where = [active_condition(period)]
    if unit_id is not None:
        where.append(Case.unit_id == unit_id)
    counts: dict[tuple[str, str], int] = {}
    for proc, n in session.execute(
        select(process, func.count(func.distinct(Case.client_id))).where(*where).group_by(process)
    ):
        counts[(proc, "persons")] = n
    counts[("all_clients", "persons")] = session.execute(
        select(func.count(func.distinct(Case.client_id))).where(*where)
    ).scalar_one()
    victims = session.execute(
        select(func.count(MediationParty.id))
        .join(Mediation, Mediation.id == MediationParty.mediation_id)
        .join(Case, Case.id == Mediation.case_id)
        .where(*where, MediationParty.role == PartyRole.VICTIM,
               MediationParty.is_legal_person.is_(False))
    ).scalar_one()
    counts[("mediation_victims", "persons")] = victims
    counts[("all_persons", "persons")] = counts[("all_clients", "persons")] + victims
    processes = [p.value for p in Process]
    # No total row: the groups overlap. The equations that hold (or nearly: a client active
    # in two processes) are declared so that subtraction cannot undo a suppression.
    return [Grid(
        "persons", PERSON_GROUPS, ["persons"], counts, row_total=False, col_total=False,
        extra=[([(p, "persons") for p in processes], ("all_clients", "persons")),
               ([("all_clients", "persons"), ("mediation_victims", "persons")],
                ("all_persons", "persons"))],
    )]


def shared_margins(grids: list[Grid]) -> list[tuple[tuple[Cell, ...], Cell]]:
    """Equations "this total is that total" between tables of one dataset that break the
    same rows down in different ways (dataset 1: the clients of a function are the same
    number in the gender, age, offence and economic activity tables), so that a total hidden
    in one table is not simply read off another."""
    if len(grids) < 2:
        return []
    first, rest = grids[0], grids[1:]
    out: list[tuple[tuple[Cell, ...], Cell]] = []
    for row in first.all_rows():
        for other in rest:
            if first.col_total and other.col_total and row in other.all_rows():
                out.append((((first.id, row, TOTAL),), (other.id, row, TOTAL)))
    return out


# --- the registry --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    """How one dataset is computed and laid out."""

    key: str
    number: int
    columns: tuple[str, ...]
    compute_grids: Callable[..., list[Grid]] | None = None
    records: Callable[[Period, list[Grid]], list[list[Any]]] | None = None
    # Events: month tables add up to the year (computed by month in one query).
    by_month: Callable[..., dict[int, dict[tuple[str, str], int]]] | None = None
    row_codes: Callable[[Session], list[str]] | None = None
    col_codes: tuple[str, ...] = ()


def _unit_codes(session: Session) -> list[str]:
    return list(session.scalars(select(TerritorialUnit.code).order_by(TerritorialUnit.code)))


DATASETS: dict[str, Dataset] = {d.key: d for d in (
    Dataset("active-clients", 1, ("period", "function", "breakdown", "category", "clients"),
            _active_clients, _active_clients_records),
    Dataset("supervision-term", 2, ("period", "function", "clients", "average_term_months"),
            _supervision_term, lambda p, g: _averages_records(p, g, "clients")),
    Dataset("programme-participation", 3, ("period", "function", "participation", "clients"),
            _programmes, lambda p, g: _grid_records(p, g[0])),
    Dataset("economic-activity-change", 4,
            ("period", "activity_at_start", "activity_at_period_end", "clients"),
            _economic_change, lambda p, g: _grid_records(p, g[0])),
    Dataset("mediations", 5, ("period", "unit", "outcome", "mediations"),
            by_month=_mediations_by_month, row_codes=_unit_codes,
            col_codes=tuple(MEDIATION_OUTCOMES)),
    Dataset("reoffending", 6, ("period", "function", "outcome", "clients"),
            by_month=_reoffending_by_month,
            row_codes=lambda s: [f.value for f in SUPERVISION], col_codes=tuple(REOFFENDING)),
    Dataset("work-hours", 7,
            ("period", "function", "clients", "average_hours_ordered", "average_hours_worked"),
            _work_hours, lambda p, g: _averages_records(p, g, "clients")),
    Dataset("active-persons", 8, ("period", "group", "persons"),
            _persons, lambda p, g: [[p.code, r, g[0].published(r, "persons")]
                                    for r in g[0].all_rows()]),
)}


def compute(session: Session, key: str, period: Period, unit_id: int | None = None,
            published: Callable[[str, str], set[tuple[str, str]] | None] | None = None
            ) -> DatasetResult:
    """Compute one dataset for one period, with disclosure control applied.

    :param published: ``(dataset, month) -> hidden cells`` of a month already published, or
        None. A yearly table is protected against the months as the public has them (late
        corrections may have changed the figures since); months not published yet are
        protected as they will be.
    :raises KeyError: for an unknown dataset key.
    """
    spec = DATASETS[key]
    if spec.by_month is None:
        assert spec.compute_grids is not None and spec.records is not None
        grids = spec.compute_grids(session, period, unit_id)
        protect(grids, extra_relations=shared_margins(grids))
        return DatasetResult(key, period, list(spec.columns), spec.records(period, grids), grids)
    assert spec.row_codes is not None
    rows = spec.row_codes(session)
    cols = list(spec.col_codes)
    by_month = spec.by_month(session, period, unit_id, rows)
    months = period.months()
    month_grids = []
    for m in months:
        g = _grid(f"{m.code}", rows, cols, by_month.get(m.month or 0, {}))
        pattern = published(key, m.code) if published and period.is_year else None
        if pattern is not None:
            g.suppressed = {cell for cell in pattern if cell in set(g.cells())}
        else:
            protect([g])  # as it will be published on its own
        month_grids.append(g)
    if period.is_year:
        year = _grid(period.code, rows, cols, {})
        for g in month_grids:
            for cell in g.cells():
                year.values[cell] = year.values.get(cell, 0) + g.value(*cell)
        # A year cell whose months are all published is given back by addition: never pick
        # it as a secondary suppression unless nothing else works.
        avoid = {
            (year.id, *cell): not any(cell in g.suppressed for g in month_grids)
            for cell in year.cells()
        }
        protect([year], fixed=month_grids,
                extra_relations=time_relations(month_grids, year), avoid=avoid)
        grids, fixed = [year], [month_grids]
    else:
        grids, fixed = month_grids, []
    records = [row for row in _grid_records(period, grids[0])]
    return DatasetResult(key, period, list(spec.columns), records, grids, fixed)


def compute_all(session: Session, period: Period, unit_id: int | None = None,
                published: Callable[[str, str], set[tuple[str, str]] | None] | None = None
                ) -> list[DatasetResult]:
    """All eight datasets for one period."""
    return [compute(session, key, period, unit_id, published) for key in DATASETS]
