"""Planner for the weekly digest (kind "digest"): Mondays 09:00 in DEFAULT_TIMEZONE, to
the home channel of every community whose coordinators turned it on."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.digest.commands import DIGEST_RRULE, DIGEST_START_LOCAL, digest_message
from bot.kernel.lookups import community_language
from bot.kernel.schedules import occurrences_between
from bot.kernel.settings import Settings
from data.models import Community, Delivery
from scheduler.planners.prompts import channel_post_community, channel_target, instant_key
from scheduler.planning import DuePost, Sender, SkipDelivery

log = logging.getLogger(__name__)

KIND = "digest"
# Monday's digest is still news on Monday evening; on Tuesday it is old
STALE_AFTER = timedelta(hours=12)


class DigestPlanner:
    kinds: tuple[str, ...] = (KIND,)

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def due_between(self, start: datetime, end: datetime) -> list[DuePost]:
        zone = self.settings.default_timezone
        dues = occurrences_between(DIGEST_RRULE, DIGEST_START_LOCAL, zone, start, end)
        if not dues:
            return []
        communities = await Community.filter(
            digest_enabled=True, archived=False, home_channel_id__isnull=False
        )
        posts = [
            DuePost(
                workspace_id=community.workspace_id,  # type: ignore[attr-defined]
                kind=KIND,
                target=channel_target(community.home_channel_id),
                subject=f"{KIND}:{community.id}:{instant_key(due)}",
                due_at=due,
                stale_at=due + STALE_AFTER,
                payload={"community_id": community.id},
            )
            for community in communities
            if community.home_channel_id
            for due in dues
            # turned on after this one was due: the reply announced the next one
            if community.digest_since is None or due >= community.digest_since
        ]
        return sorted(posts, key=lambda post: (post.due_at, post.subject))

    async def send(self, delivery: Delivery, sender: Sender) -> None:
        community = await channel_post_community(delivery)
        if not community.digest_enabled:
            raise SkipDelivery("the digest was turned off")
        assert community.home_channel_id is not None
        language = await community_language(community, sender.settings.default_language)
        message = await digest_message(
            community,
            sender.translator(language),
            sender.clock.now(),
            sender.settings.default_timezone,
        )
        await sender.to_channel(community.workspace, community.home_channel_id, message)
