"""Finding the phrases of time in a token list, wherever they stand.

Each matcher looks at one position and says how many tokens its phrase takes and what it
means (a ``Fact``); the longest phrase at a position wins. Nothing here decides what the
phrases mean together (that is ``grammar``): "Tuesday" is a day here, it becomes "every
Tuesday" there when the text also says "weekly".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from zoneinfo import available_timezones

import bot.kernel.timewords.lexicon as lx
from bot.kernel.errors import UserError
from bot.kernel.i18n import N_
from bot.kernel.timewords.model import WEEKDAYS, WORKWEEK
from bot.kernel.timewords.tokens import Token

_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(am|pm|a\.m\.?|p\.m\.?)?$")
_H = re.compile(r"^(\d{1,2})h(\d{2})?$")
_AMPM_GLUED = re.compile(r"^(\d{1,2})(am|pm|a\.m\.?|p\.m\.?)$")
_AMPM = re.compile(r"^(am|pm|a\.m\.?|p\.m\.?)$")
_NUMBER = re.compile(r"^\d{1,3}$")
_ISO = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.](\d{1,2})(?:[/.](\d{4}|\d{2}))?$")
_DAY_NUMBER = re.compile(r"^(\d{1,2})(st|nd|rd|th|er|re|e|eme)?$")
_YEAR = re.compile(r"^(\d{4})$")
_LENGTH_GLUED = re.compile(r"^(\d{1,3}(?:[.,]\d+)?)(m|min|mins|h|hr|hrs)(\d{2})?$")
_DECIMAL = re.compile(r"^\d{1,3}(?:[.,]\d+)?$")
_NOT_A_TIME = N_("“{time}” is not a time of day. Use 14:30, 2:30pm or 14 h 30.")
_NOT_A_DATE = N_("“{date}” is not a date on the calendar.")
_NOT_A_ZONE = N_("“{zone}” is not a time zone I know. Use an IANA name such as America/Vancouver.")
_ORDINAL_NUMBER = re.compile(r"^(\d{1,2})(st|nd|rd|th|er|re|e|eme)$")


# ---- facts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    hour: int
    minute: int
    end: tuple[int, int] | None = None  # a range: "3pm to 4:30pm"


@dataclass(frozen=True)
class Length:
    minutes: int


@dataclass(frozen=True)
class Day:
    """A day of the calendar. ``year`` None: the next such date. ``other``: a second
    reading of a numeric date ("03/04" day-first and month-first)."""

    year: int | None
    month: int
    day: int
    other: tuple[int, int] | None = None  # (month, day) read the other way
    weekday: str | None = None  # "Tuesday, May 12": checked against the date


@dataclass(frozen=True)
class Relative:
    days: int = 0
    minutes: int = 0
    instant: bool = False  # "in 30 minutes": an instant, not a day


@dataclass(frozen=True)
class Weekdays:
    """Named days. ``plural`` ("Tuesdays", "les mardis") or ``every`` mean a series;
    ``upcoming`` ("next Monday") a single day."""

    codes: tuple[str, ...]
    plural: bool = False
    upcoming: bool = False


@dataclass(frozen=True)
class Repeat:
    freq: str
    interval: int = 1
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class NthWeekday:
    ordinal: int
    code: str
    of_month: bool


@dataclass(frozen=True)
class MonthDay:
    day: int  # -1: the last day
    of_month: bool


@dataclass(frozen=True)
class Ambiguous:
    """ "every 2nd Tuesday": the second Tuesday of each month, or every other Tuesday."""

    ordinal: int
    code: str


@dataclass(frozen=True)
class Until:
    day: Day


@dataclass(frozen=True)
class Period:
    amount: int
    unit: str  # DAILY, WEEKLY, MONTHLY


@dataclass(frozen=True)
class Count:
    times: int


@dataclass(frozen=True)
class SkipShort:
    pass


@dataclass(frozen=True)
class Zone:
    name: str


Fact = (
    Clock | Length | Day | Relative | Weekdays | Repeat | NthWeekday | MonthDay | Ambiguous
    | Until | Period | Count | SkipShort | Zone
)  # fmt: skip


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    fact: Fact


Match = tuple[int, Fact] | None


class Phrases:
    """The matchers over one token list."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens

    def w(self, i: int) -> str:
        if 0 <= i < len(self.tokens) and not self.tokens[i].literal:
            return self.tokens[i].norm
        return ""

    def seq(self, i: int, words: tuple[str, ...]) -> int | None:
        """The end of ``words`` read from ``i``, or None."""
        for offset, word in enumerate(words):
            if self.w(i + offset) != word:
                return None
        return i + len(words)

    def any_seq(self, i: int, options: Iterable[tuple[str, ...]]) -> int:
        """The end of the longest of ``options`` read from ``i`` (``i`` when none)."""
        best = i
        for words in options:
            end = self.seq(i, words)
            if end is not None and end > best:
                best = end
        return best

    # ---- all phrases -----------------------------------------------------------------

    def find(self) -> tuple[list[Found], list[int]]:
        """Every phrase, left to right, and the positions of the tokens no phrase took."""
        found: list[Found] = []
        unused: list[int] = []
        i = 0
        while i < len(self.tokens):
            best: Found | None = None
            # a filler ("at", "on the", "le", ",") belongs to the phrase right after it
            for skip in (0, 1, 2):
                if skip and not all(self.w(i + k) in _FILLERS for k in range(skip)):
                    break
                for matcher in self.matchers:
                    result = matcher(self, i + skip)
                    if result is not None and (best is None or result[0] > best.end):
                        best = Found(i, result[0], result[1])
            if best is None:
                unused.append(i)
                i += 1
            else:
                found.append(best)
                i = best.end
        return found, unused

    # ---- times of day ----------------------------------------------------------------

    def clock(self, i: int) -> tuple[int, int, int, str | None] | None:
        """(end, hour, minute, am/pm) of a time of day at ``i``; the hour is as written."""
        word = self.w(i)
        if not word:
            return None
        if word in lx.NOON:
            return i + 1, 12, 0, None
        if word in lx.MIDNIGHT:
            return i + 1, 0, 0, None
        match = _CLOCK.match(word)
        if match:
            ampm = match.group(3)
            end = i + 1
            if ampm is None and _AMPM.match(self.w(end)):
                ampm, end = self.w(end), end + 1
            return end, int(match.group(1)), int(match.group(2)), ampm
        match = _H.match(word)
        if match:
            return i + 1, int(match.group(1)), int(match.group(2) or 0), None
        match = _AMPM_GLUED.match(word)
        if match:
            return i + 1, int(match.group(1)), 0, match.group(2)
        if re.fullmatch(r"\d{1,2}", word):
            if self.w(i + 1) == "h":
                minutes = self.w(i + 2)
                if re.fullmatch(r"\d{2}", minutes) and self.w(i + 3) != "h":
                    return i + 3, int(word), int(minutes), None
                return i + 2, int(word), 0, None
            if _AMPM.match(self.w(i + 1)):
                return i + 2, int(word), 0, self.w(i + 1)
        return None

    def time_of_day(self, i: int, bare: bool = False) -> tuple[int, int, int, str | None] | None:
        found = self.clock(i)
        if found is None and bare and re.fullmatch(r"\d{1,2}", self.w(i)):
            following = self.w(i + 1)
            if not (following in lx.MONTHS or following in lx.UNITS or following in _LENGTHS):
                return i + 1, int(self.w(i)), 0, None
        return found

    def m_time(self, i: int) -> Match:
        start = i
        lead = self.w(i)
        ranged = lead in lx.FROM
        if lead in lx.AT or ranged:
            i += 1
        first = self.time_of_day(i, bare=lead in lx.AT or ranged)
        if first is None and self.w(i + 1) in lx.TO:
            # "3-4:30pm": a bare start, when the end has its am/pm
            following = self.clock(i + 2)
            if following is not None and following[3] is not None:
                first = self.time_of_day(i, bare=True)
        if first is None:
            return None
        end, hour, minute, ampm = first
        # a range: "3pm to 4:30pm", "12:30-13:30", "de 15 h à 16 h 30", "3 to 4pm"
        if self.w(end) in lx.TO or (ranged and self.w(end) in ("and", "et")):
            second = self.time_of_day(end + 1, bare=ranged or bool(ampm))
            if second is not None:
                end2, hour2, minute2, ampm2 = second
                if ampm is None and ampm2 is not None and hour <= 12:
                    ampm = _inherit(hour, minute, hour2, minute2, ampm2)
                if ampm2 is None and ampm is not None and hour2 <= 12 and end2 == end + 2:
                    ampm2 = ampm if _inherit(hour, minute, hour2, minute2, ampm) else None
                return end2, Clock(
                    *_hours(hour, minute, ampm, self.tokens[start:end]),
                    end=_hours(hour2, minute2, ampm2, self.tokens[end + 1 : end2]),
                )
        if ranged:
            return None  # "de 15 h" alone: "de" is a word of the title
        return end, Clock(*_hours(hour, minute, ampm, self.tokens[start:end]))

    # ---- lengths ---------------------------------------------------------------------

    def length(self, i: int) -> tuple[int, int] | None:
        """(end, minutes) of "90 minutes", "1h30", "1 h 30", "2 hours", "an hour"."""
        word = self.w(i)
        if word in ("an", "a", "one", "une") and self.w(i + 1) in ("hour", "heure"):
            return i + 2, 60
        if self.seq(i, ("half", "an", "hour")):
            return i + 3, 30
        if self.seq(i, ("une", "demi-heure")):
            return i + 2, 30
        match = _LENGTH_GLUED.match(word)
        if match:
            amount = float(match.group(1).replace(",", "."))
            if match.group(2).startswith("h"):
                return i + 1, round(amount * 60) + int(match.group(3) or 0)
            if match.group(3):
                return None
            return i + 1, round(amount)
        if not _DECIMAL.match(word):
            return None
        amount = float(word.replace(",", "."))
        unit = self.w(i + 1)
        if unit in lx.MINUTE_UNITS:
            return i + 2, round(amount)
        if unit in lx.HOUR_UNITS:
            end, minutes = i + 2, round(amount * 60)
            extra = self.w(end)
            if re.fullmatch(r"\d{1,2}", extra):
                if self.w(end + 1) in lx.MINUTE_UNITS:
                    return end + 2, minutes + int(extra)
                if unit in ("h", "heure", "heures"):  # "1 h 30", "1 heure 30"
                    return end + 1, minutes + int(extra)
            if (
                extra in ("and", "et")
                and re.fullmatch(r"\d{1,2}", self.w(end + 1))
                and self.w(end + 2) in lx.MINUTE_UNITS
            ):
                return end + 3, minutes + int(self.w(end + 1))
            return end, minutes
        return None

    def m_length(self, i: int) -> Match:
        if self.w(i) not in lx.LENGTH_LEAD:
            return None
        found = self.length(i + 1)
        if found is None:
            return None
        return found[0], Length(found[1])

    # ---- ends of a series ------------------------------------------------------------

    def m_until(self, i: int) -> Match:
        word = self.w(i)
        if word == "up" and self.w(i + 1) == "to":
            i += 1
        elif word not in lx.UNTIL:
            return None
        found = self.day(i + 1)
        if found is None and self.w(i + 1) in ("the", "le"):
            found = self.day(i + 2)
        if found is None or not isinstance(found[1], Day):
            return None
        return found[0], Until(found[1])

    def m_period(self, i: int) -> Match:
        if self.w(i) not in lx.LENGTH_LEAD:
            return None
        amount = _amount(self.w(i + 1))
        unit = lx.UNITS.get(self.w(i + 2))
        if amount is None or unit not in ("DAILY", "WEEKLY", "MONTHLY"):
            return None
        assert unit is not None
        return i + 3, Period(amount, unit)

    def m_count(self, i: int) -> Match:
        start = i + 1 if self.w(i) in lx.LENGTH_LEAD else i
        amount = _amount(self.w(start))
        if amount is None or self.w(start + 1) not in lx.TIMES_WORDS:
            return None
        return start + 2, Count(amount)

    # ---- days --------------------------------------------------------------------------

    def weekday(self, i: int, strong: bool = False) -> tuple[int, str, bool] | None:
        """(end, code, plural). Short forms ("wed", "jeu") only when ``strong``: next to
        other time words, or they would eat titles ("Sun salutation", "Jeu de rôle")."""
        word = self.w(i)
        if word in lx.WEEKDAY_FULL:
            return i + 1, lx.WEEKDAY_FULL[word], word.endswith("s")
        if strong and word in lx.WEEKDAY_SHORT:
            return i + 1, lx.WEEKDAY_SHORT[word], False
        return None

    def strong_at(self, i: int) -> bool:
        """Whether a short weekday at ``i`` stands among time words."""
        before, after = self.w(i - 1), self.w(i + 1)
        near = (before, after)
        return any(
            word in lx.EVERY or word in lx.ADVERBS or word in lx.UNITS
            or self.clock(position) is not None or word in lx.NEXT
            for position, word in ((i - 1, before), (i + 1, after))
        ) or (any(word in ("and", "et", ",", "-", "to", "au") for word in near) and any(
            w in lx.WEEKDAY_FULL or w in lx.WEEKDAY_SHORT for w in (self.w(i - 2), self.w(i + 2))
        ))  # fmt: skip

    def weekday_list(self, i: int, strong: bool = False) -> tuple[int, list[str], bool] | None:
        """ "Monday and Wednesday", "lundis et mercredis", "le lundi et le mercredi"."""
        first = self.weekday(i, strong or self.strong_at(i))
        if first is None:
            return None
        end, code, plural = first
        codes = [code]
        while self.w(end) in lx.AND:
            following = end + 1
            if self.w(following) in lx.AND:  # "Monday, Wednesday, and Friday"
                following += 1
            if self.w(following) in ("le", "les", "on"):
                following += 1
            more = self.weekday(following, True)
            if more is None:
                break
            end = more[0]
            codes.append(more[1])
            plural = plural or more[2]
        return end, codes, plural

    def day(self, i: int) -> tuple[int, Fact] | None:
        """A calendar day or a day named relative to today."""
        word = self.w(i)
        if not word:
            return None
        for options, days in (
            (lx.TODAY, 0),
            (lx.TOMORROW, 1),
            (lx.AFTER_TOMORROW, 2),
            (lx.YESTERDAY, -1),
        ):
            end = self.any_seq(i, options)
            if end > i:
                return end, Relative(days=days)
        match = _ISO.match(word)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return i + 1, _checked(year, month, day, self.tokens[i].raw)
        match = _NUMERIC.match(word)
        if match and not re.fullmatch(r"\d{1,2}\.\d{2}", word):
            return i + 1, _numeric(match, self.tokens[i].raw)
        written = self.written(i)
        if written is not None:
            return written
        # "next Monday", "lundi prochain", "this Friday", "Tuesday, May 12"
        lead = word in lx.NEXT or word in lx.THIS
        found = self.weekday(i + 1 if lead else i, True if lead else self.strong_at(i))
        if found is not None and not found[2]:
            end, code, _ = found
            if not lead and self.w(end) in ("prochain", "prochaine"):
                return end + 1, Weekdays((code,), upcoming=True)
            after = end + 1 if self.w(end) == "," else end
            dated = self.written(after) or self.numbered(after)
            if dated is not None and isinstance(dated[1], Day):
                day_fact = dated[1]
                return dated[0], Day(day_fact.year, day_fact.month, day_fact.day,
                                     day_fact.other, code)  # fmt: skip
            return end, Weekdays((code,), upcoming=word in lx.NEXT)
        # "in 3 days", "dans 2 semaines", "in 30 minutes"
        if word in ("in", "dans"):
            amount = _amount(self.w(i + 1))
            unit = self.w(i + 2)
            if amount is not None:
                if unit in lx.MINUTE_UNITS:
                    return i + 3, Relative(minutes=amount, instant=True)
                if unit in lx.HOUR_UNITS:
                    return i + 3, Relative(minutes=amount * 60, instant=True)
                if lx.UNITS.get(unit) == "DAILY":
                    return i + 3, Relative(days=amount)
                if lx.UNITS.get(unit) == "WEEKLY":
                    return i + 3, Relative(days=7 * amount)
        return None

    def numbered(self, i: int) -> tuple[int, Fact] | None:
        match = _ISO.match(self.w(i))
        if match:
            year, month, day = (int(g) for g in match.groups())
            return i + 1, _checked(year, month, day, self.tokens[i].raw)
        match = _NUMERIC.match(self.w(i))
        if match:
            return i + 1, _numeric(match, self.tokens[i].raw)
        return None

    def written(self, i: int) -> tuple[int, Fact] | None:
        """ "June 30", "June 30th, 2027", "30 June", "30 juin 2027", "1er juin", "the 30th
        of June"."""
        word = self.w(i)
        start = i
        if word in lx.MONTHS:
            number = _DAY_NUMBER.match(self.w(i + 1))
            if number is None and self.w(i + 1) == "the":
                number = _DAY_NUMBER.match(self.w(i + 2))
                i += 1
            if number is None:
                return None
            end = i + 2
            return self._year(start, end, lx.MONTHS[word], int(number.group(1)))
        number = _DAY_NUMBER.match(word)
        if number is None:
            return None
        end = i + 1
        if self.w(end) == "of":
            end += 1
        month = lx.MONTHS.get(self.w(end))
        if month is None:
            return None
        return self._year(start, end + 1, month, int(number.group(1)))

    def _year(self, start: int, end: int, month: int, day: int) -> tuple[int, Fact]:
        if self.w(end) == "," and _YEAR.match(self.w(end + 1)):
            end += 1
        year = _YEAR.match(self.w(end))
        if year:
            end += 1
        raw = " ".join(token.raw for token in self.tokens[start:end])
        return end, _checked(int(year.group(1)) if year else None, month, day, raw)

    def m_day(self, i: int) -> Match:
        return self.day(i)

    # ---- repeats ---------------------------------------------------------------------

    def every_lead(self, i: int) -> int | None:
        word = self.w(i)
        if word in lx.EVERY:
            return i + 1
        if word in lx.EVERY_PLURAL and self.w(i + 1) in ("les", "the"):
            return i + 2
        return None

    def m_every(self, i: int) -> Match:
        start = self.every_lead(i)
        if start is None:
            return None
        word = self.w(start)
        interval = 1
        after = start
        if word == "other" or word == "autre":
            interval, after = 2, start + 1
        elif (amount := _amount(word)) is not None and (
            self.w(start + 1) in lx.UNITS or self.weekday(start + 1, True)
        ):
            interval, after = amount, start + 1
        ordinal = _ordinal(self.w(after))
        if ordinal is not None and interval == 1:
            following = self.weekday(after + 1, True)
            if following is not None:
                end, code, _ = following
                of_month = self.any_seq(end, lx.OF_MONTH)
                if of_month > end or ordinal in (1, -1):
                    return max(of_month, end), NthWeekday(ordinal, code, of_month=True)
                return end, Ambiguous(ordinal, code)
            unit = lx.UNITS.get(self.w(after + 1))
            if unit in ("DAILY", "WEEKLY", "MONTHLY") and ordinal > 1:
                assert unit is not None
                return after + 2, Repeat(unit, ordinal)
            end = self.any_seq(after + 1, lx.OF_MONTH)
            number = _ORDINAL_NUMBER.match(self.w(after))
            if end > after + 1 and number:
                return end, MonthDay(int(number.group(1)), of_month=True)
            return None
        unit_word = self.w(after)
        unit = lx.UNITS.get(unit_word)
        if unit == "DAILY":
            end = after + 1
            workweek = self.any_seq(end, (("ouvrable",), ("ouvrables",), ("de", "semaine"),
                                          ("de", "la", "semaine")))  # fmt: skip
            if workweek > end:
                return workweek, Repeat("WEEKLY", interval, WORKWEEK)
            return end, Repeat("DAILY", interval)
        if unit is not None:
            end = after + 1
            if unit == "WEEKLY" and self.w(end) in ("on", "le", "les"):
                days = self.weekday_list(end + 1, True)
                if days is not None:
                    return days[0], Repeat("WEEKLY", interval, tuple(days[1]))
            return end, Repeat(unit, interval)
        if (
            unit_word in lx.WORKDAY_WORDS
            or self.seq(after, ("business", "day"))
            or self.seq(after, ("business", "days"))
        ):
            end = after + (1 if unit_word in lx.WORKDAY_WORDS else 2)
            return end, Repeat("WEEKLY", interval, WORKWEEK)
        days = self.weekday_list(after, True)
        if days is not None:
            return days[0], Repeat("WEEKLY", interval, tuple(days[1]))
        return None

    def m_adverb(self, i: int) -> Match:
        found = lx.ADVERBS.get(self.w(i))
        if found is None:
            return None
        return i + 1, Repeat(found[0], found[1])

    def m_one_in(self, i: int) -> Match:
        """ "un jeudi sur deux", "une semaine sur trois"."""
        if self.w(i) not in ("un", "une"):
            return None
        day = self.weekday(i + 1, True)
        unit = lx.UNITS.get(self.w(i + 1))
        end = day[0] if day else i + 2
        if (day is None and unit is None) or self.w(end) != "sur":
            return None
        amount = _amount(self.w(end + 1))
        if amount is None:
            return None
        if day is not None:
            return end + 2, Repeat("WEEKLY", amount, (day[1],))
        assert unit is not None
        return end + 2, Repeat(unit, amount)

    def m_workweek(self, i: int) -> Match:
        """ "weekdays", "on weekdays", "en semaine", "du lundi au vendredi",
        "Monday to Friday"."""
        word = self.w(i)
        if word in ("weekdays", "workdays"):
            return i + 1, Repeat("WEEKLY", 1, WORKWEEK)
        if self.seq(i, ("en", "semaine")):
            return i + 2, Repeat("WEEKLY", 1, WORKWEEK)
        end = self.any_seq(i, (("jours", "ouvrables"), ("les", "jours", "ouvrables"),
                               ("les", "jours", "de", "semaine")))  # fmt: skip
        if end > i:
            return end, Repeat("WEEKLY", 1, WORKWEEK)
        start = i + 1 if word in lx.FROM else i
        first = self.weekday(start, True)
        if first is None or first[0] >= len(self.tokens):
            return None
        if self.w(first[0]) not in ("to", "through", "thru", "-", "–", "au", "a", "until"):
            return None
        last = self.weekday(first[0] + 1, True)
        if last is None:
            return None
        a, b = WEEKDAYS.index(first[1]), WEEKDAYS.index(last[1])
        if b <= a:
            return None
        return last[0], Repeat("WEEKLY", 1, WEEKDAYS[a : b + 1])

    def m_weekdays(self, i: int) -> Match:
        lead = i + 1 if self.w(i) == "les" else i
        days = self.weekday_list(lead)
        if days is None:
            return None
        end, codes, plural = days
        return end, Weekdays(tuple(codes), plural=plural or lead > i)

    def m_nth(self, i: int) -> Match:
        """ "first Monday of the month", "le dernier vendredi du mois", "the last day"."""
        ordinal = _ordinal(self.w(i))
        if ordinal is None:
            return None
        end = self.any_seq(i, lx.LAST_DAY)
        if end > i:
            of_month = self.any_seq(end, lx.OF_MONTH)
            return max(of_month, end), MonthDay(-1, of_month=of_month > end)
        day = self.weekday(i + 1, True)
        if day is None:
            return None
        end = day[0]
        of_month = self.any_seq(end, lx.OF_MONTH)
        return max(of_month, end), NthWeekday(ordinal, day[1], of_month=of_month > end)

    def m_month_day(self, i: int) -> Match:
        """ "the 15th", "le 15", "15th of each month", "le 15 de chaque mois"."""
        word = self.w(i)
        lead = i
        if word in ("the", "le"):
            lead = i + 1
        number = _DAY_NUMBER.match(self.w(lead))
        if number is None or (lead == i and not number.group(2)):
            return None
        if lead > i and word == "the" and not number.group(2):
            return None
        following = self.w(lead + 1)
        if following in ("h", ":") or _AMPM.match(following) or following in lx.MONTHS:
            return None
        day = int(number.group(1))
        if not 1 <= day <= 31:
            return None
        end = lead + 1
        of_month = self.any_seq(end, lx.OF_MONTH)
        return max(of_month, end), MonthDay(day, of_month=of_month > end)

    def m_skip(self, i: int) -> Match:
        end = self.any_seq(i, lx.SKIP_SHORT)
        return (end, SkipShort()) if end > i else None

    def m_zone(self, i: int) -> Match:
        word = self.w(i)
        if word in ("utc", "gmt"):
            return i + 1, Zone("UTC")
        if "/" in word and re.fullmatch(r"[a-z_]+(?:/[a-z_\-]+)+", word):
            name = _zones().get(word)
            if name is None:
                raise UserError(_NOT_A_ZONE, zone=self.tokens[i].raw[:60])
            return i + 1, Zone(name)
        return None

    matchers: tuple[Callable[[Phrases, int], Match], ...] = (
        m_time, m_length, m_until, m_period, m_count, m_day, m_every, m_adverb, m_one_in,
        m_workweek, m_weekdays, m_nth, m_month_day, m_skip, m_zone,
    )  # fmt: skip


