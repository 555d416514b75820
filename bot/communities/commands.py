"""Communities: discover, create, edit, archive, coordinate, join, leave, see who is in."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from tortoise.exceptions import IntegrityError

from bot.communities import lifecycle
from bot.kernel.args import IMPLIED, AnyCommunityArg, CommunityArg, InCommunity, MemberArg
from bot.kernel.context import Ctx
from bot.kernel.errors import UserError
from bot.kernel.i18n import N_
from bot.kernel.lookups import (
    coordinators_of,
    membership_of,
    name_key,
)
from bot.kernel.messages import (
    BulletList,
    Button,
    Buttons,
    ChannelRef,
    Heading,
    Mention,
    Message,
    Note,
    Paragraph,
    Span,
    Strong,
    Text,
    Time,
    spans,
)
from bot.kernel.occurrences import next_occurrence_starts
from bot.kernel.people import one_line_intro
from bot.kernel.registry import Arg, button, command, on
from bot.kernel.tags import canonical_tags
from data.hotpath import community_listing
from data.models import Community, Member, Membership, MembershipEvent
from data.readers import readers_moved

CHOICE_ADD_REMOVE = ("add", "remove")
MIN_NAME, MAX_NAME = 2, 80

TAGS = Annotated[list[str], Arg(N_("#tags"), kind="tags")]


def _valid_name(name: str) -> str:
    name = " ".join(name.split())
    if not (MIN_NAME <= len(name) <= MAX_NAME) or not any(ch.isalnum() for ch in name):
        raise UserError(
            "A community name needs 2 to 80 characters with at least one letter or digit."
        )
    return name


@command("communities", usage="communities", examples=["communities"], read_only=True)
async def list_communities(ctx: Ctx) -> Message:
    """The communities of this workspace, with a Join button on each"""
    listing = await community_listing(ctx.workspace.id, ctx.member.id)
    message = Message(ephemeral=True).add(Heading(ctx.tr("Communities")))
    if not listing:
        return message.add(
            Paragraph(
                ctx.tr.spans(
                    "No communities yet. Start one: `community create <name> <description> #tags`"
                )
            )
        )
    now = ctx.clock.now()
    communities = [row.community for row in listing]
    counts = {row.community.id: row.members for row in listing}
    joined = {row.community.id for row in listing if row.joined}
    meeting = [row.community.id for row in listing if row.meets]
    next_starts = await next_occurrence_starts(meeting, now) if meeting else {}
    for community in communities:
        line: list[Span] = [Strong(community.name)]
        if community.description:
            line += [Text(" — "), Text(community.description)]
        message.add(Paragraph(tuple(line)))
        count = counts.get(community.id, 0)
        details = list(
            ctx.tr.nspans("{members} member", "{members} members", count, members=str(count))
        )
        if community.tags:
            details.append(Text(" · " + " ".join("#" + t for t in community.tags)))
        start = next_starts.get(community.id)
        if start is not None:
            details.append(Text(" · "))
            details.extend(
                ctx.tr.spans(
                    "next meeting {when}", when=Time(start, "full", ctx.timezone, ctx.language)
                )
            )
        message.add(Note(tuple(details)))
        if community.id not in joined:
            label = ctx.tr("Join {name}", name=community.name)
            message.add(Buttons((Button(label, "join", str(community.id), "primary"),)))
    return message


@command(
    "community create",
    usage="community create <name> [description] [#tag ...]",
    examples=['community create python "Python in teaching" #python #code'],
)
async def create_community(
    ctx: Ctx,
    name: Annotated[str, Arg(N_("its name"), max_length=MAX_NAME)],
    description: Annotated[str, Arg(N_("what it is about"), kind="text", max_length=500)] = "",
    tags: TAGS = [],  # noqa: B006
) -> Message:
    """Create a community; run in a channel, that channel becomes its home"""
    if ctx.workspace.restrict_community_create and not ctx.member.is_admin:
        raise UserError("Only workspace administrators can do that here.")
    name = _valid_name(name)
    key = name_key(name)
    existing = await Community.get_or_none(workspace=ctx.workspace, name_key=key)
    if existing is not None:
        raise UserError(
            "A community called “{name}” already exists (names ignore letter case).",
            name=existing.name,
        )
    now = ctx.clock.now()
    channel = ctx.channel_id
    if (
        channel
        and await Community.filter(workspace=ctx.workspace, home_channel_id=channel).exists()
    ):
        channel = None  # a channel is home to one community only
    try:
        community = await Community.create(
            workspace=ctx.workspace,
            name=name,
            name_key=key,
            description=description,
            tags=await canonical_tags(ctx.workspace, tags),
            home_channel_id=channel,
            created_by=ctx.member,
            created_at=now,
        )
    except IntegrityError as error:
        raise UserError(
            "A community called “{name}” already exists (names ignore letter case).", name=name
        ) from error
    await Membership.create(
        member=ctx.member, community=community, role="coordinator", joined_at=now
    )
    await _membership_changed(ctx.member, community, "join", now)
    reply = Message(ephemeral=True).add(
        Paragraph(ctx.tr.spans("Community “{name}” created. You are its coordinator.", name=name))
    )
    if channel:
        reply.add(
            Paragraph(
                ctx.tr.spans(
                    "Its home channel is {channel}: shared resources and "
                    "meetings are posted there.",
                    channel=ChannelRef(channel),
                )
            )
        )
        ctx.join_channel(channel)  # Slack sends a channel's events only to its members
    else:
        reply.add(
            Note(
                ctx.tr.spans(
                    "Tip: run `community bind {name}` in a channel to make it "
                    "the community's home.",
                    name=name,
                )
            )
        )
    return reply


@command(
    "community edit",
    usage="community edit <community> [description] [#tag ...]",
    examples=[
        'community edit python "Python for course designers" #python',
        'community edit "Online course design" #design',
    ],
    role="coordinator",
)
async def edit_community(
    ctx: Ctx,
    community: CommunityArg,
    description: Annotated[
        str | None, Arg(N_("the new description"), kind="text", max_length=500)
    ] = None,
    tags: TAGS = [],  # noqa: B006
) -> Message:
    """Change a community's description or tags"""
    # an unquoted name of several words ("Online course design New text") is re-split at
    # the longest name that exists by the community resolver
    found = community
    if description is None and not tags:
        raise UserError(
            "Give a new description or #tags: `community edit <community> <description> #tags`"
        )
    if description is not None:
        found.description = description
    if tags:
        found.tags = await canonical_tags(ctx.workspace, tags)
    await found.save()
    return Message(ephemeral=True).add(
        Paragraph(ctx.tr.spans("“{name}” updated.", name=found.name))
    )


