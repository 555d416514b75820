"""The web front refuses what it must: links that are expired, reused or forged;
another workspace's pages; the dashboard to non-coordinators; member text as markup.
Over real HTTP against copbot's aiohttp app, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import aiohttp

from bot.kernel.messages import Buttons
from data.models import WebToken
from tests.web.support import link_for, seed, serving, signed_in, web_harness


async def _post(base: str, path: str) -> tuple[int, str, str | None]:
    async with (
        aiohttp.ClientSession(base_url=base) as session,
        session.post(path, allow_redirects=False) as response,
    ):
        return response.status, await response.text(), response.headers.get("Set-Cookie")


async def test_a_link_works_once(db: str) -> None:
    h = web_harness()
    await seed(h)
    async with serving(h) as base:
        path = await link_for(h, "Bob")
        status, _, cookie = await _post(base, path)
        assert status == 303 and cookie and "copbot_session=" in cookie
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        again, body, cookie = await _post(base, path)
        assert again == 403 and cookie is None
        assert "already used" in body


async def test_an_expired_link_is_refused(db: str) -> None:
    h = web_harness()
    await seed(h)
    async with serving(h) as base:
        path = await link_for(h, "Bob")
        h.clock.advance(timedelta(minutes=11))
        status, body, cookie = await _post(base, path)
        assert status == 403 and cookie is None and "expired" in body


async def test_a_forged_link_is_refused(db: str) -> None:
    h = web_harness()
    await seed(h)
    async with serving(h) as base:
        real = await link_for(h, "Bob")
        # one character changed, a made-up token, and an absurdly long one
        forged = real[:-1] + ("A" if real[-1] != "A" else "B")
        for path in (forged, "/signin/not-a-token", "/signin/" + "x" * 5000):
            status, _, cookie = await _post(base, path)
            assert status == 403 and cookie is None, path
        # the real link still works: the forgeries did not spend it
        assert (await _post(base, real))[0] == 303


async def test_the_session_cookie_is_secure_behind_https(db: str) -> None:
    h = web_harness()
    h.core.settings.public_url = "https://cop.example.org"
    await seed(h)
    async with serving(h) as base:
        _, _, cookie = await _post(base, await link_for(h, "Bob"))
        assert cookie and "Secure" in cookie and "HttpOnly" in cookie


async def test_members_only_pages_need_a_member_link(db: str) -> None:
    h = web_harness()
    await seed(h)
    async with serving(h) as base:
        async with aiohttp.ClientSession(base_url=base) as visitor:
            async with visitor.get("/") as response:
                listing = await response.text()
            assert "Python" in listing and "Secret" not in listing
            async with visitor.get("/communities/2") as response:
                assert response.status == 404
        bob = await signed_in(base, h, "Bob")  # a member of Python only
        async with bob.get("/communities/2") as response:
            assert response.status == 404
        await bob.close()
        ada = await signed_in(base, h, "Ada")  # a member of Secret
        async with ada.get("/communities/2") as response:
            assert response.status == 200 and "Members only talk" in await response.text()
        await ada.close()


async def test_a_member_of_workspace_a_sees_nothing_of_workspace_b(db: str) -> None:
    a = web_harness("TA")
    b = web_harness("TB")
    b.core, b.clock = a.core, a.clock  # one copbot serving both workspaces
    await a.say("Ann", 'community create Alpha "Workspace A only"')
    await b.say("Ben", 'community create Beta "Workspace B only"')
    beta = 2
    async with serving(a) as base:
        ann = await signed_in(base, a, "Ann")
        async with ann.get("/") as response:
            listing = await response.text()
        assert "Alpha" in listing and "Beta" not in listing
        for path in (
            f"/communities/{beta}",
            f"/communities/{beta}/dashboard",
            f"/communities/{beta}/dashboard.csv",
            f"/communities/{beta}/resources",
        ):
            async with ann.get(path) as response:
                assert response.status == 404, path
                assert "Workspace B only" not in await response.text()
        await ann.close()


async def test_a_member_who_is_not_a_coordinator_gets_no_dashboard(db: str) -> None:
    h = web_harness()
    await seed(h)
    async with serving(h) as base:
        bob = await signed_in(base, h, "Bob")
        for path in ("/communities/1/dashboard", "/communities/1/dashboard.csv"):
            async with bob.get(path) as response:
                assert response.status == 404
        async with bob.get("/communities/1") as response:
            assert "dashboard" not in (await response.text()).lower()
        await bob.close()
        ada = await signed_in(base, h, "Ada")
        async with ada.get("/communities/1/dashboard") as response:
            assert response.status == 200 and "<svg" in await response.text()
        await ada.close()


async def test_member_text_with_html_is_shown_as_text(db: str) -> None:
    h = web_harness()
    await h.say("Ada", 'community create "<b>Bold</b>" "<script>alert(1)</script> & co" #code')
    await h.say("Ada", 'community visibility "<b>Bold</b>" public')
    await h.say(
        "Ada",
        'share https://example.org/x "<img src=x onerror=alert(2)>" in "<b>Bold</b>"',
    )
    async with serving(h) as base, aiohttp.ClientSession(base_url=base) as visitor:
        for path in ("/", "/communities/1", "/communities/1/resources"):
            async with visitor.get(path) as response:
                body = await response.text()
            assert (
                "<script>alert" not in body and "<img src=x" not in body and "<b>Bold" not in body
            )
        async with visitor.get("/communities/1") as response:
            body = await response.text()
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in body
        assert "&lt;img src=x onerror=alert(2)&gt;" in body


async def test_every_page_carries_a_strict_content_security_policy(db: str) -> None:
    h = web_harness()
    await seed(h)
    async with serving(h) as base, aiohttp.ClientSession(base_url=base) as visitor:
        for path in ("/", "/communities/1", "/communities/2", "/signin/whatever"):
            async with visitor.get(path) as response:
                policy = response.headers["Content-Security-Policy"]
                assert "default-src 'none'" in policy and "script-src 'self'" in policy
                assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
                assert response.headers["X-Content-Type-Options"] == "nosniff"
                assert response.headers["Referrer-Policy"] == "no-referrer"
                assert len(await response.read()) < 100_000


async def test_forget_me_ends_web_sessions(db: str) -> None:
    h = web_harness()
    await seed(h)
    async with serving(h) as base:
        bob = await signed_in(base, h, "Bob")
        unused = await link_for(h, "Bob")
        async with bob.get("/") as response:
            assert "Signed in as Bob" in await response.text()
        assert await WebToken.all().count() == 3  # Bob's spent link, his session, a new link
        reply = await h.say("Bob", "forget-me")
        [buttons] = [p for p in reply.parts if isinstance(p, Buttons)]
        confirm = buttons.buttons[0]
        assert confirm.action == "forget-me-confirm"
        await h.core.press(h.who("Bob"), confirm.action, confirm.value)
        assert await WebToken.all().count() == 0
        async with bob.get("/") as response:
            assert "Signed in as Bob" not in await response.text()
        await bob.close()
        assert (await _post(base, unused))[0] == 403


async def test_signing_out_ends_the_session(db: str) -> None:
    h = web_harness()
    await seed(h)
    async with serving(h) as base:
        ada = await signed_in(base, h, "Ada")
        async with ada.post("/signout", allow_redirects=False) as response:
            assert response.status == 303
        async with ada.get("/communities/2") as response:
            assert response.status == 404
        await ada.close()
