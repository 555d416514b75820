"""Cadences for scheduled posts: "weekly wed 10:00", "every 2 weeks monday 9am",
"monthly first tuesday 12:00", "chaque semaine mercredi 10h".

A cadence is stored the way meetings store recurrence: an RFC 5545 RRULE, a local start
("YYYY-MM-DDTHH:MM") and an IANA zone, so a 10:00 prompt stays at 10:00 local across
daylight-saving changes. Expansion goes through dateutil on local wall-clock times and
converts each one to UTC only at the end (one instant per local time, even in the
repeated hour when clocks fall back).

"every 2nd tuesday" could mean every other Tuesday or the second Tuesday of the month:
the parser asks instead of guessing.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.lists import format_list
from dateutil.rrule import rrule, rrulestr

from bot.kernel.errors import UserError
from bot.kernel.i18n import Translator
from bot.kernel.messages import Span, Text, Time
from bot.kernel.recurrence import instants_between, next_instant, place
from data.models import Community, NetworkingSchedule, PromptSchedule

# words that turn a schedule off
OFF_WORDS = ("off", "stop", "none", "arrêt", "arret", "aucun")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_WEEKDAY_WORDS = {
    "MO": ("monday", "mon", "lundi", "lun"),
    "TU": ("tuesday", "tue", "tues", "mardi", "mar"),
    "WE": ("wednesday", "wed", "mercredi", "mer"),
    "TH": ("thursday", "thu", "thurs", "jeudi", "jeu"),
    "FR": ("friday", "fri", "vendredi", "ven"),
    "SA": ("saturday", "sat", "samedi", "sam"),
    "SU": ("sunday", "sun", "dimanche", "dim"),
}
WEEKDAY_OF = {
    word + plural: code
    for code, words in _WEEKDAY_WORDS.items()
    for word in words
    for plural in ("", "s")
}
_FREQ_WORDS = {
    "daily": ("DAILY", None),
    "quotidien": ("DAILY", None),
    "quotidienne": ("DAILY", None),
    "quotidiennement": ("DAILY", None),
    "weekly": ("WEEKLY", None),
    "hebdo": ("WEEKLY", None),
    "hebdomadaire": ("WEEKLY", None),
    "hebdomadairement": ("WEEKLY", None),
    "biweekly": ("WEEKLY", 2),
    "fortnightly": ("WEEKLY", 2),
    "monthly": ("MONTHLY", None),
    "mensuel": ("MONTHLY", None),
    "mensuelle": ("MONTHLY", None),
    "mensuellement": ("MONTHLY", None),
}
_UNIT_WORDS = {
    "day": "DAILY",
    "days": "DAILY",
    "jour": "DAILY",
    "jours": "DAILY",
    "week": "WEEKLY",
    "weeks": "WEEKLY",
    "semaine": "WEEKLY",
    "semaines": "WEEKLY",
    "month": "MONTHLY",
    "months": "MONTHLY",
    "mois": "MONTHLY",
}
_WORKDAYS_WORDS = ("weekday", "weekdays", "workday", "workdays", "ouvrable", "ouvrables")
_CARDINALS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "other": 2,  # "every other week"
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "autre": 2,
}
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "last": -1,
    "premier": 1,
    "première": 1,
    "premiere": 1,
    "deuxième": 2,
    "deuxieme": 2,
    "seconde": 2,
    "troisième": 3,
    "troisieme": 3,
    "quatrième": 4,
    "quatrieme": 4,
    "dernier": -1,
    "dernière": -1,
    "derniere": -1,
}
_FILLER = {
    "every", "each", "on", "at", "the", "of", "a", "an", "in", "and", "once", "per",
    "chaque", "tous", "toutes", "les", "le", "la", "l", "à", "de", "du", "des", "et",
    "par", "fois", "aux", "en", "sur",
}  # fmt: skip
_NUMBERED_ORDINAL = re.compile(r"^(\d{1,2})(st|nd|rd|th|e|er|re|ère|eme|ème)$")
# times: 14:00, 9:30pm, 9am, 10h, 10h30, 10 h 30, noon, midi
_TIME_PATTERNS = (
    re.compile(r"(?<![\w:])(\d{1,2}):(\d{2})\s*(am|pm|a\.m\.|p\.m\.)?(?![\w:])"),
    re.compile(r"(?<![\w:])(\d{1,2})\s?h\s?(\d{2})?(?![\wàâéèêëîïôûùüç])"),
    re.compile(r"(?<![\w:])(\d{1,2})()\s*(am|pm|a\.m\.|p\.m\.)(?!\w)"),
    re.compile(r"(?<!\w)(noon|midi)()(?!\w)"),
)
MAX_INTERVAL = 12
MAX_MONTH_DAY = 28  # every month has it


@dataclass(frozen=True)
class Cadence:
    """A parsed cadence, ready to store on a schedule row."""

    rrule: str  # RFC 5545, without DTSTART: "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"
    start_local: str  # the first occurrence, local wall-clock "YYYY-MM-DDTHH:MM"
    timezone: str  # IANA

    def next_after(self, instant: datetime) -> datetime | None:
        return next_occurrence(self.rrule, self.start_local, self.timezone, instant)


@dataclass
class _Parts:
    freq: str | None = None
    interval: int | None = None
    days: list[tuple[int, str]] | None = None  # (ordinal or 0, weekday code)
    month_day: int | None = None

    def set_freq(self, freq: str, interval: int | None = None) -> None:
        if self.freq is not None and self.freq != freq:
            raise UserError(
                "That schedule says two different things. Examples: `weekly "
                "wed 10:00`, `monthly last friday 15:00`."
            )
        self.freq = freq
        if interval is not None:
            self.set_interval(interval)

    def set_interval(self, interval: int) -> None:
        if self.interval is not None and self.interval != interval:
            raise UserError(
                "That schedule says two different things. Examples: `weekly "
                "wed 10:00`, `monthly last friday 15:00`."
            )
        self.interval = interval


def zone_or_error(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise UserError(
            "“{zone}” is not a time zone I know. Use an IANA name such as America/Vancouver.",
            zone=name[:60],
        ) from error


def _extract_time(text: str) -> tuple[int, int, str]:
    """The one time of day in ``text`` (hour, minute) and the text without it."""
    found: list[tuple[int, int, re.Match[str]]] = []
    for pattern in _TIME_PATTERNS:
        for match in pattern.finditer(text):
            if any(match.start() < m.end() and m.start() < match.end() for _, _, m in found):
                continue
            raw_hour, raw_minute = match.group(1), match.group(2)
            if raw_hour in ("noon", "midi"):
                hour, minute = 12, 0
            else:
                hour, minute = int(raw_hour), int(raw_minute or 0)
                suffix = (match.group(3) or "") if match.re.groups >= 3 else ""
                if suffix:
                    if not 1 <= hour <= 12:
                        raise UserError(
                            "“{time}” is not a time of day. Use 24-hour `14:30` or `2:30pm`.",
                            time=match.group(0).strip(),
                        )
                    hour = hour % 12 + (12 if suffix.startswith("p") else 0)
            if hour > 23 or minute > 59:
                raise UserError(
                    "“{time}” is not a time of day. Use 24-hour `14:30` or `2:30pm`.",
                    time=match.group(0).strip(),
                )
            found.append((hour, minute, match))
    if not found:
        raise UserError(
            "Give a time of day, e.g. `weekly wed 10:00` or `every 2 weeks monday 9am`."
        )
    if len(found) > 1:
        raise UserError("Give only one time of day, e.g. `weekly wed 10:00`.")
    hour, minute, match = found[0]
    return hour, minute, text[: match.start()] + " " + text[match.end() :]


def _ordinal(token: str) -> int | None:
    if token in _ORDINALS:
        return _ORDINALS[token]
    match = _NUMBERED_ORDINAL.match(token)
    return int(match.group(1)) if match else None


def _cardinal(token: str) -> int | None:
    if token.isascii() and token.isdigit() and len(token) <= 2:
        return int(token)
    return _CARDINALS.get(token)


def _read_words(words: list[str]) -> _Parts:
    parts = _Parts()
    days: list[tuple[int, str]] = []
    pending_ordinal: int | None = None
    pending_number: int | None = None
    unknown: list[str] = []
    previous = ""
    for word in words:
        # a number right before a unit or a weekday is how often ("every 2 weeks",
        # "tous les deux mardis"); anywhere else it is a day of the month ("le 15")
        adjacent_number = pending_number if previous and _cardinal(previous) is not None else None
        if word in _FREQ_WORDS:
            freq, interval = _FREQ_WORDS[word]
            parts.set_freq(freq, interval)
        elif word in _UNIT_WORDS:
            parts.set_freq(_UNIT_WORDS[word])
            if adjacent_number is not None:
                parts.set_interval(adjacent_number)
                pending_number = None
        elif word in _WORKDAYS_WORDS:
            parts.set_freq("WEEKLY")
            days.extend((0, code) for code in WEEKDAYS[:5])
        elif word in WEEKDAY_OF:
            code = WEEKDAY_OF[word]
            if pending_ordinal is not None:
                days.append((pending_ordinal, code))
                pending_ordinal = None
            else:
                if adjacent_number is not None:
                    parts.set_freq("WEEKLY", adjacent_number)
                    pending_number = None
                days.append((0, code))
        elif (ordinal := _ordinal(word)) is not None:
            pending_ordinal = ordinal
        elif (number := _cardinal(word)) is not None:
            pending_number = number
        elif word not in _FILLER:
            unknown.append(word)
        previous = word
    if unknown:
        raise UserError(
            "I didn't understand “{words}” in the schedule. Examples: "
            "`weekly wed 10:00`, `every 2 weeks monday 9am`, `monthly "
            "first tuesday 12:00`.",
            words=" ".join(unknown)[:80],
        )
    # "monthly on the 15th" / "le 15 de chaque mois": a day of the month
    leftover = pending_ordinal if pending_ordinal is not None else pending_number
    if leftover is not None:
        if parts.freq not in (None, "MONTHLY") or days or leftover < 1:
            raise UserError(
                "I didn't understand “{words}” in the schedule. Examples: "
                "`weekly wed 10:00`, `every 2 weeks monday 9am`, `monthly "
                "first tuesday 12:00`.",
                words=str(leftover),
            )
        if leftover > MAX_MONTH_DAY:
            raise UserError(
                "Use a day of the month from 1 to {limit}, or a weekday such as `last friday`.",
                limit=MAX_MONTH_DAY,
            )
        parts.set_freq("MONTHLY")
        parts.month_day = leftover
    parts.days = days
    return parts


def _rrule_text(parts: _Parts) -> str:
    days = parts.days or []
    ordinal_days = [d for d in days if d[0] != 0]
    if ordinal_days:
        if parts.freq is None:
            if any(n in (2, 3, 4) for n, _ in ordinal_days):
                # "every 2nd tuesday": every other week, or the 2nd of the month? Ask.
                raise UserError(
                    "Do you mean every other week (`every 2 weeks` + the day) or "
                    "the same week of each month (`monthly` + “2nd” + the day)? "
                    "Please say which."
                )
            parts.freq = "MONTHLY"
        if parts.freq != "MONTHLY" or len(ordinal_days) != len(days):
            raise UserError(
                "That schedule says two different things. Examples: `weekly "
                "wed 10:00`, `monthly last friday 15:00`."
            )
        if any(n not in (1, 2, 3, 4, -1) for n, _ in ordinal_days):
            raise UserError(
                "Use first, second, third, fourth or last, e.g. `monthly last friday 15:00`."
            )
    if parts.freq is None:
        if not days:
            raise UserError(
                "How often? Start with weekly, every 2 weeks, monthly or "
                "daily, e.g. `weekly wed 10:00` or `monthly first tuesday "
                "12:00`."
            )
        parts.freq = "WEEKLY"
    interval = parts.interval or 1
    if not 1 <= interval <= MAX_INTERVAL:
        raise UserError("Repeat at most every {limit} weeks, months or days.", limit=MAX_INTERVAL)
    rule = [f"FREQ={parts.freq}"]
    if interval > 1:
        rule.append(f"INTERVAL={interval}")
    if parts.freq == "DAILY":
        if days:
            raise UserError(
                "That schedule says two different things. Examples: `weekly "
                "wed 10:00`, `monthly last friday 15:00`."
            )
    elif parts.freq == "WEEKLY":
        if not days:
            raise UserError("Which day of the week? e.g. `weekly wed 10:00`.")
        codes = sorted({code for _, code in days}, key=WEEKDAYS.index)
        rule.append("BYDAY=" + ",".join(codes))
    else:  # MONTHLY
        if parts.month_day is not None:
            if days:
                raise UserError(
                    "That schedule says two different things. Examples: `weekly "
                    "wed 10:00`, `monthly last friday 15:00`."
                )
            rule.append(f"BYMONTHDAY={parts.month_day}")
        elif ordinal_days:
            unique = sorted(set(ordinal_days), key=lambda d: (d[0] % 10, WEEKDAYS.index(d[1])))
            rule.append("BYDAY=" + ",".join(f"{'+' if n > 0 else ''}{n}{c}" for n, c in unique))
        else:
            raise UserError(
                "Which day of the month? e.g. `monthly first tuesday 12:00` or `monthly 15th 9:00`."
            )
    return ";".join(rule)


def parse_cadence(text: str, default_zone: str, now: datetime) -> Cadence:
    """Read a cadence typed by a coordinator. The zone is the one named in the text (an IANA
    name such as America/Vancouver) or ``default_zone``. Raises ``UserError`` on anything
    it cannot read with certainty."""
    lowered = " ".join(text.lower().replace(",", " ").split())
    if not lowered:
        raise UserError(
            "How often? Start with weekly, every 2 weeks, monthly or "
            "daily, e.g. `weekly wed 10:00` or `monthly first tuesday "
            "12:00`."
        )
    zone_name = default_zone
    kept: list[str] = []
    for word in lowered.split():
        if "/" in word or word in ("utc", "gmt"):
            zone_name = _canonical_zone(word)
        else:
            kept.append(word)
    hour, minute, rest = _extract_time(" ".join(kept))
    words = re.findall(r"[\wàâäéèêëîïôöûùüç]+", rest)
    rule = _rrule_text(_read_words(words))
    zone = zone_or_error(zone_name)
    first = _first_occurrence(rule, hour, minute, zone, now)
    return Cadence(rule, first.strftime("%Y-%m-%dT%H:%M"), zone_name)


@functools.cache
def _zones_by_lower_name() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def _canonical_zone(word: str) -> str:
    """IANA names are case-sensitive; accept them typed in any case."""
    if word in ("utc", "gmt"):
        return "UTC"
    by_lower = _zones_by_lower_name()
    if word not in by_lower:
        raise UserError(
            "“{zone}” is not a time zone I know. Use an IANA name such as America/Vancouver.",
            zone=word[:60],
        )
    return by_lower[word]


def _first_occurrence(rule: str, hour: int, minute: int, zone: ZoneInfo, now: datetime) -> datetime:
    local_now = now.astimezone(zone)
    # anchor at the start of the current month so "first tuesday" counts from the month's
    # start; the first real occurrence after now becomes the stored start
    anchor = local_now.replace(day=1, hour=hour, minute=minute, second=0, microsecond=0)
    # without its interval, so "every 2 weeks" starts at the next matching day rather
    # than two weeks after the anchor's; the series then counts from that first day
    every = ";".join(part for part in rule.split(";") if not part.startswith("INTERVAL="))
    expanded = rrulestr(every, dtstart=anchor.replace(tzinfo=None))
    assert isinstance(expanded, rrule)
    for local in expanded:
        if place(local, zone.key) > now:
            return local
    raise UserError(
        "How often? Start with weekly, every 2 weeks, monthly or "
        "daily, e.g. `weekly wed 10:00` or `monthly first tuesday "
        "12:00`."
    )  # pragma: no cover - rules here never end


# Expansion is the meetings' own (bot.kernel.recurrence): one wall-clock rule, one DST behaviour.


def occurrences_between(
    rrule_text: str, start_local: str, timezone: str, start: datetime, end: datetime
) -> list[datetime]:
    """Every occurrence in [start, end), as UTC instants, oldest first."""
    return instants_between(start_local, timezone, rrule_text, start, end)


def next_occurrence(
    rrule_text: str, start_local: str, timezone: str, after: datetime
) -> datetime | None:
    """The first occurrence strictly after ``after``."""
    return next_instant(start_local, timezone, rrule_text, after + timedelta(seconds=1))


def is_occurrence(rrule_text: str, start_local: str, timezone: str, instant: datetime) -> bool:
    """Whether ``instant`` is still one of the schedule's occurrences (it may have changed
    since the post was planned)."""
    window = instants_between(
        start_local, timezone, rrule_text, instant, instant + timedelta(minutes=1)
    )
    return instant in window


def describe(rrule_text: str, start_local: str, timezone: str, tr: Translator) -> str:
    """The cadence in words, in the reader's language: "every 2 weeks on Monday at 09:00
    (America/Toronto)". Echoed back so a wrong reading is seen at once."""
    fields = dict(part.split("=", 1) for part in rrule_text.split(";"))
    interval = int(fields.get("INTERVAL", "1"))
    time = start_local[11:16]
    freq = fields["FREQ"].lower()
    if freq == "weekly":
        days = [_weekday(tr, code) for code in fields["BYDAY"].split(",")]
        which = format_list(days, locale=tr.locale)
    elif freq == "monthly":
        if "BYMONTHDAY" in fields:
            which = _day_of_month(int(fields["BYMONTHDAY"]), tr)
        else:
            whiches = []
            for item in fields["BYDAY"].split(","):
                match = re.match(r"^([+-]?\d)(\w\w)$", item)
                assert match is not None
                whiches.append(_nth(tr, int(match.group(1))) + " " + _weekday(tr, match.group(2)))
            which = format_list(whiches, locale=tr.locale)
    else:
        which = ""
    values = {"n": interval, "which": which, "time": time, "zone": timezone}
    if freq == "daily":
        return tr.ngettext(
            "every day at {time} ({zone})", "every {n} days at {time} ({zone})", interval, **values
        )
    if freq == "weekly":
        return tr.ngettext(
            "every week on {which} at {time} ({zone})",
            "every {n} weeks on {which} at {time} ({zone})",
            interval,
            **values,
        )
    return tr.ngettext(
        "every month on the {which} at {time} ({zone})",
        "every {n} months on the {which} at {time} ({zone})",
        interval,
        **values,
    )


