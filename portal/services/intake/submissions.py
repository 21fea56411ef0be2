"""Submissions from the portal: the names the views, the API and the tests use.

The code lives in the intake pipeline, split by concern (:mod:`portal.services.intake`):
submitting (``intake.portal``), the plus.intake mapping (``intake.mapping``), the officer inbox
(``intake.inbox``), display (``intake.display``) and the shared apply core
(``intake.changes``), which connectors use as well.
"""

from __future__ import annotations

from portal.services.intake.changes import ProposedChange
from portal.services.intake.display import DisplayItem, describe
from portal.services.intake.inbox import (
    PendingChange,
    accept,
    answer,
    apply_permitted,
    get_for_officer,
    inbox,
    mark_in_processing,
    mine,
    pending_changes,
    reject,
)
from portal.services.intake.mapping import proposed_changes
from portal.services.intake.portal import SubmitResult, submit

__all__ = [
    "DisplayItem",
    "PendingChange",
    "ProposedChange",
    "SubmitResult",
    "accept",
    "answer",
    "apply_permitted",
    "describe",
    "get_for_officer",
    "inbox",
    "mark_in_processing",
    "mine",
    "pending_changes",
    "proposed_changes",
    "reject",
    "submit",
]
