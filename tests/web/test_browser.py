"""The web front in a real browser: Debian's Chromium driven by Playwright.

Each scenario is what a person does: a visitor browses the directory and a public
community page, searches the repertoire (live, as they type), switches the time zone
(with and without JavaScript); a member opens their link and signs in; a coordinator
opens the dashboard and downloads the CSV; a French browser gets French pages. Every
page is checked with axe-core (no serious or critical violation) and must raise no
Content-Security-Policy violation. Screenshots go to tests-artifacts/web/.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.web.support import link_for, rich_seed, serving, web_harness

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests-artifacts" / "web"
AXE = (Path(__file__).parent / "fixtures" / "axe.min.js").read_text()
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            await launched.close()


class Watched:
    """A page whose console is watched for CSP violations and script errors."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.problems: list[str] = []
        page.on(
            "console",
            lambda message: self.problems.append(message.text) if message.type == "error" else None,
        )
        page.on("pageerror", lambda error: self.problems.append(str(error)))

    async def accessible(self) -> None:
        """axe-core finds no serious or critical violation (WCAG 2 A and AA rules)."""
        await self.page.evaluate(AXE)  # evaluated by the debugger, not a page script
        results = await self.page.evaluate(
            "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'best-practice']})"
        )
        serious = [
            (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
            for v in results["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not serious, serious

    async def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        await self.page.screenshot(path=str(path), full_page=True)
        return path

    def clean(self) -> None:
        assert not self.problems, self.problems


async def _page(browser: Browser, **options: Any) -> Watched:
    context = await browser.new_context(
        viewport={"width": 1100, "height": 900}, accept_downloads=True, **options
    )
    return Watched(await context.new_page())


async def test_a_visitor_browses_searches_and_switches_the_zone(db: str, browser: Browser) -> None:
    h = web_harness()
    await rich_seed(h)
    async with serving(h) as base:
        # the browser's zone is Paris: the page detects it and shows Paris times
        visitor = await _page(browser, timezone_id="Europe/Paris", locale="en-US")
        page = visitor.page
        await page.goto(base + "/")
        await page.wait_for_load_state("networkidle")
        assert await page.locator("h1").inner_text() == "Communities of practice"
        card = page.locator(".card", has_text="Teaching with Python")
        assert "10 members" in await card.inner_text()
        await visitor.accessible()
        await visitor.shot("directory")

        await card.get_by_role("link", name="Teaching with Python").click()
        await page.wait_for_load_state("networkidle")
        meetings = page.locator(".meetings li").first
        # 12:00 in Toronto is 18:00 in Paris (both on summer time in May)
        assert "6:00 PM" in await meetings.inner_text()
        assert await page.locator("#tz").input_value() == "Europe/Paris"
        await visitor.accessible()

        # live search: typing narrows the repertoire without submitting the form
        await page.locator("#q").fill("autograding")
        await page.locator(".resources li", has_text="nbgrader").wait_for()
        await expect(page.locator(".resources li")).to_have_count(1)
        assert "autograding" in page.url
        await page.locator("#q").fill("")
        await expect(page.locator(".resources li")).to_have_count(6)
        await visitor.shot("community")

        # the switch: Tokyo
        await page.locator("#tz").select_option("Asia/Tokyo")
        await page.get_by_role("button", name="Show times").click()
        await page.wait_for_load_state("networkidle")
        first = await page.locator(".meetings li").first.inner_text()
        assert "Thursday, May 6, 2027, 1:00 AM" in first
        visitor.clean()


async def test_without_javascript_the_pages_still_work(db: str, browser: Browser) -> None:
    h = web_harness()
    await rich_seed(h)
    async with serving(h) as base:
        visitor = await _page(browser, java_script_enabled=False)
        page = visitor.page
        await page.goto(base + "/communities/1")
        # no detection: the server's default zone, Toronto
        assert "12:00 PM" in await page.locator(".meetings li").first.inner_text()
        await page.locator("#tz").select_option("Europe/London")
        await page.get_by_role("button", name="Show times").click()
        assert "5:00 PM" in await page.locator(".meetings li").first.inner_text()
        await page.locator("#q").fill("rubric")
        await page.get_by_role("button", name="Search", exact=True).click()
        assert await page.locator(".resources li").count() == 1
        assert "rubric" in (await page.locator(".resources li").inner_text()).lower()


async def test_a_coordinator_signs_in_and_reads_the_dashboard(db: str, browser: Browser) -> None:
    h = web_harness()
    await rich_seed(h)
    async with serving(h) as base:
        coordinator = await _page(browser, timezone_id="America/Toronto", locale="en-CA")
        page = coordinator.page
        await page.goto(base + await link_for(h, "Ada"))
        await coordinator.accessible()
        await page.get_by_role("button", name="Sign in").click()
        await page.wait_for_load_state("networkidle")
        assert "Signed in as Ada" in await page.locator("header").inner_text()
        await page.get_by_role("link", name="Teaching with Python").click()
        await page.get_by_role("link", name="Coordinator's dashboard").click()
        await page.wait_for_load_state("networkidle")
        assert await page.locator("h1").inner_text() == "Dashboard of Teaching with Python"
        charts = page.locator("svg.chart")
        assert await charts.count() == 6
        for index in range(await charts.count()):
            box = await charts.nth(index).bounding_box()
            assert box and box["width"] > 300 and box["height"] > 60
        # the members line ends at the current count, as the table says
        members_table = page.locator("#members-heading ~ .pair table")
        assert (await members_table.locator("tbody tr").last.inner_text()).endswith("10")
        # attendance: 6 going and 2 maybe at the first meeting
        attendance = await page.locator("#attendance-heading ~ .pair table").inner_text()
        assert "Lunch and learn\t6\t2\t8" in attendance
        await coordinator.accessible()
        await coordinator.shot("dashboard")

        async with page.expect_download() as waiting:
            await page.get_by_role("link", name="Download as CSV").click()
        download = await waiting.value
        saved = ARTIFACTS / "dashboard.csv"
        await download.save_as(saved)
        rows = list(csv.DictReader(io.StringIO(saved.read_text())))
        members = [r for r in rows if r["section"] == "members" and r["measure"] == "members"]
        assert len(members) == 12 and members[-1]["value"] == "10"
        # signing out goes through the form's token and this site's Origin
        await page.get_by_role("button", name="Sign out").click()
        await page.wait_for_load_state("networkidle")
        assert "Signed in" not in await page.locator("header").inner_text()
        coordinator.clean()

        # the link was single use: opening it again signs nobody in
        again = await _page(browser)
        await again.page.goto(base + "/")
        assert "Signed in" not in await again.page.locator("header").inner_text()


async def test_french_pages(db: str, browser: Browser) -> None:
    h = web_harness()
    await rich_seed(h)
    async with serving(h) as base:
        visitor = await _page(browser, locale="fr-CA", timezone_id="America/Montreal")
        page = visitor.page
        await page.goto(base + "/communities/1")
        await page.wait_for_load_state("networkidle")
        assert await page.locator("html").get_attribute("lang") == "fr"
        text = await page.locator("main").inner_text()
        assert "Prochaines rencontres" in text and "Répertoire" in text
        assert "10 membres" in text and "12:00" in text
        await visitor.accessible()
        await visitor.shot("community-fr")
        await page.get_by_role("link", name="English").click()
        assert "Upcoming meetings" in await page.locator("main").inner_text()
        visitor.clean()
