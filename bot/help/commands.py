"""help: what the bot can do, or one command's usage with examples."""

from __future__ import annotations

from typing import Annotated

from bot.kernel.context import Ctx
from bot.kernel.i18n import N_
from bot.kernel.messages import BulletList, Code, Heading, Message, Note, Paragraph, Text, spans
from bot.kernel.parser import UnknownCommand
from bot.kernel.registry import Arg, Command, command
from bot.kernel.timewords.forms import READS_TIME, forms

# who may run a command, as help says it
ROLE_NAMES = {
    "anyone": N_("anyone"),
    "member": N_("members of the community"),
    "coordinator": N_("coordinators of the community"),
    "admin": N_("workspace administrators"),
}
# usage lines and examples are catalog entries too: the command words stay English (they
# are what members type), the placeholders and sample values are the reader's
USAGE_CONTEXT = "command usage"
EXAMPLE_CONTEXT = "command example"


def command_help(ctx: Ctx, cmd: Command) -> str:
    """The docstring's first line is the English help; other languages read the catalog."""
    return ctx.tr(cmd.help_en)


def command_usage(ctx: Ctx, cmd: Command) -> str:
    return ctx.tr.pgettext(USAGE_CONTEXT, cmd.usage)


def command_examples(ctx: Ctx, cmd: Command) -> list[str]:
    return [ctx.tr.pgettext(EXAMPLE_CONTEXT, example) for example in cmd.examples]


@command("help", usage="help [command]", examples=["help", "help share"])
async def help_command(
    ctx: Ctx,
    topic: Annotated[str | None, Arg(N_("a command"), kind="text", max_length=60)] = None,
) -> Message:
    """What I can do, or how to use one command"""
    visible = [c for c in ctx.registry.commands.values() if not c.hidden]
    if topic:
        words = topic.lower().lstrip("/").split()
        found = ctx.registry.find(words)
        matching = [c for c in visible if c.words[: len(words)] == tuple(words)]
        if found is not None and found[1] == len(words):
            matching = [found[0]]
        if not matching:
            raise UnknownCommand(topic)
        message = Message(ephemeral=True)
        reads_time = False
        for cmd in matching:
            reads_time = reads_time or cmd.name in READS_TIME
            message.add(Heading(cmd.name), Paragraph(spans(command_help(ctx, cmd))))
            message.add(Paragraph(spans(ctx.tr("Usage:") + " ", Code(command_usage(ctx, cmd)))))
            if cmd.examples:
                message.add(
                    Paragraph(spans(ctx.tr("Examples:"))),
                    BulletList(tuple(spans(Code(e)) for e in command_examples(ctx, cmd))),
                )
            for param in cmd.params:
                if param.arg.kind == "choice" and len(param.arg.choices) > 3:
                    # the member's words for each choice ("balado" for podcast in French)
                    said = ", ".join(ctx.tr(c) for c in param.arg.choices)
                    what = ctx.tr(param.arg.label)
                    message.add(
                        Paragraph(
                            ctx.tr.spans("Choices for {what}: {choices}.", what=what, choices=said)
                        )
                    )
            if any(p.name == "community" or p.arg.kind == "community" for p in cmd.params):
                message.add(
                    Note(
                        ctx.tr.spans(
                            'Put a name with spaces in quotes: `community edit "Online '
                            'course design" #design`.'
                        )
                    )
                )
            message.add(
                Note(ctx.tr.spans("Who can use it: {role}", role=ctx.tr(ROLE_NAMES[cmd.role])))
            )
        if reads_time:
            # the forms of time in the reader's language (either language is always read)
            message.add(
                Paragraph(spans(ctx.tr(N_("Times you can type (in English or in French):")))),
                BulletList(tuple(spans(Code(form)) for form in forms(ctx.tr))),
            )
        return message
    message = Message(ephemeral=True).add(Heading(ctx.tr("What I can do")))
    items = tuple(
        spans(Code(command_usage(ctx, cmd)), Text(" — " + command_help(ctx, cmd)))
        for cmd in sorted(visible, key=lambda c: c.name)
    )
    return message.add(
        BulletList(items),
        Note(ctx.tr.spans("Type `help <command>` for its usage and examples.")),
        Note(
            ctx.tr.spans(
                'Put a name with spaces in quotes: `community edit "Online course design" #design`.'
            )
        ),
    )
