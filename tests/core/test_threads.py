"""Replies in the bot's threads: links in a meeting thread are offered for the repertoire."""

from __future__ import annotations

from datetime import UTC, datetime

from data.models import Member, Occurrence, Resource
from scheduler.service import SchedulerService
from tests.support.harness import Harness

START = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)


async def test_links_in_a_meeting_thread_are_offered_for_the_repertoire(db: str) -> None:
    h = Harness.build(start=START)
    await h.say("Ada", "community create python", channel="C1")
    await h.say("Bob", "join python")
    await h.say("Ada", "share https://known.example Known")
    await h.say("Ada", "meeting schedule python 2027-03-02 16:30 Python hour")
    scheduler = SchedulerService(h.core, h.core.settings, h.clock)
    await scheduler.tick()  # the announcement
    thread = (await Occurrence.get()).thread_ref
    assert thread
    h.outbox.clear()
    await h.core.event(
        h.who("Bob", channel="C1"),
        "thread_reply",
        thread=thread,
        channel_id="C1",
        text="Notes: https://notes.example/p1 and <https://known.example|old one>",
    )
    await scheduler.engine.settle()  # the offer goes out as the event's handling ends
    (offer,) = h.outbox.sent  # the known link is not offered again
    assert offer.thread == thread and offer.target == "C1"
    assert "Bob posted https://notes.example/p1 in the meeting thread" in offer.text
    assert (await Member.get(external_id="bob")).last_active_at == START
    button = offer.message.parts[-1].buttons[0]  # type: ignore[union-attr]
    reply = await h.core.press(h.who("Bob"), button.action, button.value)
    assert not reply.is_error
    assert await Resource.filter(
        url="https://notes.example/p1", shared_by__external_id="bob"
    ).exists()


async def test_replies_elsewhere_offer_nothing(db: str) -> None:
    h = Harness.build(start=START)
    await h.say("Ada", "community create python", channel="C1")
    h.outbox.clear()
    await h.core.event(h.who("Ada"), "thread_reply", thread="C1:77", text="https://x.example")
    assert h.outbox.sent == []


async def test_a_link_at_the_end_of_a_sentence_is_offered_without_its_punctuation(
    db: str,
) -> None:
    h = Harness.build(start=START)
    await h.say("Ada", "community create python", channel="C1")
    await h.say("Ada", "meeting schedule python 2027-03-02 16:30 Python hour")
    scheduler = SchedulerService(h.core, h.core.settings, h.clock)
    await scheduler.tick()
    thread = (await Occurrence.get()).thread_ref
    h.outbox.clear()
    await h.core.event(
        h.who("Ada", channel="C1"),
        "thread_reply",
        thread=thread,
        channel_id="C1",
        text="Slides (https://slides.example/deck). Notes: https://notes.example/p1.",
    )
    await scheduler.engine.settle()
    offered = [s.message.parts[-1].buttons[0].value for s in h.outbox.sent]  # type: ignore[union-attr]
    assert [value.split(" ", 1)[1] for value in offered] == [
        "https://slides.example/deck",
        "https://notes.example/p1",
    ]
