"""Putting a time question to a member, and finishing their command with the answer.

A command whose time reads two ways does nothing yet: it answers with the question and one
button per reading (Slack and Discord buttons; numbered ``[n: …]`` choices that
``/press n`` picks on the console). The command and its arguments wait in a
``Confirmation`` row; pressing an answer puts the reworded text in place of the member's and
runs the same command again, through the same checks, so answering is exactly as if they
had typed the clear version. A button pressed by someone else, or a day later, does nothing.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Annotated, Any

from bot.kernel.context import Ctx
from bot.kernel.errors import UserError
from bot.kernel.i18n import N_
from bot.kernel.invoke import invoke
from bot.kernel.messages import Button, Buttons, Message, Note, Paragraph
from bot.kernel.registry import Arg, button
from bot.kernel.timewords.describe import day_text, describe, describe_day_time
from bot.kernel.timewords.grammar import read
from bot.kernel.timewords.model import Option, Question, Reading
from data.models import Confirmation

ANSWER_ACTION = "time-answer"
ANSWER_HOURS = 24


def option_label(ctx: Ctx, option: Option, zone: str) -> str:
    """What a button says: the reading in the member's own language when the option is a
    rewording ("every other Tuesday at 10:00 AM"), else the option's own words."""
    if option.msgid == "{date}":
        return day_text(date.fromisoformat(option.values["date"]), ctx.tr)
    if option.msgid:
        return ctx.tr(option.msgid, **option.values)
    try:
        reading = read(option.text, ctx.clock.now(), zone)
    except UserError:
        return option.text[:75]
    if not isinstance(reading, Reading):
        return option.text[:75]
    if reading.rule is None:
        return describe_day_time(reading.start, ctx.tr)
    return describe(reading.rule, reading.start.time(), ctx.tr)


async def ask(
    ctx: Ctx,
    question: Question,
    command: str,
    args: dict[str, str],
    field: str,
    zone: str | None = None,
) -> Message:
    """The question as a message with one button per answer. ``args`` are the command's
    arguments as typed; ``field`` is the one whose text the answer replaces."""
    token = secrets.token_urlsafe(12)
    now = ctx.clock.now()
    # questions left unanswered are forgotten: the member's expired ones go as a new one comes
    await Confirmation.filter(member=ctx.member, action=ANSWER_ACTION, expires_at__lte=now).delete()
    await Confirmation.create(
        member=ctx.member,
        token=token,
        action=ANSWER_ACTION,
        payload={
            "command": command,
            "args": args,
            "field": field,
            "answers": [option.text for option in question.options],
        },
        expires_at=now + timedelta(hours=ANSWER_HOURS),
    )
    labels = [option_label(ctx, option, zone or ctx.timezone) for option in question.options]
    buttons = tuple(
        Button(
            label[:75], ANSWER_ACTION, f"{token}:{index}", "primary" if index == 0 else "default"
        )
        for index, label in enumerate(labels)
    )
    return Message(ephemeral=True).add(
        Paragraph(ctx.tr.spans(question.msgid, **question.values)),
        Buttons(buttons),
        Note(ctx.tr.spans(N_("Nothing is saved until you answer."))),
    )


@button(ANSWER_ACTION)
async def answer(
    ctx: Ctx,
    token: Annotated[str, Arg(N_("the question"), kind="word", max_length=40)],
    choice: Annotated[int, Arg(N_("the answer"), kind="int")],
) -> Any:
    """A pressed answer (its value is ``<token>:<n>``): the waiting command, run again with
    the clear wording, through the same resolvers and checks as when it was typed."""
    pending = await Confirmation.get_or_none(
        token=token, action=ANSWER_ACTION, member_id=ctx.member.id
    )
    if pending is None or pending.expires_at <= ctx.clock.now():
        raise UserError(
            N_("That question has expired or was answered already. Type the command again.")
        )
    payload: dict[str, Any] = dict(pending.payload)
    answers: list[str] = list(payload["answers"])
    if not 0 <= choice < len(answers):
        raise UserError("That button no longer works. Try the command again.")
    await pending.delete()
    command = ctx.registry.commands.get(str(payload["command"]))
    if command is None:
        raise UserError("That button no longer works. Try the command again.")
    arguments = dict(payload["args"])
    arguments[str(payload["field"])] = answers[choice]
    return await invoke(ctx, command, arguments)
