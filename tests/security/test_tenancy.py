"""Tenancy: from workspace T2, every entry point of the core (commands, buttons, forms,
events, autocompletion) is tried with T1's ids, names, URLs, occurrence keys and tokens.
Nothing of T1 may be shown, and T1's rows must stay exactly as they were.

Driven by the registry, so commands, buttons, forms and completers added later are covered.
"""

from __future__ import annotations

import inspect
import itertools
from datetime import UTC, datetime

from bot.kernel.messages import Buttons, Message, Select, message_text
from bot.kernel.registry import Command, Param
from data.models import Workspace
from tests.security.support import Populated, changed_rows, populate, references_to, snapshot
from tests.support.harness import Harness

T1_NAMES = {
    "coordinator": "Ursula",
    "member": "Viktor",
    "channel": "CZEBRA",
    "community": "zebracop",
    "description": "okapi savanna lore",
    "intro_title": "Capybara keeper",
    "org": "Tapir Institute",
    "url": "https://zebra.example/guide",
    "resource_title": "Quagga handbook",
    "tag": "ibex",
    "location": "https://meet.example/narwhal",
    "meeting_title": "Narwhal sync",
    "prompt": "Which pangolin habits help?",
    "suggestion": "What about wombat trails?",
    "agenda": "axolotl topic",
}
T2_NAMES = {
    "coordinator": "Wanda",
    "member": "Xavier",
    "channel": "CT2",
    "community": "python",
    "description": "snakes and code",
    "intro_title": "Teacher",
    "org": "College",
    "url": "https://python.example/doc",
    "resource_title": "Python notes",
    "tag": "py",
    "location": "https://meet.example/py",
    "meeting_title": "Python hour",
    "prompt": "What did you try?",
    "suggestion": "What worked?",
    "agenda": "lists",
}
# what T1 holds that nobody in T2 may ever see (unless they typed it themselves)
SECRETS = [v for k, v in T1_NAMES.items() if k not in ("channel",)] + [
    "ursula",
    "viktor",
    "zebra.example",
    "narwhal",
    "quagga",
    "pangolin",
    "wombat",
    "okapi",
]


async def written_in_t2(owned: dict[str, set[int]]) -> str:
    """Every row that is not T1's, as lower-case text: what T2's members wrote themselves
    (an attack such as ``share <T1 url> quagga`` legitimately stores T1's words in T2)."""
    rows = await snapshot()
    return " ".join(
        str(row)
        for table, by_id in rows.items()
        for k, row in by_id.items()
        if k not in owned[table]
    ).lower()


def leaked(message: Message, typed: str) -> list[str]:
    """T1's strings in a message that the attacker did not type."""
    shown = message_text(message).lower()
    values = []
    for part in message.parts:
        if isinstance(part, Buttons):
            values += [f"{b.value} {b.url or ''}" for b in part.buttons]
        elif isinstance(part, Select):
            values += [f"{c.label} {c.value}" for c in part.choices]
    shown += " " + " ".join(values).lower()
    return [s for s in SECRETS if s.lower() in shown and s.lower() not in typed.lower()]


def candidates(param: Param, t1: Populated) -> list[str]:
    """T1's values an attacker could give for a parameter of this kind."""
    ids = [str(i) for i in t1.resource_ids + t1.meeting_ids + t1.prompt_ids + t1.member_ids]
    by_kind: dict[str, list[str]] = {
        "community": [t1.community, str(t1.community_id)],
        "word": [t1.community, str(t1.community_id)],
        "meeting": [*map(str, t1.meeting_ids), *t1.occurrence_keys, T1_NAMES["meeting_title"]],
        "resource": [*map(str, t1.resource_ids), T1_NAMES["url"], "Quagga"],
        "member": ["ursula", "<@viktor>", "Viktor", *map(str, t1.member_ids)],
        "int": ids,
        "url": [T1_NAMES["url"]],
        "tags": ["#" + T1_NAMES["tag"]],
        "timezone": ["America/Toronto"],
        "text": [
            "quagga",
            "okapi",
            "all",
            f"{t1.occurrence_keys[0]} to 2027-04-01 10:00",
            "2027-03-10 to 2027-03-11 10:00",
            "weekly on Monday at 9:00",
            "title: x; networking: yes",
        ],
    }
    if param.arg.kind == "choice":
        return list(param.arg.choices)
    return by_kind.get(param.arg.kind, [t1.community])


def attacks(command: Command, t1: Populated) -> list[dict[str, str]]:
    """Option sets: each parameter in turn takes each of its T1 values, the others their
    first one (optional ones also left out)."""
    firsts = {p.name: candidates(p, t1)[0] for p in command.params}
    options: list[dict[str, str]] = [dict(firsts)]
    for param in command.params:
        for value in candidates(param, t1):
            options.append({**firsts, param.name: value})
        if not param.required:
            options.append({k: v for k, v in firsts.items() if k != param.name})
    unique = {tuple(sorted(o.items())) for o in options}
    return [dict(o) for o in sorted(unique)]


