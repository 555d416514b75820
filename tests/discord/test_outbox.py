"""The Discord outbox against a fake that enforces a rate limit and injects faults: each
DM is delivered once or (DMs closed, 50007) raises once for the caller's fallback."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from adapters.discord.adapter import DiscordAdapter
from bot.kernel.errors import DirectMessagesBlocked
from bot.kernel.messages import Mention, Message, Paragraph, Text
from tests.discord.conftest import (
    CHANNEL,
    GUILD,
    assert_no_errors,
    eventually,
    open_bed,
    start_adapter,
)
from tests.discord.fake_discord import FakeDiscord, message_text

USERS = [str(1_150_000_000_000_000_000 + n) for n in range(120)]
BLOCKED = set(USERS[5::30])  # 4 members who don't accept DMs


@pytest.fixture
async def discord_only(
    caplog: pytest.LogCaptureFixture,
) -> AsyncIterator[tuple[FakeDiscord, DiscordAdapter]]:
    """The adapter with no database work: only the outbox is exercised."""
    fake, core, _ = await open_bed("sqlite://:memory:")
    adapter = await start_adapter(fake, core)
    adapter.outbox.backoff = 0.01
    try:
        yield fake, adapter
    finally:
        await adapter.stop()
        await fake.close()
    assert fake.mention_violations == []


def reminder(user_id: str) -> Message:
    return Message().add(Paragraph((Text("Reminder for "), Mention(user_id, "you"))))


async def fan_out(adapter: DiscordAdapter, users: list[str]) -> dict[str, str]:
    """What a scheduler does: DM everyone; a member with DMs closed is mentioned once in the
    community's channel instead."""
    outcome: dict[str, str] = {}

    async def one(user: str) -> None:
        try:
            await adapter.outbox.direct(GUILD, user, reminder(user))
            outcome[user] = "direct"
        except DirectMessagesBlocked:
            await adapter.outbox.post(GUILD, CHANNEL, reminder(user))
            outcome[user] = "fallback"

    await asyncio.gather(*(one(u) for u in users))
    return outcome


async def test_fan_out_through_429s_and_closed_dms(
    discord_only: tuple[FakeDiscord, DiscordAdapter], caplog: pytest.LogCaptureFixture
) -> None:
    fake, adapter = discord_only
    fake.blocked_dm_users = set(BLOCKED)
    fake.enforce_rate_limit(per_second=150, burst=10)
    adapter.outbox.pacer.interval = 1 / 600  # paced far too fast on purpose: 429s follow
    outcome = await fan_out(adapter, USERS)

    assert fake.rate_limited > 0
    assert {u for u, how in outcome.items() if how == "fallback"} == BLOCKED
    for user in USERS:
        assert len(fake.dms_to(user)) == (0 if user in BLOCKED else 1), user
    fallbacks = fake.messages.get(CHANNEL, [])
    assert sorted(m["allowed_mentions"]["users"][0] for m in fallbacks) == sorted(
        int(u) for u in BLOCKED
    )
    assert_no_errors(caplog)


async def test_paced_fan_out_stays_under_the_limit(
    discord_only: tuple[FakeDiscord, DiscordAdapter],
) -> None:
    fake, adapter = discord_only
    limit, burst = 200.0, 10
    fake.enforce_rate_limit(per_second=limit, burst=burst)
    adapter.outbox.pacer.interval = 1 / (limit * 0.9)
    users = USERS[:40]
    started = time.monotonic()
    outcome = await fan_out(adapter, users)
    elapsed = time.monotonic() - started
    assert set(outcome.values()) == {"direct"}
    assert fake.rate_limited == 0
    assert elapsed >= (2 * len(users) - burst) / limit  # never faster than the limit allows
    assert all(len(fake.dms_to(u)) == 1 for u in users)


async def test_a_held_up_loop_does_not_release_the_queued_requests_at_once(
    discord_only: tuple[FakeDiscord, DiscordAdapter],
) -> None:
    """A busy machine holds the event loop now and then; the requests whose turn came
    meanwhile must still leave one by one, or Discord's bucket answers 429."""
    fake, adapter = discord_only
    limit = 200.0
    fake.enforce_rate_limit(per_second=limit, burst=3)
    adapter.outbox.pacer.interval = 1 / (limit * 0.9)
    users = USERS[:40]
    sending = asyncio.create_task(fan_out(adapter, users))
    await eventually(lambda: len(fake.calls("POST", r"/channels/\d+/messages")) >= 5)
    time.sleep(0.15)  # noqa: ASYNC251 - the loop held up on purpose: ~27 turns pass meanwhile
    outcome = await sending
    assert set(outcome.values()) == {"direct"}
    assert fake.rate_limited == 0
    assert all(len(fake.dms_to(u)) == 1 for u in users)


async def test_server_errors_are_retried_without_duplicates(
    discord_only: tuple[FakeDiscord, DiscordAdapter],
) -> None:
    fake, adapter = discord_only
    fake.fail("POST", r"/channels/\d+/messages", 503)  # refused: retried
    ref = await adapter.outbox.post(GUILD, CHANNEL, Message().paragraph("one"))
    # stored, but the answer is lost: the retry carries the same nonce, Discord drops it
    fake.fail("POST", r"/channels/\d+/messages", 503, after_effect=True)
    await adapter.outbox.post(GUILD, CHANNEL, Message().paragraph("two"))
    fake.fail("POST", r"/users/@me/channels", 502)
    await adapter.outbox.direct(GUILD, USERS[0], Message().paragraph("three"))
    texts = [message_text(m) for m in fake.messages[CHANNEL]]
    assert texts == ["one", "two"]
    assert [message_text(m) for m in fake.dms_to(USERS[0])] == ["three"]
    posts = fake.calls("POST", rf"/channels/{CHANNEL}/messages")
    assert [r.status for r in posts] == [503, 200, 503, 200]
    assert posts[2].body["nonce"] == posts[3].body["nonce"] and posts[3].body["enforce_nonce"]
    assert ref is not None and ref.startswith(f"{CHANNEL}/")


async def test_server_errors_give_up_after_the_retries(
    discord_only: tuple[FakeDiscord, DiscordAdapter],
) -> None:
    import discord

    fake, adapter = discord_only
    for _ in range(adapter.outbox.retries + 1):
        fake.fail("POST", r"/channels/\d+/messages", 503)
    with pytest.raises(discord.DiscordServerError):
        await adapter.outbox.post(GUILD, CHANNEL, Message().paragraph("never"))
    assert CHANNEL not in fake.messages


async def test_thread_made_once_from_a_posted_message(
    discord_only: tuple[FakeDiscord, DiscordAdapter],
) -> None:
    fake, adapter = discord_only
    ref = await adapter.outbox.post(GUILD, CHANNEL, Message().paragraph("Meeting: Python hour"))
    assert ref is not None
    starter = ref.split("/")[1]
    first = await adapter.outbox.post(GUILD, CHANNEL, Message().paragraph("agenda"), thread=ref)
    await adapter.outbox.post(GUILD, CHANNEL, Message().paragraph("notes"), thread=ref)
    assert fake.threads == {starter: "Meeting: Python hour"}
    assert [message_text(m) for m in fake.messages[starter]] == ["agenda", "notes"]
    assert first is not None and first.startswith(f"{starter}/")
    assert len(fake.calls("POST", r"/channels/\d+/messages/\d+/threads")) == 1
