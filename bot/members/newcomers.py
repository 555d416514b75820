"""Newcomers: the greeting, the introduction request, "Please welcome ...", and suggested
members with the reason.

Every automatic post here goes through a one-row claim in the delivery ledger (its unique
key is kind + target + subject), so a platform that re-sends an event, a member who leaves
and comes back, or two processes handling the same join never produce a second greeting,
welcome post or fallback mention.
"""

from __future__ import annotations

import logging
import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.kernel.context import Ctx
from bot.kernel.i18n import Translator
from bot.kernel.lookups import community_language, membership_of
from bot.kernel.messages import (
    BulletList,
    ChannelRef,
    Choice,
    Field,
    Fields,
    Form,
    FormField,
    FormRequest,
    Mention,
    Message,
    Note,
    Paragraph,
    Part,
    Span,
    Text,
    spans,
)
from data.models import Community, Delivery, Member, Membership

log = logging.getLogger(__name__)

TEXTS = {
    "intro.form_title": ("Introduce yourself", "Présentez-vous"),
    "intro.form_button": ("Introduce yourself", "Me présenter"),
    "intro.form_submit": ("Save", "Enregistrer"),
    "intro.field.title": ("Title or role", "Titre ou rôle"),
    "intro.field.organization": ("Organization", "Organisation"),
    "intro.field.location": ("Location", "Lieu"),
    "intro.field.interests": (
        "Interests (#tags or words separated by commas)",
        "Intérêts (#étiquettes ou mots séparés par des virgules)",
    ),
    "intro.field.can_help_with": ("I can help with", "Je peux aider avec"),
    "intro.field.wants_to_learn": ("I want to learn", "Je veux apprendre"),
    "intro.field.networking": (
        "Pair me with other members for one-to-one chats",
        "Me jumeler avec d'autres membres pour des échanges individuels",
    ),
    "intro.placeholder.title": ("e.g. Instructional designer", "p. ex. Conseillère pédagogique"),
    "intro.placeholder.organization": ("e.g. Red River College", "p. ex. Cégep de Jonquière"),
    "intro.placeholder.location": ("e.g. Winnipeg", "p. ex. Montréal"),
    "intro.placeholder.interests": (
        "e.g. #moodle, course design, micro-credentials",
        "p. ex. #moodle, conception de cours, microcertifications",
    ),
    "intro.placeholder.can_help_with": (
        "e.g. Moodle quizzes, rubrics",
        "p. ex. questionnaires Moodle, grilles d'évaluation",
    ),
    "intro.placeholder.wants_to_learn": (
        "e.g. video editing, accessibility",
        "p. ex. montage vidéo, accessibilité",
    ),
    "choice.yes": ("Yes", "Oui"),
    "choice.no": ("No", "Non"),
    "profile.title": ("Title or role", "Titre ou rôle"),
    "profile.organization": ("Organization", "Organisation"),
    "profile.location": ("Location", "Lieu"),
    "profile.interests": ("Interests", "Intérêts"),
    "profile.can_help_with": ("Can help with", "Peut aider avec"),
    "profile.wants_to_learn": ("Wants to learn", "Veut apprendre"),
    "greeting.workspace": (
        "Welcome to {workspace}, {member}! I help its communities of practice meet, share "
        "and learn together. Tell the others who you are: a short introduction helps people "
        "with the same interests find you.",
        "Bienvenue dans {workspace}, {member} ! J'aide ses communautés de pratique à se "
        "rencontrer, partager et apprendre ensemble. Dites aux autres qui vous êtes : une "
        "courte présentation aide les personnes aux mêmes intérêts à vous trouver.",
    ),
    "greeting.this_workspace": ("this workspace", "cet espace"),
    "greeting.community": (
        "Welcome to “{community}”, {member}! Introduce yourself so its members know who you "
        "are and what you are looking for.",
        "Bienvenue dans « {community} », {member} ! Présentez-vous pour que ses membres "
        "sachent qui vous êtes et ce que vous cherchez.",
    ),
    "greeting.how": (
        "Type `intro` any time to fill in or edit your introduction; `communities` lists "
        "the communities you can join.",
        "Tapez `intro` à tout moment pour remplir ou modifier votre présentation ; "
        "`communities` liste les communautés que vous pouvez rejoindre.",
    ),
    "greeting.fallback": (
        "Welcome, {member}! I could not send you a direct message. Introduce yourself to "
        "the community by typing `intro`.",
        "Bienvenue, {member} ! Je n'ai pas pu vous écrire en message direct. Présentez-vous "
        "à la communauté en tapant `intro`.",
    ),
    "intro.ask": (
        "Introduce yourself so the members of “{community}” know who you are.",
        "Présentez-vous pour que les membres de « {community} » sachent qui vous êtes.",
    ),
    "intro.sent_by_dm": (
        "I sent you a direct message to introduce yourself; you can also do it right here.",
        "Je vous ai envoyé un message privé pour vous présenter ; vous pouvez aussi le faire "
        "ici même.",
    ),
    "welcome.post": (
        "Please welcome {member} to “{community}”!",
        "Souhaitons la bienvenue à {member} dans « {community} » !",
    ),
    "welcome.no_details": (
        "They have not said much about themself yet: say hello!",
        "Cette personne ne s'est pas encore beaucoup présentée : dites-lui bonjour !",
    ),
    "welcome.posted": ("I introduced you in {channels}.", "Je vous ai présenté dans {channels}."),
    "suggest.title": ("People you might like to meet:", "Des personnes à rencontrer :"),
    "suggest.shares": ("shares {tags}", "partage {tags}"),
    "suggest.topic": (
        "is into {tags}, a topic of “{community}”",
        "s'intéresse à {tags}, un sujet de « {community} »",
    ),
    "suggest.can_help": ("can help with {what}", "peut aider avec {what}"),
    "suggest.wants_to_learn": (
        "wants to learn {what}, which you can help with",
        "veut apprendre {what}, ce en quoi vous pouvez aider",
    ),
    "suggest.coordinator": (
        "coordinator of “{community}”, happy to show you around",
        "coordonnateur de « {community} », pour vous orienter",
    ),
}

