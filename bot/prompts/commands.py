"""Discussion prompts: custom prompts, member suggestions approved by coordinators, the
built-in library, the posting schedule and ``prompt now``.

Which prompt comes next: whatever has never been posted in the community goes first —
approved member suggestions, then the coordinators' own prompts, then the library in
the community's language — and once everything has been posted, the one posted longest
ago. So nothing repeats until the whole pool has been used, and a newly approved member
question always jumps the queue.
"""

from __future__ import annotations

import logging
from typing import Annotated

from tortoise.expressions import F

from bot.kernel.args import IMPLIED, CommunityArg, InCommunity
from bot.kernel.context import Ctx
from bot.kernel.convert import is_number
from bot.kernel.effects import EffectCall, EffectResult, effect
from bot.kernel.errors import NotFound, UserError
from bot.kernel.i18n import N_, Translator, language_name, translator_for
from bot.kernel.lookups import (
    community_language,
    coordinators_of,
)
from bot.kernel.messages import (
    BulletList,
    Button,
    Buttons,
    Heading,
    Message,
    Note,
    Paragraph,
    Span,
    Text,
    Time,
)
from bot.kernel.registry import Arg, Param, button, command, on
from bot.kernel.resolvers.base import Resolver
from bot.kernel.schedules import describe_spans, store_cadence
from bot.kernel.timewords import Question
from bot.kernel.timewords.ask import ask
from bot.prompts.posting import (
    SOURCE_RANK,
    next_prompt,
    post_next_prompt,
)
from data.models import Community, Prompt, PromptSchedule
from data.prompt_library import LIBRARY

log = logging.getLogger(__name__)

POST_NOW = "prompts.post_now"  # the effect of `prompt now`

MIN_TEXT = 10
MAX_TEXT = 500
MAX_PENDING_PER_MEMBER = 5

PromptText = Annotated[str, Arg(N_("the prompt"), kind="text", max_length=MAX_TEXT)]
PromptNumber = Annotated[Prompt, Arg(N_("the prompt's number"), kind="prompt")]
# "in <words>" after a prompt's text: words of the prompt, perhaps, rather than a community
PromptCommunity = Annotated[
    Community,
    Arg(
        N_("the community"),
        kind="community",
        max_length=80,
        via_in=True,
        unknown=N_(
            "There is no community called “{name}”. If those words were part of your prompt, "
            'put the prompt in quotes: `prompt add "…" in <community>`.'
        ),
    ),
]

# a prompt's review status, as a coordinator reads it
PROMPT_STATUSES = {
    "approved": N_("approved"),
    "rejected": N_("declined"),
    "removed": N_("removed"),
    "pending": N_("waiting for review"),
}


class PromptResolver(Resolver):
    """A prompt of this workspace by its number (``12``, ``#12``), not a removed one."""

    kind = "prompt"

    async def resolve(self, ctx: Ctx, text: str, param: Param, label: str) -> Prompt:
        number = text.strip().lstrip("#")
        if not is_number(number):
            raise UserError(
                "I need a number for {name}, not “{value}”.", name=label, value=text[:40]
            )
        row = await Prompt.get_or_none(
            id=int(number), community__workspace=ctx.workspace
        ).prefetch_related("community", "suggested_by")
        if row is None or row.status == "removed":
            raise NotFound(
                "There is no prompt #{number} here. Type `prompt list` to see the numbers.",
                number=int(number),
            )
        return row


# ---- commands -----------------------------------------------------------------------


def _clean_prompt_text(text: str) -> str:
    text = " ".join(text.split())
    if len(text) < MIN_TEXT or sum(ch.isalpha() for ch in text) < 3:
        raise UserError("A prompt needs at least {min} characters, with words.", min=MIN_TEXT)
    return text


async def _check_duplicate(community: Community, text: str) -> None:
    wanted = text.casefold()
    for row in await Prompt.filter(community=community, status__in=("approved", "pending")):
        if " ".join(row.text.split()).casefold() == wanted:
            raise UserError("That prompt is already in the queue as #{number}.", number=row.id)


