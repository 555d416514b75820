"""The kinds whose value is the text itself, checked: a word, free text, a link, #tags,
one of a few choices, a number. ``bot.kernel.convert`` does the checking, so text parsed
from a line and the option values Discord sends are checked the same way."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.kernel.convert import convert
from bot.kernel.resolvers.base import Resolver

if TYPE_CHECKING:
    from bot.kernel.context import Ctx
    from bot.kernel.registry import Param


class Checked(Resolver):
    def __init__(self, kind: str) -> None:
        self.kind = kind

    async def resolve(self, ctx: Ctx, text: str, param: Param, label: str) -> Any:
        return convert(param, text, label)


SIMPLE_KINDS = ("word", "text", "url", "tags", "choice", "int")
