"""Cutting a member's text into tokens: words keep their original spelling (for the title
that is left over) beside a folded form the grammar reads. Text in quotes is one literal
token the grammar never reads: that is how a member (or an answered question) says
"“Weekly” is part of the title"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.kernel.timewords.lexicon import WEEKDAY_FULL, WEEKDAY_SHORT, fold

_QUOTED = re.compile(r'"([^"]*)"|“([^”]*)”|«\s*([^»]*?)\s*»')
_TIMEISH = r"\d{1,2}(?::\d{2})?(?:h\d{0,2})?(?:am|pm|a\.m\.?|p\.m\.?)?"
_TIME_RANGE = re.compile(rf"^({_TIMEISH})([-–—])({_TIMEISH})$")
_WORD_RANGE = re.compile(r"^([a-z]+)([-–])([a-z]+)$")
_LEADING = "([{"
_TRAILING = ")]},;!?"


@dataclass(frozen=True)
class Token:
    raw: str
    norm: str
    literal: bool = False


def _pieces(word: str) -> list[str]:
    """One whitespace-separated word as tokens: brackets and commas apart, "12:30-13:30"
    and "Monday-Friday" as three."""
    out: list[str] = []
    while word and word[0] in _LEADING:
        word = word[1:]
    tail: list[str] = []
    while word and (word[-1] in _TRAILING or (word[-1] == "." and not _keeps_dot(word))):
        if word[-1] == ",":
            tail.insert(0, ",")
        word = word[:-1]
    if word:
        folded = fold(word)
        range_match = _TIME_RANGE.match(folded)
        word_match = _WORD_RANGE.match(folded)
        if range_match or (word_match and all(_is_weekday(word_match.group(g)) for g in (1, 3))):
            cut = (range_match or word_match).start(2)  # type: ignore[union-attr]
            out += [word[:cut], word[cut], word[cut + 1 :]]
        else:
            out.append(word)
    return out + tail


def _keeps_dot(word: str) -> bool:
    folded = fold(word)
    return folded.endswith(("a.m.", "p.m.")) or folded in ("janv.", "fevr.", "avr.", "juil.")


def _is_weekday(word: str) -> bool:
    return word in WEEKDAY_FULL or word in WEEKDAY_SHORT


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    for match in _QUOTED.finditer(text):
        tokens += _plain(text[position : match.start()])
        inner = next(group for group in match.groups() if group is not None)
        if inner.strip():
            tokens.append(Token(inner.strip(), "", literal=True))
        position = match.end()
    tokens += _plain(text[position:])
    return tokens


def _plain(text: str) -> list[Token]:
    return [Token(piece, fold(piece)) for word in text.split() for piece in _pieces(word)]


def join(tokens: list[Token]) -> str:
    """Tokens back into text: the way a member would write them."""
    text = " ".join(token.raw for token in tokens)
    return text.replace(" ,", ",")


def quote(text: str) -> str:
    return f"“{text}”"
