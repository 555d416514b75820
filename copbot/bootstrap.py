"""The composition root: builds settings, database, core, scheduler and adapters, and is
the one module that imports all of them. Nothing here runs at import time."""

from __future__ import annotations

import asyncio
import logging
import signal
from contextlib import AsyncExitStack, suppress
from typing import Protocol

from aiohttp import web

from bot.kernel.clock import Clock, SystemClock
from bot.kernel.core import Core
from bot.kernel.discovery import default_registry
from bot.kernel.outbox import Outbox
from bot.kernel.settings import Settings
from copbot.heap import freeze_start_up_objects
from data.db import close_database, init_database, migrate

log = logging.getLogger(__name__)


class StartupError(Exception):
    """What keeps ``copbot run`` from starting, in one line for the operator: a database
    it cannot open, a port it cannot listen on."""


class Adapter(Protocol):
    """What every platform adapter offers the composition root."""

    name: str

    @property
    def outbox(self) -> Outbox:
        """Where the core and the scheduler post on this platform."""
        ...

    async def start(self) -> None:
        """Connect; return once it is receiving (or raise)."""
        ...

    async def stop(self) -> None: ...

    def http_routes(self) -> list[web.RouteDef]:
        """Routes it serves on copbot's HTTP server (Slack's /slack/events); may be empty."""
        ...


class ReportsHealth(Protocol):
    """Optional for an adapter: ``health()`` (plain or async) says whether it is connected,
    for GET /healthz. An adapter without it is reported as "unknown"."""

    def health(self) -> bool: ...


def build_adapters(settings: Settings, core: Core, stop: asyncio.Event) -> list[Adapter]:
    adapters: list[Adapter] = []
    if settings.slack_enabled:
        from adapters.slack.adapter import SlackAdapter

        adapters.append(SlackAdapter(settings, core))
    if settings.discord_enabled:
        from adapters.discord.adapter import DiscordAdapter

        adapters.append(DiscordAdapter(settings, core))
    if not adapters:
        from adapters.console.adapter import ConsoleAdapter

        adapters.append(ConsoleAdapter(core, stop))
    return adapters


async def run(settings: Settings, *, demo: bool = False, clock: Clock | None = None) -> None:
    """``copbot run``: migrate, then serve until stopped (or the console's input ends)."""
    from scheduler.service import SchedulerService

    await _open_database(settings.database_url)
    clock = clock or SystemClock()
    core = Core(settings, clock, default_registry())
    stop = asyncio.Event()
    async with AsyncExitStack() as stack:
        stack.push_async_callback(close_database)
        if demo:
            from data.demo import load_demo

            await load_demo(clock.now())
        adapters = build_adapters(settings, core, stop)
        for adapter in adapters:
            core.attach_outbox(adapter.outbox)
        scheduler = SchedulerService(core, settings, clock)
        if settings.http_enabled:
            runner = await serve_http(settings, core, adapters)
            stack.push_async_callback(runner.cleanup)
        for adapter in adapters:
            await adapter.start()
            stack.push_async_callback(adapter.stop)
            log.info("%s adapter started", adapter.name)
        await scheduler.start()
        stack.push_async_callback(scheduler.stop)
        log.debug("%d start-up objects frozen", freeze_start_up_objects())
        _stop_on_signals(stop)
        await stop.wait()
        if settings.console_enabled:
            # piped console input has ended: write what fell due meanwhile before exiting
            await scheduler.tick()
        log.info("stopping")


async def _open_database(url: str) -> None:
    from copbot.commands.check import database_label

    try:
        await migrate(url)
        await init_database(url)
    except Exception as error:  # a server that does not answer, a file that cannot open
        log.debug("opening the database failed", exc_info=True)
        raise StartupError(
            f"cannot open the database {database_label(url)}: {error}"
            " (`copbot check` says more; LOG_LEVEL=DEBUG shows where it failed)"
        ) from error


async def serve_http(settings: Settings, core: Core, adapters: list[Adapter]) -> web.AppRunner:
    from copbot.http import build_http_app

    app = build_http_app(settings, core, adapters)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.http_host, settings.effective_http_port)
    try:
        await site.start()
    except OSError as error:  # the port is taken, or the host is not this machine's
        await runner.cleanup()
        raise StartupError(
            f"cannot listen on {settings.http_host}:{settings.effective_http_port}"
            f" (HTTP_HOST, HTTP_PORT): {error.strerror or error}"
        ) from error
    log.info("HTTP server on %s:%s", settings.http_host, settings.effective_http_port)
    return runner


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
