"""A meeting identical to one already scheduled (same community, title and start) is
probably a repeat of the same command: the coordinator is warned and may keep both."""

from __future__ import annotations

import secrets
from datetime import timedelta

from bot.kernel.context import Ctx
from bot.kernel.errors import UserError
from bot.kernel.lookups import require_coordinator
from bot.kernel.messages import Button, Buttons, Message, Paragraph
from data.models import Community, Confirmation, Meeting

KEEP_BOTH = "meeting_keep_both"
CONFIRMED = "duplicate-meeting"  # in Ctx.confirmed: the coordinator chose to keep both
OFFER_LIFETIME = timedelta(hours=1)


async def identical_meeting(
    community: Community, title: str, start_local: str, zone: str
) -> Meeting | None:
    """A live meeting of the community with this title and start, if there is one."""
    wanted = " ".join(title.casefold().split())
    for meeting in await Meeting.filter(
        community=community, start_local=start_local, timezone=zone, cancelled=False
    ):
        if " ".join(meeting.title.casefold().split()) == wanted:
            return meeting
    return None


async def take_offer(ctx: Ctx, token: str) -> tuple[Community, str]:
    """The community and words of a "keep both" offer this member was made, used up."""
    offer = await Confirmation.get_or_none(token=token, action=KEEP_BOTH, member_id=ctx.member.id)
    if offer is None or offer.expires_at <= ctx.clock.now():
        raise UserError("That button no longer works. Try the command again.")
    community = await Community.get_or_none(
        id=int(str(offer.payload["community"])), workspace=ctx.workspace, archived=False
    )
    if community is None:
        raise UserError("That button no longer works. Try the command again.")
    await require_coordinator(ctx, community)  # still one, as when it was offered
    await offer.delete()
    ctx.confirmed.add(CONFIRMED)
    return community, str(offer.payload["details"])


async def warn_identical(
    ctx: Ctx, existing: Meeting, community: Community, details: str
) -> Message:
    """The warning, with a button that schedules it anyway (its words are kept for an hour)."""
    token = secrets.token_urlsafe(16)
    await Confirmation.create(
        member=ctx.member,
        token=token,
        action=KEEP_BOTH,
        payload={"community": community.id, "details": details},
        expires_at=ctx.clock.now() + OFFER_LIFETIME,
    )
    return Message(ephemeral=True).add(
        Paragraph(
            ctx.tr.spans(
                "“{title}” is already scheduled at that time in this community (#{number}). "
                "Nothing new was scheduled. Is this a second one?",
                title=existing.title,
                number=existing.id,
            )
        ),
        Buttons((Button(ctx.tr("Keep both"), KEEP_BOTH, token, style="primary"),)),
    )
