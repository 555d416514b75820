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
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from tortoise.expressions import F

from bot.kernel.context import Ctx
from bot.kernel.convert import is_number
from bot.kernel.errors import NotFound, UserError
from bot.kernel.i18n import Translator
from bot.kernel.lookups import (
    community_for,
    community_language,
    coordinators_of,
    find_community,
    require_coordinator,
    require_member,
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
from bot.kernel.registry import Arg, command
from bot.kernel.schedules import describe_spans, store_cadence
from data.models import Community, Prompt, PromptSchedule
from data.prompt_library import BY_KEY, LIBRARY, LibraryPrompt

log = logging.getLogger(__name__)

TEXTS = {
    "help.prompt add": (
        "Add a discussion prompt of your own to a community's queue",
        "Ajouter votre propre question de discussion à la file d'une communauté",
    ),
    "help.prompt list": (
        "The prompts waiting to be posted, suggestions to approve, and the schedule",
        "Les questions en attente, les suggestions à approuver et l'horaire",
    ),
    "help.prompt remove": (
        "Remove a prompt from the queue by its number",
        "Retirer une question de la file par son numéro",
    ),
    "help.prompt schedule": (
        "When discussion prompts are posted (or off)",
        "Quand les questions de discussion sont publiées (ou off pour arrêter)",
    ),
    "help.prompt now": (
        "Post the next discussion prompt right away",
        "Publier tout de suite la prochaine question de discussion",
    ),
    "help.prompt suggest": (
        "Suggest a discussion prompt; coordinators approve it into the queue",
        "Suggérer une question de discussion ; les coordonnateurs l'approuvent",
    ),
    "help.prompt approve": (
        "Approve a member's suggested prompt",
        "Approuver une question suggérée par un membre",
    ),
    "help.prompt reject": (
        "Decline a member's suggested prompt",
        "Refuser une question suggérée par un membre",
    ),
    "prompt.post_heading": ("Discussion prompt", "Question de discussion"),
    "prompt.post_note": (
        "Reply in this thread to share your experience.",
        "Répondez dans ce fil pour partager votre expérience.",
    ),
    "prompt.post_suggested_by": (
        "Suggested by {name}. Reply in this thread to share your experience.",
        "Suggérée par {name}. Répondez dans ce fil pour partager votre expérience.",
    ),
    "prompt.added": (
        "Prompt #{number} added to “{community}”. It goes before the library prompts.",
        "Question n° {number} ajoutée à « {community} ». Elle passe avant celles de la "
        "bibliothèque.",
    ),
    "prompt.bad_text": (
        "A prompt needs at least {min} characters, with words.",
        "Une question doit compter au moins {min} caractères, avec des mots.",
    ),
    "prompt.duplicate": (
        "That prompt is already in the queue as #{number}.",
        "Cette question est déjà dans la file (n° {number}).",
    ),
    "prompt.unknown_community_hint": (
        "There is no community called “{name}”. If those words were part of your prompt, "
        'put the prompt in quotes: `prompt add "…" in <community>`.',
        "Il n'y a pas de communauté nommée « {name} ». Si ces mots faisaient partie de "
        'votre question, mettez-la entre guillemets : `prompt add "…" in <communauté>`.',
    ),
    "prompt.list_title": (
        "Discussion prompts: {community}",
        "Questions de discussion : {community}",
    ),
    "prompt.schedule_label": ("Schedule: ", "Horaire : "),
    "prompt.schedule_none": (
        "Not scheduled. Example: `prompt schedule {community} weekly wed 10:00`",
        "Aucun horaire. Exemple : `prompt schedule {community} chaque semaine mercredi 10h`",
    ),
    "prompt.pending_title": ("Suggestions to review", "Suggestions à examiner"),
    "prompt.pending_line": (
        "#{number} “{text}” suggested by {name}",
        "n° {number} « {text} » suggérée par {name}",
    ),
    "prompt.queue_title": ("Your prompts", "Vos questions"),
    "prompt.queue_empty": (
        "No prompts of your own yet: `prompt add <text>`. The library fills the gaps.",
        "Aucune question à vous pour l'instant : `prompt add <texte>`. La bibliothèque "
        "comble les trous.",
    ),
    "prompt.line_never": (
        "#{number} {text} (not posted yet)",
        "n° {number} {text} (pas encore publiée)",
    ),
    "prompt.line_posted": (
        "#{number} {text} (posted {when})",
        "n° {number} {text} (publiée {when})",
    ),
    "prompt.from_member": ("member suggestion", "suggestion d'un membre"),
    "prompt.library_line": (
        "Library: {left} of {total} prompts in {language} not posted here yet.",
        "Bibliothèque : {left} des {total} questions en {language} pas encore publiées ici.",
    ),
    "prompt.next_line": ("Next up: {text}", "Prochaine : {text}"),
    "prompt.language.en": ("English", "anglais"),
    "prompt.language.fr": ("French", "français"),
    "prompt.approve_button": ("Approve #{number}", "Approuver n° {number}"),
    "prompt.reject_button": ("Decline #{number}", "Refuser n° {number}"),
    "prompt.removed": ("Prompt #{number} removed.", "Question n° {number} retirée."),
    "prompt.unknown": (
        "There is no prompt #{number} here. Type `prompt list` to see the numbers.",
        "Il n'y a pas de question n° {number} ici. Tapez `prompt list` pour voir les numéros.",
    ),
    "prompt.not_pending": (
        "Prompt #{number} is not waiting for review (it is {status}).",
        "La question n° {number} n'attend pas d'examen (elle est {status}).",
    ),
    "prompt.status.approved": ("approved", "approuvée"),
    "prompt.status.rejected": ("declined", "refusée"),
    "prompt.status.removed": ("removed", "retirée"),
    "prompt.status.pending": ("waiting for review", "en attente d'examen"),
    "prompt.approved": (
        "Approved: #{number} will be posted before the other prompts.",
        "Approuvée : la n° {number} sera publiée avant les autres questions.",
    ),
    "prompt.rejected": ("Declined: #{number}.", "Refusée : n° {number}."),
    "prompt.suggested": (
        "Thank you! Your suggestion #{number} was sent to the coordinators of “{community}”.",
        "Merci ! Votre suggestion n° {number} a été transmise aux coordonnateurs de "
        "« {community} ».",
    ),
    "prompt.too_many_pending": (
        "You already have {limit} suggestions waiting in “{community}”. Please wait for the "
        "coordinators to review them.",
        "Vous avez déjà {limit} suggestions en attente dans « {community} ». Attendez que "
        "les coordonnateurs les examinent.",
    ),
    "prompt.review_request": (
        "{name} suggests a discussion prompt for “{community}”:",
        "{name} suggère une question de discussion pour « {community} » :",
    ),
    "prompt.suggestion_approved": (
        "Your suggested prompt for “{community}” was approved; it will be posted soon:",
        "Votre question suggérée pour « {community} » a été approuvée ; elle sera bientôt "
        "publiée :",
    ),
    "prompt.suggestion_rejected": (
        "Your suggested prompt for “{community}” was not taken this time:",
        "Votre question suggérée pour « {community} » n'a pas été retenue cette fois-ci :",
    ),
    "prompt.scheduled": (
        "Discussion prompts for “{community}”: ",
        "Questions de discussion pour « {community} » : ",
    ),
    "prompt.schedule_off": (
        "Scheduled prompts for “{community}” are off. `prompt now` still works.",
        "Les questions programmées pour « {community} » sont arrêtées. `prompt now` "
        "fonctionne toujours.",
    ),
    "prompt.needs_channel": (
        "“{community}” has no home channel yet, so prompts wait until one is bound: run "
        "`community bind {community}` in a channel.",
        "« {community} » n'a pas encore de canal d'attache ; les questions attendront : "
        "lancez `community bind {community}` dans un canal.",
    ),
    "prompt.no_channel": (
        "“{community}” has no home channel to post in: run `community bind {community}` in "
        "a channel first.",
        "« {community} » n'a pas de canal d'attache où publier : lancez d'abord "
        "`community bind {community}` dans un canal.",
    ),
    "prompt.posted_now": (
        "Posted in the community's channel: {text}",
        "Publiée dans le canal de la communauté : {text}",
    ),
    "prompt.post_failed": (
        "I could not post in the community's channel. Check that I am in it, then try again.",
        "Je n'ai pas pu publier dans le canal de la communauté. Vérifiez que j'y suis, puis "
        "réessayez.",
    ),
}

MIN_TEXT = 10
MAX_TEXT = 500
MAX_PENDING_PER_MEMBER = 5
# among prompts never posted (or posted equally long ago): suggestions, custom, library
_SOURCE_RANK = {"suggested": 0, "custom": 1, "library": 2}
_NEVER = datetime.min.replace(tzinfo=UTC)

PromptText = Annotated[str, Arg("the prompt", "la question", kind="text", max_length=MAX_TEXT)]
PromptNumber = Annotated[int, Arg("the prompt's number", "le numéro de la question", kind="int")]
OptionalCommunity = Annotated[
    str | None, Arg("the community", "la communauté", kind="community", max_length=80, via_in=True)
]
CommunityName = Annotated[
    str, Arg("the community", "la communauté", kind="community", max_length=80)
]


# ---- which prompt is next -----------------------------------------------------------


@dataclass(frozen=True)
class NextPrompt:
    """The prompt to post: a stored row, or a library prompt never posted here."""

    text: str
    row: Prompt | None
    library: LibraryPrompt | None


def _text_of(row: Prompt, language: str) -> str:
    if row.source == "library" and row.library_key in BY_KEY:
        return BY_KEY[row.library_key].text(language)
    return row.text


async def next_prompt(community: Community, language: str) -> NextPrompt:
    """Never-posted before posted; then member suggestions, custom, library; then oldest."""
    rows = await Prompt.filter(community=community).order_by("created_at", "id")
    used_keys = {row.library_key for row in rows if row.library_key}
    candidates: list[tuple[tuple[bool, datetime, int, int], NextPrompt]] = []
    for position, row in enumerate(rows):
        if row.status != "approved":
            continue
        if row.source == "library" and row.library_key not in BY_KEY:
            continue  # dropped from a later library version
        rank = _SOURCE_RANK.get(row.source, 1)
        posted = row.last_posted_at
        key = (posted is not None, posted or _NEVER, rank, position)
        candidates.append((key, NextPrompt(_text_of(row, language), row, None)))
    for position, item in enumerate(LIBRARY):
        if item.key not in used_keys:
            key = (False, _NEVER, _SOURCE_RANK["library"], position)
            candidates.append((key, NextPrompt(item.text(language), None, item)))
    return min(candidates, key=lambda candidate: candidate[0])[1]


def prompt_message(tr: Translator, text: str, suggested_by: str | None) -> Message:
    """The thread starter posted in the community's channel."""
    message = Message().add(Heading(tr("prompt.post_heading")), Paragraph((Text(text),)))
    if suggested_by:
        return message.add(Note(tr.spans("prompt.post_suggested_by", name=Text(suggested_by))))
    return message.add(Note(tr.spans("prompt.post_note")))


PostToChannel = Callable[[str, Message], Awaitable[str | None]]


async def post_next_prompt(
    community: Community, tr: Translator, post: PostToChannel, now: datetime
) -> Prompt:
    """Post the next prompt as a thread starter in the community's home channel and record
    it (thread reference, time posted, answers reset). ``post`` raises when it fails, and
    then nothing is recorded, so a retry posts the same prompt."""
    assert community.home_channel_id is not None
    chosen = await next_prompt(community, tr.language)
    suggester = None
    if chosen.row is not None and chosen.row.source == "suggested":
        await chosen.row.fetch_related("suggested_by")
        suggester = chosen.row.suggested_by.display_name if chosen.row.suggested_by else None
    ref = await post(community.home_channel_id, prompt_message(tr, chosen.text, suggester))
    if chosen.row is None:
        assert chosen.library is not None
        return await Prompt.create(
            community=community,
            text=chosen.text,
            source="library",
            library_key=chosen.library.key,
            status="approved",
            created_at=now,
            last_posted_at=now,
            thread_ref=ref,
        )
    row = chosen.row
    row.last_posted_at, row.thread_ref, row.answers = now, ref, 0
    await row.save(update_fields=["last_posted_at", "thread_ref", "answers"])
    return row


# ---- commands -----------------------------------------------------------------------


def _clean_prompt_text(text: str) -> str:
    text = " ".join(text.split())
    if len(text) < MIN_TEXT or sum(ch.isalpha() for ch in text) < 3:
        raise UserError("prompt.bad_text", min=MIN_TEXT)
    return text


async def _community_of_prompt_text(ctx: Ctx, name: str | None) -> Community:
    """Like ``community_for``, but an unknown name may be words of the prompt that
    happened to follow an "in": say so."""
    try:
        return await community_for(ctx, name)
    except NotFound as error:
        if name and error.key.startswith("error.unknown_community"):
            raise NotFound("prompt.unknown_community_hint", name=name[:60]) from error
        raise


async def _check_duplicate(community: Community, text: str) -> None:
    wanted = text.casefold()
    for row in await Prompt.filter(community=community, status__in=("approved", "pending")):
        if " ".join(row.text.split()).casefold() == wanted:
            raise UserError("prompt.duplicate", number=row.id)


@command(
    "prompt add",
    usage="prompt add <text> [in <community>]",
    examples=[
        'prompt add "Which tool saved you the most time this term?" in python',
        "prompt add What is one thing you learned from a learner this week?",
    ],
    role="coordinator",
)
async def prompt_add(ctx: Ctx, text: PromptText, community: OptionalCommunity = None) -> Message:
    """Add a discussion prompt of your own to a community's queue"""
    found = await _community_of_prompt_text(ctx, community)
    await require_coordinator(ctx, found)
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
        Paragraph(ctx.tr.spans("prompt.added", number=row.id, community=found.name))
    )


