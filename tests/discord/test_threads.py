"""Replies in copbot's threads reach the core through MESSAGE_CREATE: a prompt's answers
are counted (with or without the Message Content intent), links posted in a meeting's
thread are offered there (with it)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from data.models import Community, Member, Occurrence, Prompt, Resource
from scheduler.service import SchedulerService
from tests.discord.conftest import (
    ADA,
    BOB,
    CHANNEL,
    GUILD,
    OTHER_CHANNEL,
    ZOE,
    Bed,
    assert_no_errors,
    eventually,
    open_bed,
    start_adapter,
)
from tests.discord.fake_discord import (
    FLAG_MESSAGE_CONTENT,
    INTENT_MESSAGE_CONTENT,
    custom_ids,
    message_text,
)

GUILD_MESSAGES = 1 << 9


@pytest.fixture
async def content_bed(db: str, caplog: pytest.LogCaptureFixture) -> AsyncIterator[Bed]:
    """The Message Content intent is on in the (fake) Developer Portal."""
    fake, core, clock = await open_bed(db, heartbeat_ms=150)
    fake.app_flags |= FLAG_MESSAGE_CONTENT
    bed = Bed(fake, core, clock, await start_adapter(fake, core), {})
    try:
        yield bed
    finally:
        await bed.adapter.stop()
        await fake.close()
    assert fake.mention_violations == [] and fake.disallowed_intents == []
    assert_no_errors(caplog)


async def _answers() -> int:
    return (await Prompt.get(thread_ref__isnull=False)).answers


async def test_answers_in_a_prompt_thread_are_counted(bed: Bed) -> None:
    fake = bed.fake
    (intents,) = [int(i["intents"]) for i in fake.identifies]
    assert intents & GUILD_MESSAGES and not intents & INTENT_MESSAGE_CONTENT
    await bed.cmd(ADA, "community create", {"name": "Python"})
    posted = await bed.cmd(ADA, "prompt now", {"community": "Python"})
    assert not posted.text.startswith("Sorry"), posted.text
    (prompt_post,) = fake.messages[CHANNEL][-1:]
    prompt = await Prompt.get(thread_ref__isnull=False)
    assert prompt.thread_ref == f"{CHANNEL}/{prompt_post['id']}" and prompt.answers == 0

    # a member starts the thread from the prompt; discord.py never hears of it (uncached)
    thread = prompt_post["id"]
    fake.open_thread(CHANNEL, thread)
    await fake.thread_message(GUILD, thread, BOB, "I use https://notes.example/p1")
    await eventually(lambda: fake.calls("GET", rf"/channels/{thread}"))
    async with asyncio.timeout(5):
        while await _answers() < 1:  # noqa: ASYNC110 -- the count lives in the database
            await asyncio.sleep(0.01)
    await fake.thread_message(GUILD, thread, ZOE, "Moi aussi")
    await fake.thread_message(GUILD, thread, fake.bot, "the bot's own post")
    await fake.thread_message(GUILD, CHANNEL, BOB, "not in a thread")
    async with asyncio.timeout(5):
        while await _answers() < 2:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    await asyncio.sleep(0.2)  # the bot's own post and the channel message count nothing
    assert await _answers() == 2
    assert len(fake.calls("GET", rf"/channels/{thread}")) == 1  # its parent is remembered
    # no content without the intent: nothing was offered, nothing posted in the thread
    assert fake.calls("POST", rf"/channels/{thread}/messages") == []
    bob = await Member.get(external_id=BOB.id)
    assert bob.last_active_at == bed.clock.now() and not bob.is_admin


async def test_a_replayed_thread_reply_is_counted_once(content_bed: Bed) -> None:
    bed, fake = content_bed, content_bed.fake
    await bed.cmd(ADA, "community create", {"name": "Python"})
    await bed.cmd(ADA, "prompt now", {"community": "Python"})
    thread = fake.messages[CHANNEL][-1]["id"]
    fake.open_thread(CHANNEL, thread)
    await fake.announce_thread(GUILD, thread)  # this time discord.py caches the thread
    await fake.thread_message(GUILD, thread, BOB, "first")
    async with asyncio.timeout(5):
        while await _answers() < 1:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    await eventually(lambda: fake.heartbeats >= 2)  # the sequence was acknowledged
    fake.replay_overlap = 1  # the RESUME re-sends the reply
    await fake.drop_websocket()
    await eventually(lambda: len(fake.resumes) == 1 and bed.adapter.health())
    await fake.thread_message(GUILD, thread, ZOE, "second")
    async with asyncio.timeout(5):
        while await _answers() < 2:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    await asyncio.sleep(0.2)
    assert await _answers() == 2
    assert fake.calls("GET", rf"/channels/{thread}") == []  # cached: no need to ask


async def test_a_link_in_a_meeting_thread_is_offered_there(content_bed: Bed) -> None:
    bed, fake = content_bed, content_bed.fake
    (intents,) = [int(i["intents"]) for i in fake.identifies]
    assert intents & INTENT_MESSAGE_CONTENT and intents & GUILD_MESSAGES
    await bed.cmd(ADA, "community create", {"name": "Python"})
    await bed.cmd(BOB, "join", {"community": "Python"})
    await bed.cmd(
        ADA,
        "meeting schedule",
        {"community": "Python", "details": "2027-03-02 16:30 Python hour"},
    )
    await SchedulerService(bed.core, bed.core.settings, bed.clock).tick()  # the announcement
    occurrence = await Occurrence.get()
    assert occurrence.thread_ref
    channel, _, thread = occurrence.thread_ref.partition("/")
    assert channel == CHANNEL and any(m["id"] == thread for m in fake.messages[CHANNEL])

    fake.open_thread(CHANNEL, thread)
    await fake.thread_message(
        GUILD, thread, BOB, "@everyone notes: https://notes.example/p1 <@&1300000000000000999>"
    )
    await eventually(lambda: fake.messages.get(thread, [])[-1]["author"]["id"] == fake.bot.id)
    offer = fake.messages[thread][-1]
    assert "https://notes.example/p1" in message_text(offer)
    assert "Add it to the repertoire of Python" in message_text(offer)
    assert offer["allowed_mentions"]["parse"] == []
    assert not offer["allowed_mentions"].get("roles")
    assert {str(u) for u in offer["allowed_mentions"].get("users", [])} <= {BOB.id}
    # one post, into the thread the member had started (not a new one)
    assert len(fake.calls("POST", rf"/channels/{thread}/messages")) == 1
    assert fake.threads[thread] == "Discussion"
    (button,) = [cid for _, cid in custom_ids(offer) if cid.startswith("cb:share_offer:")]
    pressed = await fake.press(GUILD, BOB, offer, button, channel_id=thread)
    assert not pressed.text.startswith("Sorry"), pressed.text
    assert await Resource.filter(
        url="https://notes.example/p1", shared_by__external_id=BOB.id
    ).exists()


async def test_a_command_in_a_thread_is_about_its_channel(bed: Bed) -> None:
    fake = bed.fake
    await bed.cmd(ADA, "community create", {"name": "Python"})
    await bed.cmd(ADA, "community create", {"name": "Rust"}, channel=OTHER_CHANNEL)
    await bed.cmd(BOB, "join", {"community": "Python"})
    await bed.cmd(BOB, "join", {"community": "Rust"})
    await bed.cmd(ADA, "prompt now", {"community": "Python"})
    thread = fake.messages[CHANNEL][-1]["id"]
    fake.open_thread(CHANNEL, thread)
    shared = await bed.cmd(
        BOB, "share", {"url": "https://example.org/guide", "title": "Guide"}, channel=thread
    )
    assert not shared.text.startswith("Sorry"), shared.text  # not "which community?"
    resource = await Resource.get(url="https://example.org/guide").prefetch_related("community")
    assert resource.community.name == "Python"
    # and a community made from inside a thread lives in the channel, not the thread
    await bed.cmd(ADA, "community create", {"name": "Go"}, channel=thread)
    assert (await Community.get(name="Go")).home_channel_id != thread
