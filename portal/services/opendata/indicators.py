"""The result indicators of the project, for the indicator dashboard.

Each indicator is a small table (``columns``, ``rows``) plus how to draw it (``chart``);
the dashboard draws the chart in the browser and offers the table as CSV. Figures come from
GROUP BY queries. Who sees what is decided by ``portal.services.access``:

* exact figures and officer names (of their own unit) for managers and the administrator;
* for everyone else (analysts) no names at all, officers numbered instead, and counts under
  the small-cell rule of open data (:mod:`.disclosure`); a share or sum whose count is hidden
  is hidden too.

The electronic-share indicators count the connectors' exchange messages: registry queries,
decisions received from courts, prosecution and prisons, and progress data sent back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.labels import enum_label
from portal.models import (
    Case,
    CaseFunction,
    CaseStatus,
    Client,
    Decision,
    Direction,
    Employer,
    EServiceUse,
    EvaluationReport,
    EvaluationReportRequest,
    ExchangeMessage,
    ExchangeStatus,
    HoursLog,
    PlusUser,
    Process,
    TerritorialUnit,
    WorkAssignment,
)
from portal.services import access
from portal.services.opendata.datasets import WORK, active_condition
from portal.services.opendata.disclosure import MARKER, Grid, protect
from portal.services.opendata.periods import Period

__all__ = ["INDICATORS", "Indicator", "Viewer", "compute"]

# Cases whose end the court or prosecutor is told of (the execution notice).
_EXECUTED = [f for f in CaseFunction
             if f.process in (Process.FORCED_LABOUR, Process.COMMUNITY_WORK, Process.SUPERVISION)]


@dataclass(frozen=True)
class Viewer:
    """What the dashboard may show this actor (decided by ``portal.services.access``)."""

    exact: bool
    names_of_unit: int | None  # unit whose officer names are shown; None: no names
    all_names: bool = False

    @classmethod
    def of(cls, actor: access.Actor) -> Viewer:
        return cls(
            exact=access.dashboard_exact_figures(actor),
            names_of_unit=actor.unit_id if access.dashboard_officer_names(actor) else None,
            all_names=actor.is_admin,
        )


@dataclass
class Indicator:
    """One chart's data: a table and how to draw it."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    chart: dict[str, Any]
    note: str = ""
    targets: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "columns": self.columns,
                "rows": self.rows, "chart": self.chart, "note": self.note,
                "targets": self.targets, "marker": MARKER}


def _protected(viewer: Viewer, labels: list[str], counts: list[int]) -> list[int | str]:
    """Counts as the viewer may see them: exact, or under the small-cell rule (with a total
    row as the relation to protect against)."""
    if viewer.exact:
        return list(counts)
    keys = [str(i) for i in range(len(labels))]
    grid = Grid("col", keys, ["n"], {(k, "n"): n for k, n in zip(keys, counts, strict=True)},
                col_total=False).fill_totals()
    protect([grid])
    return [grid.published(k, "n") for k in keys]


def _share(part: int | str, whole: int | str) -> float | str | None:
    if part == MARKER or whole == MARKER:
        return MARKER
    if not whole:
        return None
    return round(100.0 * int(part) / int(whole), 1)


def _months(period: Period, today: dt.date) -> list[Period]:
    months = period.year_period().months() if period.is_year else [period]
    return [m for m in months if m.start <= today]


def _case_unit(unit_id: int | None) -> list[Any]:
    return [Case.unit_id == unit_id] if unit_id is not None else []


# --- indicators --------------------------------------------------------------------------------


def eservice_uses(session: Session, period: Period, unit_id: int | None, viewer: Viewer,
                  today: dt.date) -> Indicator:
    """E-service uses per month of the period's year, against the yearly targets."""
    year = period.year_period()
    unit = func.coalesce(Client.unit_id, Employer.unit_id)
    stmt = (
        select(EServiceUse.month, func.count())
        .outerjoin(PlusUser, PlusUser.id == EServiceUse.user_id)
        .outerjoin(Client, Client.id == PlusUser.client_id)
        .outerjoin(Employer, Employer.id == PlusUser.employer_id)
        .where(EServiceUse.month.between(year.start.strftime("%Y-%m"),
                                         year.end.strftime("%Y-%m")))
        .group_by(EServiceUse.month)
    )
    if unit_id is not None:
        stmt = stmt.where(unit == unit_id)
    by_month = dict(session.execute(stmt).all())
    months = _months(year, today)
    labels = [m.code for m in months]
    counts = [int(by_month.get(m.code, 0)) for m in months]
    shown = _protected(viewer, labels, counts)
    total = sum(counts)
    targets = [int(t) for t in current_app.config["INDICATOR_ESERVICE_TARGETS"]]
    rows = [[m, n] for m, n in zip(labels, shown, strict=True)]
    rows.append([_("Year %(year)s", year=year.year), total])
    return Indicator(
        "eservice-uses", _("E-service uses per month"), [_("Month"), _("Uses")], rows,
        chart={"type": "bar", "labels": labels,
               "series": [{"label": _("Uses"), "data": shown}],
               "lines": [{"label": _("Monthly pace for %(n)s a year", n=f"{t:,}".replace(",", " ")),
                          "value": round(t / 12)} for t in targets]},
        note=_("Uses this year: %(total)s; targets %(targets)s a year.", total=total,
               targets=" / ".join(f"{t:,}".replace(",", " ") for t in targets)),
        targets={"yearly": targets, "total": total},
    )


