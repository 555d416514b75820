"""stats on a workspace with a known history, built on a moved clock: every figure is
asserted, then the rendered message (English and French) and the workspace summary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.stats.commands import community_stats, month_starts
from bot.stats.sparkline import sparkline
from data.models import (
    AgendaItem,
    Community,
    Meeting,
    Member,
    Occurrence,
    Prompt,
    Resource,
    ResourceVote,
    Rsvp,
)
from tests.support.harness import Harness

START = datetime(2027, 1, 4, 15, 0, tzinfo=UTC)  # a Monday, 13 weeks before NOW
NOW = START + timedelta(weeks=13)  # 2027-04-05 15:00 UTC, 11:00 in Toronto


def ago(**delta: float) -> datetime:
    return NOW - timedelta(**delta)


async def build_history(h: Harness) -> Community:
    """The python community's life, in order. Comments give what each step adds."""
    h.clock.set(START)
    await h.say("Ada", "community create python")  # before the 12 weeks
    await h.say("Bob", "join python")  # before the 12 weeks
    await h.say("Hal", "join python")  # before the 12 weeks, and quiet since
    await h.say("Bob", "community create design")
    for name, when in (
        ("Cy", NOW - timedelta(weeks=11) + timedelta(days=1)),
        ("Dee", ago(days=60)),
        ("Eve", ago(days=20)),
        ("Fay", ago(days=10)),
        ("Gus", ago(days=5)),
    ):
        h.clock.set(when)
        assert "Welcome" in await h.text(name, "join python")
    h.clock.set(ago(days=40))
    await h.say("Dee", "leave python")
    h.clock.set(ago(days=3))
    await h.say("Bob", "leave python")
    h.clock.set(NOW)

    python = await Community.get(name_key="python")
    m = {member.display_name: member for member in await Member.all()}
    # introductions: Cy 2 days after joining, Eve 1 day after, Gus before joining python
    m["Cy"].intro_posted_at = NOW - timedelta(weeks=11) + timedelta(days=3)
    m["Eve"].intro_posted_at = ago(days=19)
    m["Gus"].intro_posted_at = ago(days=30)
    # other activity (last_active_at): Cy (nothing else recent), Ada (already counted),
    # Dee (has left since)
    m["Cy"].last_active_at = ago(days=1)
    m["Ada"].last_active_at = ago(days=1)
    m["Dee"].last_active_at = ago(days=2)
    for member in m.values():
        await member.save()

    def resource(key: str, who: str, at: datetime, votes: int = 0) -> Resource:
        return Resource(
            workspace_id=python.workspace_id,  # type: ignore[attr-defined]
            community=python,
            url=f"https://example.org/{key}",
            url_key=f"example.org/{key}",
            title=f"Resource {key}",
            shared_by=m[who],
            shared_at=at,
            votes=votes,
        )

    r1 = resource("r1", "Cy", ago(days=35), votes=2)  # 2027-03-01: March
    r2 = resource("r2", "Ada", ago(days=45))  # February
    r3 = resource("r3", "Eve", ago(days=2), votes=1)  # April
    r4 = resource("r4", "Bob", ago(days=20), votes=1)  # March (Bob has left since)
    # 2027-02-01 03:00 UTC is still January 31 in Toronto
    r5 = resource("r5", "Ada", datetime(2027, 2, 1, 3, 0, tzinfo=UTC))
    for item in (r1, r2, r3, r4, r5):
        await item.save()
    for res, who, at in (
        (r1, "Fay", ago(days=1)),
        (r1, "Ada", ago(days=40)),
        (r3, "Gus", ago(days=1)),
        (r4, "Ada", ago(days=19)),
    ):
        await ResourceVote.create(resource=res, member=m[who], at=at)

    monthly = await Meeting.create(
        community=python,
        title="Monthly call",
        start_local="2027-02-15T11:00",
        timezone="America/Toronto",
        created_at=START,
    )
    book_club = await Meeting.create(
        community=python,
        title="Book club",
        start_local="2027-03-26T11:00",
        timezone="America/Toronto",
        created_at=START,
        cancelled=True,
    )

    async def occurrence(meeting: Meeting, at: datetime, cancelled: bool = False) -> Occurrence:
        return await Occurrence.create(
            meeting=meeting, original_start=at, starts_at=at, cancelled=cancelled
        )

    o1 = await occurrence(monthly, ago(days=49))
    o2 = await occurrence(monthly, ago(days=21))
    o3 = await occurrence(monthly, ago(days=14), cancelled=True)
    o4 = await occurrence(monthly, ago(days=-7))  # next week
    o5 = await occurrence(book_club, ago(days=10))  # its meeting is cancelled
    for occ, who, status, at in (
        (o1, "Ada", "going", ago(days=50)),
        (o1, "Bob", "going", ago(days=50)),
        (o1, "Cy", "maybe", ago(days=50)),
        (o2, "Cy", "going", ago(days=31)),
        (o2, "Ada", "maybe", ago(days=31)),
        (o2, "Dee", "no", ago(days=45)),
        (o3, "Eve", "going", ago(days=15)),
        (o4, "Gus", "maybe", ago(days=2)),
        (o4, "Fay", "going", ago(days=1)),
        (o5, "Ada", "going", ago(days=12)),
    ):
        await Rsvp.create(occurrence=occ, member=m[who], status=status, at=at)
    await AgendaItem.create(occurrence=o4, member=m["Ada"], text="Roadmap", at=ago(days=7))

    for text, posted, answers in (
        ("What tool saved you time this term?", ago(days=80), 3),
        ("Share a lesson learned from a course launch", ago(days=10), 5),
        ("What are you reading?", ago(days=3), 0),
        ("An old question", ago(days=100), 9),
    ):
        await Prompt.create(
            community=python,
            text=text,
            source="library",
            created_at=START,
            last_posted_at=posted,
            answers=answers,
        )
    await Prompt.create(
        community=python,
        text="How do you grade group work?",
        source="suggested",
        status="pending",
        suggested_by=m["Eve"],
        created_at=ago(days=4),
    )
    return python


