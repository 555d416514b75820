"""No N+1 on the command path: every command of the registry sends the same number of SQL
statements in a small workspace and in one with three times the communities, members,
meetings, resources and prompts. A command whose count grows with the data queries per
item; this test names it and both counts.

The same script of commands runs in both workspaces (of one database), so each command
meets the same state apart from the amount of data around it."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from bot.kernel.discovery import default_registry
from bot.kernel.parser import parse_line
from data.models import Prompt
from tests.support.harness import Harness

# the one write a read-only command may cause: a search first indexing the resources that
# wait for it on SQLite (data.search_schema.index_waiting), upkeep of the index that holds
# nothing the member did
SEARCH_UPKEEP = (
    "INSERT INTO RESOURCE_FTS(",
    "INSERT INTO RESOURCE_HEAD_FTS(",
    "DELETE FROM RESOURCE_FTS_PENDING",
)


class Statements(logging.Handler):
    """Counts the statements tortoise sends (its db_client logger logs each one)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0
        self.writes: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        sql = record.getMessage().lstrip().upper()
        if sql.startswith(("INSERT", "UPDATE", "DELETE")) and not sql.startswith(SEARCH_UPKEEP):
            self.writes.append(record.getMessage()[:120])


@pytest.fixture
def statements() -> Iterator[Statements]:
    handler = Statements()
    logger = logging.getLogger("tortoise.db_client")
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


@dataclass
class World:
    h: Harness
    size: int
    counts: dict[str, int] = field(default_factory=dict)
    # what commands marked read-only wrote (they run without a transaction)
    read_only_writes: list[str] = field(default_factory=list)


async def build(workspace: str, size: int) -> World:
    """``size`` communities, members (besides Ada), meetings, resources and prompts."""
    h = Harness.build(workspace=workspace, HTTP_PORT=8123)  # web links are handed out

    async def said(h: Harness, who: str, line: str, channel: str | None = None) -> None:
        reply = await h.say(who, line, channel=channel)
        assert not reply.is_error, f"set-up {line!r} failed: {reply}"

    await said(h, "Ada", 'community create python "Python in teaching" #python', channel="C1")
    for n in range(2, size + 1):
        await said(h, "Ada", f"community create c{n}", channel=f"C{n}")
    for n in range(size):
        await said(h, f"Member{n}", "join python")
        await said(h, f"Member{n}", "join c2")
        await said(
            h, "Ada", f"share https://x.example/{n} Handout{n} #assessment in python", channel="C1"
        )
        await said(h, "Ada", f"meeting schedule python 2027-05-{10 + n} 16:30 Meet{n}")
        await said(h, "Ada", f'prompt add "Question {n}?" in python')
        await said(h, f"Member{n}", f"upvote Handout{n}")
        await said(h, f"Member{n}", f"rsvp Meet{n} going")
    await said(h, "Bob", "join python")
    await said(h, "Bob", "join c2")
    return World(h, size)


async def prompt_id(world: World, text: str) -> str:
    prompt = await Prompt.filter(text=text).order_by("-id").first()
    assert prompt is not None, text
    return str(prompt.id)


