"""Logging set-up: text or one JSON object a line, with secrets scrubbed from every record
and the context (workspace, command, delivery...) attached to every record about it.

Context comes from two places: ``extra={"workspace": ...}`` on one call, or
``with log_context(workspace=..., command=...):`` around a piece of work, which tags every
record logged inside it - including those of libraries and of code that knows nothing of
the context. Context values are ours (ids, command names), never message text.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from bot.kernel.logcontext import CONTEXT_FIELDS, current_context, log_context

if TYPE_CHECKING:
    from bot.kernel.settings import Settings

MIN_SECRET_LENGTH = 6
REDACTED = "[secret]"

# the attributes every LogRecord has; anything else on a record came from ``extra``
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}

__all__ = ["CONTEXT_FIELDS", "configure_logging", "current_context", "log_context", "secrets_of"]


class ContextFilter(logging.Filter):
    """Copies the current ``log_context`` onto each record (``extra`` given on the call
    itself wins)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in current_context().items():
            if not hasattr(record, name):
                setattr(record, name, value)
        return True


def secrets_of(settings: Settings) -> list[str | None]:
    """Every secret a setting holds: tokens, signing secret, the database password."""
    password = urlsplit(settings.database_url).password
    return [
        settings.slack_bot_token,
        settings.slack_signing_secret,
        settings.slack_app_token,
        settings.discord_token,
        unquote(password) if password else None,
        password,
    ]


class SecretFilter(logging.Filter):
    """Replaces any configured secret wherever it appears in a record: the message, its
    arguments, the traceback, the stack and any ``extra`` value."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        super().__init__()
        # longest first, so a secret containing another is replaced whole
        self.secrets = sorted(
            {s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True
        )

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        cleaned = self._scrub(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_text:
            record.exc_text = self._scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = self._scrub(record.stack_info)
        for name, value in list(vars(record).items()):
            if name not in _STANDARD and isinstance(value, str):
                setattr(record, name, self._scrub(value))
        return True

    def _scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, object] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in CONTEXT_FIELDS:
            if hasattr(record, name):
                data[name] = getattr(record, name)
        if record.exc_info or record.exc_text:
            data["exception"] = record.exc_text or self.formatException(record.exc_info)  # type: ignore[arg-type]
        if record.stack_info:
            data["stack"] = record.stack_info
        return json.dumps(data, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """The classic line, with the context appended as ``key=value`` pairs."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        context = [f"{n}={getattr(record, n)}" for n in CONTEXT_FIELDS if hasattr(record, n)]
        return f"{line} [{' '.join(context)}]" if context else line


def configure_logging(
    level: str, fmt: str, secrets: Iterable[str | None], stream: object = None
) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
    # context first, so that secrets are scrubbed from the context values too
    handler.addFilter(ContextFilter())
    handler.addFilter(SecretFilter(secrets))
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # the libraries' own chatter is rarely what an operator needs
    for noisy in ("tortoise", "aiosqlite", "asyncio", "discord.gateway", "apscheduler"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
