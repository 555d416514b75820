"""Cadences for scheduled posts (discussion prompts, networking rounds, the digest), read and
said by the one grammar of time (``bot.kernel.timewords``): "every Wednesday at 10am",
"weekly wed 10:00", "le premier lundi du mois à 9 h".

A cadence is stored the way meetings store recurrence: an RFC 5545 RRULE, a local start
("YYYY-MM-DDTHH:MM") and an IANA zone, so a 10:00 prompt stays at 10:00 local across
daylight-saving changes. Expansion goes through dateutil on local wall-clock times and
converts each one to UTC only at the end (one instant per local time, even in the
repeated hour when clocks fall back).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.kernel.errors import UserError
from bot.kernel.i18n import N_, Translator
from bot.kernel.messages import Span, Text, Time
from bot.kernel.recurrence import instants_between, local_start, next_instant
from bot.kernel.timewords import Question, Rule, read
from bot.kernel.timewords import describe as describe_rule
from data.models import Community, NetworkingSchedule, PromptSchedule

# words that turn a schedule off
OFF_WORDS = ("off", "stop", "none", "arrêt", "arret", "aucun")


@dataclass(frozen=True)
class Cadence:
    """A parsed cadence, ready to store on a schedule row."""

    rrule: str  # RFC 5545, without DTSTART: "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"
    start_local: str  # the first occurrence, local wall-clock "YYYY-MM-DDTHH:MM"
    timezone: str  # IANA

    def next_after(self, instant: datetime) -> datetime | None:
        return next_occurrence(self.rrule, self.start_local, self.timezone, instant)


def zone_or_error(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise UserError(
            N_("“{zone}” is not a time zone I know. Use an IANA name such as America/Vancouver."),
            zone=name[:60],
        ) from error


def parse_cadence(text: str, default_zone: str, now: datetime) -> Cadence | Question:
    """Read a cadence typed by a coordinator, in either language. The zone is the one named
    in the text (an IANA name such as America/Vancouver) or ``default_zone``."""
    zone_or_error(default_zone)
    reading = read(text, now, default_zone)
    if isinstance(reading, Question):
        return reading
    if reading.rest:
        raise UserError(
            N_("I didn't understand “{words}” in the schedule. Examples: “every Wednesday at "
               "10am”, “every other Monday at 9:00”, “le premier mardi du mois à 12 h”."),
            words=" ".join(reading.rest)[:80],
        )  # fmt: skip
    if reading.rule is None:
        raise UserError(
            N_("How often? Examples: “every Wednesday at 10am”, “weekly wed 10:00”, “le premier "
               "lundi du mois à 9 h”."),
        )  # fmt: skip
    if reading.duration is not None:
        raise UserError(N_("A schedule has a time, not a length: leave out “for …”."))
    return Cadence(reading.rule.rrule, reading.start_local, reading.zone)


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
    """The cadence in words, in the reader's language: "every other Monday at 9:00 AM
    (America/Toronto)". The same words typed back give the same cadence."""
    rule = Rule.from_rrule(rrule_text)
    return f"{describe_rule(rule, local_start(start_local).time(), tr)} ({timezone})"


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
    return tr.spans(N_("{cadence}; next: {when}"), cadence=text, when=when)


async def store_cadence(
    model: type[PromptSchedule] | type[NetworkingSchedule],
    community: Community,
    text: str,
    zone: str,
    now: datetime,
) -> Cadence | Question | None:
    """Save a community's cadence for prompts or networking rounds, or turn it off (then
    None); a cadence that reads two ways is returned as the question to ask, unsaved.
    Shared by ``prompt schedule`` and ``networking schedule``."""
    existing = await model.get_or_none(community=community)
    if text.strip().lower() in OFF_WORDS:
        if existing is not None and existing.active:
            existing.active = False
            await existing.save(update_fields=["active"])
        return None
    parsed = parse_cadence(text, zone, now)
    if isinstance(parsed, Question):
        return parsed
    row = existing or model(community=community)
    row.rrule, row.start_local = parsed.rrule, parsed.start_local
    row.timezone, row.active = parsed.timezone, True
    await row.save()
    return parsed
