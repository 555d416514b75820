"""The cost of reading a time: ``bot.kernel.timewords.read`` on the phrasings of issue 10,
beside dateparser (what meetings used for dates before) on the one-off ones it can read, in
the same run. Also the refusal of a 5,000-character text and the describer.

Run: python -m benchmarks timewords
"""

from __future__ import annotations

import contextlib
import statistics
import time
from datetime import UTC, datetime

import dateparser

from bot.kernel.errors import UserError
from bot.kernel.i18n import Translator
from bot.kernel.timewords import Reading, describe, read

NOW = datetime(2027, 5, 3, 14, 0, tzinfo=UTC)
ZONE = "America/Toronto"
SERIES = (
    "every Tuesday at 12:30 Lunch chat",
    "chaque mardi à 12 h 30",
    "first Monday of the month 9am",
    "le dernier vendredi du mois à 16 h",
    "every other Thursday at 3pm until June 30",
    "du lundi au vendredi à 9 h",
)
ONE_OFF = (  # (text, language) that dateparser reads too
    ("tomorrow 3pm", "en"),
    ("June 1 2027 4:30pm", "en"),
    ("next Tuesday 12:30", "en"),
    ("demain 15 h", "fr"),
    ("30 juin 2027 9 h", "fr"),
)
ROUNDS = 7
PER_ROUND = 100


def _per_call(work: list[tuple[str, str]], reader: str) -> float:
    started = time.perf_counter()
    for _ in range(PER_ROUND):
        for text, language in work:
            if reader == "timewords":
                read(text, NOW, ZONE)
            else:
                dateparser.parse(
                    text,
                    languages=[language],
                    settings={"RELATIVE_BASE": NOW.replace(tzinfo=None)},
                )
    return (time.perf_counter() - started) / (PER_ROUND * len(work))


def main() -> None:
    ours: list[float] = []
    theirs: list[float] = []
    _per_call(list(ONE_OFF), "timewords")
    _per_call(list(ONE_OFF), "dateparser")  # warm-up: dateparser loads its language data
    for round_ in range(ROUNDS):
        order = ("timewords", "dateparser") if round_ % 2 == 0 else ("dateparser", "timewords")
        for reader in order:
            (ours if reader == "timewords" else theirs).append(_per_call(list(ONE_OFF), reader))
    mine, baseline = statistics.median(ours), statistics.median(theirs)
    print(
        f"one-off times ({len(ONE_OFF)} phrasings x {PER_ROUND} x {ROUNDS} rounds): "
        f"timewords {mine * 1e6:.0f} µs, dateparser {baseline * 1e6:.0f} µs per read"
    )
    print(f"ratio timewords/dateparser: {mine / baseline:.2f}")
    series = [(text, "en") for text in SERIES]
    per_series = statistics.median(_per_call(series, "timewords") for _ in range(ROUNDS))
    print(f"repeats (dateparser reads none of them): timewords {per_series * 1e6:.0f} µs per read")
    long_text = "x" * 5000
    started = time.perf_counter()
    for _ in range(1000):
        with contextlib.suppress(UserError):
            read(long_text, NOW, ZONE)
    print(f"5,000-character text refused in {(time.perf_counter() - started) * 1e3:.2f} µs")
    readings = [read(text, NOW, ZONE) for text in SERIES]
    rules = [(r.rule, r.start.time()) for r in readings if isinstance(r, Reading) and r.rule]
    french = Translator("fr")
    started = time.perf_counter()
    for _ in range(PER_ROUND):
        for rule, at in rules:
            describe(rule, at, french)
    per_describe = (time.perf_counter() - started) / (PER_ROUND * len(rules))
    print(f"describe (CLDR via Babel): {per_describe * 1e6:.0f} µs per rule")
