"""What the web pages show, over real HTTP: the directory, a community page (join link,
meetings in the visitor's zone, the repertoire with the same search as ``resources``),
French pages, and the dashboard with the same figures as ``stats``."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import aiohttp

from adapters.web.routes import join_link
from bot.kernel.messages import message_text
from bot.stats.commands import community_stats
from data.models import Community
from tests.web.support import seed, serving, signed_in, web_harness


async def _get(base: str, path: str, **headers: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession(base_url=base) as session,
        session.get(path, headers=headers) as response,
    ):
        return response.status, await response.text()


async def test_visibility_command_lists_a_community_in_the_directory(db: str) -> None:
    h = web_harness()
    await h.say("Ada", 'community create Python "Python in teaching"')
    await h.say("Bob", "join python")
    async with serving(h) as base:
        assert "Python in teaching" not in (await _get(base, "/"))[1]  # members by default
        denied = await h.say("Bob", "community visibility python public")
        assert denied.is_error and "Only coordinators" in message_text(denied)
        said = await h.text("Ada", "community visibility python public")
        assert "public web directory" in said
        assert (await Community.get(name_key="python")).visibility == "public"
        assert "Python in teaching" in (await _get(base, "/"))[1]
        bad = await h.say("Ada", "community visibility python everyone")
        assert bad.is_error and (await Community.get(name_key="python")).visibility == "public"
        await h.say("Ada", "community visibility python members")
        assert "Python in teaching" not in (await _get(base, "/"))[1]


async def test_the_web_command_in_french(db: str) -> None:
    h = web_harness()
    text = await h.text("Zoé", "web", locale="fr-CA")
    assert "Ouvrez http://" in text and "/signin/" in text and "10 minutes" in text


async def test_web_without_an_http_server_explains(db: str) -> None:
    from tests.support.harness import Harness

    h = Harness.build()
    reply = await h.say("Ada", "web")
    assert reply.is_error and "HTTP_PORT" in message_text(reply)


async def test_community_page_shows_domain_coordinators_meetings_and_calendar(db: str) -> None:
    h = web_harness()
    await seed(h)
    async with serving(h) as base:
        status, page = await _get(base, "/communities/1")
        assert status == 200
        assert "Python in teaching" in page and "#code" in page
        assert "Coordinators: Ada" in page and "2 members" in page
        assert "<code>join Python</code>" in page
        # 16:00 in Toronto, the default zone, on Wednesday March 10
        assert "Wednesday, March 10, 2027, 4:00 PM" in page
        # the meeting's link is for members only
        assert "meet.example" not in page
        assert 'href="/communities/1/calendar.ics"' in page
        async with aiohttp.ClientSession(base_url=base) as session:
            async with session.get("/communities/1/calendar.ics") as response:
                assert response.status == 200 and "BEGIN:VCALENDAR" in await response.text()
            async with session.get("/communities/2/calendar.ics") as response:
                assert response.status == 404  # members-only: the token feed, for members
        bob = await signed_in(base, h, "Bob")
        async with bob.get("/communities/1") as response:
            page = await response.text()
        assert "meet.example/py" in page and "You are a member" in page
        await bob.close()


async def test_the_time_zone_switch_moves_the_times(db: str) -> None:
    h = web_harness()
    await seed(h)
    async with serving(h) as base:
        _, paris = await _get(base, "/communities/1?tz=Europe/Paris")
        assert "Wednesday, March 10, 2027, 10:00 PM" in paris
        assert '<option value="Europe/Paris" selected>' in paris
        # the choice is remembered in a cookie
        async with aiohttp.ClientSession(
            base_url=base, cookie_jar=aiohttp.CookieJar(unsafe=True)
        ) as session:
            async with session.get("/communities/1?tz=Asia/Tokyo") as response:
                assert "Thursday, March 11, 2027, 6:00 AM" in await response.text()
            async with session.get("/communities/1") as response:
                assert "Thursday, March 11, 2027, 6:00 AM" in await response.text()
        # a zone that does not exist is ignored
        _, unknown = await _get(base, "/communities/1?tz=Mars/Olympus")
        assert "Wednesday, March 10, 2027, 4:00 PM" in unknown


async def test_repertoire_search_is_the_resources_search(db: str) -> None:
    h = web_harness()
    await seed(h)
    await h.say("Ada", 'share https://example.org/rubric-2 "Peer rubric" #assessment in python')
    async with serving(h) as base:
        _, found = await _get(base, "/communities/1?q=rubric")
        chat = await h.text("Bob", "resources rubric in python")
        for title in ("Rubric for projects", "Peer rubric"):
            assert title in found and title in chat
        assert "Notebooks in class" not in found and "Notebooks in class" not in chat
        _, partial = await _get(base, "/communities/1/resources?q=notebooks")
        assert "Notebooks in class" in partial and "<html" not in partial
        _, tagged = await _get(base, "/communities/1?tag=assessment")
        assert "Peer rubric" in tagged and "Notebooks in class" not in tagged
        _, none = await _get(base, "/communities/1?q=zzzz")
        assert "No resource matches." in none


async def test_kind_filter(db: str) -> None:
    h = web_harness()
    await seed(h)
    await h.say("Ada", 'share https://example.org/tool "A grading tool" #code in python')
    from data.models import Resource

    await Resource.filter(title="A grading tool").update(kind="tool")
    async with serving(h) as base:
        _, page = await _get(base, "/communities/1?kind=tool")
        assert "A grading tool" in page and "Rubric for projects" not in page
        assert '<option value="tool" selected>tool</option>' in page


async def test_pages_in_french_by_accept_language_and_by_the_switch(db: str) -> None:
    h = web_harness()
    await seed(h)
    async with serving(h) as base:
        _, page = await _get(base, "/communities/1", **{"Accept-Language": "fr-CA,fr;q=0.9"})
        assert '<html lang="fr">' in page
        assert "Prochaines rencontres" in page and "Coordonnateurs\u202f: Ada" in page
        assert "mercredi 10 mars 2027, 16:00" in page and "2 membres" in page
        _, english = await _get(base, "/communities/1", **{"Accept-Language": "en-GB,fr;q=0.5"})
        assert "Upcoming meetings" in english
        _, switched = await _get(base, "/?lang=fr")
        assert "Communautés de pratique" in switched and 'hreflang="en"' in switched


def test_join_links_open_the_platform_channel() -> None:
    assert (
        join_link("slack", "T123", "C456")
        == "https://slack.com/app_redirect?channel=C456&team=T123"
    )
    assert join_link("discord", "111", "222") == "https://discord.com/channels/111/222"
    assert join_link("console", "console", "C1") is None
    assert join_link("slack", "T123", None) is None


async def test_a_slack_community_page_links_to_its_channel(db: str) -> None:
    h = web_harness()
    from tests.support.harness import Harness

    slack = Harness(h.core, h.clock, h.outbox, "T0SLACK")
    slack_who = slack.who("Ada", "C0HOME")
    object.__setattr__(slack_who, "platform", "slack")
    await h.core.handle_text(slack_who, 'community create Design "UX design"')
    await h.core.handle_text(slack_who, "community visibility design public")
    async with serving(h) as base:
        _, page = await _get(base, "/communities/1")
        assert "https://slack.com/app_redirect?channel=C0HOME&amp;team=T0SLACK" in page
        assert "Open its channel on Slack" in page


async def test_dashboard_shows_the_stats_figures_and_the_csv(db: str) -> None:
    h = web_harness()
    await seed(h)
    assert "going" in (await h.text("Bob", "rsvp 1 going")).lower()
    await h.say("Ada", "rsvp 1 maybe")
    await h.say("Bob", "upvote 1")
    h.clock.advance(timedelta(days=10))  # the first meeting is now held
    await h.say("Cy", "join python")
    async with serving(h) as base:
        ada = await signed_in(base, h, "Ada")
        async with ada.get("/communities/1/dashboard") as response:
            page = await response.text()
        for title in (
            "Members over 12 weeks",
            "Active members",
            "Newcomer path (12 weeks)",
            "Meeting attendance",
            "Resources shared per month",
            "Prompt answers per week",
        ):
            assert title in page
        assert page.count("<svg") == 6 and page.count("<table") == 7
        assert "3 members now (+3 in 12 weeks: 3 joined, 0 left)." in page
        figures = await community_stats(await Community.get(id=1), h.clock.now(), "America/Toronto")
        async with ada.get("/communities/1/dashboard.csv") as response:
            assert response.headers["Content-Type"].startswith("text/csv")
            assert "attachment" in response.headers["Content-Disposition"]
            rows = list(csv.DictReader(io.StringIO(await response.text())))
        await ada.close()
    members = [
        int(r["value"]) for r in rows if r["section"] == "members" and r["measure"] == "members"
    ]
    assert tuple(members) == figures.growth.weekly
    value = {(r["section"], r["label"], r["measure"]): r["value"] for r in rows}
    assert int(value[("active", "any", "30 days")]) == figures.activity.active
    assert int(value[("resources", "all", "total")]) == figures.repertoire.total == 2
    assert int(value[("newcomers", "joined", "count")]) == figures.newcomers.joined == 3
    [held] = figures.meetings
    label = f"{held.starts_at.isoformat()} Python hour"
    assert (held.going, held.maybe, held.rsvps) == (1, 1, 2)
    assert value[("attendance", label, "going")] == "1"
    assert value[("attendance", label, "rsvps")] == "2"
    assert value[("top resources", "Rubric for projects", "votes")] == "1"
    # the chat's stats shows the same counts
    chat = await h.text("Ada", "stats python")
    assert "Members: 3 (+3 in 12 weeks: joined 3, left 0)" in chat
