"""Look-ups every command area needs: a community by name, a member named in a command,
memberships and the coordinator check. The resolvers (``bot.kernel.resolvers``) and the
declared checks (``bot.kernel.checks``) are built on these; handlers receive their results.
Texts for the errors every area can raise live here too."""

from __future__ import annotations

import difflib
from collections import Counter

from bot.kernel.context import Ctx
from bot.kernel.convert import clean_text
from bot.kernel.errors import NotFound, PermissionDenied, UserError
from bot.kernel.typed_names import Names
from data.hotpath import (
    community_by_key,
    coordinated_ids,
    current_membership,
    home_community,
    joined_communities,
    member_by_id,
    member_names,
    members_named,
)
from data.models import Community, Member, Membership
from data.readers import reader_counts

# names offered when a member's name is not found
SUGGESTED_NAMES = 3


def name_key(name: str) -> str:
    """The case-insensitive identity of a community name."""
    return " ".join(name.casefold().split())


# punctuation that ends a sentence or wraps a name, never part of a community's name
_AROUND_NAME = " \t.,;:!?…'\"«»“”‘’()[]"


def trim_name(text: str) -> str:
    """The words of an ``in <words>`` without the sentence around them ("class?" -> "class")."""
    return " ".join(clean_text(text).strip(_AROUND_NAME).split())[:80]


async def community_named(ctx: Ctx, text: str) -> Community | None:
    """The community these words name exactly (any letter case; accents too when only one
    name folds the same), archived ones included; None when they name none."""
    name = trim_name(text)
    if not name:
        return None
    found = await Community.get_or_none(workspace=ctx.workspace, name_key=name_key(name))
    if found is not None:
        return found
    every = await Community.filter(workspace=ctx.workspace)
    same = Names((c, c.name_key) for c in every).same(name)
    return same[0] if len(same) == 1 else None


async def looks_like_a_typo(ctx: Ctx, text: str) -> bool:
    """These words are very close to an active community's name ("pyton"): a typo to
    report, not words of the member's text."""
    wanted = name_key(trim_name(text))
    keys = [c.name_key for c in await active_communities(ctx)]
    return bool(wanted) and bool(difflib.get_close_matches(wanted, keys, n=1, cutoff=0.8))


async def active_communities(ctx: Ctx) -> list[Community]:
    return await Community.filter(workspace=ctx.workspace, archived=False).order_by("name")


async def my_communities(ctx: Ctx, member: Member | None = None) -> list[Community]:
    """The active communities ``member`` (the asker by default) belongs to, by name."""
    who = member or ctx.member
    pairs = await joined_communities(ctx.workspace.id, who.id)
    if who.id == ctx.member.id:
        ctx.memberships.update({c.id: membership for c, membership in pairs})
    return [community for community, _ in pairs]


async def find_community(ctx: Ctx, name: str, *, allow_archived: bool = False) -> Community:
    """The community called ``name`` in this workspace, or an error suggesting close names."""
    community = await community_by_key(ctx.workspace.id, name_key(name))
    if community is None:
        # "pedagogie numerique" is "Pédagogie numérique" when no other name folds the same
        active = await active_communities(ctx)
        same = Names((c, c.name_key) for c in active).same(name)
        if len(same) == 1:
            return same[0]
    if community is None:
        by_key = {c.name_key: c.name for c in active}
        wanted = name_key(name)
        keys = difflib.get_close_matches(wanted, list(by_key), n=3, cutoff=0.5)
        keys += [k for k in by_key if wanted in k and k not in keys]
        # suggest each community as it is spelled, not as its lower-case key
        close = [by_key[k] for k in keys[:3]]
        if close:
            raise NotFound(
                "There is no community called “{name}”. Did you mean: {options}?",
                name=name,
                options=", ".join(close),
            )
        raise NotFound(
            "There is no community called “{name}”. Type `communities` to see them.", name=name
        )
    if community.archived and not allow_archived:
        raise UserError(
            "“{name}” is archived: its resources stay searchable (`resources in {name}`), and "
            "a coordinator can bring it back with `community unarchive {name}`.",
            name=community.name,
        )
    return community


