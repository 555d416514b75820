"""Planner for scheduled discussion prompts (kind "prompt").

One post per occurrence of a community's prompt schedule, to its home channel. Which
prompt is chosen only when it is sent (``bot.prompts.next_prompt``): planning stays
deterministic, and a suggestion approved in the meantime still goes first.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from bot.kernel.lookups import community_language
from bot.kernel.messages import Message
from bot.kernel.schedules import is_occurrence, occurrences_between
from bot.kernel.settings import Settings
from bot.prompts.commands import post_next_prompt
from data.models import Community, Delivery, NetworkingSchedule, PromptSchedule
from scheduler.planning import DuePost, Sender, SkipDelivery

log = logging.getLogger(__name__)

KIND = "prompt"
# a prompt half a day late is still a conversation starter; later, the next one is near
STALE_AFTER = timedelta(hours=12)


def instant_key(instant: datetime) -> str:
    """The due time as it appears in subjects: minute precision, UTC."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def channel_target(channel_id: str) -> str:
    return f"channel:{channel_id}"


def community_id_of(delivery: Delivery) -> int | None:
    """The community a planned post is for (in its payload, and in its subject)."""
    value = delivery.payload.get("community_id")
    if isinstance(value, int):
        return value
    parts = delivery.subject.split(":")
    return int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else None


async def sent_under_another_target(delivery: Delivery) -> bool:
    """Whether this very post (same kind and subject) already went out under another
    target: a home channel changed after the first row was planned must not mean two
    posts."""
    return (
        await Delivery.filter(
            kind=delivery.kind, subject=delivery.subject, status__in=("sent", "fallback")
        )
        .exclude(id=delivery.id)
        .exists()
    )


async def channel_post_community(delivery: Delivery) -> Community:
    """The community of a channel post that is still worth sending: not archived, still
    posting to the channel the post was planned for, and not already sent elsewhere.
    Otherwise ``SkipDelivery`` (the engine records why)."""
    community_id = community_id_of(delivery)
    community = None
    if community_id is not None:
        community = await Community.get_or_none(id=community_id).prefetch_related("workspace")
    if community is None or community.archived or not community.home_channel_id:
        raise SkipDelivery("the community is gone, archived or has no home channel")
    if delivery.target != channel_target(community.home_channel_id):
        raise SkipDelivery("the community's home channel changed")
    if await sent_under_another_target(delivery):
        raise SkipDelivery("already sent to the community's previous home channel")
    return community


def cadence_posts(
    schedule: PromptSchedule | NetworkingSchedule,
    kind: str,
    target: str,
    start: datetime,
    end: datetime,
    stale_after: timedelta,
) -> list[DuePost]:
    """A community's cadence (prompts, networking) expanded into the posts due in
    [start, end), one per occurrence, keyed by community and instant."""
    community = schedule.community
    return [
        DuePost(
            workspace_id=community.workspace_id,  # type: ignore[attr-defined]
            kind=kind,
            target=target,
            subject=f"{kind}:{community.id}:{instant_key(due)}",
            due_at=due,
            stale_at=due + stale_after,
            payload={"community_id": community.id},
        )
        for due in occurrences_between(
            schedule.rrule, schedule.start_local, schedule.timezone, start, end
        )
    ]


class PromptPlanner:
    kinds: tuple[str, ...] = (KIND,)

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def due_between(self, start: datetime, end: datetime) -> list[DuePost]:
        schedules = await PromptSchedule.filter(
            active=True, community__archived=False, community__home_channel_id__isnull=False
        ).prefetch_related("community")
        posts = []
        for schedule in schedules:
            community = schedule.community
            assert community.home_channel_id is not None
            target = channel_target(community.home_channel_id)
            posts += cadence_posts(schedule, KIND, target, start, end, STALE_AFTER)
        return sorted(posts, key=lambda post: (post.due_at, post.subject))

    async def send(self, delivery: Delivery, sender: Sender) -> None:
        community = await channel_post_community(delivery)
        schedule = await PromptSchedule.get_or_none(community=community, active=True)
        if schedule is None or not is_occurrence(
            schedule.rrule, schedule.start_local, schedule.timezone, delivery.due_at
        ):
            raise SkipDelivery("the prompt schedule changed or stopped")
        language = await community_language(community, sender.settings.default_language)
        workspace = community.workspace

        async def post(channel: str, message: Message) -> str | None:
            return await sender.to_channel(workspace, channel, message)

        await post_next_prompt(community, sender.translator(language), post, sender.clock.now())