def registry_requests(session: Session, period: Period, unit_id: int | None, viewer: Viewer,
                      today: dt.date) -> Indicator:
    """Share of registry requests made electronically, per month (target 100 %).

    Every registry request PLUS makes is a query message of a registry connector, so each
    recorded request is electronic; the table also shows how many were answered.
    """
    rows, shares = [], []
    for m in _months(period, today):
        in_unit = [ExchangeMessage.unit_id == unit_id] if unit_id is not None else []
        total, answered = session.execute(
            select(func.count(ExchangeMessage.id),
                   func.count(ExchangeMessage.id).filter(
                       ExchangeMessage.status == ExchangeStatus.SENT))
            .where(ExchangeMessage.direction == Direction.QUERY,
                   ExchangeMessage.created_at >= _start_of(m.start),
                   ExchangeMessage.created_at < _start_of(m.next_start), *in_unit)
        ).one()
        total_s, answered_s = _protected(viewer, ["t", "a"], [int(total), int(answered)])
        share = _share(total_s, total_s)
        rows.append([m.code, total_s, total_s, share, answered_s])
        shares.append(share)
    return Indicator(
        "registry-requests", _("Registry requests made electronically"),
        [_("Month"), _("Requests"), _("Made electronically"), _("Share, %"), _("Answered")],
        rows,
        chart={"type": "line", "labels": [r[0] for r in rows], "max": 100,
               "series": [{"label": _("Registry requests made electronically, %"),
                           "data": shares}],
               "lines": [{"label": _("Target %(n)s %%", n=100), "value": 100}]},
        note=_("Every request to the state registries goes through a registry connector "
               "and is recorded as an exchange message, so each request counted here was "
               "made electronically. Target: 100 %."),
        targets={"share": 100},
    )


def _sent(kind: str, case_id: Any) -> Any:
    """Whether a progress message of ``kind`` about the case reached its recipient."""
    return (
        select(ExchangeMessage.id)
        .where(ExchangeMessage.case_id == case_id, ExchangeMessage.kind == kind,
               ExchangeMessage.direction == Direction.OUTBOUND,
               ExchangeMessage.status == ExchangeStatus.SENT)
        .exists()
    )


def electronic_exchange(session: Session, period: Period, unit_id: int | None, viewer: Viewer,
                        today: dt.date) -> Indicator:
    """Decisions received and progress data sent electronically, per month (60 % → 90 %).

    A decision counts as electronic when a connector received it (only a connector sets the
    mark). Progress data are the execution notices of closed forced labour, community work
    and supervision cases and the evaluation reports submitted; each counts as sent
    electronically when its exchange message was delivered.
    """
    rows = []
    dec_shares, sent_shares = [], []
    for m in _months(period, today):
        in_unit = (
            [Decision.id.in_(select(Case.decision_id).where(*_case_unit(unit_id)))]
            if unit_id is not None else []
        )
        total, electronic = session.execute(
            select(func.count(), func.count().filter(Decision.received_electronically.is_(True)))
            .where(Decision.decision_date.between(m.start, m.end), *in_unit)
        ).one()
        reports, reports_sent = session.execute(
            select(func.count(EvaluationReport.id),
                   func.count(EvaluationReport.id).filter(_sent("evaluation_report", Case.id)))
            .join(EvaluationReportRequest,
                  EvaluationReportRequest.id == EvaluationReport.request_id)
            .join(Case, Case.id == EvaluationReportRequest.case_id)
            .where(EvaluationReport.submitted_at >= _start_of(m.start),
                   EvaluationReport.submitted_at < _start_of(m.next_start), *_case_unit(unit_id))
        ).one()
        closed, closed_sent = session.execute(
            select(func.count(Case.id),
                   func.count(Case.id).filter(_sent("execution_notice", Case.id)))
            .where(Case.status == CaseStatus.CLOSED, Case.function.in_(_EXECUTED),
                   Case.end_date.between(m.start, m.end), *_case_unit(unit_id))
        ).one()
        total_s, electronic_s, due_s, sent_s = _protected(
            viewer, ["t", "e", "d", "s"],
            [int(total), int(electronic), int(reports + closed), int(reports_sent + closed_sent)])
        dec_share = _share(electronic_s, total_s)
        sent_share = _share(sent_s, due_s)
        rows.append([m.code, total_s, electronic_s, dec_share, due_s, sent_s, sent_share])
        dec_shares.append(dec_share)
        sent_shares.append(sent_share)
    return Indicator(
        "electronic-exchange", _("Decisions received and progress data sent electronically"),
        [_("Month"), _("Decisions received"), _("Received electronically"), _("Share, %"),
         _("Progress data sent"), _("Sent electronically"), _("Share, %")],
        rows,
        chart={"type": "line", "labels": [r[0] for r in rows], "max": 100,
               "series": [{"label": _("Decisions received electronically, %"),
                           "data": dec_shares},
                          {"label": _("Progress data sent electronically, %"),
                           "data": sent_shares}],
               "lines": [{"label": _("Target %(n)s %%", n=60), "value": 60},
                         {"label": _("Target %(n)s %%", n=90), "value": 90}]},
        note=_("From the exchange messages: a decision counts as received electronically "
               "when a court, prosecution or prison connector delivered it; progress data "
               "are the execution notices of closed cases and the evaluation reports "
               "submitted, sent electronically when their message was delivered."),
        targets={"share": [60, 90]},
    )


