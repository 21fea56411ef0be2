"""The demo clients' personal data form: citizenship, identity document, family and
dependants, in the shares a probation unit meets them."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from portal.models import Citizenship, FamilyStatus, IdentityDocumentType

_CITIZENSHIP = [
    (Citizenship.LATVIAN_CITIZEN, 82), (Citizenship.LATVIAN_NON_CITIZEN, 11),
    (Citizenship.EU_CITIZEN, 3), (Citizenship.THIRD_COUNTRY, 3), (Citizenship.STATELESS, 1),
]
_FAMILY = [
    (FamilyStatus.SINGLE, 45), (FamilyStatus.COHABITING, 20), (FamilyStatus.MARRIED, 17),
    (FamilyStatus.DIVORCED, 14), (FamilyStatus.WIDOWED, 2),
    (FamilyStatus.REGISTERED_PARTNERSHIP, 2),
]


def _pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def personal_data(seed: str, age: int, today: dt.date) -> dict[str, Any]:
    """Column values (raw, for a Core insert) of one client's personal data form.

    ``seed`` (the personal code) gives each client a stream of their own, so adding these
    fields leaves the rest of the demo as it was. About one in eight was not asked yet.
    """
    rng = random.Random(f"personal:{seed}")
    if rng.random() < 0.12:
        return {}
    citizenship = _pick(rng, _CITIZENSHIP)
    if citizenship is Citizenship.LATVIAN_CITIZEN:
        doc_type = (IdentityDocumentType.EID_CARD if rng.random() < 0.6
                    else IdentityDocumentType.PASSPORT)
    elif citizenship in (Citizenship.LATVIAN_NON_CITIZEN, Citizenship.EU_CITIZEN):
        doc_type = IdentityDocumentType.PASSPORT
    else:  # a residence permit or a stateless person's travel document
        doc_type = IdentityDocumentType.OTHER
    prefix = {IdentityDocumentType.EID_CARD: "PA", IdentityDocumentType.PASSPORT: "LV",
              IdentityDocumentType.OTHER: "RP"}[doc_type]
    if citizenship is Citizenship.LATVIAN_NON_CITIZEN:
        prefix = "LN"
    elif citizenship is Citizenship.EU_CITIZEN:
        prefix = rng.choice(["LT", "EE", "PL", "DE"])
    # Mostly valid; some expired a while ago (the client has not renewed it).
    until = today + dt.timedelta(days=rng.randint(-400, 3600))
    values: dict[str, Any] = {
        "citizenship": citizenship.value,
        "id_document_type": doc_type.value,
        "id_document_number": f"{prefix}{rng.randint(1000000, 9999999)}",
        "id_document_valid_until": until,
    }
    if age < 18:
        values.update(family_status=FamilyStatus.SINGLE.value, dependants=0,
                      minor_children_in_care=False)
        return values
    family = _pick(rng, _FAMILY) if age >= 21 else FamilyStatus.SINGLE
    partnered = family in (FamilyStatus.MARRIED, FamilyStatus.COHABITING,
                           FamilyStatus.REGISTERED_PARTNERSHIP)
    children = 0
    if 20 <= age <= 55 and rng.random() < (0.55 if partnered else 0.25):
        children = rng.choices([1, 2, 3, 4], [45, 35, 15, 5])[0]
    values.update(family_status=family.value,
                  dependants=children + (1 if rng.random() < 0.05 else 0),
                  minor_children_in_care=children > 0)
    return values
