"""The intake pipeline: the one path by which anything from outside reaches a case.

* :mod:`~portal.services.intake.changes` — proposed changes and applying them (the core);
* :mod:`~portal.services.intake.mapping` — a portal form's ``plus.intake`` mapping;
* :mod:`~portal.services.intake.portal` — submitting through the portal and the API;
* :mod:`~portal.services.intake.inbox` — the officer's inbox of submissions;
* :mod:`~portal.services.intake.display` — showing a submission's answers.

Connectors (``connectors/``) are further sources: :mod:`portal.services.exchanges` turns
their messages into proposed changes and applies them through :func:`apply_changes`.
"""

from portal.services.intake.changes import (
    Problem,
    ProposedChange,
    Ref,
    apply_change,
    apply_changes,
    check_rights,
    propose_create,
    propose_update,
)

__all__ = [
    "Problem",
    "ProposedChange",
    "Ref",
    "apply_change",
    "apply_changes",
    "check_rights",
    "propose_create",
    "propose_update",
]
