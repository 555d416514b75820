"""A language is a file: a pseudo-locale (``xa``, like Android's ``en-XA``: every catalog
string accented and bracketed, placeholders and code kept) is generated from the
extracted strings into a fresh locale folder and listed in LANGUAGES, with no Python
change. Then every command, every button, every form, and every post and DM the commands
and the scheduler send are rendered in it: any English word left outside the ⟦brackets⟧
is a string that does not go through the catalog."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from babel import Locale

from bot.kernel.messages import (
    BulletList,
    Buttons,
    Code,
    Fields,
    FormRequest,
    Heading,
    Message,
    Note,
    Paragraph,
    Select,
    Span,
    Strong,
    Text,
)
from bot.kernel.registry import Registry
from scheduler.planners.digest import DigestPlanner
from scheduler.planners.meetings import MeetingPlanner
from scheduler.planners.networking import NetworkingPlanner
from scheduler.planners.prompts import PromptPlanner
from tests.prompts.support import RecordingSender, run_window
from tests.support.catalogs import CLOSE, OPEN, write_pseudo_locale
from tests.support.harness import Harness

# two letters: a member's language is stored in two (a code with a region, such as
# en-XA or pt-BR, would need that column widened first)
PSEUDO = "xa"
START = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)
# everything members write here is Greek or Cyrillic, so any Latin word left in a reply
# came from the code
COORDINATOR, MEMBER, OTHER = "Ада", "Бора", "Вера"
COMMUNITY = "ψυχή"
VALUES = {
    "community": COMMUNITY,
    "meeting": "1",
    "resource": "1",
    "member": "<@бора>",
    "url": "https://example.org/ψ",
    "tags": "#δέλτα",
    "int": "1",
    "timezone": "America/Vancouver",
    "word": COMMUNITY,
    "text": "Ωμέγα λόγος",
}
# free text with a meaning of its own (times, cadences, profile pairs)
TEXT_VALUES = {
    "meeting schedule": {"details": "2027-03-10 16:30 every week Ώρα"},
    "meeting move": {"change": "2027-03-10 to 2027-03-11 10:00"},
    "meeting cancel": {"which": "2027-03-17"},
    "prompt schedule": {"cadence": "weekly wed 10:00"},
    "networking schedule": {"cadence": "weekly mon 9:00"},
    "digest": {"mode": "weekly"},
    "intro": {"details": "title: Σύμβουλος; org: Κολέγιο"},
    "help": {"topic": "share"},
    "language": {"language": PSEUDO},
    "resources": {"query": "Ωμέγα"},
    "timezone": {"zone": "America/Vancouver"},
}
SETUP = [
    (COORDINATOR, f"community create {COMMUNITY} Δέλτα #δέλτα", "C1"),
    (MEMBER, f"join {COMMUNITY}", None),
    (OTHER, f"join {COMMUNITY}", None),
    (MEMBER, "intro title: Σύμβουλος; interests: #δέλτα; networking: yes", None),
    (OTHER, "intro title: Δάσκαλος; interests: #δέλτα; networking: yes", None),
    (COORDINATOR, f'share https://example.org/α "Οδηγός" #δέλτα in {COMMUNITY}', None),
    (COORDINATOR, f"meeting schedule {COMMUNITY} 2027-03-10 16:30 every week Ώρα", None),
    (MEMBER, "rsvp 1 going", None),
    (MEMBER, "agenda 1 Θέμα", None),
    (COORDINATOR, f'prompt add "Τι δοκιμάσατε;" in {COMMUNITY}', None),
    (MEMBER, f'prompt suggest "Τι μάθατε;" in {COMMUNITY}', None),
    (COORDINATOR, f"prompt schedule {COMMUNITY} weekly wed 10:00", None),
    (COORDINATOR, f"networking schedule {COMMUNITY} weekly mon 9:00", None),
    (COORDINATOR, f"digest {COMMUNITY} weekly", None),
]
# mistakes, so that error replies are rendered too
MISTAKES = ["nonsense", "join", "join ψυχ", "share ftp://x", "rsvp 99 going", ""]

_ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
_BRACKETED = re.compile(re.escape(OPEN) + "[^" + OPEN + CLOSE + "]*" + re.escape(CLOSE))
_URL = re.compile(r"https?://\S+")
_ZONE = re.compile(r"\b[A-Z][A-Za-z_]+/[A-Za-z_/]+")
_ISO = re.compile(r"\d{4}-\d\d-\d\dT[\d:+.Z-]+")


def cldr_words() -> set[str]:
    """Names Babel takes from CLDR for the pseudo-locale's base language: they are data,
    not our strings (day and month names, AM/PM, language names)."""
    english = Locale.parse("en")
    words: set[str] = set()
    for table in (english.days, english.months):
        for width in table["format"].values():
            words.update(str(name) for name in width.values())
    words.update(str(v) for v in english.day_periods["format"]["abbreviated"].values())
    words.update(str(v) for v in english.languages.values())
    return {w for name in words for w in _ENGLISH_WORD.findall(name)}


ALLOWED = cldr_words() | {"en", PSEUDO}  # the language codes themselves


def _line(spans: tuple[Span, ...]) -> str:
    """A line's text; a typed value (mention, channel, link, time) reads as a space."""
    return "".join(s.text if isinstance(s, Text | Strong | Code) else " " for s in spans)


