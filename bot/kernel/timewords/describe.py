"""Saying a time back in the reader's language, in words the grammar reads again: for
every rule r, ``read(describe(r, at, tr))`` gives r back (in English and French, the
languages the grammar reads). Day, month and time formats are CLDR's (Babel); the grammar
words ("every", "chaque", "un … sur deux") are catalog templates, so a new language is a
new ``.po`` file and no code names a language here."""

from __future__ import annotations

from datetime import date, datetime, time

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time, get_day_names
from babel.lists import format_list
from babel.numbers import format_decimal

from bot.kernel.i18n import Translator
from bot.kernel.timewords.model import WEEKDAYS, Rule


def time_locale(tr: Translator) -> Locale:
    """The CLDR locale that writes dates and times for ``tr``'s language. The catalog may
    name a regional variant whose formats the grammar reads back (French says ``fr_CA``:
    "15 h 00"); a missing, mistyped or foreign entry leaves the language's own locale."""
    # Translators: the CLDR locale (such as fr_CA) whose date and time formats to use
    name = tr.pgettext("CLDR locale", "en")
    try:
        chosen = Locale.parse(name)
    except (UnknownLocaleError, ValueError, TypeError):
        return tr.locale
    return chosen if chosen.language == tr.locale.language else tr.locale


def clock(at: time, tr: Translator) -> str:
    return format_time(at, "short", locale=time_locale(tr))


def day_text(day: date, tr: Translator) -> str:
    return format_date(day, "long", locale=time_locale(tr))


def _weekday(code: str, tr: Translator) -> str:
    return get_day_names("wide", locale=time_locale(tr))[WEEKDAYS.index(code)]


def _days(codes: list[str], tr: Translator) -> str:
    return format_list([_weekday(code, tr) for code in codes], locale=time_locale(tr))


def _month_day(day: int, tr: Translator) -> str:
    """ "1st", "22nd" / "1er", "22": CLDR says which ordinal form a number takes in the
    language; the catalog says how each form is written."""
    form = tr.locale.ordinal_form(day)
    if form == "zero":
        return tr.pgettext("day of month, CLDR ordinal zero", "{n}th", n=day)
    if form == "one":
        return tr.pgettext("day of month, CLDR ordinal one", "{n}st", n=day)
    if form == "two":
        return tr.pgettext("day of month, CLDR ordinal two", "{n}nd", n=day)
    if form == "few":
        return tr.pgettext("day of month, CLDR ordinal few", "{n}rd", n=day)
    if form == "many":
        return tr.pgettext("day of month, CLDR ordinal many", "{n}th", n=day)
    return tr.pgettext("day of month, CLDR ordinal other", "{n}th", n=day)


def _ordinal(ordinal: int, tr: Translator) -> str:
    """Which weekday of the month: "first" … "fifth", "last"."""
    if ordinal == 1:
        return tr.pgettext("which weekday of the month", "first")
    if ordinal == 2:
        return tr.pgettext("which weekday of the month", "second")
    if ordinal == 3:
        return tr.pgettext("which weekday of the month", "third")
    if ordinal == 4:
        return tr.pgettext("which weekday of the month", "fourth")
    if ordinal == 5:
        return tr.pgettext("which weekday of the month", "fifth")
    return tr.pgettext("which weekday of the month", "last")


def _weekly(rule: Rule, codes: list[str], tr: Translator) -> str:
    n = rule.interval
    if rule.is_workweek:
        return tr.pgettext("time", "every weekday")
    if n == 1:
        return tr.pgettext("time", "every {days}", days=_days(codes, tr))
    if n == 2 and len(codes) == 1:
        return tr.pgettext("time", "every other {day}", day=_weekday(codes[0], tr))
    if n == 2:
        return tr.pgettext("time", "every other {days}", days=_days(codes, tr))
    days = _days(codes, tr)
    return tr.ngettext("every {n} week on {days}", "every {n} weeks on {days}", n, days=days)