_FILLERS = {"at", "a", "@", "on", "the", "le", "la", "les", ",", "starting", "beginning"}
_LENGTHS = {"minutes", "minute", "min", "mins", "hours", "hour", "heures", "heure", "times",
            "fois"}  # fmt: skip


def _zones() -> dict[str, str]:
    global _ZONES
    if not _ZONES:
        _ZONES = {name.lower(): name for name in available_timezones()}
    return _ZONES


_ZONES: dict[str, str] = {}


def _amount(word: str) -> int | None:
    if re.fullmatch(r"\d{1,3}", word):
        return int(word)
    return lx.NUMBERS.get(word)


def _ordinal(word: str) -> int | None:
    if word in lx.ORDINALS:
        return lx.ORDINALS[word]
    return None


def _hours(hour: int, minute: int, ampm: str | None, tokens: list[Token]) -> tuple[int, int]:
    text = " ".join(token.raw for token in tokens)
    if ampm:
        if not 1 <= hour <= 12:
            raise UserError(_NOT_A_TIME,
                            time=text[:40])  # fmt: skip
        hour = hour % 12 + (12 if ampm.startswith("p") else 0)
    if hour > 23 or minute > 59:
        raise UserError(_NOT_A_TIME,
                        time=text[:40])  # fmt: skip
    return hour, minute


