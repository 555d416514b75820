"""Planner for networking rounds (kind "networking").

One post per occurrence of a community's networking schedule. Sending it makes the
round (its pairs are chosen then, from who has opted in at that moment, and stored) and
introduces every member to their partners by direct message. Progress is kept in the
delivery's own payload, member by member, so a retry after a crash or a failed message
introduces only those not yet introduced, to the same partners.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.kernel.schedules import is_occurrence
from bot.kernel.settings import Settings
from bot.networking.commands import (
    History,
    groups_of,
    introduction,
    make_round,
    past_groups,
)
from data.models import Community, Delivery, Member, NetworkingSchedule
from scheduler.planners.prompts import cadence_posts, community_id_of
from scheduler.planning import DuePost, Sender, SkipDelivery

log = logging.getLogger(__name__)

KIND = "networking"
# an introduction a day late is still welcome; after that the round is best skipped
STALE_AFTER = timedelta(hours=24)


def community_target(community_id: int) -> str:
    """A round is about a community, not one channel: its messages go to members."""
    return f"community:{community_id}"


class IntroductionsFailed(RuntimeError):
    """Some members could be reached neither directly nor in the channel: retry them."""


class NetworkingPlanner:
    kinds: tuple[str, ...] = (KIND,)

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def due_between(self, start: datetime, end: datetime) -> list[DuePost]:
        schedules = await NetworkingSchedule.filter(
            active=True, community__archived=False
        ).prefetch_related("community")
        posts = []
        for schedule in schedules:
            target = community_target(schedule.community.id)
            posts += cadence_posts(schedule, KIND, target, start, end, STALE_AFTER)
        return sorted(posts, key=lambda post: (post.due_at, post.subject))

    async def send(self, delivery: Delivery, sender: Sender) -> None:
        community_id = community_id_of(delivery)
        community = None
        if community_id is not None:
            community = await Community.get_or_none(id=community_id).prefetch_related("workspace")
        if community is None or community.archived:
            raise SkipDelivery("the community is gone or archived")
        schedule = await NetworkingSchedule.get_or_none(community=community, active=True)
        if schedule is None or not is_occurrence(
            schedule.rrule, schedule.start_local, schedule.timezone, delivery.due_at
        ):
            raise SkipDelivery("the networking schedule changed or stopped")
        default_zone = sender.settings.default_timezone
        round_, pairs = await make_round(community, delivery.due_at, default_zone)
        groups = groups_of(pairs)
        history = History.from_rounds(await past_groups(community, round_.round_at))
        ids = {member_id for group in groups for member_id in group}
        members = {m.id: m for m in await Member.filter(id__in=list(ids))}
        recorded = delivery.payload.get("introduced", [])
        done = {int(i) for i in recorded} if isinstance(recorded, list) else set()
        failed = 0
        for group in groups:
            for member_id in group:
                reader = members.get(member_id)
                if reader is None or member_id in done:
                    continue  # gone (forget-me) since the round was made, or already told
                partners = [members[i] for i in group if i != member_id and i in members]
                if not partners:
                    continue
                met = {p.id for p in partners if history.met(member_id, p.id)}
                message = introduction(
                    sender.translator(reader.language),
                    community,
                    reader,
                    partners,
                    round_.round_at,
                    default_zone,
                    met,
                )
                result = await sender.to_member(
                    community.workspace,
                    reader,
                    message,
                    fallback_channel=community.home_channel_id,
                )
                if result == "failed":
                    failed += 1
                    continue
                done.add(member_id)
                delivery.payload = {**delivery.payload, "introduced": sorted(done)}
                await delivery.save(update_fields=["payload"])
        if failed:
            raise IntroductionsFailed(f"{failed} introductions of round {round_.id} failed")
