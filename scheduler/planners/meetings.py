"""Meeting announcements and reminders.

For each occurrence (cancellations and moves applied):

* an **announcement** in the community's home channel a week ahead (or at once for a
  meeting scheduled later than that); its message becomes the occurrence's thread;
* a **reminder** at each ``REMINDER_OFFSETS`` before the start, in the channel and by
  direct message to every member who answered going or maybe.

A delivery's subject names the occurrence *and where it starts*, so moving an occurrence
makes new posts for the new time, and the old ones are skipped when their time comes.
What is useful after a downtime: a reminder until the next reminder is due (the last one
until the meeting starts), an announcement until the meeting starts. A reminder that was
due before the meeting was scheduled (or before the member answered) is never made.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from bot.kernel.lookups import community_language
from bot.kernel.occurrences import (
    KEY_FORMAT,
    Upcoming,
    community_id_of,
    meetings_touching,
    occurrence_at,
    occurrences_between,
)
from bot.kernel.settings import Settings
from bot.meetings.posts import announcement_message, offset_label, reminder_message
from data.models import (
    Community,
    Delivery,
    Meeting,
    Member,
    Membership,
    Occurrence,
    Rsvp,
    Workspace,
)
from scheduler.planning import DuePost, Sender, SkipDelivery

ANNOUNCEMENT = "announcement"
REMINDER = "reminder"
ANNOUNCE_AHEAD = timedelta(days=7)


def _iso(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat()


class MeetingPlanner:
    kinds = (ANNOUNCEMENT, REMINDER)

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.offsets = settings.offsets  # largest first

    # ---- what is due ------------------------------------------------------------------

    async def due_between(self, start: datetime, end: datetime) -> list[DuePost]:
        reach = max([ANNOUNCE_AHEAD, *self.offsets])
        meetings = await meetings_touching(start, end + reach)
        items = await occurrences_between(meetings, start, end + reach)
        if not items:
            return []
        communities = {
            c.id: c
            for c in await Community.filter(
                id__in={community_id_of(item.meeting) for item in items}, archived=False
            )
        }
        answered = await self._answered(items)
        posts: list[DuePost] = []
        for item in items:
            community = communities.get(community_id_of(item.meeting))
            if community is not None:
                posts += self._posts_for(item, community, answered)
        return [post for post in posts if start <= post.due_at < end]

    async def _answered(self, items: list[Upcoming]) -> dict[int, list[tuple[int, datetime]]]:
        """Occurrence id -> (member id, when they answered) for going and maybe."""
        ids = [item.occurrence.id for item in items if item.occurrence is not None]
        found: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
        if ids:
            for occurrence_id, member_id, at in await Rsvp.filter(
                occurrence_id__in=ids, status__in=("going", "maybe")
            ).values_list("occurrence_id", "member_id", "at"):
                found[int(occurrence_id)].append((int(member_id), at))  # type: ignore[arg-type]
        return found

    def _posts_for(
        self,
        item: Upcoming,
        community: Community,
        answered: dict[int, list[tuple[int, datetime]]],
    ) -> list[DuePost]:
        workspace_id = int(community.workspace_id)  # type: ignore[attr-defined]
        created = item.meeting.created_at
        subject = f"occ:{item.key}:{item.starts_at.strftime(KEY_FORMAT)}"
        payload = {
            "meeting": item.meeting.id,
            "original": _iso(item.original_start),
            "starts": _iso(item.starts_at),
        }
        channel = community.home_channel_id
        posts: list[DuePost] = []
        if channel:
            posts.append(
                DuePost(
                    workspace_id,
                    ANNOUNCEMENT,
                    f"channel:{channel}",
                    f"{subject}:ann",
                    max(item.starts_at - ANNOUNCE_AHEAD, created),
                    stale_at=item.starts_at,
                    payload=payload,
                )
            )
        members = answered.get(item.occurrence.id, []) if item.occurrence else []
        for index, offset in enumerate(self.offsets):
            due = item.starts_at - offset
            if due < created:
                continue  # never due while the meeting existed
            following = self.offsets[index + 1] if index + 1 < len(self.offsets) else None
            useful_until = item.starts_at - following if following else item.starts_at
            label = offset_label(offset)
            reminder = {**payload, "offset_minutes": int(offset.total_seconds() // 60)}
            if channel:
                posts.append(
                    DuePost(
                        workspace_id,
                        REMINDER,
                        f"channel:{channel}",
                        f"{subject}:{label}",
                        due,
                        stale_at=useful_until,
                        payload=reminder,
                    )
                )
            for member_id, answered_at in members:
                if due < answered_at:
                    continue  # they answered after this reminder's time
                posts.append(
                    DuePost(
                        workspace_id,
                        REMINDER,
                        f"member:{member_id}",
                        f"{subject}:{label}",
                        due,
                        stale_at=useful_until,
                        payload=reminder,
                    )
                )
        return posts

    # ---- sending one ------------------------------------------------------------------

    async def send(self, delivery: Delivery, sender: Sender) -> None:
        payload = delivery.payload
        meeting = await Meeting.get_or_none(id=int(str(payload["meeting"])))
        if meeting is None or meeting.cancelled:
            raise SkipDelivery("the meeting was cancelled")
        community = await Community.get(id=community_id_of(meeting))
        if community.archived:
            raise SkipDelivery("the community is archived")
        item = await occurrence_at(meeting, datetime.fromisoformat(str(payload["original"])))
        if item is None or item.cancelled:
            raise SkipDelivery("the occurrence was cancelled")
        if item.starts_at != datetime.fromisoformat(str(payload["starts"])):
            raise SkipDelivery("the occurrence was moved")
        workspace = await Workspace.get(id=int(community.workspace_id))  # type: ignore[attr-defined]
        kind, _, target = delivery.target.partition(":")
        if kind == "channel":
            await self._to_channel(delivery, sender, workspace, community, item, target)
        else:
            await self._to_member(sender, workspace, community, item, int(target))

    async def _to_channel(
        self,
        delivery: Delivery,
        sender: Sender,
        workspace: Workspace,
        community: Community,
        item: Upcoming,
        channel: str,
    ) -> None:
        if channel != community.home_channel_id:
            raise SkipDelivery("the community's home channel changed")
        if await self._sent_to_another_channel(delivery):
            raise SkipDelivery("already sent to the community's previous home channel")
        # the language most of its members read, as for prompts and the digest
        tr = sender.translator(await community_language(community, self.settings.default_language))
        zone = item.meeting.timezone
        if delivery.kind == ANNOUNCEMENT:
            message = await announcement_message(tr, item, community, zone)
            reference = await sender.to_channel(workspace, channel, message)
            if reference:
                row, _ = await Occurrence.get_or_create(
                    meeting=item.meeting,
                    original_start=item.original_start,
                    defaults={"starts_at": item.starts_at},
                )
                row.thread_ref = reference[:128]
                await row.save(update_fields=["thread_ref"])
        else:
            message = await reminder_message(tr, item, community, zone)
            await sender.to_channel(workspace, channel, message)

    @staticmethod
    async def _sent_to_another_channel(delivery: Delivery) -> bool:
        """Whether this post already went to the community's previous home channel: the
        planner looks back a day, so after ``community bind`` elsewhere it plans the same
        post for the new channel, which must not get it a second time."""
        return (
            await Delivery.filter(
                kind=delivery.kind,
                subject=delivery.subject,
                target__startswith="channel:",
                status__in=("sent", "fallback"),
            )
            .exclude(id=delivery.id)
            .exists()
        )

    async def _to_member(
        self,
        sender: Sender,
        workspace: Workspace,
        community: Community,
        item: Upcoming,
        member_id: int,
    ) -> None:
        member = await Member.get_or_none(id=member_id, workspace=workspace)
        if member is None or item.occurrence is None:
            raise SkipDelivery("the member is gone")
        answer = await Rsvp.get_or_none(occurrence=item.occurrence, member=member)
        if answer is None or answer.status not in ("going", "maybe"):
            raise SkipDelivery("the member no longer said going or maybe")
        if not await Membership.exists(member=member, community=community, left_at__isnull=True):
            raise SkipDelivery("the member left the community")
        tr = sender.translator(member.language)
        zone = member.timezone or self.settings.default_timezone
        message = await reminder_message(tr, item, community, zone)
        await sender.to_member(
            workspace, member, message, fallback_channel=community.home_channel_id
        )
