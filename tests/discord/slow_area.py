"""A test-only command area: a command slower than Discord's 3-second deadline allows
(scaled down by the adapter's ``defer_after``), answered publicly or privately."""

from __future__ import annotations

import asyncio
from typing import Annotated

from bot.kernel.context import Ctx
from bot.kernel.messages import Message, Paragraph, Text
from bot.kernel.registry import Arg, command


@command("slow", usage="slow [public|private]")
async def slow(
    ctx: Ctx,
    visibility: Annotated[
        str, Arg("who sees it", kind="choice", choices=("public", "private"))
    ] = "private",
) -> Message:
    """Think for a while"""
    await asyncio.sleep(0.3)
    return Message(ephemeral=visibility == "private").add(Paragraph((Text("done thinking"),)))
