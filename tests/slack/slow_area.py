"""A core area whose command and form take as long as the test wants (they wait for
``GATE``), to show that Slack gets its acknowledgement before the work is done."""

from __future__ import annotations

import asyncio

from bot.kernel.context import Ctx
from bot.kernel.messages import Form, FormField, FormRequest, Message, Paragraph, Text
from bot.kernel.registry import command, form

GATE: dict[str, asyncio.Event] = {}

SLOW_FORM = Form("slow", "Slow", (FormField("answer", "Answer"),))


@command("slow", usage="slow", examples=["slow"])
async def slow(ctx: Ctx) -> Message:
    """Takes its time"""
    await GATE["open"].wait()
    return Message(ephemeral=True).add(Paragraph((Text("done at last"),)))


@command("slowform", usage="slowform", examples=["slowform"])
async def slow_form(ctx: Ctx) -> Message:
    """Takes its time"""
    return Message(ephemeral=True).add(FormRequest(SLOW_FORM, "Open"))


@form("slow")
async def submit_slow(ctx: Ctx, values: dict[str, str]) -> Message:
    await GATE["open"].wait()
    return Message(ephemeral=True).add(Paragraph((Text("got " + values["answer"]),)))
