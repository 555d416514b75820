"""Serve copbot's real HTTP app (with the web front) on 127.0.0.1, port 0, and sign
members in the way they would: ``web`` in chat, then the link in a browser."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import aiohttp
from aiohttp import web

from bot.messages import message_text
from copbot.http import build_http_app
from tests.support.harness import Harness

LINK = re.compile(r"https?://\S+/signin/[\w-]+")
START = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)


def web_harness(workspace: str = "T1") -> Harness:
    # HTTP_PORT set: the web front is served, so `web` hands out links
    return Harness.build(START, workspace=workspace, HTTP_PORT=8123)


@asynccontextmanager
async def serving(h: Harness) -> AsyncIterator[str]:
    app = build_http_app(h.core.settings, h.core, [])
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


async def link_for(h: Harness, user: str, **extra: object) -> str:
    """The path of the sign-in link ``web`` gives ``user`` in chat."""
    text = message_text(await h.say(user, "web", **extra))
    match = LINK.search(text)
    assert match, text
    return "/signin/" + match.group(0).rsplit("/signin/", 1)[1]


async def signed_in(base: str, h: Harness, user: str) -> aiohttp.ClientSession:
    """A client session (cookie jar) signed in as ``user`` through the link's button."""
    session = aiohttp.ClientSession(base_url=base, cookie_jar=aiohttp.CookieJar(unsafe=True))
    path = await link_for(h, user)
    async with session.post(path, allow_redirects=False) as response:
        assert response.status == 303, await response.text()
    return session


async def seed(h: Harness) -> None:
    """Two communities: Python (public, with resources and a meeting) and Secret
    (members only). Ada coordinates both; Bob is a member of Python only."""
    await h.say("Ada", 'community create Python "Python in teaching" #code', channel="C1")
    await h.say("Ada", "community visibility python public")
    await h.say("Ada", 'community create Secret "Members only talk"', channel="C2")
    await h.say("Bob", "join python")
    await h.say(
        "Ada", 'share https://example.org/rubric "Rubric for projects" #assessment in python'
    )
    await h.say("Ada", 'share https://example.org/notebooks "Notebooks in class" #code in python')
    await h.say(
        "Ada",
        "meeting schedule python 2027-03-10 16:00 every week at https://meet.example/py Weekly call",
    )
