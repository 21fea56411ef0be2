"""Domain exceptions; views and the API map them to messages and HTTP codes."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the command; ``field`` names the input at fault, if any."""

    def __init__(self, message: object, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


class ValidationFailed(DomainError):
    """The input is invalid; nothing was stored."""


class AccessDenied(DomainError):
    """The user may not do this to this record."""


class NotFound(DomainError):
    """The record does not exist or is outside the user's scope."""


class IllegalTransition(ValidationFailed):
    """A case status change that the workflow does not allow."""
