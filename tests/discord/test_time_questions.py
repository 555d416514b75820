"""A time that reads two ways, on Discord: the question comes with a button per reading, and
pressing one finishes the original command."""

from __future__ import annotations

from data.models import Meeting
from tests.discord.conftest import ADA, BOB, GUILD, Bed
from tests.discord.fake_discord import custom_ids


async def test_every_second_tuesday_is_asked_and_the_button_schedules_it(bed: Bed) -> None:
    fake = bed.fake
    await bed.cmd(ADA, "community create", {"name": "Python"})
    asked = await bed.cmd(
        ADA,
        "meeting schedule",
        {"community": "Python", "details": "every 2nd Tuesday at 10am Reading group"},
    )
    assert "can mean two things" in asked.text, asked.text
    answers = [(label, cid) for label, cid in custom_ids(asked.final) if cid.startswith("cb:")]
    labels = [label for label, _ in answers]
    assert labels == [
        "the second Tuesday of every month at 10:00\u202fAM",
        "every other Tuesday at 10:00\u202fAM",
    ]
    assert all(len(cid) <= 100 for _, cid in answers)
    assert await Meeting.all().count() == 0  # nothing before the answer
    # someone else's press does nothing
    stranger = await fake.press(GUILD, BOB, asked.final, answers[1][1])
    assert "expired or was answered" in stranger.text
    done = await fake.press(GUILD, ADA, asked.final, answers[1][1])
    assert "Scheduled “Reading group” for Python" in done.text, done.text
    meeting = await Meeting.get()
    assert meeting.rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