def texts(message: Message) -> Iterator[str]:
    """Every piece of text a member reads in a message, typed values excepted."""
    for part in message.parts:
        if isinstance(part, Heading):
            yield part.text
        elif isinstance(part, Paragraph | Note):
            yield _line(part.spans)
        elif isinstance(part, Fields):
            for field in part.fields:
                yield field.label
                yield _line(field.value)
        elif isinstance(part, BulletList):
            yield from (_line(item) for item in part.items)
        elif isinstance(part, Buttons):
            yield from (button.label for button in part.buttons)
        elif isinstance(part, Select):
            yield part.placeholder
            yield from (choice.label for choice in part.choices)
        elif isinstance(part, FormRequest):
            form = part.form
            yield from (part.label, form.title, form.submit_label)
            for field in form.fields:
                yield from (field.label, field.placeholder)
                yield from (choice.label for choice in field.choices)


def _is_json(text: str) -> bool:
    """``export-my-data`` hands over a JSON document: its keys are a data format."""
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


def untranslated(
    message: Message, typed: str = "", syntax: frozenset[str] = frozenset()
) -> list[str]:
    """English words outside the brackets, other than what the member typed (``typed``),
    ``syntax`` (command words and choices, typed the same in every language) and CLDR data."""
    allowed = ALLOWED | syntax | set(_ENGLISH_WORD.findall(typed))
    found = []
    for text in texts(message):
        if _is_json(text):
            continue
        rest = text
        while _BRACKETED.search(rest):  # a translation may hold another
            rest = _BRACKETED.sub(" ", rest)
        for pattern in (_URL, _ZONE, _ISO):
            rest = pattern.sub(" ", rest)
        words = [w for w in _ENGLISH_WORD.findall(rest) if w not in allowed]
        if words:
            found.append(f"{words} in {text!r}")
    return found


def syntax_words(registry: Registry) -> frozenset[str]:
    """Command words and choice values: what members type, the same in every language."""
    words = set()
    for command in registry.commands.values():
        words.update(command.words)
        for param in command.params:
            words.update(param.arg.choices)
    return frozenset(w for text in words for w in _ENGLISH_WORD.findall(text))


async def pseudo_harness(locale_dir: Path) -> Harness:
    write_pseudo_locale(locale_dir, PSEUDO)
    return Harness.build(
        start=START,
        LANGUAGES=f"en,{PSEUDO}",
        LOCALE_DIR=str(locale_dir),
        DEFAULT_LANGUAGE=PSEUDO,
    )


async def test_every_reply_button_form_post_and_dm_reads_in_the_pseudo_locale(
    db: str, tmp_path: Path
) -> None:
    h = await pseudo_harness(tmp_path / "locale")
    seen: list[tuple[str, Message]] = []
    syntax = syntax_words(h.core.registry)

    async def say(user: str, line: str, channel: str | None = None) -> Message:
        reply = await h.say(user, line, channel, locale=PSEUDO)
        seen.append((line, reply))
        return reply

    for user, line, channel in SETUP:
        reply = await say(user, line, channel)
        assert not reply.is_error, (line, reply)
    # what the scheduler sends: reminders, prompts, networking pairs, digests
    sender = RecordingSender.for_harness(h)
    for planner in (
        MeetingPlanner(h.core.settings),
        PromptPlanner(h.core.settings),
        NetworkingPlanner(h.core.settings),
        DigestPlanner(h.core.settings),
    ):
        await run_window(planner, sender, START, START + timedelta(weeks=3))
    assert len(sender.posted) >= 5, [p.kind for p in sender.posted]
    seen += [(f"scheduled {p.kind} to {p.target}", p.message) for p in sender.posted]
    h.clock.set(START)
    for line in MISTAKES:
        await say(MEMBER, line)
    registry = h.core.registry
    for name, command in sorted(registry.commands.items()):
        options = {}
        for param in command.params:
            if param.arg.kind == "choice":
                options[param.name] = param.arg.choices[0]
            else:
                options[param.name] = VALUES.get(param.arg.kind, VALUES["text"])
        options.update(TEXT_VALUES.get(name, {}))
        for user in (COORDINATOR, MEMBER):
            reply = await h.core.handle(h.who(user, "C1", locale=PSEUDO), name, options)
            seen.append((f"{user}: {name} {options}", reply))
            reply = await h.core.handle(h.who(user, locale=PSEUDO), name, {})
            seen.append((f"{user}: {name} (no options)", reply))
    # every button and select the replies carry, pressed; every form, submitted
    for label, message in list(seen):
        for part in message.parts:
            presses = []
            if isinstance(part, Buttons):
                presses = [(b.action, b.value) for b in part.buttons if not b.url]
            elif isinstance(part, Select):
                presses = [(part.action, c.value) for c in part.choices]
            for action, value in presses:
                reply = await h.core.press(h.who(OTHER, locale=PSEUDO), action, value)
                seen.append((f"press {action} {value} (from {label})", reply))
            if isinstance(part, FormRequest):
                form = part.form
                values = {f.name: f.initial or "Ωμέγα" for f in form.fields}
                reply = await h.core.submit_form(
                    h.who(OTHER, locale=PSEUDO), form.form_id, values, form.context
                )
                seen.append((f"form {form.form_id}", reply))
    seen += [(f"{s.kind} to {s.target}", s.message) for s in h.outbox.sent]

    assert len(seen) > 150
    problems = [
        f"{label}: {found}" for label, m in seen for found in untranslated(m, label, syntax)
    ]
    assert not problems, "\n".join(problems[:40])
    # and the pseudo-locale was really used (not English with no English words)
    assert any(OPEN in text for _, m in seen for text in texts(m))


def test_the_detector_catches_an_english_string() -> None:
    message = Message().add(Paragraph((Text("⟦Ĵöîñ ψυχή⟧"),)), Heading("Upcoming meetings"))
    assert untranslated(message) == ["['Upcoming', 'meetings'] in 'Upcoming meetings'"]
    # what the member typed and the command words are theirs, not the catalog's
    assert untranslated(message, "Upcoming", frozenset({"meetings"})) == []
