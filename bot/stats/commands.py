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

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal

from bot.kernel.args import MaybeAnyCommunity
from bot.kernel.context import Ctx
from bot.kernel.i18n import N_
from bot.kernel.lookups import active_communities, channel_community
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
from bot.stats.figures import (
    ACTIVITY_KINDS,
    PROMPT_PREVIEW,
    Attendance,
    CommunityStats,
    PromptAnswers,
    community_stats,
    community_summaries,
    month_starts,
)
from bot.stats.sparkline import sparkline
from data.models import (
    Community,
)

# how each kind of activity (``figures.ACTIVITY_KINDS``) is listed
ACTIVITY_WORDS = {
    "shared": N_("shared {n}"),
    "voted": N_("upvoted {n}"),
    "rsvp": N_("RSVPed {n}"),
    "agenda": N_("added agenda items {n}"),
    "suggested": N_("suggested prompts {n}"),
    "joined": N_("joined {n}"),
    "other": N_("other activity {n}"),
}


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
    for summary in await community_summaries(communities, now):
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


@command("stats", usage="stats [community]", examples=["stats", "stats python"], read_only=True)
async def stats(
    ctx: Ctx,
    community: MaybeAnyCommunity = None,
) -> Message:
    """How a community is doing: members, growth, activity, resources, meetings, prompts"""
    found = community
    if found is None:  # in a community's home channel, "stats" means that community
        found = await channel_community(ctx)
    if found is None:
        return await workspace_summary(ctx)
    figures = await community_stats(found, ctx.clock.now(), ctx.timezone)
    return render_stats(ctx, found, figures)


# read by tests and the operations figures from here as well
__all__ = ["community_stats", "month_starts", "stats"]