def _start_of(day: dt.date) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime.combine(day, dt.time(0), tzinfo=ZoneInfo("Europe/Riga"))


def eservice_clients(session: Session, period: Period, unit_id: int | None, viewer: Viewer,
                     today: dt.date) -> Indicator:
    """Share of active clients who used the e-services in the period (target 35 %)."""
    months = _months(period, today)
    rows, shares = [], []
    for m in [*months, period] if period.is_year else months:
        active = select(Case.client_id).where(active_condition(m), *_case_unit(unit_id))
        clients = session.execute(
            select(func.count(func.distinct(Case.client_id))).where(active_condition(m),
                                                                    *_case_unit(unit_id))
        ).scalar_one()
        users = session.execute(
            select(func.count(func.distinct(PlusUser.client_id)))
            .join(EServiceUse, EServiceUse.user_id == PlusUser.id)
            .where(PlusUser.client_id.in_(active),
                   EServiceUse.month.between(m.start.strftime("%Y-%m"), m.end.strftime("%Y-%m")))
        ).scalar_one()
        clients_s, users_s = _protected(viewer, ["c", "u"], [int(clients), int(users)])
        share = _share(users_s, clients_s)
        rows.append([m.code, clients_s, users_s, share])
        if not m.is_year or not period.is_year:
            shares.append(share)
    labels = [m.code for m in months]
    return Indicator(
        "eservice-clients", _("Clients who use the e-services"),
        [_("Period"), _("Active clients"), _("Used the e-services"), _("Share, %")], rows,
        chart={"type": "line", "labels": labels, "max": 100,
               "series": [{"label": _("Share, %"), "data": shares}],
               "lines": [{"label": _("Target %(n)s %%", n=35), "value": 35}]},
        note=_("Clients with an active case who viewed their data or submitted a form in the "
               "portal during the period."),
        targets={"share": 35},
    )


