"""copbot's HTTP server: the adapters' routes (Slack's /slack/events) plus /healthz and
/metrics.

``/healthz`` answers 200 when the database and every adapter are up, 503 otherwise, with
a JSON body saying which part is down (for load balancers and humans alike). An adapter
reports itself through an optional ``health()`` method (``copbot.bootstrap.ReportsHealth``);
one without it is listed as "unknown" and does not fail the check.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.kernel.core import Core
from bot.kernel.settings import Settings
from copbot.calendar_feed import calendar_routes
from copbot.metrics import Metrics, attach_metrics
from data.db import connection

if TYPE_CHECKING:
    from copbot.bootstrap import Adapter

log = logging.getLogger(__name__)

DATABASE_PROBE_SECONDS = 2.0


async def database_health() -> dict[str, Any]:
    try:
        async with asyncio.timeout(DATABASE_PROBE_SECONDS):
            await connection().execute_query("SELECT 1")
    except Exception as error:
        log.warning("health check: database down: %s", type(error).__name__)
        return {"up": False, "error": type(error).__name__}
    return {"up": True}


async def adapter_health(adapter: Adapter) -> dict[str, Any]:
    probe = getattr(adapter, "health", None)
    if not callable(probe):
        return {"up": None}  # the adapter cannot tell
    try:
        result = probe()
        if inspect.isawaitable(result):
            async with asyncio.timeout(DATABASE_PROBE_SECONDS):
                result = await result
    except Exception as error:
        log.warning("health check: %s adapter failed to answer", adapter.name, exc_info=True)
        return {"up": False, "error": type(error).__name__}
    return {"up": bool(result)}


async def health_report(adapters: list[Adapter]) -> dict[str, Any]:
    database = await database_health()
    parts = {adapter.name: await adapter_health(adapter) for adapter in adapters}
    healthy = database["up"] and all(p["up"] is not False for p in parts.values())
    return {"status": "ok" if healthy else "down", "database": database, "adapters": parts}


def build_http_app(
    settings: Settings, core: Core, adapters: list[Adapter], metrics: Metrics | None = None
) -> web.Application:
    metrics = metrics or attach_metrics(core)
    app = web.Application(client_max_size=1024 * 1024)
    for adapter in adapters:
        app.add_routes(adapter.http_routes())

    async def healthz(request: web.Request) -> web.Response:
        report = await health_report(adapters)
        return web.json_response(report, status=200 if report["status"] == "ok" else 503)

    async def metrics_page(request: web.Request) -> web.Response:
        body, content_type = metrics.exposition(request.headers.get("Accept", ""))
        return web.Response(body=body, headers={"Content-Type": content_type})

    app.add_routes([web.get("/healthz", healthz), web.get("/metrics", metrics_page)])
    app.add_routes(calendar_routes())
    return app
