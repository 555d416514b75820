"""How members are shown and compared, wherever an area needs it: a mention, a one-line
introduction, a list of spans inside a translated sentence, the words of an interest."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from bot.kernel.i18n import Translator
from bot.kernel.messages import Mention, Span, Text
from bot.kernel.tags import tag_key
from data.models import Member


def one_line_intro(member: Member) -> str:
    """A member's profile in one line (title, organization, interests)."""
    bits = [b for b in (member.title, member.organization) if b]
    if member.interests:
        bits.append(hashtags(member.interests))
    return ", ".join(bits)


def mention(member: Member) -> Mention:
    return Mention(member.external_id, member.display_name)


def join_spans(
    tr: Translator, key: str, placeholder: str, items: Iterable[Span]
) -> tuple[Span, ...]:
    """A translated text whose ``placeholder`` is a comma-separated list of typed spans."""
    marker = Text("\x00list\x00")
    listed = list(items)
    out: list[Span] = []
    for span in tr.spans(key, **{placeholder: marker}):
        if span != marker:
            out.append(span)
            continue
        for index, item in enumerate(listed):
            if index:
                out.append(Text(", "))
            out.append(item)
    return tuple(out)


def hashtags(tags: Iterable[str]) -> str:
    return " ".join("#" + tag for tag in tags)


def interest_keys(member: Member) -> dict[str, str]:
    """A member's interests by the key that compares them as tags compare
    (``#Évaluation`` and ``#evaluation`` are one interest), each as the member wrote it."""
    keys: dict[str, str] = {}
    for interest in member.interests or ():
        keys.setdefault(tag_key(interest), interest)
    return keys


_WORD = re.compile(r"\w+", re.UNICODE)
_STOPWORDS = frozenset(
    (
        "and",
        "the",
        "for",
        "with",
        "how",
        "into",
        "from",
        "about",
        "our",
        "your",
        "their",
        "les",
        "des",
        "une",
        "pour",
        "avec",
        "dans",
        "sur",
        "par",
        "aux",
        "est",
        "que",
        "qui",
        "comment",
        "mon",
        "mes",
        "son",
        "ses",
        "leur",
        "leurs",
    )
)


def words_of(text: str) -> set[str]:
    """Comparable words: lower case, without accents, no short or filler words, no plural s."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    out = set()
    for word in _WORD.findall(plain.replace("_", " ")):
        if len(word) < 3 or word in _STOPWORDS:
            continue
        out.add(word[:-1] if len(word) > 4 and word.endswith("s") else word)
    return out