_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _weekday(tr: Translator, code: str) -> str:
    """The CLDR name of the day in the reader's language ("Monday", "lundi")."""
    return str(tr.locale.days["format"]["wide"][_WEEKDAY_CODES.index(code)])


def _nth(tr: Translator, ordinal: int) -> str:
    if ordinal == 1:
        return tr("first")
    if ordinal == 2:
        return tr("second")
    if ordinal == 3:
        return tr("third")
    if ordinal == 4:
        return tr("fourth")
    return tr("last")


def _day_of_month(day: int, tr: Translator) -> str:
    """ "1st", "2nd", "1er", "2": the ordinal category is CLDR's, its words the catalog's."""
    form = tr.locale.ordinal_form(day)
    if form == "one":
        return tr.pgettext("day of the month", "{n}st", n=day)
    if form == "two":
        return tr.pgettext("day of the month", "{n}nd", n=day)
    if form == "few":
        return tr.pgettext("day of the month", "{n}rd", n=day)
    return tr.pgettext("day of the month", "{n}th", n=day)


def describe_spans(
    rrule_text: str, start_local: str, timezone: str, tr: Translator, after: datetime
) -> tuple[Span, ...]:
    """The cadence in words and its next occurrence as a time the reader's platform shows
    in their own zone."""
    text = describe(rrule_text, start_local, timezone, tr)
    upcoming = next_occurrence(rrule_text, start_local, timezone, after)
    if upcoming is None:
        return (Text(text),)
    when = Time(upcoming, "full", timezone, tr.language)
    return tr.spans("{cadence}; next: {when}", cadence=text, when=when)


async def store_cadence(
    model: type[PromptSchedule] | type[NetworkingSchedule],
    community: Community,
    text: str,
    zone: str,
    now: datetime,
) -> Cadence | None:
    """Save a community's cadence for prompts or networking rounds, or turn it off (then
    None). Shared by ``prompt schedule`` and ``networking schedule``."""
    existing = await model.get_or_none(community=community)
    if text.strip().lower() in OFF_WORDS:
        if existing is not None and existing.active:
            existing.active = False
            await existing.save(update_fields=["active"])
        return None
    parsed = parse_cadence(text, zone, now)
    row = existing or model(community=community)
    row.rrule, row.start_local = parsed.rrule, parsed.start_local
    row.timezone, row.active = parsed.timezone, True
    await row.save()
    return parsed