def caseload(session: Session, period: Period, unit_id: int | None, viewer: Viewer,
             today: dt.date, by: str) -> Indicator:
    """Active cases per territorial unit, per officer or per function."""
    where = [active_condition(period), *_case_unit(unit_id)]
    if by == "unit":
        data = session.execute(
            select(TerritorialUnit.name, func.count(Case.id))
            .join(Case, Case.unit_id == TerritorialUnit.id).where(*where)
            .group_by(TerritorialUnit.name).order_by(TerritorialUnit.name)
        ).all()
        labels = [name for name, _n in data]
        counts = [int(n) for _name, n in data]
        title, head = _("Caseload per territorial unit"), _("Territorial unit")
    elif by == "function":
        found = dict(session.execute(
            select(Case.function, func.count(Case.id)).where(*where).group_by(Case.function)
        ).all())
        labels = [str(enum_label(f)) for f in CaseFunction]
        counts = [int(found.get(f, 0)) for f in CaseFunction]
        title, head = _("Caseload per function"), _("Function")
    else:
        data = session.execute(
            select(Case.officer_id, Case.unit_id, PlusUser.first_name, PlusUser.last_name,
                   func.count(Case.id))
            .outerjoin(PlusUser, PlusUser.id == Case.officer_id).where(*where)
            .group_by(Case.officer_id, Case.unit_id, PlusUser.first_name, PlusUser.last_name)
            .order_by(func.count(Case.id).desc(), Case.officer_id)
        ).all()
        labels, counts = [], []
        for number, (officer_id, officer_unit, first, last, n) in enumerate(data, start=1):
            if officer_id is None:
                labels.append(_("No officer assigned"))
            elif viewer.all_names or (viewer.names_of_unit is not None
                                      and officer_unit == viewer.names_of_unit):
                labels.append(f"{first} {last}")
            else:
                labels.append(_("Officer %(n)s", n=number))
            counts.append(int(n))
        title, head = _("Caseload per officer"), _("Officer")
    shown = _protected(viewer, labels, counts)
    rows = [[label, n] for label, n in zip(labels, shown, strict=True)]
    rows.append([_("Total"), sum(counts)])
    return Indicator(
        f"caseload-{by}", title, [head, _("Active cases")], rows,
        chart={"type": "bar", "labels": labels, "horizontal": True,
               "series": [{"label": _("Active cases"), "data": shown}]},
        note=(_("Officers are numbered by caseload; names are shown to the unit's manager "
                "only.") if by == "officer" and viewer.names_of_unit is None
              and not viewer.all_names else ""),
    )


def hours(session: Session, period: Period, unit_id: int | None, viewer: Viewer,
          today: dt.date) -> Indicator:
    """Hours ordered against hours worked (confirmed) for active work cases, per function."""
    worked = (
        select(WorkAssignment.case_id.label("case_id"),
               func.sum(HoursLog.hours).label("hours"))
        .join(HoursLog, HoursLog.assignment_id == WorkAssignment.id)
        .where(HoursLog.confirmed.is_(True), HoursLog.work_date <= period.end)
        .group_by(WorkAssignment.case_id)
        .subquery("worked")
    )
    data = {
        f: (n, o, w) for f, n, o, w in session.execute(
            select(Case.function, func.count(Case.id), func.sum(Case.hours_ordered),
                   func.sum(func.coalesce(worked.c.hours, 0)))
            .outerjoin(worked, worked.c.case_id == Case.id)
            .where(active_condition(period), Case.function.in_(WORK), *_case_unit(unit_id))
            .group_by(Case.function)
        )
    }
    labels = [str(enum_label(f)) for f in WORK]
    counts = [int(data.get(f, (0, 0, 0))[0]) for f in WORK]
    shown = _protected(viewer, labels, counts)
    rows, ordered_s, worked_s = [], [], []
    for f, label, n in zip(WORK, labels, shown, strict=True):
        _n, o, w = data.get(f, (0, 0, 0))
        o = float(Decimal(str(o or 0)))
        w = float(Decimal(str(w or 0)))
        if n == MARKER:
            o = w = MARKER  # type: ignore[assignment]
        rows.append([label, n, o, w])
        ordered_s.append(o)
        worked_s.append(w)
    return Indicator(
        "hours", _("Hours ordered and hours worked"),
        [_("Function"), _("Active cases"), _("Hours ordered"), _("Hours worked")], rows,
        chart={"type": "bar", "labels": labels,
               "series": [{"label": _("Hours ordered"), "data": ordered_s},
                          {"label": _("Hours worked"), "data": worked_s}]},
        note=_("Cases of forced labour and community work active in the period; hours worked "
               "are those confirmed by an officer up to the end of the period."),
    )


INDICATORS: dict[str, Any] = {
    "eservice-uses": eservice_uses,
    "registry-requests": registry_requests,
    "electronic-exchange": electronic_exchange,
    "eservice-clients": eservice_clients,
    "caseload-unit": lambda *a: caseload(*a, by="unit"),
    "caseload-officer": lambda *a: caseload(*a, by="officer"),
    "caseload-function": lambda *a: caseload(*a, by="function"),
    "hours": hours,
}


def compute(session: Session, key: str, period: Period, unit_id: int | None,
            actor: access.Actor, today: dt.date) -> Indicator:
    """One indicator for the period and unit, as the actor may see it.

    :raises KeyError: for an unknown indicator.
    :raises PermissionError: when the actor may not see the dashboard.
    """
    if not access.can_see_dashboard(actor):
        raise PermissionError("no access to the indicator dashboard")
    return INDICATORS[key](session, period, unit_id, Viewer.of(actor), today)


def units(session: Session) -> list[tuple[int, str]]:
    """The territorial units for the unit filter."""
    return [(i, n) for i, n in session.execute(
        select(TerritorialUnit.id, TerritorialUnit.name).order_by(TerritorialUnit.name))]

