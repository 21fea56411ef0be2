"""Input rules of the client's personal data form (identity document, dependants), shared by
the screens and the API; each raises ValidationFailed beside its field."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.models.client import MAX_DEPENDANTS
from portal.services.errors import ValidationFailed

#: the personal data form's own client columns (the registry's are answers.SAVED_COLUMNS)
COLUMNS: tuple[str, ...] = (
    "citizenship", "id_document_type", "id_document_number", "id_document_valid_until",
    "family_status", "dependants", "minor_children_in_care",
)
#: the longest identity document number stored
DOCUMENT_NUMBER_MAX = 20
_NUMBER = re.compile(rf"[A-Z0-9]{{1,{DOCUMENT_NUMBER_MAX}}}")
# A valid-until date this far ahead is a typing error: documents are issued for at most
# ten years (Latvian passports and eID cards), foreign ones rarely longer.
_VALID_UNTIL_MAX_YEARS = 15


def document_number(value: str | None, field: str = "id_document_number") -> str | None:
    """An identity document number: letters and digits, at most 20; stored in capitals.

    Spaces typed between groups (``LV 1234567``) are dropped.
    """
    if value is None:
        return None
    text = "".join(str(value).split()).upper()
    if not text:
        return None
    if len(text) > DOCUMENT_NUMBER_MAX:
        raise ValidationFailed(
            _l("The document number has at most %(n)s letters and digits.",
               n=DOCUMENT_NUMBER_MAX), field)
    if not _NUMBER.fullmatch(text):
        raise ValidationFailed(
            _l("The document number may hold only Latin letters and digits."), field)
    return text


def valid_until(value: dt.date | None, field: str = "id_document_valid_until") -> None:
    """A document's expiry: a past date is fine (expired documents exist), a far one is not."""
    if value is None:
        return
    if value.year < 1900:
        raise ValidationFailed(_l("The date is not plausible."), field)
    from portal.services.casework.rules import today

    limit = today().year + _VALID_UNTIL_MAX_YEARS
    if value.year > limit:
        raise ValidationFailed(
            _l("A document is not valid that long: check the year."), field)


def dependants(value: Any, field: str = "dependants") -> int | None:
    """The number of dependants: a whole number from 0 to 20."""
    if value is None or value == "":
        return None
    try:
        number = int(value)
        whole = not isinstance(value, bool) and float(value) == number
    except (TypeError, ValueError, OverflowError):  # a number too long for a float
        whole = False
    if not whole or not 0 <= number <= MAX_DEPENDANTS:
        raise ValidationFailed(
            _l("Enter a whole number from 0 to %(n)s.", n=MAX_DEPENDANTS), field)
    return number


def document_complete(doc_type: Any, number: str | None, until: dt.date | None,
                      field: str = "id_document_type") -> None:
    """A document's number or expiry needs its type, or nobody knows what it is."""
    if doc_type is None and (number or until):
        raise ValidationFailed(_l("Choose the type of the document."), field)


def children_in_care(in_care: bool | None, dependant_count: int | None,
                     field: str = "minor_children_in_care") -> None:
    """Minor children in the client's care are dependants: "yes" with 0 dependants is a
    contradiction (it decides whether the orphans' court is told), so one of them is wrong."""
    if in_care is True and dependant_count == 0:
        raise ValidationFailed(
            _l("Children in the client's care are dependants: the number of dependants "
               "cannot be 0."), field)


def check(client: Any) -> None:
    """Apply the form's rules to a client about to be stored (the API's path); normalises
    the document number in place.

    :raises ValidationFailed: beside the field at fault.
    """
    client.id_document_number = document_number(client.id_document_number)
    valid_until(client.id_document_valid_until)
    client.dependants = dependants(client.dependants)
    children_in_care(client.minor_children_in_care, client.dependants)
    document_complete(client.id_document_type, client.id_document_number,
                      client.id_document_valid_until)
