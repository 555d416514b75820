"""Errors of the data layer that a command's caller answers in words of its own."""

from __future__ import annotations

from tortoise.exceptions import TransactionManagementError


class DatabaseBusy(TransactionManagementError):
    """Another process held the database's write lock for longer than this one waits
    (SQLite's ``busy_timeout``): nothing was written, and trying again a moment later
    works."""