async def test_every_figure_of_a_known_history(db: str) -> None:
    h = Harness.build()
    python = await build_history(h)
    figures = await community_stats(python, NOW, "America/Toronto")

    growth = figures.growth
    assert growth.members_now == 6  # Ada, Hal, Cy, Eve, Fay, Gus
    assert growth.members_before == 3  # Ada, Bob and Hal, 12 weeks ago
    assert growth.change == 3
    assert growth.weekly == (3, 4, 4, 5, 5, 5, 4, 4, 4, 5, 6, 6)
    assert (growth.joins, growth.leaves) == (5, 2)

    activity = figures.activity
    assert activity.by_kind == {
        "shared": 1,  # Eve (Bob's share counts no more: he left; Cy's is 35 days old)
        "voted": 3,  # Fay, Gus, Ada
        "rsvp": 4,  # Eve (a cancelled occurrence), Ada (a cancelled meeting), Gus, Fay
        "agenda": 1,  # Ada
        "suggested": 1,  # Eve
        "joined": 3,  # Eve, Fay, Gus
        "other": 1,  # Cy (Ada is counted above, Dee has left)
    }
    assert activity.active == 5  # everyone but Hal

    path = figures.newcomers
    assert (path.joined, path.introduced, path.contributed) == (5, 3, 4)
    # introduced after 2 days (Cy), 1 day (Eve), at once (Gus)
    assert path.median_to_intro == timedelta(days=1)
    # first contributions after 41 days (Cy), 5 (Eve), 9 (Fay), 3 (Gus)
    assert path.median_to_contribution == timedelta(days=7)

    repertoire = figures.repertoire
    assert repertoire.total == 5
    assert [(d.year, d.month) for d in repertoire.months] == [
        (2026, 11),
        (2026, 12),
        (2027, 1),
        (2027, 2),
        (2027, 3),
        (2027, 4),
    ]
    assert repertoire.per_month == (0, 0, 1, 1, 2, 1)
    assert [(t.title, t.votes) for t in repertoire.top] == [
        ("Resource r1", 2),
        ("Resource r3", 1),  # newest first among equal votes
        ("Resource r4", 1),
    ]

    assert [(a.starts_at, a.title, a.going, a.maybe) for a in figures.meetings] == [
        (ago(days=49), "Monthly call", 2, 1),
        (ago(days=21), "Monthly call", 1, 1),
    ]
    upcoming = figures.next_meeting
    assert upcoming is not None and (upcoming.starts_at, upcoming.going, upcoming.maybe) == (
        ago(days=-7),
        1,
        1,
    )

    prompts = figures.prompts
    assert prompts.weekly == (3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0)
    assert (prompts.prompts, prompts.answers) == (3, 8)
    assert prompts.most_answered == ("Share a lesson learned from a course launch", 5)


