"""Meeting announcements and reminders on a moved clock, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from data.models import Delivery, Occurrence
from tests.scheduler.support import local, run_until, sent_rows, service_for
from tests.support.harness import Harness

VAN = "America/Vancouver"
TOR = "America/Toronto"


def mondays(first: date, last: date) -> list[date]:
    days = []
    day = first
    while day <= last:
        if day.weekday() == 0:
            days.append(day)
        day += timedelta(days=1)
    return days


async def setup_python(h: Harness) -> None:
    await h.say("Ada", "community create python", channel="C1", timezone=VAN)
    await h.say("Bob", "join python", timezone=TOR)


async def test_weekly_vancouver_meeting_across_both_dst_changes(db: str) -> None:
    h = Harness.build(start=datetime(2027, 3, 1, 18, 0, tzinfo=UTC))
    await setup_python(h)
    reply = await h.text("Ada", "meeting schedule python next Monday 4:30pm every week Python hour")
    assert "I understood: every Monday at 4:30\u202fPM for 1 hour (America/Vancouver)" in reply
    assert "Mar 8, 2027, 4:30\u202fPM" in reply  # the first one
    # Bob answers for one occurrence before, one after each change
    for key in ("1@20270309T0030Z", "1@20270315T2330Z", "1@20271109T0030Z"):
        answer = await h.core.press(h.who("Bob"), "rsvp", f"{key}:going")
        assert not answer.is_error, answer
    service = service_for(h)
    await run_until(h, service, datetime(2027, 11, 16, 12, 0, tzinfo=UTC))

    expected = mondays(date(2027, 3, 8), date(2027, 11, 15))
    last_call = await sent_rows("reminder", "channel:C1")
    fifteen = [row for row in last_call if row.subject.endswith(":15m")]
    day_before = [row for row in last_call if row.subject.endswith(":24h")]
    # one 15-minute reminder per Monday, each at 16:15 Vancouver time, PST or PDT
    assert [local(r.sent_at, VAN).date() for r in fifteen] == expected
    assert {local(r.sent_at, VAN).strftime("%H:%M") for r in fifteen} == {"16:15"}
    assert {local(r.sent_at, VAN).strftime("%a %H:%M") for r in day_before} == {"Sun 16:30"}
    assert len(day_before) == len(expected)
    # the UTC instants really shift with daylight saving time
    by_day = {local(r.sent_at, VAN).date(): r.sent_at for r in fifteen}
    assert by_day[date(2027, 3, 8)] == datetime(2027, 3, 9, 0, 15, tzinfo=UTC)
    assert by_day[date(2027, 3, 15)] == datetime(2027, 3, 15, 23, 15, tzinfo=UTC)
    assert by_day[date(2027, 11, 1)] == datetime(2027, 11, 1, 23, 15, tzinfo=UTC)
    assert by_day[date(2027, 11, 8)] == datetime(2027, 11, 9, 0, 15, tzinfo=UTC)
    assert not any(row.late for row in last_call)

    announcements = await sent_rows("announcement", "channel:C1")
    assert len(announcements) == len(expected) + 1  # next week's is already out
    # Bob gets his DMs for the three occurrences he answered, at 19:15 in Toronto
    bob_rows = await sent_rows("reminder", f"member:{(await bob_id())}")
    assert len(bob_rows) == 6
    assert {local(r.sent_at, TOR).strftime("%a %H:%M") for r in bob_rows} == {
        "Mon 19:15",
        "Sun 19:30",
    }
    assert len(h.outbox.to("bob")) == 6 + 1  # plus the community welcome
    assert all(row.thread_ref for row in await Occurrence.filter(meeting_id=1))


async def bob_id() -> int:
    from data.models import Member

    return (await Member.get(external_id="bob")).id


async def test_last_monday_of_the_month_series(db: str) -> None:
    h = Harness.build(start=datetime(2027, 3, 1, 18, 0, tzinfo=UTC))
    await setup_python(h)
    reply = await h.text(
        "Ada", "meeting schedule python 2027-03-29 10:00 every month on the last Monday Talk"
    )
    assert "the last Monday of every month at 10:00\u202fAM" in reply
    await run_until(h, service_for(h), datetime(2027, 9, 1, tzinfo=UTC))
    fifteen = [r for r in await sent_rows("reminder", "channel:C1") if r.subject.endswith(":15m")]
    assert [local(r.sent_at, VAN).strftime("%Y-%m-%d %H:%M") for r in fifteen] == [
        "2027-03-29 09:45",
        "2027-04-26 09:45",
        "2027-05-31 09:45",
        "2027-06-28 09:45",
        "2027-07-26 09:45",
        "2027-08-30 09:45",
    ]


async def test_cancel_and_move_one_occurrence(db: str) -> None:
    h = Harness.build(start=datetime(2027, 3, 1, 18, 0, tzinfo=UTC))
    await setup_python(h)
    await h.say("Ada", "meeting schedule python next Monday 4:30pm every week Python hour")
    for key in ("1@20270315T2330Z", "1@20270322T2330Z"):
        await h.core.press(h.who("Bob"), "rsvp", f"{key}:going")
    service = service_for(h)
    # the 15th's reminders are already in the ledger when it is cancelled
    await run_until(h, service, datetime(2027, 3, 14, 12, tzinfo=UTC))
    assert (
        await Delivery.filter(status="pending", subject__contains="1@20270315T2330Z").count() == 4
    )
    h.outbox.clear()
    cancelled = await h.text("Ada", "meeting cancel python hour 2027-03-15")
    assert "Cancelled “Python hour” on Monday, March 15, 2027 at 4:30\u202fPM" in cancelled
    assert "I told the member who had answered." in cancelled
    moved = await h.text("Ada", "meeting move 1 2027-03-22 to 2027-03-23 17:00")
    assert "to Tuesday, March 23, 2027 at 5:00\u202fPM" in moved
    await service.engine.settle()  # the DMs and notices go out as the replies do
    # Bob (who said going to both) is told by DM, in his zone; the channel is told too
    to_bob = [s.text for s in h.outbox.to("bob")]
    assert len(to_bob) == 2 and "cancelled" in to_bob[0] and "moved" in to_bob[1]
    assert len(h.outbox.to("C1")) == 2
    await run_until(h, service, datetime(2027, 3, 31, tzinfo=UTC))
    fifteen = [r for r in await sent_rows("reminder", "channel:C1") if r.subject.endswith(":15m")]
    assert [local(r.sent_at, VAN).strftime("%a %m-%d %H:%M") for r in fifteen] == [
        "Mon 03-08 16:15",
        "Tue 03-23 16:45",  # moved
        "Mon 03-29 16:15",
    ]  # and nothing on the cancelled 15th
    skipped = await Delivery.filter(status="skipped", subject__contains="1@20270315T2330Z")
    assert skipped and all("cancelled" in row.detail for row in skipped)
    bob_15m = [r for r in await sent_rows("reminder", f"member:{await bob_id()}")]
    assert [local(r.sent_at, VAN).strftime("%m-%d %H:%M") for r in bob_15m] == [
        "03-22 17:00",
        "03-23 16:45",
    ]


async def test_rsvp_changes_who_gets_the_direct_message(db: str) -> None:
    h = Harness.build(start=datetime(2027, 3, 1, 18, 0, tzinfo=UTC))
    await setup_python(h)
    for name in ("Cy", "Dee"):
        await h.say(name, "join python")
    await h.say("Ada", "meeting schedule python next Monday 4:30pm Python hour")
    assert "going" in await h.text("Bob", "rsvp python hour going")
    assert "maybe" in await h.text("Cy", "rsvp #1 maybe")
    assert "can't come" in await h.text("Dee", "rsvp 1 no")
    service = service_for(h)
    # the day-before reminder: Bob and Cy
    await run_until(h, service, datetime(2027, 3, 8, 12, 0, tzinfo=UTC))
    assert [len(h.outbox.to(n)) for n in ("bob", "cy", "dee")] == [2, 2, 1]  # welcome + 24h
    # Bob can't come after all, Dee can: the 15-minute reminder follows the answers
    await h.say("Bob", "rsvp python hour no")
    await h.say("Dee", "rsvp python hour going")
    await run_until(h, service, datetime(2027, 3, 9, 1, 0, tzinfo=UTC))
    assert [len(h.outbox.to(n)) for n in ("bob", "cy", "dee")] == [2, 3, 2]
    assert "Reminder: Python hour" in h.outbox.to("dee")[-1].text
    skipped = await Delivery.get(status="skipped", target=f"member:{await bob_id()}")
    assert "no longer said going" in skipped.detail


async def test_blocked_direct_message_falls_back_to_one_mention(db: str) -> None:
    h = Harness.build(start=datetime(2027, 3, 1, 18, 0, tzinfo=UTC))
    await setup_python(h)
    await h.say("Ada", "meeting schedule python next Monday 4:30pm Python hour")
    await h.say("Bob", "rsvp python hour going")
    h.outbox.blocked.add("bob")
    service = service_for(h)
    await run_until(h, service, datetime(2027, 3, 9, 1, 0, tzinfo=UTC))
    mentions = [s for s in h.outbox.to("C1") if "couldn't send you this privately" in s.text]
    assert len(mentions) == 2  # once for each reminder, never retried
    rows = await Delivery.filter(kind="reminder", target=f"member:{await bob_id()}")
    assert {row.status for row in rows} == {"fallback"} and all(r.attempts == 1 for r in rows)


async def test_a_new_home_channel_does_not_get_a_reminder_the_old_one_already_had(
    db: str,
) -> None:
    """Prompts and digests already guard this; a meeting's channel posts must too: the
    day-before reminder went to C1, the community then moved to C2, and the planner (which
    looks a day back) must not post the same reminder again, late, in C2."""
    h = Harness.build(start=datetime(2027, 3, 1, 18, 0, tzinfo=UTC))
    await setup_python(h)
    await h.say("Ada", "meeting schedule python next Monday 4:30pm Python hour")
    service = service_for(h)
    await run_until(h, service, datetime(2027, 3, 8, 1, 0, tzinfo=UTC))  # after the 24h one
    assert [s.text.split("\n")[0] for s in h.outbox.to("C1")][-1].startswith("Reminder")
    bound = await h.text("Ada", "community bind python", channel="C2")
    assert "C2" in bound or "home" in bound.lower()
    await run_until(h, service, datetime(2027, 3, 9, 1, 0, tzinfo=UTC))
    to_c2 = [s.text.split("\n")[0] for s in h.outbox.to("C2")]
    # only the 15-minute reminder, which the old channel never had
    assert len([t for t in to_c2 if t.startswith("Reminder")]) == 1, to_c2
    assert not [t for t in to_c2 if t.startswith("Upcoming meeting")], to_c2
    assert await Delivery.filter(kind="reminder", target="channel:C2", status="sent").count() == 1


async def test_a_french_community_gets_its_meeting_posts_in_french(db: str) -> None:
    """Prompts and the digest speak the community's language; so do the announcement,
    the channel reminders and the cancellation notice (DEFAULT_LANGUAGE is English)."""
    h = Harness.build(start=datetime(2027, 3, 1, 18, 0, tzinfo=UTC))
    await h.say("Ada", "community create cafe", channel="C1", timezone=TOR, locale="fr-CA")
    for name in ("Bea", "Cyr"):
        await h.say(name, "join cafe", locale="fr-CA")
    await h.say("Ada", "meeting schedule cafe lundi prochain 16h30 chaque semaine Café")
    service = service_for(h)
    await run_until(h, service, datetime(2027, 3, 8, 21, 20, tzinfo=UTC))
    firsts = [s.text.split("\n")[0] for s in h.outbox.to("C1")]
    assert firsts[:2] == [
        "Rencontre à venir",
        "Rappel\u202f: Café (cafe) commence 2027-03-08T21:30:00+00:00.",
    ]
    h.outbox.clear()
    await h.say("Ada", "meeting cancel café 2027-03-15")
    await service.engine.settle()
    assert "est annulée" in h.outbox.to("C1")[0].text


async def test_answering_no_from_the_reminder_stops_the_next_one(db: str) -> None:
    from bot.kernel.messages import Buttons

    h = Harness.build(start=datetime(2027, 3, 1, 18, 0, tzinfo=UTC))
    await setup_python(h)
    await h.say("Ada", "meeting schedule python 2027-03-08 16:30 Python hour")
    await h.say("Bob", "rsvp python hour going")
    service = service_for(h)
    await run_until(h, service, datetime(2027, 3, 8, 0, 31, tzinfo=UTC))  # 24 h before
    [reminder] = [s for s in h.outbox.to("bob") if s.text.startswith("Reminder")]
    buttons = [b for p in reminder.message.parts if isinstance(p, Buttons) for b in p.buttons]
    no = next(b for b in buttons if b.value.endswith(":no"))
    assert not (await h.core.press(h.who("Bob"), no.action, no.value)).is_error
    await run_until(h, service, datetime(2027, 3, 9, 1, 0, tzinfo=UTC))  # past the meeting
    assert len([s for s in h.outbox.to("bob") if s.text.startswith("Reminder")]) == 1