@command(
    "community bind",
    usage="community bind <community>",
    examples=["community bind python"],
    role="coordinator",
)
async def bind_community(ctx: Ctx, community: CommunityArg) -> Message:
    """Make this channel the community's home channel"""
    found = community
    if not ctx.channel_id:
        raise UserError("Run this in the channel that should become the home channel.")
    other = await Community.get_or_none(workspace=ctx.workspace, home_channel_id=ctx.channel_id)
    if other is not None and other.id != found.id:
        raise UserError("This channel is already the home of “{name}”.", name=other.name)
    found.home_channel_id = ctx.channel_id
    await found.save(update_fields=["home_channel_id"])
    ctx.join_channel(ctx.channel_id)  # Slack sends a channel's events only to its members
    return Message(ephemeral=True).add(
        Paragraph(
            ctx.tr.spans(
                "Its home channel is {channel}: shared resources and meetings are posted there.",
                channel=ChannelRef(ctx.channel_id),
            )
        )
    )


@command(
    "community archive",
    usage="community archive <community>",
    examples=["community archive python"],
    role="coordinator",
)
async def archive_community(ctx: Ctx, community: CommunityArg) -> Message:
    """Archive a community (its history is kept)"""
    found = community
    found.archived = True
    found.home_channel_id = None
    await found.save(update_fields=["archived", "home_channel_id"])
    return Message(ephemeral=True).add(
        Paragraph(
            ctx.tr.spans(
                "“{name}” is archived. Its members and resources are kept.", name=found.name
            )
        )
    )


@command(
    "community coordinator",
    usage="community coordinator add|remove @member [in <community>]",
    examples=["community coordinator add @alex in python"],
    role="coordinator",
)
async def coordinator(
    ctx: Ctx,
    action: Annotated[str, Arg(N_("add or remove"), kind="choice", choices=CHOICE_ADD_REMOVE)],
    member: MemberArg,
    community: InCommunity = IMPLIED,
) -> Message:
    """Add or remove a coordinator"""
    found, target = community, member
    now = ctx.clock.now()
    membership = await membership_of(target, found)
    if action == "add":
        if membership is None:
            membership = await _join(target, found, now)
        membership.role = "coordinator"
        await membership.save(update_fields=["role"])
        key = N_("{member} is now a coordinator of “{name}”.")
    else:
        if membership is None or membership.role != "coordinator":
            raise UserError(
                "{member} is not a coordinator of “{name}”.",
                member=_mention(target),
                name=found.name,
            )
        if len(await coordinators_of(found)) <= 1:
            raise UserError(
                "“{name}” needs at least one coordinator: add another before removing this one.",
                name=found.name,
            )
        membership.role = "member"
        await membership.save(update_fields=["role"])
        await lifecycle.tell_removed_coordinator(ctx, found, target)
        key = N_("{member} is no longer a coordinator of “{name}”.")
    return Message(ephemeral=True).add(
        Paragraph(ctx.tr.spans(key, member=_mention(target), name=found.name))
    )


