from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.kernel.errors import UserError
from bot.kernel.i18n import Translator
from bot.kernel.schedules import (
    Cadence,
    describe,
    is_occurrence,
    next_occurrence,
    occurrences_between,
    parse_cadence,
)

NOW = datetime(2027, 3, 3, 15, 0, tzinfo=UTC)  # a Wednesday, 10:00 in Toronto
EN, FR = Translator("en"), Translator("fr")


def cadence_of(text: str, zone: str = "America/Toronto") -> Cadence:
    cadence = parse_cadence(text, zone, NOW)
    assert isinstance(cadence, Cadence), f"{text!r} asked {cadence}"
    return cadence


@pytest.mark.parametrize(
    ("text", "rrule", "first"),
    [
        ("weekly wed 10:00", "FREQ=WEEKLY;BYDAY=WE", "2027-03-10T10:00"),
        ("weekly wed 11:00", "FREQ=WEEKLY;BYDAY=WE", "2027-03-03T11:00"),
        ("every 2 weeks monday 9am", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", "2027-03-08T09:00"),
        ("monthly first tuesday 12:00", "FREQ=MONTHLY;BYDAY=+1TU", "2027-04-06T12:00"),
        ("monthly last friday 3:30pm", "FREQ=MONTHLY;BYDAY=-1FR", "2027-03-26T15:30"),
        ("every other thursday at 16h30", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", "2027-03-04T16:30"),
        ("second tuesday of the month 10am", "FREQ=MONTHLY;BYDAY=+2TU", "2027-03-09T10:00"),
        ("monthly 15th 9:00", "FREQ=MONTHLY;BYMONTHDAY=15", "2027-03-15T09:00"),
        ("daily 8:30am", "FREQ=DAILY", "2027-03-04T08:30"),
        ("weekdays 9:00", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "2027-03-04T09:00"),
        ("noon every friday", "FREQ=WEEKLY;BYDAY=FR", "2027-03-05T12:00"),
        # French
        ("chaque semaine mercredi 10h", "FREQ=WEEKLY;BYDAY=WE", "2027-03-10T10:00"),
        ("toutes les 2 semaines lundi 9h", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", "2027-03-08T09:00"),
        ("tous les deux mardis 14h30", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "2027-03-09T14:30"),
        ("chaque mois premier mardi 12h", "FREQ=MONTHLY;BYDAY=+1TU", "2027-04-06T12:00"),
        (
            "le dernier vendredi de chaque mois à midi",
            "FREQ=MONTHLY;BYDAY=-1FR",
            "2027-03-26T12:00",
        ),
        ("le 15 de chaque mois 9h", "FREQ=MONTHLY;BYMONTHDAY=15", "2027-03-15T09:00"),
    ],
)
def test_cadences_read_in_english_and_french(text: str, rrule: str, first: str) -> None:
    cadence = cadence_of(text)
    assert (cadence.rrule, cadence.start_local, cadence.timezone) == (
        rrule,
        first,
        "America/Toronto",
    )


def test_a_zone_in_the_text_wins_over_the_coordinators() -> None:
    cadence = cadence_of("weekly wed 16:30 america/vancouver")
    assert cadence.timezone == "America/Vancouver"
    assert cadence.start_local == "2027-03-03T16:30"  # 07:00 there now: still today


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("weekly 10:00", "Which day of the week"),
        ("monthly tuesday 10:00", "says two different things"),
        ("weekly wed", "At what time"),
        ("weekly wed 25:00", "not a time of day"),
        ("weekly wed 13pm", "not a time of day"),
        ("when the moon is full 10:00", "I didn't understand"),
        ("weekly wed 10:00 Mars/Olympus", "not a time zone"),
        ("daily wed 10:00", "says two different things"),
        ("every 60 weeks monday 10:00", "Repeat at most every"),
        ("weekly wed 10:00 for 90 minutes", "not a length"),
        ("", "couldn't find a time"),
        ("10:00", "How often"),
    ],
)
def test_what_cannot_be_read_with_certainty_is_refused(text: str, says: str) -> None:
    with pytest.raises(UserError) as raised:
        parse_cadence(text, "America/Toronto", NOW)
    assert says in raised.value.key
    # every refusal has its French
    assert FR(raised.value.key) != raised.value.key


@pytest.mark.parametrize(
    "text",
    [
        "every 2nd tuesday 10:00",
        "chaque 2e mardi 10h",
        "weekly wed 10:00 or 11:00",
        "weekly monthly wed 10:00",
        "monthly 31st 10:00",
    ],
)
def test_what_reads_two_ways_is_asked(text: str) -> None:
    from bot.kernel.timewords import Question

    asked = parse_cadence(text, "America/Toronto", NOW)
    assert isinstance(asked, Question)
    assert len(asked.options) == 2


def test_ten_oclock_stays_ten_oclock_across_both_dst_changes() -> None:
    cadence = cadence_of("weekly wed 10:00")
    instants = occurrences_between(
        cadence.rrule,
        cadence.start_local,
        cadence.timezone,
        NOW,
        datetime(2027, 12, 1, tzinfo=UTC),
    )
    zone = ZoneInfo("America/Toronto")
    local = [i.astimezone(zone) for i in instants]
    assert all(t.hour == 10 and t.minute == 0 and t.weekday() == 2 for t in local)
    # the UTC hour moves with daylight saving: 15:00 in winter, 14:00 in summer
    assert {i.hour for i in instants} == {14, 15}
    assert len(instants) == len(set(instants)) == 38
    steps = {b - a for a, b in itertools.pairwise(instants)}
    assert steps == {timedelta(days=7), timedelta(days=7, hours=-1), timedelta(days=7, hours=1)}


def test_a_schedule_in_the_repeated_hour_fires_once_on_fall_back_day() -> None:
    cadence = cadence_of("weekly sun 1:30")
    day = datetime(2027, 11, 7, tzinfo=UTC)  # clocks go back at 2:00 that Sunday
    instants = occurrences_between(
        cadence.rrule, cadence.start_local, cadence.timezone, day, day + timedelta(days=1)
    )
    assert len(instants) == 1


def test_next_occurrence_and_membership() -> None:
    cadence = cadence_of("monthly first tuesday 12:00")
    first = next_occurrence(cadence.rrule, cadence.start_local, cadence.timezone, NOW)
    assert first == datetime(2027, 4, 6, 16, 0, tzinfo=UTC)
    assert is_occurrence(cadence.rrule, cadence.start_local, cadence.timezone, first)
    assert not is_occurrence(
        cadence.rrule, cadence.start_local, cadence.timezone, first + timedelta(days=7)
    )
    second = next_occurrence(cadence.rrule, cadence.start_local, cadence.timezone, first)
    assert second == datetime(2027, 5, 4, 16, 0, tzinfo=UTC)


def test_described_back_in_the_readers_language_and_read_back_the_same() -> None:
    weekly = cadence_of("every 2 weeks monday 9am")
    english = describe(weekly.rrule, weekly.start_local, weekly.timezone, EN)
    assert english == "every other Monday at 9:00\u202fAM (America/Toronto)"
    french = describe(weekly.rrule, weekly.start_local, weekly.timezone, FR)
    assert french == "un lundi sur deux à 09 h 00 (America/Toronto)"
    monthly = cadence_of("monthly last friday 15:00", "America/Halifax")
    assert describe(monthly.rrule, monthly.start_local, monthly.timezone, FR) == (
        "le dernier vendredi du mois à 15 h 00 (America/Halifax)"
    )
    day = cadence_of("monthly 1st 9:00", "UTC")
    assert describe(day.rrule, day.start_local, day.timezone, EN).startswith(
        "every month on the 1st at 9:00"
    )
    # what copbot says is a cadence it reads: the same rule and time
    for said in (english, french):
        again = cadence_of(said)
        assert (again.rrule, again.start_local[11:]) == (weekly.rrule, weekly.start_local[11:])