def press_values(t1: Populated) -> list[str]:
    ids = t1.resource_ids + t1.meeting_ids + t1.prompt_ids + t1.member_ids + [t1.community_id]
    keys = list(t1.occurrence_keys)
    values = [str(i) for i in ids] + keys + [f"{k}:{s}" for k in keys for s in ("going", "no")]
    values += [*t1.tokens, f"{t1.community_id} https://evil.example/x", t1.community]
    return values


async def two_workspaces() -> tuple[Populated, Populated, dict[str, set[int]]]:
    start = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)
    h1 = Harness.build(start=start, workspace="T1")
    t1 = await populate(h1, T1_NAMES)
    owned = {table: set(rows) for table, rows in (await snapshot()).items()}
    h2 = Harness.build(start=start, workspace="T2")
    t2 = await populate(h2, T2_NAMES)
    return t1, t2, owned


async def test_nothing_of_one_workspace_reaches_another(db: str) -> None:
    t1, t2, owned = await two_workspaces()
    h2 = t2.harness
    assert await Workspace.filter(external_id__in=["T1", "T2"]).count() == 2
    before = await snapshot()
    t1_before = {table: {k: rows[k] for k in owned[table]} for table, rows in before.items()}
    registry = h2.core.registry
    problems: list[str] = []
    h2.outbox.clear()

    # T2's admin coordinator, in T2's channel, in T1's channel (ids may coincide) and in none
    who_variants = [
        h2.who(t2.coordinator, t2.channel, is_admin=True),
        h2.who(t2.coordinator, t1.channel, is_admin=True),
        h2.who(t2.member),
    ]
    # creating a community named like T1's would make later attacks hit T2's own one
    commands = sorted(registry.commands.values(), key=lambda c: c.name == "community create")
    for command in commands:
        for options, who in itertools.product(attacks(command, t1), who_variants):
            typed = " ".join(options.values())
            reply = await h2.core.handle(who, command.name, options)
            for secret in leaked(reply, typed):
                problems.append(f"{command.name} {options}: shows {secret!r}")
            # the same as typed text, with "in <community>" where it takes one
            line = " ".join([command.name, *options.values()])
            reply = await h2.core.handle_text(who, line + f" in {t1.community}")
            for secret in leaked(reply, line + f" in {t1.community}"):
                problems.append(f"text {line!r}: shows {secret!r}")

    for action, value, who in itertools.product(
        registry.press_handlers, press_values(t1), who_variants
    ):
        reply = await h2.core.press(who, action, value)
        problems += [f"press {action} {value}: shows {s!r}" for s in leaked(reply, value)]

    for form_id, value, who in itertools.product(
        registry.form_handlers, ["", *press_values(t1)], who_variants
    ):
        values = {"title": "Analyst", "organization": "Org", "networking": "yes"}
        reply = await h2.core.submit_form(who, form_id, values, context=value)
        problems += [f"form {form_id} {value}: shows {s!r}" for s in leaked(reply, value)]

    handlers = [(n, h) for n, hs in registry.event_handlers.items() for h in hs]
    for name, handler in handlers:
        accepted = [p for p in inspect.signature(handler).parameters if p not in ("ctx", "_")]
        for value, who in itertools.product([*t1.thread_refs, t1.channel], who_variants):
            values = {p: value for p in accepted}
            if "text" in values:
                values["text"] = "see https://new.example/page"
            event_reply = await h2.core.event(who, name, **values)
            if event_reply is not None:
                problems += [
                    f"event {name} {value}: shows {s!r}" for s in leaked(event_reply, value)
                ]

    prefixes = ["", "z", "q", "n", "Quagga", "Narwhal", "zebra", "okapi"]
    prefixes += [str(i) for i in t1.resource_ids + t1.meeting_ids + [t1.community_id]]
    for kind, prefix, who in itertools.product(registry.completers, prefixes, who_variants):
        choices = await h2.core.autocomplete(who, kind, prefix)
        shown = " ".join(f"{c.label} {c.value}" for c in choices).lower()
        problems += [
            f"complete {kind} {prefix!r}: shows {s!r}"
            for s in SECRETS
            if s.lower() in shown and s.lower() not in prefix.lower()
        ]

    for sent in h2.outbox.sent:
        if sent.target in (t1.channel, "ursula", "viktor"):
            problems.append(f"sent to T1's {sent.target}: {sent.text}")
        problems += [f"sent {sent.text!r}: shows {s!r}" for s in leaked(sent.message, "")]

    if problems:  # T1's words that T2's own rows hold (T2 wrote them) are not leaks
        own = await written_in_t2(owned)
        problems = [p for p in problems if p.rsplit("shows ", 1)[-1].strip("'").lower() not in own]
    after = await snapshot()
    t1_after = {table: {k: rows.get(k) for k in owned[table]} for table, rows in after.items()}
    problems += changed_rows(
        t1_before, {t: {k: v for k, v in r.items() if v} for t, r in t1_after.items()}
    )
    problems += references_to(owned, before, after)
    assert not problems, "\n".join(problems[:40])
