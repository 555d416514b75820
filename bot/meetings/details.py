"""Reading the free-form part of ``meeting schedule``:

    <when> [every …] [at <link or place>] [for <duration>] [title]

The time comes first; a recurrence starts at a recurrence word ("every", "chaque", ...);
``at``/``à`` starts a place or link unless a time follows it ("at 4pm" belongs to the
time); ``for``/``pendant``/``pour`` a duration; every other word is the title. A place runs to the
next such keyword or a separator (``-``, ``—``, ``|``), so "at Room 204 — Python hour"
keeps the two apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bot.kernel.errors import UserError
from bot.kernel.i18n import N_
from bot.kernel.parser import is_url
from bot.kernel.recurrence import fold, parse_recurrence, parse_when

LOCATION_WORDS = ("at", "à", "@", "lieu", "location", "where", "où")
DURATION_WORDS = ("for", "pendant", "pour", "durée", "duration")
SEPARATORS = ("-", "—", "–", "|", "/")
_TIMEISH = re.compile(
    r"^(?:\d{1,2}(?:[:h]\d{0,2})?(?:am|pm|a\.m\.|p\.m\.|h)?|noon|midi|midday)$", re.IGNORECASE
)
_DURATION = re.compile(
    r"^(?P<a>\d{1,3}(?:[.,]\d+)?)\s*(?P<u>m|min|mins|minutes?|h|hrs?|hours?|heures?)?"
    r"(?:(?P<b>\d{1,2})(?:m|min)?)?$",
    re.IGNORECASE,
)
MAX_MINUTES = 24 * 60


@dataclass
class MeetingDetails:
    when: datetime  # aware, in the coordinator's zone
    rrule: str | None = None
    location: str = ""
    duration_minutes: int | None = None
    title: str = ""


def _duration(tokens: list[str]) -> tuple[int, int] | None:
    """Minutes and tokens used for "90m", "1h30", "2 hours", "45 minutes"."""
    if not tokens:
        return None
    for used in (2, 1):
        text = "".join(tokens[:used]) if used == 2 else tokens[0]
        if used == 2 and len(tokens) < 2:
            continue
        match = _DURATION.match(text)
        if not match:
            continue
        amount = float(match["a"].replace(",", "."))
        unit = (match["u"] or "m").lower()
        minutes = amount * 60 if unit.startswith("h") else amount
        if match["b"]:
            if not unit.startswith("h"):
                continue
            minutes += int(match["b"])
        if not match["u"] and used == 1 and not match["b"]:
            continue  # a bare number is not a duration
        return int(minutes), used
    return None


# one-word recurrences; as the first word of a title ("Weekly sync") they are not one
_ADJECTIVES = (
    "daily", "weekly", "monthly", "biweekly", "bi-weekly", "fortnightly", "yearly", "annually",
    "quotidien", "quotidienne", "hebdomadaire", "mensuel", "mensuelle", "annuellement",
)  # fmt: skip


class _Reader:
    def __init__(self, text: str) -> None:
        self.tokens = text.split()
        self.found_recurrence = False

    def is_recurrence(self, index: int) -> bool:
        if self.found_recurrence:
            return False  # a second one is part of the title ("… every week Monthly chat")
        found = parse_recurrence(" ".join(self.tokens[index:]))
        if found is None:
            return False
        if fold(self.tokens[index]) in _ADJECTIVES:
            after = index + _tokens_for(self.tokens[index:], found.consumed)
            if after < len(self.tokens) and not (
                self.is_separator(after) or self.is_location(after) or self.is_duration(after)
            ):
                return False
        return True

    def is_location(self, index: int) -> bool:
        word = self.tokens[index].casefold().rstrip(":")
        if word not in LOCATION_WORDS or index + 1 >= len(self.tokens):
            return False
        following = self.tokens[index + 1]
        return is_url(following) or not _TIMEISH.match(following)

    def is_duration(self, index: int) -> bool:
        word = self.tokens[index].casefold().rstrip(":")
        return word in DURATION_WORDS and _duration(self.tokens[index + 1 : index + 3]) is not None

    def is_separator(self, index: int) -> bool:
        return self.tokens[index] in SEPARATORS

    def is_boundary(self, index: int) -> bool:
        return (
            self.is_separator(index)
            or self.is_location(index)
            or self.is_duration(index)
            or self.is_recurrence(index)
        )


def _tokens_for(tokens: list[str], consumed: int) -> int:
    """How many tokens make up the first ``consumed`` characters of their folded text."""
    for count in range(1, len(tokens) + 1):
        if len(fold(" ".join(tokens[:count]))) >= consumed:
            return count
    return len(tokens)


def _when_prefix(
    tokens: list[str], zone: str, language: str, now: datetime
) -> tuple[datetime, int]:
    """The longest leading run of tokens that reads as a time; the rest is title."""
    errors: list[UserError] = []
    for end in range(len(tokens), 0, -1):
        try:
            return parse_when(" ".join(tokens[:end]), zone, language, now), end
        except UserError as error:
            errors.append(error)
    # "that time has passed" says more than "I can't read that"
    past = next(
        (
            error
            for error in errors
            if error.key == N_("{when} ({zone}) has already passed. Give a time in the future.")
        ),
        None,
    )
    raise past or errors[0]


def parse_details(text: str, zone: str, language: str, now: datetime) -> MeetingDetails:
    reader = _Reader(text)
    tokens = reader.tokens
    if not tokens:
        raise UserError(
            "I couldn't read “{text}” as a time. Try “next Monday "
            "4:30pm”, “tomorrow 9am” or “2027-05-29 16:30”.",
            text="",
        )
    boundary = next((i for i in range(1, len(tokens)) if reader.is_boundary(i)), len(tokens))
    when, used = _when_prefix(tokens[:boundary], zone, language, now)
    details = MeetingDetails(when=when)
    title: list[str] = tokens[used:boundary]
    index = boundary
    while index < len(tokens):
        if reader.is_separator(index):
            index += 1
        elif reader.is_recurrence(index):
            found = parse_recurrence(" ".join(tokens[index:]))
            assert found is not None
            details.rrule = found.rrule
            reader.found_recurrence = True
            index += _tokens_for(tokens[index:], found.consumed)
        elif reader.is_duration(index):
            minutes_used = _duration(tokens[index + 1 : index + 3])
            assert minutes_used is not None
            minutes, count = minutes_used
            if not 1 <= minutes <= MAX_MINUTES:
                raise UserError(
                    "A meeting lasts between 1 minute and 24 hours, e.g. “for 90m” or “for 1h30”."
                )
            details.duration_minutes = minutes
            index += 1 + count
        elif reader.is_location(index):
            index += 1
            if is_url(tokens[index]):
                place = [tokens[index]]
                index += 1
            else:
                place = []
                while index < len(tokens) and not reader.is_boundary(index):
                    place.append(tokens[index])
                    index += 1
            details.location = " ".join(place)
        else:
            title.append(tokens[index])
            index += 1
    details.title = " ".join(title).strip(" -—–|,")
    return details