async def test_rendered_stats_show_the_figures_with_sparklines(db: str) -> None:
    h = Harness.build()
    await build_history(h)
    reply = await h.say("Zed", "stats python")
    text = await h.text("Zed", "stats python")
    assert reply.ephemeral and not reply.is_error
    lines = text.splitlines()
    assert lines[0] == "How python is doing"
    assert lines[1] == (
        "Members: 6 (+3 in 12 weeks: joined 5, left 2)  "
        + sparkline([3, 4, 4, 5, 5, 5, 4, 4, 4, 5, 6, 6])
    )
    assert lines[1].endswith("▅▆▆▇▇▇▆▆▆▇██")
    assert lines[2] == "Active in the last 30 days: 5 of 6 (83%)"
    assert lines[3] == (
        "shared 1 · upvoted 3 · RSVPed 4 · added agenda items 1 · suggested prompts 1 · "
        "joined 3 · other activity 1"
    )
    assert lines[4] == (
        "Newcomers (12 weeks): 5 joined → 3 introduced (median 24 h) → "
        "4 contributed (median 7 days)"
    )
    assert lines[5] == (
        "Resources: 5 in all; shared per month, Nov to Apr: 0, 0, 1, 1, 2, 1  ▁▁▅▅█▅"
    )
    assert lines[6:10] == [
        "Most upvoted:",
        "- Resource r1 — votes: 2",
        "- Resource r3 — votes: 1",
        "- Resource r4 — votes: 1",
    ]
    assert lines[10] == "Meeting attendance, going per occurrence:  █▅"
    assert lines[11].endswith(" Monthly call — going 2, maybe 1")
    assert lines[12].endswith(" Monthly call — going 1, maybe 1")
    assert lines[13].startswith("- next: ") and lines[13].endswith("going 1, maybe 1")
    assert lines[14] == (
        "Prompt answers per week, 12 weeks: answers 8, prompts posted 3  ▆▁▁▁▁▁▁▁▁▁█▁"
    )
    assert lines[15] == "Most answered (5): Share a lesson learned from a course launch"
    assert len(lines) == 16


async def test_stats_in_french_and_in_the_home_channel(db: str) -> None:
    h = Harness.build()
    await build_history(h)
    await h.say("Ada", "community bind python", channel="C-PY")
    text = await h.text("Zoé", "stats", channel="C-PY", locale="fr-CA")
    assert text.startswith("Comment va python")
    assert "Actifs ces 30 derniers jours\u202f: 5 sur 6 (83 %)" in text
    assert "(médiane 7 jours)" in text
    assert "de nov. à avr.\u202f: 0, 0, 1, 1, 2, 1" in text


async def test_workspace_summary_one_line_per_community(db: str) -> None:
    h = Harness.build()
    await build_history(h)
    lines = (await h.text("Zed", "stats")).splitlines()
    assert lines[0] == "Communities at a glance"
    # python: 2 resources in 30 days (Eve's and Bob's)
    assert lines[1] == (
        "- design: members 1 (0 in 12 weeks) · active in 30 days 0 · "
        "resources shared in 30 days 0  ████████████"
    )
    assert lines[2] == (
        "- python: members 6 (+3 in 12 weeks) · active in 30 days 5 · "
        "resources shared in 30 days 2  ▅▆▆▇▇▇▆▆▆▇██"
    )
    assert lines[3].startswith("Type `stats <community>`")


async def test_unknown_community_is_a_clear_error(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create python")
    reply = await h.say("Ada", "stats pyton")
    assert reply.is_error
    assert "no community called “pyton”" in await h.text("Ada", "stats pyton")


async def test_empty_community_has_calm_figures(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create python")
    lines = (await h.text("Ada", "stats python")).splitlines()
    assert lines[1].startswith("Members: 1 (+1 in 12 weeks: joined 1, left 0)")
    assert lines[2] == "Active in the last 30 days: 1 of 1 (100%)"
    assert "No meetings held yet." in lines
    assert "No discussion prompts posted in 12 weeks." in lines


def test_sparkline_scales_and_keeps_zero_distinct() -> None:
    assert sparkline([]) == ""
    assert sparkline([0, 0]) == "▁▁"
    assert sparkline([0, 1, 100]) == "▁▂█"
    assert sparkline([0, 1, 2, 3, 4, 5, 6]) == "▁▃▄▅▆▇█"


def test_month_starts_follow_the_zone() -> None:
    bounds = month_starts(datetime(2027, 3, 1, 3, 0, tzinfo=UTC), "America/Toronto", 2)
    # 03:00 UTC on March 1 is still February 28 in Toronto
    assert bounds == [
        datetime(2027, 1, 1, 5, 0, tzinfo=UTC),
        datetime(2027, 2, 1, 5, 0, tzinfo=UTC),
        datetime(2027, 3, 1, 5, 0, tzinfo=UTC),
    ]
