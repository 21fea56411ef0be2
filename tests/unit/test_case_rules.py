"""The case workflow and numbering rules."""

from __future__ import annotations

import pytest

from portal.models import CaseStatus, ClosureReason
from portal.services.casework import cases
from portal.services.errors import IllegalTransition, ValidationFailed

ALLOWED = {
    (CaseStatus.OPENED, CaseStatus.ACTIVE),
    (CaseStatus.OPENED, CaseStatus.CLOSED),
    (CaseStatus.ACTIVE, CaseStatus.SUSPENDED),
    (CaseStatus.ACTIVE, CaseStatus.CLOSED),
    (CaseStatus.SUSPENDED, CaseStatus.ACTIVE),
    (CaseStatus.SUSPENDED, CaseStatus.CLOSED),
}


@pytest.mark.parametrize("old", list(CaseStatus))
@pytest.mark.parametrize("new", list(CaseStatus))
def test_every_transition(old, new):
    reason = ClosureReason.COMPLETED if new == CaseStatus.CLOSED else None
    if old == new or (old, new) in ALLOWED:
        cases.check_transition(old, new, reason)
    else:
        with pytest.raises(IllegalTransition) as err:
            cases.check_transition(old, new, reason)
        assert err.value.field == "status"


def test_closing_needs_a_reason():
    with pytest.raises(ValidationFailed) as err:
        cases.check_transition(CaseStatus.ACTIVE, CaseStatus.CLOSED, None)
    assert err.value.field == "closure_reason"


def test_reason_only_when_closed():
    with pytest.raises(ValidationFailed):
        cases.check_transition(CaseStatus.ACTIVE, CaseStatus.SUSPENDED, ClosureReason.OTHER)


def test_new_case_cannot_start_closed():
    with pytest.raises(IllegalTransition):
        cases.check_transition(None, CaseStatus.CLOSED, ClosureReason.OTHER)


def test_number_format():
    assert cases.format_number(2026, 42) == "PL-2026-000042"
