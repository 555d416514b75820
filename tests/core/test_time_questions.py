"""Questions about time, answered through the core's button press, finish the command the
member typed; refusals change nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.kernel.messages import Button, Buttons, Message, message_text
from data.models import Confirmation, Meeting, Occurrence, PromptSchedule
from tests.support.harness import Harness

VAN = "America/Vancouver"


def build() -> Harness:
    return Harness.build(start=datetime(2027, 3, 1, 18, 0, tzinfo=UTC))  # Mon 10:00 Vancouver


def answers(message: Message) -> list[Button]:
    return [b for p in message.parts if isinstance(p, Buttons) for b in p.buttons]


async def python_community(h: Harness) -> None:
    await h.say("Ada", "community create python", channel="C1", timezone=VAN)
    await h.say("Bob", "join python", timezone=VAN)


async def test_a_stray_weekly_is_asked_about_and_kept_in_the_title(db: str) -> None:
    h = build()
    await python_community(h)
    asked = await h.say("Ada", "meeting schedule python every Tuesday at 12:30 Weekly sync")
    assert "I didn't use “Weekly” for the time" in message_text(asked)
    keep, drop = answers(asked)
    assert keep.label == "Yes, “Weekly” is part of the title"
    assert drop.label == "No, leave it out"
    assert await Meeting.all().count() == 0
    done = await h.core.press(h.who("Ada"), keep.action, keep.value)
    assert "Scheduled “Weekly sync” for python" in message_text(done)
    meeting = await Meeting.get()
    assert (meeting.title, meeting.rrule) == ("Weekly sync", "FREQ=WEEKLY;BYDAY=TU")
    assert await Confirmation.all().count() == 0  # the question is spent


async def test_a_range_sets_the_length_and_is_never_a_title(db: str) -> None:
    h = build()
    await python_community(h)
    reply = await h.text("Ada", "meeting schedule python tomorrow 3pm to 4:30pm Workshop")
    assert "for 1 hour 30 minutes (America/Vancouver)" in reply
    meeting = await Meeting.get()
    assert (meeting.title, meeting.duration_minutes) == ("Workshop", 90)
    listing = await h.say("Bob", "meetings")
    assert " – " in message_text(listing)  # the listing shows when it ends


async def test_cancel_by_a_date_that_reads_two_ways_asks_then_cancels(db: str) -> None:
    h = build()
    await python_community(h)
    await h.say("Ada", "meeting schedule python next Monday 4:30pm every week Python hour")
    asked = await h.say("Ada", "meeting cancel 1 8/3")
    assert "“8/3” is a date that reads two ways" in message_text(asked)
    labels = [b.label for b in answers(asked)]
    assert labels == ["March 8, 2027", "August 3, 2027"]
    assert await Occurrence.filter(cancelled=True).count() == 0
    done = await h.core.press(h.who("Ada"), "time-answer", answers(asked)[0].value)
    assert "Cancelled “Python hour” on Monday, March 8, 2027" in message_text(done)
    assert await Occurrence.filter(cancelled=True).count() == 1


async def test_move_in_french_with_a(db: str) -> None:
    h = build()
    await h.say("Ada", "community create python", channel="C1", timezone=VAN, locale="fr-CA")
    await h.say("Ada", "meeting schedule python chaque lundi à 16 h 30 Café")
    moved = await h.text("Ada", "meeting move Café 2027-03-08 à mardi 17 h")
    assert "« Café » est déplacée du lundi 8 mars 2027 à 16 h 30" in moved
    assert "au mardi 2 mars 2027 à 17 h 00 (America/Vancouver)" in moved  # the next Tuesday
    # a time alone keeps the occurrence's own day
    again = await h.text("Ada", "meeting move Café 2027-03-15 à 18 h")
    assert "au lundi 15 mars 2027 à 18 h 00" in again
    assert await Occurrence.filter(starts_at__gt=datetime(2000, 1, 1, tzinfo=UTC)).count() == 2


async def test_prompt_schedule_question_answered_saves_the_schedule(db: str) -> None:
    h = build()
    await python_community(h)
    asked = await h.say("Ada", "prompt schedule python every month on the 31st at 9am")
    assert "Some months have no day 31" in message_text(asked)
    last, skip = answers(asked)
    assert last.label == "every month on the last day at 9:00\u202fAM"
    assert skip.label == "every month on the 31st (skipping shorter months) at 9:00\u202fAM"
    assert await PromptSchedule.all().count() == 0
    done = await h.core.press(h.who("Ada"), last.action, last.value)
    assert "every month on the last day at 9:00\u202fAM" in message_text(done)
    assert (await PromptSchedule.get()).rrule == "FREQ=MONTHLY;BYMONTHDAY=-1"


async def test_bad_times_are_refused_in_the_members_language_and_change_nothing(
    db: str,
) -> None:
    h = build()
    await python_community(h)
    for line, says in [
        ("meeting schedule python 2027-02-30 10:00 Nope", "“2027-02-30” is not a date"),
        ("meeting schedule python yesterday 9am Nope", "has already passed"),
        ("meeting schedule python asdf qwerty", "I couldn't find a time in that"),
        ("meeting schedule python 25:00 tomorrow", "is not a time of day"),
    ]:
        reply = await h.say("Ada", line)
        assert reply.is_error and says in message_text(reply), message_text(reply)
    await h.say("Ada", "language fr")
    french = await h.say("Ada", "meeting schedule python 30 février 2028 à 10 h Non")
    assert "« 30 février 2028 » n'est pas une date du calendrier." in message_text(french)
    assert await Meeting.all().count() == 0
