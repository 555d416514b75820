"""What to suggest when a member types a command copbot does not know: the command that
does what the word they used means ("search" is `resources`, "coffee" is `networking`),
else commands spelled close to it ("comunities").

Members arrive from other bots and with their own words: spelling alone finds nothing
close to "search", "find" or "coffee". The words are English here and each language's in
its catalog (a language is a file), and every offered language's are understood whatever
the member's own: a French speaker may well type "search"."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Mapping

from bot.kernel.i18n import Translator
from bot.kernel.typed_names import typed_key

SUGGESTED = 3  # commands named by spelling, at most


def said(words: str) -> str:
    """Marks English words for ``make catalogs``; each catalog gives its language's."""
    return words


# for each command, words its users type for what it does, separated by spaces; they are
# compared as names are (case and accents aside), and a command's own name never needs one
WORDS = {
    "resources": said("search find lookup browse library links bookmarks"),
    "communities": said("list groups channels discover"),
    "join": said("subscribe follow"),
    "leave": said("unsubscribe unfollow quit"),
    "share": said("post add link bookmark submit"),
    "whois": said("profile who user"),
    "intro": said("introduce bio about"),
    "meetings": said("events event calendar upcoming"),
    "rsvp": said("attend going"),
    "upvote": said("like vote star"),
    "language": said("lang locale"),
    "timezone": said("tz zone"),
    "members": said("people"),
    "networking": said("coffee donut pairing matching"),
    "digest": said("summary recap"),
    "stats": said("statistics analytics"),
    "web": said("dashboard website site login"),
    "help": said("commands"),
}


def words_meaning(translators: Iterable[Translator]) -> dict[str, str]:
    """Each word (compared form) -> the command it names: English first, then the
    translators' languages; a word two commands claim names the first."""
    languages = list(translators)
    meant: dict[str, str] = {}
    for command, english in WORDS.items():
        for text in (english, *(tr(english) for tr in languages)):
            for word in typed_key(text).split():
                meant.setdefault(word, command)
    return meant


def suggested_commands(
    typed: str, commands: Collection[str], meant: Mapping[str, str]
) -> list[str]:
    """The commands (of ``commands``) the member may have meant by ``typed``: the one its
    meaning names, alone; else up to ``SUGGESTED`` spelled close to it."""
    word = typed_key(typed)
    command = meant.get(word, "")
    if command in commands:
        return [command]
    return difflib.get_close_matches(word, sorted(commands), n=SUGGESTED)
