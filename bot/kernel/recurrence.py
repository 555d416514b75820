"""Meeting times in natural language, recurrences as RFC 5545 RRULEs, and their expansion.

A meeting keeps its local wall-clock start ("2027-05-29T16:30") and its IANA zone; the
recurrence is expanded on that wall clock and each instance is only then placed in its
zone, so a 16:30 meeting stays at 16:30 local across daylight-saving changes and fires
once (not twice) in the repeated hour when clocks fall back.

dateparser reads dates well but times poorly ("tomorrow at 9" came back as 10:00, "mardi
10h" as midnight), and it reads no recurrences at all. So the time of day and weekdays are
read here, dateparser only gets what is left of the date, always with an explicit language.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import dateparser
from dateutil.rrule import rrule, rrulestr

from bot.kernel.errors import UserError
from bot.kernel.i18n import N_

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"

# ---- words --------------------------------------------------------------------------

_WEEKDAYS = {
    "MO": ("monday", "mon", "lundi"),
    "TU": ("tuesday", "tue", "tues", "mardi"),
    "WE": ("wednesday", "wed", "mercredi"),
    "TH": ("thursday", "thu", "thur", "thurs", "jeudi"),
    "FR": ("friday", "fri", "vendredi"),
    "SA": ("saturday", "sat", "samedi"),
    "SU": ("sunday", "sun", "dimanche"),
}
_WEEKDAY_CODE = {word: code for code, words in _WEEKDAYS.items() for word in words}
_WEEKDAY_INDEX = {code: index for index, code in enumerate(_WEEKDAYS)}
_ORDINALS = {
    "first": 1, "1st": 1, "premier": 1, "1er": 1, "1re": 1,
    "second": 2, "2nd": 2, "deuxieme": 2, "2e": 2, "seconde": 2,
    "third": 3, "3rd": 3, "troisieme": 3, "3e": 3,
    "fourth": 4, "4th": 4, "quatrieme": 4, "4e": 4,
    "fifth": 5, "5th": 5, "cinquieme": 5, "5e": 5,
    "last": -1, "dernier": -1,
}  # fmt: skip
_NUMBERS = {
    "other": 2, "two": 2, "deux": 2, "three": 3, "trois": 3, "four": 4, "quatre": 4,
}  # fmt: skip

_EN_DAYS = {code: words[0].capitalize() for code, words in _WEEKDAYS.items()}
_FR_DAYS = {code: words[-1] for code, words in _WEEKDAYS.items()}
_EN_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth"}
_FR_ORDINALS = {1: "premier", 2: "deuxième", 3: "troisième", 4: "quatrième", 5: "cinquième"}

_WD = r"(?:" + "|".join(sorted(_WEEKDAY_CODE, key=len, reverse=True)) + r")s?"
_ORD = r"(?:" + "|".join(sorted(_ORDINALS, key=len, reverse=True)) + r")"
_N = r"(?:\d{1,2}|other|two|three|four|deux|trois|quatre)"
_END = r"(?=\s|$|,)"


def fold(text: str) -> str:
    """Lower case without accents, single spaces: what the phrase matchers read."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.replace("’", "'").split())


# ---- recurrences --------------------------------------------------------------------


@dataclass(frozen=True)
class Recurrence:
    rrule: str  # without DTSTART, e.g. "FREQ=MONTHLY;BYDAY=-1MO"
    consumed: int  # how many characters of the folded text the phrase used


class AmbiguousRecurrence(UserError):
    pass


def _weekdays(text: str) -> str:
    codes: list[str] = []
    for word in re.split(r"\s*(?:,|\band\b|\bet\b)\s*|\s+", text):
        word = word.strip()
        if not word:
            continue
        code = _WEEKDAY_CODE.get(word) or _WEEKDAY_CODE.get(word.rstrip("s"))
        if code and code not in codes:
            codes.append(code)
    return ",".join(sorted(codes, key=_WEEKDAY_INDEX.__getitem__))


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _NUMBERS[text]


