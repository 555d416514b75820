"""The one free-text parser. Every adapter hands the core a line such as
``share https://x.org "A title" #tag tool in python`` and this turns it into the
command and its raw argument strings, by the command's schema.

It never raises anything but ``UserError``: unbalanced quotes are kept as text, unknown
pieces are reported with the command's usage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.kernel.errors import UserError
from bot.kernel.i18n import N_

if TYPE_CHECKING:  # the registry's resolvers read choices through this module
    from bot.kernel.registry import Command, Registry

_QUOTES = {'"': '"', "“": "”", "«": "»", "'": "'"}
_TAG = re.compile(r"^#([\w][\w\-.+]{0,39})$", re.UNICODE)
_URL = re.compile(r"^<?([a-zA-Z][a-zA-Z0-9+.\-]*:\S+?)(?:\|[^>]*)?>?$")
_MENTION = re.compile(r"^<@!?([A-Za-z0-9]+)(?:\|[^>]*)?>$|^@(\S+)$")
_SCHEMES = ("javascript:", "data:", "vbscript:", "file:", "mailto:")
IN_WORDS = ("in", "dans")
# kinds that take the rest of the line when they are the last positional parameter
GREEDY_KINDS = ("text", "community", "meeting", "resource", "timezone", "member")
# French words a member may type for a choice; the first listed value the command accepts wins
CHOICE_ALIASES: dict[str, tuple[str, ...]] = {
    "oui": ("going", "yes", "on"),
    "peut-être": ("maybe",),
    "peut-etre": ("maybe",),
    "non": ("no", "off"),
    "hebdomadaire": ("weekly",),
    # resource kinds, as the French texts name them (and their usual synonyms)
    "vidéo": ("video",),
    "balado": ("podcast",),
    "baladodiffusion": ("podcast",),
    "cours": ("course",),
    "formation": ("course",),
    "livre": ("book",),
    "publication": ("paper",),
    "données": ("dataset",),
    "donnees": ("dataset",),
    "jeu-de-données": ("dataset",),
    "événement": ("event",),
    "evenement": ("event",),
    "évènement": ("event",),
    "webinaire": ("event",),
    "webinar": ("event",),
    "tutorial": ("guide",),
    "tutoriel": ("guide",),
    "how-to": ("guide",),
    "outil": ("tool",),
    "gabarit": ("template",),
    "modèle": ("template",),
    "modele": ("template",),
    "idée": ("idea",),
    "idee": ("idea",),
    "stratégie": ("strategy",),
    "strategie": ("strategy",),
    "nouvelle": ("update",),
    "autre": ("other",),
}


# the names a choice may be given by, as "name:value" ("kind:template", "type:outil")
CHOICE_NAMES: dict[str, tuple[str, ...]] = {"kind": ("kind", "type", "genre", "sorte")}


def _named_choice(param: str, text: str) -> bool:
    name, colon, value = text.partition(":")
    return bool(colon and value) and name.lower() in CHOICE_NAMES.get(param, (param,))


def choice_value(word: str, choices: tuple[str, ...]) -> str | None:
    """The choice a word stands for ("oui" is "going" for rsvp), or None."""
    word = word.lower()
    if word in choices:
        return word
    return next((c for c in CHOICE_ALIASES.get(word, ()) if c in choices), None)


@dataclass(frozen=True)
class Token:
    text: str
    quoted: bool = False


def tokenize(line: str) -> list[Token]:
    """Split on whitespace; quotes group words. An unclosed quote is kept as a character."""
    tokens: list[Token] = []
    i, n = 0, len(line)
    while i < n:
        char = line[i]
        if char.isspace():
            i += 1
            continue
        closing = _QUOTES.get(char)
        if closing is not None:
            end = line.find(closing, i + 1)
            # an apostrophe inside a word ("l'atelier") is not a quote
            if end != -1 and not (char == "'" and i > 0 and not line[i - 1].isspace()):
                tokens.append(Token(line[i + 1 : end].strip(), quoted=True))
                i = end + 1
                continue
        start = i
        while i < n and not line[i].isspace():
            i += 1
        tokens.append(Token(line[start:i]))
    return tokens


@dataclass(frozen=True)
class ParsedCommand:
    command: Command
    raw: dict[str, str]  # parameter name -> raw text (only the ones given)
    # an "in <words>" was read as the community; the words may just be text ("in French")
    read_in: bool = False


def parse_line(registry: Registry, line: str, *, read_in: bool = True) -> ParsedCommand:
    """Find the command in ``line`` and its raw arguments. The leading ``/`` and the Slack
    app command are the adapters' business; they may be left on."""
    text = line.strip()
    if text.startswith("/"):
        text = text[1:]
    tokens = tokenize(text)
    if not tokens:
        raise UserError("Type a command, for example `help`.")
    found = registry.find([t.text for t in tokens if not t.quoted][:3])
    if found is None:
        raise UnknownCommand(tokens[0].text)
    command, used = found
    raw = assign_arguments(command, tokens[used:], read_in=read_in)
    via_in = next((p.name for p in command.params if p.arg.via_in), None)
    return ParsedCommand(command, raw, read_in and via_in in raw and _had_in(tokens[used:]))


