"""CONTRIBUTING.md's "Adding an adapter", step by step, with the smallest adapter that
follows them: members speak lines of text over TCP on 127.0.0.1 (``user|channel|verb|...``)
and read back blocks of lines, each ending with a line holding ".": the reply to each of
their lines (first line "reply"), and the posts and direct messages the bot sends them.

The test drives it from a real socket, against the real core and database."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import assert_never

from aiohttp import web

from bot.kernel.clock import ManualClock
from bot.kernel.core import Core
from bot.kernel.discovery import default_registry
from bot.kernel.errors import DirectMessagesBlocked
from bot.kernel.messages import (
    BulletList,
    Buttons,
    ChannelRef,
    Code,
    Fields,
    FormRequest,
    Heading,
    Link,
    Mention,
    Message,
    Note,
    Paragraph,
    Select,
    Span,
    Strong,
    Text,
    Time,
)
from bot.kernel.outbox import SendKey, refuse_inside_transaction
from bot.kernel.who import Who
from copbot.bootstrap import Adapter
from data.models import Resource
from tests.support.harness import send_effects, test_settings

WORKSPACE = "W1"


# step 4: every span and part rendered, exhaustively (a new one fails mypy here)
def render_span(span: Span) -> str:
    match span:
        case Text(text) | Strong(text) | Code(text):
            return text.replace("\n", " ")  # a member's text never breaks the protocol
        case Mention():
            return "@" + span.name
        case ChannelRef():
            return "#" + (span.name or span.channel_id)
        case Link():
            return f"{span.label} <{span.url}>" if span.label else span.url
        case Time():
            return span.instant.isoformat()
        case _:
            assert_never(span)


def line(spans: Sequence[Span]) -> str:
    return "".join(render_span(s) for s in spans)


def render(message: Message) -> list[str]:
    lines = ["error" if message.is_error else ("only you" if message.ephemeral else "everyone")]
    for part in message.parts:
        match part:
            case Heading():
                lines.append("# " + part.text)
            case Paragraph():
                lines.append(line(part.spans))
            case Note():
                lines.append("  " + line(part.spans))
            case Fields():
                lines.extend(f"{f.label}: {line(f.value)}" for f in part.fields)
            case BulletList():
                lines.extend("- " + line(item) for item in part.items)
            case Buttons():
                # what a member sends back to press one: the action and value, unchanged
                lines.extend(f"[{b.label} -> {b.action}|{b.value}]" for b in part.buttons)
            case Select():
                lines.extend(f"[{c.label} -> {part.action}|{c.value}]" for c in part.choices)
            case FormRequest():
                lines.append(f"[form {part.form.form_id}: {part.label}]")
            case _:
                assert_never(part)
    return lines


# step 2: the outbox the core and the scheduler post through
class LineOutbox:
    platform = "lines"

    def __init__(self, adapter: LineAdapter) -> None:
        self.adapter = adapter
        self.blocked: set[str] = set()

    async def post(
        self,
        workspace_id: str,
        channel_id: str,
        message: Message,
        *,
        thread: str | None = None,
        key: SendKey | None = None,
    ) -> str:
        refuse_inside_transaction("a post")
        self.adapter.posted += 1
        self.adapter.send_block(None, [f"post to {channel_id}", *render(message)])
        return f"{channel_id}/{self.adapter.posted}"

    async def direct(
        self, workspace_id: str, user_id: str, message: Message, *, key: SendKey | None = None
    ) -> str:
        refuse_inside_transaction("a direct message")
        if user_id in self.blocked:
            raise DirectMessagesBlocked(user_id)
        self.adapter.send_block(user_id, [f"direct to {user_id}", *render(message)])
        return f"dm/{user_id}"


# steps 1, 3 and 5: the adapter turns each line into a Who and one core call
class LineAdapter:
    name = "lines"

    def __init__(self, core: Core) -> None:
        self.core = core
        self._outbox = LineOutbox(self)
        self.server: asyncio.Server | None = None
        self.clients: dict[asyncio.StreamWriter, str] = {}  # connection -> its member
        self.posted = 0

    @property
    def outbox(self) -> LineOutbox:
        return self._outbox

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            for client in self.clients:
                client.close()
            await self.server.wait_closed()

    def http_routes(self) -> list[web.RouteDef]:
        return []

    def health(self) -> bool:
        return self.server is not None and self.server.is_serving()

    @property
    def port(self) -> int:
        assert self.server is not None
        return int(self.server.sockets[0].getsockname()[1])

    def send_block(self, user: str | None, lines: list[str]) -> None:
        """To one member's connections, or to everyone's (a channel post)."""
        for client, member in self.clients.items():
            if user is None or member == user:
                client.write(("\n".join([*lines, "."]) + "\n").encode())

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while raw := await reader.readline():
            user, channel, verb, rest = [*raw.decode().rstrip("\n").split("|", 3), "", ""][:4]
            self.clients[writer] = user
            who = Who(
                platform="lines",
                workspace_id=WORKSPACE,
                user_id=user,
                user_name=user.title(),
                channel_id=channel or None,
                is_admin=user == "root",
            )
            if verb == "say":
                lines = render(await self.core.handle_text(who, rest))
            elif verb == "press":
                action, _, value = rest.partition("|")
                lines = render(await self.core.press(who, action, value))
            elif verb == "complete":
                kind, _, prefix = rest.partition("|")
                lines = [c.label for c in await self.core.autocomplete(who, kind, prefix)]
            else:
                lines = [f"unknown verb {verb!r}"]
            writer.write(("\n".join(["reply", *lines, "."]) + "\n").encode())
            await writer.drain()


class Member:
    """A member at the other end of a socket."""

    def __init__(self, name: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.name, self.reader, self.writer = name, reader, writer

        self.received: list[list[str]] = []  # posts and direct messages, in order

    async def send(self, channel: str, verb: str, rest: str) -> list[str]:
        """The reply to one line (what arrived before it is kept in ``received``)."""
        self.writer.write(f"{self.name}|{channel}|{verb}|{rest}\n".encode())
        await self.writer.drain()
        while True:
            block: list[str] = []
            while (text := (await self.reader.readline()).decode().rstrip("\n")) != ".":
                block.append(text)
            if block[0] == "reply":
                return block[1:]
            self.received.append(block)


def test_the_adapter_offers_what_the_composition_root_asks() -> None:
    wanted = {n for n in dir(Adapter) if not n.startswith("_")}
    assert wanted <= set(dir(LineAdapter)), wanted - set(dir(LineAdapter))
    assert inspect.iscoroutinefunction(LineAdapter.start)
    assert inspect.iscoroutinefunction(LineOutbox.post)


async def test_a_new_adapter_runs_the_bot_over_its_own_wire(db: str) -> None:
    clock = ManualClock(datetime(2027, 3, 1, 15, 0, tzinfo=UTC))
    core = Core(test_settings(), clock, default_registry())
    send_effects(core, clock)  # copbot run: its scheduler sends commands' effects
    adapter = LineAdapter(core)
    core.attach_outbox(adapter.outbox)  # as copbot.bootstrap does
    await adapter.start()
    try:
        assert adapter.health()
        ada = Member("ada", *await asyncio.open_connection("127.0.0.1", adapter.port))
        bob = Member("bob", *await asyncio.open_connection("127.0.0.1", adapter.port))
        created = await ada.send("C1", "say", "community create python")
        assert created[0] == "only you" and "python" in " ".join(created)
        joined = await bob.send("", "say", "join python")
        assert "Welcome to “python”!" in joined
        # the channel post reaches the wire before the reply, with its button
        shared = await bob.send("C1", "say", 'share https://example.org/rubric "Rubric"')
        assert shared[0] == "only you"
        post = bob.received[-1]
        assert post[0] == "post to C1" and any("Rubric" in entry for entry in post)
        (upvote,) = [entry for entry in post if entry.startswith("[") and "upvote|" in entry]
        action_value = upvote.split(" -> ", 1)[1].rstrip("]")
        # a press comes back as the core wrote it; the declared check still applies
        cy = Member("cy", *await asyncio.open_connection("127.0.0.1", adapter.port))
        refused = await cy.send("C1", "press", action_value)
        assert refused[0] == "error" and "not a member" in refused[1]
        voted = await ada.send("C1", "press", action_value)
        assert voted[0] == "only you" and "1 vote" in " ".join(voted)
        assert (await Resource.get(title="Rubric")).votes == 1
        assert await ada.send("C1", "complete", "community|py") == ["python"]
        unknown = await ada.send("C1", "say", "jion python")
        assert unknown[0] == "error" and "Did you mean: join?" in unknown
    finally:
        await adapter.stop()
    assert not adapter.health()
