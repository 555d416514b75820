"""Changing a meeting: cancelling one occurrence or the series, moving one occurrence; the
channel and the members who answered are told, and the native event follows.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from bot.kernel.context import Ctx
from bot.kernel.errors import UserError
from bot.kernel.i18n import N_
from bot.kernel.messages import Message, Paragraph, Strong
from bot.kernel.occurrences import Upcoming, upcoming_of
from bot.kernel.recurrence import place
from bot.kernel.registry import Arg, command
from bot.kernel.timewords import Question
from bot.kernel.timewords.ask import ask
from bot.kernel.timewords.lexicon import fold
from bot.meetings.calendar_ics import revise
from bot.meetings.effects import mirror_native_event
from bot.meetings.finding import MeetingRef
from bot.meetings.picking import (
    date_needed,
    named_occurrence,
    next_of,
    occurrence_on,
    occurrence_row,
    when_text,
)
from bot.meetings.posts import cancelled_message, moved_message, told_spans
from bot.meetings.telling import answered, notify
from bot.meetings.timing import Move, TimeQuestion, moved_start, split_move

ALL_WORDS = ("all", "series", "tout", "toutes", "tous", "série", "serie")


@command(
    "meeting cancel",
    usage="meeting cancel <meeting> [occurrence date|all]",
    examples=[
        "meeting cancel 12 2027-05-31",
        "meeting cancel 12 all",
        'meeting cancel "Python hour" next Monday',
        "meeting cancel 12 mardi prochain",
    ],
    role="coordinator",
)
async def cancel_meeting(
    ctx: Ctx,
    meeting: MeetingRef,
    which: Annotated[
        str | None, Arg(N_("the occurrence's date, or all"), kind="text", max_length=100)
    ] = None,
) -> Message:
    """Cancel one occurrence of a meeting, or the whole series"""
    # an unquoted title of several words was re-split by the meeting resolver
    found, original, community = meeting.meeting, meeting.original, meeting.community
    rest = (which or "").strip()
    now = ctx.clock.now()
    if found.cancelled:
        raise UserError("“{title}” has been cancelled.", title=found.title)
    whole = fold(rest) in ALL_WORDS or (not rest and original is None and not found.rrule)
    if whole:
        future = await upcoming_of([found], now, limit=500, within=timedelta(days=400))
        found.cancelled = True
        await found.save(update_fields=["cancelled"])
        await revise(found, now)
        await mirror_native_event(ctx, found, community)
        members = await answered(future)
        if future:
            first = future[0]
            await notify(
                ctx,
                community,
                members,
                lambda tr, zone: cancelled_message(tr, first, zone, series=True),
            )
        return Message(ephemeral=True).add(
            Paragraph(
                (
                    *ctx.tr.spans("Cancelled the whole series “{title}”.", title=found.title),
                    *told_spans(ctx.tr, len(members)),
                )
            )
        )
    if original is not None:
        item = await named_occurrence(found, original, f"#{found.id}")
    elif rest:
        try:
            item = await occurrence_on(ctx, found, rest)
        except TimeQuestion as asked:
            arguments = {"meeting": f"#{found.id}", "which": rest}
            return await ask(ctx, asked.question, "meeting cancel", arguments, "which")
    else:
        raise await date_needed(ctx, found)
    if item.cancelled:
        raise UserError("That occurrence of “{title}” is already cancelled.", title=found.title)
    row = await occurrence_row(item)
    row.cancelled = True
    await row.save(update_fields=["cancelled"])
    await revise(found, now)
    await mirror_native_event(ctx, found, community)
    members = await answered([item])
    await notify(
        ctx, community, members, lambda tr, zone: cancelled_message(tr, item, zone, series=False)
    )
    return Message(ephemeral=True).add(
        Paragraph(
            (
                *ctx.tr.spans(
                    "Cancelled “{title}” on {when}.",
                    title=found.title,
                    when=when_text(ctx, item.starts_at),
                ),
                *told_spans(ctx.tr, len(members)),
            )
        )
    )


@command(
    "meeting move",
    usage="meeting move <meeting> <occurrence date> to|à <new time>",
    examples=[
        "meeting move 12 2027-05-31 to 2027-06-01 16:30",
        'meeting move "Python hour" next Monday to Tuesday 5pm',
        "meeting move 12 mardi à mercredi 17 h",
    ],
    role="coordinator",
)
async def move_meeting(
    ctx: Ctx,
    meeting: MeetingRef,
    change: Annotated[str, Arg(N_("<occurrence date> to <new time>"), kind="text", max_length=200)],
) -> Message:
    """Move one occurrence of a meeting to another time"""
    found, original, community = meeting.meeting, meeting.original, meeting.community
    rest = change.strip()
    if found.cancelled:
        raise UserError("“{title}” has been cancelled.", title=found.title)
    move = split_move(rest, ctx.clock.now(), ctx.timezone)
    if isinstance(move, Question):
        arguments = {"meeting": f"#{found.id}", "change": rest}
        return await ask(ctx, move, "meeting move", arguments, "change")
    if original is not None:
        item = await named_occurrence(found, original, f"#{found.id}")
    elif move.which:
        try:
            item = await occurrence_on(ctx, found, move.which)
        except TimeQuestion as asked:
            # the occurrence's date reads two ways: ask, keeping the new time as typed
            question = _prefixed(asked.question, f" {move.word} {_target_text(rest, move)}")
            arguments = {"meeting": f"#{found.id}", "change": rest}
            return await ask(ctx, question, "meeting move", arguments, "change")
    elif not found.rrule:
        item = await next_of(ctx, found)
    else:
        raise await date_needed(ctx, found)
    if item.cancelled:
        raise UserError(
            "That occurrence of “{title}” is cancelled; schedule a new meeting instead.",
            title=found.title,
        )
    day = item.starts_at.astimezone(ZoneInfo(move.target.zone)).date()
    new_start = place(moved_start(move, day), move.target.zone)
    if new_start <= ctx.clock.now():
        raise UserError(
            N_("{when} has already passed. Give a time in the future."),
            when=when_text(ctx, new_start),
        )
    old_start = item.starts_at
    row = await occurrence_row(item)
    row.starts_at = new_start
    await row.save(update_fields=["starts_at"])
    await revise(found, ctx.clock.now())
    await mirror_native_event(ctx, found, community)
    moved = Upcoming(found, item.original_start, new_start, row)
    members = await answered([moved])
    await notify(
        ctx, community, members, lambda tr, zone: moved_message(tr, moved, old_start, zone)
    )
    return Message(ephemeral=True).add(
        Paragraph(
            (
                *ctx.tr.spans(
                    "Moved “{title}” from {old} to {new}.",
                    title=found.title,
                    old=when_text(ctx, old_start),
                    new=Strong(when_text(ctx, new_start)),
                ),
                *told_spans(ctx.tr, len(members)),
            )
        )
    )


def _target_text(rest: str, move: Move) -> str:
    """The new time as typed: what follows the word that split the move."""
    words = rest.split()
    return " ".join(words[len(move.which.split()) + 1 :])


def _prefixed(question: Question, after: str) -> Question:
    options = tuple(replace(option, text=option.text + after) for option in question.options)
    return replace(question, options=options)
