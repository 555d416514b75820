"""The figures behind ``stats``, computed from the database before anything is rendered, so
tests can assert every number. Definitions: see ``bot.stats.commands``."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from data import stats_sql
from data.models import Community, Occurrence, Prompt, Resource, Rsvp

WEEKS = 12
ACTIVE_DAYS = 30
ACTIVE_DAYS_LONG = 90  # the dashboard shows both windows
MONTHS = 6
RECENT_OCCURRENCES = 8
TOP_RESOURCES = 3
PROMPT_PREVIEW = 80

# the kinds of activity, in the order they are listed
ACTIVITY_KINDS = ("shared", "voted", "rsvp", "agenda", "suggested", "joined", "other")

# ---- the figures -------------------------------------------------------------------


@dataclass(frozen=True)
class Growth:
    members_now: int
    members_before: int  # 12 weeks ago
    weekly: tuple[int, ...]  # members at the end of each of the last 12 weeks (last = now)
    joins: int  # join events in the last 12 weeks
    leaves: int

    @property
    def change(self) -> int:
        return self.members_now - self.members_before


@dataclass(frozen=True)
class Activity:
    active: int  # current members active in the last 30 days
    by_kind: dict[str, int]  # kind -> current members with that kind of activity


@dataclass(frozen=True)
class NewcomerPath:
    joined: int
    introduced: int
    contributed: int
    median_to_intro: timedelta | None
    median_to_contribution: timedelta | None


@dataclass(frozen=True)
class TopResource:
    title: str
    url: str
    votes: int


@dataclass(frozen=True)
class Repertoire:
    total: int
    months: tuple[datetime, ...]  # first instant of each month (UTC), oldest first
    per_month: tuple[int, ...]
    top: tuple[TopResource, ...]


@dataclass(frozen=True)
class Attendance:
    starts_at: datetime
    title: str
    going: int
    maybe: int
    declined: int = 0  # RSVPs answered "no"

    @property
    def rsvps(self) -> int:
        return self.going + self.maybe + self.declined


@dataclass(frozen=True)
class PromptAnswers:
    weekly: tuple[int, ...]  # answers to prompts posted in each of the last 12 weeks
    prompts: int  # prompts posted in the last 12 weeks
    most_answered: tuple[str, int] | None  # (text, answers)

    @property
    def answers(self) -> int:
        return sum(self.weekly)


@dataclass(frozen=True)
class CommunityStats:
    growth: Growth
    activity: Activity
    newcomers: NewcomerPath
    repertoire: Repertoire
    meetings: tuple[Attendance, ...]  # recent occurrences that have started, oldest first
    next_meeting: Attendance | None
    prompts: PromptAnswers
    activity_long: Activity | None = None  # the same over ACTIVE_DAYS_LONG days


@dataclass(frozen=True)
class CommunitySummary:
    name: str
    growth: Growth
    active: int
    resources_30d: int


@dataclass
class _Window:
    now: datetime
    weeks_ago: datetime = field(init=False)
    active_since: datetime = field(init=False)

    def __post_init__(self) -> None:
        self.weeks_ago = self.now - timedelta(weeks=WEEKS)
        self.active_since = self.now - timedelta(days=ACTIVE_DAYS)

    def week_ends(self) -> list[datetime]:
        return [self.now - timedelta(weeks=WEEKS - 1 - i) for i in range(WEEKS)]

    def week_index(self, instant: datetime) -> int | None:
        """Which of the 12 weeks ending now holds ``instant`` (0 = oldest)."""
        if not (self.weeks_ago < instant <= self.now):
            return None
        elapsed = self.now - instant
        return WEEKS - 1 - min(WEEKS - 1, int(elapsed / timedelta(weeks=1)))


async def community_stats(community: Community, now: datetime, zone: str) -> CommunityStats:
    """Every figure of ``stats <community>`` at ``now``; months follow ``zone``."""
    window = _Window(now)
    ids = [community.id]
    # independent figures, asked together: on PostgreSQL each takes a connection of the
    # pool, and on SQLite the counts take reader connections of their own
    # (data.sqlite_readers), so the page waits for the slowest rather than for their sum
    (
        activities,
        (meetings, next_meeting),
        growths,
        newcomers,
        repertoire,
        prompts,
    ) = await asyncio.gather(
        _activities(ids, window),
        _attendance(community, now),
        _growths(ids, window),
        _newcomer_path(community, window),
        _repertoire(community, now, zone),
        _prompt_answers(community, window),
    )
    recent, longer = activities[community.id]
    return CommunityStats(
        growth=growths[community.id],
        activity=recent,
        newcomers=newcomers,
        repertoire=repertoire,
        meetings=meetings,
        next_meeting=next_meeting,
        prompts=prompts,
        activity_long=longer,
    )


async def community_summaries(
    communities: list[Community], now: datetime
) -> list[CommunitySummary]:
    """The one-line figures of each community, with the same statements however many
    there are (each counts every community's rows at once, grouped by community)."""
    window = _Window(now)
    ids = [c.id for c in communities]
    shared = await stats_sql.resources_shared(ids, window.active_since, now)
    activities = await _activities(ids, window)
    growths = await _growths(ids, window)
    return [
        CommunitySummary(
            name=c.name,
            growth=growths[c.id],
            active=activities[c.id][0].active,
            resources_30d=shared.get(c.id, 0),
        )
        for c in communities
    ]


async def _growths(community_ids: list[int], window: _Window) -> dict[int, Growth]:
    counts = await stats_sql.member_counts(
        community_ids, [window.weeks_ago, *window.week_ends()], window.weeks_ago, window.now
    )
    return {
        cid: Growth(
            members_now=found.members_now,
            members_before=found.members_at[0],
            weekly=found.members_at[1:],
            joins=found.joins,
            leaves=found.leaves,
        )
        for cid, found in counts.items()
    }


async def _activities(
    community_ids: list[int], window: _Window
) -> dict[int, tuple[Activity, Activity]]:
    """Each community's activity over the last ACTIVE_DAYS and ACTIVE_DAYS_LONG days."""
    counts = await stats_sql.activity_counts(
        community_ids,
        recent_since=window.active_since,
        since=window.now - timedelta(days=ACTIVE_DAYS_LONG),
        now=window.now,
    )

    def activity(found: dict[str, tuple[int, int]], which: int) -> Activity:
        return Activity(
            active=found.get("any", (0, 0))[which],
            by_kind={kind: found.get(kind, (0, 0))[which] for kind in ACTIVITY_KINDS},
        )

    return {cid: (activity(found, 0), activity(found, 1)) for cid, found in counts.items()}


async def _newcomer_path(community: Community, window: _Window) -> NewcomerPath:
    found = await stats_sql.newcomer_counts(community.id, window.weeks_ago, window.now)
    return NewcomerPath(
        joined=found.joined,
        introduced=found.introduced,
        contributed=found.contributed,
        median_to_intro=found.to_intro.median if found.to_intro else None,
        median_to_contribution=found.to_contribution.median if found.to_contribution else None,
    )


def month_starts(now: datetime, zone: str, count: int) -> list[datetime]:
    """The first instants (UTC) of the last ``count`` calendar months in ``zone`` plus the
    start of the next month, oldest first: ``count + 1`` boundaries."""
    local = now.astimezone(ZoneInfo(zone))
    index = local.year * 12 + local.month - 1
    starts = []
    for position in range(index - count + 1, index + 2):
        year, month = divmod(position, 12)
        starts.append(datetime(year, month + 1, 1, tzinfo=ZoneInfo(zone)).astimezone(UTC))
    return starts


async def _repertoire(community: Community, now: datetime, zone: str) -> Repertoire:
    bounds = month_starts(now, zone, MONTHS)
    total, per_month = await stats_sql.resource_counts(community.id, bounds)
    top = (
        await Resource.filter(community_id=community.id, votes__gt=0)
        .order_by("-votes", "-shared_at", "id")
        .limit(TOP_RESOURCES)
        .values_list("title", "url", "votes")
    )
    return Repertoire(
        total=total,
        months=tuple(bounds[:-1]),
        per_month=tuple(per_month),
        top=tuple(TopResource(title, url, votes) for title, url, votes in top),
    )


async def _attendance(
    community: Community, now: datetime
) -> tuple[tuple[Attendance, ...], Attendance | None]:
    held = list(
        reversed(
            await Occurrence.filter(
                meeting__community_id=community.id,
                meeting__cancelled=False,
                cancelled=False,
                starts_at__lte=now,
            )
            .order_by("-starts_at", "-id")
            .limit(RECENT_OCCURRENCES)
            .prefetch_related("meeting")
        )
    )
    upcoming = (
        await Occurrence.filter(
            meeting__community_id=community.id,
            meeting__cancelled=False,
            cancelled=False,
            starts_at__gt=now,
        )
        .order_by("starts_at", "id")
        .first()
        .prefetch_related("meeting")
    )
    occurrences = held + ([upcoming] if upcoming else [])
    counts: dict[tuple[int, str], int] = {}
    for occurrence_id, status in await Rsvp.filter(
        occurrence_id__in=[o.id for o in occurrences] or [-1]
    ).values_list("occurrence_id", "status"):
        counts[(occurrence_id, status)] = counts.get((occurrence_id, status), 0) + 1

    def attendance(occurrence: Occurrence) -> Attendance:
        return Attendance(
            starts_at=occurrence.starts_at,
            title=occurrence.meeting.title,
            going=counts.get((occurrence.id, "going"), 0),
            maybe=counts.get((occurrence.id, "maybe"), 0),
            declined=counts.get((occurrence.id, "no"), 0),
        )

    return tuple(attendance(o) for o in held), attendance(upcoming) if upcoming else None


async def _prompt_answers(community: Community, window: _Window) -> PromptAnswers:
    posted = await Prompt.filter(
        community_id=community.id,
        last_posted_at__gt=window.weeks_ago,
        last_posted_at__lte=window.now,
    ).order_by("last_posted_at", "id")
    weekly = [0] * WEEKS
    most: tuple[str, int] | None = None
    for prompt in posted:
        index = window.week_index(prompt.last_posted_at)  # type: ignore[arg-type]
        if index is not None:
            weekly[index] += prompt.answers
        if prompt.answers > 0 and (most is None or prompt.answers >= most[1]):
            most = (prompt.text, prompt.answers)  # the latest wins a tie
    return PromptAnswers(weekly=tuple(weekly), prompts=len(posted), most_answered=most)
