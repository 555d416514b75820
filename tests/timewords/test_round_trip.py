"""What copbot says back reads back to the same thing: for generated rules and times,
``read(describe(rule, at, lang))`` gives the rule and the time again, in English and French."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.kernel.errors import UserError
from bot.kernel.i18n import Translator
from bot.kernel.timewords import Reading, Rule, describe, read
from bot.kernel.timewords.model import WEEKDAYS

EN, FR = Translator("en"), Translator("fr")

NOW = datetime(2027, 5, 3, 14, 0, tzinfo=UTC)
ZONE = "America/Toronto"

weekday_sets = st.sets(st.sampled_from(WEEKDAYS), min_size=1, max_size=7).map(
    lambda codes: tuple((0, code) for code in WEEKDAYS if code in codes)
)
ends: st.SearchStrategy[tuple[str, int | date] | None] = st.one_of(
    st.none(),
    st.integers(1, 200).map(lambda n: ("count", n)),
    st.integers(400, 900).map(lambda days: ("until", date(2027, 5, 3) + timedelta(days=days))),
)


@st.composite
def rules(draw: st.DrawFn) -> Rule:
    freq = draw(st.sampled_from(("DAILY", "WEEKLY", "MONTHLY")))
    interval = draw(st.integers(1, 12))
    if freq == "DAILY":
        rule = Rule("DAILY", interval)
    elif freq == "WEEKLY":
        rule = Rule("WEEKLY", interval, draw(weekday_sets))
    elif draw(st.booleans()):
        ordinal = draw(st.sampled_from((1, 2, 3, 4, 5, -1)))
        rule = Rule("MONTHLY", interval, ((ordinal, draw(st.sampled_from(WEEKDAYS))),))
    else:
        rule = Rule("MONTHLY", interval, bymonthday=draw(st.sampled_from([-1, *range(1, 32)])))
    end = draw(ends)
    if end is None:
        return rule
    _, value = end
    if isinstance(value, int):
        return Rule(rule.freq, rule.interval, rule.byday, rule.bymonthday, count=value)
    return Rule(rule.freq, rule.interval, rule.byday, rule.bymonthday, until=value)


times = st.builds(time, st.integers(0, 23), st.integers(0, 59))


@settings(max_examples=400, deadline=None)
@given(rule=rules(), at=times, language=st.sampled_from(("en", "fr")))
def test_what_copbot_says_reads_back_the_same(rule: Rule, at: time, language: str) -> None:
    text = describe(rule, at, Translator(language))
    reading = read(text, NOW, ZONE)
    assert isinstance(reading, Reading), f"{text!r} asked {reading}"
    assert reading.rule == rule, text
    assert reading.start.time() == at, text
    assert reading.rest == (), text
    # and the RRULE it is stored as gives the same rule
    assert Rule.from_rrule(rule.rrule) == rule


def test_the_issue_examples_are_said_this_way() -> None:
    thursday = Rule("WEEKLY", 2, ((0, "TH"),))
    assert describe(thursday, time(15, 0), EN) == "every other Thursday at 3:00\u202fPM"
    friday = Rule("MONTHLY", 1, ((-1, "FR"),))
    assert describe(friday, time(16, 0), FR) == "le dernier vendredi du mois à 16 h 00"


VOCABULARY = (
    "every each chaque tous les toutes other 2 2nd second dernier last first premier "
    "Tuesday mardi mardis jeudi wed jeu 12:30 3pm 4:30pm 15 h 30 h à to - de du au for "
    "pendant 90 minutes weeks semaines mois month day jours until jusqu'au June juin 30 "
    "31st 03/04/2027 2027-02-30 tomorrow demain next prochain noon midi weekly "
    'hebdomadaire , Lunch « » " of the du sur deux un une times fois America/Toronto'
)
WORDS = st.sampled_from(VOCABULARY.split())


@settings(max_examples=600, deadline=None)
@given(words=st.lists(WORDS, max_size=12), noise=st.text(max_size=30))
def test_any_text_is_read_asked_about_or_refused_never_crashes(
    words: list[str], noise: str
) -> None:
    from bot.kernel.errors import UserError
    from bot.kernel.timewords import Question

    text = " ".join(words) + " " + noise
    try:
        result = read(text, NOW, ZONE)
    except UserError:
        return
    assert isinstance(result, Reading | Question)
    if isinstance(result, Question):
        assert len(result.options) >= 2


@settings(max_examples=300, deadline=None)
@given(
    days=st.integers(1, 700),
    at=times,
    minutes=st.integers(1, 24 * 60),
    rule=st.one_of(st.none(), rules()),
    language=st.sampled_from(("en", "fr")),
)
def test_a_meeting_said_back_with_its_length_reads_back_the_same(
    days: int, at: time, minutes: int, rule: Rule | None, language: str
) -> None:
    from bot.kernel.timewords import describe_when

    start = datetime.combine(date(2027, 5, 3) + timedelta(days=days), at)
    text = describe_when(start, rule, minutes, Translator(language))
    if rule is None and _in_the_gap(start):
        # a one-off at a wall-clock time that does not exist is refused, never moved silently
        with pytest.raises(UserError, match="does not exist"):
            read(text, NOW, ZONE)
        return
    reading = read(text, NOW, ZONE)
    assert isinstance(reading, Reading), f"{text!r} asked {reading}"
    if rule is None:
        assert (reading.start, reading.duration, reading.rule) == (start, minutes, None), text
    else:
        assert (reading.rule, reading.start.time(), reading.duration) == (rule, at, minutes), text


def _in_the_gap(local: datetime) -> bool:
    zone = ZoneInfo(ZONE)
    return local.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None) != local


def test_the_gap_is_refused_by_the_round_trip_rule() -> None:
    start = datetime(2028, 3, 12, 2, 30)  # clocks jump from 02:00 to 03:00 in Toronto
    assert _in_the_gap(start)
    test_a_meeting_said_back_with_its_length_reads_back_the_same.hypothesis.inner_test(  # type: ignore[attr-defined]
        days=(start.date() - date(2027, 5, 3)).days,
        at=start.time(),
        minutes=60,
        rule=None,
        language="fr",
    )
