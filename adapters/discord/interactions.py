"""Inbound: Discord interactions and events turned into core calls, answers rendered back.

One ``on_interaction`` handler does all the routing by custom id and command path, with no
per-message state in discord.py's view store, so buttons, selects and form buttons keep
working after a restart. Slow work is deferred before Discord's 3-second deadline.

A press in a direct message comes without a server: the components the bot sends by DM
carry their server in their custom id, and the member's membership of it is checked with
Discord before the press is acted on (a forged interaction may name any server).
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable
from typing import Any

import discord
from discord import app_commands

from adapters.discord.ids import Decoded, Overflow, decode
from adapters.discord.outbox import DiscordOutbox
from adapters.discord.render import (
    Forms,
    build_modal,
    next_page_label,
    render,
    submitted_values,
)
from adapters.discord.schema import USER, CommandSchema, Route
from bot.kernel.core import Core
from bot.kernel.errors import DirectMessagesBlocked
from bot.kernel.i18n import N_
from bot.kernel.identity import language_from_locale
from bot.kernel.messages import Form, FormRequest, Message
from bot.kernel.who import Who

log = logging.getLogger(__name__)

# Discord wants an answer within 3 s of the event; past this much work we defer first
DEFER_AFTER = 2.0
EMPTY_REPLY = "✅"
SERVER_ONLY = N_("copbot works inside a server: use its commands in one of the server's channels.")
NOT_A_MEMBER = N_("This button belongs to a server you are not a member of.")


def who_for(interaction: discord.Interaction[Any]) -> Who | None:
    if interaction.guild_id is None:
        return None
    user = interaction.user
    permissions = interaction.permissions
    guild = interaction.guild
    # a thread belongs to its channel: a command in a meeting's thread is about the
    # channel's community, and a thread is never made a community's home
    channel = interaction.channel
    channel_id = channel.parent_id if isinstance(channel, discord.Thread) else None
    channel_id = channel_id or interaction.channel_id
    return Who(
        platform="discord",
        workspace_id=str(interaction.guild_id),
        user_id=str(user.id),
        user_name=user.display_name,
        channel_id=str(channel_id) if channel_id else None,
        workspace_name=(guild.name if guild is not None and guild.name else ""),
        locale=interaction.locale.value,
        is_admin=permissions.manage_guild or permissions.administrator,
        is_bot=user.bot,
        event_id=f"interaction:{interaction.id}",
    )


_COMPONENT_KINDS = (discord.InteractionType.component, discord.InteractionType.modal_submit)


def command_path(data: dict[str, Any]) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    """("community", "create") and the leaf's options, from an interaction's data."""
    path = [data["name"]]
    options = list(data.get("options") or [])
    while options and options[0].get("type") in (1, 2):
        path.append(options[0]["name"])
        options = list(options[0].get("options") or [])
    return tuple(path), options


def raw_options(route: Route, options: list[dict[str, Any]]) -> dict[str, str]:
    """Option values as the raw text the core converts (a user option as a mention)."""
    raw = dict(route.fixed)
    for option in options:
        if route.param(option["name"]) is None:
            continue
        value = option.get("value")
        if value is None:
            continue
        raw[option["name"]] = f"<@{value}>" if option.get("type") == USER else str(value)
    return raw


class InteractionHandler:
    def __init__(
        self,
        core: Core,
        schema: CommandSchema,
        outbox: DiscordOutbox,
        overflow: Overflow,
        forms: Forms,
        *,
        defer_after: float = DEFER_AFTER,
    ) -> None:
        self.core = core
        self.schema = schema
        self.outbox = outbox
        self.overflow = overflow
        self.forms = forms
        self.defer_after = defer_after
        self._seen: OrderedDict[int, None] = OrderedDict()

    def _first_time(self, interaction_id: int) -> bool:
        """A replayed event (a gateway RESUME after a blip) must not act twice."""
        if interaction_id in self._seen:
            return False
        self._seen[interaction_id] = None
        while len(self._seen) > 10_000:
            self._seen.popitem(last=False)
        return True

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        if not self._first_time(interaction.id):
            log.info("interaction %s seen before: ignored", interaction.id)
            return
        try:
            await self._route(interaction)
        except Exception:
            log.exception("interaction %s (%s) failed", interaction.id, interaction.type)

    async def _route(self, interaction: discord.Interaction[Any]) -> None:
        who = who_for(interaction)
        kind = interaction.type
        data: dict[str, Any] = dict(interaction.data or {})
        # before a member is known: the language their Discord client shows
        tr = self.core.translator(
            language_from_locale(interaction.locale.value, self.core.settings)
        )
        # in a DM, components the bot sent carry their server (None: the guild's own)
        guild: str | None = None
        if who is None and kind in _COMPONENT_KINDS:
            decoded = decode(str(data.get("custom_id", "")), self.overflow)
            guild = decoded.guild if decoded is not None else None
            if guild is not None:
                who = await self._who_in_direct(interaction, guild)
                if who is None:
                    log.warning(
                        "user %s pressed a DM component of guild %s without being a member",
                        interaction.user.id,
                        guild,
                    )
                    await interaction.response.send_message(tr(NOT_A_MEMBER), ephemeral=True)
                    return
        if who is None:
            if kind is not discord.InteractionType.autocomplete:
                await interaction.response.send_message(tr(SERVER_ONLY), ephemeral=True)
            return
        if kind is discord.InteractionType.application_command:
            await self._command(interaction, who, data)
        elif kind is discord.InteractionType.autocomplete:
            await self._autocomplete(interaction, who, data)
        elif kind is discord.InteractionType.component:
            await self._component(interaction, who, data, guild)
        elif kind is discord.InteractionType.modal_submit:
            await self._modal(interaction, who, data, guild)

    async def _who_in_direct(self, interaction: discord.Interaction[Any], guild: str) -> Who | None:
        """Who pressed a component of a direct message about ``guild``: None unless they
        are a member of that server. Never an admin: their server permissions are not
        known here (coordinators are recognised by their membership role anyway)."""
        user = interaction.user
        name = await self.outbox.member_name(int(guild), user.id)
        if name is None:
            return None
        cached = self.outbox.client.get_guild(int(guild))
        return Who(
            platform="discord",
            workspace_id=guild,
            user_id=str(user.id),
            user_name=name or user.display_name,
            channel_id=None,
            workspace_name=(cached.name if cached is not None and cached.name else ""),
            locale=interaction.locale.value,
            is_admin=False,
            is_bot=user.bot,
            event_id=f"interaction:{interaction.id}",
        )

    async def _command(
        self, interaction: discord.Interaction[Any], who: Who, data: dict[str, Any]
    ) -> None:
        path, options = command_path(data)
        route = self.schema.routes.get(path)
        if route is None:  # Discord still shows a command we no longer have
            await self._answer(interaction, self.core.press(who, "", ""))
            return
        raw = raw_options(route, options)
        await self._answer(interaction, self.core.handle(who, route.command.name, raw))

    async def _autocomplete(
        self, interaction: discord.Interaction[Any], who: Who, data: dict[str, Any]
    ) -> None:
        path, options = command_path(data)
        route = self.schema.routes.get(path)
        focused = next((o for o in options if o.get("focused")), None)
        param = route.param(focused["name"]) if route and focused else None
        choices = []
        if param is not None and focused is not None:
            found = await self.core.autocomplete(who, param.arg.kind, str(focused.get("value", "")))
            choices = [
                app_commands.Choice(name=c.label[:100] or c.value[:100], value=c.value[:100])
                for c in found[:25]
            ]
        await interaction.response.autocomplete(choices)

    async def _component(
        self,
        interaction: discord.Interaction[Any],
        who: Who,
        data: dict[str, Any],
        guild: str | None = None,
    ) -> None:
        decoded = decode(str(data.get("custom_id", "")), self.overflow)
        if decoded is None:
            await self._answer(interaction, self.core.press(who, "", ""), guild=guild)
        elif decoded.kind == "press":
            press = self.core.press(who, decoded.name, decoded.value)
            await self._answer(interaction, press, guild=guild)
        elif decoded.kind == "select":
            picked = (data.get("values") or [""])[0]
            press = self.core.press(who, decoded.name, str(picked))
            await self._answer(interaction, press, guild=guild)
        elif decoded.kind == "open_form":
            form = self._kept_form(decoded) or await self._form_again(who, decoded.name)
            if form is None:
                await self._answer(interaction, self.core.press(who, "", ""), guild=guild)
            else:
                form = await self.core.prefill(who, form)  # what the member typed is kept
                modal = build_modal(form, self.overflow, self.forms, guild=guild)
                await interaction.response.send_modal(modal)

    def _kept_form(self, decoded: Decoded) -> Form | None:
        form = self.forms.get(decoded.value)
        return form if form is not None and form.form_id == decoded.name else None

    async def _form_again(self, who: Who, form_id: str) -> Form | None:
        """After a restart the form behind a button is forgotten; a form whose id names a
        command (``intro``) is asked of that command again."""
        if form_id not in self.core.registry.commands:
            return None
        reply = await self.core.handle(who, form_id, {})
        request = reply.form_request
        return request.form if request is not None and request.form.form_id == form_id else None

    async def _modal(
        self,
        interaction: discord.Interaction[Any],
        who: Who,
        data: dict[str, Any],
        guild: str | None = None,
    ) -> None:
        decoded = decode(str(data.get("custom_id", "")), self.overflow)
        if decoded is None or decoded.kind not in ("modal", "modal_next"):
            await self._answer(interaction, self.core.press(who, "", ""), guild=guild)
            return
        values = submitted_values(list(data.get("components") or []))
        rest = self._kept_form(decoded) if decoded.kind == "modal_next" else None
        context = decoded.value if decoded.kind == "modal" else (rest.context if rest else "")

        async def submit() -> Message:
            reply = await self.core.submit_form(who, decoded.name, values, context)
            if rest is not None and not reply.is_error and not reply.field_errors:
                reply.add(FormRequest(rest, next_page_label(rest)))
            return reply

        await self._answer(interaction, submit(), can_open_form=False, guild=guild)

    async def _answer(
        self,
        interaction: discord.Interaction[Any],
        work: Awaitable[Message],
        *,
        can_open_form: bool = True,
        guild: str | None = None,
    ) -> None:
        """``guild``: set when answering in a direct message, the server it is about
        (its buttons and forms carry it)."""
        task = asyncio.ensure_future(work)
        done, _ = await asyncio.wait({task}, timeout=self.defer_after)
        if not done:
            await interaction.response.defer(ephemeral=True, thinking=True)
            await self._follow_up(interaction, await task, guild)
            return
        message = task.result()
        rendered = render(message, self.overflow, self.forms, guild)
        if rendered.form is not None and can_open_form:
            await interaction.response.send_modal(
                build_modal(rendered.form, self.overflow, self.forms, guild=guild)
            )
            return
        kwargs = rendered.kwargs()
        if not kwargs.get("content") and not kwargs["embeds"] and "view" not in kwargs:
            kwargs["content"] = EMPTY_REPLY
        await interaction.response.send_message(ephemeral=message.ephemeral, **kwargs)

    async def _follow_up(
        self, interaction: discord.Interaction[Any], message: Message, guild: str | None
    ) -> None:
        """The answer after a deferral. The deferral was private; a public answer replaces
        it with a new message (a deferred answer keeps its visibility)."""
        kwargs = render(message, self.overflow, self.forms, guild).kwargs()
        if not kwargs.get("content") and not kwargs["embeds"] and "view" not in kwargs:
            kwargs["content"] = EMPTY_REPLY
        if message.ephemeral:
            await interaction.followup.send(ephemeral=True, **kwargs)
            return
        await interaction.delete_original_response()
        await interaction.followup.send(**kwargs)

    async def on_member_join(self, member: discord.Member) -> None:
        """A person joined the server: the core's newcomer flow (its greeting goes by DM)."""
        if member.bot:
            return
        who = Who(
            platform="discord",
            workspace_id=str(member.guild.id),
            user_id=str(member.id),
            user_name=member.display_name,
            workspace_name=member.guild.name or "",
            is_admin=member.guild_permissions.manage_guild,
            event_id=f"member_join:{member.guild.id}:{member.id}",
        )
        try:
            reply = await self.core.event(who, "member_joined_workspace")
            if reply is not None and reply.parts:
                await self.outbox.direct(who.workspace_id, who.user_id, reply)
        except DirectMessagesBlocked:
            log.info("new member %s does not accept direct messages", member.id)
        except Exception:
            log.exception("member join in guild %s failed", member.guild.id)
