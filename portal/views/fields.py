"""Form fields and validators that put domain rules beside the field they concern."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Integer,
    Numeric,
    SmallInteger,
    String,
    select,
)
from sqlalchemy import Enum as SAEnum
from wtforms import Field, SelectField
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import DateTimeLocalInput

from portal.extensions import db
from portal.formatting import (
    BadLocalTime,
    NonexistentLocalTime,
    local_input,
    local_zone,
    parse_localtime,
)
from portal.labels import enum_choices
from portal.models import Case, CaseStatus, ClosureReason
from portal.services.casework import cases, personal_data, rules
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


class LocalDateTimeInput(DateTimeLocalInput):
    """The browser's own date-and-time input (no script), styled as FAB's other inputs."""

    def __call__(self, field: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("class", "form-control")
        return super().__call__(field, **kwargs)


class LocalDateTimeField(Field):
    """A stored UTC timestamp, shown and typed in the service's time zone (Europe/Riga).

    Shows ``YYYY-MM-DDTHH:MM`` (what ``<input type="datetime-local">`` takes and sends);
    reads that, the same with seconds or a space, and ``DD.MM.YYYY HH:MM`` as lists show it.
    An autumn time that occurs twice is read as its first occurrence (summer time); a spring
    time that never occurs is refused. Saving the form unchanged keeps the stored value
    exactly, its seconds and its side of the autumn hour included.
    """

    widget = LocalDateTimeInput()

    def __init__(self, *args: Any, naive_utc: bool = False, **kwargs: Any) -> None:
        #: store a naive UTC value, for a ``DateTime`` column without a time zone
        self.naive_utc = naive_utc
        self._with_seconds = False
        super().__init__(*args, **kwargs)

    def _value(self) -> str:
        if self.raw_data and self.process_errors:
            return str(self.raw_data[0])  # what was typed, beside the message about it
        if isinstance(self.data, dt.datetime):
            return local_input(self.data)
        return ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        text = valuelist[0]
        self.data = None
        if not isinstance(text, str) or not text.strip():
            return  # empty: InputRequired or Optional decides
        try:
            utc, self._with_seconds = parse_localtime(text)
        except NonexistentLocalTime as exc:
            raise ValueError(str(_l(
                "This time does not exist: the clocks are put forward an hour that night. "
                "Enter another time."))) from exc
        except BadLocalTime as exc:
            raise ValueError(str(_l(
                "Enter the date and time as DD.MM.YYYY HH:MM (year from 1900 to 2999)."
            ))) from exc
        self.data = utc.replace(tzinfo=None) if self.naive_utc else utc

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            raise StopValidation()  # one message: the view's rules need a value to check

    def populate_obj(self, obj: Any, name: str) -> None:
        # The form shows minutes only; an unchanged time must not drop the stored seconds
        # or move a time of the repeated autumn hour to its other occurrence.
        old = getattr(obj, name, None)
        if (isinstance(old, dt.datetime) and isinstance(self.data, dt.datetime)
                and self._wall(old) == self._wall(self.data)):
            return
        setattr(obj, name, self.data)

    def _wall(self, value: dt.datetime) -> dt.datetime:
        """The local wall-clock time to the precision that was typed."""
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        wall = value.astimezone(local_zone()).replace(tzinfo=None, microsecond=0)
        return wall if self._with_seconds else wall.replace(second=0)


def _edited_pk() -> int | None:
    """Primary key of the row an edit form is for (None when adding)."""
    pk = (request.view_args or {}).get("pk") if request else None
    try:
        return int(pk) if pk is not None else None
    except (TypeError, ValueError):
        return None


def rule(
    check: Callable[..., Any], *other_fields: str, reports: str | None = None
) -> Callable[[Any, Any], None]:
    """Turn a rule from ``portal.services.casework.rules`` into a WTForms validator.

    The rule gets the field's value, then the values of ``other_fields`` of the same form.
    With ``reports``, only errors the rule attributes to that field (or to no field) are shown
    here; the others belong beside another field, whose own validator reports them.
    """

    def validator(form: Any, field: Any) -> None:
        others = [getattr(form, name).data if hasattr(form, name) else None for name in other_fields]
        try:
            result = check(field.data, *others)
        except DomainError as exc:
            if reports is not None and exc.field not in (None, reports):
                return
            raise ValidationError(str(exc.message)) from exc
        if result is not None and check in _NORMALISERS:
            field.data = result

    return validator


def case_takes_new(model: type) -> Callable[[Any, Any], None]:
    """Validator of an add form's case (or parent) field: a closed case takes no new record
    of ``model`` but documents. Edit forms keep their case, so they are not judged here."""

    def validator(form: Any, field: Any) -> None:
        if _edited_pk() is not None or field.data is None:
            return
        parent = field.data
        case_id = parent.id if isinstance(parent, Case) else getattr(parent, "case_id", None)
        try:
            with db.session.no_autoflush:
                cases.check_takes_new(db.session, case_id, model)
        except DomainError as exc:
            raise ValidationError(str(exc.message)) from exc

    return validator


def _personal_code(value: str) -> str:
    from portal.services import access

    code = rules.personal_code(value)
    rules.personal_code_free(db.session, code, access.current_actor(), _edited_pk())
    return code


def _birth(born: Any, code: Any) -> None:
    rules.birth_date(born)
    try:
        normal = rules.personal_code(code)
    except DomainError:
        return  # an invalid code is reported beside the code field, not here
    # Asked for a new-form code only; an old-form code's date is taken from it.
    rules.birth_date_for(normal, born)


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
        return  # not one of the listed values: the field itself says so
    if reason is not None and not isinstance(reason, ClosureReason):
        reason = None  # likewise reported beside the closure reason
    pk = _edited_pk()
    old = None
    if pk is not None:
        old = db.session.execute(select(Case.status).where(Case.id == pk)).scalar_one_or_none()
    cases.check_transition(old, new, reason)


def _closure_reason(reason: Any, new: Any) -> None:
    if reason is not None and not isinstance(reason, ClosureReason):
        return
    _status(new, reason)


def _amount(maximum: int) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        rules.positive_amount(value, "", maximum)

    return check


def _time(value: Any) -> Any:
    return rules.time_of_day(value if isinstance(value, str) else None)


def _document_number(value: Any) -> Any:
    return personal_data.document_number(value)


def _document_type(doc_type: Any, number: Any, until: Any) -> None:
    if doc_type is not None and not isinstance(doc_type, enum.Enum):
        return  # not one of the listed values: the field itself says so
    try:
        number = personal_data.document_number(number)
    except DomainError:
        number = number or None  # reported beside the number
    personal_data.document_complete(doc_type, number, until)


def _children_in_care(in_care: Any, count: Any) -> None:
    try:
        number = personal_data.dependants(count)
    except DomainError:
        return  # reported beside the number of dependants
    personal_data.children_in_care(in_care, number)


_NORMALISERS = {_personal_code, _hours, _case_number, _time, _document_number}

personal_code_validator = rule(_personal_code)
birth_date_validator = rule(_birth, "personal_code")
end_after_start = rule(_end_after, "start_date")
hours_validator = rule(_hours)
case_number_validator = rule(_case_number)
start_time_validator = rule(_time)
# The workflow check runs from both fields, each showing the errors that concern it: an
# illegal transition beside the status, a missing or needless reason beside the reason.
status_validator = rule(_status, "closure_reason", reports="status")
closure_reason_validator = rule(_closure_reason, "status", reports="closure_reason")
document_number_validator = rule(_document_number)
document_type_validator = rule(_document_type, "id_document_number", "id_document_valid_until")
valid_until_validator = rule(personal_data.valid_until)
dependants_validator = rule(personal_data.dependants)
children_in_care_validator = rule(_children_in_care, "dependants")


class YesNoField(SelectField):
    """A yes / no answer that may not have been given yet (a nullable Boolean column)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        def coerce(value: Any) -> bool | None:
            if value in (True, "yes", "y", "true", "1"):
                return True
            if value in (False, "no", "n", "false", "0"):
                return False
            return None

        super().__init__(*args, choices=[("", "—"), ("yes", _l("Yes")), ("no", _l("No"))],
                         coerce=coerce, **kwargs)

    def _value(self) -> str:
        return "" if self.data is None else ("yes" if self.data else "no")

    def iter_choices(self) -> Any:
        current = self._value()
        for value, label in self.choices:  # type: ignore[misc]
            yield (value, label, value == current, {})

    def pre_validate(self, form: Any) -> None:
        raw = self.raw_data[0] if self.raw_data else ""
        if raw not in ("", "yes", "no", "y", "n", "true", "false", "1", "0"):
            raise ValidationError(_l("Choose one of the listed values."))