def _mention(member: Member) -> Mention:
    return Mention(member.external_id, member.display_name)


async def _membership_changed(
    member: Member, community: Community, kind: str, now: datetime
) -> None:
    """A membership of ``community`` began ("join") or ended ("leave") in the statement
    just made: its event is recorded, and the readers' version in memory moves as the
    database's trigger moved the row's (``data.readers``), so a post this command makes
    with ``community`` counts the readers as they now are."""
    readers_moved(community)
    await MembershipEvent.create(member=member, community=community, kind=kind, at=now)


async def _join(member: Member, community: Community, now: datetime) -> Membership:
    """Create or revive the membership row and record the join."""
    membership = await Membership.get_or_none(member=member, community=community)
    if membership is None:
        membership = await Membership.create(member=member, community=community, joined_at=now)
    else:
        membership.left_at = None
        membership.role = "member"
        membership.joined_at = now
        await membership.save(update_fields=["left_at", "role", "joined_at"])
    await _membership_changed(member, community, "join", now)
    return membership


async def join_community(ctx: Ctx, community: Community) -> Message:
    """Shared by the join command and the Join button."""
    if await membership_of(ctx.member, community) is not None:
        return Message(ephemeral=True).add(
            Paragraph(ctx.tr.spans("You are already in “{name}”.", name=community.name))
        )
    await _join(ctx.member, community, ctx.clock.now())
    reply = Message(ephemeral=True).add(
        Paragraph(ctx.tr.spans("Welcome to “{name}”!", name=community.name))
    )
    # the other areas' part: the newcomer flow greets, asks for an introduction, suggests
    for parts in await ctx.emit("community.joined", community=community):
        reply.add(*parts)
    return reply


@command("join", usage="join <community>", examples=["join python"])
async def join(ctx: Ctx, community: CommunityArg) -> Message:
    """Join a community"""
    return await join_community(ctx, community)


@button("join")
async def press_join(ctx: Ctx, community: CommunityArg) -> Message:
    return await join_community(ctx, community)


@on("member_joined_channel")
async def member_joined_channel(ctx: Ctx, channel_id: str = "", **_: str) -> Message | None:
    """Joining a community's home channel is joining the community."""
    if ctx.member.is_bot or not channel_id:
        return None
    community = await Community.get_or_none(
        workspace=ctx.workspace, home_channel_id=channel_id, archived=False
    )
    if community is None or await membership_of(ctx.member, community) is not None:
        return None
    return await join_community(ctx, community)


@command("leave", usage="leave <community>", examples=["leave python"])
async def leave(ctx: Ctx, community: AnyCommunityArg) -> Message:
    """Leave a community"""
    found = community
    membership = await membership_of(ctx.member, found)
    if membership is None:
        raise UserError("You are not in “{name}”.", name=found.name)
    now = ctx.clock.now()
    membership.left_at = now
    await membership.save(update_fields=["left_at"])
    await _membership_changed(ctx.member, found, "leave", now)
    if membership.role == "coordinator":  # the last one: someone is offered the role
        await lifecycle.hand_over(ctx, found, ctx.member)
    return Message(ephemeral=True).add(
        Paragraph(
            ctx.tr.spans(
                "You left “{name}”. You can come back any time with `join {name}`.", name=found.name
            )
        )
    )


@command("members", usage="members <community>", examples=["members python"], read_only=True)
async def members(ctx: Ctx, community: InCommunity = IMPLIED) -> Message:
    """Who is in a community, with their one-line introductions"""
    found = community
    rows = (
        await Membership.filter(community=found, left_at__isnull=True)
        .prefetch_related("member")
        .order_by("joined_at")
    )
    message = Message(ephemeral=True).add(
        Heading(ctx.tr("Members of {name} ({count})", name=found.name, count=len(rows)))
    )
    if not rows:
        return message.add(Paragraph(ctx.tr.spans("Nobody yet.")))
    items = []
    for row in rows:
        line: list[Span] = [_mention(row.member)]
        if row.role == "coordinator":
            line.append(Text(f" ({ctx.tr('coordinator')})"))
        summary = one_line_intro(row.member)
        if summary:
            line.append(Text(" — " + summary))
        items.append(spans(*line))
    return message.add(BulletList(tuple(items)))