# Profile field limits (the database columns' sizes); the form and validation use the same.
FIELD_LIMITS = {
    "title": 100,
    "organization": 100,
    "location": 100,
    "interests": 300,
    "can_help_with": 300,
    "wants_to_learn": 300,
}
TEXT_FIELDS = ("title", "organization", "location", "can_help_with", "wants_to_learn")
MAX_SUGGESTIONS = 3


def intro_form(tr: Translator, member: Member, context: str = "") -> Form:
    """The introduction form, filled with what the member already said (so it edits)."""

    def short(name: str, kind: Any = "short") -> FormField:
        initial = ", ".join(member.interests) if name == "interests" else getattr(member, name)
        return FormField(
            name=name,
            label=tr(f"intro.field.{name}"),
            kind=kind,
            max_length=FIELD_LIMITS[name],
            initial=initial,
            placeholder=tr(f"intro.placeholder.{name}"),
        )

    networking = FormField(
        name="networking",
        label=tr("intro.field.networking"),
        kind="choice",
        initial="yes" if member.networking_opt_in else "no",
        choices=(Choice(tr("choice.yes"), "yes"), Choice(tr("choice.no"), "no")),
    )
    return Form(
        form_id="intro",
        title=tr("intro.form_title"),
        fields=(
            short("title"),
            short("organization"),
            short("location"),
            short("interests"),
            short("can_help_with", "long"),
            short("wants_to_learn", "long"),
            networking,
        ),
        submit_label=tr("intro.form_submit"),
        context=context,
    )


def intro_request(tr: Translator, member: Member) -> FormRequest:
    return FormRequest(intro_form(tr, member), tr("intro.form_button"))


def has_profile(member: Member) -> bool:
    return bool(member.interests) or any(getattr(member, name) for name in TEXT_FIELDS)


