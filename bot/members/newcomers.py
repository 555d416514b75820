"""Newcomers: the greeting, the introduction request, "Please welcome ...", and suggested
members with the reason.

Every automatic post here goes through a one-row claim in the delivery ledger (its unique
key is kind + target + subject), so a platform that re-sends an event, a member who leaves
and comes back, or two processes handling the same join never produce a second greeting,
welcome post or fallback mention.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.kernel.context import Ctx
from bot.kernel.effects import (
    EffectCall,
    EffectResult,
    effect,
    message_args,
    recipient,
    recipient_args,
)
from bot.kernel.forms import prefill_message
from bot.kernel.i18n import N_, Translator, translator_for
from bot.kernel.lookups import community_language
from bot.kernel.message_json import message_from_json
from bot.kernel.messages import (
    BulletList,
    ChannelRef,
    Choice,
    Field,
    Fields,
    Form,
    FormField,
    FormRequest,
    Message,
    Note,
    Paragraph,
    Part,
    Span,
    Text,
    spans,
)
from bot.kernel.people import hashtags as _hashtags
from bot.kernel.people import interest_keys, join_spans, mention, words_of
from bot.kernel.registry import listens, on
from bot.kernel.tags import tag_key
from data.hotpath import acquaintances, insert_unless_taken
from data.models import Community, Delivery, Member, Workspace

log = logging.getLogger(__name__)

GREET = "members.greet"  # the effect that sends a greeting, or mentions its fallback

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
# members weighed for suggestions, at most: coordinators, then the latest to join of those
# who said something about themselves (a community of thousands is not read whole on a join)
CANDIDATES = 500


# the introduction form's questions and hints, and the profile's labels, by field name
FORM_LABELS = {
    "title": N_("Title or role"),
    "organization": N_("Organization"),
    "location": N_("Location"),
    "interests": N_("Interests (#tags or words separated by commas)"),
    "can_help_with": N_("I can help with"),
    "wants_to_learn": N_("I want to learn"),
}
FORM_PLACEHOLDERS = {
    "title": N_("e.g. Instructional designer"),
    "organization": N_("e.g. Red River College"),
    "location": N_("e.g. Winnipeg"),
    "interests": N_("e.g. #moodle, course design, micro-credentials"),
    "can_help_with": N_("e.g. Moodle quizzes, rubrics"),
    "wants_to_learn": N_("e.g. video editing, accessibility"),
}
PROFILE_LABELS = {
    "title": N_("Title or role"),
    "organization": N_("Organization"),
    "location": N_("Location"),
    "can_help_with": N_("Can help with"),
    "wants_to_learn": N_("Wants to learn"),
}


def intro_form(tr: Translator, member: Member, context: str = "") -> Form:
    """The introduction form, filled with what the member already said (so it edits)."""

    def short(name: str, kind: Any = "short") -> FormField:
        initial = ", ".join(member.interests) if name == "interests" else getattr(member, name)
        return FormField(
            name=name,
            label=tr(FORM_LABELS[name]),
            kind=kind,
            max_length=FIELD_LIMITS[name],
            initial=initial,
            placeholder=tr(FORM_PLACEHOLDERS[name]),
        )

    networking = FormField(
        name="networking",
        label=tr("Pair me with other members for one-to-one chats"),
        kind="choice",
        initial="yes" if member.networking_opt_in else "no",
        choices=(Choice(tr("Yes"), "yes"), Choice(tr("No"), "no")),
    )
    return Form(
        form_id="intro",
        title=tr.pgettext("form title", "Introduce yourself"),
        fields=(
            short("title"),
            short("organization"),
            short("location"),
            short("interests"),
            short("can_help_with", "long"),
            short("wants_to_learn", "long"),
            networking,
        ),
        submit_label=tr("Save"),
        context=context,
    )


def intro_request(tr: Translator, member: Member) -> FormRequest:
    return FormRequest(intro_form(tr, member), tr.pgettext("button", "Introduce yourself"))


def has_profile(member: Member) -> bool:
    return bool(member.interests) or any(getattr(member, name) for name in TEXT_FIELDS)


def profile_fields(tr: Translator, member: Member) -> list[Field]:
    """The filled-in parts of a profile; every value the member wrote stays ``Text``."""
    out: list[Field] = []
    for name in ("title", "organization", "location"):
        if getattr(member, name):
            out.append(Field(tr(PROFILE_LABELS[name]), (Text(getattr(member, name)),)))
    if member.interests:
        out.append(Field(tr("Interests"), (Text(_hashtags(member.interests)),)))
    for name in ("can_help_with", "wants_to_learn"):
        if getattr(member, name):
            out.append(Field(tr(PROFILE_LABELS[name]), (Text(getattr(member, name)),)))
    return out


# ---- the ledger: each automatic post goes out once ----------------------------------


async def claim_once(
    workspace: Workspace,
    now: datetime,
    kind: str,
    target: str,
    subject: str,
    *,
    status: str = "sent",
) -> bool:
    """Record that (kind, target, subject) is being sent; True only for the first caller.

    One INSERT that does nothing when the row exists, and says whether it inserted: it
    never raises on a duplicate, so on PostgreSQL it does not abort the surrounding
    transaction; a concurrent caller's insert waits for the first one's transaction."""
    row = Delivery(
        workspace=workspace,
        kind=kind,
        target=target,
        subject=subject,
        due_at=now,
        status=status,
        sent_at=now,
        attempts=1,
    )
    return await insert_unless_taken(row, ("kind", "target", "subject"))


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
    target = member_target(member)
    if not await claim_once(ctx.workspace, ctx.clock.now(), "greeting", target, subject):
        return False
    tr = ctx.translator_for(member)
    if community is None:
        place = ctx.workspace.name or tr("this workspace")
        text = tr.spans(
            "Welcome to {workspace}, {member}! I help its communities of "
            "practice meet, share and learn together. Tell the others "
            "who you are: a short introduction helps people with the "
            "same interests find you.",
            workspace=place,
            member=mention(member),
        )
    else:
        text = tr.spans(
            "Welcome to “{community}”, {member}! Introduce yourself so "
            "its members know who you are and what you are looking for.",
            community=community.name,
            member=mention(member),
        )
    message = Message().add(
        Paragraph(text),
        Note(
            tr.spans(
                "Type `intro` any time to fill in or edit your introduction; "
                "`communities` lists the communities you can join."
            )
        ),
        intro_request(tr, member),
    )

    def told(result: EffectResult) -> None:
        if not tell:
            return
        if result.value is True:  # the DM asks already: say so in one line
            note = ctx.tr.spans(
                "I sent you a direct message to introduce yourself; you can also do it right here."
            )
            ctx.reply_notes.append(Note(note))
        elif community is not None:
            ask = ctx.tr.spans(
                "Introduce yourself so the members of “{community}” know who you are.",
                community=community.name,
            )
            ctx.reply_notes.append(Paragraph(ask))

    if message.form_request is not None:  # the form opens with what they already typed
        message = await prefill_message(member, message)
    args = {
        "member": recipient_args(member),
        "message": message_args(message),
        "subject": subject,
        "community": community.id if community else None,
    }
    ctx.effect(GREET, member_target(member), args, then=told)
    return True


@effect(GREET)
async def send_greeting(call: EffectCall) -> bool:
    """The greeting by DM; when the member refuses DMs, the greeting is recorded as failed
    and they are mentioned once in the community's channel instead. True when the DM went."""
    member = recipient(call.args["member"])
    message = message_from_json(call.args["message"])
    if await call.send.to_member(call.workspace, member, message, fallback_channel=None) == (
        "direct"
    ):
        return True
    await Delivery.filter(
        kind="greeting", target=member_target(member), subject=call.args["subject"]
    ).update(status="failed", detail="direct messages refused")
    community_id = call.args.get("community")
    community = await Community.get_or_none(id=int(community_id)) if community_id else None
    await fallback_mention(call, member, community)
    return False


