"""Every coordinator command (registry role "coordinator") is refused to a plain member, with
no change to the database, and allowed to a workspace admin. Driven by the registry."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.kernel.messages import message_text
from bot.kernel.registry import Command
from data.models import Meeting, Prompt
from tests.security.support import changed_rows, snapshot
from tests.support.harness import Harness

# plausible text values for the commands whose free text has a meaning of its own
TEXTS = {
    "meeting schedule": {"details": "2027-03-20 10:00 Planning"},
    "meeting move": {"change": "2027-03-10 to 2027-03-11 10:00"},
    "meeting cancel": {"which": "2027-03-10"},
    "prompt schedule": {"cadence": "weekly on Wednesday at 10:00"},
    "networking schedule": {"cadence": "weekly on Monday at 9:00"},
    "community edit": {"description": "new words"},
}


async def setup() -> tuple[Harness, dict[str, str]]:
    h = Harness.build(start=datetime(2027, 3, 1, 15, 0, tzinfo=UTC))
    reply = await h.say("Ada", "community create python", channel="C1")
    assert not reply.is_error, message_text(reply)
    for user, line in [
        ("Bob", "join python"),
        ("Cy", "join python"),
        ("Ada", "meeting schedule python 2027-03-10 16:30 every week Python hour"),
        ("Bob", 'prompt suggest "What worked?" in python'),
        ("Ada", 'prompt add "What did you try?" in python'),
    ]:
        reply = await h.say(user, line)
        assert not reply.is_error, message_text(reply)
    meeting = await Meeting.get(title="Python hour")
    pending = await Prompt.get(status="pending")
    values = {
        "community": "python",
        "word": "python",
        "meeting": str(meeting.id),
        "member": "<@cy>",
        "int": str(pending.id),
        "prompt": str(pending.id),
        "text": "hello there",
    }
    return h, values


def options_for(command: Command, values: dict[str, str]) -> dict[str, str]:
    options = {}
    for param in command.params:
        if param.arg.kind == "choice":
            options[param.name] = param.arg.choices[0]
        elif param.arg.kind == "tags":
            options[param.name] = "#new"
        else:
            options[param.name] = values.get(param.arg.kind, "hello there")
    options.update(TEXTS.get(command.name, {}))
    return options


def coordinator_commands() -> list[str]:
    from bot.kernel.discovery import default_registry

    return sorted(c.name for c in default_registry().commands.values() if c.role == "coordinator")


@pytest.mark.parametrize("name", coordinator_commands())
async def test_coordinator_command_is_refused_to_a_member_and_allowed_to_an_admin(
    db: str, name: str
) -> None:
    h, values = await setup()
    command = h.core.registry.commands[name]
    options = options_for(command, values)
    await h.say("Bob", "help")  # Bob's first sight is not part of the attempt
    before = await snapshot()
    h.outbox.clear()
    refused = await h.core.handle(h.who("Bob", "C1"), name, options)
    assert refused.is_error, (name, options, message_text(refused))
    assert "coordinator" in message_text(refused).lower(), message_text(refused)
    assert changed_rows(before, await snapshot()) == []
    assert h.outbox.sent == []
    allowed = await h.core.handle(h.who("Root", "C9", is_admin=True), name, options)
    assert not allowed.is_error, (name, options, message_text(allowed))
