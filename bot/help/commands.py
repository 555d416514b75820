"""help: what the bot can do, or one command's usage with examples."""

from __future__ import annotations

from typing import Annotated

from bot.kernel.context import Ctx
from bot.kernel.messages import BulletList, Code, Heading, Message, Note, Paragraph, Text, spans
from bot.kernel.parser import UnknownCommand
from bot.kernel.registry import Arg, Command, command

TEXTS = {
    "help.help": (
        "What I can do, or how to use one command",
        "Ce que je sais faire, ou comment utiliser une commande",
    ),
    "help.title": ("What I can do", "Ce que je sais faire"),
    "help.more": (
        "Type `help <command>` for its usage and examples.",
        "Tapez `help <commande>` pour son utilisation et des exemples.",
    ),
    "help.quote": (
        'Put a name with spaces in quotes: `community edit "Online course design" #design`.',
        "Mettez un nom qui contient des espaces entre guillemets : "
        '`community edit "Online course design" #design`.',
    ),
    "help.usage": ("Usage:", "Utilisation :"),
    "help.examples": ("Examples:", "Exemples :"),
    "help.who": ("Who can use it: {role}", "Qui peut l'utiliser : {role}"),
    "role.anyone": ("anyone", "tout le monde"),
    "role.member": ("members of the community", "les membres de la communauté"),
    "role.coordinator": ("coordinators of the community", "les coordonnateurs de la communauté"),
    "role.admin": ("workspace administrators", "les administrateurs de l'espace"),
}


def command_help(ctx: Ctx, cmd: Command) -> str:
    return ctx.tr(f"help.{cmd.name}")


@command("help", usage="help [command]", examples=["help", "help share"])
async def help_command(
    ctx: Ctx,
    topic: Annotated[
        str | None, Arg("a command", "une commande", kind="text", max_length=60)
    ] = None,
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
        for cmd in matching:
            message.add(Heading(cmd.name), Paragraph(spans(command_help(ctx, cmd))))
            message.add(Paragraph(spans(ctx.tr("help.usage") + " ", Code(cmd.usage))))
            if cmd.examples:
                message.add(
                    Paragraph(spans(ctx.tr("help.examples"))),
                    BulletList(tuple(spans(Code(e)) for e in cmd.examples)),
                )
            if any(p.name == "community" or p.arg.kind == "community" for p in cmd.params):
                message.add(Note(ctx.tr.spans("help.quote")))
            message.add(Note(ctx.tr.spans("help.who", role=ctx.tr(f"role.{cmd.role}"))))
        return message
    message = Message(ephemeral=True).add(Heading(ctx.tr("help.title")))
    items = tuple(
        spans(Code(cmd.usage), Text(" — " + command_help(ctx, cmd)))
        for cmd in sorted(visible, key=lambda c: c.name)
    )
    return message.add(
        BulletList(items), Note(ctx.tr.spans("help.more")), Note(ctx.tr.spans("help.quote"))
    )
