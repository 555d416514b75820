"""Interactions per second through the whole copbot path (discord.py client, adapter, core,
SQLite) beside a bare discord.py bot answering the same interactions, against the same
fake Discord in the same run. Prints both rates and their ratio."""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

import discord

from adapters.discord.adapter import DiscordAdapter
from bot.kernel.clock import SystemClock
from bot.kernel.core import Core
from bot.kernel.discovery import default_registry
from bot.kernel.who import Who
from data.db import close_database, init_database, migrate
from tests.discord.fake_discord import BASIC_PERMISSIONS, FakeDiscord, FakeGuild, FakeUser
from tests.support.harness import test_settings

GUILD, CHANNEL = "1300000000000000100", "1300000000000000201"
INTERACTIONS, IN_FLIGHT, USERS = 600, 8, 40


async def pump(fake: FakeDiscord, build: Any) -> float:
    """Send INTERACTIONS interactions, IN_FLIGHT at a time; interactions per second."""
    users = [FakeUser(str(1_150_000_000_000_000_000 + n), f"user{n}") for n in range(USERS)]
    queue = list(range(INTERACTIONS))

    async def worker() -> None:
        while queue:
            n = queue.pop()
            await fake.send_interaction(build(users[n % USERS]))

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
    return INTERACTIONS / (time.perf_counter() - started)


def communities_command(fake: FakeDiscord, user: FakeUser) -> dict[str, Any]:
    data = {"id": "1", "name": "communities", "type": 1, "options": []}
    return fake.interaction(GUILD, user, 2, data, channel_id=CHANNEL)


async def copbot_rate(fake: FakeDiscord, database_url: str) -> tuple[float, float]:
    settings = test_settings(
        DISCORD_TOKEN=fake.token, DISCORD_API_URL=fake.api_url, DATABASE_URL=database_url
    )
    core = Core(settings, SystemClock(), default_registry())
    adapter = DiscordAdapter(settings, core, guild_ready_timeout=0.05)
    core.attach_outbox(adapter.outbox)
    await adapter.start()
    try:
        ada = FakeUser("1100000000000000001", "Ada", permissions=BASIC_PERMISSIONS)
        await fake.command(GUILD, ada, "community create", {"name": "Python"}, channel_id=CHANNEL)
        await fake.command(GUILD, ada, "community create", {"name": "Moodle"})
        rate = await pump(fake, lambda user: communities_command(fake, user))
        return rate, await core_rate(core)
    finally:
        await adapter.stop()


async def core_rate(core: Core) -> float:
    """The same command straight into the core (no Discord at all): what the database and
    handler cost on their own."""
    queue = list(range(INTERACTIONS))

    async def worker() -> None:
        while queue:
            n = queue.pop()
            who = Who("discord", GUILD, str(1_150_000_000_000_000_000 + n % USERS), f"user{n}")
            await core.handle(who, "communities", {})

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
    return INTERACTIONS / (time.perf_counter() - started)


async def bare_rate(fake: FakeDiscord) -> float:
    """The floor: discord.py answering each interaction with a fixed ephemeral text."""
    intents = discord.Intents.none()
    intents.guilds = True
    client = discord.Client(intents=intents, guild_ready_timeout=0.05)
    ready = asyncio.Event()

    @client.event
    async def on_ready() -> None:
        ready.set()

    @client.event
    async def on_interaction(interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message(
            "ok", ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )

    task = asyncio.create_task(client.start(fake.token))
    await asyncio.wait_for(ready.wait(), 10)
    try:
        return await pump(fake, lambda user: communities_command(fake, user))
    finally:
        await client.close()
        await task


async def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite://{Path(folder) / 'bench.sqlite3'}"
        await migrate(url)
        await init_database(url)
        fake = await FakeDiscord([FakeGuild(GUILD, "Bench", [CHANNEL])]).start()
        try:
            copbot, core_only = await copbot_rate(fake, url)
            bare = await bare_rate(fake)
        finally:
            await fake.close()
            await close_database()
    return {"copbot": copbot, "bare": bare, "ratio": copbot / bare, "core": core_only}


def main() -> None:
    figures = asyncio.run(run())
    print(
        f"discord interactions ({INTERACTIONS}, {IN_FLIGHT} in flight, SQLite, /communities): "
        f"copbot {figures['copbot']:.0f}/s, bare discord.py {figures['bare']:.0f}/s, "
        f"ratio {figures['ratio']:.2f} (the core alone, no Discord: {figures['core']:.0f}/s)"
    )


if __name__ == "__main__":
    main()
