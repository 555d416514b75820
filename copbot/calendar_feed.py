"""The calendar feed members subscribe to: ``GET /calendar/<token>/<community id>.ics``.

The token is the workspace's unguessable ``calendar_token`` (made by ``meetings`` the
first time it links the feed); a wrong token and an unknown community answer the same
404, so the URL gives nothing away."""

from __future__ import annotations

import hmac

from aiohttp import web

from bot.kernel.occurrences import is_number
from bot.meetings.calendar_ics import community_calendar
from data.models import Community, Workspace

CALENDAR_PATH = "/calendar/{token}/{community}.ics"


async def calendar_feed(request: web.Request) -> web.Response:
    token = request.match_info["token"]
    community_id = request.match_info["community"]
    if not is_number(community_id) or not token or len(token) > 64:
        raise web.HTTPNotFound()
    workspace = await Workspace.get_or_none(calendar_token=token)
    # compare in constant time all the same: the lookup is by index, the check is not
    if workspace is None or not hmac.compare_digest(str(workspace.calendar_token), token):
        raise web.HTTPNotFound()
    community = await Community.get_or_none(id=int(community_id), workspace=workspace)
    if community is None:
        raise web.HTTPNotFound()
    body = await community_calendar(community)
    return web.Response(
        body=body,
        headers={
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": f'inline; filename="community-{community.id}.ics"',
            "Cache-Control": "private, max-age=300",
        },
    )


def calendar_routes() -> list[web.RouteDef]:
    return [web.get(CALENDAR_PATH, calendar_feed)]
