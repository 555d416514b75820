"""Look-ups every command area needs: the community a command is about, a member named in
it, and the coordinator check. Texts for the errors every area can raise live here too."""

from __future__ import annotations

import difflib
import unicodedata
from collections import Counter

from bot.kernel.context import Ctx
from bot.kernel.errors import NotFound, PermissionDenied, UserError
from bot.kernel.i18n import Translator
from data.models import Community, Member, Membership

TEXTS = {
    "error.unknown_command": (
        "I don't know the command “{name}”.",
        "Je ne connais pas la commande « {name} ».",
    ),
    "error.did_you_mean": ("Did you mean: {options}?", "Vouliez-vous dire : {options} ?"),
    "error.see_help": (
        "Type `help` to see what I can do.",
        "Tapez `help` pour voir ce que je sais faire.",
    ),
    "error.empty_command": (
        "Type a command, for example `help`.",
        "Tapez une commande, par exemple `help`.",
    ),
    "error.too_many_arguments": (
        "I didn't understand “{extra}” here. Put text with spaces in quotes.",
        "Je n'ai pas compris « {extra} » ici. Mettez un texte avec des espaces entre guillemets.",
    ),
    # {name} is the parameter as its help describes it: "the community", "la communauté"
    "error.missing_argument": ("Please give {name}.", "Veuillez indiquer : {name}."),
    "error.missing_argument_usage": (
        "Please give {name}. Usage: `{usage}`",
        "Veuillez indiquer : {name}. Utilisation : `{usage}`",
    ),
    "error.too_long_for": (
        "That is too long for {name}: at most {limit} characters.",
        "C'est trop long pour {name} : {limit} caractères au plus.",
    ),
    "error.url_too_long": (
        "That link is too long: at most {limit} characters.",
        "Ce lien est trop long : {limit} caractères au plus.",
    ),
    "error.too_long": (
        "The {name} is too long (at most {limit} characters).",
        "Le champ {name} est trop long ({limit} caractères au plus).",
    ),
    "error.bad_tag": (
        "“{tag}” is not a tag: use letters, digits and dashes after #, e.g. #course-design.",
        "« {tag} » n'est pas une étiquette : utilisez lettres, chiffres et tirets après #, "
        "p. ex. #conception-de-cours.",
    ),
    "error.too_many_tags": ("At most {limit} tags, please.", "{limit} étiquettes au plus, svp."),
    "error.bad_url": (
        "“{url}” is not a web link I can share: use a full http:// or https:// address.",
        "« {url} » n'est pas un lien web partageable : utilisez une adresse http:// ou "
        "https:// complète.",
    ),
    "error.not_a_number": (
        "I need a number for {name}, not “{value}”.",
        "Il me faut un nombre pour {name}, pas « {value} ».",
    ),
    "error.bad_choice": (
        "“{value}” is not one of: {choices}.",
        "« {value} » n'est pas l'un de : {choices}.",
    ),
    "error.stale_button": (
        "That button no longer works. Try the command again.",
        "Ce bouton ne fonctionne plus. Réessayez la commande.",
    ),
    "error.conflict": (
        "Someone else just changed this at the same moment. Please try again.",
        "Quelqu'un d'autre vient de modifier ceci au même moment. Veuillez réessayer.",
    ),
    "error.unexpected": (
        "Sorry, something went wrong on my side. It has been logged; please try again.",
        "Désolé, un problème est survenu de mon côté. Il a été noté ; veuillez réessayer.",
    ),
    "error.unknown_community": (
        "There is no community called “{name}”.",
        "Il n'y a pas de communauté nommée « {name} ».",
    ),
    "error.unknown_community_suggest": (
        "There is no community called “{name}”. Did you mean: {options}?",
        "Il n'y a pas de communauté nommée « {name} ». Vouliez-vous dire : {options} ?",
    ),
    "error.which_community": (
        "Which community? Add `in <community>`; yours are: {options}.",
        "Quelle communauté ? Ajoutez `in <communauté>` ; les vôtres sont : {options}.",
    ),
    "error.no_community": (
        "Name a community (`in <community>`), or join one first: type `communities`.",
        "Nommez une communauté (`in <communauté>`), ou rejoignez-en une : tapez `communities`.",
    ),
    "error.archived": (
        "The community “{name}” is archived.",
        "La communauté « {name} » est archivée.",
    ),
    "error.not_coordinator": (
        "Only coordinators of “{name}” can do that. Ask one of them: {coordinators}.",
        "Seuls les coordonnateurs de « {name} » peuvent faire cela. Demandez à : {coordinators}.",
    ),
    "error.not_member": (
        "You are not a member of “{name}”. Join it first: `join {name}`.",
        "Vous n'êtes pas membre de « {name} ». Rejoignez-la d'abord : `join {name}`.",
    ),
    "error.unknown_member": (
        "I don't know anyone called “{name}” here. Mention them with @.",
        "Je ne connais personne nommé « {name} » ici. Mentionnez la personne avec @.",
    ),
    "error.admins_only": (
        "Only workspace administrators can do that here.",
        "Seuls les administrateurs de l'espace peuvent faire cela ici.",
    ),
    "word.none": ("none", "aucun"),
}