def amount_validator(maximum: int) -> Callable[[Any, Any], None]:
    """A count such as hours ordered or months of supervision: a number from 0 to ``maximum``."""
    return rule(_amount(maximum))


def planned_hours_validator(form: Any, field: Any) -> None:
    """Planned hours of a schedule day: more than 0, at most 24."""
    hours_validator(form, field)
    if field.data is not None and field.data <= 0:
        raise ValidationError(_l("Planned hours must be more than 0."))


# --- Limits of the database columns, applied to every form field generically ---------------
# PostgreSQL refuses what SQLite silently stores (NUL in text, numbers too big for the column);
# checking here gives a message beside the field instead of a database error.

class StopIfInvalid:
    """Stop the chain once a rule has complained, so FAB's generic checks don't pile on.

    An empty optional field is left to FAB's ``Optional()``, which clears the parse error
    WTForms records for an empty date or number.
    """

    def __init__(self, nullable: bool) -> None:
        self.nullable = nullable

    def __call__(self, form: Any, field: Any) -> None:
        if not field.errors:
            return
        raw = field.raw_data[0] if field.raw_data else None
        empty = raw is None or (isinstance(raw, str) and not raw.strip())
        if not (empty and self.nullable):
            raise StopValidation()


class StorableText:
    """Refuse text PostgreSQL cannot store (the NUL character)."""

    def __call__(self, form: Any, field: Any) -> None:
        if isinstance(field.data, str) and "\x00" in field.data:
            raise StopValidation(str(_l("The text contains characters that cannot be stored.")))


