"""Unified calendar on the screens: the unit's day (rooms, officers, volunteer mediators busy or
free), rooms (managers), and the clash check of the meeting and mediation session forms.
Thin: the rules are ``portal.services.casework.scheduling`` and ``portal.services.casework.availability``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort, current_app, flash, g, request
from flask_appbuilder import AppBuilder, BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional, ValidationError

from connectors import registry
from portal.extensions import db
from portal.models import Room
from portal.services import access
from portal.services.casework import availability, scheduling
from portal.services.casework.rules import today
from portal.services.errors import DomainError
from portal.views.base import PlusInterface, ScopedModelView
from portal.views.fields import _edited_pk

LABELS = {
    "unit": _l("Territorial unit"),
    "name": _l("Name"),
    "capacity": _l("Capacity (people)"),
    "active": _l("In use"),
    "room": _l("Room"),
    "duration_minutes": _l("Duration (minutes)"),
}


def calendar_connector() -> Any:
    """The enabled and configured unified calendar connector, or None."""
    connector = registry.enabled(current_app.config).get("calendar")
    return connector if connector is not None and connector.configured else None


def _default_minutes() -> int:
    return int(current_app.config.get("MEETING_DEFAULT_DURATION_MINUTES", 60))


def duration_field() -> IntegerField:
    """The duration input, filled with the configured default on a new booking (left empty,
    the default applies too)."""
    return IntegerField(
        LABELS["duration_minutes"], default=_default_minutes,
        validators=[Optional(), NumberRange(
            min=scheduling.MIN_MINUTES, max=scheduling.MAX_MINUTES,
            message=_l("The duration must be from %(low)d to %(high)d minutes.",
                       low=scheduling.MIN_MINUTES, high=scheduling.MAX_MINUTES))],
    )


def booking_validator(kind: str) -> Any:
    """The clash rule as a validator of the time field (``scheduled_at``) of a form of
    ``kind`` (``meeting`` or ``mediation_session``)."""

    def validator(form: Any, field: Any) -> None:
        def value(name: str) -> Any:
            return getattr(form, name).data if hasattr(form, name) else None

        minutes = value("duration_minutes")
        if minutes is None and not getattr(getattr(form, "duration_minutes", None), "errors",
                                           None):
            minutes = _default_minutes()
        if not isinstance(field.data, dt.datetime) or not isinstance(minutes, int):
            return  # a missing time or a bad duration is reported beside its own field
        calendar = calendar_connector()
        try:
            slot = scheduling.slot_for(
                db.session, kind, start=field.data, minutes=minutes, case=value("case"),
                mediation=value("mediation"), officer=value("officer"), room=value("room"),
                own_id=_edited_pk(),
            )
            result = scheduling.check(db.session, slot, calendar)
        except DomainError as exc:
            if exc.field not in (None, scheduling.FIELD):
                if exc.field == "room":
                    form.room.errors = [*form.room.errors, str(exc.message)]
                    raise ValidationError(str(_l("Choose another room."))) from exc
                return
            raise ValidationError(str(exc.message)) from exc
        g.calendar_unchecked = calendar is not None and not result.external_checked

    return validator


class BookingViewMixin:
    """For the meeting and session screens: the default duration, and a note when the
    calendar could not be asked."""

    def _default_duration(self, item: Any) -> None:
        if item.duration_minutes is None:
            item.duration_minutes = _default_minutes()

    def pre_add(self, item: Any) -> None:
        super().pre_add(item)  # type: ignore[misc]
        self._default_duration(item)

    def pre_update(self, item: Any) -> None:
        super().pre_update(item)  # type: ignore[misc]
        self._default_duration(item)

    def _calendar_note(self) -> None:
        if getattr(g, "calendar_unchecked", False):
            flash(str(scheduling.unchecked_warning()), "warning")

    def post_add(self, item: Any) -> None:
        self._calendar_note()

    def post_update(self, item: Any) -> None:
        self._calendar_note()


class RoomView(ScopedModelView):
    """The rooms of a unit (unit managers; Admin for every unit)."""

    datamodel = PlusInterface(Room)
    list_title = _l("Rooms")
    label_columns = LABELS
    list_columns = ["unit", "name", "capacity", "active"]
    add_columns = ["unit", "name", "capacity", "active"]
    edit_columns = add_columns
    show_columns = add_columns
    search_columns = ["name", "active"]
    base_order = ("name", "asc")
    validators_columns = {"capacity": [NumberRange(min=1, max=500)]}

    def pre_add(self, item: Room) -> None:
        # Not the case check of ScopedModelView: a room belongs to a unit, not to a case.
        unit_id = item.unit.id if item.unit is not None else item.unit_id
        if not access.can_manage_rooms(access.current_actor(), unit_id):
            raise PermissionError(str(_l("You may keep the rooms of your own unit only.")))

    def pre_update(self, item: Room) -> None:
        self.pre_add(item)


class CalendarView(BaseView):
    """A day of the unit: rooms, officers and volunteer mediators, busy or free."""

    route_base = "/calendar"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self) -> Any:
        actor = access.current_actor()
        if not actor.does_casework:
            abort(403)
        raw = request.args.get("day", "")
        error = None
        try:
            day = dt.date.fromisoformat(raw) if raw else today()
        except ValueError:
            day, error = today(), _l("Enter the date as YYYY-MM-DD.")
        plan = availability.day_plan(db.session, actor, day, calendar_connector())
        return self.render_template(
            "calendar/day.html", plan=plan, error=error,
            previous=day - dt.timedelta(days=1), next=day + dt.timedelta(days=1),
            kinds={"room": _l("Rooms"), "officer": _l("Officers"),
                   "volunteer": _l("Volunteer mediators")},
            what={"meeting": _l("Meeting"), "mediation_session": _l("Mediation session"),
                  "calendar": _l("Busy in the unified calendar")},
            title=_l("Calendar"),
        )


def register(appbuilder: AppBuilder) -> None:
    """Add the day calendar and the rooms screen under Casework."""
    appbuilder.add_view(
        CalendarView, "Calendar", label=_l("Calendar"), icon="fa-calendar",
        category="Casework", category_label=_l("Case work"),
    )
    appbuilder.add_view(
        RoomView, "Rooms", label=_l("Rooms"), icon="fa-building", category="Casework",
        category_label=_l("Case work"),
    )
