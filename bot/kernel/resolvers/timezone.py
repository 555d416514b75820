"""A time zone, from an IANA name or a city (``bot.kernel.zones``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.kernel.convert import clean_text
from bot.kernel.errors import UserError
from bot.kernel.messages import Choice
from bot.kernel.resolvers.base import Resolver
from bot.kernel.zones import close_zones, resolve_zone, zone_choices

if TYPE_CHECKING:
    from bot.kernel.context import Ctx
    from bot.kernel.registry import Param


class TimezoneResolver(Resolver):
    kind = "timezone"
    completes = True

    async def resolve(self, ctx: Ctx, text: str, param: Param, label: str) -> str:
        name = clean_text(text)[: param.arg.max_length]
        found = resolve_zone(name)
        if found is not None:
            return found
        options = close_zones(name)
        if options:
            raise UserError(
                "I don't know the time zone “{name}”. Did you mean: {options}? Give a city or "
                "an IANA name such as America/Toronto.",
                name=name[:60],
                options=", ".join(options),
            )
        raise UserError(
            "I don't know the time zone “{name}”. Give a city (Toronto, Montréal, "
            "Vancouver...) or an IANA name such as America/Toronto.",
            name=name[:60],
        )

    async def complete(self, ctx: Ctx, prefix: str) -> list[Choice]:
        return zone_choices(prefix)