def _weekly(interval: int, days: str = "") -> str:
    rule = "FREQ=WEEKLY"
    if interval != 1:
        rule += f";INTERVAL={interval}"
    return rule + (f";BYDAY={days}" if days else "")


def _monthly_by(ordinal: str, weekday: str, interval: int = 1) -> str:
    rule = "FREQ=MONTHLY"
    if interval != 1:
        rule += f";INTERVAL={interval}"
    return rule + f";BYDAY={_ORDINALS[ordinal]}{_weekdays(weekday)}"


_DAYS_LIST = rf"{_WD}(?:\s*(?:,|and|et)\s*{_WD})*"
_MONTH_WORDS = r"(?:month|mois)"
_OF_MONTH = (
    r"(?:of\s+(?:the|each|every)\s+month|of\s+every\s+month|du\s+mois|de\s+chaque\s+mois"
    r"|de\s+tous\s+les\s+mois)"
)

# (pattern, builder) tried at the start of the text; the longest match wins
_RULES: list[tuple[re.Pattern[str], object]] = [
    (re.compile(rf"^(?:every|each)\s+day{_END}|^daily{_END}|^(?:chaque|tous\s+les)\s+jours?{_END}"
                rf"|^quotidien(?:ne)?(?:ment)?{_END}"), lambda m: "FREQ=DAILY"),
    (re.compile(rf"^(?:every|each|on)\s+(?:weekday|work\s*day|business\s+day)s?{_END}"
                rf"|^(?:chaque\s+jour|tous\s+les\s+jours)\s+(?:de\s+semaine|ouvrables?){_END}"
                rf"|^en\s+semaine{_END}"), lambda m: _weekly(1, "MO,TU,WE,TH,FR")),
    (re.compile(rf"^(?:every|each)\s+week{_END}|^weekly{_END}"
                rf"|^(?:chaque\s+semaine|toutes\s+les\s+semaines|hebdomadaire(?:ment)?){_END}"),
     lambda m: _weekly(1)),
    (re.compile(rf"^every\s+(?P<n>{_N})\s+weeks?{_END}|^(?:bi-?weekly|fortnightly){_END}"
                rf"|^toutes\s+les\s+(?P<fn>{_N})\s+semaines{_END}"
                rf"|^aux\s+(?P<an>{_N})\s+semaines{_END}|^une\s+semaine\s+sur\s+(?P<sn>{_N}){_END}"),
     lambda m: _weekly(_number(m["n"] or m["fn"] or m["an"] or m["sn"] or "2"))),
    (re.compile(rf"^(?:(?:every|each)\s+week\s+on|(?:every|each)|on)\s+(?P<d>{_DAYS_LIST}){_END}"
                rf"|^(?:chaque|tous\s+les|toutes\s+les)\s+(?P<fd>{_DAYS_LIST}){_END}"),
     lambda m: _weekly(1, _weekdays(m["d"] or m["fd"]))),
    (re.compile(rf"^every\s+(?P<n>{_N})\s+weeks?\s+on\s+(?P<d>{_DAYS_LIST}){_END}"
                rf"|^every\s+other\s+(?P<od>{_DAYS_LIST}){_END}"
                rf"|^un\s+(?P<fd>{_WD})\s+sur\s+(?P<fn>{_N}){_END}"
                rf"|^toutes\s+les\s+(?P<fn2>{_N})\s+semaines\s+le\s+(?P<fd2>{_DAYS_LIST}){_END}"),
     lambda m: _weekly(
         _number(m["n"] or m["fn"] or m["fn2"] or "2"),
         _weekdays(m["d"] or m["od"] or m["fd"] or m["fd2"]),
     )),
    (re.compile(rf"^(?:every|each)\s+month{_END}|^monthly{_END}"
                rf"|^(?:chaque\s+mois|tous\s+les\s+mois|mensuel(?:le)?(?:ment)?){_END}"),
     lambda m: "FREQ=MONTHLY"),
    (re.compile(rf"^every\s+(?P<n>{_N})\s+months{_END}|^tous\s+les\s+(?P<fn>{_N})\s+mois{_END}"),
     lambda m: f"FREQ=MONTHLY;INTERVAL={_number(m['n'] or m['fn'])}"),
    (re.compile(rf"^(?:(?:every|each)\s+{_MONTH_WORDS}|monthly)\s+on\s+the\s+(?P<o>{_ORD})\s+"
                rf"(?P<d>{_WD}){_END}"
                rf"|^(?:every|each|on\s+the|the)\s+(?P<o2>{_ORD})\s+(?P<d2>{_WD})\s+{_OF_MONTH}{_END}"
                rf"|^(?:chaque\s+mois|tous\s+les\s+mois),?\s+le\s+(?P<fo>{_ORD})\s+(?P<fd>{_WD})"
                rf"{_END}"
                rf"|^(?:chaque\s+|le\s+|tous\s+les\s+)(?P<fo2>{_ORD})s?\s+(?P<fd2>{_WD})\s+"
                rf"{_OF_MONTH}{_END}"),
     lambda m: _monthly_by(
         m["o"] or m["o2"] or m["fo"] or m["fo2"], m["d"] or m["d2"] or m["fd"] or m["fd2"]
     )),
    (re.compile(rf"^(?:every|each)\s+year{_END}|^(?:yearly|annually){_END}"
                rf"|^(?:chaque\s+annee|tous\s+les\s+ans|annuellement){_END}"),
     lambda m: "FREQ=YEARLY"),
]  # fmt: skip

