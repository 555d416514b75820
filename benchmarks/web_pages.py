"""Web pages of a big community, rendered by copbot's real HTTP app over loopback:
5,000 members and 20,000 resources, a weekly meeting with RSVPs. Prints p50/p95 per
page, its size, and the same figures for a static file fetched in the same run (the
HTTP round trip alone, the baseline). On SQLite and PostgreSQL. The dashboard keeps its
figures a minute: "cold" computes them on every request (the figure that matters; the
goal is under 50 ms p95), "dashboard" is a reload.

Run: python -m benchmarks web_pages
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import aiohttp

from adapters.web.routes import FIGURES_FRESH
from data.db import close_database, connection
from data.models import (
    Community,
    Meeting,
    Member,
    Membership,
    MembershipEvent,
    Occurrence,
    Resource,
    Rsvp,
    Workspace,
)
from tests.support.databases import drop_pg_database, make_pg_database, open_empty
from tests.web.support import link_for, press_sign_in, serving, web_harness

MEMBERS = 5_000
RESOURCES = 20_000
REQUESTS = 40
WORDS = ["rubric", "grading", "video", "accessibility", "portfolio", "template", "feedback"]
KINDS = ["tool", "template", "idea", "strategy", "update", "other"]


async def seed(now: datetime) -> None:
    workspace = await Workspace.get(external_id="T1")
    community = await Community.create(
        workspace=workspace,
        name="Big",
        name_key="big",
        description="A community of five thousand",
        tags=["teaching", "python"],
        created_at=now - timedelta(days=400),
        visibility="public",
    )
    ada = await Member.get(workspace=workspace, external_id="ada")
    await Membership.create(
        member=ada, community=community, role="coordinator", joined_at=now - timedelta(days=400)
    )
    members = [
        Member(
            workspace=workspace,
            external_id=f"m{i}",
            display_name=f"Member {i}",
            first_seen=now - timedelta(days=400),
            last_active_at=now - timedelta(days=i % 120),
        )
        for i in range(MEMBERS)
    ]
    await Member.bulk_create(members, batch_size=1000)
    ids = await Member.filter(external_id__startswith="m").values_list("id", flat=True)
    joined = [now - timedelta(hours=(i * 7) % (24 * 200)) for i in range(len(ids))]
    await Membership.bulk_create(
        [
            Membership(member_id=mid, community=community, joined_at=at)
            for mid, at in zip(ids, joined, strict=True)
        ],
        batch_size=1000,
    )
    await MembershipEvent.bulk_create(
        [
            MembershipEvent(member_id=mid, community=community, kind="join", at=at)
            for mid, at in zip(ids, joined, strict=True)
        ],
        batch_size=1000,
    )
    await Resource.bulk_create(
        [
            Resource(
                workspace=workspace,
                community=community,
                url=f"https://x.example/{i}",
                url_key=f"https://x.example/{i}",
                title=f"{WORDS[i % len(WORDS)]} guide {i}",
                description=f"notes about {WORDS[(i * 3) % len(WORDS)]} and more " * 3,
                kind=KINDS[i % len(KINDS)],
                tags=[WORDS[(i * 5) % len(WORDS)]],
                tags_text=WORDS[(i * 5) % len(WORDS)],
                shared_by_id=ids[i % len(ids)],
                shared_at=now - timedelta(minutes=17 * i),
                votes=i % 9,
            )
            for i in range(RESOURCES)
        ],
        batch_size=2000,
    )
    meeting = await Meeting.create(
        community=community,
        title="Weekly call",
        start_local="2026-01-07T12:00",
        timezone="America/Toronto",
        rrule="FREQ=WEEKLY",
        created_at=now - timedelta(days=400),
    )
    for week in range(1, 9):
        start = (now - timedelta(weeks=week)).replace(minute=0, second=0, microsecond=0)
        occurrence = await Occurrence.create(meeting=meeting, original_start=start, starts_at=start)
        await Rsvp.bulk_create(
            [
                Rsvp(
                    occurrence=occurrence,
                    member_id=mid,
                    status=("going", "maybe", "no")[j % 3],
                    at=start - timedelta(days=1),
                )
                for j, mid in enumerate(ids[week * 40 : week * 40 + 120])
            ]
        )


async def timed(
    session: aiohttp.ClientSession, path: str, before: Callable[[], None] | None = None
) -> tuple[list[float], int]:
    timings: list[float] = []
    size = 0
    for _ in range(REQUESTS):
        if before is not None:
            before()
        started = time.perf_counter()
        async with session.get(path) as response:
            body = await response.read()
            assert response.status == 200, (path, response.status)
        timings.append(time.perf_counter() - started)
        size = len(body)
    return timings, size


def p(timings: list[float], fraction: float) -> float:
    ordered = sorted(timings)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] * 1000


async def measure(url: str, label: str) -> None:
    await open_empty(url)
    h = web_harness()
    await h.say("Ada", "help")  # the workspace and its first member
    community_id_before = await Community.all().count()
    await seed(h.clock.now())
    big = community_id_before + 1
    if url.startswith("postgres"):
        # after a bulk load autovacuum refreshes the planner's statistics; do it now, or
        # the planner still believes the resource table is empty
        await connection().execute_script("ANALYZE")
    async with serving(h) as base:
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(base_url=base, cookie_jar=jar) as session:
            async with await press_sign_in(session, await link_for(h, "Ada")) as signed:
                assert signed.status == 303
            pages = {
                "static file (baseline)": "/static/web.css",
                "directory": "/",
                "community page": f"/communities/{big}",
                "search 'rubric guide'": f"/communities/{big}?q=rubric+guide",
                "tag + kind filter": f"/communities/{big}?tag=video&kind=tool",
                "live search fragment": f"/communities/{big}/resources?q=grading",
                "dashboard (cold)": f"/communities/{big}/dashboard",
                "dashboard": f"/communities/{big}/dashboard",
                "dashboard CSV": f"/communities/{big}/dashboard.csv",
            }
            baseline = 0.0
            print(f"-- {label}: {MEMBERS:,} members, {RESOURCES:,} resources, {REQUESTS} requests")
            for name, path in pages.items():
                # cold: the clock moves past the minute the figures are kept, every time
                before = (lambda: h.clock.advance(FIGURES_FRESH)) if "cold" in name else None
                await timed(session, path)  # warm up
                timings, size = await timed(session, path, before)
                median = statistics.median(timings) * 1000
                if not baseline:
                    baseline = median
                print(
                    f"{name:24} p50 {median:6.1f} ms  p95 {p(timings, 0.95):6.1f} ms  "
                    f"= {median / baseline:5.1f}x baseline  {size / 1024:6.1f} KB"
                )
    await close_database()


async def run() -> None:
    from tests.support.databases import make_sqlite_template, sqlite_copy

    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        template = await asyncio.to_thread(make_sqlite_template, directory)
        await measure(sqlite_copy(template, directory), "SQLite")
    name = "copbot_bench_web"
    url = await asyncio.to_thread(make_pg_database, name)
    try:
        await measure(url, "PostgreSQL")
    finally:
        await asyncio.to_thread(drop_pg_database, name)


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
