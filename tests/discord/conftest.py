"""A real discord.py client (the adapter) against the fake Discord, on both databases."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.discord.adapter import DiscordAdapter
from bot.kernel.clock import ManualClock
from bot.kernel.core import Core
from bot.kernel.discovery import default_registry
from bot.kernel.registry import Registry
from tests.discord.fake_discord import (
    BASIC_PERMISSIONS,
    MANAGE_GUILD,
    FakeDiscord,
    FakeGuild,
    FakeUser,
    Response,
)
from tests.support.harness import send_effects, test_settings

GUILD = "1300000000000000100"
CHANNEL = "1300000000000000201"
OTHER_CHANNEL = "1300000000000000202"
ADA = FakeUser("1100000000000000001", "Ada", permissions=BASIC_PERMISSIONS | MANAGE_GUILD)
BOB = FakeUser("1100000000000000002", "Bob")
ZOE = FakeUser("1100000000000000003", "Zoé", locale="fr")
START = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)


@dataclass
class Bed:
    fake: FakeDiscord
    core: Core
    clock: ManualClock
    adapter: DiscordAdapter
    settings_overrides: dict[str, Any]

    async def cmd(
        self,
        user: FakeUser,
        path: str,
        options: dict[str, Any] | None = None,
        channel: str | None = CHANNEL,
        wait: bool = True,
    ) -> Response:
        return await self.fake.command(GUILD, user, path, options, channel_id=channel, wait=wait)

    async def restart(self) -> None:
        """A new process: a new adapter (and discord.py client) on the same database."""
        await self.adapter.stop()
        self.adapter = await start_adapter(self.fake, self.core)


async def start_adapter(fake: FakeDiscord, core: Core, **kwargs: Any) -> DiscordAdapter:
    adapter = DiscordAdapter(core.settings, core, guild_ready_timeout=0.05, **kwargs)
    core.attach_outbox(adapter.outbox)
    await adapter.start()
    return adapter


async def open_bed(
    db: str, registry: Registry | None = None, heartbeat_ms: int = 41250, **settings: Any
) -> tuple[FakeDiscord, Core, ManualClock]:
    fake = await FakeDiscord(
        [FakeGuild(GUILD, "Test server", [CHANNEL, OTHER_CHANNEL])], heartbeat_ms=heartbeat_ms
    ).start()
    values = {"DISCORD_TOKEN": fake.token, "DISCORD_API_URL": fake.api_url, "DATABASE_URL": db}
    values.update(settings)
    clock = ManualClock(START)
    core = Core(test_settings(**values), clock, registry or default_registry())
    send_effects(core, clock)
    return fake, core, clock


@pytest.fixture
async def bed(db: str, caplog: pytest.LogCaptureFixture) -> AsyncIterator[Bed]:
    fake, core, clock = await open_bed(db)
    adapter = await start_adapter(fake, core)
    bed = Bed(fake, core, clock, adapter, {})
    try:
        yield bed
    finally:
        await bed.adapter.stop()
        await fake.close()
    assert fake.mention_violations == []
    assert fake.disallowed_intents == []
    assert_no_errors(caplog)


async def eventually(condition: Callable[[], object], seconds: float = 5.0) -> None:
    """Wait until the fake has seen something the bot does in its own tasks."""
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 -- the fake's state has no event to await
            await asyncio.sleep(0.01)


def assert_no_errors(caplog: pytest.LogCaptureFixture) -> None:
    """discord.py only logs exceptions raised in event handlers: fail on them."""
    errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
