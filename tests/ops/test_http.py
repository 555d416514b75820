"""/healthz and /metrics over real HTTP: copbot's aiohttp app on 127.0.0.1, port 0."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from prometheus_client.parser import text_string_to_metric_families

from copbot.http import build_http_app
from copbot.metrics import Metrics, metrics_of
from data.db import close_database
from tests.support.harness import Harness, RecordingOutbox


@dataclass
class PlatformAdapter:
    """A minimal adapter: the composition root's seam, with a switchable health."""

    name: str
    up: bool | None = True  # None: the adapter offers no health() at all
    outbox: RecordingOutbox = field(default_factory=RecordingOutbox)

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def http_routes(self) -> list[web.RouteDef]:
        async def events(request: web.Request) -> web.Response:
            return web.Response(text="events")

        return [web.post(f"/{self.name}/events", events)]

    def __getattr__(self, attribute: str) -> Any:
        if attribute == "health" and self.up is not None:
            return lambda: self.up
        raise AttributeError(attribute)


@asynccontextmanager
async def serving(h: Harness, adapters: list[Any]) -> AsyncIterator[str]:
    app = build_http_app(h.core.settings, h.core, adapters)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


async def fetch(url: str) -> tuple[int, str, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, response.headers["Content-Type"], await response.text()


async def fetch_json(url: str) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.json()


async def test_healthz_up_with_database_and_adapters(db: str) -> None:
    h = Harness.build()
    adapters = [PlatformAdapter("slack"), PlatformAdapter("discord", up=None)]
    async with serving(h, adapters) as base:
        status, body = await fetch_json(base + "/healthz")
        assert status == 200
        assert body == {
            "status": "ok",
            "database": {"up": True},
            "adapters": {"slack": {"up": True}, "discord": {"up": None}},
        }
        # the adapters' own routes are served beside it
        async with aiohttp.ClientSession() as session, session.post(base + "/slack/events") as r:
            assert (r.status, await r.text()) == (200, "events")


async def test_healthz_names_the_adapter_that_is_down(db: str) -> None:
    h = Harness.build()
    discord = PlatformAdapter("discord")
    async with serving(h, [PlatformAdapter("slack"), discord]) as base:
        discord.up = False
        status, body = await fetch_json(base + "/healthz")
        assert status == 503
        assert body["status"] == "down" and body["adapters"]["discord"] == {"up": False}
        assert body["adapters"]["slack"] == {"up": True} and body["database"] == {"up": True}
        discord.up = True
        assert (await fetch_json(base + "/healthz"))[0] == 200


async def test_healthz_reports_the_database_down(db: str) -> None:
    h = Harness.build()
    async with serving(h, [PlatformAdapter("slack")]) as base:
        await close_database()
        status, body = await fetch_json(base + "/healthz")
    assert status == 503
    assert body["database"]["up"] is False and body["database"]["error"]
    assert body["adapters"] == {"slack": {"up": True}}


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


async def test_metrics_count_commands_deliveries_queues_and_waits(db: str) -> None:
    h = Harness.build()
    async with serving(h, [PlatformAdapter("slack")]) as base:
        await h.say("Ada", "help")
        await h.say("Ada", "community create python")
        await h.say("Ada", "join nowhere")  # a member's mistake
        await h.core.press(h.who("Ada"), "no-such-button", "")  # not a command: not counted
        metrics = metrics_of(h.core)
        metrics.delivery("reminder", "sent")
        metrics.delivery("reminder", "sent")
        metrics.delivery("reminder", "late")
        metrics.delivery("prompt", "skipped")
        metrics.delivery("digest", "failed")
        queue = [1, 2, 3]
        metrics.watch_outbox("slack", lambda: len(queue))
        metrics.rate_limited("discord", 1.5)
        metrics.rate_limited("discord", 0.5)
        queue.append(4)  # read at scrape time

        status, content_type, text = await fetch(base + "/metrics")
    assert status == 200 and content_type.startswith("text/plain; version=0.0.4")
    found = samples(text)
    # typed commands are counted under the command they named; an unknown command as "text"
    assert found[("copbot_commands_total", (("name", "help"), ("outcome", "ok")))] == 1
    assert found[("copbot_commands_total", (("name", "community create"), ("outcome", "ok")))] == 1
    assert found[("copbot_commands_total", (("name", "join"), ("outcome", "user_error")))] == 1
    assert found[("copbot_command_seconds_count", (("name", "join"),))] == 1
    assert found[("copbot_command_seconds_sum", (("name", "join"),))] > 0
    assert found[("copbot_command_seconds_bucket", (("le", "+Inf"), ("name", "join")))] == 1
    assert found[("copbot_deliveries_total", (("kind", "reminder"), ("outcome", "sent")))] == 2
    assert found[("copbot_deliveries_total", (("kind", "reminder"), ("outcome", "late")))] == 1
    assert found[("copbot_deliveries_total", (("kind", "prompt"), ("outcome", "skipped")))] == 1
    assert found[("copbot_deliveries_total", (("kind", "digest"), ("outcome", "failed")))] == 1
    assert found[("copbot_outbox_queue_depth", (("platform", "slack"),))] == 4
    assert found[("copbot_rate_limit_waits_total", (("platform", "discord"),))] == 2
    assert found[("copbot_rate_limit_wait_seconds_total", (("platform", "discord"),))] == 2.0


async def test_each_core_has_its_own_registry(db: str) -> None:
    one, other = Metrics(), Metrics()
    one.command_handled("help", "ok", 0.01)
    assert b'copbot_commands_total{name="help",outcome="ok"} 1.0' in one.exposition()[0]
    assert b"copbot_commands_total{" not in other.exposition()[0]
    body, content_type = one.exposition("application/openmetrics-text; version=1.0.0")
    assert content_type.startswith("application/openmetrics-text") and body.endswith(b"# EOF\n")
    h = Harness.build()
    assert metrics_of(h.core).__class__.__name__ == "NoMetrics"  # off until attached
    metrics_of(h.core).delivery("reminder", "sent")  # accepted and dropped
