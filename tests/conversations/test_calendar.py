"""Issue 12 item 8: calendar apps accept what the calendar says. A cancelled series has no
live occurrence left, UIDs are unique across installations, and every change raises
SEQUENCE with DTSTAMP so apps replace the event instead of adding a copy; `copbot calendar`
on a database never migrated says so."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from bot.meetings.calendar_ics import community_calendar
from data.models import Community
from tests.core.test_meetings import ROOT, build, python_community, vevents


async def _calendar() -> bytes:
    return await community_calendar(await Community.get(name_key="python"))


async def test_cancelled_series_changes_and_uids(db: str) -> None:
    h = build()
    await python_community(h)
    await h.say("Ada", "meeting schedule python next Monday 4:30pm every week Python hour")
    first = vevents(await _calendar())[0]
    uid = str(first["UID"])
    assert uid.endswith("@copbot") and uid != "meeting-1@copbot" and len(uid) > 30
    assert int(first["SEQUENCE"]) == 0

    h.clock.advance(timedelta(minutes=5))
    await h.say("Ada", "meeting move python hour 2027-03-22 to 2027-03-23 5pm")
    series, moved = vevents(await _calendar())
    assert int(series["SEQUENCE"]) == 1 and int(moved["SEQUENCE"]) == 1
    assert series["DTSTAMP"].dt > first["DTSTAMP"].dt
    assert str(series["UID"]) == str(moved["UID"]) == uid

    h.clock.advance(timedelta(minutes=5))
    await h.say("Ada", "meeting cancel 1 all")
    events = vevents(await _calendar())
    assert len(events) == 2
    assert all(str(event["STATUS"]) == "CANCELLED" for event in events)
    assert all(int(event["SEQUENCE"]) == 2 for event in events)

    # a second meeting (or another installation's meeting 1) never shares the UID
    await h.say("Ada", "meeting schedule python tomorrow 9am Kick-off")
    uids = {str(event["UID"]) for event in vevents(await _calendar())}
    assert len(uids) == 2


def test_copbot_calendar_on_a_never_migrated_database(tmp_path: Path) -> None:
    database = tmp_path / "never.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite://{database}", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "copbot.cli", "calendar", "python"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 3
    assert b"Traceback" not in done.stderr
    assert b"is not migrated" in done.stderr and b"copbot migrate" in done.stderr