# (who, line or line maker, channel): every registry command at least once
Step = tuple[str, str | Callable[[World], object], str | None]
SCRIPT: list[Step] = [
    ("Ada", "help", None),
    ("Ada", "help share", None),
    ("Ada", "communities", None),
    ("Bob", "communities", "C1"),
    ("Ada", 'community edit python "Python for course designers" #python', None),
    ("Ada", "community bind python", "C1"),
    ("Ada", "community coordinator add @Bob in python", None),
    ("Ada", "digest python weekly", None),
    ("Bob", "intro title: Designer; interests: #moodle", None),
    ("Bob", "whois @Ada", None),
    ("Bob", "language fr", None),
    ("Bob", "language en", None),
    ("Bob", "timezone America/Vancouver", None),
    ("Bob", "members python", None),
    ("Bob", "meetings", None),
    ("Bob", "meetings python", None),
    ("Bob", "rsvp Meet0 maybe", None),
    ("Ada", 'agenda Meet0 "Share your grading scripts"', None),
    ("Ada", "meeting move Meet0 2027-05-10 to 2027-05-11 16:30", None),
    ("Ada", "meeting schedule python 2027-06-01 16:30 every week Python hour", None),
    ("Ada", 'meeting cancel "Python hour" all', None),
    ("Bob", 'share https://y.example/page "Grading sheet" #assessment', "C1"),
    ("Bob", "resources grading", None),
    ("Bob", "resources", "C1"),
    ("Bob", "resources #assessment in python", None),
    ("Ada", 'upvote "Grading sheet"', None),
    ("Ada", 'unshare "Grading sheet"', None),
    ("Bob", 'prompt suggest "How do you run office hours?" in python', None),
    ("Bob", 'prompt suggest "What is your favourite tool?" in python', None),
    ("Ada", "prompt list in python", None),
    ("Ada", "prompt list", "C1"),
    ("Ada", 'prompt add "What did you try in class?" in python', None),
    ("Ada", lambda w: f"prompt approve {w.h.prompts['office']}", None),  # type: ignore[attr-defined]
    ("Ada", lambda w: f"prompt reject {w.h.prompts['tool']}", None),  # type: ignore[attr-defined]
    ("Ada", lambda w: f"prompt remove {w.h.prompts['class']}", None),  # type: ignore[attr-defined]
    ("Ada", "prompt now python", None),
    ("Ada", "prompt schedule python weekly wed 10:00", None),
    ("Bob", "networking on", None),
    ("Ada", "networking schedule python every 2 weeks monday 9:00", None),
    ("Bob", "networking off", None),
    ("Ada", "stats", None),
    ("Ada", "stats python", None),
    ("Bob", "leave c2", None),
    ("Bob", "join c2", None),
    ("Ada", "community create rust", None),
    ("Ada", "community archive c2", None),
    ("Ada", "community unarchive c2", None),
    ("Ada", "community language python both", None),
    ("Ada", "community visibility python public", None),
    ("Bob", "web", None),
    ("Bob", "export-my-data", None),
    ("Bob", "forget-me", None),
]


async def run_script(world: World, statements: Statements) -> None:
    registry = world.h.core.registry
    for index, (who, line, channel) in enumerate(SCRIPT):
        if callable(line):
            world.h.prompts = {  # type: ignore[attr-defined]
                "office": await prompt_id(world, "How do you run office hours?"),
                "tool": await prompt_id(world, "What is your favourite tool?"),
                "class": await prompt_id(world, "What did you try in class?"),
            }
            line = str(line(world))
        command = parse_line(registry, line).command
        before, writes = statements.count, len(statements.writes)
        reply = await world.h.say(who, line, channel=channel)
        assert not reply.is_error, f"{line!r} failed in the test's own set-up: {reply}"
        world.counts[f"{index:02d} {command.name}: {line}"] = statements.count - before
        if command.read_only:
            world.read_only_writes += [f"{line}: {sql}" for sql in statements.writes[writes:]]


async def test_statements_per_command_do_not_grow_with_the_data(
    db: str, statements: Statements
) -> None:
    small = await build("T1", 2)
    large = await build("T2", 6)
    await run_script(small, statements)
    await run_script(large, statements)
    registry = default_registry()
    ran = {step.split(" ", 1)[1].split(":", 1)[0] for step in small.counts}
    missing = {c.name for c in registry.commands.values() if not c.hidden} - ran
    assert not missing, f"commands the script does not run: {sorted(missing)}"
    grew = [
        f"{step}: {count} -> {grown}"
        for (step, count), grown in zip(small.counts.items(), large.counts.values(), strict=True)
        if grown > count
    ]
    assert not small.read_only_writes + large.read_only_writes
    assert not grew, "statements grow with the data (small -> 3x data):\n" + "\n".join(grew)