def _review_buttons(tr: Translator, row: Prompt) -> Buttons:
    return Buttons(
        (
            Button(
                tr("prompt.approve_button", number=row.id), "prompt_approve", str(row.id), "primary"
            ),
            Button(
                tr("prompt.reject_button", number=row.id), "prompt_reject", str(row.id), "danger"
            ),
        )
    )


def _suggester_name(row: Prompt) -> str:
    return row.suggested_by.display_name if row.suggested_by else "?"


@command(
    "prompt list",
    usage="prompt list [in <community>]",
    examples=["prompt list", "prompt list in python"],
    role="coordinator",
)
async def prompt_list(ctx: Ctx, community: OptionalCommunity = None) -> Message:
    """The prompts waiting to be posted, suggestions to approve, and the schedule"""
    found = await community_for(ctx, community)
    await require_coordinator(ctx, found)
    tr = ctx.tr
    message = Message(ephemeral=True).add(Heading(tr("prompt.list_title", community=found.name)))
    schedule = await PromptSchedule.get_or_none(community=found, active=True)
    if schedule is None:
        # the example must work as typed: a name with spaces goes in quotes
        name = f'"{found.name}"' if " " in found.name else found.name
        message.add(Paragraph(tr.spans("prompt.schedule_none", community=name)))
    else:
        described = describe_spans(
            schedule.rrule, schedule.start_local, schedule.timezone, tr, ctx.clock.now()
        )
        message.add(Paragraph((Text(tr("prompt.schedule_label")), *described)))
    rows = (
        await Prompt.filter(community=found, status__in=("approved", "pending"))
        .exclude(source="library")
        .prefetch_related("suggested_by")
        .order_by("created_at", "id")
    )
    pending = [row for row in rows if row.status == "pending"]
    if pending:
        message.add(Heading(tr("prompt.pending_title")))
        for row in pending:
            line = tr.spans(
                "prompt.pending_line",
                number=row.id,
                text=Text(row.text),
                name=Text(_suggester_name(row)),
            )
            message.add(Paragraph(line), _review_buttons(tr, row))
    queued = [row for row in rows if row.status == "approved"]
    message.add(Heading(tr("prompt.queue_title")))
    if queued:
        items = []
        for row in sorted(queued, key=lambda r: _SOURCE_RANK.get(r.source, 1)):
            text: Span = Text(row.text)
            if row.last_posted_at is None:
                line = tr.spans("prompt.line_never", number=row.id, text=text)
            else:
                when = Time(row.last_posted_at, "date", ctx.timezone, ctx.language)
                line = tr.spans("prompt.line_posted", number=row.id, text=text, when=when)
            if row.source == "suggested":
                line = (*line, Text(f" — {tr('prompt.from_member')}"))
            items.append(line)
        message.add(BulletList(tuple(items)))
    else:
        message.add(Paragraph(tr.spans("prompt.queue_empty")))
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
                "prompt.library_line",
                left=left,
                total=len(LIBRARY),
                language=tr(f"prompt.language.{language}"),
            )
        )
    )
    upcoming = await next_prompt(found, language)
    return message.add(Note(tr.spans("prompt.next_line", text=Text(upcoming.text))))


