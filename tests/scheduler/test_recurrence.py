"""Reading times and recurrences, and expanding them on the wall clock (no database)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.kernel.errors import UserError
from bot.kernel.recurrence import instants_between
from bot.kernel.timewords import Question, Reading, read
from bot.meetings.details import MeetingDetails, parse_details

NOW = datetime(2027, 3, 1, 18, 0, tzinfo=UTC)  # Monday 10:00 in Vancouver
VAN = "America/Vancouver"


def reading(text: str) -> Reading:
    found = read(text, NOW, VAN)
    assert isinstance(found, Reading), f"{text!r} asked {found}"
    return found


@pytest.mark.parametrize(
    ("phrase", "rule"),
    [
        ("every week", "FREQ=WEEKLY;BYDAY=MO"),  # the start's day, written out
        ("every 2 weeks", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
        ("every other Tuesday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
        ("every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        ("every month on the last Monday", "FREQ=MONTHLY;BYDAY=-1MO"),
        ("every first Tuesday of the month", "FREQ=MONTHLY;BYDAY=+1TU"),
        ("every second Tuesday of the month", "FREQ=MONTHLY;BYDAY=+2TU"),
        # docs/meetings.md lists this phrasing too
        ("the last Monday of the month", "FREQ=MONTHLY;BYDAY=-1MO"),
        ("weekly 10 times", "FREQ=WEEKLY;BYDAY=MO;COUNT=10"),
        ("toutes les 2 semaines", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
        ("le dernier lundi de chaque mois", "FREQ=MONTHLY;BYDAY=-1MO"),
        ("tous les mardis et jeudis", "FREQ=WEEKLY;BYDAY=TU,TH"),
        ("un mardi sur deux", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
    ],
)
def test_recurrence_phrases(phrase: str, rule: str) -> None:
    found = reading(f"2027-03-08 16:30 {phrase}")
    assert found.rule is not None and found.rule.rrule == rule


@pytest.mark.parametrize("phrase", ["every 2nd Tuesday", "every third Friday", "chaque 2e mardi"])
def test_ambiguous_ordinals_ask(phrase: str) -> None:
    asked = read(f"{phrase} 10am", NOW, VAN)
    assert isinstance(asked, Question)
    assert "can mean two things" in asked.msgid


@pytest.mark.parametrize(
    ("text", "local"),
    [
        ("tomorrow at 9", "2027-03-02T09:00"),  # dateparser alone said 10:00
        ("tuesday at 10", "2027-03-02T10:00"),
        ("mardi 10h", "2027-03-02T10:00"),
        ("lundi prochain 16h30", "2027-03-08T16:30"),
        ("next Monday 4:30pm", "2027-03-08T16:30"),
        ("May 29 4pm", "2027-05-29T16:00"),
        ("in 5 minutes", "2027-03-01T10:05"),
    ],
)
def test_times_read_in_the_members_zone(text: str, local: str) -> None:
    assert reading(text).start_local == local


def test_fall_back_fires_once_in_the_repeated_hour() -> None:
    # 01:30 on 2027-11-07 happens twice in Vancouver; a daily 01:30 meeting happens once
    found = instants_between(
        "2027-11-06T01:30",
        "America/Vancouver",
        "FREQ=DAILY",
        datetime(2027, 11, 6, tzinfo=UTC),
        datetime(2027, 11, 9, tzinfo=UTC),
    )
    assert [i.strftime("%m-%d %H:%M") for i in found] == [
        "11-06 08:30",
        "11-07 08:30",
        "11-08 09:30",
    ]


@pytest.mark.parametrize("text", ["in 0 minutes", "dans 0 minutes", "in 0 days at 9am"])
def test_a_relative_time_of_zero_is_already_past(text: str) -> None:
    with pytest.raises(UserError) as caught:
        read(text, NOW, VAN)
    assert "has already passed" in caught.value.key


def test_the_last_monday_of_the_month_in_a_schedule_command() -> None:
    asked = parse_details(
        "2027-05-31 16:30 the last Monday of the month Monthly chat", "America/Vancouver", NOW
    )
    # "Monthly" adds nothing to "of the month": part of the title, or a slip? It asks.
    assert isinstance(asked, Question)
    title, _ = asked.options
    details = parse_details(title.text, "America/Vancouver", NOW)
    assert isinstance(details, MeetingDetails)
    assert details.reading.rule is not None
    assert details.reading.rule.rrule == "FREQ=MONTHLY;BYDAY=-1MO"
    assert details.title == "Monthly chat"
