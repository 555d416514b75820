"""Context attached to every log record about a piece of work (workspace, command,
delivery...). Kept in the core so the core and the scheduler can set it; ``copbot.logs``
copies it onto each record. Values are ours (ids, command names), never member text."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

CONTEXT_FIELDS = ("workspace", "command", "delivery", "platform", "member", "event")

_context: ContextVar[dict[str, Any] | None] = ContextVar("copbot_log_context", default=None)


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Tag every record logged inside the block (and in tasks it starts) with ``fields``."""
    unknown = set(fields) - set(CONTEXT_FIELDS)
    if unknown:
        raise ValueError(f"unknown log context fields: {sorted(unknown)}")
    token = _context.set({**(_context.get() or {}), **fields})
    try:
        yield
    finally:
        _context.reset(token)


def current_context() -> dict[str, Any]:
    return dict(_context.get() or {})
