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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

from aiohttp import web

from adapters.console.render import render, safe
from bot.kernel.core import Core
from bot.kernel.errors import DirectMessagesBlocked
from bot.kernel.forms import pick_choice
from bot.kernel.messages import Attachment, Button, Form, FormField, FormRequest, Message
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


# shown when a form opens (gettext msgid: the console's own string)
FORM_HINT = (
    "(answer each question; empty keeps the value shown in brackets; a /command leaves the "
    "form and keeps your answers)"
)


@dataclass
class OpenForm:
    form: Form
    # the questions still to ask (indexes into form.fields), the current one first
    queue: list[int] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)
    answered: bool = False  # at least one answer given (so there is a draft to mention)

    @property
    def current(self) -> FormField:
        return self.form.fields[self.queue[0]]


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

    def save_files(self, message: Message) -> None:
        """The console's files (a calendar) are saved in the current folder, under the name
        the message gives (made safe), where the person at the keyboard can open them."""
        for index, part in enumerate(message.parts):
            if isinstance(part, Attachment):
                name = re.sub(r"[^\w.\-]+", "-", part.filename).strip(".-") or "file"
                Path(name).write_bytes(part.content)
                message.parts[index] = replace(part, filename=str(Path(name).resolve()))

    def show(self, label: str, message: Message) -> str:
        self.save_files(message)
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
        self.save_files(message)
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
                    await self._leave_form()
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
        await self._leave_form()  # a command always leaves an open form (its draft is kept)
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

    def _open_form(self, form: Form, only: list[int] | None = None) -> None:
        """Ask a form's questions one by one (``only``: just these, e.g. the ones to fix)."""
        self.form = OpenForm(
            form, queue=only if only is not None else list(range(len(form.fields)))
        )
        self.write(f"== {safe(form.title)} == " + self.tr(FORM_HINT))
        self._ask()

    def _ask(self) -> None:
        assert self.form is not None
        field_ = self.form.current
        current = f" [{safe(field_.initial)}]" if field_.initial else ""
        choices = " (" + "/".join(c.label for c in field_.choices) + ")" if field_.choices else ""
        self.write(f"{safe(field_.label)}{choices}{current}{self.colon.rstrip()}")

    async def _answer(self, text: str) -> None:
        """One answer, checked now: a bad one is explained and its question asked again;
        a good one is kept (in the member's draft too) and the next question asked."""
        assert self.form is not None
        open_form = self.form
        field_ = open_form.current
        value = text or field_.initial
        checked = await self.core.answer_form(
            self.who(), open_form.form.form_id, field_.name, value, open_form.form.context
        )
        if checked.is_error:
            self._show_reply(checked)
            self._ask()
            return
        choice = pick_choice(field_, value) if field_.kind == "choice" else None
        open_form.answers[field_.name] = choice.value if choice is not None else value
        open_form.answered = True
        if checked.parts:
            self._show_reply(checked)
        open_form.queue.pop(0)
        if open_form.queue:
            self._ask()
            return
        self.form = None
        result = await self.core.submit_form(
            self.who(), open_form.form.form_id, open_form.answers, open_form.form.context
        )
        if result.field_errors:
            # only the questions at fault are asked again, the others stay answered
            request = result.form_request
            form = request.form if request is not None else open_form.form
            result.parts = [p for p in result.parts if not isinstance(p, FormRequest)]
            self._show_reply(result)
            names = [f.name for f in form.fields]
            self._open_form(form, [names.index(n) for n in result.field_errors if n in names])
            if self.form is not None:
                self.form.answers = dict(open_form.answers)
                self.form.answered = True
            return
        self._reply(result)

    def _show_reply(self, message: Message) -> None:
        lines = render(message, self._number, self.core.clock.now(), self.colon)
        if lines:
            self.write("\n".join(lines))

    async def _leave_form(self) -> None:
        """The member leaves a form half answered (a command, /quit, the end of input): say
        what was kept and how to come back to it."""
        open_form, self.form = self.form, None
        if open_form is None or not open_form.answered:
            return
        note = await self.core.form_left(self.who(), open_form.form.form_id)
        self._show_reply(note)
