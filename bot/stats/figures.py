"""The figures behind ``stats``, computed from the database before anything is rendered, so
tests can assert every number. Definitions: see ``bot.stats.commands``."""

from __future__ import annotations

import itertools
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.functions import Min

from data.models import (
    AgendaItem,
    Community,
    Member,
    Membership,
    MembershipEvent,
    Occurrence,
    Prompt,
    Resource,
    ResourceVote,
    Rsvp,
)

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
    current = (await _current_member_ids([community.id]))[community.id]
    meetings, next_meeting = await _attendance(community, now)
    return CommunityStats(
        growth=(await _growths([community.id], window, {community.id: len(current)}))[community.id],
        activity=(await _activities([community.id], window, {community.id: current}))[community.id],
        newcomers=await _newcomer_path(community, window),
        repertoire=await _repertoire(community, now, zone),
        meetings=meetings,
        next_meeting=next_meeting,
        prompts=await _prompt_answers(community, window),
        activity_long=(
            await _activities(
                [community.id], window, {community.id: current}, days=ACTIVE_DAYS_LONG
            )
        )[community.id],
    )


async def community_summaries(
    communities: list[Community], now: datetime
) -> list[CommunitySummary]:
    """The one-line figures of each community, with the same queries however many there
    are (each reads every community's rows at once, grouped here by community)."""
    window = _Window(now)
    ids = [c.id for c in communities]
    current = await _current_member_ids(ids)
    shared: Counter[int] = Counter(
        int(cid)  # type: ignore[call-overload]
        for cid in await Resource.filter(
            community_id__in=ids, shared_at__gt=window.active_since, shared_at__lte=now
        ).values_list("community_id", flat=True)
    )
    activities = await _activities(ids, window, current)
    growths = await _growths(ids, window, {cid: len(members) for cid, members in current.items()})
    return [
        CommunitySummary(
            name=c.name,
            growth=growths[c.id],
            active=activities[c.id].active,
            resources_30d=shared[c.id],
        )
        for c in communities
    ]