class NumberFits:
    """A number must fit its column: an integer type, or a NUMERIC(precision, scale)."""

    def __init__(self, minimum: Decimal, maximum: Decimal, scale: int | None = None) -> None:
        self.minimum, self.maximum, self.scale = minimum, maximum, scale

    @classmethod
    def for_type(cls, kind: Any) -> NumberFits | None:
        """The check for a column type, or None when the type sets no limit we know."""
        if isinstance(kind, Integer):
            bits = 63 if isinstance(kind, BigInteger) else 15 if isinstance(kind, SmallInteger) else 31
            return cls(Decimal(-(2**bits)), Decimal(2**bits - 1))
        if isinstance(kind, Numeric) and not isinstance(kind, Float) and kind.precision:
            scale = kind.scale or 0
            top = Decimal(10) ** (kind.precision - scale) - Decimal(10) ** -scale
            return cls(-top, top, scale)
        return None

    def __call__(self, form: Any, field: Any) -> None:
        if field.data is None:
            return
        try:
            value = Decimal(str(field.data))
        except (InvalidOperation, ValueError):
            return  # the field's own parsing has already said it is not a number
        if not value.is_finite() or not self.minimum <= value <= self.maximum:
            raise StopValidation(
                str(_l("Enter a number from %(min)s to %(max)s.",
                       min=_plain(self.minimum), max=_plain(self.maximum)))
            )
        if self.scale is not None and value != value.quantize(Decimal(10) ** -self.scale):
            raise StopValidation(
                str(_l("Use at most %(places)s decimal places.", places=self.scale))
            )


