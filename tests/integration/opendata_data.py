"""Test data for open data and the dashboard: clients and cases in a unit of their own, in
past years no other test writes to."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from portal.models import (
    Case,
    CaseFunction,
    CaseStatus,
    Client,
    ClosureReason,
    Decision,
    DecisionType,
    Gender,
    TerritorialUnit,
)
from tests.factories import new_code


def new_unit(session: Any) -> int:
    code = "OD" + uuid.uuid4().hex[:6].upper()
    unit = TerritorialUnit(code=code, name=f"Atvērto datu nodaļa {code}")
    session.add(unit)
    session.flush()
    return unit.id


def add_case(session: Any, unit_id: int, function: CaseFunction, start: dt.date,
             end: dt.date | None = None, *, closure: ClosureReason | None = None,
             gender: Gender = Gender.MALE, born: dt.date = dt.date(1980, 3, 3),
             violent: bool = False, sexual: bool = False, months: int | None = 12,
             hours: int | None = None, electronic: bool = False,
             officer_id: int | None = None) -> int:
    """One client with one case (closed when ``end`` is given); returns the case id."""
    client = Client(given_name="Anna", surname="Ozola", personal_code=new_code(born),
                    birth_date=born, gender=gender, unit_id=unit_id)
    session.add(client)
    session.flush()
    decision = Decision(client_id=client.id, decision_type=DecisionType.COURT_JUDGMENT,
                        institution="Rīgas pilsētas tiesa", number=f"K-{uuid.uuid4().hex[:8]}",
                        decision_date=start - dt.timedelta(days=20), violent_offence=violent,
                        sexual_offence=sexual, supervision_months=months,
                        forced_labour_hours=hours, received_electronically=electronic)
    session.add(decision)
    session.flush()
    case = Case(number=f"OD-{uuid.uuid4().hex[:12]}", client_id=client.id, function=function,
                status=CaseStatus.CLOSED if end else CaseStatus.ACTIVE,
                closure_reason=(closure or ClosureReason.COMPLETED) if end else None,
                start_date=start, end_date=end, unit_id=unit_id, decision_id=decision.id,
                officer_id=officer_id,
                hours_ordered=Decimal(hours) if hours is not None else None)
    session.add(case)
    session.flush()
    return case.id