# "every 2nd Tuesday": the second Tuesday of each month, or every other Tuesday?
_AMBIGUOUS = re.compile(
    rf"^(?:every|each)\s+(?P<o>{_ORD})\s+(?P<d>{_WD}){_END}"
    rf"|^(?:chaque|tous\s+les)\s+(?P<fo>{_ORD})s?\s+(?P<fd>{_WD}){_END}"
)
_COUNT = re.compile(r"^,?\s*(?:for\s+)?(?P<n>\d{1,3})\s+(?:times|occurrences|fois)" + _END)
_UNTIL = re.compile(r"^,?\s*(?:until|jusqu'au|jusqu'a)\s+(?P<d>\d{4}-\d{2}-\d{2})" + _END)

RECURRENCE_WORDS = (
    "every", "each", "daily", "weekly", "monthly", "biweekly", "fortnightly", "yearly",
    "annually", "chaque", "tous", "toutes", "aux", "une", "un", "quotidien", "quotidienne",
    "hebdomadaire", "mensuel", "mensuelle", "annuellement", "en",
)  # fmt: skip


def parse_recurrence(text: str) -> Recurrence | None:
    """Read a recurrence phrase at the start of ``text`` (English or French).

    Returns None when the text does not start with one; raises ``UserError`` for a
    phrase that is ambiguous ("every 2nd Tuesday") or that starts like a recurrence but
    makes no sense ("every blue moon")."""
    folded = fold(text)
    best: tuple[int, str] | None = None
    for pattern, build in _RULES:
        match = pattern.match(folded)
        if match and (best is None or match.end() > best[0]):
            best = (match.end(), build(match))  # type: ignore[operator]
    ambiguous = _AMBIGUOUS.match(folded)
    if ambiguous and (best is None or ambiguous.end() >= best[0]):
        ordinal = ambiguous["o"] or ambiguous["fo"]
        weekday = ambiguous["d"] or ambiguous["fd"]
        number = _ORDINALS[ordinal]
        if number == -1:
            # "every last Monday" can only mean the last Monday of each month
            best = (ambiguous.end(), _monthly_by(ordinal, weekday))
        else:
            code = _weekdays(weekday)
            raise AmbiguousRecurrence(
                N_(
                    "“{phrase}” can mean two things. Write “{monthly}” for that "
                    "day of each month, or “{biweekly}” to repeat every few "
                    "weeks."
                ),
                phrase=text[: ambiguous.end()].strip(),
                monthly_en=f"every month on the {_EN_ORDINALS[number]} {_EN_DAYS[code]}",
                biweekly_en=f"every {number} weeks on {_EN_DAYS[code]}",
                monthly_fr=f"chaque mois le {_FR_ORDINALS[number]} {_FR_DAYS[code]}",
                biweekly_fr=f"toutes les {number} semaines le {_FR_DAYS[code]}",
            )
    if best is None:
        first = folded.split(" ", 1)[0] if folded else ""
        if first in ("every", "each", "chaque", "tous", "toutes"):
            raise UserError(
                "I don't understand the repetition “{phrase}”. Try “every "
                "week”, “every 2 weeks”, “every weekday” or “every month on "
                "the last Monday”.",
                phrase=text.strip()[:80],
            )
        return None
    end, rule = best
    rest = folded[end:]
    for extra, name in ((_COUNT, "COUNT"), (_UNTIL, "UNTIL")):
        match = extra.match(rest)
        if match:
            value = match["n"] if name == "COUNT" else match["d"].replace("-", "") + "T235959"
            if name == "COUNT" and int(value) < 1:
                raise UserError(
                    "I don't understand the repetition “{phrase}”. Try “every "
                    "week”, “every 2 weeks”, “every weekday” or “every month on "
                    "the last Monday”.",
                    phrase=text.strip()[:80],
                )
            rule += f";{name}={value}"
            end += match.end()
            rest = folded[end:]
    if re.search(r"INTERVAL=0\b", rule):
        raise UserError(
            "I don't understand the repetition “{phrase}”. Try “every "
            "week”, “every 2 weeks”, “every weekday” or “every month on "
            "the last Monday”.",
            phrase=text.strip()[:80],
        )
    return Recurrence(rule, end)


