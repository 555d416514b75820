"""The figures of ``stats`` and the dashboard, counted by the database (data/stats_sql.py),
equal a straightforward computation in Python over every row, on both databases.

The data is random but seeded, and made of the awkward cases: members who leave and
come back, events at the same instant, timestamps with and without microseconds,
introductions before joining, contributions before joining and after ``now``, rows of
another community and of deleted members."""

from __future__ import annotations

import itertools
import random
import statistics
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from bot.stats.figures import (
    ACTIVE_DAYS,
    ACTIVE_DAYS_LONG,
    ACTIVITY_KINDS,
    MONTHS,
    TOP_RESOURCES,
    WEEKS,
    Activity,
    Growth,
    NewcomerPath,
    Repertoire,
    TopResource,
    community_stats,
    community_summaries,
    month_starts,
)
from data.models import (
    AgendaItem,
    Community,
    Meeting,
    Member,
    Membership,
    MembershipEvent,
    Occurrence,
    Prompt,
    Resource,
    ResourceVote,
    Rsvp,
    Workspace,
)

NOW = datetime(2027, 4, 5, 15, 0, tzinfo=UTC)
ZONE = "America/Toronto"
MEMBERS = 80


def instant(rng: random.Random, days_back: float) -> datetime:
    """A random instant up to ``days_back`` days ago (a few in the future), with or
    without microseconds, often on a whole hour so that some instants are equal."""
    at = NOW - timedelta(days=rng.uniform(-5, days_back))
    if rng.random() < 0.4:
        return at.replace(minute=0, second=0, microsecond=0)
    return at if rng.random() < 0.7 else at.replace(microsecond=0)