def counted(tr: Translator, key: str, count: int) -> str:
    """``key`` for a plural count, ``key.one`` for a singular one: 1 in English, 0 and 1 in
    French ("1 vote", "0 vote")."""
    singular = count in (0, 1) if tr.language == "fr" else count == 1
    return f"{key}.one" if singular else key


def name_key(name: str) -> str:
    """The case-insensitive identity of a community name."""
    return " ".join(name.casefold().split())


def _unaccented(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


async def active_communities(ctx: Ctx) -> list[Community]:
    return await Community.filter(workspace=ctx.workspace, archived=False).order_by("name")


async def my_communities(ctx: Ctx, member: Member | None = None) -> list[Community]:
    who = member or ctx.member
    return await Community.filter(
        workspace=ctx.workspace,
        archived=False,
        memberships__member=who,
        memberships__left_at__isnull=True,
    ).order_by("name")


async def find_community(ctx: Ctx, name: str, *, allow_archived: bool = False) -> Community:
    """The community called ``name`` in this workspace, or an error suggesting close names."""
    community = await Community.get_or_none(workspace=ctx.workspace, name_key=name_key(name))
    if community is None:
        # "pedagogie numerique" is "Pédagogie numérique" when no other name folds the same
        active = await active_communities(ctx)
        same = [c for c in active if _unaccented(c.name_key) == _unaccented(name_key(name))]
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
            raise NotFound("error.unknown_community_suggest", name=name, options=", ".join(close))
        raise NotFound("error.unknown_community", name=name)
    if community.archived and not allow_archived:
        raise UserError("error.archived", name=community.name)
    return community


async def community_for(ctx: Ctx, name: str | None, *, allow_archived: bool = False) -> Community:
    """The community a command is about: the one named, else the channel's, else the
    member's only one; with several, the member is asked which."""
    if name:
        return await find_community(ctx, name, allow_archived=allow_archived)
    if ctx.channel_id:
        home = await Community.get_or_none(
            workspace=ctx.workspace, home_channel_id=ctx.channel_id, archived=False
        )
        if home is not None:
            return home
    mine = await my_communities(ctx)
    if len(mine) == 1:
        return mine[0]
    if not mine:
        raise UserError("error.no_community")
    raise UserError("error.which_community", options=", ".join(c.name for c in mine))


async def membership_of(member: Member, community: Community) -> Membership | None:
    """The member's current (not left) membership, if any."""
    return await Membership.get_or_none(member=member, community=community, left_at__isnull=True)


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
    membership = await membership_of(who, community)
    return membership is not None and membership.role == "coordinator"


async def require_coordinator(ctx: Ctx, community: Community) -> None:
    if not await is_coordinator(ctx, community):
        names = ", ".join(m.display_name for m in await coordinators_of(community))
        raise PermissionDenied(
            "error.not_coordinator",
            name=community.name,
            coordinators=names or ctx.tr("word.none"),
        )


async def require_member(ctx: Ctx, community: Community) -> Membership:
    membership = await membership_of(ctx.member, community)
    if membership is None:
        raise PermissionDenied("error.not_member", name=community.name)
    return membership


async def find_member(ctx: Ctx, reference: str) -> Member:
    """A member of this workspace by platform id (from a mention) or by display name."""
    member = await Member.get_or_none(workspace=ctx.workspace, external_id=reference)
    if member is None:
        matches = await Member.filter(
            workspace=ctx.workspace, display_name__iexact=reference.lstrip("@")
        ).limit(2)
        if len(matches) == 1:
            member = matches[0]
    if member is None:
        raise NotFound("error.unknown_member", name=reference[:60])
    return member


async def community_language(community: Community, default: str) -> str:
    """The language most of the community's current members read (ties: the default)."""
    languages = await Member.filter(
        memberships__community=community, memberships__left_at__isnull=True, is_bot=False
    ).values_list("language", flat=True)
    counts = Counter(language or default for language in languages)
    english, french = counts.get("en", 0), counts.get("fr", 0)
    if english == french:
        return default
    return "fr" if french > english else "en"