def profile_fields(tr: Translator, member: Member) -> list[Field]:
    """The filled-in parts of a profile; every value the member wrote stays ``Text``."""
    out: list[Field] = []
    for name in ("title", "organization", "location"):
        if getattr(member, name):
            out.append(Field(tr(f"profile.{name}"), (Text(getattr(member, name)),)))
    if member.interests:
        out.append(Field(tr("profile.interests"), (Text(_hashtags(member.interests)),)))
    for name in ("can_help_with", "wants_to_learn"):
        if getattr(member, name):
            out.append(Field(tr(f"profile.{name}"), (Text(getattr(member, name)),)))
    return out


def one_line_intro(member: Member) -> str:
    """A member's profile in one line (title, organization, interests)."""
    bits = [b for b in (member.title, member.organization) if b]
    if member.interests:
        bits.append(_hashtags(member.interests))
    return ", ".join(bits)


def mention(member: Member) -> Mention:
    return Mention(member.external_id, member.display_name)


def join_spans(
    tr: Translator, key: str, placeholder: str, items: Iterable[Span]
) -> tuple[Span, ...]:
    """A translated text whose ``placeholder`` is a comma-separated list of typed spans."""
    marker = Text("\x00list\x00")
    listed = list(items)
    out: list[Span] = []
    for span in tr.spans(key, **{placeholder: marker}):
        if span != marker:
            out.append(span)
            continue
        for index, item in enumerate(listed):
            if index:
                out.append(Text(", "))
            out.append(item)
    return tuple(out)


def _hashtags(tags: Iterable[str]) -> str:
    return " ".join("#" + tag for tag in tags)


# ---- the ledger: each automatic post goes out once ----------------------------------


async def claim_once(
    ctx: Ctx, kind: str, target: str, subject: str, *, status: str = "sent"
) -> bool:
    """Record that (kind, target, subject) is being sent; True only for the first caller.

    An INSERT that ignores conflicts, then a read of who owns the row: it never raises on
    a duplicate, so on PostgreSQL it does not abort the surrounding transaction."""
    token = secrets.token_hex(8)
    now = ctx.clock.now()
    row = Delivery(
        workspace=ctx.workspace,
        kind=kind,
        target=target,
        subject=subject,
        due_at=now,
        status=status,
        claimed_by=token,
        sent_at=now,
        attempts=1,
    )
    await Delivery.bulk_create([row], ignore_conflicts=True)
    stored = await Delivery.get(kind=kind, target=target, subject=subject)
    return stored.claimed_by == token


def member_target(member: Member) -> str:
    return f"member:{member.id}"


# ---- greeting, welcome post ---------------------------------------------------------


async def greet(
    ctx: Ctx, member: Member, community: Community | None, *, tell: bool = False
) -> bool:
    """Direct-message the greeting with the introduction form, once per member and place,
    after the command commits; when the member refuses direct messages, mention them in
    the community's channel. True when a greeting was queued now; with ``tell``, the reply
    then says how it went (sent by DM, or asks here)."""
    subject = f"community:{community.id}" if community else "workspace"
    if not await claim_once(ctx, "greeting", member_target(member), subject):
        return False
    tr = ctx.translator_for(member)
    if community is None:
        place = ctx.workspace.name or tr("greeting.this_workspace")
        text = tr.spans("greeting.workspace", workspace=place, member=mention(member))
    else:
        text = tr.spans("greeting.community", community=community.name, member=mention(member))
    message = Message().add(
        Paragraph(text), Note(tr.spans("greeting.how")), intro_request(tr, member)
    )

    async def send() -> None:
        if await ctx.direct_now(member, message):
            if tell:  # the DM asks already: say so in one line
                ctx.reply_notes.append(Note(ctx.tr.spans("intro.sent_by_dm")))
            return
        await Delivery.filter(
            kind="greeting", target=member_target(member), subject=subject
        ).update(status="failed", detail="direct messages refused")
        await fallback_mention(ctx, member, community)
        if tell and community is not None:
            ctx.reply_notes.append(Paragraph(ctx.tr.spans("intro.ask", community=community.name)))

    ctx.after_commit(send)
    return True


