"""What the grammar gives back: a ``Reading`` (a start, maybe a length and a ``Rule``) or a
``Question`` to put to the member, whose options are the member's text made unambiguous."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WORKWEEK = WEEKDAYS[:5]
FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def _byday(ordinal: int, code: str) -> str:
    return code if ordinal == 0 else f"{ordinal:+d}{code}"


@dataclass(frozen=True)
class Rule:
    """One recurrence, field for field an RFC 5545 RRULE (without DTSTART).

    ``byday`` holds (ordinal, weekday) pairs: ordinal 0 for "every Tuesday", 1..5 or -1 for
    "the first/last Tuesday" of a month. ``until`` is a local date (the series ends at the
    end of that day, in the meeting's zone)."""

    freq: str
    interval: int = 1
    byday: tuple[tuple[int, str], ...] = ()
    bymonthday: int | None = None
    until: date | None = None
    count: int | None = None

    @property
    def rrule(self) -> str:
        parts = [f"FREQ={self.freq}"]
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.byday:
            parts.append("BYDAY=" + ",".join(_byday(n, c) for n, c in self.byday))
        if self.bymonthday is not None:
            parts.append(f"BYMONTHDAY={self.bymonthday}")
        if self.until is not None:
            parts.append(f"UNTIL={self.until:%Y%m%d}T235959")
        if self.count is not None:
            parts.append(f"COUNT={self.count}")
        return ";".join(parts)

    @classmethod
    def from_rrule(cls, text: str) -> Rule:
        """The rule an RRULE string stores (the parts copbot writes; others are ignored)."""
        fields = dict(part.split("=", 1) for part in text.split(";") if "=" in part)
        byday: list[tuple[int, str]] = []
        for item in filter(None, fields.get("BYDAY", "").split(",")):
            code, number = item[-2:], item[:-2]
            byday.append((int(number) if number not in ("", "+", "-") else 0, code))
        until = fields.get("UNTIL")
        return cls(
            freq=fields.get("FREQ", "WEEKLY"),
            interval=int(fields.get("INTERVAL", "1")),
            byday=tuple(byday),
            bymonthday=int(fields["BYMONTHDAY"]) if "BYMONTHDAY" in fields else None,
            until=date(int(until[:4]), int(until[4:6]), int(until[6:8])) if until else None,
            count=int(fields["COUNT"]) if "COUNT" in fields else None,
        )

    @property
    def is_workweek(self) -> bool:
        return (
            self.freq == "WEEKLY"
            and self.interval == 1
            and tuple(code for _, code in self.byday) == WORKWEEK
        )


@dataclass(frozen=True)
class Reading:
    """A time read with certainty. ``start`` is the local wall-clock start (naive) in
    ``zone``; for a series it is its first real instance. ``rest`` is the text left once
    every time word was used (title, place), in runs that were apart in the text."""

    start: datetime
    zone: str
    rule: Rule | None = None
    duration: int | None = None  # minutes
    rest: tuple[str, ...] = ()
    dated: bool = True  # False when the text gave a time of day and no day at all

    @property
    def start_local(self) -> str:
        return self.start.strftime(LOCAL_FORMAT)

    @property
    def rest_text(self) -> str:
        return " — ".join(run for run in self.rest if run)


@dataclass(frozen=True)
class Option:
    """One answer to a question: a label (gettext msgid + values, translated when shown)
    and the member's text rewritten so that it no longer asks."""

    msgid: str
    text: str
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Question:
    """Something that reads two ways. ``msgid``/``values`` say what is asked."""

    msgid: str
    options: tuple[Option, ...]
    values: dict[str, str] = field(default_factory=dict)
