"""Who may be given which work, and how many hours: minors' limits and convictions' exclusions,
and the days hours may be reported for (not after today, not before the referral starts).

Community work is served by children aged 11 to 18, and the law limits what work they may do
and for how long. The limits are configuration (``MINOR_*`` in ``config.py``); this module is
the one place that applies them. The screens call it from their field validators (the message
beside the field), the REST API from its ``pre_add``/``pre_update``, the portal before storing a
submission, and :func:`install` hooks it into every flush of the session, so no other path
(an accepted portal report, a connector, a task) can store a referral, a schedule day or an
hours report beyond the limits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from portal.models import (
    Case,
    Client,
    Decision,
    Employer,
    HoursLog,
    WorkAssignment,
    WorkKind,
    WorkScheduleEntry,
)
from portal.services.errors import ValidationFailed

_DEFAULTS: dict[str, Any] = {
    "MINOR_AGE_LIMIT": 18,
    "MINOR_HOURS_LIMITS": "11:4:20,15:7:35",
    "MINOR_EXCLUDED_WORK_KINDS": (
        "construction,work_at_height,hazardous_substances,machinery,heavy_lifting"
    ),
    "SEXUAL_OFFENCE_EXCLUDED_WORK_KINDS": "work_with_children,social_care",
    "VIOLENT_OFFENCE_EXCLUDED_WORK_KINDS": "work_with_children",
}


def _setting(name: str) -> Any:
    if has_app_context():
        return current_app.config.get(name, _DEFAULTS[name])
    return _DEFAULTS[name]


@dataclass(frozen=True)
class HoursLimit:
    """The most hours a day and a week for clients from ``from_age`` (in full years)."""

    from_age: int
    per_day: Decimal
    per_week: Decimal


def parse_limits(text: str) -> list[HoursLimit]:
    """``"11:4:20,15:7:35"`` as limits sorted by age.

    :raises ValueError: on a malformed setting (a deployment error, reported at start-up).
    """
    limits = []
    for part in str(text or "").split(","):
        if not part.strip():
            continue
        age, day, week = (p.strip() for p in part.split(":"))
        limits.append(HoursLimit(int(age), Decimal(day), Decimal(week)))
    return sorted(limits, key=lambda lim: lim.from_age)


def parse_kinds(text: str) -> frozenset[WorkKind]:
    """A comma-separated list of WorkKind values.

    :raises ValueError: on a value that is no kind of work.
    """
    return frozenset(WorkKind(p.strip()) for p in str(text or "").split(",") if p.strip())


def age_on(born: dt.date, day: dt.date) -> int:
    """Age in full years on ``day``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def minor_limit(born: dt.date | None, day: dt.date) -> HoursLimit | None:
    """The hours limit of a client born on ``born`` working on ``day``; None for an adult."""
    if born is None:
        return None
    age = age_on(born, day)
    if age >= int(_setting("MINOR_AGE_LIMIT")):
        return None
    limits = parse_limits(_setting("MINOR_HOURS_LIMITS"))
    if not limits:
        return None
    band = limits[0]  # a child below the first band is held to its (strictest) limit
    for limit in limits:
        if age >= limit.from_age:
            band = limit
    return band


def minors_excluded_kinds() -> frozenset[WorkKind]:
    """Kinds of work a minor may not be given (``MINOR_EXCLUDED_WORK_KINDS``)."""
    return parse_kinds(_setting("MINOR_EXCLUDED_WORK_KINDS"))


def conviction_excluded_kinds(decisions: Iterable[Decision | None]) -> frozenset[WorkKind]:
    """Kinds of work excluded by the client's convictions (sexual or violent offences)."""
    kinds: set[WorkKind] = set()
    for decision in decisions:
        if decision is None:
            continue
        if decision.sexual_offence:
            kinds |= parse_kinds(_setting("SEXUAL_OFFENCE_EXCLUDED_WORK_KINDS"))
        if decision.violent_offence:
            kinds |= parse_kinds(_setting("VIOLENT_OFFENCE_EXCLUDED_WORK_KINDS"))
    return frozenset(kinds)