def validate_rrule(rule: str, start_local: datetime) -> None:
    """Raise ``UserError`` unless ``rule`` is a usable RRULE that has at least one instance."""
    try:
        parsed = rrulestr(rule, dtstart=start_local)
    except (ValueError, TypeError) as error:
        raise UserError(
            "I don't understand the repetition “{phrase}”. Try “every "
            "week”, “every 2 weeks”, “every weekday” or “every month on "
            "the last Monday”.",
            phrase=rule,
        ) from error
    if not isinstance(parsed, rrule) or parsed.after(start_local, inc=True) is None:
        raise UserError("The repetition “{phrase}” never happens after the start.", phrase=rule)


def first_local_instance(rule: str, start_local: datetime) -> datetime:
    """The rule's first wall-clock instance at or after ``start_local`` (naive). dateutil
    skips a DTSTART that doesn't match the rule, RFC 5545 counts it: starting the series
    on a real instance makes both agree."""
    parsed = rrulestr(rule, dtstart=start_local)
    assert isinstance(parsed, rrule)
    found = parsed.after(start_local, inc=True)
    if found is None:
        raise UserError("The repetition “{phrase}” never happens after the start.", phrase=rule)
    return found


# ---- expansion ----------------------------------------------------------------------


def local_start(start_local: str) -> datetime:
    return datetime.strptime(start_local, LOCAL_FORMAT)


def place(local: datetime, zone: str) -> datetime:
    """A wall-clock time in ``zone`` as a UTC instant (a time in the spring-forward gap
    moves forward, one in the repeated hour takes its first pass)."""
    aware = local.replace(tzinfo=ZoneInfo(zone), fold=0)
    # round-trip so a non-existent wall time (02:30 on spring-forward day) becomes real
    return aware.astimezone(UTC).replace(second=0, microsecond=0)


