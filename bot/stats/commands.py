"""stats: is a community living? Members and growth, active members, the newcomer path,
the repertoire, meeting attendance and prompt answers, as figures with small text charts.

The figures are computed first (``community_stats``), then rendered, so tests can assert
every number and adapters only ever see a ``Message``.

Definitions (also in docs/operations.md):
- a member is *active* when, in the last 30 days, they shared or upvoted a resource,
  answered an RSVP, added an agenda item, suggested a prompt, joined the community, or
  did anything else the bot records in ``Member.last_active_at`` (answering a prompt in
  its thread, for one: who answered is not stored anywhere else). That last kind is
  counted as "other" only for members not already counted under a named kind.
- a *newcomer* is a member whose first join of the community is in the last 12 weeks;
  they are *introduced* once ``Member.intro_posted_at`` is set, and their *first
  contribution* is the first resource shared, RSVP going/maybe, agenda item or prompt
  suggestion in the community at or after joining.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal

from bot.kernel.args import MaybeAnyCommunity
from bot.kernel.context import Ctx
from bot.kernel.i18n import N_
from bot.kernel.lookups import active_communities
from bot.kernel.messages import (
    BulletList,
    Code,
    Heading,
    Link,
    Message,
    Note,
    Paragraph,
    Span,
    Strong,
    Text,
    Time,
)
from bot.kernel.registry import command
from bot.stats.sparkline import sparkline
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
MONTHS = 6
RECENT_OCCURRENCES = 8
TOP_RESOURCES = 3
PROMPT_PREVIEW = 80

# the kinds of activity, in the order they are listed
ACTIVITY_KINDS = ("shared", "voted", "rsvp", "agenda", "suggested", "joined", "other")
ACTIVITY_WORDS = {
    "shared": N_("shared {n}"),
    "voted": N_("upvoted {n}"),
    "rsvp": N_("RSVPed {n}"),
    "agenda": N_("added agenda items {n}"),
    "suggested": N_("suggested prompts {n}"),
    "joined": N_("joined {n}"),
    "other": N_("other activity {n}"),
}


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
    current = await _current_member_ids(community)
    meetings, next_meeting = await _attendance(community, now)
    return CommunityStats(
        growth=await _growth(community, window, len(current)),
        activity=await _activity(community, window, current),
        newcomers=await _newcomer_path(community, window),
        repertoire=await _repertoire(community, now, zone),
        meetings=meetings,
        next_meeting=next_meeting,
        prompts=await _prompt_answers(community, window),
    )


async def community_summary(community: Community, now: datetime) -> CommunitySummary:
    window = _Window(now)
    current = await _current_member_ids(community)
    shared = await Resource.filter(
        community_id=community.id, shared_at__gt=window.active_since, shared_at__lte=now
    ).count()
    activity = await _activity(community, window, current)
    return CommunitySummary(
        name=community.name,
        growth=await _growth(community, window, len(current)),
        active=activity.active,
        resources_30d=shared,
    )


async def _current_member_ids(community: Community) -> set[int]:
    rows = await Membership.filter(community_id=community.id, left_at__isnull=True).values_list(
        "member_id", flat=True
    )
    return {int(row) for row in rows}  # type: ignore[call-overload]


async def _growth(community: Community, window: _Window, members_now: int) -> Growth:
    events = (
        await MembershipEvent.filter(community_id=community.id)
        .order_by("at", "id")
        .values_list("member_id", "kind", "at")
    )

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


async def _activity(community: Community, window: _Window, current: set[int]) -> Activity:
    since, now = window.active_since, window.now
    cid = community.id
    sources: dict[str, Iterable[Any]] = {
        "shared": await Resource.filter(
            community_id=cid, shared_at__gt=since, shared_at__lte=now
        ).values_list("shared_by_id", flat=True),
        "voted": await ResourceVote.filter(
            resource__community_id=cid, at__gt=since, at__lte=now
        ).values_list("member_id", flat=True),
        "rsvp": await Rsvp.filter(
            occurrence__meeting__community_id=cid, at__gt=since, at__lte=now
        ).values_list("member_id", flat=True),
        "agenda": await AgendaItem.filter(
            occurrence__meeting__community_id=cid, at__gt=since, at__lte=now
        ).values_list("member_id", flat=True),
        "suggested": await Prompt.filter(
            community_id=cid, source="suggested", created_at__gt=since, created_at__lte=now
        ).values_list("suggested_by_id", flat=True),
        "other": await Member.filter(
            memberships__community_id=cid,
            memberships__left_at__isnull=True,
            last_active_at__gt=since,
            last_active_at__lte=now,
        ).values_list("id", flat=True),
        "joined": await MembershipEvent.filter(
            community_id=cid, kind="join", at__gt=since, at__lte=now
        ).values_list("member_id", flat=True),
    }
    by_kind: dict[str, int] = {}
    everyone: set[int] = set()
    for kind in ACTIVITY_KINDS:  # "other" comes last: it counts only the rest
        ids = {int(i) for i in sources[kind] if i is not None} & current
        if kind == "other":
            ids -= everyone
        by_kind[kind] = len(ids)
        everyone |= ids
    return Activity(active=len(everyone), by_kind=by_kind)


async def _newcomer_path(community: Community, window: _Window) -> NewcomerPath:
    cid = community.id
    first_join: dict[int, datetime] = {}
    for member_id, at in (
        await MembershipEvent.filter(community_id=cid, kind="join")
        .order_by("at", "id")
        .values_list("member_id", "at")
    ):
        first_join.setdefault(member_id, at)
    joined = {m: at for m, at in first_join.items() if window.weeks_ago < at <= window.now}
    ids = list(joined) or [-1]

    to_intro: list[timedelta] = []
    for member_id, intro_at in await Member.filter(
        id__in=ids, intro_posted_at__isnull=False
    ).values_list("id", "intro_posted_at"):
        if intro_at <= window.now:
            # introduced before joining this community counts as introduced at once
            to_intro.append(max(timedelta(0), intro_at - joined[member_id]))

    contributions: list[tuple[int | None, datetime]] = []
    contributions += await Resource.filter(community_id=cid, shared_by_id__in=ids).values_list(
        "shared_by_id", "shared_at"
    )
    contributions += await Rsvp.filter(
        occurrence__meeting__community_id=cid, member_id__in=ids, status__in=("going", "maybe")
    ).values_list("member_id", "at")
    contributions += await AgendaItem.filter(
        occurrence__meeting__community_id=cid, member_id__in=ids
    ).values_list("member_id", "at")
    contributions += await Prompt.filter(
        community_id=cid, source="suggested", suggested_by_id__in=ids
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
    shared_at = await Resource.filter(
        community_id=community.id, shared_at__gte=bounds[0], shared_at__lt=bounds[-1]
    ).values_list("shared_at", flat=True)
    per_month = [
        sum(1 for at in shared_at if start <= at < end)  # type: ignore[misc, operator]
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


# ---- the message -------------------------------------------------------------------


def signed(number: int) -> str:
    return f"+{number}" if number > 0 else str(number)


def human_duration(ctx: Ctx, duration: timedelta) -> str:
    minutes = duration.total_seconds() / 60
    if minutes < 60:
        return ctx.tr("{n} min", n=round(minutes))
    hours = minutes / 60
    if hours < 48:
        return ctx.tr("{n} h", n=round(hours))
    days = hours / 24
    shown_days = round(days, 1) if days < 10 else round(days)
    return ctx.tr("{n} days", n=format_decimal(shown_days, locale=ctx.tr.locale))


def _median_text(ctx: Ctx, duration: timedelta | None) -> str:
    if duration is None:
        return ""
    return ctx.tr(" (median {duration})", duration=human_duration(ctx, duration))


def _month_name(ctx: Ctx, start: datetime, zone: str) -> str:
    local = start.astimezone(ZoneInfo(zone))
    return ctx.tr("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec").split()[local.month - 1]


def render_stats(ctx: Ctx, community: Community, figures: CommunityStats) -> Message:
    message = Message(ephemeral=True).add(
        Heading(ctx.tr("How {name} is doing", name=community.name))
    )
    growth = figures.growth
    message.add(
        Paragraph(
            (
                *ctx.tr.spans(
                    "Members: {count} ({change} in 12 weeks: joined {joins}, left {leaves})",
                    count=growth.members_now,
                    change=signed(growth.change),
                    joins=growth.joins,
                    leaves=growth.leaves,
                ),
                Text("  "),
                Code(sparkline(growth.weekly)),
            )
        )
    )

    activity = figures.activity
    percent = round(100 * activity.active / growth.members_now) if growth.members_now else 0
    message.add(
        Paragraph(
            ctx.tr.spans(
                "Active in the last 30 days: {active} of {members} ({percent}%)",
                active=activity.active,
                members=growth.members_now,
                percent=percent,
            )
        )
    )
    kinds = [
        ctx.tr(ACTIVITY_WORDS[kind], n=activity.by_kind[kind])
        for kind in ACTIVITY_KINDS
        if activity.by_kind[kind]
    ]
    if kinds:
        message.add(Note((Text(" · ".join(kinds)),)))

    path = figures.newcomers
    message.add(
        Paragraph(
            ctx.tr.spans(
                "Newcomers (12 weeks): {joined} joined → {introduced} "
                "introduced{intro_time} → {contributed} "
                "contributed{contribution_time}",
                joined=path.joined,
                introduced=path.introduced,
                intro_time=_median_text(ctx, path.median_to_intro),
                contributed=path.contributed,
                contribution_time=_median_text(ctx, path.median_to_contribution),
            )
        )
    )

    repertoire = figures.repertoire
    message.add(
        Paragraph(
            (
                *ctx.tr.spans(
                    "Resources: {total} in all; shared per month, {first} to {last}: {counts}",
                    total=repertoire.total,
                    first=_month_name(ctx, repertoire.months[0], ctx.timezone),
                    last=_month_name(ctx, repertoire.months[-1], ctx.timezone),
                    counts=", ".join(str(n) for n in repertoire.per_month),
                ),
                Text("  "),
                Code(sparkline(repertoire.per_month)),
            )
        )
    )
    if repertoire.top:
        message.add(Paragraph((Text(ctx.tr("Most upvoted:")),)))
        message.add(
            BulletList(
                tuple(
                    (
                        Link(top.url, top.title or top.url),
                        Text(" — " + ctx.tr("votes: {n}", n=top.votes)),
                    )
                    for top in repertoire.top
                )
            )
        )

    _add_meetings(ctx, message, figures)
    _add_prompts(ctx, message, figures.prompts)
    return message


def _attendance_line(ctx: Ctx, item: Attendance) -> tuple[Span, ...]:
    return (
        Time(item.starts_at, "date", ctx.timezone, ctx.language),
        Text(" " + item.title + " — "),
        Text(ctx.tr("going {going}, maybe {maybe}", going=item.going, maybe=item.maybe)),
    )


def _add_meetings(ctx: Ctx, message: Message, figures: CommunityStats) -> None:
    if not figures.meetings and figures.next_meeting is None:
        message.add(Paragraph((Text(ctx.tr("No meetings held yet.")),)))
        return
    header: list[Span] = [Text(ctx.tr("Meeting attendance, going per occurrence:"))]
    if figures.meetings:
        header += [Text("  "), Code(sparkline([m.going for m in figures.meetings]))]
    message.add(Paragraph(tuple(header)))
    lines = [_attendance_line(ctx, item) for item in figures.meetings]
    if figures.next_meeting is not None:
        lines.append((Text(ctx.tr("next: ")), *_attendance_line(ctx, figures.next_meeting)))
    message.add(BulletList(tuple(lines)))


def _add_prompts(ctx: Ctx, message: Message, prompts: PromptAnswers) -> None:
    if not prompts.prompts:
        message.add(Paragraph((Text(ctx.tr("No discussion prompts posted in 12 weeks.")),)))
        return
    message.add(
        Paragraph(
            (
                *ctx.tr.spans(
                    "Prompt answers per week, 12 weeks: answers {answers}, "
                    "prompts posted {prompts}",
                    answers=prompts.answers,
                    prompts=prompts.prompts,
                ),
                Text("  "),
                Code(sparkline(prompts.weekly)),
            )
        )
    )
    if prompts.most_answered is not None:
        text, answers = prompts.most_answered
        preview = text if len(text) <= PROMPT_PREVIEW else text[: PROMPT_PREVIEW - 1] + "…"
        message.add(Note((Text(ctx.tr("Most answered ({n}): ", n=answers)), Text(preview))))


async def workspace_summary(ctx: Ctx) -> Message:
    message = Message(ephemeral=True).add(Heading(ctx.tr("Communities at a glance")))
    communities = await active_communities(ctx)
    if not communities:
        return message.add(
            Paragraph(ctx.tr.spans("No communities yet. Start one: `community create <name>`"))
        )
    now = ctx.clock.now()
    lines: list[tuple[Span, ...]] = []
    for community in communities:
        summary = await community_summary(community, now)
        lines.append(
            (
                Strong(summary.name),
                Text(ctx.tr.pgettext("label separator", ": ")),
                *ctx.tr.spans(
                    "members {members} ({change} in 12 weeks) · active in 30 "
                    "days {active} · resources shared in 30 days {resources}",
                    members=summary.growth.members_now,
                    change=signed(summary.growth.change),
                    active=summary.active,
                    resources=summary.resources_30d,
                ),
                Text("  "),
                Code(sparkline(summary.growth.weekly)),
            )
        )
    message.add(BulletList(tuple(lines)))
    return message.add(Note(ctx.tr.spans("Type `stats <community>` for one community's details.")))


@command("stats", usage="stats [community]", examples=["stats", "stats python"])
async def stats(
    ctx: Ctx,
    community: MaybeAnyCommunity = None,
) -> Message:
    """How a community is doing: members, growth, activity, resources, meetings, prompts"""
    found = community
    if found is None and ctx.channel_id:
        # in a community's home channel, "stats" means that community
        found = await Community.get_or_none(
            workspace=ctx.workspace, home_channel_id=ctx.channel_id, archived=False
        )
    if found is None:
        return await workspace_summary(ctx)
    figures = await community_stats(found, ctx.clock.now(), ctx.timezone)
    return render_stats(ctx, found, figures)
