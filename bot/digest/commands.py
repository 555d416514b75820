"""The weekly digest: once a week, in the community's channel, what happened and what is
coming — new members, new resources, meetings in the next seven days, and the busiest
discussion prompt.

It goes out on Mondays at 09:00 in the workspace's default time zone (DEFAULT_TIMEZONE):
a community has no zone of its own, and one fixed, predictable moment is what makes a
digest something people look for.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from bot.kernel.args import CommunityArg
from bot.kernel.context import Ctx
from bot.kernel.i18n import N_, Translator
from bot.kernel.messages import (
    BulletList,
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
from bot.kernel.occurrences import meetings_touching, occurrences_between
from bot.kernel.registry import Arg, command
from bot.kernel.schedules import describe_spans
from data.models import Community, Membership, Prompt, Resource

DIGEST_RRULE = "FREQ=WEEKLY;BYDAY=MO"
DIGEST_START_LOCAL = "2024-01-01T09:00"  # a Monday; only the weekday and time matter
WEEK = timedelta(days=7)
MAX_RESOURCES = 10
MAX_MEMBERS = 20
MAX_MEETINGS = 10


async def digest_message(community: Community, tr: Translator, now: datetime, zone: str) -> Message:
    """The digest of the seven days before ``now`` and the meetings of the seven after.
    Times are shown in each reader's own zone where the platform can; ``zone`` elsewhere."""
    since = now - WEEK
    message = Message().add(Heading(tr("This week in {community}", community=community.name)))
    quiet = True

    joined = (
        await Membership.filter(
            community=community, left_at__isnull=True, joined_at__gte=since, member__is_bot=False
        )
        .prefetch_related("member")
        .order_by("joined_at")
    )
    if joined:
        quiet = False
        names = [Text(row.member.display_name) for row in joined[:MAX_MEMBERS]]
        line: list[Span] = []
        for index, name in enumerate(names):
            line += [Text(", ")] if index else []
            line.append(name)
        if len(joined) > MAX_MEMBERS:
            line.append(Text(f" (+{len(joined) - MAX_MEMBERS})"))
        message.add(
            Paragraph((Strong(tr("New members ({count})", count=len(joined))),)),
            Paragraph(tuple(line)),
        )

    resources = (
        await Resource.filter(community=community, shared_at__gte=since)
        .prefetch_related("shared_by")
        .order_by("-votes", "-shared_at", "-id")
    )
    if resources:
        quiet = False
        items = []
        for resource in resources[:MAX_RESOURCES]:
            item: list[Span] = [Link(resource.url, resource.title or resource.url)]
            if resource.shared_by is not None:
                name = Text(resource.shared_by.display_name)
                item += tr.spans(" — shared by {name}", name=name)
            items.append(tuple(item))
        message.add(
            Paragraph((Strong(tr("New resources ({count})", count=len(resources))),)),
            BulletList(tuple(items)),
        )
        if len(resources) > MAX_RESOURCES:
            more = len(resources) - MAX_RESOURCES
            message.add(
                Note(
                    tr.spans(
                        "…and {count} more: `resources in {community}`",
                        count=more,
                        community=community.name,
                    )
                )
            )

    meetings = await meetings_touching(now, now + WEEK, community_ids=[community.id])
    upcoming = (await occurrences_between(meetings, now, now + WEEK))[:MAX_MEETINGS]
    if upcoming:
        quiet = False
        items = [
            (
                Text(occurrence.meeting.title),
                Text(" — "),
                Time(occurrence.starts_at, "full", zone, tr.language),
            )
            for occurrence in upcoming
        ]
        message.add(
            Paragraph((Strong(tr("Meetings in the next 7 days")),)), BulletList(tuple(items))
        )

    busiest = (
        await Prompt.filter(community=community, last_posted_at__gte=since, answers__gt=0)
        .order_by("-answers", "-last_posted_at")
        .first()
    )
    if busiest is not None:
        quiet = False
        message.add(
            Paragraph((Strong(tr("Busiest discussion")),)),
            Paragraph(
                (
                    Text(busiest.text),
                    Text(" — "),
                    Text(tr.ngettext("{n} reply", "{n} replies", busiest.answers)),
                )
            ),
        )

    if quiet:
        message.add(
            Paragraph(
                tr.spans(
                    "A quiet week. Share something useful (`share <link>`) or "
                    "answer the latest discussion prompt!"
                )
            )
        )
    return message


@command(
    "digest",
    usage="digest <community> weekly|off",
    examples=["digest python weekly", "digest python off"],
    role="coordinator",
)
async def digest(
    ctx: Ctx,
    community: CommunityArg,
    mode: Annotated[str, Arg(N_("weekly or off"), kind="choice", choices=("weekly", "off"))],
) -> Message:
    """Turn a community's weekly digest on or off"""
    found = community
    turning_on = mode == "weekly" and not found.digest_enabled
    found.digest_enabled = mode == "weekly"
    if turning_on:  # the first digest is the next one announced, never one already past
        found.digest_since = ctx.clock.now()
    await found.save(update_fields=["digest_enabled", "digest_since"])
    if not found.digest_enabled:
        return Message(ephemeral=True).add(
            Paragraph(ctx.tr.spans("Weekly digest for “{community}” is off.", community=found.name))
        )
    zone = ctx.settings.default_timezone
    described = describe_spans(DIGEST_RRULE, DIGEST_START_LOCAL, zone, ctx.tr, ctx.clock.now())
    reply = Message(ephemeral=True).add(
        Paragraph(
            (
                *ctx.tr.spans("Weekly digest for “{community}” is on: ", community=found.name),
                *described,
            )
        )
    )
    if not found.home_channel_id:
        reply.add(
            Note(
                ctx.tr.spans(
                    "“{community}” has no home channel yet, so the digest waits "
                    "until one is bound: run `community bind {community}` in a "
                    "channel.",
                    community=found.name,
                )
            )
        )
    return reply
