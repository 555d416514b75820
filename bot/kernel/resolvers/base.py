"""What every resolver does. A resolver turns the text a member typed for one kind of
argument into the object the handler receives, completes a half-typed value (Discord's
autocomplete, ``Core.autocomplete``), reads the exact value a button or form carries, and
explains a miss ("did you mean ...").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.kernel.errors import UserError
from bot.kernel.messages import Choice

if TYPE_CHECKING:
    from bot.kernel.context import Ctx
    from bot.kernel.registry import Param


class Resolver:
    """The default does nothing clever: the text is the value. Subclasses override what
    their kind needs."""

    kind: str = ""
    # completes half-typed values (the Discord schema marks its options autocomplete)
    completes: bool = False
    # an unquoted name of several words arrives split between this argument and the text
    # argument after it; ``split`` finds where the name ends (see ``resolve_split``)
    splits: bool = False

    async def resolve(self, ctx: Ctx, text: str, param: Param, label: str) -> Any:
        """The object ``text`` names; a ``UserError`` that explains the miss otherwise.
        ``label`` names the argument in the member's language ("the community")."""
        return text

    async def resolve_split(
        self, ctx: Ctx, text: str, rest: str | None, rest_required: bool, param: Param, label: str
    ) -> tuple[Any, str | None]:
        """``text`` and the following text argument's ``rest``, re-split where the longest
        name that exists ends (leaving some of the rest when it is required). Only called
        when ``splits`` is set."""
        return await self.resolve(ctx, text, param, label), rest

    async def implied(self, ctx: Ctx, param: Param, label: str) -> Any:
        """The value of an argument left out but declared ``IMPLIED``."""
        raise UserError("Please give {name}.", name=label)

    async def from_value(self, ctx: Ctx, value: str, param: Param, label: str) -> Any:
        """The object a button's value or a form's context names (an id the core wrote)."""
        return await self.resolve(ctx, value, param, label)

    async def complete(self, ctx: Ctx, prefix: str) -> list[Choice]:
        return []
