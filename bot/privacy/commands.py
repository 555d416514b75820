"""A member's own data: ``export-my-data`` hands it over as JSON, ``forget-me`` deletes it
after a confirmation button.

Forgetting deletes the member row and everything that is only about them (memberships and
their history, votes, RSVPs, networking pairs, pending confirmations, delivery records).
What they gave the community (resources, agenda items, suggested prompts) stays, with
their name detached, so the shared repertoire does not lose entries.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta
from typing import Annotated, Any

from tortoise.expressions import F, Q

from bot.kernel.context import Ctx
from bot.kernel.errors import UserError
from bot.kernel.i18n import N_
from bot.kernel.lookups import coordinators_of, my_communities
from bot.kernel.messages import Button, Buttons, Code, Heading, Message, Note, Paragraph
from bot.kernel.registry import Arg, button, command
from data.models import (
    AgendaItem,
    Community,
    Confirmation,
    Delivery,
    Meeting,
    Member,
    Membership,
    MembershipEvent,
    NetworkingPair,
    Prompt,
    Resource,
    ResourceVote,
    Rsvp,
)

CONFIRM_MINUTES = 15
FORGET_ACTION = "forget-me"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


async def member_data(member: Member) -> dict[str, Any]:
    """Everything kept about one member, as plain JSON-ready values."""
    memberships = await Membership.filter(member=member).prefetch_related("community")
    history = await MembershipEvent.filter(member=member).prefetch_related("community")
    shared = await Resource.filter(shared_by=member).prefetch_related("community")
    votes = await ResourceVote.filter(member=member).prefetch_related("resource__community")
    rsvps = await Rsvp.filter(member=member).prefetch_related("occurrence__meeting__community")
    agenda = await AgendaItem.filter(member=member).prefetch_related("occurrence__meeting")
    prompts = await Prompt.filter(suggested_by=member).prefetch_related("community")
    pairs = await NetworkingPair.filter(
        Q(member_a=member) | Q(member_b=member) | Q(member_c=member)
    ).prefetch_related("round__community", "member_a", "member_b", "member_c")
    return {
        "profile": {
            "user_id": member.external_id,
            "display_name": member.display_name,
            "time_zone": member.timezone,
            "language": member.language,
            "title": member.title,
            "organization": member.organization,
            "location": member.location,
            "interests": list(member.interests),
            "can_help_with": member.can_help_with,
            "wants_to_learn": member.wants_to_learn,
            "networking_opt_in": member.networking_opt_in,
            "first_seen": _iso(member.first_seen),
            "introduced_at": _iso(member.intro_posted_at),
            "last_active_at": _iso(member.last_active_at),
        },
        "memberships": [
            {
                "community": row.community.name,
                "role": row.role,
                "joined_at": _iso(row.joined_at),
                "left_at": _iso(row.left_at),
            }
            for row in memberships
        ],
        "membership_history": [
            {"community": row.community.name, "event": row.kind, "at": _iso(row.at)}
            for row in sorted(history, key=lambda r: r.at)
        ],
        "resources_shared": [
            {
                "community": row.community.name,
                "url": row.url,
                "title": row.title,
                "description": row.description,
                "kind": row.kind,
                "tags": list(row.tags),
                "shared_at": _iso(row.shared_at),
                "votes": row.votes,
            }
            for row in shared
        ],
        "votes": [
            {
                "community": row.resource.community.name,
                "resource": row.resource.url,
                "title": row.resource.title,
                "at": _iso(row.at),
            }
            for row in votes
        ],
        "rsvps": [
            {
                "community": row.occurrence.meeting.community.name,
                "meeting": row.occurrence.meeting.title,
                "starts_at": _iso(row.occurrence.starts_at),
                "status": row.status,
                "at": _iso(row.at),
            }
            for row in rsvps
        ],
        "agenda_items": [
            {
                "meeting": row.occurrence.meeting.title,
                "starts_at": _iso(row.occurrence.starts_at),
                "text": row.text,
                "at": _iso(row.at),
            }
            for row in agenda
        ],
        "prompt_suggestions": [
            {
                "community": row.community.name,
                "text": row.text,
                "status": row.status,
                "created_at": _iso(row.created_at),
            }
            for row in prompts
        ],
        "networking_pairs": [
            {
                "community": row.round.community.name,
                "round_at": _iso(row.round.round_at),
                "with": [
                    other.display_name
                    for other in (row.member_a, row.member_b, row.member_c)
                    if other is not None and other.id != member.id
                ],
            }
            for row in sorted(pairs, key=lambda r: r.round.round_at)
        ],
    }


@command("export-my-data", usage="export-my-data", examples=["export-my-data"], read_only=True)
async def export_my_data(ctx: Ctx) -> Message:
    """Everything copbot keeps about you, as JSON"""
    data = {
        "workspace": {
            "platform": ctx.workspace.platform,
            "id": ctx.workspace.external_id,
            "name": ctx.workspace.name,
        },
        **await member_data(ctx.member),
    }
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return Message(ephemeral=True).add(
        Heading(ctx.tr("Your data")),
        Note(
            ctx.tr.spans(
                "Everything copbot keeps about you in this workspace. `forget-me` deletes it."
            )
        ),
        Paragraph((Code(text),)),
    )


@command("forget-me", usage="forget-me", examples=["forget-me"])
async def forget_me(ctx: Ctx) -> Message:
    """Delete your profile and personal data (asks for confirmation)"""
    now = ctx.clock.now()
    token = secrets.token_urlsafe(24)
    await Confirmation.create(
        member=ctx.member,
        token=token,
        action=FORGET_ACTION,
        expires_at=now + timedelta(minutes=CONFIRM_MINUTES),
    )
    message = Message(ephemeral=True).add(
        Heading(ctx.tr("Delete your data?")),
        Paragraph(
            ctx.tr.spans(
                "This deletes your profile and introduction, your "
                "memberships and their history, your votes, your RSVPs and "
                "your networking pairs. It cannot be undone. The resources "
                "you shared, your agenda items and your suggested prompts "
                "stay for the community, but no longer show your name."
            )
        ),
    )
    alone = await _communities_only_i_coordinate(ctx)
    if alone:
        message.add(
            Paragraph(
                ctx.tr.spans(
                    "You are the only coordinator of {names}: its longest-standing member will "
                    "be offered the role, and the workspace administrators told.",
                    names=", ".join(alone),
                )
            )
        )
    return message.add(
        Note(ctx.tr.spans("This button works for {minutes} minutes.", minutes=CONFIRM_MINUTES)),
        Buttons(
            (
                Button(ctx.tr("Yes, delete my data"), "forget-me-confirm", token, "danger"),
                Button(ctx.tr("Cancel"), "forget-me-cancel", token),
            )
        ),
    )


async def _communities_only_i_coordinate(ctx: Ctx) -> list[str]:
    names = []
    for community in await my_communities(ctx):
        coordinators = await coordinators_of(community)
        if [c.id for c in coordinators] == [ctx.member.id]:
            names.append(community.name)
    return names


async def _pending_confirmation(ctx: Ctx, token: str) -> Confirmation:
    """The member's own, unexpired confirmation; a button pressed by someone else, or
    too late, does nothing."""
    confirmation = await Confirmation.get_or_none(
        token=token, action=FORGET_ACTION, member_id=ctx.member.id
    )
    if confirmation is None or confirmation.expires_at <= ctx.clock.now():
        raise UserError("That confirmation has expired or is not yours. Type `forget-me` again.")
    return confirmation


async def erase_member(ctx: Ctx, member: Member) -> None:
    """Delete the member and what is only theirs; detach what they gave the community."""
    voted = await ResourceVote.filter(member=member).values_list("resource_id", flat=True)
    if voted:
        await Resource.filter(id__in=list(voted)).update(votes=F("votes") - 1)
    await ResourceVote.filter(member=member).delete()
    await Rsvp.filter(member=member).delete()
    coordinated = await Community.filter(
        memberships__member=member,
        memberships__role="coordinator",
        memberships__left_at__isnull=True,
    )
    await MembershipEvent.filter(member=member).delete()
    await Membership.filter(member=member).delete()
    for community in coordinated:  # never left without anyone able to run it
        await ctx.emit("coordinator.gone", community=community, member=member)
    await NetworkingPair.filter(Q(member_a=member) | Q(member_b=member)).delete()
    await NetworkingPair.filter(member_c=member).update(member_c_id=None)
    await Resource.filter(shared_by=member).update(shared_by_id=None)
    await AgendaItem.filter(member=member).update(member_id=None)
    await Prompt.filter(suggested_by=member).update(suggested_by_id=None)
    await Community.filter(created_by=member).update(created_by_id=None)
    await Meeting.filter(created_by=member).update(created_by_id=None)
    await Confirmation.filter(member=member).delete()
    # other areas delete what they keep about the member (web sessions, ...)
    await ctx.emit("member.forgotten", member=member)
    await Delivery.filter(workspace=ctx.workspace, target=f"member:{member.id}").delete()
    await Delivery.filter(
        workspace=ctx.workspace, subject__startswith=f"member:{member.id}:"
    ).delete()
    await member.delete()


# the token the confirmation was made with: only its member, only once
Token = Annotated[str, Arg(N_("the confirmation"), kind="word", max_length=100)]


@button("forget-me-confirm")
async def confirm_forget(ctx: Ctx, token: Token) -> Message:
    await _pending_confirmation(ctx, token)
    await erase_member(ctx, ctx.member)
    return Message(ephemeral=True).add(
        Paragraph(
            ctx.tr.spans(
                "Done: your profile, memberships, votes and RSVPs are "
                "deleted. The resources you shared stay in the repertoire "
                "without your name."
            )
        )
    )


@button("forget-me-cancel")
async def cancel_forget(ctx: Ctx, token: Token) -> Message:
    confirmation = await _pending_confirmation(ctx, token)
    await confirmation.delete()
    return Message(ephemeral=True).add(Paragraph(ctx.tr.spans("Nothing was deleted.")))
