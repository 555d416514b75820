"""Context attached to every log record about a piece of work (workspace, command,
delivery...). Kept in the core so the core and the scheduler can set it; ``copbot.logs``
copies it onto each record. Values are ours (ids, command names), never member text."""

from __future__ import annotations

from contextvars import ContextVar, Token
from typing import Any

CONTEXT_FIELDS = ("workspace", "command", "delivery", "platform", "member", "event")
_KNOWN = frozenset(CONTEXT_FIELDS)

_context: ContextVar[dict[str, Any] | None] = ContextVar("copbot_log_context", default=None)


class log_context:  # lower case: used as a function, ``with log_context(...)``
    """Tag every record logged inside the block (and in tasks it starts) with ``fields``.
    A class rather than ``@contextmanager``: every command enters a few, and a generator
    costs several times as much."""

    __slots__ = ("_fields", "_token")

    def __init__(self, **fields: Any) -> None:
        if not _KNOWN.issuperset(fields):
            raise ValueError(f"unknown log context fields: {sorted(set(fields) - _KNOWN)}")
        self._fields = fields
        self._token: Token[dict[str, Any] | None] | None = None

    def __enter__(self) -> None:
        self._token = _context.set({**(_context.get() or {}), **self._fields})

    def __exit__(self, *exc: object) -> None:
        if self._token is not None:
            _context.reset(self._token)


def current_context() -> dict[str, Any]:
    return dict(_context.get() or {})
