"""The shared repertoire: share, search, upvote, unshare."""

from __future__ import annotations

from typing import Annotated

from tortoise.queryset import QuerySet

from bot.kernel.args import IMPLIED, CommunityArg, InCommunity, MaybeAnyCommunity
from bot.kernel.context import Ctx
from bot.kernel.convert import is_number
from bot.kernel.errors import NotFound, PermissionDenied, UserError
from bot.kernel.i18n import N_, translator_for
from bot.kernel.identity import mark_active
from bot.kernel.lookups import channel_community, community_language, is_coordinator
from bot.kernel.messages import (
    Button,
    Buttons,
    Choice,
    Heading,
    Link,
    Mention,
    Message,
    Note,
    Paragraph,
    Span,
    Text,
    Time,
)
from bot.kernel.registry import Arg, Param, button, command
from bot.kernel.resolvers.base import Resolver
from bot.kernel.tags import canonical_tags, tags_text
from bot.kernel.typed_names import Names
from bot.kernel.urls import clean_url, normalize_url
from data.hotpath import count_vote, insert_unless_taken, resources_with_people
from data.models import RESOURCE_KINDS, Community, Member, Resource, ResourceVote
from data.search import SearchFilter, latest_resource_ids, query_words, search_resource_ids

MAX_TITLE = 200
ARCHIVED_NOTE = N_("“{name}” is archived: its resources are still here to find, marked [archived].")
RESULTS = 10

ResourceRef = Annotated[
    Resource, Arg(N_("the resource number or title"), kind="resource", max_length=200)
]
TAGS = Annotated[list[str], Arg(N_("#tags"), kind="tags")]

# the kinds of resource (data.models.RESOURCE_KINDS), as members read them
# what people share, as the reader's language names it ("balado" for podcast)
KIND_NAMES = {
    "article": N_("article"),
    "guide": N_("guide"),
    "video": N_("video"),
    "podcast": N_("podcast"),
    "course": N_("course"),
    "book": N_("book"),
    "paper": N_("paper"),
    "dataset": N_("dataset"),
    "tool": N_("tool"),
    "template": N_("template"),
    "idea": N_("idea"),
    "strategy": N_("strategy"),
    "update": N_("update"),
    "event": N_("event"),
    "other": N_("other"),
}


def _title_from_url(url: str) -> str:
    trimmed = url.split("://", 1)[-1].rstrip("/")
    return trimmed[:MAX_TITLE]


def _mention(member: Member | None) -> Span:
    if member is None:
        return Text("—")
    return Mention(member.external_id, member.display_name)


def resource_parts(ctx: Ctx, resource: Resource, community: Community) -> list:  # type: ignore[type-arg]
    """A resource as message parts: its link, description, tags and kind, and who shared it."""
    line: list[Span] = [Link(resource.url, resource.title or resource.url)]
    if resource.kind != "other":
        line.append(Text(f" ({ctx.tr(KIND_NAMES.get(resource.kind, resource.kind))})"))
    if resource.tags:
        line.append(Text(" " + " ".join("#" + t for t in resource.tags)))
    if community.archived:
        line.append(Text(f" [{ctx.tr.pgettext('community state', 'archived')}]"))
    parts: list = [Paragraph(tuple(line))]  # type: ignore[type-arg]
    if resource.description:
        parts.append(Paragraph((Text(resource.description),)))
    parts.append(
        Note(
            ctx.tr.nspans(
                "#{number} · {community} · {votes} vote · shared by {member}",
                "#{number} · {community} · {votes} votes · shared by {member}",
                resource.votes,
                number=resource.id,
                community=community.name,
                votes=resource.votes,
                member=_mention(resource.shared_by),
            )
        )
    )
    return parts