def instants_between(
    start_local: str, zone: str, rule: str | None, start: datetime, end: datetime
) -> list[datetime]:
    """Every instance (UTC) of a meeting in [start, end)."""
    first = local_start(start_local)
    if not rule:
        instant = place(first, zone)
        return [instant] if start <= instant < end else []
    tz = ZoneInfo(zone)
    # expand on the naive wall clock with a day of slack each side (no zone is more than
    # 14 hours from UTC), then place each instance in its zone and keep the exact window
    low = start.astimezone(tz).replace(tzinfo=None) - timedelta(days=1)
    high = end.astimezone(tz).replace(tzinfo=None) + timedelta(days=1)
    series = rrulestr(rule, dtstart=first)
    found = []
    for local in series.between(max(low, first - timedelta(seconds=1)), high, inc=True):
        instant = place(local, zone)
        if start <= instant < end:
            found.append(instant)
    return found


def next_instant(start_local: str, zone: str, rule: str | None, after: datetime) -> datetime | None:
    """The first instance at or after ``after``, or None when the series is over."""
    first = local_start(start_local)
    if not rule:
        instant = place(first, zone)
        return instant if instant >= after else None
    series = rrulestr(rule, dtstart=first)
    probe = max(after.astimezone(ZoneInfo(zone)).replace(tzinfo=None) - timedelta(days=1), first)
    for local in series.xafter(probe, count=400, inc=True):
        instant = place(local, zone)
        if instant >= after:
            return instant
    return None


def describe(rule: str) -> dict[str, str]:
    """The parts of an RRULE, for describing it back to the member."""
    return dict(part.split("=", 1) for part in rule.split(";") if "=" in part)


# ---- one point in time --------------------------------------------------------------

_RELATIVE = re.compile(
    r"^(?:in|dans)\s+(?P<n>\d{1,4})\s*(?P<u>minutes?|mins?|m|hours?|hrs?|h|heures?|days?|jours?|j)$"
)
_TIME_PATTERNS = (
    # 16:30, 4:30pm, 4:30 p.m.
    re.compile(r"(?<![\d:])(?P<h>\d{1,2}):(?P<m>\d{2})\s*(?P<ap>a\.?m\.?|p\.?m\.?)?(?![\d:])"),
    # 16h, 16h30, 16 h 30
    re.compile(r"(?<![\d:])(?P<h>\d{1,2})\s*h\s*(?P<m>\d{2})?(?![\w])"),
    # 4pm, 4 pm
    re.compile(r"(?<![\d:])(?P<h>\d{1,2})\s*(?P<ap>a\.?m\.?|p\.?m\.?)(?!\w)"),
    # "at 9", "à 9": a bare hour needs the word in front of it
    re.compile(r"(?:\bat|(?<!\w)a)\s+(?P<h>\d{1,2})(?![\d:/\-.])"),
)
_NOON = re.compile(r"\b(?:noon|midday|midi)\b")
_FILLER = re.compile(r"(?:^|\s)(?:at|a|on|le|,|the)(?=\s|$)")
_TODAY = ("today", "aujourd'hui", "aujourd hui", "tonight", "ce soir")
_TOMORROW = ("tomorrow", "demain")
_NEXT = ("next", "prochain", "prochaine")
_THIS = ("this", "ce", "cette")


def _take_time(text: str) -> tuple[time | None, str]:
    noon = _NOON.search(text)
    if noon:
        return time(12, 0), (text[: noon.start()] + " " + text[noon.end() :]).strip()
    for pattern in _TIME_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        hour = int(match["h"])
        minute = int(match.groupdict().get("m") or 0)
        ampm = (match.groupdict().get("ap") or "").replace(".", "")
        if ampm:
            if not 1 <= hour <= 12:
                return None, text
            hour = hour % 12 + (12 if ampm == "pm" else 0)
        if hour > 23 or minute > 59:
            return None, text
        rest = (text[: match.start()] + " " + text[match.end() :]).strip()
        return time(hour, minute), rest
    return None, text


