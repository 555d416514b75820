"""What to suggest when a member types a command copbot does not know: first the command
that does what the word they used means ("search" is `resources`, "coffee" is
`networking`), else commands spelled close to it ("comunities").

Members arrive from other bots and with their own words, in English or French: spelling
alone finds nothing close to "search", "find" or "coffee"."""

from __future__ import annotations

import difflib
from collections.abc import Collection

from bot.kernel.typed_names import typed_key

SUGGESTED = 3  # commands named at most

# the words members type for what a command does, folded (lower case, no accents), in
# English and French; a word that is itself a command never reaches this table
_WORDS = {
    "resources": "search find lookup browse library links bookmarks chercher rechercher"
    " recherche trouver ressources bibliotheque liens",
    "communities": "list groups channels discover communautes groupes decouvrir",
    "join": "subscribe follow rejoindre adherer inscrire",
    "leave": "unsubscribe unfollow quit quitter partir",
    "share": "post add link bookmark submit partager ajouter publier",
    "whois": "profile who user profil qui",
    "intro": "introduce bio about presentation presenter",
    "meetings": "events event calendar upcoming evenements reunions calendrier",
    "rsvp": "attend going participer repondre",
    "upvote": "like vote star aimer voter",
    "language": "lang locale langue",
    "timezone": "tz zone fuseau",
    "members": "people membres",
    "networking": "coffee donut pairing matching cafe",
    "digest": "summary recap resume",
    "stats": "statistics analytics statistiques",
    "web": "dashboard website site login",
    "help": "commands aide commandes",
}
MEANT = {word: command for command, words in _WORDS.items() for word in words.split()}


def suggested_commands(typed: str, commands: Collection[str]) -> list[str]:
    """The commands (of ``commands``) the member may have meant by ``typed``: the one its
    meaning names, alone; else up to ``SUGGESTED`` spelled close to it."""
    word = typed_key(typed)
    meant = MEANT.get(word, "")
    if meant in commands:
        return [meant]
    return difflib.get_close_matches(word, sorted(commands), n=SUGGESTED)
