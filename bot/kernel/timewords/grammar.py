"""What the phrases of time mean together: one start, one length, one repeat.

``read`` gives a ``Reading`` when the text says one thing, a ``Question`` when it says two
(a numeric date both ways, "every 2nd Tuesday", a 31st each month, a time word left
unused) and raises ``UserError`` when it says nothing sensible. It never guesses: a phrase
of time that does not fit (a second time, a stray weekday, "weekly" beside "every
Tuesday") is asked about rather than dropped into the title.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil import rrule as du

import bot.kernel.timewords.lexicon as lx
from bot.kernel.errors import UserError
from bot.kernel.i18n import N_
from bot.kernel.timewords.model import WEEKDAYS, Option, Question, Reading, Rule
from bot.kernel.timewords.phrases import (
    Ambiguous,
    Clock,
    Count,
    Day,
    Fact,
    Found,
    Length,
    MonthDay,
    NthWeekday,
    Period,
    Phrases,
    Relative,
    Repeat,
    SkipShort,
    Until,
    Weekdays,
    Zone,
)
from bot.kernel.timewords.tokens import Token, join, quote, tokenize

MAX_TEXT = 1000
MAX_INTERVAL = 52
MAX_COUNT = 500
MAX_PERIOD = 520
MAX_MINUTES = 24 * 60
EXAMPLES = N_(
    "Examples: “every Tuesday at 12:30”, “tomorrow 3pm to 4:30pm”, “chaque mardi à 12 h 30”, "
    "“le premier lundi du mois à 9 h”."
)
_TIMELIKE = re.compile(
    r"^(?:\d{1,2}(?::\d{2})?(?:am|pm|a\.m\.?|p\.m\.?)|\d{1,2}:\d{2}|\d{1,2}h\d{0,2}"
    r"|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?)$"
)
_TIMELIKE_WORDS = (
    set(lx.WEEKDAY_FULL) | set(lx.ADVERBS) | lx.NOON | lx.MIDNIGHT | lx.EVERY
    | {"today", "tonight", "tomorrow", "demain", "aujourd'hui", "apres-demain", "weekdays"}
)  # fmt: skip


@dataclass
class _Slots:
    """What the text said, phrase by phrase; a phrase that says again what a slot holds
    is kept aside as unused (and asked about)."""

    clock: Clock | None = None
    length: Length | None = None
    day: Day | Relative | Weekdays | None = None
    repeat: Repeat | None = None
    days: Weekdays | None = None  # bare or plural weekdays
    nth: NthWeekday | None = None
    month_day: MonthDay | None = None
    end: Until | Period | Count | None = None
    skip: bool = False
    zone: str | None = None
    ambiguous: list[tuple[Found, Ambiguous]] = field(default_factory=list)
    numeric: list[tuple[Found, Day]] = field(default_factory=list)
    stray: list[tuple[int, int]] = field(default_factory=list)
    spans: dict[str, Found] = field(default_factory=dict)

    def put(self, name: str, found: Found, value: Fact) -> None:
        if getattr(self, name) is not None:
            self.stray.append((found.start, found.end))
            return
        setattr(self, name, value)
        self.spans[name] = found


def _collect(tokens: list[Token]) -> tuple[_Slots, list[int]]:
    found, unused = Phrases(tokens).find()
    slots = _Slots()
    for item in found:
        fact = item.fact
        if isinstance(fact, Day) and fact.other is not None:
            slots.numeric.append((item, fact))
        if isinstance(fact, Until) and fact.day.other is not None:
            slots.numeric.append((item, fact.day))
        if isinstance(fact, Clock):
            slots.put("clock", item, fact)
        elif isinstance(fact, Length):
            slots.put("length", item, fact)
        elif isinstance(fact, Day | Relative):
            slots.put("day", item, fact)
        elif isinstance(fact, Weekdays):
            slots.put("day" if fact.upcoming else "days", item, fact)
        elif isinstance(fact, Repeat):
            slots.put("repeat", item, fact)
        elif isinstance(fact, NthWeekday):
            slots.put("nth", item, fact)
        elif isinstance(fact, MonthDay):
            slots.put("month_day", item, fact)
        elif isinstance(fact, Until | Period | Count):
            slots.put("end", item, fact)
        elif isinstance(fact, Ambiguous):
            slots.ambiguous.append((item, fact))
        elif isinstance(fact, SkipShort):
            slots.skip = True
        elif isinstance(fact, Zone):
            if slots.zone is not None:
                slots.stray.append((item.start, item.end))
            slots.zone = fact.name
    for position in unused:
        token = tokens[position]
        if not token.literal and (token.norm in _TIMELIKE_WORDS or _TIMELIKE.match(token.norm)):
            slots.stray.append((position, position + 1))
    return slots, unused


def _rest(tokens: list[Token], unused: list[int]) -> tuple[str, ...]:
    """Unused tokens in runs; a run breaks where a time phrase stood."""
    runs: list[list[Token]] = []
    previous = -2
    for position in unused:
        if position != previous + 1 or not runs:
            runs.append([])
        runs[-1].append(tokens[position])
        previous = position
    texts = []
    for run in runs:
        words = [t for t in run if t.literal or t.norm != ","]
        if words:
            texts.append(join(words))
    return tuple(texts)


def _mark_redundant(tokens: list[Token], slots: _Slots) -> None:
    """Time words the reading does not need are set aside to be asked about, never dropped:
    "the last Monday of the month Monthly chat", "Last Friday review tomorrow 3pm",
    "tomorrow 3pm Tuesday"."""
    adverb = slots.spans.get("repeat")
    if (
        adverb is not None
        and adverb.end - adverb.start == 1
        and tokens[adverb.start].norm in lx.ADVERBS
        and (
            (slots.nth is not None and slots.nth.of_month)
            or (slots.month_day is not None and slots.month_day.of_month)
            or (slots.days is not None and slots.days.plural)
        )
    ):  # "the last Monday of the month Monthly chat": "Monthly" says nothing more; ask
        slots.stray.append((adverb.start, adverb.end))
    if slots.repeat is None:
        # "Last Friday review tomorrow 3pm": an ordinal day with nothing that repeats it
        for name in ("nth", "month_day"):
            fact = getattr(slots, name)
            if fact is not None and not fact.of_month and (name == "nth" or fact.day < 0):
                found = slots.spans[name]
                slots.stray.append((found.start, found.end))
    if (
        slots.repeat is None and slots.day is not None and slots.days is not None
        and not slots.days.plural and len(slots.days.codes) == 1
    ):  # fmt: skip
        found = slots.spans["days"]
        slots.stray.append((found.start, found.end))  # "tomorrow 3pm Tuesday"


# ---- questions -------------------------------------------------------------------------


def _replace(tokens: list[Token], start: int, end: int, text: str) -> str:
    return join([*tokens[:start], Token(text, ""), *tokens[end:]]).strip()


def _quoted_tokens(tokens: list[Token]) -> list[Token]:
    return [Token(quote(t.raw), "") if t.literal else t for t in tokens]


def _question(tokens: list[Token], slots: _Slots, today: date) -> Question | None:
    shown = _quoted_tokens(tokens)
    for item, day in slots.numeric:
        assert day.other is not None
        readings = [(day.month, day.day), day.other]
        options = []
        for month, number in readings:
            year = day.year or _next_year(today, month, number)
            iso = f"{year:04d}-{month:02d}-{number:02d}"
            start = item.end - 1  # the date is the phrase's last token
            options.append(Option("{date}", _replace(shown, start, item.end, iso), {"date": iso}))
        raw = tokens[item.end - 1].raw
        return Question(
            N_("“{phrase}” is a date that reads two ways. Which one do you mean?"),
            tuple(options),
            {"phrase": raw},
        )
    for item, ambiguous in slots.ambiguous:
        ordinal = lx.ORDINAL_WORDS[ambiguous.ordinal]
        english = next(n for n, c in lx.WEEKDAY_FULL.items() if c == ambiguous.code)
        monthly = f"the {ordinal} {english} of every month"
        weekly = f"every {ambiguous.ordinal} weeks on {english}"
        return Question(
            N_("“{phrase}” can mean two things. Which one?"),
            (
                Option("", _replace(shown, item.start, item.end, monthly)),
                Option("", _replace(shown, item.start, item.end, weekly)),
            ),
            {"phrase": join(tokens[item.start : item.end])},
        )
    if slots.stray:
        start, end = sorted(slots.stray)[0]
        phrase = join(tokens[start:end])
        return Question(
            N_("I didn't use “{phrase}” for the time. Is it part of the title?"),
            (
                Option(
                    N_("Yes, “{phrase}” is part of the title"),
                    _replace(shown, start, end, quote(phrase)),
                    {"phrase": phrase},
                ),
                Option(N_("No, leave it out"), _replace(shown, start, end, "")),
            ),
            {"phrase": phrase},
        )
    return None


def _month_day_question(tokens: list[Token], slots: _Slots, day: int) -> Question:
    shown = _quoted_tokens(tokens)
    found = slots.spans.get("month_day") or slots.spans.get("repeat") or slots.spans.get("day")
    end = found.end if found else len(shown)
    if slots.month_day is None or found is None:
        last = _replace(shown, end, end, "on the last day")
    else:
        words = "the last day of the month" if slots.month_day.of_month else "on the last day"
        last = _replace(shown, found.start, found.end, words)
    skip = _replace(shown, end, end, "skipping shorter months")
    return Question(
        N_("Some months have no day {day}. Use the last day of those months, or skip them?"),
        (Option("", last), Option("", skip)),
        {"day": str(day)},
    )


# ---- reading -----------------------------------------------------------------------------


def read(text: str, now: datetime, zone: str) -> Reading | Question:
    """The time in ``text`` (either language), read in ``zone`` relative to ``now``."""
    if len(text) > MAX_TEXT:
        raise UserError(N_("That is too long to read as a time ({limit} characters at most)."),
                        limit=MAX_TEXT)  # fmt: skip
    tokens = tokenize(text)
    slots, unused = _collect(tokens)
    _mark_redundant(tokens, slots)
    zone = slots.zone or zone
    tz = ZoneInfo(zone)
    now_local = now.astimezone(tz).replace(tzinfo=None)
    asked = _question(tokens, slots, now_local.date())
    if asked is not None:
        return asked
    rule = _rule(slots)
    start, rule = _start(slots, rule, now, now_local, tz)
    if rule is not None:
        day = rule.bymonthday
        if day is not None and day > 28 and not slots.skip:
            return _month_day_question(tokens, slots, day)
        rule = _with_end(slots, rule, start.date())
        _check_series(rule, start)
    elif slots.end is not None:
        raise UserError(N_("“until”, “for 6 weeks” or “10 times” need a repeat, e.g. “every "
                           "Tuesday at 12:30 until June 30”."))  # fmt: skip
    dated = slots.day is not None or (
        rule is None and (slots.days is not None or slots.month_day is not None)
    )
    return Reading(
        start=start,
        zone=zone,
        rule=rule,
        duration=_duration(slots),
        rest=_rest(tokens, unused),
        dated=dated or rule is not None,
    )


def read_day(text: str, now: datetime, zone: str) -> date | Question:
    """A day alone ("2027-05-31", "May 31", "mardi prochain", "demain"), as for cancelling
    one occurrence; a time of day beside it is allowed and not used."""
    if len(text) > MAX_TEXT:
        raise UserError(N_("That is too long to read as a time ({limit} characters at most)."),
                        limit=MAX_TEXT)  # fmt: skip
    tokens = tokenize(text)
    slots, unused = _collect(tokens)
    today = now.astimezone(ZoneInfo(slots.zone or zone)).date()
    asked = _question(tokens, replace(slots, stray=[], ambiguous=[]), today)
    if asked is not None:
        return asked
    words = [tokens[i] for i in unused if tokens[i].norm not in (",", "the", "le", "on")]
    if words or slots.repeat or slots.nth or slots.end or slots.length or slots.stray:
        raise UserError(N_("I couldn't read “{text}” as a day. Use e.g. “2027-05-29”, “May 29” "
                           "or “29 mai”."), text=text[:60])  # fmt: skip
    day = slots.day
    if day is None and slots.days is not None and len(slots.days.codes) == 1:
        day = Weekdays(slots.days.codes)
    if day is None and slots.month_day is not None and slots.month_day.day > 0:
        return _next_month_day(today, slots.month_day.day)
    if day is None:
        raise UserError(N_("I couldn't read “{text}” as a day. Use e.g. “2027-05-29”, “May 29” "
                           "or “29 mai”."), text=text[:60])  # fmt: skip
    return _resolve_day(day, today)


# ---- the repeat ---------------------------------------------------------------------------


def _rule(slots: _Slots) -> Rule | None:
    repeat = slots.repeat
    days = slots.days
    if repeat is None:
        if days is not None and (days.plural or len(days.codes) > 1):
            repeat, days = Repeat("WEEKLY", 1, days.codes), None
        elif (slots.nth is not None and slots.nth.of_month) or (
            slots.month_day is not None and slots.month_day.of_month
        ):
            repeat = Repeat("MONTHLY")
        else:
            if slots.nth is not None or (slots.month_day and slots.month_day.day < 0):
                raise UserError(N_("Say how often, e.g. “the first Monday of every month” or "
                                   "“every month on the last day”."))  # fmt: skip
            return None
    if not 1 <= repeat.interval <= MAX_INTERVAL:
        raise UserError(N_("Repeat at most every {limit} days, weeks or months."),
                        limit=MAX_INTERVAL)  # fmt: skip
    rule = Rule(repeat.freq, repeat.interval)
    if repeat.freq == "WEEKLY":
        codes = set(repeat.codes)
        if days is not None:
            if codes and codes != set(days.codes):
                raise _conflict()
            codes = set(days.codes)
        if slots.nth or slots.month_day:
            raise _conflict()
        ordered = tuple((0, code) for code in WEEKDAYS if code in codes)
        return replace(rule, byday=ordered)
    if days is not None:
        raise _conflict()
    if repeat.freq == "MONTHLY":
        if slots.nth and slots.month_day:
            raise _conflict()
        if slots.nth:
            return replace(rule, byday=((slots.nth.ordinal, slots.nth.code),))
        if slots.month_day:
            return replace(rule, bymonthday=slots.month_day.day)
        return rule
    if slots.nth or slots.month_day:
        raise _conflict()
    return rule


def _conflict() -> UserError:
    return UserError(N_("That time says two different things. {examples}"),
                     examples=EXAMPLES)  # fmt: skip


def _start(
    slots: _Slots, rule: Rule | None, now: datetime, now_local: datetime, tz: ZoneInfo
) -> tuple[datetime, Rule | None]:
    """The local start, and the rule with what the start fixes (a weekly rule's day, a
    monthly rule's day of the month)."""
    if isinstance(slots.day, Relative) and slots.day.instant:
        if slots.clock is not None:
            raise _conflict()
        instant = (now + timedelta(minutes=slots.day.minutes)).astimezone(tz)
        local = instant.replace(tzinfo=None, second=0, microsecond=0)
        _check_future(local, now, tz)
        return local, rule
    if slots.clock is None:
        if slots.day is not None or slots.days is not None or rule is not None:
            raise UserError(N_("At what time? Add a time of day, e.g. “at 12:30”, “3pm” or "
                               "“à 15 h”."))  # fmt: skip
        raise UserError(N_("I couldn't find a time in that. {examples}"), examples=EXAMPLES)
    at = time(slots.clock.hour, slots.clock.minute)
    today = now_local.date()
    day: date | None = None
    if slots.day is not None:
        day = _resolve_day(slots.day, today)
        if (
            isinstance(slots.day, Weekdays)
            and day == today
            and datetime.combine(day, at) <= now_local
        ):
            day += timedelta(days=7)
    elif slots.days is not None and rule is None:
        day = _resolve_day(Weekdays(slots.days.codes), today)
        if day == today and datetime.combine(day, at) <= now_local:
            day += timedelta(days=7)
    elif slots.month_day is not None and rule is None:
        day = _next_month_day(today, slots.month_day.day)
        if day == today and datetime.combine(day, at) <= now_local:
            day = _next_month_day(today + timedelta(days=1), slots.month_day.day)
    if rule is None:
        if day is None:
            day = today if datetime.combine(today, at) > now_local else today + timedelta(days=1)
        local = datetime.combine(day, at)
        _check_future(local, now, tz)
        _check_exists(local, tz)
        return local, None
    if day is not None:
        local = datetime.combine(day, at)
        _check_future(local, now, tz)
        rule = _fill(rule, day)
        return _first(rule, local, local, now, tz), rule
    if rule.freq == "WEEKLY" and not rule.byday:
        raise UserError(N_("Which day of the week? e.g. “every Wednesday at 10:00”."))
    if rule.freq == "MONTHLY" and not rule.byday and rule.bymonthday is None:
        raise UserError(N_("Which day of the month? e.g. “every month on the 15th at noon” or "
                           "“the first Monday of the month at 9am”."))  # fmt: skip
    if rule.freq == "YEARLY":
        raise UserError(N_("Which date each year? e.g. “2027-06-01 9am every year”."))
    # no date given: the first instance after now; a monthly rule counts from the month's start
    anchor = datetime.combine(today.replace(day=1) if rule.freq == "MONTHLY" else today, at)
    return _first(rule, anchor, now_local, now, tz), rule


def _fill(rule: Rule, day: date) -> Rule:
    """What a dated start says that the repeat did not: "next Monday 4:30pm every week" is
    every Monday; "2027-01-31 10:00 every month" is each 31st."""
    if rule.freq == "WEEKLY" and not rule.byday:
        return replace(rule, byday=((0, WEEKDAYS[day.weekday()]),))
    if rule.freq == "MONTHLY" and not rule.byday and rule.bymonthday is None:
        return replace(rule, bymonthday=day.day)
    return rule


def _first(rule: Rule, anchor: datetime, floor: datetime, now: datetime, tz: ZoneInfo) -> datetime:
    """The rule's first instance at or after ``floor`` and after ``now``. The interval is
    left out to find it, so "every other Thursday" starts at the next Thursday and counts
    from there."""
    every = replace(rule, interval=1, until=None, count=None)
    series = _series(every, anchor)
    for local in series.xafter(floor, count=1000, inc=True):
        if _place(local, tz) > now:
            return local
    raise UserError(N_("That repeat never happens after now."))  # pragma: no cover


def _with_end(slots: _Slots, rule: Rule, start: date) -> Rule:
    end = slots.end
    if isinstance(end, Count):
        if not 1 <= end.times <= MAX_COUNT:
            raise UserError(N_("Repeat between 1 and {limit} times."), limit=MAX_COUNT)
        return replace(rule, count=end.times)
    if isinstance(end, Period):
        if not 1 <= end.amount <= MAX_PERIOD:
            raise UserError(N_("A series lasts from 1 to {limit} days, weeks or months."),
                            limit=MAX_PERIOD)  # fmt: skip
        last = _add(start, end.amount, end.unit) - timedelta(days=1)
        return replace(rule, until=last)
    if isinstance(end, Until):
        last = _resolve_day(end.day, start)
        if last < start:
            raise UserError(N_("The repeat ends ({until}) before it starts ({start})."),
                            until=last.isoformat(), start=start.isoformat())  # fmt: skip
        return replace(rule, until=last)
    return rule


def _check_series(rule: Rule, start: datetime) -> None:
    series = _series(rule, start)
    if series.after(start, inc=True) is None:
        raise UserError(N_("That repeat never happens after its start."))


_FREQS = {"DAILY": du.DAILY, "WEEKLY": du.WEEKLY, "MONTHLY": du.MONTHLY, "YEARLY": du.YEARLY}
_WEEKDAY_OBJECTS = dict(
    zip(WEEKDAYS, (du.MO, du.TU, du.WE, du.TH, du.FR, du.SA, du.SU), strict=True)
)


def _series(rule: Rule, start: datetime) -> du.rrule:
    """The rule as a dateutil series on the naive wall clock (built from its fields: reading
    the RRULE text back cost more than the whole grammar)."""
    days = [_WEEKDAY_OBJECTS[code](n) if n else _WEEKDAY_OBJECTS[code] for n, code in rule.byday]
    return du.rrule(
        _FREQS[rule.freq],
        dtstart=start,
        interval=rule.interval,
        byweekday=days or None,
        bymonthday=rule.bymonthday,
        until=datetime.combine(rule.until, time(23, 59, 59)) if rule.until else None,
        count=rule.count,
    )


def _add(day: date, amount: int, unit: str) -> date:
    if unit == "DAILY":
        return day + timedelta(days=amount)
    if unit == "WEEKLY":
        return day + timedelta(weeks=amount)
    month = day.month - 1 + amount
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _duration(slots: _Slots) -> int | None:
    minutes: int | None = None
    if slots.clock is not None and slots.clock.end is not None:
        start = slots.clock.hour * 60 + slots.clock.minute
        end = slots.clock.end[0] * 60 + slots.clock.end[1]
        if end <= start:
            raise UserError(N_("The end ({end}) is not after the start ({start})."),
                            end=f"{slots.clock.end[0]:02d}:{slots.clock.end[1]:02d}",
                            start=f"{slots.clock.hour:02d}:{slots.clock.minute:02d}")  # fmt: skip
        minutes = end - start
    if slots.length is not None:
        if minutes is not None and minutes != slots.length.minutes:
            raise _conflict()
        minutes = slots.length.minutes
    if minutes is not None and not 1 <= minutes <= MAX_MINUTES:
        raise UserError(N_("A length is between 1 minute and 24 hours, e.g. “for 90 minutes” "
                           "or “pendant 1 h 30”."))  # fmt: skip
    return minutes


# ---- days ------------------------------------------------------------------------------


def _resolve_day(fact: Day | Relative | Weekdays, today: date) -> date:
    if isinstance(fact, Relative):
        return today + timedelta(days=fact.days)
    if isinstance(fact, Weekdays):
        ahead = (WEEKDAYS.index(fact.codes[0]) - today.weekday()) % 7
        if ahead == 0 and fact.upcoming:
            ahead = 7
        return today + timedelta(days=ahead)
    year = fact.year or _next_year(today, fact.month, fact.day)
    try:
        found = date(year, fact.month, fact.day)
    except ValueError as error:
        raise UserError(N_("“{date}” is not a date on the calendar."),
                        date=f"{year}-{fact.month:02d}-{fact.day:02d}") from error  # fmt: skip
    if fact.weekday is not None and WEEKDAYS[found.weekday()] != fact.weekday:
        raise UserError(N_("{date} does not fall on the day of the week you wrote."),
                        date=found.isoformat())  # fmt: skip
    return found


def _next_year(today: date, month: int, day: int) -> int:
    for year in range(today.year, today.year + 9):
        try:
            if date(year, month, day) >= today:
                return year
        except ValueError:
            continue
    return today.year  # pragma: no cover - February 29 comes within 8 years


def _next_month_day(today: date, day: int) -> date:
    year, month = today.year, today.month
    for _ in range(14):
        last = calendar.monthrange(year, month)[1]
        number = last if day < 0 else day
        if number <= last:
            found = date(year, month, number)
            if found >= today:
                return found
        month += 1
        if month > 12:
            year, month = year + 1, 1
    raise UserError(N_("“{date}” is not a date on the calendar."), date=str(day))


# ---- instants ---------------------------------------------------------------------------


def _place(local: datetime, tz: ZoneInfo) -> datetime:
    return local.replace(tzinfo=tz, fold=0).astimezone(UTC)


def _check_future(local: datetime, now: datetime, tz: ZoneInfo) -> None:
    if _place(local, tz) <= now:
        raise UserError(N_("{when} ({zone}) has already passed. Give a time in the future."),
                        when=local.strftime("%Y-%m-%d %H:%M"), zone=tz.key)  # fmt: skip


def _check_exists(local: datetime, tz: ZoneInfo) -> None:
    """02:30 on the night clocks spring forward does not exist there: say so."""
    real = _place(local, tz).astimezone(tz).replace(tzinfo=None)
    if real != local:
        raise UserError(N_("{when} does not exist in {zone}: the clocks jump forward that "
                           "night. Pick another time."),
                        when=local.strftime("%Y-%m-%d %H:%M"), zone=tz.key)  # fmt: skip