@command(
    "prompt add",
    usage="prompt add <text> [in <community>]",
    examples=[
        'prompt add "Which tool saved you the most time this term?" in python',
        "prompt add What is one thing you learned from a learner this week?",
    ],
    role="coordinator",
)
async def prompt_add(ctx: Ctx, text: PromptText, community: PromptCommunity = IMPLIED) -> Message:
    """Add a discussion prompt of your own to a community's queue"""
    found = community
    cleaned = _clean_prompt_text(text)
    await _check_duplicate(found, cleaned)
    row = await Prompt.create(
        community=found,
        text=cleaned,
        source="custom",
        status="approved",
        created_at=ctx.clock.now(),
    )
    return Message(ephemeral=True).add(
        Paragraph(
            ctx.tr.spans(
                "Prompt #{number} added to “{community}”. It goes before the library prompts.",
                number=row.id,
                community=found.name,
            )
        )
    )


def _review_buttons(tr: Translator, row: Prompt) -> Buttons:
    return Buttons(
        (
            Button(
                tr("Approve #{number}", number=row.id), "prompt_approve", str(row.id), "primary"
            ),
            Button(tr("Decline #{number}", number=row.id), "prompt_reject", str(row.id), "danger"),
        )
    )


def _suggester_name(row: Prompt) -> str:
    return row.suggested_by.display_name if row.suggested_by else "?"


@command(
    "prompt list",
    usage="prompt list [in <community>]",
    examples=["prompt list", "prompt list in python"],
    role="coordinator",
    read_only=True,
)
async def prompt_list(ctx: Ctx, community: InCommunity = IMPLIED) -> Message:
    """The prompts waiting to be posted, suggestions to approve, and the schedule"""
    found = community
    tr = ctx.tr
    message = Message(ephemeral=True).add(
        Heading(tr("Discussion prompts: {community}", community=found.name))
    )
    schedule = await PromptSchedule.get_or_none(community=found, active=True)
    if schedule is None:
        # the example must work as typed: a name with spaces goes in quotes
        name = f'"{found.name}"' if " " in found.name else found.name
        message.add(
            Paragraph(
                tr.spans(
                    "Not scheduled. Example: `prompt schedule {community} weekly wed 10:00`",
                    community=name,
                )
            )
        )
    else:
        described = describe_spans(
            schedule.rrule, schedule.start_local, schedule.timezone, tr, ctx.clock.now()
        )
        message.add(Paragraph((Text(tr("Schedule: ")), *described)))
    rows = (
        await Prompt.filter(community=found, status__in=("approved", "pending"))
        .exclude(source="library")
        .prefetch_related("suggested_by")
        .order_by("created_at", "id")
    )
    pending = [row for row in rows if row.status == "pending"]
    if pending:
        message.add(Heading(tr("Suggestions to review")))
        for row in pending:
            line = tr.spans(
                "#{number} “{text}” suggested by {name}",
                number=row.id,
                text=Text(row.text),
                name=Text(_suggester_name(row)),
            )
            message.add(Paragraph(line), _review_buttons(tr, row))
    queued = [row for row in rows if row.status == "approved"]
    message.add(Heading(tr("Your prompts")))
    if queued:
        items = []
        for row in sorted(queued, key=lambda r: SOURCE_RANK.get(r.source, 1)):
            text: Span = Text(row.text)
            if row.last_posted_at is None:
                line = tr.spans("#{number} {text} (not posted yet)", number=row.id, text=text)
            else:
                when = Time(row.last_posted_at, "date", ctx.timezone, ctx.language)
                line = tr.spans(
                    "#{number} {text} (posted {when})", number=row.id, text=text, when=when
                )
            if row.source == "suggested":
                line = (*line, Text(" — " + tr("member suggestion")))
            items.append(line)
        message.add(BulletList(tuple(items)))
    else:
        message.add(
            Paragraph(
                tr.spans(
                    "No prompts of your own yet: `prompt add <text>`. The library fills the gaps."
                )
            )
        )
    language = await community_language(found, ctx.settings.default_language)
    used = set(
        await Prompt.filter(community=found, library_key__isnull=False).values_list(
            "library_key", flat=True
        )
    )
    left = sum(1 for item in LIBRARY if item.key not in used)
    message.add(
        Note(
            tr.spans(
                "Library: {left} of {total} prompts in {language} not posted here yet.",
                left=left,
                total=len(LIBRARY),
                language=language_name(language, tr),
            )
        )
    )
    upcoming = await next_prompt(found, translator_for(ctx.settings, language))
    return message.add(Note(tr.spans("Next up: {text}", text=Text(upcoming.text))))


