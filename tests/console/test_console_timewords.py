"""Issue 10 through the real ``copbot run`` console: meetings typed the way people type
them, in English and in French, and a date that reads two ways answered by number."""

from __future__ import annotations

import re
from pathlib import Path

from tests.console.test_console_e2e import run_console

TIMEZONE = "timezone America/Toronto"


def test_every_tuesday_at_half_past_twelve_is_a_weekly_lunch_chat(tmp_path: Path) -> None:
    out = run_console(
        [
            TIMEZONE,
            "/community create x",
            "meeting schedule x every Tuesday at 12:30 Lunch chat",
            "meetings x",
        ],
        tmp_path / "copbot.sqlite3",
    )
    assert "Scheduled “Lunch chat” for x" in out
    assert "every Tuesday at 12:30\u202fPM for 1 hour (America/Toronto)" in out
    listing = out[out.index("== Upcoming meetings ==") :]
    assert "Lunch chat" in listing
    assert "every Tuesday" in listing
    assert "to 4:30" not in out and "weekly" not in out.lower().split("lunch chat")[0][-40:]


def test_the_same_in_french_with_a_length_and_a_move_with_a(tmp_path: Path) -> None:
    database = tmp_path / "copbot.sqlite3"
    out = run_console(
        [
            TIMEZONE,
            "language fr",
            "/community create x",
            "meeting schedule x chaque mardi à 12 h 30 Dîner causerie",
            "meeting schedule x 2031-06-03 de 10 h à 11 h 30 Planification",
            "meeting move Planification 2031-06-03 à 2031-06-05 14 h",
            "meetings x",
        ],
        database,
    )
    assert "Rencontre « Dîner causerie » planifiée pour x" in out
    assert "chaque mardi à 12 h 30 pendant 1 h (America/Toronto)" in out
    assert "mardi 3 juin 2031 à 10 h 00 pendant 1 h 30 (America/Toronto)" in out
    assert "« Planification » est déplacée" in out
    assert "jeudi 5 juin 2031" in out
    listing = out[out.index("== Prochaines rencontres ==") :]
    assert "Dîner causerie" in listing and "Planification" in listing
    # the listing shows when each occurrence ends
    assert "– " in listing or "pendant" in listing


def test_a_date_that_reads_two_ways_is_answered_by_its_number(tmp_path: Path) -> None:
    database = tmp_path / "copbot.sqlite3"
    out = run_console(
        [
            TIMEZONE,
            "/community create x",
            "meeting schedule x 03/04/2031 10:00 Review",
            "meetings x",
        ],
        database,
    )
    assert "“03/04/2031” is a date that reads two ways" in out
    assert re.search(r"\[1: April 3, 2031\]\s+\[2: March 4, 2031\]", out), out
    assert "No meetings coming up" in out  # nothing was made before the answer
    out = run_console(
        [
            "meeting schedule x 03/04/2031 10:00 Review",
            "/press 2",
            "meetings x",
        ],
        database,
    )
    assert "Scheduled “Review” for x" in out
    assert "Tuesday, March 4, 2031 at 10:00\u202fAM" in out
    assert "Review" in out[out.index("== Upcoming meetings ==") :]


def test_bad_times_are_refused_and_nothing_is_made(tmp_path: Path) -> None:
    out = run_console(
        [
            TIMEZONE,
            "/community create x",
            "meeting schedule x 2031-02-30 10:00 Nope",
            "meeting schedule x 2020-01-01 10:00 Past",
            "meeting schedule x flibber jabber",
            "meeting schedule x " + "x" * 5000,
            "language fr",
            "meeting schedule x 30 février 2031 à 10 h Non",
            "meetings x",
        ],
        tmp_path / "copbot.sqlite3",
    )
    assert "“2031-02-30” is not a date on the calendar." in out
    assert "has already passed" in out
    assert "I couldn't find a time in that." in out
    assert "« 30 février 2031 » n'est pas une date du calendrier." in out
    assert "Aucune rencontre à venir" in out