async def fallback_mention(ctx: Ctx, member: Member, community: Community | None) -> None:
    """Mention the member once, ever, in a community's home channel instead of a DM."""
    channel = community.home_channel_id if community else None
    if not channel:
        log.info("member %s refuses direct messages and has no channel to be greeted in", member.id)
        return
    if not await claim_once(
        ctx, "greeting_fallback", member_target(member), "greeting", status="fallback"
    ):
        return
    tr = ctx.translator_for(member)
    await ctx.post(
        channel, Message().add(Paragraph(tr.spans("greeting.fallback", member=mention(member))))
    )


async def post_welcome(ctx: Ctx, member: Member, community: Community) -> ChannelRef | None:
    """Post "Please welcome ..." with the member's introduction in the community's home
    channel, once per member and community. Returns where it went, or None."""
    channel = community.home_channel_id
    if not channel or community.archived:
        return None
    subject = f"member:{member.id}:community:{community.id}"
    if not await claim_once(ctx, "welcome", f"channel:{channel}", subject):
        return None
    # a channel is read by everyone: its posts use the language most of its members read
    language = await community_language(community, ctx.settings.default_language)
    tr = Translator(ctx.registry.texts, language)
    message = Message().add(
        Paragraph(tr.spans("welcome.post", member=mention(member), community=community.name))
    )
    details = profile_fields(tr, member)
    if details:
        message.add(Fields(tuple(details)))
    else:
        message.add(Note(tr.spans("welcome.no_details")))
    await ctx.post(channel, message)
    return ChannelRef(channel)


# ---- suggestions ----------------------------------------------------------------------

_WORD = re.compile(r"\w+", re.UNICODE)
_STOPWORDS = frozenset(
    (
        "and",
        "the",
        "for",
        "with",
        "how",
        "into",
        "from",
        "about",
        "our",
        "your",
        "their",
        "les",
        "des",
        "une",
        "pour",
        "avec",
        "dans",
        "sur",
        "par",
        "aux",
        "est",
        "que",
        "qui",
        "comment",
        "mon",
        "mes",
        "son",
        "ses",
        "leur",
        "leurs",
    )
)


def words_of(text: str) -> set[str]:
    """Comparable words: lower case, without accents, no short or filler words, no plural s."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    out = set()
    for word in _WORD.findall(plain.replace("_", " ")):
        if len(word) < 3 or word in _STOPWORDS:
            continue
        out.add(word[:-1] if len(word) > 4 and word.endswith("s") else word)
    return out


@dataclass
class Suggestion:
    member: Member
    score: int = 0
    reasons: list[tuple[Span, ...]] = field(default_factory=list)


def _rank(tr: Translator, me: Member, other: Member, topics: dict[str, str]) -> Suggestion:
    """Why ``other`` is worth meeting for ``me``: shared interests weigh most, then one
    can teach what the other wants to learn, then interest in the community's own tags."""
    found = Suggestion(other)
    shared = [tag for tag in other.interests if tag in set(me.interests)]
    if shared:
        found.score += 3 * len(shared)
        found.reasons.append(tr.spans("suggest.shares", tags=_hashtags(shared)))
    if other.can_help_with and words_of(other.can_help_with) & words_of(me.wants_to_learn):
        found.score += 2
        found.reasons.append(tr.spans("suggest.can_help", what=_short(other.can_help_with)))
    if other.wants_to_learn and words_of(other.wants_to_learn) & words_of(me.can_help_with):
        found.score += 2
        found.reasons.append(tr.spans("suggest.wants_to_learn", what=_short(other.wants_to_learn)))
    on_topic = [tag for tag in other.interests if tag in topics and tag not in shared]
    if on_topic:
        found.score += len(on_topic)
        found.reasons.append(
            tr.spans("suggest.topic", tags=_hashtags(on_topic), community=topics[on_topic[0]])
        )
    return found


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