async def fallback_mention(call: EffectCall, member: Member, community: Community | None) -> None:
    """Mention the member once, ever, in a community's home channel instead of a DM."""
    channel = community.home_channel_id if community else None
    if not channel:
        log.info("member %s refuses direct messages and has no channel to be greeted in", member.id)
        return
    now = call.send.clock.now()
    target = member_target(member)
    if not await claim_once(
        call.workspace, now, "greeting_fallback", target, "greeting", status="fallback"
    ):
        return
    tr = call.send.translator(member.language)
    welcome = tr.spans(
        "Welcome, {member}! I could not send you a direct message. "
        "Introduce yourself to the community by typing `intro`.",
        member=mention(member),
    )
    await call.send.to_channel(call.workspace, channel, Message().add(Paragraph(welcome)))


async def post_welcome(ctx: Ctx, member: Member, community: Community) -> ChannelRef | None:
    """Post "Please welcome ..." with the member's introduction in the community's home
    channel, once per member and community. Returns where it went, or None."""
    channel = community.home_channel_id
    if not channel or community.archived:
        return None
    subject = f"member:{member.id}:community:{community.id}"
    if not await claim_once(
        ctx.workspace, ctx.clock.now(), "welcome", f"channel:{channel}", subject
    ):
        return None
    # a channel is read by everyone: its posts use the language most of its members read
    language = await community_language(community, ctx.settings.default_language)
    tr = translator_for(ctx.settings, language)
    message = Message().add(
        Paragraph(
            tr.spans(
                "Please welcome {member} to “{community}”!",
                member=mention(member),
                community=community.name,
            )
        )
    )
    details = profile_fields(tr, member)
    if details:
        message.add(Fields(tuple(details)))
    else:
        message.add(Note(tr.spans("They have not said much about themself yet: say hello!")))
    await ctx.post(channel, message)
    return ChannelRef(channel)