@command(
    "share",
    usage="share <url> [title] [#tag ...] [kind] [in <community>]",
    examples=[
        'share https://example.org/rubric "Rubric template" #assessment template',
        'share https://example.org/episode "Feedback that lands" podcast',
        "share https://example.org/tool kind:tool in python",
    ],
    role="member",
)
async def share(
    ctx: Ctx,
    url: Annotated[str, Arg(N_("the link (http or https)"), kind="url")],
    title: Annotated[str | None, Arg(N_("a title"), kind="text", max_length=MAX_TITLE)] = None,
    tags: TAGS = [],  # noqa: B006
    kind: Annotated[
        str,
        Arg(
            N_("the kind of resource"),
            kind="choice",
            choices=RESOURCE_KINDS,
        ),
    ] = "other",
    community: InCommunity = IMPLIED,
) -> Message:
    """Add a resource to the community's repertoire and post it in its channel"""
    found = community
    url = clean_url(url)  # also for links offered from a thread: no trackers kept
    tags = await canonical_tags(ctx.workspace, tags)
    resource = Resource(
        workspace=ctx.workspace,
        community=found,
        url=url,
        url_key=normalize_url(url),
        title=title or _title_from_url(url),
        kind=kind,
        tags=tags,
        tags_text=tags_text(tags),
        shared_by=ctx.member,
        shared_at=ctx.clock.now(),
    )
    # one statement, no look-up first: the (community, link) key says whether it is new
    if not await insert_unless_taken(resource, ("community_id", "url_key")):
        existing = await Resource.get(community=found, url_key=resource.url_key).prefetch_related(
            "shared_by"
        )
        raise UserError(
            "This link is already in {community}: shared by {member} on {when} as #{number}.",
            community=found.name,
            member=_mention(existing.shared_by),
            when=Time(existing.shared_at, "date", ctx.timezone, ctx.language),
            number=existing.id,
        )
    await mark_active(ctx.member, ctx.clock.now())
    resource.shared_by = ctx.member
    if found.home_channel_id:
        # the channel's readers: the language most of the community reads
        tr = translator_for(
            ctx.settings, await community_language(found, ctx.settings.default_language)
        )
        post = Message().add(
            Paragraph(tr.spans("{member} shared a resource:", member=_mention(ctx.member)))
        )
        post.add(*resource_parts(ctx, resource, found))
        post.add(Buttons((Button(tr("Upvote"), "upvote", str(resource.id)),)))
        await ctx.post(found.home_channel_id, post)
    return Message(ephemeral=True).add(
        Paragraph(
            ctx.tr.spans(
                "Shared “{title}” in {community} as resource #{number}.",
                title=resource.title,
                community=found.name,
                number=resource.id,
            )
        )
    )


@command(
    "resources",
    usage="resources [words] [#tag] [in <community>]",
    examples=["resources rubric", "resources #assessment in python", "resources"],
    read_only=True,
)
async def resources(
    ctx: Ctx,
    query: Annotated[str, Arg(N_("words to look for"), kind="text")] = "",
    tags: TAGS = [],  # noqa: B006
    community: MaybeAnyCommunity = None,
) -> Message:
    """Search the shared repertoire (best first, newest breaking ties)"""
    scope: list[int] | None = None
    notes: list[Note] = []
    if community is not None:
        scope = [community.id]
        if community.archived:  # its repertoire stays searchable, said so
            notes.append(Note(ctx.tr.spans(ARCHIVED_NOTE, name=community.name)))
    elif (home := await channel_community(ctx)) is not None:
        scope = [home.id]
    # shown as the workspace first wrote them; a search records no new tag
    tags = await canonical_tags(ctx.workspace, tags, record=False)
    where = SearchFilter(ctx.workspace.id, scope, tuple(tags), include_archived=True)
    if query_words(query):
        ids = await search_resource_ids(query, where, RESULTS)
        title = ctx.tr("Resources matching “{query}”", query=query)
    else:
        ids = await latest_resource_ids(where, RESULTS)
        title = ctx.tr("Latest resources tagged {tags}", tags=" ".join("#" + t for t in tags))
        if not tags:
            title = ctx.tr("Latest resources")
    by_id = await resources_with_people(ctx.workspace.id, ids)
    found = [by_id[i] for i in ids if i in by_id]
    message = Message(ephemeral=True).add(Heading(title), *notes)
    if not found:
        empty = await Resource.filter(workspace=ctx.workspace).exists()
        return message.add(
            Paragraph(
                ctx.tr.spans(
                    N_("Nothing found. Try fewer words, or share one: `share <url> [title] #tags`")
                    if empty
                    else N_(
                        "The repertoire is empty so far. Share the first link: "
                        "`share <url> [title] #tags`"
                    )
                )
            )
        )
    for resource in found:
        message.add(*resource_parts(ctx, resource, resource.community))
        message.add(Buttons((Button(ctx.tr("Upvote"), "upvote", str(resource.id)),)))
    return message