def client_decisions(session: Session, client_id: int) -> list[Decision]:
    """Every decision on record for the client (through their cases or directly)."""
    with session.no_autoflush:
        via_case = select(Case.decision_id).where(Case.client_id == client_id)
        return list(session.execute(
            select(Decision).where(
                (Decision.client_id == client_id) | Decision.id.in_(via_case)
            )
        ).scalars())


# --- the checks -----------------------------------------------------------------------------


def check_assignment(
    session: Session,
    *,
    case: Case | None,
    employer: Employer | None,
    work_kind: WorkKind | None,
    start_date: dt.date | None,
) -> None:
    """A referral to an employer: a minor only to an employer that accepts minors, and no
    kind of work excluded for minors or by the client's convictions.

    :raises ValidationFailed: naming the field at fault (``employer`` or ``work_kind``).
    """
    if case is None:
        return
    with session.no_autoflush:
        client = session.get(Client, case.client_id) if case.client_id else case.client
        if client is None:
            return
        on = start_date or dt.date.today()
        if minor_limit(client.birth_date, on) is not None:
            if employer is not None and not employer.accepts_minors:
                raise ValidationFailed(
                    _l("The client is a minor (%(age)s) and this employer does not accept "
                       "minors. Choose an employer that accepts minors.",
                       age=age_on(client.birth_date, on)),
                    "employer",
                )
            if work_kind is None:
                raise ValidationFailed(
                    _l("The client is a minor: choose the kind of work, so the limits for "
                       "minors can be checked."),
                    "work_kind",
                )
            if work_kind in minors_excluded_kinds():
                raise ValidationFailed(
                    _l("This kind of work (%(kind)s) may not be given to a minor.",
                       kind=str(work_kind)),
                    "work_kind",
                )
        if work_kind is not None and work_kind in conviction_excluded_kinds(
            client_decisions(session, client.id)
        ):
            raise ValidationFailed(
                _l("This kind of work (%(kind)s) is excluded by the client's conviction.",
                   kind=str(work_kind)),
                "work_kind",
            )


