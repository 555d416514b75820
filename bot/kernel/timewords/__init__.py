"""The language of time, in English and in French: one grammar and one describer for every
place copbot reads or writes a time (meetings, prompt and networking cadences, the digest).

    read(text, now, zone)      -> Reading | Question   (raises UserError when it can't)
    read_day(text, now, zone)  -> date | Question       (a day alone: ``meeting cancel``)
    describe(rule, at, tr)     -> "every other Thursday at 3:00 PM"

A recurrence is a ``Rule`` that maps one to one onto an RFC 5545 RRULE; with it go an IANA
zone and a local wall-clock start (see ``bot.kernel.recurrence`` for the expansion).
Members may type either language whatever their setting; what copbot says back parses to
the same rule (``read(describe(rule)) == rule``), so an echo can be pasted back.
"""

from bot.kernel.timewords.describe import (
    describe,
    describe_day_time,
    describe_duration,
    describe_end,
    describe_when,
)
from bot.kernel.timewords.grammar import read, read_day
from bot.kernel.timewords.model import Option, Question, Reading, Rule

__all__ = [
    "Option",
    "Question",
    "Reading",
    "Rule",
    "describe",
    "describe_day_time",
    "describe_duration",
    "describe_end",
    "describe_when",
    "read",
    "read_day",
]
