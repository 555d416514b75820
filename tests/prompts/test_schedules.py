from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.kernel.errors import UserError
from bot.kernel.i18n import Translator
from bot.kernel.schedules import (
    TEXTS,
    describe,
    is_occurrence,
    next_occurrence,
    occurrences_between,
    parse_cadence,
)

NOW = datetime(2027, 3, 3, 15, 0, tzinfo=UTC)  # a Wednesday, 10:00 in Toronto
EN, FR = Translator(TEXTS, "en"), Translator(TEXTS, "fr")


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
        ("every 2nd tuesday 10:00", "cadence.ambiguous"),
        ("chaque 2e mardi 10h", "cadence.ambiguous"),
        ("weekly 10:00", "cadence.weekly_needs_day"),
        ("monthly tuesday 10:00", "cadence.monthly_needs_day"),
        ("weekly wed", "cadence.no_time"),
        ("weekly wed 10:00 or 11:00", "cadence.one_time"),
        ("weekly wed 25:00", "cadence.bad_time"),
        ("weekly wed 13pm", "cadence.bad_time"),
        ("when the moon is full 10:00", "cadence.not_understood"),
        ("weekly wed 10:00 Mars/Olympus", "cadence.bad_zone"),
        ("daily wed 10:00", "cadence.conflict"),
        ("weekly monthly wed 10:00", "cadence.conflict"),
        ("every 20 weeks monday 10:00", "cadence.bad_interval"),
        ("monthly 31st 10:00", "cadence.bad_month_day"),
        ("", "cadence.no_frequency"),
        ("10:00", "cadence.no_frequency"),
    ],
)
def test_what_cannot_be_read_with_certainty_is_refused(text: str, key: str) -> None:
    with pytest.raises(UserError) as raised:
        parse_cadence(text, "America/Toronto", NOW)
    assert raised.value.key == key
    # every refusal has a text in both languages that says how to do it right
    assert raised.value.key in TEXTS


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