async def _find_prompt(ctx: Ctx, number: int) -> Prompt:
    row = await Prompt.get_or_none(id=number, community__workspace=ctx.workspace).prefetch_related(
        "community", "suggested_by"
    )
    if row is None or row.status == "removed":
        raise NotFound("prompt.unknown", number=number)
    return row


@command(
    "prompt remove",
    usage="prompt remove <number>",
    examples=["prompt remove 12"],
    role="coordinator",
)
async def prompt_remove(ctx: Ctx, number: PromptNumber) -> Message:
    """Remove a prompt from the queue by its number"""
    row = await _find_prompt(ctx, number)
    await require_coordinator(ctx, row.community)
    # kept as "removed", not deleted: a library prompt must stay known as used
    row.status = "removed"
    await row.save(update_fields=["status"])
    return Message(ephemeral=True).add(Paragraph(ctx.tr.spans("prompt.removed", number=row.id)))


async def _review(ctx: Ctx, number: int, approve: bool) -> Message:
    row = await _find_prompt(ctx, number)
    await require_coordinator(ctx, row.community)
    if row.status != "pending":
        status = ctx.tr(f"prompt.status.{row.status}")
        raise UserError("prompt.not_pending", number=row.id, status=status)
    row.status = "approved" if approve else "rejected"
    await row.save(update_fields=["status"])
    if row.suggested_by is not None and row.suggested_by.id != ctx.member.id:
        tr = ctx.translator_for(row.suggested_by)
        key = "prompt.suggestion_approved" if approve else "prompt.suggestion_rejected"
        note = Message().add(
            Paragraph(tr.spans(key, community=row.community.name)), Paragraph((Text(row.text),))
        )
        await ctx.direct(row.suggested_by, note)
    key = "prompt.approved" if approve else "prompt.rejected"
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


