"""A language, one of those the settings offer (``LANGUAGES``): a code (``fr``) or a
platform locale (``fr-CA``). Offering a new one is listing it and adding its catalog."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.kernel.convert import clean_text
from bot.kernel.errors import UserError
from bot.kernel.i18n import language_name, offered_language
from bot.kernel.messages import Choice
from bot.kernel.resolvers.base import Resolver

if TYPE_CHECKING:
    from bot.kernel.context import Ctx
    from bot.kernel.registry import Param


class LanguageResolver(Resolver):
    kind = "language"
    completes = True

    async def resolve(self, ctx: Ctx, text: str, param: Param, label: str) -> str:
        code = clean_text(text).strip()[:40]
        offered = offered_language(ctx.settings, code)
        if offered is None:
            raise UserError(
                "“{value}” is not one of: {choices}.",
                value=code,
                choices=", ".join(ctx.settings.language_codes),
            )
        return offered

    async def complete(self, ctx: Ctx, prefix: str) -> list[Choice]:
        start = prefix.strip().lower()
        return [
            Choice(f"{code} — {language_name(code, ctx.tr)}", code)
            for code in ctx.settings.language_codes
            if code.lower().startswith(start)
        ]
