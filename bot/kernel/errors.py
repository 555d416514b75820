"""Errors a member can cause. Raised anywhere in the core, shown translated by the core."""

from __future__ import annotations

from bot.kernel.messages import Span


class UserError(Exception):
    """A member's mistake: ``key`` names a translated text, ``values`` fill it in.

    ``field`` names the form field at fault, so adapters can show the error on it."""

    def __init__(self, key: str, *, field: str | None = None, **values: Span | str | int) -> None:
        super().__init__(key)
        self.key = key
        self.values = values
        self.field = field


class NotFound(UserError):
    pass


class PermissionDenied(UserError):
    pass


class DirectMessagesBlocked(Exception):
    """Raised by an outbox when a member does not accept direct messages."""