@command(
    "prompt remove",
    usage="prompt remove <number>",
    examples=["prompt remove 12"],
    role="coordinator",
)
async def prompt_remove(ctx: Ctx, number: PromptNumber) -> Message:
    """Remove a prompt from the queue by its number"""
    row = number
    # kept as "removed", not deleted: a library prompt must stay known as used
    row.status = "removed"
    await row.save(update_fields=["status"])
    return Message(ephemeral=True).add(
        Paragraph(ctx.tr.spans("Prompt #{number} removed.", number=row.id))
    )


async def _review(ctx: Ctx, row: Prompt, approve: bool) -> Message:
    if row.status != "pending":
        status = ctx.tr(PROMPT_STATUSES.get(row.status, row.status))
        raise UserError(
            "Prompt #{number} is not waiting for review (it is {status}).",
            number=row.id,
            status=status,
        )
    row.status = "approved" if approve else "rejected"
    await row.save(update_fields=["status"])
    if row.suggested_by is not None and row.suggested_by.id != ctx.member.id:
        tr = ctx.translator_for(row.suggested_by)
        key = (
            N_("Your suggested prompt for “{community}” was approved; it will be posted soon:")
            if approve
            else N_("Your suggested prompt for “{community}” was not taken this time:")
        )
        note = Message().add(
            Paragraph(tr.spans(key, community=row.community.name)), Paragraph((Text(row.text),))
        )
        await ctx.direct(row.suggested_by, note)
    key = (
        N_("Approved: #{number} will be posted before the other prompts.")
        if approve
        else N_("Declined: #{number}.")
    )
    return Message(ephemeral=True).add(Paragraph(ctx.tr.spans(key, number=row.id)))


@command(
    "prompt approve",
    usage="prompt approve <number>",
    examples=["prompt approve 12"],
    role="coordinator",
)
async def prompt_approve(ctx: Ctx, number: PromptNumber) -> Message:
    """Approve a member's suggested prompt"""
    return await _review(ctx, number, approve=True)


@command(
    "prompt reject",
    usage="prompt reject <number>",
    examples=["prompt reject 12"],
    role="coordinator",
)
async def prompt_reject(ctx: Ctx, number: PromptNumber) -> Message:
    """Decline a member's suggested prompt"""
    return await _review(ctx, number, approve=False)


@button("prompt_approve", role="coordinator")
async def press_approve(ctx: Ctx, number: PromptNumber) -> Message:
    return await _review(ctx, number, approve=True)


@button("prompt_reject", role="coordinator")
async def press_reject(ctx: Ctx, number: PromptNumber) -> Message:
    return await _review(ctx, number, approve=False)


@command(
    "prompt suggest",
    usage="prompt suggest <text> [in <community>]",
    examples=['prompt suggest "How do you run a good online office hour?" in python'],
    role="member",
)
async def prompt_suggest(
    ctx: Ctx, text: PromptText, community: PromptCommunity = IMPLIED
) -> Message:
    """Suggest a discussion prompt; coordinators approve it into the queue"""
    found = community
    cleaned = _clean_prompt_text(text)
    await _check_duplicate(found, cleaned)
    waiting = await Prompt.filter(
        community=found, suggested_by=ctx.member, status="pending"
    ).count()
    if waiting >= MAX_PENDING_PER_MEMBER:
        raise UserError(
            "You already have {limit} suggestions waiting in "
            "“{community}”. Please wait for the coordinators to review "
            "them.",
            limit=MAX_PENDING_PER_MEMBER,
            community=found.name,
        )
    row = await Prompt.create(
        community=found,
        text=cleaned,
        source="suggested",
        status="pending",
        suggested_by=ctx.member,
        created_at=ctx.clock.now(),
    )
    for coordinator in await coordinators_of(found):
        if coordinator.id == ctx.member.id:
            continue
        tr = ctx.translator_for(coordinator)
        request = Message().add(
            Paragraph(
                tr.spans(
                    "{name} suggests a discussion prompt for “{community}”:",
                    name=Text(ctx.member.display_name),
                    community=found.name,
                )
            ),
            Paragraph((Text(cleaned),)),
            _review_buttons(tr, row),
        )
        await ctx.direct(coordinator, request)
    return Message(ephemeral=True).add(
        Paragraph(
            ctx.tr.spans(
                "Thank you! Your suggestion #{number} was sent to the "
                "coordinators of “{community}”.",
                number=row.id,
                community=found.name,
            )
        )
    )


