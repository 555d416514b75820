"""A 2,000-reminder direct-message fan-out through the Discord outbox against a fake that
enforces a global rate limit. Prints the time beside the least that limit allows (each DM
is two requests: open the DM channel, send), the 429s received, and lost/duplicated DMs."""

from __future__ import annotations

import asyncio
import time

from adapters.discord.adapter import DiscordAdapter
from bot.kernel.clock import SystemClock
from bot.kernel.core import Core
from bot.kernel.discovery import default_registry
from bot.kernel.messages import Message, Paragraph, Text
from tests.discord.fake_discord import FakeDiscord, FakeGuild
from tests.support.harness import test_settings

GUILD, CHANNEL = "1300000000000000100", "1300000000000000201"
DMS, LIMIT, BURST, IN_FLIGHT = 2000, 400.0, 40.0, 100


async def run() -> dict[str, float]:
    fake = await FakeDiscord([FakeGuild(GUILD, "Bench", [CHANNEL])]).start()
    settings = test_settings(DISCORD_TOKEN=fake.token, DISCORD_API_URL=fake.api_url)
    core = Core(settings, SystemClock(), default_registry())
    # the outbox is told the platform's limit, as it is told Discord's 50/s in production
    adapter = DiscordAdapter(settings, core, guild_ready_timeout=0.05, rate_limit=LIMIT)
    await adapter.start()
    users = [str(1_160_000_000_000_000_000 + n) for n in range(DMS)]
    failed: list[str] = []
    gate = asyncio.Semaphore(IN_FLIGHT)

    async def remind(user: str) -> None:
        async with gate:
            try:
                await adapter.outbox.direct(
                    GUILD, user, Message().add(Paragraph((Text("Python hour starts soon"),)))
                )
            except Exception:
                failed.append(user)

    fake.enforce_rate_limit(LIMIT, BURST)
    started = time.perf_counter()
    try:
        await asyncio.gather(*(remind(u) for u in users))
        elapsed = time.perf_counter() - started
    finally:
        await adapter.stop()
        await fake.close()
    counts = [len(fake.dms_to(u)) for u in users]
    minimum = (2 * DMS - BURST) / LIMIT
    return {
        "seconds": elapsed,
        "minimum": minimum,
        "ratio": elapsed / minimum,
        "rate_limited": fake.rate_limited,
        "lost": sum(1 for c in counts if c == 0),
        "duplicated": sum(c - 1 for c in counts if c > 1),
        "failed": len(failed),
    }


def main() -> None:
    f = asyncio.run(run())
    print(
        f"discord DM fan-out ({DMS} DMs, limit {LIMIT:.0f} req/s burst {BURST:.0f}): "
        f"{f['seconds']:.1f}s vs minimum {f['minimum']:.1f}s (ratio {f['ratio']:.2f}), "
        f"429s {f['rate_limited']:.0f}, lost {f['lost']:.0f}, duplicated {f['duplicated']:.0f}"
    )


if __name__ == "__main__":
    main()