def _day(text: str, language: str, today: date, at: time, now_local: datetime) -> date | None:
    words = [w for w in _FILLER.sub(" ", text).split() if w]
    phrase = " ".join(words)
    if not phrase:
        # only a time: its next occurrence (today, or tomorrow once it has passed)
        return today if datetime.combine(today, at) > now_local else today + timedelta(days=1)
    if phrase in _TODAY:
        return today
    if phrase in _TOMORROW:
        return today + timedelta(days=1)
    if phrase in ("apres-demain", "apres demain", "day after tomorrow"):
        return today + timedelta(days=2)
    weekday_words = [w for w in words if w not in _NEXT + _THIS]
    if len(weekday_words) == 1 and weekday_words[0] in _WEEKDAY_CODE and len(words) <= 2:
        target = _WEEKDAY_INDEX[_WEEKDAY_CODE[weekday_words[0]]]
        ahead = (target - today.weekday()) % 7
        if ahead == 0 and (
            any(w in _NEXT for w in words) or datetime.combine(today, at) <= now_local
        ):
            ahead = 7
        return today + timedelta(days=ahead)
    parsed = dateparser.parse(
        phrase,
        languages=[language],
        settings={
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": now_local.replace(tzinfo=None),
            "REQUIRE_PARTS": ["day", "month"],
        },
    )
    return parsed.date() if parsed else None


def parse_day(text: str, language: str, now_local: datetime) -> date | None:
    """A day named by a member ("2027-05-29", "May 29", "next Monday", "demain"), read
    relative to ``now_local`` (naive, their wall clock); None when it isn't one."""
    folded = fold(text)
    if not folded:
        return None
    return _day(folded, language, now_local.date(), time(23, 59), now_local)


def parse_when(text: str, zone: str, language: str, now: datetime) -> datetime:
    """A meeting time typed by a member, read in their zone and language; an aware
    datetime in ``zone``. Raises ``UserError`` when it can't be read or is not ahead."""
    tz = ZoneInfo(zone)
    now_local = now.astimezone(tz)
    folded = fold(text)
    if not folded:
        raise UserError(
            "I couldn't read “{text}” as a time. Try “next Monday "
            "4:30pm”, “tomorrow 9am” or “2027-05-29 16:30”.",
            text=text,
        )
    relative = _RELATIVE.match(folded)
    if relative:
        amount, unit = int(relative["n"]), relative["u"][0]
        delta = {"m": timedelta(minutes=amount), "h": timedelta(hours=amount)}.get(
            unit, timedelta(days=amount)
        )
        instant = (now + delta).replace(second=0, microsecond=0)
        if instant <= now:  # "in 0 minutes"
            local = instant.astimezone(tz)
            raise UserError(
                "{when} ({zone}) has already passed. Give a time in the future.",
                when=local.strftime("%Y-%m-%d %H:%M"),
                zone=zone,
            )
        return instant.astimezone(tz)
    at, rest = _take_time(folded)
    if at is None:
        if _day(folded, language, now_local.date(), time(0), now_local.replace(tzinfo=None)):
            raise UserError(
                "“{text}” has a day but no time of day. Add one, e.g. “{text} 4:30pm”.", text=text
            )
        raise UserError(
            "I couldn't read “{text}” as a time. Try “next Monday "
            "4:30pm”, “tomorrow 9am” or “2027-05-29 16:30”.",
            text=text,
        )
    day = _day(rest, language, now_local.date(), at, now_local.replace(tzinfo=None))
    if day is None:
        raise UserError(
            "I couldn't read “{text}” as a time. Try “next Monday "
            "4:30pm”, “tomorrow 9am” or “2027-05-29 16:30”.",
            text=text,
        )
    local = datetime.combine(day, at)
    instant = place(local, zone)
    if instant <= now:
        raise UserError(
            "{when} ({zone}) has already passed. Give a time in the future.",
            when=local.strftime("%Y-%m-%d %H:%M"),
            zone=zone,
        )
    return instant.astimezone(tz)