@command(
    "prompt schedule",
    usage="prompt schedule <community> <cadence>|off",
    examples=[
        "prompt schedule python every Wednesday at 10am",
        "prompt schedule python every other Monday at 9:00 America/Vancouver",
        "prompt schedule python le premier mardi du mois à 12 h",
        "prompt schedule python weekly wed 10:00",
        "prompt schedule python off",
    ],
    role="coordinator",
)
async def prompt_schedule(
    ctx: Ctx,
    community: CommunityArg,
    cadence: Annotated[str, Arg(N_("when, or off"), kind="text", max_length=120)],
) -> Message:
    """When discussion prompts are posted (or off)"""
    found = community
    parsed = await store_cadence(PromptSchedule, found, cadence, ctx.timezone, ctx.clock.now())
    if isinstance(parsed, Question):
        arguments = {"community": found.name, "cadence": cadence}
        return await ask(ctx, parsed, "prompt schedule", arguments, "cadence")
    if parsed is None:
        return Message(ephemeral=True).add(
            Paragraph(
                ctx.tr.spans(
                    "Scheduled prompts for “{community}” are off. `prompt now` still works.",
                    community=found.name,
                )
            )
        )
    described = describe_spans(
        parsed.rrule, parsed.start_local, parsed.timezone, ctx.tr, ctx.clock.now()
    )
    reply = Message(ephemeral=True).add(
        Paragraph(
            (
                *ctx.tr.spans("Discussion prompts for “{community}”: ", community=found.name),
                *described,
            )
        )
    )
    if not found.home_channel_id:
        reply.add(
            Note(
                ctx.tr.spans(
                    "“{community}” has no home channel yet, so prompts wait "
                    "until one is bound: run `community bind {community}` in a "
                    "channel.",
                    community=found.name,
                )
            )
        )
    return reply


@command(
    "prompt now",
    usage="prompt now [community]",
    examples=["prompt now", "prompt now python"],
    role="coordinator",
)
async def prompt_now(ctx: Ctx, community: InCommunity = IMPLIED) -> Message:
    """Post the next discussion prompt right away"""
    found = community
    if not found.home_channel_id:
        raise UserError(
            "“{community}” has no home channel to post in: run "
            "`community bind {community}` in a channel first.",
            community=found.name,
        )
    if ctx.outbox is None:
        raise UserError(
            "I could not post in the community's channel. Check that I am in it, then try again."
        )
    language = await community_language(found, ctx.settings.default_language)

    def posted(result: EffectResult) -> None:
        if result.sent and result.value:
            text = ctx.tr.spans(
                "Posted in the community's channel: {text}", text=Text(result.value)
            )
        else:
            text = ctx.tr.spans(
                "I could not post in the community's channel. Check that I am in it, "
                "then try again."
            )
        ctx.reply_notes.append(Paragraph(text))

    args = {"community": found.id, "language": language}
    ctx.effect(POST_NOW, f"channel:{found.home_channel_id}", args, then=posted)
    return Message(ephemeral=True)


@effect(POST_NOW)
async def post_prompt_now(call: EffectCall) -> str | None:
    """The prompt is chosen when it is posted (as the scheduler's are), posted, then
    recorded with its thread in single statements. A post the platform refuses is not
    retried: the coordinator was told, and may run the command again. Returns the text
    posted, or None."""
    community = await Community.get_or_none(id=int(call.args["community"]))
    if community is None or not community.home_channel_id:
        return None
    tr = call.send.translator(call.args.get("language"))

    async def post(channel: str, message: Message) -> str | None:
        return await call.send.to_channel(call.workspace, channel, message)

    try:
        row = await post_next_prompt(community, tr, post, call.send.clock.now())
    except Exception:
        log.exception("posting a prompt to %s failed", community.home_channel_id)
        return None
    return row.text


# ---- answers ------------------------------------------------------------------------


@on("thread_reply")
async def count_prompt_reply(ctx: Ctx, thread: str = "", **_: str) -> None:
    """A reply in a thread: count it if the thread is a prompt's, so the digest can name the
    busiest discussion."""
    if not thread or ctx.who.is_bot:
        return
    await Prompt.filter(thread_ref=thread, community__workspace=ctx.workspace).update(
        answers=F("answers") + 1
    )
