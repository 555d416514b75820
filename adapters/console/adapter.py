"""The console adapter: copbot in a terminal, on a local SQLite file.

One command per line (``/join python``); ``/as <name>`` switches the acting member
(creating them counts as joining the workspace); ``/channel <name>`` moves into a
channel (``/channel`` alone leaves it); ``/press <n>`` presses a numbered button.
Forms are asked question by question; a line starting with ``/`` always is a command
and leaves any open form. With piped input it runs the lines and exits at the end.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
from dataclasses import dataclass, field
from typing import TextIO

from aiohttp import web

from adapters.console.render import render, safe
from bot.kernel.core import Core
from bot.kernel.errors import DirectMessagesBlocked
from bot.kernel.messages import Button, Form, Message
from bot.kernel.outbox import SendKey, refuse_inside_transaction
from bot.kernel.who import Who

log = logging.getLogger(__name__)

WORKSPACE_ID = "console"
# The operator runs the console workspace (its admin). Their member id stays "you", as
# in earlier versions, so an existing console database keeps its operator; they are
# shown as OPERATOR, and `/as you` or `/as operator` comes back to them.
OPERATOR = "Operator"
OPERATOR_ID = "you"
OPERATOR_ALIASES = ("you", "operator")
_SLUG = re.compile(r"[\W_]+")  # any letters, so Zoé is zoé and 李 is not "member"

# The console's own strings (the bot's are in bot/), in the acting member's language.


def is_operator(name: str) -> bool:
    return name.strip().casefold() in OPERATOR_ALIASES


def member_id(name: str) -> str:
    if is_operator(name):
        return OPERATOR_ID
    return _SLUG.sub("-", name.casefold()).strip("-")[:64] or "member"


@dataclass
class OpenForm:
    form: Form
    answers: dict[str, str] = field(default_factory=dict)
    position: int = 0


class ConsoleOutbox:
    """Channel posts and direct messages, printed labelled with where they went."""

    platform = "console"

    def __init__(self, console: ConsoleAdapter) -> None:
        self.console = console

    async def post(
        self,
        workspace_id: str,
        channel_id: str,
        message: Message,
        *,
        thread: str | None = None,
        key: SendKey | None = None,
    ) -> str:
        refuse_inside_transaction("a console post")
        label = f"#{channel_id}" + (" (thread)" if thread else "")
        return self.console.show(label, message)

    async def direct(
        self, workspace_id: str, user_id: str, message: Message, *, key: SendKey | None = None
    ) -> str:
        refuse_inside_transaction("a console direct message")
        if user_id in self.console.blocked_dms:
            raise DirectMessagesBlocked(user_id)
        if message.form_request is not None and user_id == member_id(self.console.member):
            # a form sent to the person at the keyboard opens after the reply being made
            self.console.dm_form = message.form_request.form
        if user_id == OPERATOR_ID:
            label = self.console.tr("DM to you")
        else:
            label = self.console.tr("DM to {member}", member=user_id)
        return self.console.show(label, message)


class ConsoleAdapter:
    name = "console"

    def __init__(
        self,
        core: Core,
        stop: asyncio.Event,
        *,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
    ) -> None:
        self.core = core
        self.stop_event = stop
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.outbox = ConsoleOutbox(self)
        self.member = OPERATOR
        self.channel: str | None = None
        self.buttons: dict[int, Button] = {}
        self.form: OpenForm | None = None
        self.dm_form: Form | None = None
        self.language = core.settings.default_language
        self.blocked_dms: set[str] = set()
        self._posted = 0
        self._task: asyncio.Task[None] | None = None
        self.interactive = self.stdin.isatty()

    # ---- Adapter protocol -----------------------------------------------------------

    async def start(self) -> None:
        await self._learn_language()
        self.write(
            self.tr(
                "copbot console. Type `/help` for the bot's commands. "
                "Console only:\n  /as <name>        act as another member "
                "(new names join the workspace)\n  /channel <name>   go into "
                "a channel (plain `/channel` leaves it)\n  /press <n>        "
                "press button number n\n  /quit             stop"
            )
        )
        self._task = asyncio.create_task(self._read_loop(), name="console-input")

    async def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()

    def http_routes(self) -> list[web.RouteDef]:
        return []

    def health(self) -> bool:
        """Up while it reads its input."""
        return self._task is not None and not self._task.done()

    # ---- output ---------------------------------------------------------------------

    def tr(self, key: str, **values: object) -> str:
        return self.core.translator(self.language)(key, **values)

    async def _learn_language(self) -> None:
        """The acting member's language, from the core (which reads the database)."""
        try:
            self.language = await self.core.language_of(self.who())
        except Exception:
            log.exception("could not learn the console member's language")
            self.language = self.core.settings.default_language

    def write(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def show(self, label: str, message: Message) -> str:
        lines = render(message, self._number, self.core.clock.now())
        self.write(f"[{label}] " + ("\n  ".join(lines) if lines else ""))
        self._posted += 1
        return f"console:{self._posted}"

    def _number(self, button: Button) -> int:
        number = len(self.buttons) + 1
        self.buttons[number] = button
        return number

    @property
    def colon(self) -> str:
        """What follows a label in the acting member's language ("Lieu : Montréal")."""
        return self.core.translator(self.language).pgettext("label separator", ": ")

    def _reply(self, message: Message) -> None:
        lines = render(message, self._number, self.core.clock.now(), self.colon)
        prefix = self.tr("(only you) ") if message.ephemeral and not self.interactive else ""
        if lines:
            self.write(prefix + "\n".join(lines))
        request = message.form_request
        dm_form, self.dm_form = self.dm_form, None
        if request is not None:
            self._open_form(request.form)
        elif dm_form is not None:
            self._open_form(dm_form)  # the direct message just sent asks for it

    # ---- input ----------------------------------------------------------------------

    def who(self) -> Who:
        return Who(
            platform="console",
            workspace_id=WORKSPACE_ID,
            workspace_name="Console",
            user_id=member_id(self.member),
            user_name=self.member,
            channel_id=self.channel,
            is_admin=is_operator(self.member),
        )

    def _where(self) -> str:
        return f"{safe(self.member)}@" + (f"#{self.channel}" if self.channel else "dm") + "> "

    def _prompt(self) -> None:
        if self.interactive:
            self.stdout.write(self._where())
            self.stdout.flush()

    def _echo(self, line: str) -> None:
        """Piped input is not shown by any terminal: print each line after the prompt, so
        the transcript reads like the session it was (which reply answers which line)."""
        if not self.interactive:
            self.write(self._where() + safe(line))

    async def _read_loop(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while True:
                self._prompt()
                line = await loop.run_in_executor(None, self.stdin.readline)
                if not line:
                    break
                self._echo(line.rstrip("\n"))
                if not await self.handle_line(line.rstrip("\n")):
                    break
        except Exception:
            log.exception("console input failed")
        finally:
            self.stop_event.set()

    async def handle_line(self, line: str) -> bool:
        """Run one line; False when the console should stop."""
        text = line.strip()
        if not text:
            if self.form is not None:
                await self._answer("")
            return True
        if not text.startswith("/") and self.form is not None:
            await self._answer(text)
            return True
        self.form = None  # a command always leaves an open form
        self.dm_form = None
        word, _, rest = text.lstrip("/").partition(" ")
        word, rest = word.lower(), rest.strip()
        if word in ("quit", "exit"):
            return False
        if word == "as":
            await self._switch_member(rest)
        elif word in ("channel", "cd"):
            self.channel = member_id(rest.lstrip("#")) if rest else None
            self.write(
                self.tr("(now in #{channel})", channel=self.channel)
                if self.channel
                else self.tr("(left the channel)")
            )
        elif word == "press":
            await self._press(rest)
        else:
            reply = await self.core.handle_text(self.who(), text)
            await self._learn_language()  # `language fr` changes it, for the next lines too
            self._reply(reply)
        return True

    async def _switch_member(self, name: str) -> None:
        name = safe(" ".join(name.split()))[:100]
        if not name:
            self.write(self.tr("Usage: /as <name>"))
            return
        self.member = OPERATOR if is_operator(name) else name
        await self._learn_language()
        self.write(self.tr("(you are now {name})", name=self.member))
        if is_operator(name):
            return  # the operator runs this workspace: coming back is not joining it
        joined = await self.core.event(self.who(), "member_joined_workspace")
        self.dm_form = None  # the workspace greeting's form: `/intro` opens it any time
        if joined is not None and (joined.parts or joined.form_request):
            self._reply(joined)

    async def _press(self, number: str) -> None:
        button = self.buttons.get(int(number)) if number.isascii() and number.isdigit() else None
        if button is None:
            self.write(self.tr("No such button. Buttons are shown as [n: label]."))
            return
        self._reply(await self.core.press(self.who(), button.action, button.value))

    # ---- forms ----------------------------------------------------------------------

    def _open_form(self, form: Form) -> None:
        self.form = OpenForm(form)
        self.write(
            f"== {safe(form.title)} == "
            + self.tr("(answer each question; empty keeps the value shown; a /command cancels)")
        )
        self._ask()

    def _ask(self) -> None:
        assert self.form is not None
        field_ = self.form.form.fields[self.form.position]
        current = f" [{safe(field_.initial)}]" if field_.initial else ""
        choices = " (" + "/".join(c.value for c in field_.choices) + ")" if field_.choices else ""
        self.write(f"{safe(field_.label)}{choices}{current}{self.colon.rstrip()}")

    async def _answer(self, text: str) -> None:
        assert self.form is not None
        open_form = self.form
        field_ = open_form.form.fields[open_form.position]
        open_form.answers[field_.name] = text or field_.initial
        open_form.position += 1
        if open_form.position < len(open_form.form.fields):
            self._ask()
            return
        self.form = None
        result = await self.core.submit_form(
            self.who(), open_form.form.form_id, open_form.answers, open_form.form.context
        )
        if result.field_errors:
            self._reply(result)
            self.write(self.tr("(type `/intro` or the command again to fix it)"))
            return
        self._reply(result)
