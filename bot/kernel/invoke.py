"""Running a command from its arguments' text: each read by its resolver, the declared check
enforced, then the handler. The core does this for typed and platform commands; a time
question's answer does it again for the command it completes (``bot.kernel.timewords.ask``)."""

from __future__ import annotations

from typing import Any

from bot.kernel.checks import enforce
from bot.kernel.context import Ctx
from bot.kernel.convert import clean_text
from bot.kernel.errors import UserError
from bot.kernel.logcontext import log_context
from bot.kernel.registry import Command, Param


async def invoke(ctx: Ctx, command: Command, raw: dict[str, str]) -> Any:
    """Resolve the command's arguments, enforce its declared check, run it."""
    ctx.command_name = command.name
    kwargs = await resolve(ctx, command.params, raw, command.usage)
    await enforce(ctx, command.role, kwargs.values())
    with log_context(command=command.name):
        return await command.handler(ctx, **kwargs)


async def resolve(
    ctx: Ctx, params: tuple[Param, ...], raw: dict[str, str], usage: str
) -> dict[str, Any]:
    """Each parameter's text read by its resolver (a name may leave the rest of the text to
    the text parameter after it)."""
    kwargs: dict[str, Any] = {}
    resplit: dict[str, str | None] = {}
    for index, param in enumerate(params):
        # errors name the parameter as its help does, in the member's language
        label = ctx.tr(param.arg.label)
        resolver = ctx.registry.resolver(param.arg.kind)
        if param.name in resplit:  # what a name before it left of the text
            rest = resplit[param.name]
            kwargs[param.name] = rest or ("" if param.required else param.default)
            continue
        # control and format characters never reach a resolver (nor the database)
        text = None if param.name not in raw else clean_text(raw[param.name])
        if text is None or (not text.strip() and param.arg.kind != "tags"):
            if param.required:
                raise UserError(
                    "Please give {name}. Usage: `{usage}`",
                    name=label,
                    usage=ctx.tr.pgettext("command usage", usage),
                )
            if param.implied:
                kwargs[param.name] = await resolver.implied(ctx, param, label)
            else:
                kwargs[param.name] = param.default
            continue
        following = params[index + 1] if index + 1 < len(params) else None
        if resolver.splits and following is not None and following.arg.kind == "text":
            rest = raw.get(following.name)
            value, rest = await resolver.resolve_split(
                ctx, text, clean_text(rest or ""), following.required, param, label
            )
            resplit[following.name] = rest
        else:
            value = await resolver.resolve(ctx, text, param, label)
        kwargs[param.name] = value
    return kwargs