async def seed(rng: random.Random) -> list[Community]:
    workspace = await Workspace.create(platform="console", external_id="T1", created_at=NOW)
    members = [
        await Member.create(
            workspace=workspace,
            external_id=f"u{i}",
            display_name=f"U{i}",
            first_seen=NOW - timedelta(days=400),
            intro_posted_at=instant(rng, 150) if rng.random() < 0.5 else None,
            last_active_at=instant(rng, 150) if rng.random() < 0.7 else None,
        )
        for i in range(MEMBERS)
    ]
    communities = [
        await Community.create(workspace=workspace, name=name, name_key=name, created_at=NOW)
        for name in ("python", "design")
    ]
    for community in communities:
        for member in rng.sample(members, MEMBERS * 3 // 4):
            at, joined = instant(rng, 200), True
            kinds = ["join"]
            while rng.random() < 0.3:  # leave, and maybe come back
                kinds.append("leave" if kinds[-1] == "join" else "join")
            for kind in kinds:
                await MembershipEvent.create(member=member, community=community, kind=kind, at=at)
                joined = kind == "join"
                # the next event a little later, or at the same instant
                at += timedelta(hours=rng.choice([0, 1, 30, 24 * 20]))
            await Membership.create(
                member=member,
                community=community,
                joined_at=NOW,
                left_at=None if joined else NOW,
            )
        # a first contribution at the very instant of joining counts
        recent_joins = await MembershipEvent.filter(
            community=community, kind="join", at__gt=NOW - timedelta(weeks=WEEKS), at__lte=NOW
        ).prefetch_related("member")
        for i, event in enumerate(rng.sample(recent_joins, 4)):
            await Resource.create(
                workspace=workspace,
                community=community,
                url=f"https://x.example/{community.id}/at-join/{i}",
                url_key=f"x.example/{community.id}/at-join/{i}",
                title=f"At join {i}",
                shared_by=event.member,
                shared_at=event.at,
            )
        for i in range(60):
            await Resource.create(
                workspace=workspace,
                community=community,
                url=f"https://x.example/{community.id}/{i}",
                url_key=f"x.example/{community.id}/{i}",
                title=f"R{i}",
                shared_by=rng.choice([*members, None]),
                shared_at=instant(rng, 220),
                votes=rng.choice([0, 0, 1, 2, 3]),
            )
        resources = await Resource.filter(community=community)
        for resource in rng.sample(resources, 20):
            for member in rng.sample(members, 3):
                await ResourceVote.create(resource=resource, member=member, at=instant(rng, 120))
        meeting = await Meeting.create(
            community=community,
            title="Call",
            start_local="2027-01-06T12:00",
            timezone=ZONE,
            created_at=NOW - timedelta(days=200),
        )
        for week in range(-1, 16):
            start = NOW - timedelta(weeks=week, hours=3)
            occurrence = await Occurrence.create(
                meeting=meeting, original_start=start, starts_at=start
            )
            for member in rng.sample(members, 6):
                await Rsvp.create(
                    occurrence=occurrence,
                    member=member,
                    status=rng.choice(["going", "maybe", "no"]),
                    at=instant(rng, 120),
                )
            if rng.random() < 0.5:
                await AgendaItem.create(
                    occurrence=occurrence,
                    member=rng.choice([*members, None]),
                    text="item",
                    at=instant(rng, 120),
                )
        for i in range(12):
            await Prompt.create(
                community=community,
                text=f"Q{i}",
                source=rng.choice(["library", "suggested"]),
                suggested_by=rng.choice(members),
                created_at=instant(rng, 120),
            )
    return communities


# ---- the reference: every row into Python, the definitions of bot.stats.commands ----


async def reference_growth(community: Community) -> Growth:
    events = sorted(
        await MembershipEvent.filter(community=community).values_list(
            "at", "id", "member_id", "kind"
        )
    )

    def members_at(moment: datetime) -> int:
        state: dict[int, bool] = {}
        for at, _, member_id, kind in events:
            if at <= moment:
                state[member_id] = kind == "join"
        return sum(state.values())

    since = NOW - timedelta(weeks=WEEKS)
    window = [kind for at, _, _, kind in events if since < at <= NOW]
    return Growth(
        members_now=await Membership.filter(community=community, left_at__isnull=True).count(),
        members_before=members_at(since),
        weekly=tuple(members_at(NOW - timedelta(weeks=WEEKS - 1 - i)) for i in range(WEEKS)),
        joins=window.count("join"),
        leaves=window.count("leave"),
    )


async def reference_activity(community: Community, days: int) -> Activity:
    since = NOW - timedelta(days=days)

    def recent(at: datetime | None) -> bool:
        return at is not None and since < at <= NOW

    current = set(
        await Membership.filter(community=community, left_at__isnull=True).values_list(
            "member_id", flat=True
        )
    )
    did: dict[str, set[int]] = defaultdict(set)
    for resource in await Resource.filter(community=community):
        if recent(resource.shared_at) and resource.shared_by_id is not None:  # type: ignore[attr-defined]
            did["shared"].add(resource.shared_by_id)  # type: ignore[attr-defined]
    for vote in await ResourceVote.filter(resource__community=community):
        if recent(vote.at):
            did["voted"].add(vote.member_id)  # type: ignore[attr-defined]
    for rsvp in await Rsvp.filter(occurrence__meeting__community=community):
        if recent(rsvp.at):
            did["rsvp"].add(rsvp.member_id)  # type: ignore[attr-defined]
    for item in await AgendaItem.filter(occurrence__meeting__community=community):
        if recent(item.at) and item.member_id is not None:  # type: ignore[attr-defined]
            did["agenda"].add(item.member_id)  # type: ignore[attr-defined]
    for prompt in await Prompt.filter(community=community, source="suggested"):
        if recent(prompt.created_at) and prompt.suggested_by_id is not None:  # type: ignore[attr-defined]
            did["suggested"].add(prompt.suggested_by_id)  # type: ignore[attr-defined]
    for event in await MembershipEvent.filter(community=community, kind="join"):
        if recent(event.at):
            did["joined"].add(event.member_id)  # type: ignore[attr-defined]
    for member in await Member.filter(id__in=list(current) or [-1]):
        if recent(member.last_active_at):
            did["other"].add(member.id)
    named: set[int] = set()
    by_kind = {}
    for kind in ACTIVITY_KINDS:
        who = did[kind] & current
        if kind == "other":
            who -= named
        by_kind[kind] = len(who)
        named |= who
    return Activity(active=len(named), by_kind=by_kind)


async def reference_newcomers(community: Community) -> NewcomerPath:
    since = NOW - timedelta(weeks=WEEKS)
    first_join: dict[int, datetime] = {}
    for event in await MembershipEvent.filter(community=community, kind="join"):
        member_id = event.member_id  # type: ignore[attr-defined]
        if event.at <= NOW and (member_id not in first_join or event.at < first_join[member_id]):
            first_join[member_id] = event.at
    joined = {m: at for m, at in first_join.items() if at > since}
    to_intro = [
        max(timedelta(0), member.intro_posted_at - joined[member.id])
        for member in await Member.filter(id__in=list(joined) or [-1])
        if member.intro_posted_at is not None and member.intro_posted_at <= NOW
    ]
    contributions: list[tuple[int | None, datetime]] = []
    for resource in await Resource.filter(community=community):
        contributions.append((resource.shared_by_id, resource.shared_at))  # type: ignore[attr-defined]
    for rsvp in await Rsvp.filter(occurrence__meeting__community=community):
        if rsvp.status in ("going", "maybe"):
            contributions.append((rsvp.member_id, rsvp.at))  # type: ignore[attr-defined]
    for item in await AgendaItem.filter(occurrence__meeting__community=community):
        contributions.append((item.member_id, item.at))  # type: ignore[attr-defined]
    for prompt in await Prompt.filter(community=community, source="suggested"):
        contributions.append((prompt.suggested_by_id, prompt.created_at))  # type: ignore[attr-defined]
    first: dict[int, datetime] = {}
    for member_id, at in contributions:
        if member_id in joined and joined[member_id] <= at <= NOW:
            first[member_id] = min(at, first.get(member_id, at))
    to_contribution = [at - joined[m] for m, at in first.items()]
    return NewcomerPath(
        joined=len(joined),
        introduced=len(to_intro),
        contributed=len(to_contribution),
        median_to_intro=statistics.median(to_intro) if to_intro else None,
        median_to_contribution=statistics.median(to_contribution) if to_contribution else None,
    )


async def reference_repertoire(community: Community) -> Repertoire:
    resources = await Resource.filter(community=community)
    bounds = month_starts(NOW, ZONE, MONTHS)
    per_month = tuple(
        sum(1 for r in resources if start <= r.shared_at < end)
        for start, end in itertools.pairwise(bounds)
    )
    upvoted = sorted(
        (r for r in resources if r.votes > 0),
        key=lambda r: (-r.votes, -r.shared_at.timestamp(), r.id),
    )
    return Repertoire(
        total=len(resources),
        months=tuple(bounds[:-1]),
        per_month=per_month,
        top=tuple(TopResource(r.title, r.url, r.votes) for r in upvoted[:TOP_RESOURCES]),
    )


async def test_figures_equal_a_computation_over_every_row(db: str) -> None:
    communities = await seed(random.Random(13))
    for community in communities:
        figures = await community_stats(community, NOW, ZONE)
        assert figures.growth == await reference_growth(community)
        assert figures.activity == await reference_activity(community, ACTIVE_DAYS)
        assert figures.activity_long == await reference_activity(community, ACTIVE_DAYS_LONG)
        assert figures.newcomers == await reference_newcomers(community)
        assert figures.repertoire == await reference_repertoire(community)
        # the seed reaches the cases it is for
        assert figures.growth.leaves > 0 and figures.newcomers.contributed > 0
        assert figures.activity.by_kind["other"] > 0 and figures.activity.by_kind["voted"] > 0
    summaries = await community_summaries(communities, NOW)
    for community, summary in zip(communities, summaries, strict=True):
        assert summary.growth == await reference_growth(community)
        assert summary.active == (await reference_activity(community, ACTIVE_DAYS)).active
        assert summary.resources_30d == sum(
            1
            for r in await Resource.filter(community=community)
            if NOW - timedelta(days=ACTIVE_DAYS) < r.shared_at <= NOW
        )
