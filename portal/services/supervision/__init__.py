"""Supervision step by step: obligations and compliance, the risk and needs instrument, the
response ladder to violations, the term and the decisions that change a case.

Each rule has one home here; screens, the API, intake and tasks call these functions.
"""

from __future__ import annotations

from typing import Any


def setting(name: str, default: Any) -> Any:
    """A configuration value (config.py documents each), or ``default`` outside an app."""
    from flask import current_app, has_app_context

    if has_app_context():
        return current_app.config.get(name, default)
    return default
