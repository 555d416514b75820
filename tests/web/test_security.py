"""The web front refuses what it must: links that are expired, reused or forged;
another workspace's pages; the dashboard to non-coordinators; member text as markup.
Over real HTTP against copbot's aiohttp app, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import aiohttp

from adapters.web.forms import FORM_COOKIE
from bot.kernel.messages import Buttons
from data.models import WebToken
from tests.web.support import (
    FORM_TOKEN,
    form_token_on,
    link_for,
    seed,
    serving,
    signed_in,
    web_harness,
)


async def _post(base: str, path: str, **form: str) -> tuple[int, str, str | None]:
    """Open a sign-in link in a fresh browser and press its button (the form cookie sent
    back by hand: a Secure one too, as a browser would over HTTPS). ``form`` overrides
    the form's fields; headers starting with ``h_`` are sent too."""
    async with aiohttp.ClientSession(base_url=base) as session:
        async with session.get(path) as page:
            token = FORM_TOKEN.search(await page.text())
            form_cookie = page.cookies.get(FORM_COOKIE)
        assert token and form_cookie
        fields = {"form_token": token.group(1)}
        headers = {"Cookie": f"{FORM_COOKIE}={form_cookie.value}"}
        for name, value in form.items():
            if name.startswith("h_"):
                headers[name[2:]] = value
            else:
                fields[name] = value
        async with session.post(
            path, data=fields, headers=headers, allow_redirects=False
        ) as response:
            sessions = [
                c for c in response.headers.getall("Set-Cookie", []) if "copbot_session=" in c
            ]
            return response.status, await response.text(), sessions[0] if sessions else None


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
                assert response.headers["Referrer-Policy"] == "same-origin"
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
        token = await form_token_on(ada, "/")  # the sign-out button's form
        async with ada.post("/signout", data={"form_token": token}, allow_redirects=False) as r:
            assert r.status == 303
        async with ada.get("/communities/2") as response:
            assert response.status == 404
        await ada.close()


# ---- forged forms (CSRF): refused with a page that says so, and nothing changes -----


async def test_a_sign_in_without_its_form_token_is_refused_and_spends_nothing(db: str) -> None:
    h = web_harness()
    await seed(h)
    async with serving(h) as base:
        path = await link_for(h, "Bob")
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(base_url=base, cookie_jar=jar) as session:
            # no token at all, even with the form cookie the page set
            await form_token_on(session, path)
            async with session.post(path, allow_redirects=False) as response:
                assert response.status == 403
                assert "This form was refused" in await response.text()
                assert "copbot_session=" not in str(response.headers.getall("Set-Cookie", []))
        # a made-up token; the token of another link; another browser's token
        other_link = await link_for(h, "Ada")
        async with aiohttp.ClientSession(base_url=base) as other_browser:
            stolen = await form_token_on(other_browser, path)
        for token in ("0" * 64, await _token_for(base, other_link)):
            status, body, cookie = await _post(base, path, form_token=token)
            assert status == 403 and cookie is None and "Nothing was changed" in body
        status, _, cookie = await _post(base, path, form_token=stolen)
        assert status == 403 and cookie is None
        assert await WebToken.filter(kind="session").count() == 0
        # the link is still unused: the real button still signs in
        status, _, cookie = await _post(base, path)
        assert status == 303 and cookie


async def _token_for(base: str, path: str) -> str:
    async with aiohttp.ClientSession(base_url=base) as browser:
        return await form_token_on(browser, path)


async def test_a_sign_in_posted_from_another_origin_is_refused(db: str) -> None:
    h = web_harness()
    h.core.settings.public_url = "https://cop.example.org"
    await seed(h)
    async with serving(h) as base:
        path = await link_for(h, "Bob")
        for origin in ("https://evil.example", "null", "https://sub.cop.example.org"):
            status, body, cookie = await _post(base, path, h_Origin=origin)
            assert "This form was refused" in body
            assert status == 403 and cookie is None, origin
        status, _, cookie = await _post(base, path, h_Referer="https://evil.example/page")
        assert status == 403 and cookie is None
        # this site's own page: signed in
        status, _, cookie = await _post(base, path, h_Origin="https://cop.example.org")
        assert status == 303 and cookie


async def test_signing_out_needs_this_sessions_form_token(db: str) -> None:
    h = web_harness()
    await seed(h)
    async with serving(h) as base:
        ada = await signed_in(base, h, "Ada")
        bob = await signed_in(base, h, "Bob")
        bobs_token = await form_token_on(bob, "/")
        ada_token = await form_token_on(ada, "/")
        refused = [
            ({}, {}),  # no token
            ({"form_token": "f" * 64}, {}),  # forged
            ({"form_token": bobs_token}, {}),  # another session's
            ({"form_token": ada_token}, {"Origin": "https://evil.example"}),  # cross-origin
        ]
        for data, headers in refused:
            async with ada.post(
                "/signout", data=data, headers=headers, allow_redirects=False
            ) as response:
                assert response.status == 403, (data, headers)
                assert "This form was refused" in await response.text()
            async with ada.get("/communities/2") as response:
                assert response.status == 200  # still signed in
        async with ada.post(
            "/signout",
            data={"form_token": ada_token},
            headers={"Origin": base},
            allow_redirects=False,
        ) as response:
            assert response.status == 303
        async with ada.get("/communities/2") as response:
            assert response.status == 404
        await ada.close()
        await bob.close()


async def test_the_refusal_is_translated(db: str) -> None:
    h = web_harness()
    await seed(h)
    async with serving(h) as base:
        path = await link_for(h, "Bob")
        status, body, _ = await _post(
            base, path, form_token="0" * 64, **{"h_Accept-Language": "fr"}
        )
        assert status == 403 and "Ce formulaire a été refusé" in body
