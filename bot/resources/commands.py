"""The shared repertoire: share, search, upvote, unshare."""

from __future__ import annotations

from typing import Annotated

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from bot.kernel.context import Ctx
from bot.kernel.convert import is_number
from bot.kernel.errors import NotFound, PermissionDenied, UserError
from bot.kernel.i18n import Translator
from bot.kernel.lookups import (
    community_for,
    community_language,
    counted,
    is_coordinator,
    require_member,
)
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
from bot.kernel.registry import Arg, command
from bot.kernel.urls import normalize_url
from data.models import RESOURCE_KINDS, Community, Member, Resource, ResourceVote
from data.search import SearchFilter, latest_resource_ids, query_words, search_resource_ids

TEXTS = {
    "help.share": (
        "Add a resource to the community's repertoire and post it in its channel",
        "Ajouter une ressource au répertoire de la communauté et la publier dans son canal",
    ),
    "help.resources": (
        "Search the shared repertoire (best first, newest breaking ties)",
        "Chercher dans le répertoire partagé (les meilleures d'abord, puis les plus récentes)",
    ),
    "help.upvote": ("Vote for a useful resource", "Voter pour une ressource utile"),
    "help.unshare": (
        "Remove a resource (its sharer or a coordinator)",
        "Retirer une ressource (la personne qui l'a partagée ou un coordonnateur)",
    ),
    "share.done": (
        "Shared “{title}” in {community} as resource #{number}.",
        "« {title} » partagée dans {community} comme ressource n° {number}.",
    ),
    "share.duplicate": (
        "This link is already in {community}: shared by {member} on {when} as #{number}.",
        "Ce lien est déjà dans {community} : partagé par {member} le {when} (n° {number}).",
    ),
    "share.posted": ("{member} shared a resource:", "{member} a partagé une ressource :"),
    "resource.upvote_button": ("Upvote", "Voter"),
    "resources.title": ("Resources matching “{query}”", "Ressources pour « {query} »"),
    "resources.title_all": ("Latest resources", "Ressources récentes"),
    "resources.title_tags": ("Latest resources tagged {tags}", "Ressources récentes : {tags}"),
    "resources.none": (
        "Nothing found. Try fewer words, or share one: `share <url> [title] #tags`",
        "Rien trouvé. Essayez moins de mots, ou partagez-en une : "
        "`share <url> [titre] #étiquettes`",
    ),
    "resources.none_at_all": (
        "The repertoire is empty so far. Share the first link: `share <url> [title] #tags`",
        "Le répertoire est vide pour l'instant. Partagez le premier lien : "
        "`share <url> [titre] #étiquettes`",
    ),
    "resources.meta": (
        "#{number} · {community} · {votes} votes · shared by {member}",
        "n° {number} · {community} · {votes} votes · partagée par {member}",
    ),
    "resources.meta.one": (
        "#{number} · {community} · {votes} vote · shared by {member}",
        "n° {number} · {community} · {votes} vote · partagée par {member}",
    ),
    "upvote.done": (
        "Thanks! “{title}” now has {votes} votes.",
        "Merci ! « {title} » a maintenant {votes} votes.",
    ),
    "upvote.done.one": (
        "Thanks! “{title}” now has {votes} vote.",
        "Merci ! « {title} » a maintenant {votes} vote.",
    ),
    "upvote.already": (
        "You already voted for “{title}”.",
        "Vous avez déjà voté pour « {title} ».",
    ),
    "unshare.done": ("Removed “{title}”.", "« {title} » retirée."),
    "unshare.forbidden": (
        "Only the person who shared “{title}” or a coordinator can remove it.",
        "Seuls la personne qui a partagé « {title} » ou un coordonnateur peuvent la retirer.",
    ),
    "resource.unknown": (
        "I can't find resource “{ref}”. Use its number from `resources`.",
        "Je ne trouve pas la ressource « {ref} ». Utilisez son numéro affiché par `resources`.",
    ),
    "resource.ambiguous": (
        "Several resources match “{ref}”: {options}. Use the number.",
        "Plusieurs ressources correspondent à « {ref} » : {options}. Utilisez le numéro.",
    ),
    "kind.tool": ("tool", "outil"),
    "kind.template": ("template", "gabarit"),
    "kind.idea": ("idea", "idée"),
    "kind.strategy": ("strategy", "stratégie"),
    "kind.update": ("update", "nouvelle"),
    "kind.other": ("other", "autre"),
}

