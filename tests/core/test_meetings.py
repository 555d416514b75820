"""Meeting commands through the core, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from icalendar import Calendar

from bot.kernel.messages import Buttons, Link, Note, Paragraph, Time, message_text
from copbot.http import build_http_app
from data.models import AgendaItem, Meeting, Occurrence, Rsvp, Workspace
from tests.support.harness import Harness

VAN = "America/Vancouver"
ROOT = Path(__file__).resolve().parents[2]


async def python_community(h: Harness) -> None:
    await h.say("Ada", "community create python", channel="C1", timezone=VAN)
    await h.say("Bob", "join python", timezone="America/Halifax")


def vevents(data: bytes) -> list[Any]:
    """The events of an .ics file (icalendar's types are too loose for mypy here)."""
    return list(Calendar.from_ical(data).walk("VEVENT"))


def build() -> Harness:
    return Harness.build(start=datetime(2027, 3, 1, 18, 0, tzinfo=UTC))  # Mon 10:00 in Vancouver


async def test_schedule_echoes_the_time_it_understood_in_the_coordinators_zone(db: str) -> None:
    h = build()
    await python_community(h)
    reply = await h.text(
        "Ada", "meeting schedule python tomorrow at 9 at https://meet.example/py for 90m Kick-off"
    )
    assert "Scheduled “Kick-off” for python (#1)" in reply
    understood = "Tuesday, March 2, 2027 at 9:00\u202fAM for 1 hour 30 minutes (America/Vancouver)"
    assert f"I understood: {understood}" in reply
    meeting = await Meeting.get(id=1)
    assert (meeting.start_local, meeting.timezone, meeting.rrule) == ("2027-03-02T09:00", VAN, None)
    assert (meeting.location, meeting.duration_minutes) == ("https://meet.example/py", 90)


async def test_schedule_in_french_with_a_french_recurrence(db: str) -> None:
    h = build()
    await h.say("Ada", "community create python", timezone="America/Toronto", locale="fr-CA")
    reply = await h.text(
        "Ada", "meeting schedule python lundi prochain 16h30 toutes les 2 semaines Café"
    )
    assert "J'ai compris\u202f: un lundi sur deux à 16 h 30 pendant 1 h (America/Toronto)" in reply
    assert "8 mars 2027, 16 h 30" in reply  # the first of them
    assert (await Meeting.get(id=1)).rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"


@pytest.mark.parametrize(
    ("details", "expected"),
    [
        ("blah blah", "I couldn't find a time in that"),
        ("yesterday 4pm", "has already passed"),
        ("2026-05-01 10:00 every week", "has already passed"),
        ("next Monday", "At what time?"),
        ("next Monday 4pm for 30h", "between 1 minute and 24 hours"),
        ("2027-02-30 10:00", "“2027-02-30” is not a date on the calendar."),
        ("x" * 700, "I couldn't find a time in that"),
    ],
)
async def test_bad_times_and_recurrences_change_nothing(
    db: str, details: str, expected: str
) -> None:
    h = build()
    await python_community(h)
    reply = await h.say("Ada", f"meeting schedule python {details}")
    assert reply.is_error
    assert expected in await h.text("Ada", f"meeting schedule python {details}")
    assert await Meeting.all().count() == 0


async def test_only_coordinators_schedule(db: str) -> None:
    h = build()
    await python_community(h)
    assert "Only coordinators" in await h.text("Bob", "meeting schedule python tomorrow 9am")
    assert await Meeting.all().count() == 0


async def test_meetings_shows_each_viewer_their_own_zone_with_rsvp_buttons(db: str) -> None:
    h = build()
    await python_community(h)
    await h.say("Ada", "meeting schedule python next Monday 4:30pm every week Python hour")
    listing = await h.say("Bob", "meetings")
    times = [
        s for p in listing.parts if isinstance(p, Paragraph) for s in p.spans if isinstance(s, Time)
    ]
    assert times[0].instant == datetime(2027, 3, 9, 0, 30, tzinfo=UTC)
    assert {t.zone for t in times} == {"America/Halifax"}  # Bob's, not Ada's
    buttons = [b for p in listing.parts if isinstance(p, Buttons) for b in p.buttons]
    assert buttons[0].action == "rsvp" and buttons[0].value == "1@20270309T0030Z:going"
    assert len(buttons) == 9  # three occurrences of one series, three answers each
    answer = await h.core.press(h.who("Bob"), "rsvp", buttons[3].value)  # the second, going
    assert (
        "You're going to “Python hour” on Monday, March 15, 2027 at 8:30\u202fPM (America/Halifax)"
        in message_text(answer)
    )


async def test_calendar_link_in_meetings_is_an_unguessable_feed(db: str) -> None:
    h = Harness.build(start=datetime(2027, 3, 1, 18, 0, tzinfo=UTC), HTTP_PORT="8123")
    await python_community(h)
    await h.say("Ada", "meeting schedule python next Monday 4:30pm every week Python hour")
    listing = await h.say("Bob", "meetings")
    links = [
        s for p in listing.parts if isinstance(p, Note) for s in p.spans if isinstance(s, Link)
    ]
    workspace = await Workspace.get(external_id="T1")
    assert workspace.calendar_token and len(workspace.calendar_token) >= 32
    assert links[0].url == f"http://127.0.0.1:8123/calendar/{workspace.calendar_token}/1.ics"
    # the same link next time
    again = await h.say("Ada", "meetings")
    assert workspace.calendar_token in repr(again)

    app = build_http_app(h.core.settings, h.core, [])
    async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as client:
        response = await client.get(f"/calendar/{workspace.calendar_token}/1.ics")
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/calendar")
        assert [str(e["SUMMARY"]) for e in vevents(await response.read())] == ["Python hour"]
        assert (await client.get("/calendar/wrong-token/1.ics")).status == 404
        assert (await client.get(f"/calendar/{workspace.calendar_token}/99.ics")).status == 404


async def test_cancelled_occurrence_refuses_rsvp_and_changes_nothing(db: str) -> None:
    h = build()
    await python_community(h)
    await h.say("Ada", "meeting schedule python next Monday 4:30pm every week Python hour")
    assert "Cancelled" in await h.text("Ada", "meeting cancel python hour 2027-03-08")
    answer = await h.core.press(h.who("Bob"), "rsvp", "1@20270309T0030Z:going")
    assert answer.is_error and "is cancelled" in message_text(answer)
    assert await Rsvp.all().count() == 0
    # the text form answers for the next occurrence that is not cancelled
    assert "March 15" in await h.text("Bob", "rsvp python hour maybe")
    assert await Rsvp.filter(status="maybe").count() == 1
    # the listing no longer shows the 8th
    assert "1@20270309T0030Z" not in repr(await h.say("Bob", "meetings"))


async def test_unknown_meeting_and_bad_references(db: str) -> None:
    h = build()
    await python_community(h)
    await h.say("Ada", "meeting schedule python next Monday 4:30pm every week Python hour")
    assert "no meeting “Ruby night”" in await h.text("Bob", "rsvp Ruby night going")
    assert "Did you mean: Python hour" in await h.text("Bob", "rsvp pyton hour going")
    assert "no meeting “42”" in await h.text("Bob", "agenda 42 Something")
    reply = await h.text("Ada", "meeting cancel 1")
    assert "repeats: say which date, or `all`" in reply and "2027-03-08" in reply
    assert "no occurrence on 2027-03-10" in await h.text("Ada", "meeting cancel 1 2027-03-10")
    assert "Say what to move" in await h.text("Ada", "meeting move 1 2027-03-08 somewhere")
    assert "has already passed" in await h.text(
        "Ada", "meeting move 1 2027-03-08 to 2027-02-01 10:00"
    )
    assert await Occurrence.filter(cancelled=True).count() == 0
    assert await Occurrence.exclude(starts_at=datetime(2000, 1, 1, tzinfo=UTC)).count() == 0


async def test_move_and_agenda_show_in_listing_and_calendar(db: str) -> None:
    h = build()
    await python_community(h)
    await h.say("Ada", "meeting schedule python next Monday 4:30pm every week Python hour")
    await h.say("Ada", "meeting cancel 1 2027-03-15")
    moved = await h.text("Ada", "meeting move python hour 2027-03-22 to 2027-03-23 5pm")
    assert "to Tuesday, March 23, 2027 at 5:00\u202fPM (America/Vancouver)" in moved
    added = await h.text("Bob", 'agenda "Python hour" Share grading scripts')
    assert "Added to the agenda of “Python hour” on Monday, March 8" in added
    assert await AgendaItem.filter(text="Share grading scripts").count() == 1
    listing = await h.text("Bob", "meetings")
    assert "Share grading scripts" in listing and "moved from" in listing

    from bot.meetings.calendar_ics import community_calendar
    from data.models import Community

    data = await community_calendar(await Community.get(name_key="python"))
    series, override = vevents(data)
    assert series["RRULE"]["FREQ"] == ["WEEKLY"]
    assert series["DTSTART"].dt.isoformat() == "2027-03-08T16:30:00-08:00"
    assert [d.dt.isoformat() for d in series["EXDATE"].dts] == ["2027-03-15T16:30:00-07:00"]
    assert override["RECURRENCE-ID"].dt.isoformat() == "2027-03-22T16:30:00-07:00"
    assert override["DTSTART"].dt.isoformat() == "2027-03-23T17:00:00-07:00"
    assert Calendar.from_ical(data).walk("VTIMEZONE")[0]["TZID"] == VAN


async def test_meeting_autocomplete_and_series_cancel(db: str) -> None:
    h = build()
    await python_community(h)
    await h.say("Ada", "meeting schedule python next Monday 4:30pm every week Python hour")
    await h.say("Ada", "meeting schedule python tomorrow 9am Kick-off")
    choices = await h.core.autocomplete(h.who("Bob"), "meeting", "pyth")
    assert [(c.label, c.value) for c in choices] == [("#1 Python hour (python)", "1")]
    await h.say("Bob", "rsvp 1 going")
    h.outbox.clear()
    assert "whole series" in await h.text("Ada", "meeting cancel 1 all")
    assert "has been cancelled" in await h.text("Bob", "rsvp 1 going")
    assert sorted(s.target for s in h.outbox.sent) == ["C1", "bob"]
    assert await h.core.autocomplete(h.who("Bob"), "meeting", "pyth") == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_copbot_calendar_prints_the_ics(db: str) -> None:
    h = build()
    await python_community(h)
    await h.say(
        "Ada", "meeting schedule python next Monday 4:30pm every month on the last Monday Talk"
    )
    env = {**os.environ, "DATABASE_URL": db, "PYTHONPATH": str(ROOT)}
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "copbot.cli", "calendar", "python"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert vevents(done.stdout)[0]["RRULE"]["BYDAY"] == ["-1MO"]
    missing = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "copbot.cli", "calendar", "nope"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert missing.returncode == 1 and b"no community called 'nope'" in missing.stderr


async def test_calendar_link_uses_the_public_url_behind_a_proxy(db: str) -> None:
    h = Harness.build(
        start=datetime(2027, 3, 1, 18, 0, tzinfo=UTC),
        HTTP_PORT="8123",
        PUBLIC_URL="https://bot.example.edu/copbot/",
    )
    await python_community(h)
    await h.say("Ada", "meeting schedule python next Monday 4:30pm Python hour")
    listing = await h.say("Bob", "meetings")
    links = [
        s for p in listing.parts if isinstance(p, Note) for s in p.spans if isinstance(s, Link)
    ]
    token = (await Workspace.get(external_id="T1")).calendar_token
    assert links[0].url == f"https://bot.example.edu/copbot/calendar/{token}/1.ics"


async def test_calendar_until_is_in_utc_as_rfc5545_requires(db: str) -> None:
    """With a DTSTART in a time zone, RFC 5545 says UNTIL must be UTC (a trailing Z); a
    floating UNTIL makes strict calendar apps reject or misread the series."""
    h = build()
    await python_community(h)
    await h.say("Ada", "meeting schedule python next Monday 4:30pm every week until 2027-03-22 Py")
    from bot.meetings.calendar_ics import community_calendar
    from data.models import Community

    data = await community_calendar(await Community.get(name_key="python"))
    assert b"UNTIL=20270323T065959Z" in data  # 23:59:59 on the 22nd in Vancouver (PDT)
    (series,) = vevents(data)
    assert series["RRULE"]["UNTIL"][0].isoformat() == "2027-03-23T06:59:59+00:00"


async def test_a_series_starts_on_its_first_real_occurrence_also_in_the_calendar(db: str) -> None:
    """ "tomorrow 9am every month on the second Tuesday": tomorrow (Tuesday the 2nd) is not a
    second Tuesday. The bot's first occurrence is the 9th; the .ics must agree, and RFC 5545
    makes DTSTART itself an instance, so the series has to start on the 9th."""
    h = build()
    await python_community(h)
    reply = await h.text(
        "Ada", "meeting schedule python tomorrow 9am every month on the second Tuesday Talk"
    )
    assert "I understood: the second Tuesday of every month at 9:00\u202fAM" in reply
    meeting = await Meeting.get(id=1)
    assert meeting.start_local == "2027-03-09T09:00"
    from bot.meetings.calendar_ics import community_calendar
    from data.models import Community

    (series,) = vevents(await community_calendar(await Community.get(name_key="python")))
    assert series["DTSTART"].dt.isoformat() == "2027-03-09T09:00:00-08:00"
    listing = await h.text("Ada", "meetings")
    assert "2027-03-09" in listing and "2027-03-02" not in listing


async def test_french_coordinator_gives_a_duration_with_pour_and_answers_oui(db: str) -> None:
    h = build()
    await h.say("Ada", "community create python", timezone="America/Toronto", locale="fr-CA")
    reply = await h.text(
        "Ada", "meeting schedule python lundi prochain 16h30 chaque semaine pour 1h30 Café"
    )
    assert "Rencontre « Café » planifiée" in reply
    meeting = await Meeting.get(id=1)
    assert (meeting.title, meeting.duration_minutes) == ("Café", 90)
    # rsvp answers in French: oui, peut-être, non
    assert "Vous serez à « Café »" in await h.text("Ada", "rsvp café oui")
    assert "vous viendrez peut-être à « Café »" in await h.text("Ada", "rsvp café peut-être")
    assert "vous ne viendrez pas à « Café »" in await h.text("Ada", "rsvp café non")
    assert "« jamais » n'est pas l'un de\u202f: going, maybe, no" in await h.text(
        "Ada", "rsvp café jamais"
    )
