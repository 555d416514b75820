"""Reading the free-form part of ``meeting schedule``: a time, in any order and either
language (``bot.kernel.timewords``), then a place and a title in what is left.

    every Tuesday at 12:30 Lunch chat
    tomorrow 3pm to 4:30pm at Room 204 — Workshop
    chaque mardi à 12 h 30 à https://meet.jit.si/py Dîner causerie

``at``/``à``/``@`` starts a place (a link, or words up to a separator ``-``, ``—``, ``|``
or up to where a time phrase stood); every other word left over is the title.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.kernel.parser import is_url
from bot.kernel.timewords import Question, Reading, read

LOCATION_WORDS = ("at", "à", "@", "lieu", "location", "where", "où")
SEPARATORS = ("-", "—", "–", "|", "/")


@dataclass
class MeetingDetails:
    reading: Reading
    location: str = ""
    title: str = ""


def parse_details(text: str, zone: str, now: datetime) -> MeetingDetails | Question:
    reading = read(text, now, zone)
    if isinstance(reading, Question):
        return reading
    location, title = _place_and_title(reading.rest)
    return MeetingDetails(reading, location, title)


def _place_and_title(runs: tuple[str, ...]) -> tuple[str, str]:
    location = ""
    title: list[str] = []
    for run in runs:
        words = run.split()
        index = 0
        while index < len(words):
            word = words[index]
            lead = word.rstrip(":").casefold()
            if lead in LOCATION_WORDS and index + 1 < len(words) and not location:
                index += 1
                if is_url(words[index]):
                    location = words[index]
                    index += 1
                    continue
                place: list[str] = []
                while index < len(words) and words[index] not in SEPARATORS:
                    place.append(words[index])
                    index += 1
                location = " ".join(place)
            elif word in SEPARATORS:
                index += 1
            else:
                title.append(word)
                index += 1
    return location, " ".join(title).strip(" -—–|,")