async def press_approve(ctx: Ctx, value: str) -> Message:
    if not is_number(value):
        raise UserError("error.stale_button")
    return await _review(ctx, int(value), approve=True)


async def press_reject(ctx: Ctx, value: str) -> Message:
    if not is_number(value):
        raise UserError("error.stale_button")
    return await _review(ctx, int(value), approve=False)


@command(
    "prompt suggest",
    usage="prompt suggest <text> [in <community>]",
    examples=['prompt suggest "How do you run a good online office hour?" in python'],
    role="member",
)
async def prompt_suggest(
    ctx: Ctx, text: PromptText, community: OptionalCommunity = None
) -> Message:
    """Suggest a discussion prompt; coordinators approve it into the queue"""
    found = await _community_of_prompt_text(ctx, community)
    await require_member(ctx, found)
    cleaned = _clean_prompt_text(text)
    await _check_duplicate(found, cleaned)
    waiting = await Prompt.filter(
        community=found, suggested_by=ctx.member, status="pending"
    ).count()
    if waiting >= MAX_PENDING_PER_MEMBER:
        raise UserError(
            "prompt.too_many_pending", limit=MAX_PENDING_PER_MEMBER, community=found.name
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
                    "prompt.review_request",
                    name=Text(ctx.member.display_name),
                    community=found.name,
                )
            ),
            Paragraph((Text(cleaned),)),
            _review_buttons(tr, row),
        )
        await ctx.direct(coordinator, request)
    return Message(ephemeral=True).add(
        Paragraph(ctx.tr.spans("prompt.suggested", number=row.id, community=found.name))
    )


