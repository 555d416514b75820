"""Issue 11, measured from outside: the real ``copbot run`` on PostgreSQL, a 30-member
meeting's reminders going out through a slow Slack or Discord (300 ms an answer, 8 sends
in flight), and the process killed with SIGKILL when the 10th post reaches the platform.

With ``REMINDER_OFFSETS=1m`` the reminders are useful for one minute only: a takeover that
waited out the dead process's 2-minute lease would skip them. With ``3m`` they stay useful:
the posts the platform took but never confirmed must not be posted twice.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import pytest

from data.models import Delivery
from tests.discord.fake_discord import FakeDiscord, FakeGuild
from tests.scheduler.fanout import (
    MEMBERS,
    POSTS,
    Copbot,
    all_final,
    claims_by_pid,
    discord_env,
    seed,
    slack_env,
    wait_until,
)
from tests.slack.fake_slack import FakeSlack

LATENCY = 0.3
KILL_AT = 10  # posts the platform has received when the process is killed
# below the fake's own snowflakes (it counts up from 1300000000000000000)
GUILD = "1250000000000000100"
CHANNEL = "1250000000000000201"
OFFSETS = {"1m": timedelta(minutes=1), "3m": timedelta(minutes=3)}

pytestmark = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)


class Platform:
    """One fake platform, seen the same way by every test: what each member received."""

    name: str
    workspace: str
    channel: str
    users: list[str]

    def env(self, db: str, offsets: str) -> dict[str, str]:
        raise NotImplementedError

    def received(self) -> int:
        """Messages the platform has taken (answered or not)."""
        raise NotImplementedError

    def dms(self, user: str) -> list[Any]:
        raise NotImplementedError

    def channel_posts(self) -> list[Any]:
        raise NotImplementedError


class SlackPlatform(Platform):
    name, workspace, channel = "slack", "T1", "C1"

    def __init__(self, fake: FakeSlack) -> None:
        self.fake = fake
        self.users = [f"U{i:03d}" for i in range(MEMBERS)]

    def env(self, db: str, offsets: str) -> dict[str, str]:
        return slack_env(db, self.fake.api_url, self.fake.bot_token, offsets)

    def received(self) -> int:
        return len(self.fake.messages)

    def dms(self, user: str) -> list[Any]:
        return self.fake.posts_to("D" + user)

    def channel_posts(self) -> list[Any]:
        return self.fake.posts_to(self.channel)


class DiscordPlatform(Platform):
    name, workspace, channel = "discord", GUILD, CHANNEL

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.users = [str(1100000000000000100 + i) for i in range(MEMBERS)]

    def env(self, db: str, offsets: str) -> dict[str, str]:
        return discord_env(db, self.fake.api_url, self.fake.token, offsets)

    def received(self) -> int:
        return sum(len(messages) for messages in self.fake.messages.values())

    def dms(self, user: str) -> list[Any]:
        return self.fake.dms_to(user)

    def channel_posts(self) -> list[Any]:
        return self.fake.messages.get(CHANNEL, [])


@pytest.fixture(params=["slack", "discord"])
async def platform(request: pytest.FixtureRequest) -> AsyncIterator[Platform]:
    if request.param == "slack":
        slack = await FakeSlack().start()
        slack.latency["chat.postMessage"] = LATENCY
        yield SlackPlatform(slack)
        await slack.stop()
    else:
        discord = await FakeDiscord([FakeGuild(GUILD, "Test server", [CHANNEL])]).start()
        discord.message_latency = LATENCY
        yield DiscordPlatform(discord)
        await discord.close()


async def assert_each_member_reminded_once(platform: Platform) -> None:
    statuses = await Delivery.filter(kind__in=("reminder", "announcement")).values_list(
        "status", flat=True
    )
    assert sorted(statuses) == ["sent"] * POSTS  # 0 lost (none skipped as too late)
    assert {user: len(platform.dms(user)) for user in platform.users} == {
        user: 1 for user in platform.users
    }  # 0 duplicated
    assert len(platform.channel_posts()) == 2  # the announcement and the reminder, once each
    assert platform.received() == POSTS


async def claimed_once_settled() -> int:
    """The rows left claimed, once the server has finished any statement the killed process
    had already sent (it may still commit its last "sent" record a moment after the kill)."""
    held = await Delivery.filter(status="claimed").count()
    while True:
        await asyncio.sleep(0.5)
        again = await Delivery.filter(status="claimed").count()
        if again == held:
            return held
        held = again


def started_scheduler(copbot: Copbot) -> Callable[[], bool]:
    return lambda: "scheduler started" in copbot.log.read_text(errors="replace")


@pytest.mark.parametrize("offsets", ["1m", "3m"])
async def test_sigkill_mid_fanout_then_restart_loses_and_doubles_nothing(
    db: str, platform: Platform, processes: Any, offsets: str
) -> None:
    # the reminders are due as copbot starts; the meeting starts a minute (or 3) later
    await seed(
        platform.name, platform.workspace, platform.channel, platform.users, -5, OFFSETS[offsets]
    )
    first = processes(platform.env(db, offsets))
    await wait_until(lambda: platform.received() >= KILL_AT, 90, "the 10th post", first)
    first.kill(signal.SIGKILL)
    await first.wait(30)
    taken = platform.received()
    held = await claimed_once_settled()
    assert taken < POSTS and held > 0  # killed in the middle, holding claims
    second = processes(platform.env(db, offsets))
    await wait_until(all_final, 50, "every post handled", second)
    await assert_each_member_reminded_once(platform)
    # the posts the dead process held were claimed again, and checked before re-sending
    assert await Delivery.filter(attempts=2).count() == held
    if isinstance(platform, SlackPlatform):
        assert platform.fake.calls_to("conversations.history")
    elif isinstance(platform, DiscordPlatform):  # repeats came, and Discord dropped them
        sent = platform.fake.calls("POST", r"/channels/\d+/messages")
        assert len(sent) > POSTS
    second.kill(signal.SIGTERM)
    assert await second.wait(30) == 0, second.output()


async def test_two_processes_one_killed_the_other_takes_over(
    db: str, platform: Platform, processes: Any
) -> None:
    # due in 20 s, so both processes are up when the fan-out starts
    await seed(
        platform.name, platform.workspace, platform.channel, platform.users, 20, OFFSETS["1m"]
    )
    pair = [processes(platform.env(db, "1m")) for _ in range(2)]
    for copbot in pair:
        await wait_until(started_scheduler(copbot), 60, "the scheduler", *pair)
    await wait_until(lambda: platform.received() >= KILL_AT, 90, "the 10th post", *pair)
    # the process holding claims: one claim statement usually takes the whole fan-out, but
    # two processes claiming at the same instant split it (SKIP LOCKED); kill the one
    # holding more
    held_by = await claims_by_pid()
    victim = max(pair, key=lambda copbot: held_by[copbot.pid])
    [survivor] = [copbot for copbot in pair if copbot is not victim]
    held = held_by[victim.pid]
    assert held > 0
    victim.kill(signal.SIGKILL)
    await victim.wait(30)
    assert platform.received() < POSTS
    # no restart: the survivor notices within seconds and sends the rest
    await wait_until(all_final, 50, "every post handled", survivor)
    await assert_each_member_reminded_once(platform)
    assert 0 < await Delivery.filter(attempts=2).count() <= held  # it re-claimed them
    assert survivor.proc.poll() is None
    survivor.kill(signal.SIGTERM)
    assert await survivor.wait(30) == 0, survivor.output()


async def test_sigterm_mid_fanout_exits_0_and_a_restart_finishes(
    db: str, platform: Platform, processes: Any
) -> None:
    await seed(
        platform.name, platform.workspace, platform.channel, platform.users, -5, OFFSETS["3m"]
    )
    first = processes(platform.env(db, "3m"))
    await wait_until(lambda: platform.received() >= KILL_AT, 90, "the 10th post", first)
    first.kill(signal.SIGTERM)
    # the grace for sends under way is 8 s; the whole stop stays well inside 15 s
    assert await first.wait(15) == 0, first.output()
    assert platform.received() < POSTS
    # what it sent is recorded, the rest released: nothing is left claimed
    assert await Delivery.filter(status="claimed").count() == 0
    assert "released" in first.output()
    second = processes(platform.env(db, "3m"))
    await wait_until(all_final, 50, "every post handled", second)
    await assert_each_member_reminded_once(platform)
    second.kill(signal.SIGTERM)
    assert await second.wait(30) == 0, second.output()
