"""Field validators that put the minors' and convictions' limits beside the field at fault.

The rules are in :mod:`portal.services.work.limits`; these only hand it the form's values.
"""

from __future__ import annotations

from typing import Any

from portal.extensions import db
from portal.models import HoursLog, WorkKind, WorkScheduleEntry
from portal.services.work import limits as work_limits
from portal.views.fields import _edited_pk, rule


def _assignment(employer: Any, case: Any, kind: Any, start: Any) -> None:
    work_limits.check_assignment(
        db.session, case=case, employer=employer,
        work_kind=kind if isinstance(kind, WorkKind) else None, start_date=start,
    )


def _assignment_by_kind(kind: Any, case: Any, employer: Any, start: Any) -> None:
    _assignment(employer, case, kind, start)


def _schedule(hours: Any, assignment: Any, work_date: Any) -> None:
    work_limits.check_day_hours(
        db.session, model=WorkScheduleEntry, assignment=assignment, work_date=work_date,
        hours=hours, exclude_id=_edited_pk(), field="planned_hours",
    )


def _hours(hours: Any, assignment: Any, work_date: Any) -> None:
    work_limits.check_day_hours(
        db.session, model=HoursLog, assignment=assignment, work_date=work_date, hours=hours,
        exclude_id=_edited_pk(), field="hours",
    )


def _work_day(work_date: Any, assignment: Any) -> None:
    work_limits.check_work_day(db.session, assignment=assignment, work_date=work_date)


def _after_own_checks(validator: Any) -> Any:
    """Run ``validator`` only when the field's own checks passed (one message per field)."""

    def run(form: Any, field: Any) -> None:
        if not field.errors:
            validator(form, field)

    return run


# One check, two fields: each shows the errors that concern it.
assignment_employer_validator = rule(
    _assignment, "case", "work_kind", "start_date", reports="employer")
assignment_kind_validator = _after_own_checks(rule(
    _assignment_by_kind, "case", "employer", "start_date", reports="work_kind"))
schedule_limit_validator = _after_own_checks(rule(_schedule, "assignment", "work_date"))
hours_limit_validator = _after_own_checks(rule(_hours, "assignment", "work_date"))
hours_day_validator = _after_own_checks(rule(_work_day, "assignment"))
