"""Communities: discover, create, edit, archive, coordinate, join, leave, see who is in."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from tortoise.exceptions import IntegrityError
from tortoise.functions import Count

from bot.kernel.context import Ctx
from bot.kernel.convert import is_number
from bot.kernel.errors import UserError
from bot.kernel.lookups import (
    active_communities,
    community_for,
    coordinators_of,
    counted,
    find_community,
    find_member,
    membership_of,
    name_key,
    require_coordinator,
)
from bot.kernel.messages import (
    BulletList,
    Button,
    Buttons,
    ChannelRef,
    Choice,
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
from bot.kernel.registry import Arg, command
from bot.meetings.query import next_occurrence_start
from bot.members import newcomers
from data.models import Community, Member, Membership, MembershipEvent

TEXTS = {
    "help.communities": (
        "The communities of this workspace, with a Join button on each",
        "Les communautés de cet espace, avec un bouton Rejoindre pour chacune",
    ),
    "help.community create": (
        "Create a community; run in a channel, that channel becomes its home",
        "Créer une communauté ; lancée dans un canal, ce canal devient son canal d'attache",
    ),
    "help.community edit": (
        "Change a community's description or tags",
        "Modifier la description ou les étiquettes d'une communauté",
    ),
    "help.community bind": (
        "Make this channel the community's home channel",
        "Faire de ce canal le canal d'attache de la communauté",
    ),
    "help.community archive": (
        "Archive a community (its history is kept)",
        "Archiver une communauté (son historique est conservé)",
    ),
    "help.community coordinator": (
        "Add or remove a coordinator",
        "Ajouter ou retirer un coordonnateur",
    ),
    "help.join": ("Join a community", "Rejoindre une communauté"),
    "help.leave": ("Leave a community", "Quitter une communauté"),
    "help.members": (
        "Who is in a community, with their one-line introductions",
        "Qui fait partie d'une communauté, avec leur présentation en une ligne",
    ),
    "communities.title": ("Communities", "Communautés"),
    "communities.none": (
        "No communities yet. Start one: `community create <name> <description> #tags`",
        "Aucune communauté pour l'instant. Créez-en une : "
        "`community create <nom> <description> #étiquettes`",
    ),
    "communities.line": ("{members} members", "{members} membres"),
    "communities.line.one": ("{members} member", "{members} membre"),
    "communities.next": ("next meeting {when}", "prochaine rencontre {when}"),
    "communities.join_button": ("Join {name}", "Rejoindre {name}"),
    "community.created": (
        "Community “{name}” created. You are its coordinator.",
        "Communauté « {name} » créée. Vous en êtes coordonnateur.",
    ),
    "community.bound": (
        "Its home channel is {channel}: shared resources and meetings are posted there.",
        "Son canal d'attache est {channel} : les ressources et rencontres y sont publiées.",
    ),
    "community.unbound": (
        "Tip: run `community bind {name}` in a channel to make it the community's home.",
        "Astuce : lancez `community bind {name}` dans un canal pour en faire son canal d'attache.",
    ),
    "community.exists": (
        "A community called “{name}” already exists (names ignore letter case).",
        "Une communauté nommée « {name} » existe déjà (la casse ne compte pas).",
    ),
    "community.bad_name": (
        "A community name needs 2 to 80 characters with at least one letter or digit.",
        "Un nom de communauté compte de 2 à 80 caractères, dont au moins une lettre ou un chiffre.",
    ),
    "community.edited": ("“{name}” updated.", "« {name} » mise à jour."),
    "community.nothing_to_edit": (
        "Give a new description or #tags: `community edit <community> <description> #tags`",
        "Donnez une nouvelle description ou des #étiquettes : "
        "`community edit <communauté> <description> #étiquettes`",
    ),
    "community.bind_needs_channel": (
        "Run this in the channel that should become the home channel.",
        "Lancez ceci dans le canal qui doit devenir le canal d'attache.",
    ),
    "community.channel_taken": (
        "This channel is already the home of “{name}”.",
        "Ce canal est déjà celui de « {name} ».",
    ),
    "community.archived": (
        "“{name}” is archived. Its members and resources are kept.",
        "« {name} » est archivée. Ses membres et ressources sont conservés.",
    ),
    "coordinator.added": (
        "{member} is now a coordinator of “{name}”.",
        "{member} est maintenant coordonnateur de « {name} ».",
    ),
    "coordinator.removed": (
        "{member} is no longer a coordinator of “{name}”.",
        "{member} n'est plus coordonnateur de « {name} ».",
    ),
    "coordinator.not_one": (
        "{member} is not a coordinator of “{name}”.",
        "{member} n'est pas coordonnateur de « {name} ».",
    ),
    "coordinator.last": (
        "“{name}” needs at least one coordinator: add another before removing this one.",
        "« {name} » doit garder au moins un coordonnateur : ajoutez-en un autre d'abord.",
    ),
    "join.done": ("Welcome to “{name}”!", "Bienvenue dans « {name} » !"),
    "join.already": ("You are already in “{name}”.", "Vous faites déjà partie de « {name} »."),
    "leave.done": (
        "You left “{name}”. You can come back any time with `join {name}`.",
        "Vous avez quitté « {name} ». Revenez quand vous voulez avec `join {name}`.",
    ),
    "leave.not_member": ("You are not in “{name}”.", "Vous ne faites pas partie de « {name} »."),
    "leave.last_coordinator": (
        "You are the last coordinator of “{name}”: make someone else coordinator first.",
        "Vous êtes le dernier coordonnateur de « {name} » : nommez-en un autre d'abord.",
    ),
    "members.title": ("Members of {name} ({count})", "Membres de {name} ({count})"),
    "members.coordinator": ("coordinator", "coordonnateur"),
    "members.empty": ("Nobody yet.", "Personne pour l'instant."),
}

CHOICE_ADD_REMOVE = ("add", "remove")
MIN_NAME, MAX_NAME = 2, 80

CommunityArg = Annotated[
    str, Arg("the community", "la communauté", kind="community", max_length=80)
]
OptionalCommunity = Annotated[
    str | None, Arg("the community", "la communauté", kind="community", max_length=80, via_in=True)
]


def _valid_name(name: str) -> str:
    name = " ".join(name.split())
    if not (MIN_NAME <= len(name) <= MAX_NAME) or not any(ch.isalnum() for ch in name):
        raise UserError("community.bad_name")
    return name


@command("communities", usage="communities", examples=["communities"])
async def list_communities(ctx: Ctx) -> Message:
    """The communities of this workspace, with a Join button on each"""
    communities = await active_communities(ctx)
    message = Message(ephemeral=True).add(Heading(ctx.tr("communities.title")))
    if not communities:
        return message.add(Paragraph(ctx.tr.spans("communities.none")))
    now = ctx.clock.now()
    ids = [c.id for c in communities]
    # two queries for the whole list, not two per community
    counts = {
        int(row["community_id"]): int(row["members"])
        for row in await Membership.filter(community_id__in=ids, left_at__isnull=True)
        .annotate(members=Count("id"))
        .group_by("community_id")
        .values("community_id", "members")
    }
    joined = set(
        await Membership.filter(
            member=ctx.member, community_id__in=ids, left_at__isnull=True
        ).values_list("community_id", flat=True)
    )
    for community in communities:
        line: list[Span] = [Strong(community.name)]
        if community.description:
            line += [Text(" — "), Text(community.description)]
        message.add(Paragraph(tuple(line)))
        count = counts.get(community.id, 0)
        details = list(ctx.tr.spans(counted(ctx.tr, "communities.line", count), members=str(count)))
        if community.tags:
            details.append(Text(" · " + " ".join("#" + t for t in community.tags)))
        start = await next_occurrence_start(community, now)
        if start is not None:
            details.append(Text(" · "))
            details.extend(
                ctx.tr.spans(
                    "communities.next", when=Time(start, "full", ctx.timezone, ctx.language)
                )
            )
        message.add(Note(tuple(details)))
        if community.id not in joined:
            label = ctx.tr("communities.join_button", name=community.name)
            message.add(Buttons((Button(label, "join", str(community.id), "primary"),)))
    return message


@command(
    "community create",
    usage="community create <name> [description] [#tag ...]",
    examples=['community create python "Python in teaching" #python #code'],
)
async def create_community(
    ctx: Ctx,
    name: Annotated[str, Arg("its name", "son nom", max_length=MAX_NAME)],
    description: Annotated[
        str, Arg("what it is about", "son domaine", kind="text", max_length=500)
    ] = "",
    tags: Annotated[list[str], Arg("#tags", "#étiquettes", kind="tags")] = [],  # noqa: B006
) -> Message:
    """Create a community; run in a channel, that channel becomes its home"""
    if ctx.workspace.restrict_community_create and not ctx.member.is_admin:
        raise UserError("error.admins_only")
    name = _valid_name(name)
    key = name_key(name)
    existing = await Community.get_or_none(workspace=ctx.workspace, name_key=key)
    if existing is not None:
        raise UserError("community.exists", name=existing.name)
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
            tags=tags,
            home_channel_id=channel,
            created_by=ctx.member,
            created_at=now,
        )
    except IntegrityError as error:
        raise UserError("community.exists", name=name) from error
    await Membership.create(
        member=ctx.member, community=community, role="coordinator", joined_at=now
    )
    await MembershipEvent.create(member=ctx.member, community=community, kind="join", at=now)
    reply = Message(ephemeral=True).add(Paragraph(ctx.tr.spans("community.created", name=name)))
    if channel:
        reply.add(Paragraph(ctx.tr.spans("community.bound", channel=ChannelRef(channel))))
    else:
        reply.add(Note(ctx.tr.spans("community.unbound", name=name)))
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
    community: Annotated[str, Arg("the community", "la communauté", max_length=80)],
    description: Annotated[
        str | None,
        Arg("the new description", "la nouvelle description", kind="text", max_length=500),
    ] = None,
    tags: Annotated[list[str], Arg("#tags", "#étiquettes", kind="tags")] = [],  # noqa: B006
) -> Message:
    """Change a community's description or tags"""
    found, description = await _name_then_text(ctx, community, description)
    await require_coordinator(ctx, found)
    if description is None and not tags:
        raise UserError("community.nothing_to_edit")
    if description is not None:
        found.description = description
    if tags:
        found.tags = tags
    await found.save()
    return Message(ephemeral=True).add(Paragraph(ctx.tr.spans("community.edited", name=found.name)))