MAX_TITLE = 200
RESULTS = 10

CommunityOption = Annotated[
    str | None, Arg("the community", "la communauté", kind="community", max_length=80, via_in=True)
]
ResourceRef = Annotated[
    str, Arg("the resource number or title", "le numéro ou titre", kind="resource", max_length=200)
]


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
        line.append(Text(f" ({ctx.tr('kind.' + resource.kind)})"))
    if resource.tags:
        line.append(Text(" " + " ".join("#" + t for t in resource.tags)))
    parts: list = [Paragraph(tuple(line))]  # type: ignore[type-arg]
    if resource.description:
        parts.append(Paragraph((Text(resource.description),)))
    parts.append(
        Note(
            ctx.tr.spans(
                counted(ctx.tr, "resources.meta", resource.votes),
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
        "share https://example.org/tool in python",
    ],
    role="member",
)
async def share(
    ctx: Ctx,
    url: Annotated[str, Arg("the link (http or https)", "le lien (http ou https)", kind="url")],
    title: Annotated[
        str | None, Arg("a title", "un titre", kind="text", max_length=MAX_TITLE)
    ] = None,
    tags: Annotated[list[str], Arg("#tags", "#étiquettes", kind="tags")] = [],  # noqa: B006
    kind: Annotated[
        str,
        Arg(
            "tool, template, idea, strategy, update or other",
            "outil, gabarit, idée, stratégie, nouvelle ou autre (ou en anglais)",
            kind="choice",
            choices=RESOURCE_KINDS,
        ),
    ] = "other",
    community: CommunityOption = None,
) -> Message:
    """Add a resource to the community's repertoire and post it in its channel"""
    found = await community_for(ctx, community)
    await require_member(ctx, found)
    key = normalize_url(url)
    existing = await Resource.get_or_none(community=found, url_key=key).prefetch_related(
        "shared_by"
    )
    if existing is not None:
        raise UserError(
            "share.duplicate",
            community=found.name,
            member=_mention(existing.shared_by),
            when=Time(existing.shared_at, "date", ctx.timezone, ctx.language),
            number=existing.id,
        )
    try:
        resource = await Resource.create(
            workspace=ctx.workspace,
            community=found,
            url=url,
            url_key=key,
            title=title or _title_from_url(url),
            kind=kind,
            tags=tags,
            tags_text=" ".join(tags),
            shared_by=ctx.member,
            shared_at=ctx.clock.now(),
        )
    except IntegrityError as error:  # shared by someone else at the same instant
        raise UserError("error.conflict") from error
    ctx.member.last_active_at = ctx.clock.now()
    await ctx.member.save(update_fields=["last_active_at"])
    resource.shared_by = ctx.member
    if found.home_channel_id:
        # the channel's readers: the language most of the community reads
        tr = Translator(
            ctx.registry.texts,
            await community_language(found, ctx.settings.default_language),
        )
        post = Message().add(Paragraph(tr.spans("share.posted", member=_mention(ctx.member))))
        post.add(*resource_parts(ctx, resource, found))
        post.add(Buttons((Button(tr("resource.upvote_button"), "upvote", str(resource.id)),)))
        await ctx.post(found.home_channel_id, post)
    return Message(ephemeral=True).add(
        Paragraph(
            ctx.tr.spans(
                "share.done", title=resource.title, community=found.name, number=resource.id
            )
        )
    )


@command(
    "resources",
    usage="resources [words] [#tag] [in <community>]",
    examples=["resources rubric", "resources #assessment in python", "resources"],
)
async def resources(
    ctx: Ctx,
    query: Annotated[str, Arg("words to look for", "mots à chercher", kind="text")] = "",
    tags: Annotated[list[str], Arg("#tags", "#étiquettes", kind="tags")] = [],  # noqa: B006
    community: CommunityOption = None,
) -> Message:
    """Search the shared repertoire (best first, newest breaking ties)"""
    scope: list[int] | None = None
    if community:
        scope = [(await community_for(ctx, community)).id]
    elif ctx.channel_id:
        home = await Community.get_or_none(
            workspace=ctx.workspace, home_channel_id=ctx.channel_id, archived=False
        )
        scope = [home.id] if home else None
    where = SearchFilter(ctx.workspace.id, scope, tuple(tags))
    if query_words(query):
        ids = await search_resource_ids(query, where, RESULTS)
        title = ctx.tr("resources.title", query=query)
    else:
        ids = await latest_resource_ids(where, RESULTS)
        title = ctx.tr("resources.title_tags", tags=" ".join("#" + t for t in tags))
        if not tags:
            title = ctx.tr("resources.title_all")
    by_id = {
        r.id: r
        for r in await Resource.filter(id__in=ids).prefetch_related("community", "shared_by")
    }
    found = [by_id[i] for i in ids if i in by_id]
    message = Message(ephemeral=True).add(Heading(title))
    if not found:
        empty = await Resource.filter(workspace=ctx.workspace).exists()
        return message.add(
            Paragraph(ctx.tr.spans("resources.none" if empty else "resources.none_at_all"))
        )
    for resource in found:
        message.add(*resource_parts(ctx, resource, resource.community))
        message.add(
            Buttons((Button(ctx.tr("resource.upvote_button"), "upvote", str(resource.id)),))
        )
    return message


async def find_resource(ctx: Ctx, ref: str) -> Resource:
    """A resource of this workspace by number, URL or (unique) title."""
    text = ref.strip().lstrip("#")
    queryset = Resource.filter(workspace=ctx.workspace).prefetch_related("community", "shared_by")
    if is_number(text):
        resource = await queryset.filter(id=int(text)).first()
        if resource is not None:
            return resource
    if "://" in text:
        try:
            matches = await queryset.filter(url_key=normalize_url(text))
        except UserError:
            matches = []
    else:
        matches = await queryset.filter(title__icontains=text).limit(6)
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFound("resource.unknown", ref=ref[:80])
    options = ", ".join(f"#{r.id} {r.title[:40]}" for r in matches[:5])
    raise UserError("resource.ambiguous", ref=ref[:80], options=options)


async def upvote_resource(ctx: Ctx, resource: Resource) -> Message:
    await require_member(ctx, resource.community)
    already = Message(ephemeral=True).add(
        Paragraph(ctx.tr.spans("upvote.already", title=resource.title))
    )
    # asked first: a failed INSERT would abort the whole transaction on PostgreSQL
    if await ResourceVote.exists(resource=resource, member=ctx.member):
        return already
    try:
        await ResourceVote.create(resource=resource, member=ctx.member, at=ctx.clock.now())
    except IntegrityError:  # a double click racing itself
        return already
    await Resource.filter(id=resource.id).update(votes=F("votes") + 1)
    votes = resource.votes + 1
    return Message(ephemeral=True).add(
        Paragraph(
            ctx.tr.spans(counted(ctx.tr, "upvote.done", votes), title=resource.title, votes=votes)
        )
    )


@command("upvote", usage="upvote <resource>", examples=["upvote 12"], role="member")
async def upvote(ctx: Ctx, resource: ResourceRef) -> Message:
    """Vote for a useful resource"""
    return await upvote_resource(ctx, await find_resource(ctx, resource))


async def press_upvote(ctx: Ctx, value: str) -> Message:
    """The button carries the resource's number: only that resource, never one whose title
    happens to contain the number (after the resource was removed)."""
    resource = await (
        Resource.filter(workspace=ctx.workspace, id=int(value) if is_number(value) else -1)
        .prefetch_related("community", "shared_by")
        .first()
    )
    if resource is None:
        raise UserError("error.stale_button")
    return await upvote_resource(ctx, resource)


@command("unshare", usage="unshare <resource>", examples=["unshare 12"], role="member")
async def unshare(ctx: Ctx, resource: ResourceRef) -> Message:
    """Remove a resource (its sharer or a coordinator)"""
    found = await find_resource(ctx, resource)
    mine = found.shared_by is not None and found.shared_by.id == ctx.member.id
    if not mine and not await is_coordinator(ctx, found.community):
        raise PermissionDenied("unshare.forbidden", title=found.title)
    await found.delete()
    return Message(ephemeral=True).add(Paragraph(ctx.tr.spans("unshare.done", title=found.title)))


async def complete_resource(ctx: Ctx, prefix: str) -> list[Choice]:
    queryset = Resource.filter(workspace=ctx.workspace)
    if prefix:
        queryset = queryset.filter(title__icontains=prefix)
    return [
        Choice(f"#{r.id} {r.title}"[:100], str(r.id))
        for r in await queryset.order_by("-shared_at").limit(25)
    ]


PRESS_HANDLERS = {"upvote": press_upvote}
COMPLETERS = {"resource": complete_resource}
