"""Saying a time back, in English or French, in words the grammar reads again: for every
rule r, ``read(describe(r, at, lang))`` gives r back. Day, month and time formats are
CLDR's (Babel); the grammar words (every, chaque, un … sur deux) are ours."""

from __future__ import annotations

from datetime import date, datetime, time

from babel import Locale
from babel.dates import format_date, format_time, get_day_names
from babel.lists import format_list

from bot.kernel.timewords.lexicon import ORDINAL_WORDS
from bot.kernel.timewords.model import WEEKDAYS, Rule

# French as written in Canada: "15 h 00" (CLDR fr_CA), which the grammar reads back
_LOCALES = {"en": "en", "fr": "fr_CA"}
_SUFFIX = {"one": "st", "two": "nd", "few": "rd", "other": "th"}


def _locale(language: str) -> str:
    return _LOCALES.get(language, "en")


def clock(at: time, language: str) -> str:
    return format_time(at, "short", locale=_locale(language))


def day_text(day: date, language: str) -> str:
    return format_date(day, "long", locale=_locale(language))


def _weekday(code: str, language: str, plural: bool = False) -> str:
    name = get_day_names("wide", locale=_locale(language))[WEEKDAYS.index(code)]
    return name + ("s" if plural else "")


def _days(codes: list[str], language: str) -> str:
    names = [_weekday(code, language) for code in codes]
    return format_list(names, locale=_locale(language))


def _month_day(day: int, language: str) -> str:
    if language == "fr":
        return "1er" if day == 1 else str(day)
    return f"{day}{_SUFFIX[Locale('en').ordinal_form(day)]}"


def _what(rule: Rule, language: str) -> str:
    fr = language == "fr"
    n = rule.interval
    codes = [code for _, code in rule.byday]
    if rule.freq == "DAILY":
        if fr:
            return "tous les jours" if n == 1 else f"tous les {n} jours"
        return "every day" if n == 1 else f"every {n} days"
    if rule.freq == "WEEKLY" and not codes:  # stored by earlier versions: the start's day
        if fr:
            return "chaque semaine" if n == 1 else f"toutes les {n} semaines"
        return "every week" if n == 1 else f"every {n} weeks"
    if rule.freq == "MONTHLY" and not rule.byday and rule.bymonthday is None:
        if fr:
            return "chaque mois" if n == 1 else f"tous les {n} mois"
        return "every month" if n == 1 else f"every {n} months"
    if rule.freq == "WEEKLY":
        if rule.is_workweek:
            return "du lundi au vendredi" if fr else "every weekday"
        days = _days(codes, language)
        if fr:
            if n == 1:
                return f"chaque {days}"
            if n == 2 and len(codes) == 1:
                return f"un {days} sur deux"
            return f"toutes les {n} semaines le {days}"
        if n == 1:
            return f"every {days}"
        if n == 2:
            return f"every other {days}"
        return f"every {n} weeks on {days}"
    if rule.freq == "MONTHLY":
        if rule.byday:
            ordinal, code = rule.byday[0]
            which = f"{ORDINAL_WORDS[language][ordinal]} {_weekday(code, language)}"
            if fr:
                return f"le {which} du mois" if n == 1 else f"tous les {n} mois, le {which}"
            return f"the {which} of every month" if n == 1 else f"every {n} months on the {which}"
        day = rule.bymonthday or 1
        if fr:
            lead = "de chaque mois" if n == 1 else f"tous les {n} mois"
            if day == -1:
                return "le dernier jour du mois" if n == 1 else f"{lead}, le dernier jour"
            short = " (sauf les mois plus courts)" if day > 28 else ""
            text = f"le {_month_day(day, language)} {lead}" if n == 1 else (
                f"{lead}, le {_month_day(day, language)}"
            )  # fmt: skip
            return text + short
        lead = "every month" if n == 1 else f"every {n} months"
        if day == -1:
            return f"{lead} on the last day"
        short = " (skipping shorter months)" if day > 28 else ""
        return f"{lead} on the {_month_day(day, language)}{short}"
    if fr:
        return "chaque année" if n == 1 else f"tous les {n} ans"
    return "every year" if n == 1 else f"every {n} years"


def describe_end(rule: Rule, language: str) -> str:
    if rule.until is not None:
        when = day_text(rule.until, language)
        return f"jusqu'au {when}" if language == "fr" else f"until {when}"
    if rule.count is not None:
        if language == "fr":
            return f"{rule.count} fois"
        return "1 time" if rule.count == 1 else f"{rule.count} times"
    return ""


def describe(rule: Rule, at: time, language: str) -> str:
    """ "every other Thursday at 3:00 PM", "le dernier vendredi du mois à 16 h 00"."""
    joint = "à" if language == "fr" else "at"
    text = f"{_what(rule, language)} {joint} {clock(at, language)}"
    end = describe_end(rule, language)
    return f"{text} {end}" if end else text


def describe_duration(minutes: int, language: str) -> str:
    """ "1 hour 30 minutes", "1 h 30": words the grammar reads back after "for"/"pendant"."""
    hours, rest = divmod(minutes, 60)
    if language == "fr":
        if not hours:
            return f"{rest} min"
        return f"{hours} h {rest:02d}" if rest else f"{hours} h"
    if not hours:
        return f"{rest} minutes"
    hours_text = "1 hour" if hours == 1 else f"{hours} hours"
    return f"{hours_text} {rest} minutes" if rest else hours_text


def describe_day_time(start: datetime, language: str) -> str:
    """ "Tuesday, May 4, 2027 at 3:00 PM", "mardi 4 mai 2027 à 15 h 00"."""
    joint = "à" if language == "fr" else "at"
    day = format_date(start.date(), "full", locale=_locale(language))
    return f"{day} {joint} {clock(start.time(), language)}"


def describe_when(start: datetime, rule: Rule | None, duration: int | None, language: str) -> str:
    """A meeting's time as said back: its repeat (or its day), its time and its length;
    typed back, it reads the same."""
    text = describe(rule, start.time(), language) if rule else describe_day_time(start, language)
    if duration:
        length = describe_duration(duration, language)
        text += f" pendant {length}" if language == "fr" else f" for {length}"
    return text


def describe_repeat(rule: Rule, language: str) -> str:
    """The repeat alone, without its time: "every other Thursday until June 30, 2027"."""
    end = describe_end(rule, language)
    what = _what(rule, language)
    return f"{what} {end}" if end else what