class ResourceResolver(Resolver):
    """A resource of this workspace by number, URL or (unique) title."""

    kind = "resource"
    completes = True

    async def resolve(self, ctx: Ctx, text: str, param: Param, label: str) -> Resource:
        ref = text[: param.arg.max_length]
        wanted = ref.strip().lstrip("#")
        queryset = _with_people(Resource.filter(workspace=ctx.workspace))
        if is_number(wanted):
            by_id = await resources_with_people(ctx.workspace.id, [int(wanted)])
            if by_id:
                return by_id[int(wanted)]
        if "://" in wanted:
            try:
                matches = await queryset.filter(url_key=normalize_url(wanted))
            except UserError:
                matches = []
        else:
            matches = await queryset.filter(title__icontains=wanted).limit(6)
        titles: Names[int] = Names([])
        if not matches and "://" not in wanted:  # compared again as ``typed_names`` does
            titles = Names(await _latest_titles(ctx))
            same = (titles.same(wanted) or titles.containing(wanted))[:6]
            matches = await queryset.filter(id__in=same) if same else []
        if len(matches) == 1:
            return matches[0]
        if matches:
            options = ", ".join(f"#{r.id} {r.title[:40]}" for r in matches[:5])
            raise UserError(
                "Several resources match “{ref}”: {options}. Use the number.",
                ref=ref[:80],
                options=options,
            )
        close = titles.close(wanted, 3, 0.6)
        if close:
            raise NotFound(
                "I can't find resource “{ref}”. Did you mean: {options}?",
                ref=ref[:80],
                options=", ".join(f"“{title}”" for title in close),
            )
        raise NotFound(
            "I can't find resource “{ref}”. Use its number from `resources`.", ref=ref[:80]
        )

    async def from_value(self, ctx: Ctx, value: str, param: Param, label: str) -> Resource:
        """A button carries the resource's number: only that resource, never one whose
        title happens to contain the number (after the resource was removed)."""
        by_id = await resources_with_people(
            ctx.workspace.id, [int(value)] if is_number(value) else []
        )
        if not by_id:
            raise UserError("That button no longer works. Try the command again.")
        return next(iter(by_id.values()))

    async def complete(self, ctx: Ctx, prefix: str) -> list[Choice]:
        queryset = Resource.filter(workspace=ctx.workspace)
        if prefix:
            queryset = queryset.filter(title__icontains=prefix)
        found = [(r.id, r.title) for r in await queryset.order_by("-shared_at").limit(25)]
        if prefix and not found:  # as ``resolve`` compares
            latest = await _latest_titles(ctx)
            found = Names((row, row[1]) for row in latest).containing(prefix)
        return [Choice(f"#{id_} {title}"[:100], str(id_)) for id_, title in found[:25]]


async def _latest_titles(ctx: Ctx) -> list[tuple[int, str]]:
    """The numbers and titles of the workspace's latest 500 resources."""
    rows = (
        await Resource.filter(workspace=ctx.workspace)
        .order_by("-shared_at")
        .limit(500)
        .values_list("id", "title")
    )
    return [(int(id_), str(title)) for id_, title in rows]


def _with_people(queryset: QuerySet[Resource]) -> QuerySet[Resource]:
    return queryset.prefetch_related("community", "shared_by")


async def upvote_resource(ctx: Ctx, resource: Resource) -> Message:
    already = Message(ephemeral=True).add(
        Paragraph(ctx.tr.spans("You already voted for “{title}”.", title=resource.title))
    )
    vote = ResourceVote(resource=resource, member=ctx.member, at=ctx.clock.now())
    # one statement, no look-up first, and no failed INSERT (which would abort the whole
    # transaction on PostgreSQL); a double click racing itself inserts once
    if not await insert_unless_taken(vote, ("resource_id", "member_id")):
        return already
    await count_vote(resource.id)
    votes = resource.votes + 1
    return Message(ephemeral=True).add(
        Paragraph(
            ctx.tr.nspans(
                "Thanks! “{title}” now has {votes} vote.",
                "Thanks! “{title}” now has {votes} votes.",
                votes,
                title=resource.title,
                votes=votes,
            )
        )
    )


@command("upvote", usage="upvote <resource>", examples=["upvote 12"], role="member")
async def upvote(ctx: Ctx, resource: ResourceRef) -> Message:
    """Vote for a useful resource"""
    return await upvote_resource(ctx, resource)


@button("upvote", role="member")
async def press_upvote(ctx: Ctx, resource: ResourceRef) -> Message:
    return await upvote_resource(ctx, resource)


# the Add button under a link posted in a meeting's thread (``bot.threads``)
@button("share_offer", role="member", separator=" ")
async def press_share_offer(
    ctx: Ctx, community: CommunityArg, url: Annotated[str, Arg(N_("the link"), kind="url")]
) -> Message:
    return await share(ctx, url=url, community=community)


# not a role: its sharer (even one who has left the community) or a coordinator
@command("unshare", usage="unshare <resource>", examples=["unshare 12"])
async def unshare(ctx: Ctx, resource: ResourceRef) -> Message:
    """Remove a resource (its sharer or a coordinator)"""
    found = resource
    mine = found.shared_by is not None and found.shared_by.id == ctx.member.id
    if not mine and not await is_coordinator(ctx, found.community):
        raise PermissionDenied(
            "Only the person who shared “{title}” or a coordinator can remove it.",
            title=found.title,
        )
    await found.delete()
    return Message(ephemeral=True).add(
        Paragraph(ctx.tr.spans("Removed “{title}”.", title=found.title))
    )
