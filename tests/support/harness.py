"""Drive the core as a platform would, with a recording outbox (the adapter boundary)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.kernel.clock import Clock, ManualClock
from bot.kernel.core import Core
from bot.kernel.discovery import default_registry
from bot.kernel.errors import DirectMessagesBlocked
from bot.kernel.messages import Message, message_text
from bot.kernel.outbox import SendKey, refuse_inside_transaction
from bot.kernel.settings import Settings
from bot.kernel.who import Who
from data.db import in_open_transaction
from scheduler.effects import attach_command_effects
from scheduler.engine import DeliveryEngine


@dataclass
class Sent:
    kind: str  # post | direct
    target: str  # channel id or user id
    message: Message
    thread: str | None = None
    key: SendKey | None = None

    @property
    def text(self) -> str:
        return message_text(self.message)


@dataclass
class RecordingOutbox:
    """An outbox that records what it was asked to send (members in ``blocked`` refuse DMs)."""

    platform: str = "console"
    sent: list[Sent] = field(default_factory=list)
    blocked: set[str] = field(default_factory=set)
    # calls made while a database transaction was open (refused, and kept here even when
    # the caller swallowed the refusal)
    inside_transaction: list[str] = field(default_factory=list)

    def _refuse_inside_transaction(self, what: str) -> None:
        if in_open_transaction():
            self.inside_transaction.append(what)
        refuse_inside_transaction(what)  # as every real outbox does

    async def post(
        self,
        workspace_id: str,
        channel_id: str,
        message: Message,
        *,
        thread: str | None = None,
        key: SendKey | None = None,
    ) -> str:
        self._refuse_inside_transaction(f"post to {channel_id}")
        self.sent.append(Sent("post", channel_id, message, thread, key))
        return f"{channel_id}:{len(self.sent)}"

    async def direct(
        self, workspace_id: str, user_id: str, message: Message, *, key: SendKey | None = None
    ) -> str:
        self._refuse_inside_transaction(f"direct message to {user_id}")
        if user_id in self.blocked:
            raise DirectMessagesBlocked(user_id)
        self.sent.append(Sent("direct", user_id, message, key=key))
        return f"dm:{user_id}:{len(self.sent)}"

    def to(self, target: str) -> list[Sent]:
        return [s for s in self.sent if s.target == target]

    def clear(self) -> None:
        self.sent.clear()


# the worker a test core's effects are claimed by: named, so it never opens a PostgreSQL
# liveness connection (``scheduler.liveness.LeaseOnly``)
TEST_WORKER = "test-core"


def send_effects(core: Core, clock: Clock, record_after: timedelta | None = None) -> DeliveryEngine:
    """Have ``core`` send its commands' effects after commit, as ``copbot run`` does;
    their outcomes are recorded before the reply (``record_after`` None) unless told."""
    return attach_command_effects(
        core, clock, core.settings, worker_id=TEST_WORKER, record_after=record_after
    )


def test_settings(**overrides: Any) -> Settings:
    """Settings that ignore any .env file and environment of the machine running tests."""
    values: dict[str, Any] = {
        "DATABASE_URL": "sqlite://:memory:",
        "DEFAULT_TIMEZONE": "America/Toronto",
    }
    values.update(overrides)
    return Settings.model_validate(values)


test_settings.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


class Harness:
    """One workspace; ``say`` runs a command as a member, in a channel or not."""

    def __init__(
        self, core: Core, clock: ManualClock, outbox: RecordingOutbox, workspace: str = "T1"
    ) -> None:
        self.core = core
        self.clock = clock
        self.outbox = outbox
        self.workspace = workspace
        self.effects: DeliveryEngine | None = None  # what sends the commands' effects

    @classmethod
    def build(
        cls,
        start: datetime | None = None,
        workspace: str = "T1",
        record_after: timedelta | None = None,
        **settings: object,
    ) -> Harness:
        clock = ManualClock(start or datetime(2027, 3, 1, 15, 0, tzinfo=UTC))
        core = Core(test_settings(**settings), clock, default_registry())
        outbox = RecordingOutbox()
        core.attach_outbox(outbox)
        harness = cls(core, clock, outbox, workspace)
        harness.effects = send_effects(core, clock, record_after)
        return harness

    def who(self, user: str, channel: str | None = None, **extra: object) -> Who:
        return Who(
            platform="console",
            workspace_id=self.workspace,
            user_id=user.lower(),
            user_name=user,
            channel_id=channel,
            **extra,  # type: ignore[arg-type]
        )

    async def say(
        self, user: str, line: str, channel: str | None = None, **extra: object
    ) -> Message:
        return await self.core.handle_text(self.who(user, channel, **extra), line)

    async def text(self, user: str, line: str, channel: str | None = None, **extra: object) -> str:
        return message_text(await self.say(user, line, channel, **extra))