def _week(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def _hours_of(
    session: Session,
    model: type[HoursLog] | type[WorkScheduleEntry],
    client_id: int,
    first: dt.date,
    last: dt.date,
    exclude_id: int | None,
) -> Decimal:
    """The client's hours (reported or planned) from ``first`` to ``last``, all referrals."""
    column = model.hours if model is HoursLog else model.planned_hours  # type: ignore[union-attr]
    stmt = (
        select(func.coalesce(func.sum(column), 0))
        .join(WorkAssignment, WorkAssignment.id == model.assignment_id)
        .join(Case, Case.id == WorkAssignment.case_id)
        .where(Case.client_id == client_id, model.work_date >= first, model.work_date <= last)
    )
    if exclude_id is not None:
        stmt = stmt.where(model.id != exclude_id)
    return Decimal(str(session.execute(stmt).scalar_one()))


def check_day_hours(
    session: Session,
    *,
    model: type[HoursLog] | type[WorkScheduleEntry],
    assignment: WorkAssignment | None,
    work_date: dt.date | None,
    hours: Decimal | None,
    exclude_id: int | None = None,
    field: str = "hours",
    unsaved: Iterable[tuple[dt.date, Decimal]] = (),
) -> None:
    """A schedule day (``WorkScheduleEntry``) or an hours report (``HoursLog``) of a minor
    may not take the day's or the week's (Monday to Sunday) hours beyond the limits of the
    client's age; the client's other referrals count too. ``exclude_id`` is the row being
    edited; ``unsaved`` are the client's (date, hours) of the same kind not yet stored (earlier
    rows of the same portal report).

    :raises ValidationFailed: beside ``field``.
    """
    if assignment is None or work_date is None or hours is None:
        return
    with session.no_autoflush:
        case = assignment.case if assignment.case is not None else session.get(
            Case, assignment.case_id)
        if case is None:
            return
        client = session.get(Client, case.client_id)
        if client is None:
            return
        limit = minor_limit(client.birth_date, work_date)
        if limit is None:
            return
        hours = Decimal(str(hours))
        age = age_on(client.birth_date, work_date)
        unsaved = list(unsaved)
        day_total = (_hours_of(session, model, client.id, work_date, work_date, exclude_id)
                     + hours + sum((h for d, h in unsaved if d == work_date), Decimal(0)))
        if day_total > limit.per_day:
            raise ValidationFailed(
                _l("A minor aged %(age)s may work at most %(max)s hours a day; with this "
                   "entry the day would have %(total)s.",
                   age=age, max=_plain(limit.per_day), total=_plain(day_total)),
                field,
            )
        first, last = _week(work_date)
        week_total = (_hours_of(session, model, client.id, first, last, exclude_id)
                      + hours + sum((h for d, h in unsaved if first <= d <= last), Decimal(0)))
        if week_total > limit.per_week:
            raise ValidationFailed(
                _l("A minor aged %(age)s may work at most %(max)s hours a week; with this "
                   "entry the week from %(monday)s would have %(total)s.",
                   age=age, max=_plain(limit.per_week), total=_plain(week_total),
                   monday=first.strftime("%d.%m.%Y")),
                field,
            )


def check_work_day(
    session: Session,
    *,
    assignment: WorkAssignment | None,
    work_date: dt.date | None,
    field: str = "work_date",
    today: dt.date | None = None,
) -> None:
    """Hours may be reported or confirmed only for a day that has come and on which the
    referral had started: not after today, not before the assignment's start date.

    :raises ValidationFailed: beside ``field``.
    """
    if work_date is None:
        return
    from portal.services.casework.rules import today as service_today

    now = today or service_today()
    if work_date > now:
        raise ValidationFailed(
            _l("Hours cannot be reported for a day after today (%(today)s).",
               today=now.strftime("%d.%m.%Y")),
            field,
        )
    if assignment is None:
        return
    start = assignment.start_date
    if start is None and assignment.id is not None:
        with session.no_autoflush:
            start = session.scalar(select(WorkAssignment.start_date)
                                   .where(WorkAssignment.id == assignment.id))
    if start is not None and work_date < start:
        raise ValidationFailed(
            _l("Hours cannot be reported for a day before the work assignment starts "
               "(%(start)s).", start=start.strftime("%d.%m.%Y")),
            field,
        )


def _plain(number: Decimal) -> str:
    text = f"{number.normalize():f}"
    return text


# --- the portal ------------------------------------------------------------------------------


def submission_errors(session: Session, intake: Any, data: dict[str, Any]) -> dict[str, list[str]]:
    """Limits broken by a portal report's rows (hours worked, schedule days), by field path.

    ``intake`` is the form's ``plus.intake`` mapping and ``data`` the validated submission;
    each ``HoursLog`` or ``WorkScheduleEntry`` row it would create is checked as if stored,
    earlier rows of the same report counting towards the day and the week.
    """
    from portal.services.intake.changes import Problem, convert

    errors: dict[str, list[str]] = {}
    targets = {"HoursLog": (HoursLog, "hours"), "WorkScheduleEntry": (WorkScheduleEntry,
                                                                       "planned_hours")}
    for entry in intake if isinstance(intake, list) else []:
        if not isinstance(entry, dict) or entry.get("target") not in targets:
            continue
        model, hours_col = targets[entry["target"]]
        fields = entry.get("fields") if isinstance(entry.get("fields"), dict) else {}
        each = entry.get("each")
        rows = data.get(each) if isinstance(each, str) else [data]
        unsaved: dict[int, list[tuple[dt.date, Decimal]]] = {}
        for i, row in enumerate(rows if isinstance(rows, list) else []):
            if not isinstance(row, dict):
                continue
            keys = {col: fields.get(col) for col in ("assignment_id", "work_date", hours_col)}
            if not all(isinstance(k, str) for k in keys.values()):
                continue
            try:
                assignment_id = int(str(row.get(keys["assignment_id"])))
                day = convert(model, "work_date", row.get(keys["work_date"]))
                hours = convert(model, hours_col, row.get(keys[hours_col]))
            except (Problem, ValueError, TypeError):
                continue  # the form's own validation reports a malformed value
            assignment = session.get(WorkAssignment, assignment_id)
            if assignment is None or day is None or hours is None:
                continue
            if model is HoursLog:
                try:
                    check_work_day(session, assignment=assignment, work_date=day)
                except ValidationFailed as exc:
                    path = f"{each}[{i}].{keys['work_date']}" if isinstance(each, str) else str(
                        keys["work_date"])
                    errors.setdefault(path, []).append(str(exc.message))
                    continue
            client_id = session.get(Case, assignment.case_id).client_id  # type: ignore[union-attr]
            try:
                check_day_hours(session, model=model, assignment=assignment, work_date=day,
                                hours=hours, unsaved=unsaved.get(client_id, ()))
            except ValidationFailed as exc:
                path = f"{each}[{i}].{keys[hours_col]}" if isinstance(each, str) else str(
                    keys[hours_col])
                errors.setdefault(path, []).append(str(exc.message))
                continue
            unsaved.setdefault(client_id, []).append((day, hours))
    return errors


# --- the guard on every flush --------------------------------------------------------------

_WATCHED = {
    WorkAssignment: ("case_id", "employer_id", "work_kind", "start_date"),
    WorkScheduleEntry: ("assignment_id", "work_date", "planned_hours"),
    HoursLog: ("assignment_id", "work_date", "hours"),
}


def check_record(session: Session, obj: Any) -> None:
    """Apply the rules of this module to a new or changed row of the work tables.

    :raises ValidationFailed: when the row breaks a limit.
    """
    with session.no_autoflush:
        if isinstance(obj, WorkAssignment):
            case = obj.case or (session.get(Case, obj.case_id) if obj.case_id else None)
            employer = obj.employer or (
                session.get(Employer, obj.employer_id) if obj.employer_id else None)
            check_assignment(session, case=case, employer=employer, work_kind=obj.work_kind,
                             start_date=obj.start_date)
            return
        assignment = obj.assignment or (
            session.get(WorkAssignment, obj.assignment_id) if obj.assignment_id else None)
        if isinstance(obj, WorkScheduleEntry):
            check_day_hours(session, model=WorkScheduleEntry, assignment=assignment,
                            work_date=obj.work_date, hours=obj.planned_hours,
                            exclude_id=obj.id, field="planned_hours")
        elif isinstance(obj, HoursLog):
            check_work_day(session, assignment=assignment, work_date=obj.work_date)
            check_day_hours(session, model=HoursLog, assignment=assignment,
                            work_date=obj.work_date, hours=obj.hours, exclude_id=obj.id)


def _changed(obj: Any, columns: tuple[str, ...]) -> bool:
    from sqlalchemy import inspect

    state = inspect(obj)
    return any(state.attrs[c].history.has_changes() for c in columns)


def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    for obj in list(session.new) + list(session.dirty):
        columns = _WATCHED.get(type(obj))
        if columns is None:
            continue
        if obj in session.dirty and not _changed(obj, columns):
            # e.g. confirming reported hours: the limits were checked when reported, but the
            # day may not have come then (an old report) and may not be confirmed before it.
            if isinstance(obj, HoursLog) and _changed(obj, ("confirmed",)) and obj.confirmed:
                assignment = obj.assignment or session.get(WorkAssignment, obj.assignment_id)
                check_work_day(session, assignment=assignment, work_date=obj.work_date)
            continue
        check_record(session, obj)


def install(session: Any) -> None:
    """Check every flush of the work tables against the limits (a session or sessionmaker)."""
    if not event.contains(session, "before_flush", _before_flush):
        event.listen(session, "before_flush", _before_flush)
