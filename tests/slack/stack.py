"""copbot's real HTTP server with the real Slack adapter and core, against the fake Slack."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
from aiohttp import web

from adapters.slack.adapter import EVENTS_PATH, SlackAdapter
from adapters.slack.limits import SlackLimits
from bot.kernel.clock import ManualClock
from bot.kernel.core import Core
from bot.kernel.discovery import default_registry
from bot.kernel.registry import Registry
from copbot.http import build_http_app
from tests.slack.fake_slack import FakeSlack, Response
from tests.slack.signed import SlackRequest, block_action, slash_command
from tests.support.harness import send_effects, test_settings

SECRET = "0123456789abcdef0123456789abcdef"
# small enough that faults resolve quickly, real enough that they are exercised
TEST_LIMITS = SlackLimits(
    timeout=0.5, backoff_base=0.02, backoff_max=0.1, channel_interval=0.05, view_deadline=2.0
)


@dataclass
class Handled:
    """The core's own record of what it ran (its observer hook): proof a handler ran."""

    names: list[str] = field(default_factory=list)

    def command_handled(self, name: str, outcome: str, seconds: float) -> None:
        self.names.append(name)


@dataclass
class SlackStack:
    fake: FakeSlack
    core: Core
    adapter: SlackAdapter
    clock: ManualClock
    handled: Handled
    url: str
    http: aiohttp.ClientSession

    async def send(
        self,
        request: SlackRequest,
        *,
        secret: str = SECRET,
        timestamp: int | None = None,
        retry: int | None = None,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> tuple[int, str]:
        sent_headers = request.headers(secret, timestamp=timestamp, retry=retry)
        sent_headers.update(headers or {})
        async with self.http.post(
            self.url, data=body if body is not None else request.body, headers=sent_headers
        ) as answer:
            status, text = answer.status, await answer.text()
        # as Slack would: a slash command's ack may carry the reply itself
        fields = dict(parse_qsl(request.body.decode(errors="replace")))
        if status == 200 and "command" in fields and fields.get("response_url"):
            await self.fake.show_ack_reply(fields["response_url"], text)
        return status, text

    async def command(
        self, user: str, text: str, *, command: str = "/cop", channel: str = "C1"
    ) -> Response:
        """A signed slash command; waits for the reply Slack would show the member."""
        url = self.fake.response_url()
        token = url.rsplit("/", 1)[1]
        request = slash_command(
            command,
            text,
            user_id=user,
            user_name=self.fake.users.get(user, {}).get("name", user.lower()),
            response_url=url,
            channel_id=channel,
        )
        status, _ = await self.send(request)
        assert status == 200
        found = await self.fake.wait_until(
            lambda: [r for r in self.fake.responses if r.token == token]
        )
        return found[0]

    async def press(
        self, user: str, button: dict[str, Any], *, channel: str | None = "C1"
    ) -> Response:
        """Press a button exactly as rendered in a message we received."""
        url = self.fake.response_url()
        token = url.rsplit("/", 1)[1]
        request = block_action(
            user_id=user,
            action_id=button["action_id"],
            value=button.get("value", ""),
            response_url=url,
            channel_id=channel,
        )
        status, _ = await self.send(request)
        assert status == 200
        found = await self.fake.wait_until(
            lambda: [r for r in self.fake.responses if r.token == token]
        )
        return found[0]


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        element
        for block in blocks
        if block.get("type") == "actions"
        for element in block["elements"]
        if element.get("type") == "button"
    ]


def block_text(blocks: list[dict[str, Any]]) -> str:
    """Every piece of text in some blocks, for assertions."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                out.append(node["text"])
            for value in node.values():
                if isinstance(value, dict | list):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    return "\n".join(out)


@asynccontextmanager
async def slack_stack(
    fake: FakeSlack,
    *,
    socket_mode: bool = False,
    limits: SlackLimits = TEST_LIMITS,
    start: datetime | None = None,
    registry: Registry | None = None,
    **settings: object,
) -> AsyncIterator[SlackStack]:
    values: dict[str, object] = {
        "SLACK_BOT_TOKEN": fake.bot_token,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
    }
    if socket_mode:
        values["SLACK_APP_TOKEN"] = fake.app_token
    values.update(settings)
    config = test_settings(**values)
    clock = ManualClock(start or datetime(2027, 3, 1, 15, 0, tzinfo=UTC))
    core = Core(config, clock, registry or default_registry())
    send_effects(core, clock)
    handled = Handled()
    core.observers.append(handled)
    adapter = SlackAdapter(config, core, limits=limits)
    core.attach_outbox(adapter.outbox)
    runner = web.AppRunner(build_http_app(config, core, [adapter]), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    await adapter.start()
    try:
        async with aiohttp.ClientSession() as http:
            yield SlackStack(
                fake, core, adapter, clock, handled, f"http://127.0.0.1:{port}{EVENTS_PATH}", http
            )
            await adapter.idle()
    finally:
        await adapter.stop()
        await runner.cleanup()


def new_id() -> str:
    return uuid.uuid4().hex[:8].upper()