async def _name_then_text(ctx: Ctx, first: str, text: str | None) -> tuple[Community, str | None]:
    """``community edit Online course design New text``: an unquoted name of several words
    arrives split between the community and the text. The longest run of leading words
    that names a community of this workspace is the community; the rest is the text."""
    words = (text or "").split()
    for cut in range(len(words), 0, -1):
        name = " ".join([first, *words[:cut]])
        if len(name) <= 80 and await Community.exists(
            workspace=ctx.workspace, name_key=name_key(name)
        ):
            rest = " ".join(words[cut:])
            return await find_community(ctx, name), rest or None
    return await find_community(ctx, first), text


@command(
    "community bind",
    usage="community bind <community>",
    examples=["community bind python"],
    role="coordinator",
)
async def bind_community(ctx: Ctx, community: CommunityArg) -> Message:
    """Make this channel the community's home channel"""
    found = await find_community(ctx, community)
    await require_coordinator(ctx, found)
    if not ctx.channel_id:
        raise UserError("community.bind_needs_channel")
    other = await Community.get_or_none(workspace=ctx.workspace, home_channel_id=ctx.channel_id)
    if other is not None and other.id != found.id:
        raise UserError("community.channel_taken", name=other.name)
    found.home_channel_id = ctx.channel_id
    await found.save(update_fields=["home_channel_id"])
    return Message(ephemeral=True).add(
        Paragraph(ctx.tr.spans("community.bound", channel=ChannelRef(ctx.channel_id)))
    )