def _monthly(rule: Rule, tr: Translator) -> str:
    n = rule.interval
    if rule.byday:
        ordinal, code = rule.byday[0]
        which = tr.pgettext(
            "time: first Monday", "{ordinal} {weekday}",
            ordinal=_ordinal(ordinal, tr), weekday=_weekday(code, tr),
        )  # fmt: skip
        if n == 1:
            return tr.pgettext("time", "the {which} of every month", which=which)
        return tr.ngettext(
            "every {n} month on the {which}", "every {n} months on the {which}", n, which=which
        )
    day = rule.bymonthday or 1
    if day == -1:
        if n == 1:
            return tr.pgettext("time", "every month on the last day")
        return tr.ngettext("every {n} month on the last day", "every {n} months on the last day", n)
    number = _month_day(day, tr)
    if n == 1:
        text = tr.pgettext("time", "every month on the {day}", day=number)
    else:
        text = tr.ngettext(
            "every {n} month on the {day}", "every {n} months on the {day}", n, day=number
        )
    if day > 28:
        return tr.pgettext("time", "{repeat} (skipping shorter months)", repeat=text)
    return text


def _what(rule: Rule, tr: Translator) -> str:
    n = rule.interval
    codes = [code for _, code in rule.byday]
    if rule.freq == "DAILY":
        if n == 1:
            return tr.pgettext("time", "every day")
        return tr.ngettext("every {n} day", "every {n} days", n)
    if rule.freq == "WEEKLY" and not codes:  # stored by earlier versions: the start's day
        if n == 1:
            return tr.pgettext("time", "every week")
        return tr.ngettext("every {n} week", "every {n} weeks", n)
    if rule.freq == "MONTHLY" and not rule.byday and rule.bymonthday is None:
        if n == 1:
            return tr.pgettext("time", "every month")
        return tr.ngettext("every {n} month", "every {n} months", n)
    if rule.freq == "WEEKLY":
        return _weekly(rule, codes, tr)
    if rule.freq == "MONTHLY":
        return _monthly(rule, tr)
    if n == 1:
        return tr.pgettext("time", "every year")
    return tr.ngettext("every {n} year", "every {n} years", n)


def describe_end(rule: Rule, tr: Translator) -> str:
    if rule.until is not None:
        return tr.pgettext("time", "until {day}", day=day_text(rule.until, tr))
    if rule.count is not None:
        return tr.ngettext("{n} time", "{n} times", rule.count)
    return ""


def _with_end(text: str, rule: Rule, tr: Translator) -> str:
    end = describe_end(rule, tr)
    return tr.pgettext("time", "{repeat} {end}", repeat=text, end=end) if end else text


def describe(rule: Rule, at: time, tr: Translator) -> str:
    """ "every other Thursday at 3:00 PM", "le dernier vendredi du mois à 16 h 00"."""
    text = tr.pgettext("time", "{repeat} at {time}", repeat=_what(rule, tr), time=clock(at, tr))
    return _with_end(text, rule, tr)


def describe_duration(minutes: int, tr: Translator) -> str:
    """ "1 hour 30 minutes", "1 h 30": words the grammar reads back after "for"/"pendant"."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return tr.ngettext("{n} minute", "{n} minutes", rest)
    if not rest:
        return tr.ngettext("{n} hour", "{n} hours", hours)
    # Translators: how minutes after hours are written, as a CLDR number pattern ("00": 05)
    pattern = tr.pgettext("CLDR number pattern", "0")
    try:
        after = format_decimal(rest, format=pattern, locale=tr.locale)
    except (ValueError, TypeError):  # a mistyped pattern: plain digits
        after = str(rest)
    return tr.ngettext(
        "{n} hour {minutes} minutes", "{n} hours {minutes} minutes", hours, minutes=after
    )


def describe_day_time(start: datetime, tr: Translator) -> str:
    """ "Tuesday, May 4, 2027 at 3:00 PM", "mardi 4 mai 2027 à 15 h 00"."""
    day = format_date(start.date(), "full", locale=time_locale(tr))
    return tr.pgettext("time", "{day} at {time}", day=day, time=clock(start.time(), tr))


def describe_when(start: datetime, rule: Rule | None, duration: int | None, tr: Translator) -> str:
    """A meeting's time as said back: its repeat (or its day), its time and its length;
    typed back, it reads the same."""
    text = describe(rule, start.time(), tr) if rule else describe_day_time(start, tr)
    if duration:
        length = describe_duration(duration, tr)
        text = tr.pgettext("time", "{when} for {length}", when=text, length=length)
    return text


def describe_repeat(rule: Rule, tr: Translator) -> str:
    """The repeat alone, without its time: "every other Thursday until June 30, 2027"."""
    return _with_end(_what(rule, tr), rule, tr)
