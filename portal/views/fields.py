"""Form fields and validators that put domain rules beside the field they concern."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectField
from wtforms.validators import ValidationError

from portal.extensions import db
from portal.labels import enum_choices
from portal.models import Case, CaseStatus, Client
from portal.services import cases, rules
from portal.services.errors import DomainError


class LabelledEnumField(SelectField):
    """A select of enum members showing translated labels and storing the member."""

    def __init__(self, enum_cls: type[enum.Enum], *args: Any, optional: bool = False,
                 **kwargs: Any) -> None:
        self.enum_cls = enum_cls
        choices: list[tuple[str, Any]] = list(enum_choices(enum_cls))
        if optional:
            choices.insert(0, ("", "—"))

        def coerce(value: Any) -> Any:
            if value is None or value == "":
                return None
            if isinstance(value, enum_cls):
                return value
            try:
                return enum_cls(value)
            except ValueError:
                return value  # pre_validate reports it beside the field

        super().__init__(*args, choices=choices, coerce=coerce, **kwargs)

    def _value(self) -> str:
        return self.data.value if isinstance(self.data, enum.Enum) else (self.data or "")

    def iter_choices(self) -> Any:
        current = self._value()
        for value, label in self.choices:  # type: ignore[misc]
            yield (value, label, value == current, {})

    def pre_validate(self, form: Any) -> None:
        if self.data is None:
            return
        if not isinstance(self.data, self.enum_cls):
            raise ValidationError(_l("Choose one of the listed values."))


def _edited_pk() -> int | None:
    """Primary key of the row an edit form is for (None when adding)."""
    pk = (request.view_args or {}).get("pk") if request else None
    try:
        return int(pk) if pk is not None else None
    except (TypeError, ValueError):
        return None


def rule(check: Callable[..., Any], *other_fields: str) -> Callable[[Any, Any], None]:
    """Turn a rule from ``portal.services.rules`` into a WTForms validator.

    The rule gets the field's value, then the values of ``other_fields`` of the same form.
    """

    def validator(form: Any, field: Any) -> None:
        others = [getattr(form, name).data if hasattr(form, name) else None for name in other_fields]
        try:
            result = check(field.data, *others)
        except DomainError as exc:
            raise ValidationError(str(exc.message)) from exc
        if result is not None and check in _NORMALISERS:
            field.data = result

    return validator


def _personal_code(value: str) -> str:
    code = rules.personal_code(value)
    stmt = select(Client.id).where(Client.personal_code == code)
    pk = _edited_pk()
    if pk is not None:
        stmt = stmt.where(Client.id != pk)
    if db.session.execute(stmt).first() is not None:
        raise DomainError(_l("A client with this personal code is already registered."))
    return code


def _birth(born: Any, code: Any) -> None:
    rules.birth_date(born)
    try:
        normal = rules.personal_code(code)
    except DomainError:
        return  # an invalid code is reported beside the code field, not here
    rules.birth_matches_code(normal, born)


def _end_after(end: Any, start: Any) -> None:
    rules.date_order(start, end)


def _hours(value: Any) -> Any:
    if value is None:
        return None
    return rules.hours_in_day(value)


def _case_number(value: Any) -> Any:
    if not value:
        return None
    return cases.check_number(db.session, value, _edited_pk())


def _status(new: Any, reason: Any) -> None:
    if not isinstance(new, CaseStatus):
        return
    pk = _edited_pk()
    old = None
    if pk is not None:
        old = db.session.execute(select(Case.status).where(Case.id == pk)).scalar_one_or_none()
    cases.check_transition(old, new, reason or None)


_NORMALISERS = {_personal_code, _hours, _case_number}

personal_code_validator = rule(_personal_code)
birth_date_validator = rule(_birth, "personal_code")
end_after_start = rule(_end_after, "start_date")
hours_validator = rule(_hours)
case_number_validator = rule(_case_number)
status_validator = rule(_status, "closure_reason")


def planned_hours_validator(form: Any, field: Any) -> None:
    """Planned hours of a schedule day: more than 0, at most 24."""
    hours_validator(form, field)
    if field.data is not None and field.data <= 0:
        raise ValidationError(_l("Planned hours must be more than 0."))