def _inherit(hour: int, minute: int, hour2: int, minute2: int, ampm2: str) -> str | None:
    """ "3 to 4:30pm": the start takes the end's pm when that keeps it before the end."""
    end = hour2 % 12 + (12 if ampm2.startswith("p") else 0)
    same = hour % 12 + (12 if ampm2.startswith("p") else 0)
    return ampm2 if (same, minute) < (end, minute2) else None


def _checked(year: int | None, month: int, day: int, raw: str) -> Day:
    try:
        date(year or 2028, month, day)  # 2028 is a leap year: February 29 exists
    except ValueError as error:
        raise UserError(_NOT_A_DATE, date=raw[:40]) from error
    return Day(year, month, day)


def _numeric(match: re.Match[str], raw: str) -> Day:
    a, b = int(match.group(1)), int(match.group(2))
    year_text = match.group(3)
    year = None if year_text is None else int(year_text) + (2000 if len(year_text) == 2 else 0)
    if a > 12 and b <= 12:
        return _checked(year, b, a, raw)
    if b > 12 and a <= 12:
        return _checked(year, a, b, raw)
    if a == b or a > 12:
        return _checked(year, b, a, raw)
    # both read: day first and month first
    first = _checked(year, b, a, raw)
    return Day(year, b, a, other=(a, b)) if first else first