async def suggested_members(
    ctx: Ctx, member: Member, communities: list[Community]
) -> list[Suggestion]:
    """Up to three active members of these communities worth meeting, best first; never the
    member themself, people who left or bots. With no overlap at all: the coordinators."""
    if not communities:
        return []
    rows = (
        await Membership.filter(
            community_id__in=[c.id for c in communities],
            left_at__isnull=True,
            member__is_bot=False,
            member__workspace_id=ctx.workspace.id,
        )
        .exclude(member_id=member.id)
        .prefetch_related("member", "community")
        .order_by("joined_at")
    )
    topics: dict[str, str] = {}
    for community in communities:
        for tag in community.tags:
            topics.setdefault(tag, community.name)
    tr = ctx.translator_for(member)
    ranked: dict[int, Suggestion] = {}
    for row in rows:
        if row.member.id not in ranked:
            ranked[row.member.id] = _rank(tr, member, row.member, topics)
    best = sorted(
        (s for s in ranked.values() if s.score > 0),
        key=lambda s: (-s.score, s.member.display_name.casefold()),
    )
    if best:
        return best[:MAX_SUGGESTIONS]
    coordinators: dict[int, Suggestion] = {}
    for row in rows:
        if row.role == "coordinator" and row.member.id not in coordinators:
            reason = tr.spans("suggest.coordinator", community=row.community.name)
            coordinators[row.member.id] = Suggestion(row.member, 0, [reason])
    return list(coordinators.values())[:MAX_SUGGESTIONS]


async def suggestion_parts(ctx: Ctx, member: Member, communities: list[Community]) -> list[Part]:
    """ "People you might like to meet" with the reason for each, or nothing."""
    found = await suggested_members(ctx, member, communities)
    if not found:
        return []
    tr = ctx.translator_for(member)
    items = []
    for suggestion in found:
        line: list[Span] = [mention(suggestion.member), Text(" — ")]
        for index, reason in enumerate(suggestion.reasons):
            if index:
                line.append(Text("; "))
            line.extend(reason)
        items.append(tuple(line))
    return [Paragraph(spans(tr("suggest.title"))), BulletList(tuple(items))]


# ---- the flows --------------------------------------------------------------------------


async def on_joined_community(ctx: Ctx, community: Community) -> list[Part]:
    """Called by ``join`` once the membership is saved: greets, asks for an introduction or
    posts the existing one, suggests members. Returns parts for the joiner's reply."""
    member = ctx.member
    if member.is_bot:
        return []
    parts: list[Part] = []
    if member.intro_posted_at is None:
        if await greet(ctx, member, community, tell=True):
            # the greeting leaves after commit and adds how it went to the reply; the form
            # is offered here too, where the platform can open it (a button in a DM may
            # not know the server)
            parts.append(intro_request(ctx.tr, member))
        else:
            # no direct message now (refused, or greeted here before): ask in the reply
            parts.append(Paragraph(ctx.tr.spans("intro.ask", community=community.name)))
            parts.append(intro_request(ctx.tr, member))
    else:
        channel = await post_welcome(ctx, member, community)
        if channel is not None:
            parts.append(Note(join_spans(ctx.tr, "welcome.posted", "channels", [channel])))
    parts.extend(await suggestion_parts(ctx, member, [community]))
    return parts


async def member_joined_workspace(ctx: Ctx, **_: str) -> Message | None:
    """A person joined the workspace (or the console's ``/as`` met them): greet them once."""
    if ctx.member.is_bot or ctx.member.intro_posted_at is not None:
        return None
    await greet(ctx, ctx.member, None)
    return None


async def member_joined_channel(ctx: Ctx, channel_id: str = "", **_: str) -> Message | None:
    """Joining a community's home channel is joining the community."""
    if ctx.member.is_bot or not channel_id:
        return None
    community = await Community.get_or_none(
        workspace=ctx.workspace, home_channel_id=channel_id, archived=False
    )
    if community is None or await membership_of(ctx.member, community) is not None:
        return None
    # imported here: bot.communities.commands imports this module to call on_joined_community
    from bot.communities.commands import join_community

    return await join_community(ctx, community)


EVENT_HANDLERS = {
    "member_joined_workspace": member_joined_workspace,
    "member_joined_channel": member_joined_channel,
}