@command(
    "prompt schedule",
    usage="prompt schedule <community> <cadence>|off",
    examples=[
        "prompt schedule python weekly wed 10:00",
        "prompt schedule python every 2 weeks monday 9am America/Vancouver",
        "prompt schedule python monthly first tuesday 12:00",
        "prompt schedule python off",
    ],
    role="coordinator",
)
async def prompt_schedule(
    ctx: Ctx,
    community: Annotated[
        str, Arg("the community", "la communauté", kind="community", max_length=80)
    ],
    cadence: Annotated[str, Arg("when, or off", "quand, ou off", kind="text", max_length=120)],
) -> Message:
    """When discussion prompts are posted (or off)"""
    found = await find_community(ctx, community)
    await require_coordinator(ctx, found)
    parsed = await store_cadence(PromptSchedule, found, cadence, ctx.timezone, ctx.clock.now())
    if parsed is None:
        return Message(ephemeral=True).add(
            Paragraph(ctx.tr.spans("prompt.schedule_off", community=found.name))
        )
    described = describe_spans(
        parsed.rrule, parsed.start_local, parsed.timezone, ctx.tr, ctx.clock.now()
    )
    reply = Message(ephemeral=True).add(
        Paragraph((*ctx.tr.spans("prompt.scheduled", community=found.name), *described))
    )
    if not found.home_channel_id:
        reply.add(Note(ctx.tr.spans("prompt.needs_channel", community=found.name)))
    return reply