async def channel_community(ctx: Ctx) -> Community | None:
    """The active community whose home is the channel the member wrote in, if any; the
    member's membership of it, read in the same statement, is kept for the request."""
    if not ctx.channel_id:
        return None
    found = await home_community(ctx.workspace.id, ctx.channel_id, ctx.member.id)
    if found is None:
        return None
    home, membership = found
    ctx.memberships[home.id] = membership
    return home


async def membership_of(member: Member, community: Community) -> Membership | None:
    """The member's current (not left) membership, if any."""
    return await current_membership(member.id, community.id)


async def coordinated_community_ids(member: Member, community_ids: list[int]) -> set[int]:
    """Which of these communities ``member`` coordinates: one query for the whole list."""
    return await coordinated_ids(member.id, community_ids)


async def coordinators_of(community: Community) -> list[Member]:
    return await Member.filter(
        memberships__community=community,
        memberships__role="coordinator",
        memberships__left_at__isnull=True,
    ).order_by("display_name")


async def is_coordinator(ctx: Ctx, community: Community, member: Member | None = None) -> bool:
    who = member or ctx.member
    if who.id == ctx.member.id and ctx.member.is_admin:
        return True  # workspace admins may always act as coordinators
    if who.id == ctx.member.id and community.id in ctx.memberships:
        membership = ctx.memberships[community.id]
    else:
        membership = await membership_of(who, community)
    return membership is not None and membership.role == "coordinator"


async def require_coordinator(ctx: Ctx, community: Community) -> None:
    if not await is_coordinator(ctx, community):
        names = ", ".join(m.display_name for m in await coordinators_of(community))
        if not names:  # never "Ask one of them: none"
            raise PermissionDenied(
                "Only coordinators of “{name}” can do that, and it has none right now: a "
                "workspace administrator can name one with `community coordinator add @member "
                "in {name}`.",
                name=community.name,
            )
        raise PermissionDenied(
            "Only coordinators of “{name}” can do that. Ask one of them: {coordinators}.",
            name=community.name,
            coordinators=names,
        )


async def require_member(ctx: Ctx, community: Community) -> Membership:
    if community.id in ctx.memberships:  # read with the community, this request
        membership = ctx.memberships[community.id]
    else:
        membership = await membership_of(ctx.member, community)
    if membership is None:
        raise PermissionDenied(
            "You are not a member of “{name}”. Join it first: `join {name}`.", name=community.name
        )
    return membership


async def find_member(ctx: Ctx, reference: str) -> Member:
    """A member of this workspace by platform id (from a mention) or by display name, as
    ``bot.kernel.typed_names`` compares them. Never a part of a name; a name several
    members share asks for a mention."""
    member = await member_by_id(ctx.workspace.id, reference)
    if member is not None:
        return member
    name = reference.lstrip("@")
    matches = await members_named(ctx.workspace.id, name)
    names: Names[int] = Names([])
    if not matches:  # the rare path: every member's name, compared here
        names = Names(await member_names(ctx.workspace.id))
        same = names.same(name)
        matches = await Member.filter(id__in=same[:2]) if same else []
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise UserError(
            "Several members are called “{name}”: mention the one you mean with @.",
            name=reference[:60],
        )
    close = names.close(name, SUGGESTED_NAMES, 0.6)
    if close:
        raise NotFound(
            "I don't know anyone called “{name}” here. Did you mean: {options}?",
            name=reference[:60],
            options=", ".join("@" + display for display in close),
        )
    raise NotFound(
        "I don't know anyone called “{name}” here. Mention them with @.", name=reference[:60]
    )


async def community_language(community: Community, default: str) -> str:
    """The language of the community's channel: the one its coordinators chose (a language,
    or both, which never changes as members come and go); until they choose, the language
    most of its current members read (ties: the default)."""
    if community.language:
        return community.language
    counts: Counter[str] = Counter()
    for language, members in (await reader_counts(community)).items():
        counts[language or default] += members
    ranked = counts.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return default
    return str(ranked[0][0])
