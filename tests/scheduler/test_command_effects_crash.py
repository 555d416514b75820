"""A command's DMs survive kill -9, measured from outside: the real ``copbot run`` on
PostgreSQL (Slack in HTTP mode, and Discord over its gateway), a coordinator cancelling a
meeting that 30 members said they would go to, the platform answering each message in
300 ms, and the process killed with SIGKILL the moment the first of the 30 DMs reaches it
(after the command committed, before its DMs went out). A restart sends the rest: every
member is told once, none is told twice, and the channel's notice is not posted again."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from bot.kernel.effects import KIND
from data.models import Community, Delivery, Member, Membership
from tests.discord.fake_discord import FakeDiscord, FakeGuild, FakeUser
from tests.scheduler.fanout import FINAL, MEMBERS, Copbot, seed, wait_until
from tests.scheduler.test_fanout_crash import (
    CHANNEL,
    GUILD,
    DiscordPlatform,
    Platform,
    SlackPlatform,
)
from tests.slack.fake_slack import FakeSlack
from tests.slack.signed import slash_command
from tests.slack.stack import SECRET

LATENCY = 0.3
COORDINATOR = "UCOORD"
DISCORD_COORDINATOR = "1100000000000000999"

pytestmark = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)


@pytest.fixture(params=["slack", "discord"])
async def platform(request: pytest.FixtureRequest) -> AsyncIterator[Platform]:
    if request.param == "slack":
        slack = await FakeSlack().start()
        slack.add_user(COORDINATOR, "Coord")
        yield SlackPlatform(slack)
        await slack.stop()
    else:
        discord = await FakeDiscord([FakeGuild(GUILD, "Test server", [CHANNEL])]).start()
        yield DiscordPlatform(discord)
        await discord.close()


async def add_coordinator(external_id: str) -> None:
    community = await Community.get(name="python").prefetch_related("workspace")
    member = await Member.create(
        workspace=community.workspace,
        external_id=external_id,
        display_name="Coord",
        first_seen=datetime.now(UTC) - timedelta(days=1),
    )
    await Membership.create(
        member=member, community=community, role="coordinator", joined_at=member.first_seen
    )


async def slash(copbot: Copbot, slack: FakeSlack, text: str) -> None:
    """The command as Slack sends it; the answer never comes when the process is killed."""
    request = slash_command(
        "/cop", text, user_id=COORDINATOR, user_name="coord", response_url=slack.response_url()
    )
    url = f"http://127.0.0.1:{copbot.port}/slack/events"
    with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
        async with (
            aiohttp.ClientSession() as http,
            http.post(url, data=request.body, headers=request.headers(SECRET)) as answer,
        ):
            await answer.read()


async def cancel_meeting(platform: Platform, copbot: Copbot) -> asyncio.Task[None] | None:
    """A coordinator runs `meeting cancel "Python hour" all`, as each platform sends it
    (Slack's request waits for the answer: its task, to await once the process is gone)."""
    if isinstance(platform, SlackPlatform):
        text = 'meeting cancel "Python hour" all'
        return asyncio.create_task(slash(copbot, platform.fake, text))
    assert isinstance(platform, DiscordPlatform)
    fake = platform.fake

    def registered() -> bool:
        return any(c["name"] == "meeting" for c in fake.global_commands) or any(
            c["name"] == "meeting" for c in fake.guild_commands.get(GUILD, [])
        )

    await wait_until(registered, 60, "the commands registered", copbot)
    user = FakeUser(DISCORD_COORDINATOR, "Coord")
    options = {"meeting": "Python hour", "which": "all"}
    await fake.command(GUILD, user, "meeting cancel", options, wait=False)
    return None


def cancel_notices(messages: list[Any]) -> list[Any]:
    return [m for m in messages if "cancel" in str(m).lower()]


def slow_down(platform: Platform) -> None:
    if isinstance(platform, SlackPlatform):
        platform.fake.latency["chat.postMessage"] = LATENCY
    elif isinstance(platform, DiscordPlatform):
        platform.fake.message_latency = LATENCY


async def announced() -> bool:
    return await Delivery.filter(kind="announcement", status="sent").exists()


async def effects_final() -> bool:
    rows = await Delivery.filter(kind=KIND).values_list("status", flat=True)
    return bool(rows) and all(status in FINAL for status in rows)


async def test_sigkill_after_a_command_commits_then_restart_tells_each_member_once(
    db: str, platform: Platform, processes: Any
) -> None:
    users = platform.users
    # the reminders are an hour away: only the announcement goes out while the test runs
    await seed(
        platform.name, platform.workspace, platform.channel, users, 3600, timedelta(minutes=1)
    )
    coordinator = COORDINATOR if isinstance(platform, SlackPlatform) else DISCORD_COORDINATOR
    await add_coordinator(coordinator)
    env = platform.env(db, "1m")
    first = processes(env)
    # up and serving: its scheduler has posted the announcement and recorded it
    await wait_until(platform.channel_posts, 60, "the announcement", first)
    await wait_until(announced, 30, "the announcement recorded", first)
    slow_down(platform)
    request = await cancel_meeting(platform, first)
    await wait_until(lambda: any(platform.dms(u) for u in users), 60, "a DM", first)
    first.kill(signal.SIGKILL)
    await first.wait(30)
    if request is not None:
        await request
    told = sum(len(cancel_notices(platform.dms(user))) for user in users)
    assert told < MEMBERS  # killed in the middle of the DMs
    held = await Delivery.filter(kind=KIND, status="claimed").count()
    assert held > 0  # committed with the cancel, claimed by the dead process
    assert await Delivery.filter(kind=KIND).exclude(status="claimed").count() == 0
    second = processes(env)
    await wait_until(effects_final, 60, "the effects handled", second)
    # each member told exactly once: 0 lost, 0 doubled
    assert {u: len(cancel_notices(platform.dms(u))) for u in users} == dict.fromkeys(users, 1)
    # the channel's notice, which the platform took before the kill, once
    assert len(cancel_notices(platform.channel_posts())) == 1
    # taken over from the dead process and checked against the platform before re-sending
    assert await Delivery.filter(kind=KIND, attempts=2).count() == held
    assert await Delivery.filter(kind=KIND, status="sent").count() == held
    if isinstance(platform, SlackPlatform):
        assert platform.fake.calls_to("conversations.history")
    elif isinstance(platform, DiscordPlatform):  # repeats came, and Discord dropped them
        sent = platform.fake.calls("POST", r"/channels/\d+/messages")
        assert len(sent) > len(platform.channel_posts()) + MEMBERS
    second.kill(signal.SIGTERM)
    assert await second.wait(30) == 0, second.output()
