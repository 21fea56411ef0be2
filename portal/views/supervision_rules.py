"""Form validators that put the supervision rules (``portal.services.supervision``) beside
the field they concern."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from portal.extensions import db
from portal.services.errors import ValidationFailed
from portal.services.supervision import obligations, plan, term
from portal.views.fields import rule


def _period(start: Any, end: Any, case: Any) -> None:
    obligations.check_obligation(db.session, case, start, end)


def _period_end(end: Any, start: Any, case: Any) -> None:
    obligations.check_obligation(db.session, case, start, end)


def _description(description: Any, obligation_type: Any) -> None:
    if not (description or "").strip() and obligation_type is None:
        raise ValidationFailed(
            _l("Choose the obligation from the catalogue or describe it."), "description")


def _check(obligation: Any, meeting: Any) -> None:
    obligations.check_single(db.session, meeting, obligation)


# An out-of-period start is reported beside the start, an out-of-period end beside the end.
obligation_period_start = rule(_period, "end_date", "case", reports="start_date")
obligation_period_end = rule(_period_end, "start_date", "case", reports="end_date")
description_or_type = rule(_description, "obligation_type")
obligation_in_force = rule(_check, "meeting")


def decision_link(field_name: str) -> Any:
    """The later-decision rule, showing the errors that concern ``field_name``."""

    def check(value: Any, role: Any, case: Any, decision: Any, effective: Any, months: Any,
              until: Any) -> None:
        term.check_link(case, decision, role, effective, months, until)

    return rule(check, "role", "case", "decision", "effective_date", "months", "until_date",
                reports=field_name)


def _plan_date(plan_date: Any, review_date: Any, case: Any) -> None:
    plan.check_plan(case, plan_date, review_date)


def _review_date(review_date: Any, plan_date: Any, case: Any) -> None:
    plan.check_plan(case, plan_date, review_date)


# The plan's date beside the plan date, a review before it beside the review date.
plan_date_rule = rule(_plan_date, "review_date", "case", reports="plan_date")
review_date_rule = rule(_review_date, "plan_date", "case", reports="review_date")
