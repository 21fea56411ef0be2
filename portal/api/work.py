"""Work referrals, schedule days and hours over REST (writes only; the case page reads them).

The same rules as the screens: access through ``portal.services.access``, and the minors'
and convictions' limits through ``portal.services.work.limits`` (a refusal is a 422 with the
message under its field).
"""

from __future__ import annotations

from typing import Any

from flask_appbuilder import AppBuilder

from portal.api.casework import ApiInterface, _ScopedApi
from portal.extensions import db
from portal.models import HoursLog, ReportedBy, WorkAssignment, WorkScheduleEntry
from portal.services import access
from portal.services.casework import rules
from portal.services.errors import AccessDenied
from portal.services.work import limits as work_limits


class _WorkApi(_ScopedApi):
    # No reads: the records are read on the case page, whose reads are logged.
    include_route_methods = {"post", "put"}

    def _check(self, item: Any) -> None:
        actor = access.current_actor()
        with db.session.no_autoflush:
            if not access.can_add_to_case(db.session, access.parent_case_id(item), actor):
                raise AccessDenied("forbidden")
            self.check_values(item)
            work_limits.check_record(db.session, item)

    def check_values(self, item: Any) -> None:
        """The record's own rules, before the limits."""

    def pre_add(self, item: Any) -> None:
        self._check(item)
        self.check_case_takes(item)

    def pre_update(self, item: Any) -> None:
        super().pre_update(item)
        self._check(item)


class WorkAssignmentApi(_WorkApi):
    resource_name = "work_assignment"
    datamodel = ApiInterface(WorkAssignment)
    add_columns = ["case", "employer", "work_kind", "work_type", "place", "start_date",
                   "end_date", "referral_number"]
    edit_columns = ["employer", "work_kind", "work_type", "place", "start_date", "end_date",
                    "referral_number"]

    def check_values(self, item: WorkAssignment) -> None:
        rules.date_order(item.start_date, item.end_date)


class WorkScheduleEntryApi(_WorkApi):
    resource_name = "work_schedule_entry"
    datamodel = ApiInterface(WorkScheduleEntry)
    add_columns = ["assignment", "work_date", "start_time", "planned_hours"]
    edit_columns = ["work_date", "start_time", "planned_hours"]

    def check_values(self, item: WorkScheduleEntry) -> None:
        item.planned_hours = rules.hours_in_day(item.planned_hours, "planned_hours")
        item.start_time = rules.time_of_day(item.start_time)


class HoursLogApi(_WorkApi):
    resource_name = "hours_log"
    datamodel = ApiInterface(HoursLog)
    add_columns = ["assignment", "work_date", "hours", "note"]
    edit_columns = ["work_date", "hours", "note"]

    def check_values(self, item: HoursLog) -> None:
        item.hours = rules.hours_in_day(item.hours)
        if item.reported_by is None:
            item.reported_by = ReportedBy.OFFICER


def register(appbuilder: AppBuilder) -> None:
    """Register the work APIs."""
    for api in (WorkAssignmentApi, WorkScheduleEntryApi, HoursLogApi):
        appbuilder.add_api(api)
