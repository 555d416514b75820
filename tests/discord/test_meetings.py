"""Meetings on Discord: schedule by slash command, RSVP by button, the reminder DM sent by
the real scheduler through the Discord outbox (times as <t:…> tokens)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from data.models import Meeting, Rsvp
from scheduler.service import SchedulerService
from tests.discord.conftest import ADA, BOB, CHANNEL, GUILD, Bed
from tests.discord.fake_discord import custom_ids, message_text

MEETING = datetime(2027, 3, 10, 21, 30, tzinfo=UTC)  # 16:30 in Toronto


async def test_schedule_rsvp_by_button_and_reminder_dm(bed: Bed) -> None:
    fake = bed.fake
    await bed.cmd(ADA, "community create", {"name": "Python"})
    await bed.cmd(BOB, "join", {"community": "Python"})
    scheduled = await bed.cmd(
        ADA,
        "meeting schedule",
        {
            "community": "Python",
            "details": "2027-03-10 16:30 at https://meet.example/py Python hour",
        },
    )
    assert "Scheduled “Python hour” for Python (#1)" in scheduled.text, scheduled.text

    choices = await fake.autocomplete(GUILD, BOB, "rsvp", "meeting", "pyth")
    assert choices and "Python hour" in choices[0]["name"]

    listing = await bed.cmd(BOB, "meetings", {"community": "Python"})
    assert f"<t:{int(MEETING.timestamp())}:" in listing.text
    going = next(
        cid
        for label, cid in custom_ids(listing.final)
        if cid.startswith("cb:rsvp:") and cid.endswith(":going")
    )
    pressed = await fake.press(GUILD, BOB, listing.final, going)
    assert pressed.ephemeral and not pressed.text.startswith("Sorry"), pressed.text
    assert await Rsvp.filter(member__external_id=BOB.id, status="going").count() == 1

    service = SchedulerService(bed.core, bed.core.settings, bed.clock)
    bed.clock.set(MEETING - timedelta(hours=24))
    await service.tick()
    await service.tick()  # a second pass sends nothing again
    reminders = [m for m in fake.dms_to(BOB.id) if "Python hour" in message_text(m)]
    assert len(reminders) == 1
    text = message_text(reminders[0])
    assert re.search(rf"<t:{int(MEETING.timestamp())}:[FR]>", text), text
    assert reminders[0]["allowed_mentions"]["parse"] == []
    channel_posts = [m for m in fake.messages.get(CHANNEL, []) if "Python hour" in message_text(m)]
    assert channel_posts  # the announcement / channel reminder went to the home channel


async def test_meeting_is_mirrored_as_a_scheduled_event(bed: Bed) -> None:
    fake = bed.fake
    await bed.cmd(ADA, "community create", {"name": "Python"})
    await bed.cmd(
        ADA,
        "meeting schedule",
        {
            "community": "Python",
            "details": "2027-03-10 16:30 at https://meet.example/py Python hour",
        },
    )
    events = list(fake.scheduled_events.values())
    assert len(events) == 1
    assert events[0]["name"] == "Python hour"
    assert events[0]["scheduled_start_time"].startswith("2027-03-10T21:30")
    moved = await bed.cmd(
        ADA, "meeting move", {"meeting": "1", "change": "2027-03-10 to 2027-03-11 17:00"}
    )
    assert not moved.text.startswith("Sorry"), moved.text
    (event,) = fake.scheduled_events.values()
    assert event["scheduled_start_time"].startswith("2027-03-11T22:00")
    await bed.cmd(ADA, "meeting cancel", {"meeting": "1", "which": "all"})
    assert fake.scheduled_events == {}  # the cancelled series is removed from the Events tab


async def test_an_event_made_twice_by_a_lost_answer_is_shown_once(bed: Bed) -> None:
    """Discord made the event but its answer was lost (a 502 from a proxy): discord.py
    asks again and Discord makes a second one. The twin nobody refers to is removed."""
    fake = bed.fake
    await bed.cmd(ADA, "community create", {"name": "Python"})
    fake.fail("POST", r"/guilds/\d+/scheduled-events", 502, after_effect=True)
    await bed.cmd(
        ADA,
        "meeting schedule",
        {"community": "Python", "details": "2027-03-10 16:30 at https://meet.example/py Hour"},
    )
    assert len(fake.calls("POST", r"/guilds/\d+/scheduled-events")) == 2  # both reached it
    (event,) = fake.scheduled_events.values()
    meeting = await Meeting.get(title="Hour")
    assert meeting.external_event_id == event["id"]


async def test_another_meetings_identical_event_is_left_alone(bed: Bed) -> None:
    """Two communities meet at the same time, with the same title and link: each keeps its
    own event (the other one is not a twin: a meeting refers to it)."""
    fake = bed.fake
    for name in ("Python", "Moodle"):
        await bed.cmd(ADA, "community create", {"name": name})
        await bed.cmd(
            ADA,
            "meeting schedule",
            {"community": name, "details": "2027-03-10 16:30 at https://meet.example/x Hour"},
        )
    assert len(fake.scheduled_events) == 2
    stored = {m.external_event_id for m in await Meeting.all()}
    assert stored == set(fake.scheduled_events)
