"""A command's DMs survive kill -9, measured from outside: the real ``copbot run`` in Slack
HTTP mode on PostgreSQL, a coordinator cancelling a meeting that 30 members said they
would go to, the Slack API answering each ``chat.postMessage`` in 300 ms, and the process
killed with SIGKILL the moment the first of the 30 DMs reaches Slack (after the command
committed, before its DMs went out). A restart sends the rest: every member is told once,
none is told twice, and the channel's notice is not posted again."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.kernel.effects import KIND
from data.models import Community, Delivery, Member, Membership
from tests.scheduler.fanout import FINAL, MEMBERS, Copbot, seed, slack_env, wait_until
from tests.slack.fake_slack import FakeSlack
from tests.slack.signed import slash_command
from tests.slack.stack import SECRET

LATENCY = 0.3
COORDINATOR = "UCOORD"

pytestmark = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack().start()
    fake.add_user(COORDINATOR, "Coord")
    yield fake
    await fake.stop()


@pytest.fixture
def processes(tmp_path: Path) -> Any:
    started: list[Copbot] = []

    def start(env: dict[str, str]) -> Copbot:
        copbot = Copbot(env, tmp_path / f"copbot{len(started)}.log")
        started.append(copbot)
        return copbot

    yield start
    for copbot in started:
        copbot.close()


async def add_coordinator() -> None:
    community = await Community.get(name="python").prefetch_related("workspace")
    member = await Member.create(
        workspace=community.workspace,
        external_id=COORDINATOR,
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


def cancel_dms(slack: FakeSlack, user: str) -> list[dict[str, Any]]:
    return [m for m in slack.posts_to("D" + user) if "cancel" in str(m).lower()]


async def effects_final() -> bool:
    rows = await Delivery.filter(kind=KIND).values_list("status", flat=True)
    return bool(rows) and all(status in FINAL for status in rows)


async def test_sigkill_after_a_command_commits_then_restart_tells_each_member_once(
    db: str, slack: FakeSlack, processes: Any
) -> None:
    users = [f"U{i:03d}" for i in range(MEMBERS)]
    # the reminders are an hour away: only the announcement goes out while the test runs
    await seed("slack", "T1", "C1", users, 3600, timedelta(minutes=1))
    await add_coordinator()
    env = slack_env(db, slack.api_url, slack.bot_token, "1m")
    first = processes(env)
    await wait_until(lambda: slack.posts_to("C1"), 60, "the announcement", first)
    await wait_until(
        lambda: Delivery.filter(kind="announcement", status="sent").exists(), 30, "it", first
    )
    slack.latency["chat.postMessage"] = LATENCY
    command = asyncio.create_task(slash(first, slack, 'meeting cancel "Python hour" all'))
    await wait_until(lambda: any(slack.posts_to("D" + u) for u in users), 60, "a DM", first)
    first.kill(signal.SIGKILL)
    await first.wait(30)
    await command
    told = sum(len(cancel_dms(slack, user)) for user in users)
    assert told < MEMBERS  # killed in the middle of the DMs
    held = await Delivery.filter(kind=KIND, status="claimed").count()
    assert held > 0  # committed with the cancel, claimed by the dead process
    assert await Delivery.filter(kind=KIND).exclude(status="claimed").count() == 0
    second = processes(env)
    await wait_until(effects_final, 60, "the effects handled", second)
    # each member told exactly once: 0 lost, 0 doubled
    assert {user: len(cancel_dms(slack, user)) for user in users} == dict.fromkeys(users, 1)
    notices = [m for m in slack.posts_to("C1") if "cancel" in str(m).lower()]
    assert len(notices) == 1  # the channel's notice, taken by Slack before the kill, once
    # taken over from the dead process and checked against Slack before re-sending
    assert await Delivery.filter(kind=KIND, attempts=2).count() == held
    assert await Delivery.filter(kind=KIND, status="sent").count() == held
    assert slack.calls_to("conversations.history")
    second.kill(signal.SIGTERM)
    assert await second.wait(30) == 0, second.output()
