from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.kernel.errors import UserError
from bot.kernel.i18n import Translator
from bot.kernel.schedules import (
    describe,
    is_occurrence,
    next_occurrence,
    occurrences_between,
    parse_cadence,
)

NOW = datetime(2027, 3, 3, 15, 0, tzinfo=UTC)  # a Wednesday, 10:00 in Toronto
EN, FR = Translator("en"), Translator("fr")


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
    cadence = parse_cadence(text, "America/Toronto", NOW)
    assert (cadence.rrule, cadence.start_local, cadence.timezone) == (
        rrule,
        first,
        "America/Toronto",
    )


def test_a_zone_in_the_text_wins_over_the_coordinators() -> None:
    cadence = parse_cadence("weekly wed 16:30 america/vancouver", "America/Toronto", NOW)
    assert cadence.timezone == "America/Vancouver"
    assert cadence.start_local == "2027-03-03T16:30"  # 07:00 there now: still today


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (
            "every 2nd tuesday 10:00",
            (
                "Do you mean every other week (`every 2 weeks` + the day) or "
                "the same week of each month (`monthly` + “2nd” + the day)? "
                "Please say which."
            ),
        ),
        (
            "chaque 2e mardi 10h",
            (
                "Do you mean every other week (`every 2 weeks` + the day) or "
                "the same week of each month (`monthly` + “2nd” + the day)? "
                "Please say which."
            ),
        ),
        ("weekly 10:00", "Which day of the week? e.g. `weekly wed 10:00`."),
        (
            "monthly tuesday 10:00",
            ("Which day of the month? e.g. `monthly first tuesday 12:00` or `monthly 15th 9:00`."),
        ),
        (
            "weekly wed",
            ("Give a time of day, e.g. `weekly wed 10:00` or `every 2 weeks monday 9am`."),
        ),
        ("weekly wed 10:00 or 11:00", "Give only one time of day, e.g. `weekly wed 10:00`."),
        ("weekly wed 25:00", "“{time}” is not a time of day. Use 24-hour `14:30` or `2:30pm`."),
        ("weekly wed 13pm", "“{time}” is not a time of day. Use 24-hour `14:30` or `2:30pm`."),
        (
            "when the moon is full 10:00",
            (
                "I didn't understand “{words}” in the schedule. Examples: "
                "`weekly wed 10:00`, `every 2 weeks monday 9am`, `monthly "
                "first tuesday 12:00`."
            ),
        ),
        (
            "weekly wed 10:00 Mars/Olympus",
            ("“{zone}” is not a time zone I know. Use an IANA name such as America/Vancouver."),
        ),
        (
            "daily wed 10:00",
            (
                "That schedule says two different things. Examples: `weekly "
                "wed 10:00`, `monthly last friday 15:00`."
            ),
        ),
        (
            "weekly monthly wed 10:00",
            (
                "That schedule says two different things. Examples: `weekly "
                "wed 10:00`, `monthly last friday 15:00`."
            ),
        ),
        ("every 20 weeks monday 10:00", "Repeat at most every {limit} weeks, months or days."),
        (
            "monthly 31st 10:00",
            ("Use a day of the month from 1 to {limit}, or a weekday such as `last friday`."),
        ),
        (
            "",
            (
                "How often? Start with weekly, every 2 weeks, monthly or "
                "daily, e.g. `weekly wed 10:00` or `monthly first tuesday "
                "12:00`."
            ),
        ),
        (
            "10:00",
            (
                "How often? Start with weekly, every 2 weeks, monthly or "
                "daily, e.g. `weekly wed 10:00` or `monthly first tuesday "
                "12:00`."
            ),
        ),
    ],
)
def test_what_cannot_be_read_with_certainty_is_refused(text: str, key: str) -> None:
    with pytest.raises(UserError) as raised:
        parse_cadence(text, "America/Toronto", NOW)
    assert raised.value.key == key
    # every refusal has a text in both languages that says how to do it right
    assert FR.template(raised.value.key) != raised.value.key  # translated


def test_ten_oclock_stays_ten_oclock_across_both_dst_changes() -> None:
    cadence = parse_cadence("weekly wed 10:00", "America/Toronto", NOW)
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
    cadence = parse_cadence("weekly sun 1:30", "America/Toronto", NOW)
    day = datetime(2027, 11, 7, tzinfo=UTC)  # clocks go back at 2:00 that Sunday
    instants = occurrences_between(
        cadence.rrule, cadence.start_local, cadence.timezone, day, day + timedelta(days=1)
    )
    assert len(instants) == 1


def test_next_occurrence_and_membership() -> None:
    cadence = parse_cadence("monthly first tuesday 12:00", "America/Toronto", NOW)
    first = next_occurrence(cadence.rrule, cadence.start_local, cadence.timezone, NOW)
    assert first == datetime(2027, 4, 6, 16, 0, tzinfo=UTC)
    assert is_occurrence(cadence.rrule, cadence.start_local, cadence.timezone, first)
    assert not is_occurrence(
        cadence.rrule, cadence.start_local, cadence.timezone, first + timedelta(days=7)
    )
    second = next_occurrence(cadence.rrule, cadence.start_local, cadence.timezone, first)
    assert second == datetime(2027, 5, 4, 16, 0, tzinfo=UTC)


def test_described_back_in_the_readers_language() -> None:
    weekly = parse_cadence("every 2 weeks monday 9am", "America/Toronto", NOW)
    assert describe(weekly.rrule, weekly.start_local, weekly.timezone, EN) == (
        "every 2 weeks on Monday at 09:00 (America/Toronto)"
    )
    assert describe(weekly.rrule, weekly.start_local, weekly.timezone, FR) == (
        "toutes les 2 semaines, le lundi à 09:00 (America/Toronto)"
    )
    monthly = parse_cadence("monthly last friday 15:00", "America/Halifax", NOW)
    assert describe(monthly.rrule, monthly.start_local, monthly.timezone, FR) == (
        "chaque mois, le dernier vendredi à 15:00 (America/Halifax)"
    )
    day = parse_cadence("monthly 1st 9:00", "UTC", NOW)
    assert describe(day.rrule, day.start_local, day.timezone, EN).startswith(
        "every month on the 1st at 09:00"
    )