# ---- suggestions ----------------------------------------------------------------------


@dataclass
class Suggestion:
    member: Member
    score: int = 0
    reasons: list[tuple[Span, ...]] = field(default_factory=list)


def _rank(tr: Translator, me: Member, other: Member, topics: dict[str, str]) -> Suggestion:
    """Why ``other`` is worth meeting for ``me``: shared interests weigh most, then one
    can teach what the other wants to learn, then interest in the community's own tags."""
    found = Suggestion(other)
    mine, theirs = interest_keys(me), interest_keys(other)
    shared = [label for key, label in theirs.items() if key in mine]
    if shared:
        found.score += 3 * len(shared)
        found.reasons.append(tr.spans("shares {tags}", tags=_hashtags(shared)))
    if other.can_help_with and words_of(other.can_help_with) & words_of(me.wants_to_learn):
        found.score += 2
        found.reasons.append(tr.spans("can help with {what}", what=_short(other.can_help_with)))
    if other.wants_to_learn and words_of(other.wants_to_learn) & words_of(me.can_help_with):
        found.score += 2
        found.reasons.append(
            tr.spans(
                "wants to learn {what}, which you can help with", what=_short(other.wants_to_learn)
            )
        )
    on_topic = [key for key in theirs if key in topics and key not in mine]
    if on_topic:
        found.score += len(on_topic)
        found.reasons.append(
            tr.spans(
                "is into {tags}, a topic of “{community}”",
                tags=_hashtags(theirs[key] for key in on_topic),
                community=topics[on_topic[0]],
            )
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
    rows = await acquaintances(ctx.workspace.id, member.id, [c.id for c in communities], CANDIDATES)
    topics: dict[str, str] = {}  # a community tag's key: the community
    for community in communities:
        for tag in community.tags:
            topics.setdefault(tag_key(tag), community.name)
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
    names = {c.id: c.name for c in communities}
    coordinators: dict[int, Suggestion] = {}
    for row in sorted(rows, key=lambda row: row.joined_at):  # the longest-standing first
        if row.role == "coordinator" and row.member.id not in coordinators:
            reason = tr.spans(
                "coordinator of “{community}”, happy to show you around",
                community=names[row.community_id],
            )
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
    return [Paragraph(spans(tr("People you might like to meet:"))), BulletList(tuple(items))]


# ---- the flows --------------------------------------------------------------------------


@listens("community.joined")
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
            parts.append(
                Paragraph(
                    ctx.tr.spans(
                        "Introduce yourself so the members of “{community}” know who you are.",
                        community=community.name,
                    )
                )
            )
            parts.append(intro_request(ctx.tr, member))
    else:
        channel = await post_welcome(ctx, member, community)
        if channel is not None:
            parts.append(
                Note(
                    join_spans(ctx.tr, N_("I introduced you in {channels}."), "channels", [channel])
                )
            )
    parts.extend(await suggestion_parts(ctx, member, [community]))
    return parts


@on("member_joined_workspace")
async def member_joined_workspace(ctx: Ctx, **_: str) -> Message | None:
    """A person joined the workspace (or the console's ``/as`` met them): greet them once."""
    if ctx.member.is_bot or ctx.member.intro_posted_at is not None:
        return None
    await greet(ctx, ctx.member, None)
    return None