@command(
    "community archive",
    usage="community archive <community>",
    examples=["community archive python"],
    role="coordinator",
)
async def archive_community(ctx: Ctx, community: CommunityArg) -> Message:
    """Archive a community (its history is kept)"""
    found = await find_community(ctx, community)
    await require_coordinator(ctx, found)
    found.archived = True
    found.home_channel_id = None
    await found.save(update_fields=["archived", "home_channel_id"])
    return Message(ephemeral=True).add(
        Paragraph(ctx.tr.spans("community.archived", name=found.name))
    )


@command(
    "community coordinator",
    usage="community coordinator add|remove @member [in <community>]",
    examples=["community coordinator add @alex in python"],
    role="coordinator",
)
async def coordinator(
    ctx: Ctx,
    action: Annotated[
        str, Arg("add or remove", "add ou remove", kind="choice", choices=CHOICE_ADD_REMOVE)
    ],
    member: Annotated[str, Arg("the member", "le membre", kind="member")],
    community: OptionalCommunity = None,
) -> Message:
    """Add or remove a coordinator"""
    found = await community_for(ctx, community)
    await require_coordinator(ctx, found)
    target = await find_member(ctx, member)
    now = ctx.clock.now()
    membership = await membership_of(target, found)
    if action == "add":
        if membership is None:
            membership = await _join(target, found, now)
        membership.role = "coordinator"
        await membership.save(update_fields=["role"])
        key = "coordinator.added"
    else:
        if membership is None or membership.role != "coordinator":
            raise UserError("coordinator.not_one", member=_mention(target), name=found.name)
        if len(await coordinators_of(found)) <= 1:
            raise UserError("coordinator.last", name=found.name)
        membership.role = "member"
        await membership.save(update_fields=["role"])
        key = "coordinator.removed"
    return Message(ephemeral=True).add(
        Paragraph(ctx.tr.spans(key, member=_mention(target), name=found.name))
    )