async def _current_member_ids(community_ids: list[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {cid: set() for cid in community_ids}
    for cid, member_id in await Membership.filter(
        community_id__in=community_ids, left_at__isnull=True
    ).values_list("community_id", "member_id"):
        found[int(cid)].add(int(member_id))
    return found


async def _growths(
    community_ids: list[int], window: _Window, members_now: dict[int, int]
) -> dict[int, Growth]:
    events_of: dict[int, list[tuple[int, str, datetime]]] = {cid: [] for cid in community_ids}
    for cid, member_id, kind, at in (
        await MembershipEvent.filter(community_id__in=community_ids)
        .order_by("at", "id")
        .values_list("community_id", "member_id", "kind", "at")
    ):
        events_of[int(cid)].append((int(member_id), str(kind), at))
    return {cid: _growth(events_of[cid], window, members_now.get(cid, 0)) for cid in community_ids}


def _growth(events: list[tuple[int, str, datetime]], window: _Window, members_now: int) -> Growth:
    def members_at(instant: datetime) -> int:
        state: dict[int, bool] = {}
        for member_id, kind, at in events:
            if at > instant:
                break
            state[member_id] = kind == "join"
        return sum(state.values())

    in_window = [(kind, at) for _, kind, at in events if window.weeks_ago < at <= window.now]
    return Growth(
        members_now=members_now,
        members_before=members_at(window.weeks_ago),
        weekly=tuple(members_at(end) for end in window.week_ends()),
        joins=sum(1 for kind, _ in in_window if kind == "join"),
        leaves=sum(1 for kind, _ in in_window if kind == "leave"),
    )


async def _activities(
    community_ids: list[int],
    window: _Window,
    current: dict[int, set[int]],
    days: int = ACTIVE_DAYS,
) -> dict[int, Activity]:
    since, now = window.now - timedelta(days=days), window.now
    ids = community_ids
    # (community id, member id) pairs of each kind of contribution, every community at once
    sources: dict[str, Iterable[Any]] = {
        "shared": await Resource.filter(
            community_id__in=ids, shared_at__gt=since, shared_at__lte=now
        ).values_list("community_id", "shared_by_id"),
        "voted": await ResourceVote.filter(
            resource__community_id__in=ids, at__gt=since, at__lte=now
        ).values_list("resource__community_id", "member_id"),
        "rsvp": await Rsvp.filter(
            occurrence__meeting__community_id__in=ids, at__gt=since, at__lte=now
        ).values_list("occurrence__meeting__community_id", "member_id"),
        "agenda": await AgendaItem.filter(
            occurrence__meeting__community_id__in=ids, at__gt=since, at__lte=now
        ).values_list("occurrence__meeting__community_id", "member_id"),
        "suggested": await Prompt.filter(
            community_id__in=ids, source="suggested", created_at__gt=since, created_at__lte=now
        ).values_list("community_id", "suggested_by_id"),
        "other": await Membership.filter(
            community_id__in=ids,
            left_at__isnull=True,
            member__last_active_at__gt=since,
            member__last_active_at__lte=now,
        ).values_list("community_id", "member_id"),
        "joined": await MembershipEvent.filter(
            community_id__in=ids, kind="join", at__gt=since, at__lte=now
        ).values_list("community_id", "member_id"),
    }
    by_community: dict[str, dict[int, set[int]]] = {}
    for kind, pairs in sources.items():
        grouped: dict[int, set[int]] = {}
        for cid, member_id in pairs:
            if member_id is not None:
                grouped.setdefault(int(cid), set()).add(int(member_id))
        by_community[kind] = grouped
    result: dict[int, Activity] = {}
    for cid in community_ids:
        by_kind: dict[str, int] = {}
        everyone: set[int] = set()
        for kind in ACTIVITY_KINDS:  # "other" comes last: it counts only the rest
            members = by_community[kind].get(cid, set()) & current.get(cid, set())
            if kind == "other":
                members -= everyone
            by_kind[kind] = len(members)
            everyone |= members
        result[cid] = Activity(active=len(everyone), by_kind=by_kind)
    return result


async def _newcomer_path(community: Community, window: _Window) -> NewcomerPath:
    cid = community.id
    # a newcomer's first join is in the window: joins in it, less members who had joined
    # before it (read as ids only: parsing thousands of old timestamps is the slow part)
    earlier = set(
        await MembershipEvent.filter(
            community_id=cid, kind="join", at__lte=window.weeks_ago
        ).values_list("member_id", flat=True)
    )
    joined: dict[int, datetime] = {}
    for member_id, at in (
        await MembershipEvent.filter(
            community_id=cid, kind="join", at__gt=window.weeks_ago, at__lte=window.now
        )
        .order_by("at", "id")
        .values_list("member_id", "at")
    ):
        if member_id not in earlier:
            joined.setdefault(member_id, at)
    ids = list(joined) or [-1]

    to_intro: list[timedelta] = []
    for member_id, intro_at in await Member.filter(
        id__in=ids, intro_posted_at__isnull=False
    ).values_list("id", "intro_posted_at"):
        if intro_at <= window.now:
            # introduced before joining this community counts as introduced at once
            to_intro.append(max(timedelta(0), intro_at - joined[member_id]))

    contributions: list[tuple[int | None, datetime]] = []
    # a contribution counts from joining on, and every newcomer joined inside the window
    since = window.weeks_ago
    # resources are the many: the first share per member comes from the database, and
    # only a member whose first share came before their join has their rows read
    first_shares = (
        await Resource.filter(community_id=cid, shared_by_id__in=ids, shared_at__gt=since)
        .annotate(first=Min("shared_at"))
        .group_by("shared_by_id")
        .values_list("shared_by_id", "first")
    )
    early: list[int] = []
    for member_id, first in first_shares:
        first_at = _aware(first)
        if member_id is not None and first_at < joined[member_id]:
            early.append(member_id)
        else:
            contributions.append((member_id, first_at))
    if early:
        contributions += await Resource.filter(
            community_id=cid, shared_by_id__in=early, shared_at__gt=since
        ).values_list("shared_by_id", "shared_at")
    contributions += await Rsvp.filter(
        occurrence__meeting__community_id=cid,
        member_id__in=ids,
        status__in=("going", "maybe"),
        at__gt=since,
    ).values_list("member_id", "at")
    contributions += await AgendaItem.filter(
        occurrence__meeting__community_id=cid, member_id__in=ids, at__gt=since
    ).values_list("member_id", "at")
    contributions += await Prompt.filter(
        community_id=cid, source="suggested", suggested_by_id__in=ids, created_at__gt=since
    ).values_list("suggested_by_id", "created_at")
    first_contribution: dict[int, datetime] = {}
    for member_id, at in contributions:
        if member_id is None or at < joined[member_id] or at > window.now:
            continue
        if member_id not in first_contribution or at < first_contribution[member_id]:
            first_contribution[member_id] = at
    to_contribution = [at - joined[m] for m, at in first_contribution.items()]

    return NewcomerPath(
        joined=len(joined),
        introduced=len(to_intro),
        contributed=len(to_contribution),
        median_to_intro=_median(to_intro),
        median_to_contribution=_median(to_contribution),
    )


def _aware(value: object) -> datetime:
    """An aggregate's instant: SQLite hands MIN() back as text, PostgreSQL as a datetime."""
    instant = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


def _median(durations: list[timedelta]) -> timedelta | None:
    if not durations:
        return None
    return timedelta(seconds=statistics.median(d.total_seconds() for d in durations))


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
    # counted by the database, month by month: a busy repertoire has thousands of rows
    per_month = [
        await Resource.filter(
            community_id=community.id, shared_at__gte=start, shared_at__lt=end
        ).count()
        for start, end in itertools.pairwise(bounds)
    ]
    top = (
        await Resource.filter(community_id=community.id, votes__gt=0)
        .order_by("-votes", "-shared_at", "id")
        .limit(TOP_RESOURCES)
        .values_list("title", "url", "votes")
    )
    return Repertoire(
        total=await Resource.filter(community_id=community.id).count(),
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
