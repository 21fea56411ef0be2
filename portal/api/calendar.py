"""Meetings and mediation sessions over REST, under the clash rule of the unified calendar.

A booking that clashes (same room, officer or mediator, or client at an overlapping time, in
PLUS or in the calendar) answers 422 with the message under ``scheduled_at``; nothing is
stored. When the calendar could not be asked, the answer carries a ``warnings`` list.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app, g
from flask_appbuilder import AppBuilder
from flask_babel import lazy_gettext as _l

from connectors import registry
from portal.api.casework import ApiInterface, _ScopedApi
from portal.extensions import db
from portal.models import MediationSession, Meeting
from portal.services import access
from portal.services.casework import scheduling
from portal.services.errors import AccessDenied


def _calendar() -> Any:
    connector = registry.enabled(current_app.config).get("calendar")
    return connector if connector is not None and connector.configured else None


class _BookingApi(_ScopedApi):
    """Shared by meetings and sessions: case check, default duration, clash rule."""

    kind = ""

    def _slot(self, item: Any) -> scheduling.Slot:
        raise NotImplementedError

    def _check(self, item: Any) -> None:
        if item.duration_minutes is None:
            item.duration_minutes = int(current_app.config.get(
                "MEETING_DEFAULT_DURATION_MINUTES", 60))
        with db.session.no_autoflush:
            calendar = _calendar()
            result = scheduling.check(db.session, self._slot(item), calendar)
        g.calendar_unchecked = calendar is not None and not result.external_checked

    def pre_add(self, item: Any) -> None:
        with db.session.no_autoflush:
            if not access.can_add_to_case(db.session, access.parent_case_id(item),
                                          access.current_actor()):
                raise AccessDenied(_l("You may not change records of this case."))
        self.check_case_takes(item)
        self._check(item)

    def pre_update(self, item: Any) -> None:
        super().pre_update(item)
        with db.session.no_autoflush:
            if not access.can_add_to_case(db.session, access.parent_case_id(item),
                                          access.current_actor()):
                raise AccessDenied(_l("You may not change records of this case."))
        self._check(item)

    @staticmethod
    def _with_warning(resp: Response) -> Response:
        if resp.status_code < 300 and getattr(g, "calendar_unchecked", False):
            body = resp.get_json(silent=True)
            if isinstance(body, dict):
                body["warnings"] = [str(scheduling.unchecked_warning())]
                resp.set_data(json.dumps(body))
        return resp

    def post_headless(self) -> Response:
        return self._with_warning(super().post_headless())

    def put_headless(self, pk: Any) -> Response:
        return self._with_warning(super().put_headless(pk))


class MeetingApi(_BookingApi):
    resource_name = "meeting"
    datamodel = ApiInterface(Meeting)
    kind = "meeting"
    list_columns = ["id", "case.id", "scheduled_at", "duration_minutes", "room.id", "officer.id",
                    "held"]
    show_columns = [*list_columns, "place", "notes"]
    add_columns = ["case", "scheduled_at", "duration_minutes", "officer", "room", "place",
                   "held", "notes"]
    edit_columns = ["scheduled_at", "duration_minutes", "officer", "room", "place", "held",
                    "notes"]

    def _slot(self, item: Meeting) -> scheduling.Slot:
        return scheduling.slot_for(
            db.session, "meeting", start=item.scheduled_at, minutes=item.duration_minutes,
            case=item.case if item.case is not None else item.case_id,
            officer=item.officer if item.officer is not None else item.officer_id,
            room=item.room if item.room is not None else item.room_id, own_id=item.id,
        )


class MediationSessionApi(_BookingApi):
    resource_name = "mediation_session"
    datamodel = ApiInterface(MediationSession)
    kind = "mediation_session"
    list_columns = ["id", "mediation.id", "scheduled_at", "duration_minutes", "room.id",
                    "held"]
    show_columns = [*list_columns, "place_type", "place", "notes"]
    add_columns = ["mediation", "scheduled_at", "duration_minutes", "room", "place_type",
                   "place", "held", "notes"]
    edit_columns = ["scheduled_at", "duration_minutes", "room", "place_type", "place", "held",
                    "notes"]

    def _check(self, item: MediationSession) -> None:
        # A session in a prison names it: 422 beside the place, before the clash rule.
        from portal.services.casework import mediation

        mediation.check_place(item.place_type, item.place)
        super()._check(item)

    def _slot(self, item: MediationSession) -> scheduling.Slot:
        return scheduling.slot_for(
            db.session, "mediation_session", start=item.scheduled_at,
            minutes=item.duration_minutes,
            mediation=item.mediation if item.mediation is not None else item.mediation_id,
            room=item.room if item.room is not None else item.room_id, own_id=item.id,
        )


def register(appbuilder: AppBuilder) -> None:
    """Register the booking APIs."""
    appbuilder.add_api(MeetingApi)
    appbuilder.add_api(MediationSessionApi)
