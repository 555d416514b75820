"""copbot's HTTP server: the adapters' routes (Slack's /slack/events) plus /healthz and
/metrics."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from bot.core import Core
from bot.settings import Settings

if TYPE_CHECKING:
    from copbot.bootstrap import Adapter


def build_http_app(settings: Settings, core: Core, adapters: list[Adapter]) -> web.Application:
    app = web.Application(client_max_size=1024 * 1024)
    for adapter in adapters:
        app.add_routes(adapter.http_routes())

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app.add_routes([web.get("/healthz", healthz)])
    return app
