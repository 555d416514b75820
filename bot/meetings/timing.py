"""The meetings' side of the language of time: which occurrence a coordinator means ("May
31", "mardi prochain"), where ``meeting move`` splits "<occurrence> to|à|vers <new time>",
and how a meeting's time is said back (with its end, in CLDR formats)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date

from bot.kernel.errors import UserError
from bot.kernel.i18n import N_, Translator
from bot.kernel.timewords import Question, Reading, describe_when, read, read_day
from bot.kernel.timewords.describe import clock, describe_day_time, time_locale

# the words between the occurrence and its new time, in either language
MOVE_WORDS = ("to", "à", "a", "vers", "->", "→", "pour")


class TimeQuestion(Exception):
    """A time that reads two ways, found deep in a command: the command asks it."""

    def __init__(self, question: Question) -> None:
        super().__init__(question.msgid)
        self.question = question


def day_or_ask(text: str, now: datetime, zone: str) -> date:
    found = read_day(text, now, zone)
    if isinstance(found, Question):
        raise TimeQuestion(found)
    return found


@dataclass(frozen=True)
class Move:
    which: str  # the occurrence, as typed ("" when not named)
    word: str  # the word that split them
    target: Reading


def split_move(text: str, now: datetime, zone: str) -> Move | Question:
    """``2027-05-31 to 2027-06-01 16:30``, ``mardi à mercredi 17 h``, ``à 17 h``: the first
    split whose left side is a day (or nothing) and whose right side is one time. A right
    side that reads two ways is asked about, reworded within the whole text."""
    words = text.split()
    question: Question | None = None
    refused: UserError | None = None  # why the new time of a sound split was refused
    for index, word in enumerate(words):
        if word.casefold() not in MOVE_WORDS:
            continue
        which, target = " ".join(words[:index]), " ".join(words[index + 1 :])
        if not target:
            continue
        try:
            if which:
                read_day(which, now, zone)
        except UserError:
            continue
        try:
            reading = read(target, now, zone)
        except UserError as error:
            refused = refused or error
            continue
        if isinstance(reading, Question):
            question = question or _within(reading, f"{which} {word}".strip())
            continue
        if reading.rule is not None or reading.rest or reading.duration is not None:
            continue
        return Move(which, word, reading)
    if question is not None:
        return question
    if refused is not None:
        raise refused
    raise UserError(
        N_("Say what to move and where: “meeting move <meeting> <date> to <new time>”, e.g. "
           "“meeting move 12 2027-05-31 to 2027-06-01 16:30” or “meeting move 12 mardi à "
           "mercredi 17 h”."),
    )  # fmt: skip


def _within(question: Question, before: str) -> Question:
    """The question's answers as whole ``meeting move`` texts."""
    options = tuple(
        type(option)(option.msgid, f"{before} {option.text}".strip(), option.values)
        for option in question.options
    )
    return Question(question.msgid, options, question.values)


def moved_start(move: Move, occurrence_day: date) -> datetime:
    """The new local start: "à 17 h" alone keeps the occurrence's own day."""
    target = move.target
    if target.dated:
        return target.start
    return datetime.combine(occurrence_day, target.start.time())


def understood(start: datetime, reading: Reading, tr: Translator) -> str:
    """ "every Tuesday at 12:30 PM for 1 hour (America/Toronto)": what was read, said so
    that it could be typed back."""
    return f"{describe_when(start, reading.rule, reading.duration, tr)} ({reading.zone})"


def local_text(instant: datetime, zone: str, tr: Translator) -> str:
    """A spelled-out local time with its zone, in CLDR's words for the language:
    "Tuesday, June 3, 2031 at 10:00 AM (America/Toronto)"."""
    local = instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    return f"{describe_day_time(local, tr)} ({zone})"


def short_local(instant: datetime, zone: str, tr: Translator) -> str:
    """ "Jun 3, 2031, 10:00 AM", "3 juin 2031, 10 h 00"."""
    local = instant.astimezone(ZoneInfo(zone))
    day = format_date(local.date(), "medium", locale=time_locale(tr))
    return f"{day}, {clock(local.time(), tr)}"


def ends_at(start: datetime, minutes: int) -> datetime:
    return start + timedelta(minutes=minutes)
