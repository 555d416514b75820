"""Serve copbot's real HTTP app (with the web front) on 127.0.0.1, port 0, and sign
members in the way they would: ``web`` in chat, then the link in a browser."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import aiohttp
from aiohttp import web

from bot.kernel.messages import message_text
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


FORM_TOKEN = re.compile(r'name="form_token" value="([^"]*)"')


async def form_token_on(session: aiohttp.ClientSession, path: str) -> str:
    """The form token of the (first) form on the page at ``path``, as a browser sees it."""
    async with session.get(path) as response:
        match = FORM_TOKEN.search(await response.text())
    assert match, path
    return match.group(1)


async def press_sign_in(session: aiohttp.ClientSession, path: str) -> aiohttp.ClientResponse:
    """Open a sign-in link and press its button: the page's form, with its token."""
    token = await form_token_on(session, path)
    return await session.post(path, data={"form_token": token}, allow_redirects=False)


async def signed_in(base: str, h: Harness, user: str) -> aiohttp.ClientSession:
    """A client session (cookie jar) signed in as ``user`` through the link's button."""
    session = aiohttp.ClientSession(base_url=base, cookie_jar=aiohttp.CookieJar(unsafe=True))
    path = await link_for(h, user)
    async with await press_sign_in(session, path) as response:
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
        "meeting schedule python every Wednesday at 4pm at https://meet.example/py Python hour",
    )


async def rich_seed(h: Harness) -> None:
    """Twelve weeks of a living community, for pages worth looking at: members joining
    week by week, resources shared, a weekly meeting with RSVPs, a vote or two."""
    await h.say(
        "Ada",
        'community create "Teaching with Python" "Notebooks, autograding and projects '
        'for college courses" #python #teaching',
        channel="C1",
    )
    await h.say("Ada", 'community visibility "Teaching with Python" public')
    await h.say(
        "Ada",
        'meeting schedule "Teaching with Python" every Wednesday at noon '
        "at https://meet.example/py Lunch and learn",
    )
    people = ["Bob", "Chloé", "Dev", "Elif", "Farid", "Gus", "Hana", "Ivo", "Jun", "Kim"]
    topics = [
        ("rubric", "A rubric for programming projects", "assessment"),
        ("nbgrader", "Autograding notebooks with nbgrader", "grading"),
        ("pairs", "Pair programming in the lab", "active-learning"),
        ("errors", "Reading error messages together", "debugging"),
        ("tests", "Students write the tests first", "testing"),
        ("git", "Git for a class of forty", "tools"),
    ]
    for week in range(8):
        for person in people[week : week + 2]:
            await h.say(person, "join teaching with python")
        if week < len(topics):
            slug, title, tag = topics[week]
            await h.say(
                people[week],
                f'share https://example.org/{slug} "{title}" #{tag} in teaching with python',
            )
        h.clock.advance(timedelta(days=7))
    for person in people[:6]:
        await h.say(person, "rsvp 1 going")
    for person in people[6:8]:
        await h.say(person, "rsvp 1 maybe")
    await h.say("Bob", "upvote 1")
    await h.say("Chloé", "upvote 1")
    await h.say("Dev", "upvote 2")
    h.clock.advance(timedelta(days=3))
