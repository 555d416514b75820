"""The gateway drops mid-scenario: the bot RESUMEs its session, what was dispatched while
it was away arrives, and an event replayed twice is acted on once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from data.models import Community, Membership
from tests.discord.conftest import (
    ADA,
    BOB,
    CHANNEL,
    GUILD,
    Bed,
    assert_no_errors,
    eventually,
    open_bed,
    start_adapter,
)


@pytest.fixture
async def fast_bed(db: str, caplog: pytest.LogCaptureFixture) -> AsyncIterator[Bed]:
    fake, core, clock = await open_bed(db, heartbeat_ms=150)
    adapter = await start_adapter(fake, core)
    bed = Bed(fake, core, clock, adapter, {})
    try:
        yield bed
    finally:
        await bed.adapter.stop()
        await fake.close()
    assert fake.mention_violations == []
    assert_no_errors(caplog)


async def test_drop_resume_nothing_lost_nothing_twice(fast_bed: Bed) -> None:
    bed, fake = fast_bed, fast_bed.fake
    created = await bed.cmd(ADA, "community create", {"name": "Python"})
    assert "created" in created.text
    await eventually(lambda: fake.heartbeats >= 2)  # heartbeats are answered with ACKs

    fake.replay_overlap = 1  # the RESUME will also re-send the create interaction
    fake.gateway_open.clear()
    await fake.drop_websocket()
    # dispatched while the bot is away: kept by the fake until the bot resumes
    join = await bed.cmd(BOB, "join", {"community": "Python"}, channel=CHANNEL, wait=False)
    fake.gateway_open.set()
    await fake.wait_answered(join.interaction_id)

    assert len(fake.identifies) == 1 and len(fake.resumes) == 1
    assert fake.resumes[0]["session_id"] == next(iter(fake.sessions))
    assert "Welcome to “Python”" in join.text
    assert created.callbacks == 1 and join.callbacks == 1
    await asyncio.sleep(0.2)  # give a wrongly replayed create the time to show up
    assert created.callbacks == 1
    assert await Community.all().count() == 1
    assert await Membership.all().count() == 2

    # the resumed session keeps working
    after = await fake.command(GUILD, BOB, "members", {"community": "Python"})
    assert "Members of Python (2)" in after.text