def _had_in(tokens: list[Token]) -> bool:
    return any(not t.quoted and t.text.lower() in IN_WORDS for t in tokens[:-1])


class UnknownCommand(UserError):
    def __init__(self, name: str) -> None:
        super().__init__(N_("I don't know the command “{name}”."), name=name)
        self.name = name


def is_url(text: str) -> bool:
    """Looks like a link (any scheme, so ``javascript:`` is caught and refused later)."""
    return bool(_URL.match(text)) and ("://" in text or text.lower().startswith(_SCHEMES))


def _position(tokens: list[Token], token: Token) -> int:
    """Where this very token stands in the line (two tokens may have the same text)."""
    return next(index for index, each in enumerate(tokens) if each is token)


def assign_arguments(
    command: Command, tokens: list[Token], *, read_in: bool = True
) -> dict[str, str]:
    """Give each parameter its raw text: special tokens first (in, #tags, URLs, mentions,
    choices), then what is left, in order; a text parameter takes the rest of the line."""
    params = list(command.params)
    raw: dict[str, str] = {}
    rest = list(tokens)
    typed_at: tuple[str, int] | None = None  # a member named "@name": its parameter, position

    via_in = next((p for p in params if p.arg.via_in), None)
    if via_in is not None and read_in:
        for index in range(len(rest) - 2, -1, -1):
            if not rest[index].quoted and rest[index].text.lower() in IN_WORDS:
                raw[via_in.name] = " ".join(t.text for t in rest[index + 1 :])
                rest = rest[:index]
                break

    for param in params:
        if param.name in raw:
            continue
        kind = param.arg.kind
        if kind == "tags":
            tags = [t for t in rest if not t.quoted and _TAG.match(t.text)]
            if tags:
                raw[param.name] = " ".join(t.text for t in tags)
                rest = [t for t in rest if t not in tags]
        elif kind == "url":
            url = next((t for t in rest if not t.quoted and is_url(t.text)), None)
            if url is not None:
                raw[param.name] = url.text
                rest.remove(url)
        elif kind == "member":
            mention = next((t for t in rest if not t.quoted and _MENTION.match(t.text)), None)
            if mention is not None:
                raw[param.name] = mention.text
                if mention.text.startswith("@"):  # typed, not a platform's <@U123>
                    typed_at = (param.name, _position(tokens, mention))
                rest.remove(mention)
        elif kind == "choice":
            # "kind:template" names its parameter, anywhere in the line
            named = next(
                (t for t in rest if not t.quoted and _named_choice(param.name, t.text)), None
            )
            if named is not None:
                given = named.text.split(":", 1)[1]
                value = choice_value(given, param.arg.choices)
                if value is None:
                    raise UserError(
                        "“{value}” is not one of: {choices}.",
                        value=given[:40],
                        choices=", ".join(param.arg.choices),
                    )
                raw[param.name] = value
                rest.remove(named)
                continue
            # a choice is recognised at the end of the line (or anywhere when required)
            candidates = rest if param.required else rest[-1:]
            match = next(
                (
                    t
                    for t in reversed(candidates)
                    if not t.quoted and choice_value(t.text, param.arg.choices) is not None
                ),
                None,
            )
            if match is not None:
                raw[param.name] = choice_value(match.text, param.arg.choices) or ""
                rest.remove(match)
            elif param.required and rest:
                # "language de": name the word and the allowed ones; the word is read where
                # the choice stands in the usage (first, or at the end)
                word = rest[0] if param is params[0] else rest[-1]
                raise UserError(
                    "“{value}” is not one of: {choices}.",
                    value=word.text[:40],
                    choices=", ".join(param.arg.choices),
                )

    # tags, URLs and choices only come from their own kind of token
    positional = [
        p for p in params if p.name not in raw and p.arg.kind not in ("tags", "url", "choice")
    ]
    # an "in <community>" parameter is positional only when nothing else is ("members python")
    if any(not p.arg.via_in for p in positional):
        positional = [p for p in positional if not p.arg.via_in]
    for index, param in enumerate(positional):
        if not rest:
            break
        if index == len(positional) - 1 and param.arg.kind in GREEDY_KINDS:
            if rest[0].quoted and len(rest) > 1:
                # a quoted text is exactly what was quoted: words after it are not glued on
                raw[param.name] = rest.pop(0).text
                break
            raw[param.name] = " ".join(t.text for t in rest)
            rest = []
        else:
            raw[param.name] = rest.pop(0).text
    if rest and typed_at is not None and all(_position(tokens, t) > typed_at[1] for t in rest):
        # "@Ada Lovelace": the words after a typed @name are the rest of a display name
        raw[typed_at[0]] += " " + " ".join(t.text for t in rest)
        rest = []
    if rest:
        raise UserError(
            "I didn't understand “{extra}” here. Put text with spaces in quotes.",
            extra=" ".join(t.text for t in rest),
        )
    return raw