@command(
    "prompt now",
    usage="prompt now [community]",
    examples=["prompt now", "prompt now python"],
    role="coordinator",
)
async def prompt_now(ctx: Ctx, community: OptionalCommunity = None) -> Message:
    """Post the next discussion prompt right away"""
    found = await community_for(ctx, community)
    await require_coordinator(ctx, found)
    if not found.home_channel_id:
        raise UserError("prompt.no_channel", community=found.name)
    outbox = ctx.outbox
    if outbox is None:
        raise UserError("prompt.post_failed")
    language = await community_language(found, ctx.settings.default_language)
    tr = Translator(ctx.registry.texts, language)

    async def post(channel: str, message: Message) -> str | None:
        return await outbox.post(ctx.workspace.external_id, channel, message)

    async def post_after_commit() -> None:
        # the prompt keeps the thread reference the platform returns, so this is an effect
        # of its own (not ctx.post): it chooses, posts, then records the prompt in single
        # statements, with no transaction open while the platform answers
        try:
            row = await post_next_prompt(found, tr, post, ctx.clock.now())
        except Exception:
            log.exception("posting a prompt to %s failed", found.home_channel_id)
            ctx.reply_notes.append(Paragraph(ctx.tr.spans("prompt.post_failed")))
            return
        ctx.reply_notes.append(Paragraph(ctx.tr.spans("prompt.posted_now", text=Text(row.text))))

    ctx.after_commit(post_after_commit)
    return Message(ephemeral=True)


# ---- answers ------------------------------------------------------------------------


async def count_prompt_reply(ctx: Ctx, thread: str) -> None:
    """A reply in a thread: count it if the thread is a prompt's, so the digest can name the
    busiest discussion (``bot.threads.commands`` calls this for every thread reply)."""
    await Prompt.filter(thread_ref=thread, community__workspace=ctx.workspace).update(
        answers=F("answers") + 1
    )


PRESS_HANDLERS = {"prompt_approve": press_approve, "prompt_reject": press_reject}
