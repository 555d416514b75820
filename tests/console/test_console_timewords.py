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
            "/community create k12",
            "meeting schedule k12 every Tuesday at 12:30 Lunch chat",
            "meetings k12",
        ],
        tmp_path / "copbot.sqlite3",
    )
    assert "Scheduled “Lunch chat” for k12" in out
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
            "/community create k12",
            "meeting schedule k12 chaque mardi à 12 h 30 Dîner causerie",
            "meeting schedule k12 demain de 10 h à 11 h 30 Planification",
            "meeting move Planification demain à après-demain 14 h",
            "meetings k12",
        ],
        database,
    )
    assert "Rencontre « Dîner causerie » planifiée pour k12" in out
    assert "chaque mardi à 12 h 30 pendant 1 h (America/Toronto)" in out
    assert "à 10 h 00 pendant 1 h 30 (America/Toronto)" in out
    assert "« Planification » est déplacée" in out
    assert "à 14 h 00 (America/Toronto)" in out
    listing = out[out.index("== Prochaines rencontres ==") :]
    assert "Dîner causerie" in listing and "Planification" in listing
    # the listing shows when each occurrence ends
    assert "– " in listing or "pendant" in listing


def test_a_date_that_reads_two_ways_is_answered_by_its_number(tmp_path: Path) -> None:
    database = tmp_path / "copbot.sqlite3"
    out = run_console(
        [
            TIMEZONE,
            "/community create k12",
            "meeting schedule k12 03/04/2031 10:00 Review",
            "meetings k12",
        ],
        database,
    )
    assert "“03/04/2031” is a date that reads two ways" in out
    assert re.search(r"\[1: April 3, 2031\]\s+\[2: March 4, 2031\]", out), out
    assert "No meetings coming up" in out  # nothing was made before the answer
    out = run_console(
        [
            "meeting schedule k12 03/04/2031 10:00 Review",
            "/press 2",
            "/press 2",  # the same answer again: already answered, nothing more is made
            "meeting cancel Review all",
        ],
        database,
    )
    assert "Scheduled “Review” for k12" in out
    assert "Tuesday, March 4, 2031 at 10:00\u202fAM for 1 hour (America/Toronto)" in out
    assert "That question has expired or was answered already." in out
    assert "Cancelled the whole series “Review”" in out


def test_bad_times_are_refused_and_nothing_is_made(tmp_path: Path) -> None:
    out = run_console(
        [
            TIMEZONE,
            "/community create k12",
            "meeting schedule k12 2031-02-30 10:00 Nope",
            "meeting schedule k12 2020-01-01 10:00 Past",
            "meeting schedule k12 flibber jabber",
            "meeting schedule k12 " + "x" * 5000,
            "language fr",
            "meeting schedule k12 30 février 2031 à 10 h Non",
            "meetings k12",
        ],
        tmp_path / "copbot.sqlite3",
    )
    assert "“2031-02-30” is not a date on the calendar." in out
    assert "has already passed" in out
    assert "I couldn't find a time in that." in out
    assert "« 30 février 2031 » n'est pas une date du calendrier." in out
    assert "Aucune rencontre à venir" in out