def _mention(member: Member) -> Mention:
    return Mention(member.external_id, member.display_name)


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
    await MembershipEvent.create(member=member, community=community, kind="join", at=now)
    return membership


async def join_community(ctx: Ctx, community: Community) -> Message:
    """Shared by the join command and the Join button."""
    if await membership_of(ctx.member, community) is not None:
        return Message(ephemeral=True).add(
            Paragraph(ctx.tr.spans("join.already", name=community.name))
        )
    await _join(ctx.member, community, ctx.clock.now())
    reply = Message(ephemeral=True).add(Paragraph(ctx.tr.spans("join.done", name=community.name)))
    reply.add(*await newcomers.on_joined_community(ctx, community))
    return reply


@command("join", usage="join <community>", examples=["join python"])
async def join(ctx: Ctx, community: CommunityArg) -> Message:
    """Join a community"""
    return await join_community(ctx, await find_community(ctx, community))


async def press_join(ctx: Ctx, value: str) -> Message:
    community = await Community.get_or_none(
        id=int(value) if is_number(value) else -1, workspace=ctx.workspace, archived=False
    )
    if community is None:
        raise UserError("error.stale_button")
    return await join_community(ctx, community)


@command("leave", usage="leave <community>", examples=["leave python"])
async def leave(ctx: Ctx, community: CommunityArg) -> Message:
    """Leave a community"""
    found = await find_community(ctx, community, allow_archived=True)
    membership = await membership_of(ctx.member, found)
    if membership is None:
        raise UserError("leave.not_member", name=found.name)
    if membership.role == "coordinator" and len(await coordinators_of(found)) <= 1:
        others = await Membership.filter(community=found, left_at__isnull=True).count()
        if others > 1:
            raise UserError("leave.last_coordinator", name=found.name)
    now = ctx.clock.now()
    membership.left_at = now
    await membership.save(update_fields=["left_at"])
    await MembershipEvent.create(member=ctx.member, community=found, kind="leave", at=now)
    return Message(ephemeral=True).add(Paragraph(ctx.tr.spans("leave.done", name=found.name)))


@command("members", usage="members <community>", examples=["members python"])
async def members(ctx: Ctx, community: OptionalCommunity = None) -> Message:
    """Who is in a community, with their one-line introductions"""
    found = await community_for(ctx, community)
    rows = (
        await Membership.filter(community=found, left_at__isnull=True)
        .prefetch_related("member")
        .order_by("joined_at")
    )
    message = Message(ephemeral=True).add(
        Heading(ctx.tr("members.title", name=found.name, count=len(rows)))
    )
    if not rows:
        return message.add(Paragraph(ctx.tr.spans("members.empty")))
    items = []
    for row in rows:
        line: list[Span] = [_mention(row.member)]
        if row.role == "coordinator":
            line.append(Text(f" ({ctx.tr('members.coordinator')})"))
        summary = newcomers.one_line_intro(row.member)
        if summary:
            line.append(Text(" — " + summary))
        items.append(spans(*line))
    return message.add(BulletList(tuple(items)))


async def complete_community(ctx: Ctx, prefix: str) -> list[Choice]:
    key = name_key(prefix)
    return [
        Choice(c.name, c.name)
        for c in await active_communities(ctx)
        if not key or key in c.name_key
    ]


PRESS_HANDLERS = {"join": press_join}
COMPLETERS = {"community": complete_community}
