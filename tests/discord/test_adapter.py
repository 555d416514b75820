"""Adapter behaviour end to end: persistent components across a restart, member joins,
deferral of slow work, per-server command sync, shards, native Scheduled Events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import bot.kernel.lookups
from bot.kernel.registry import Registry
from bot.meetings.native_events import MeetingEvent, sync_native_event
from data.models import Member, Membership
from tests.discord import slow_area
from tests.discord.conftest import (
    ADA,
    BOB,
    GUILD,
    Bed,
    assert_no_errors,
    eventually,
    open_bed,
    start_adapter,
)
from tests.discord.fake_discord import MANAGE_EVENTS, FakeUser, custom_ids, message_text

NEWBIE = FakeUser("1100000000000000009", "Newbie")


async def test_buttons_and_forms_work_after_a_restart(bed: Bed) -> None:
    await bed.cmd(ADA, "community create", {"name": "Python"})
    listing = await bed.cmd(BOB, "communities")
    join_button = next(cid for _, cid in custom_ids(listing.final) if cid.startswith("cb:join:"))
    joined = await bed.cmd(BOB, "join", {"community": "Python"})
    intro_button = next(cid for _, cid in custom_ids(joined.final) if cid.startswith("co:"))
    await Membership.filter(member__external_id=BOB.id).delete()

    await bed.restart()  # a new process: new client, new session, empty memory
    assert len(bed.fake.identifies) == 2
    pressed = await bed.fake.press(GUILD, BOB, listing.final, join_button)
    assert "Welcome to “Python”" in pressed.text
    assert await Membership.filter(member__external_id=BOB.id).count() == 1
    modal = await bed.fake.press(GUILD, BOB, joined.final, intro_button)
    assert modal.type == 9 and len(modal.data["components"]) == 5


async def test_member_joining_the_server_is_greeted_by_dm(bed: Bed) -> None:
    await bed.fake.member_joins(GUILD, NEWBIE)
    await eventually(lambda: bed.fake.dms_to(NEWBIE.id))
    greeting = bed.fake.dms_to(NEWBIE.id)
    assert len(greeting) == 1 and "Test server" in message_text(greeting[0])
    (button,) = [cid for _, cid in custom_ids(greeting[0]) if ".co:intro:" in cid]
    assert button.startswith(f"g{GUILD}.co:intro:")  # a press in the DM names the server
    modal = await bed.fake.press_dm(NEWBIE, greeting[0], button)
    assert modal.type == 9 and len(modal.data["components"]) == 5
    saved = await bed.fake.submit_modal_dm(NEWBIE, modal.data["custom_id"], {"title": "Tutor"})
    assert not saved.text.startswith("Sorry"), saved.text
    assert (await Member.get(external_id=NEWBIE.id)).title == "Tutor"


@pytest.mark.parametrize("visibility", ["private", "public"])
async def test_slow_work_is_deferred(
    db: str, caplog: pytest.LogCaptureFixture, visibility: str
) -> None:
    registry = Registry.from_modules([bot.kernel.lookups, slow_area])
    fake, core, _ = await open_bed(db, registry=registry)
    adapter = await start_adapter(fake, core, defer_after=0.05)
    try:
        reply = await fake.command(GUILD, ADA, "slow", {"visibility": visibility})
    finally:
        await adapter.stop()
        await fake.close()
    assert reply.type == 5 and int(reply.data["flags"]) & 64  # "thinking…", privately
    assert message_text(reply.followups[-1]) == "done thinking"
    if visibility == "private":
        assert int(reply.followups[-1]["flags"]) & 64 and not reply.deleted_original
    else:  # a public answer replaces the private "thinking…"
        assert not int(reply.followups[-1].get("flags", 0)) & 64 and reply.deleted_original
    assert fake.mention_violations == []
    assert_no_errors(caplog)


async def test_commands_sync_to_listed_servers_instantly(db: str) -> None:
    fake, core, _ = await open_bed(db, DISCORD_GUILD_IDS=GUILD)
    adapter = await start_adapter(fake, core)
    assert adapter.health() is True  # what /healthz reports
    await adapter.stop()
    assert adapter.health() is False
    await fake.close()
    assert fake.calls("PUT", r"/applications/\d+/commands") == []
    puts = fake.calls("PUT", rf"/applications/\d+/guilds/{GUILD}/commands")
    assert len(puts) == 1 and puts[0].body == adapter.schema.payload


async def test_a_process_runs_only_its_shards(db: str) -> None:
    fake, core, _ = await open_bed(db, DISCORD_SHARD_COUNT=2, DISCORD_SHARD_IDS="1")
    adapter = await start_adapter(fake, core)
    await adapter.stop()
    await fake.close()
    assert [i["shard"] for i in fake.identifies] == [[1, 2]]
    # guilds, members, guild messages; no message content: it is off in the portal
    assert fake.identifies[0]["intents"] == (1 << 0) | (1 << 1) | (1 << 9)
    # commands are synced by the process that holds shard 0
    assert fake.calls("PUT", r"/applications/\d+/commands") == []


async def test_meetings_mirror_as_scheduled_events(bed: Bed) -> None:
    outbox = bed.adapter.outbox
    start = datetime(2027, 5, 31, 20, 30, tzinfo=UTC)
    event = MeetingEvent(
        "Python hour",
        start,
        start + timedelta(hours=1),
        "Bring questions",
        "https://meet.example/py",
    )
    created = await sync_native_event(outbox, GUILD, event)
    assert created is not None
    stored = bed.fake.scheduled_events[created]
    assert stored["scheduled_start_time"] == "2027-05-31T20:30:00+00:00"
    assert stored["entity_type"] == 3 and stored["privacy_level"] == 2
    assert stored["entity_metadata"] == {"location": "https://meet.example/py"}

    moved = MeetingEvent(
        "Python hour",
        start + timedelta(days=7),
        start + timedelta(days=7, hours=1),
        external_id=created,
        channel_id="1300000000000000201",
    )
    assert await sync_native_event(outbox, GUILD, moved) == created
    assert bed.fake.scheduled_events[created]["scheduled_start_time"].startswith("2027-06-07")
    assert bed.fake.scheduled_events[created]["entity_metadata"] == {
        "location": "<#1300000000000000201>"
    }

    # gone on Discord's side (deleted by a moderator): a new one is made
    bed.fake.scheduled_events.clear()
    again = await sync_native_event(outbox, GUILD, moved)
    assert again is not None and again != created and again in bed.fake.scheduled_events

    cancelled = MeetingEvent("Python hour", start, start, external_id=again, cancelled=True)
    assert await sync_native_event(outbox, GUILD, cancelled) is None
    assert bed.fake.scheduled_events == {}


async def test_no_events_where_the_bot_may_not_manage_them(db: str) -> None:
    fake, core, _ = await open_bed(db)
    fake.guilds[GUILD].bot_permissions &= ~MANAGE_EVENTS
    adapter = await start_adapter(fake, core)
    start = datetime(2027, 5, 31, 20, 30, tzinfo=UTC)
    try:
        made = await sync_native_event(
            adapter.outbox, GUILD, MeetingEvent("Python hour", start, start + timedelta(hours=1))
        )
    finally:
        await adapter.stop()
        await fake.close()
    assert made is None
    assert fake.calls("POST", r"/guilds/\d+/scheduled-events") == []
