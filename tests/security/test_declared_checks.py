"""Every check a command, button or form declares (``role=``) is enforced by the core on
every entry point: a typed text command, a command with its options (Discord), a button, a
form. Driven by the registry (the real areas plus ``checked_area``, which declares each
role on each kind of entry point), so an entry point added later is covered.

Refused: the reply names the missing role, no row changes, nothing is sent, and the
handler never ran. Allowed: someone holding the role gets past the check."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from types import ModuleType
from typing import Annotated, Any

import pytest

from bot.kernel.clock import ManualClock
from bot.kernel.core import Core
from bot.kernel.discovery import area_modules
from bot.kernel.messages import Message, message_text
from bot.kernel.occurrences import upcoming_of
from bot.kernel.registry import Action, Arg, Command, Param, Registry, button
from bot.kernel.who import Who
from data.models import Community, Meeting, Prompt, Resource
from tests.security import checked_area
from tests.security.support import changed_rows, snapshot
from tests.support.harness import Harness, RecordingOutbox, send_effects, test_settings

# what a refusal says, by the role that was missing
REFUSALS = {
    "coordinator": "only coordinators of",
    "member": "you are not a member of",
    "admin": "only workspace administrators",
}
# who lacks the role (in python's channel), and who holds it
LACKING = {"coordinator": "Bob", "member": "Dan", "admin": "Bob"}
HOLDING = {"coordinator": "Ada", "member": "Bob", "admin": "Root"}
# commands whose free text means something of its own
TEXTS = {
    "meeting schedule": {"details": "2027-03-20 10:00 Planning"},
    "meeting move": {"change": "2027-03-10 to 2027-03-11 10:00"},
    "meeting cancel": {"which": "2027-03-10"},
    "prompt schedule": {"cadence": "weekly on Wednesday at 10:00"},
    "networking schedule": {"cadence": "weekly on Monday at 9:00"},
    "community edit": {"description": "new words"},
    "community language": {"language": "both"},
    "agenda": {"item": "Share the rubric"},
    "rsvp": {"status": "going"},
}


def registry() -> Registry:
    return Registry.from_modules([*area_modules(), checked_area])


def entries() -> list[tuple[str, str, str]]:
    """(entry point, name, role) for every declared check, each command twice."""
    found: list[tuple[str, str, str]] = []
    built = registry()
    for command in built.commands.values():
        if command.role != "anyone":
            found += [("text", command.name, command.role), ("options", command.name, command.role)]
    for action in [*built.press_handlers.values(), *built.form_handlers.values()]:
        if action.role != "anyone":
            found.append(("form" if action.is_form else "button", action.name, action.role))
    return found


class World:
    def __init__(self, harness: Harness, values: dict[str, str], buttons: dict[str, str]) -> None:
        self.h = harness
        self.values = values  # argument kind -> text naming a real object
        self.buttons = buttons  # argument kind -> the value a button carries for it

    def who(self, name: str) -> Who:
        return self.h.who(name, "C1", is_admin=name == "Root")

    def options(self, command: Command) -> dict[str, str]:
        options = {p.name: self._option(p) for p in command.params}
        options.update(TEXTS.get(command.name, {}))
        return options

    def _option(self, param: Param) -> str:
        if param.arg.kind == "choice":
            return param.arg.choices[0]
        return self.values.get(param.arg.kind, "hello there")

    def line(self, command: Command) -> str:
        """The command as a member would type it."""
        options = self.options(command)
        words, tail = [command.name], []
        for param in command.params:
            value = options[param.name]
            if param.arg.via_in:
                tail.append(f"in {value}")
            elif param.arg.kind == "text" or " " not in value:
                words.append(value)
            else:
                words.append(f'"{value}"')
        return " ".join(words + tail)

    def value(self, action: Action) -> str:
        pieces = []
        for param in action.params:
            if param.arg.kind == "choice":
                pieces.append(param.arg.choices[0])
            else:
                pieces.append(self.buttons.get(param.arg.kind, "token"))
        return action.separator.join(pieces)

    def attempt(self, entry: str, name: str, who: str) -> Callable[[], Awaitable[Message]]:
        core = self.h.core
        if entry == "text":
            return lambda: core.handle_text(self.who(who), self.line(core.registry.commands[name]))
        if entry == "options":
            command = core.registry.commands[name]
            return lambda: core.handle(self.who(who), name, self.options(command))
        if entry == "button":
            action = core.registry.press_handlers[name]
            return lambda: core.press(self.who(who), name, self.value(action))
        action = core.registry.form_handlers[name]
        return lambda: core.submit_form(self.who(who), name, {}, context=self.value(action))


async def world() -> World:
    clock = ManualClock(datetime(2027, 3, 1, 15, 0, tzinfo=UTC))
    core = Core(test_settings(), clock, registry())
    send_effects(core, clock)
    outbox = RecordingOutbox()
    core.attach_outbox(outbox)
    h = Harness(core, clock, outbox)
    for user, line, channel in [
        ("Ada", "community create python", "C1"),
        ("Bob", "join python", None),
        ("Cy", "join python", None),
        ("Ada", "meeting schedule python 2027-03-10 16:30 every week Python hour", None),
        ("Bob", "share https://example.org/rubric Rubric in python", None),
        ("Bob", 'prompt suggest "What worked?" in python', None),
        ("Dan", "help", None),
        ("Root", "help", None),
    ]:
        reply = await h.say(user, line, channel)
        assert not reply.is_error, message_text(reply)
    community = await Community.get(name="python")
    meeting = await Meeting.get(title="Python hour")
    resource = await Resource.get(title="Rubric")
    pending = await Prompt.get(status="pending")
    (upcoming,) = await upcoming_of([meeting], clock.now(), limit=1)
    values = {
        "community": "python",
        "word": "python",
        "meeting": str(meeting.id),
        "resource": str(resource.id),
        "prompt": str(pending.id),
        "member": "<@cy>",
        "int": "1",
        "url": "https://example.org/checked",
        "tags": "#new",
        "timezone": "Toronto",
        "text": "hello there",
    }
    buttons = {
        "community": str(community.id),
        "meeting": upcoming.key,
        "resource": str(resource.id),
        "prompt": str(pending.id),
        "url": "https://example.org/offered",
    }
    return World(h, values, buttons)


def test_every_role_is_declared_on_every_kind_of_entry_point() -> None:
    declared = {(entry, role) for entry, _, role in entries()}
    for entry in ("text", "options", "button", "form"):
        for role in ("member", "coordinator", "admin"):
            if (entry, role) == ("button", "admin"):
                continue  # no button is for admins only; the others cover the mechanism
            assert (entry, role) in declared, (entry, role)


@pytest.mark.parametrize(("entry", "name", "role"), entries())
async def test_a_declared_check_is_enforced_before_the_handler_runs(
    db: str, entry: str, name: str, role: str
) -> None:
    w = await world()
    checked_area.RAN.clear()
    w.h.outbox.clear()
    before = await snapshot()
    refused = await w.attempt(entry, name, LACKING[role])()
    text = message_text(refused)
    assert refused.is_error and REFUSALS[role] in text.lower(), (entry, name, text)
    assert changed_rows(before, await snapshot()) == []
    assert w.h.outbox.sent == []
    assert checked_area.RAN == []

    allowed = await w.attempt(entry, name, HOLDING[role])()
    assert REFUSALS[role] not in message_text(allowed).lower(), (entry, name, allowed)


def test_a_community_role_without_a_community_argument_is_refused_at_start_up() -> None:
    area = ModuleType("careless")

    async def careless(ctx: Any, value: Annotated[str, Arg("a word")]) -> None:
        """Declares a check it gives the core no way to make"""

    careless.__module__ = "careless"
    area.careless = button("careless", role="coordinator")(careless)  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match="careless"):
        Registry.from_modules([area])


def test_the_old_handler_tables_are_refused_rather_than_ignored() -> None:
    area = ModuleType("old_style")
    area.PRESS_HANDLERS = {}  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match="PRESS_HANDLERS"):
        Registry.from_modules([area])