def _plain(number: Decimal) -> str:
    return f"{number:f}"


def column_validators(column: Column[Any]) -> list[Any]:
    """Validators that keep a form value within what ``column`` can store.

    They run after the view's own validators and before FAB's (length, required, unique),
    which a first error stops so each field shows one clear message.
    """
    kind = column.type
    if isinstance(kind, (SAEnum, Boolean)) or column.primary_key or column.foreign_keys:
        return []
    result: list[Any] = [StopIfInvalid(bool(column.nullable))]
    if isinstance(kind, String):  # Text is a String without a length
        result.append(StorableText())
        if kind.length is None:
            result.append(LongTextLimit())
    fits = NumberFits.for_type(kind)
    if fits is not None:
        result.append(fits)
    return result


#: the label of "nothing chosen" in an optional picker
BLANK_CHOICE = "—"


def label_blank_choices(*forms: Any) -> None:
    """Give the "nothing chosen" option of every optional relation picker a dash.

    FAB's pickers leave its label empty and WTForms then shows the option's value instead,
    so users read "__None".
    """
    from flask_appbuilder.fields import QuerySelectField
    from wtforms.fields.core import UnboundField

    for form in forms:
        for name in dir(form):
            unbound = getattr(form, name, None)
            if (isinstance(unbound, UnboundField)
                    and issubclass(unbound.field_class, QuerySelectField)
                    and not unbound.kwargs.get("blank_text")):
                unbound.kwargs["blank_text"] = BLANK_CHOICE


def text_max_length() -> int:
    """The configured most characters of a long text typed on a screen (TEXT_MAX_LENGTH)."""
    return rules.long_text_limit()


text_length = rules.text_length


class LongTextLimit:
    """A long text (a Text column) may hold at most ``TEXT_MAX_LENGTH`` characters
    (``rules.long_text``). Its flag gives the textarea a ``maxlength``, so the browser stops
    there too."""

    @property
    def field_flags(self) -> dict[str, int]:
        return {"maxlength": text_max_length()}

    def __call__(self, form: Any, field: Any) -> None:
        try:
            rules.long_text(field.data)
        except DomainError as exc:
            raise StopValidation(str(exc.message)) from exc


class CountedTextArea:
    """FAB's textarea with a counter of the characters typed against the limit.

    The counter is kept up to date by ``/static/plus_count.js`` (no inline script, so the CSP
    holds); its text comes from the catalogue with ``{count}`` in place of the number.
    """

    def __call__(self, field: Any, **kwargs: Any) -> Any:
        from flask import url_for
        from flask_appbuilder.fieldwidgets import BS3TextAreaFieldWidget
        from markupsafe import Markup, escape

        from portal.numbers import format_number

        limit = text_max_length()
        kwargs.setdefault("id", field.id)
        kwargs.setdefault("maxlength", limit)
        kwargs["aria-describedby"] = f"{field.id}-count"
        area = BS3TextAreaFieldWidget()(field, **kwargs)
        template = str(_l("%(count)s of %(max)s characters", count="{count}",
                          max=format_number(limit)))
        now = template.replace("{count}", str(text_length(field._value() or "")))
        script = url_for("static", filename="plus_count.js")
        return Markup(  # nosec B704: every value is escaped here
            f'{area}<small id="{escape(field.id)}-count" class="help-block plus-count" '
            f'aria-live="polite" data-template="{escape(template)}">{escape(now)}</small>'
            f'<script src="{script}" defer></script>'
        )


def count_long_texts(form: Any, model: type) -> None:
    """Give the textareas of ``model``'s long texts (Text columns) in ``form`` a counter."""
    from sqlalchemy import String as SAString
    from wtforms.fields.core import UnboundField

    for col in model.__table__.columns:
        unbound = getattr(form, col.key, None)
        if (isinstance(unbound, UnboundField) and isinstance(col.type, SAString)
                and col.type.length is None and not isinstance(col.type, SAEnum)):
            unbound.kwargs["widget"] = CountedTextArea()
