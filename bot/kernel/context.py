"""What a handler gets: who is asking, where, in which language, and the services it may use."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.kernel.clock import Clock
from bot.kernel.effects import QueuedEffect, Then, message_args, recipient_args
from bot.kernel.i18n import Translator, translator_for
from bot.kernel.messages import Message, Part
from bot.kernel.outbox import Outbox
from bot.kernel.settings import Settings
from bot.kernel.who import Who
from data.models import Member, Membership, Workspace

if TYPE_CHECKING:
    from bot.kernel.registry import Registry

log = logging.getLogger(__name__)


@dataclass
class Ctx:
    who: Who
    workspace: Workspace
    member: Member
    tr: Translator
    clock: Clock
    settings: Settings
    registry: Registry
    outbox: Outbox | None
    # messages the handler wants shown after its reply (e.g. a second ephemeral note)
    follow_ups: list[Message] = field(default_factory=list)
    # the command being run, once the text is parsed (for metrics and logs)
    command_name: str | None = None
    # platform calls to make once the transaction commits (posts, DMs, native events):
    # written to the ledger with the command's data (``bot.kernel.effects``)
    effects: list[QueuedEffect] = field(default_factory=list)
    # parts effects add at the end of the reply (e.g. "sent to you by direct message")
    reply_notes: list[Part] = field(default_factory=list)
    # what the member has confirmed for this run (a button saying "yes, do it anyway")
    confirmed: set[str] = field(default_factory=set)
    # the asker's current memberships the resolvers read with the community they resolved
    # (None: not a member), so the declared check need not read them again
    memberships: dict[int, Membership | None] = field(default_factory=dict)

    @property
    def language(self) -> str:
        return self.tr.language

    @property
    def timezone(self) -> str:
        return self.member.timezone or self.settings.default_timezone

    @property
    def channel_id(self) -> str | None:
        return self.who.channel_id

    async def emit(self, event: str, **values: Any) -> list[Any]:
        """Tell every area listening for ``event`` (``@listens``), in this transaction; what
        each listener returned, in order."""
        listeners = self.registry.listeners.get(event, [])
        return [await listener(self, **values) for listener in listeners]

    def translator_for(self, member: Member) -> Translator:
        """Texts for another member, in their language (for DMs and mentions)."""
        return translator_for(self.settings, member.language)

    def zone_for(self, member: Member) -> str:
        return member.timezone or self.settings.default_timezone

    def effect(
        self, handler: str, target: str, args: dict[str, Any], *, then: Then | None = None
    ) -> None:
        """Queue the effect ``handler`` (declared with ``@effect``) with JSON ``args``. It is
        written to the ledger with the command's data and runs once the transaction has
        committed (a command that fails runs none), here at once or, if this process dies
        first, in another; ``then`` is told how it went when it ran at once, to add to the
        reply. ``target`` says whom it is for ("member:<id>", "channel:<id>")."""
        self.effects.append(QueuedEffect(handler, target, args, then))

    def join_channel(self, channel_id: str) -> None:
        """Have the bot join a channel after the commit, where the platform needs it to
        receive that channel's events (Slack); other platforms have nothing to do. Joins
        go first, before the posts the command queued."""
        join = QueuedEffect("join_channel", f"channel:{channel_id}", {"channel": channel_id})
        self.effects.insert(0, join)

    async def post(
        self,
        channel_id: str,
        message: Message,
        *,
        thread: str | None = None,
        then: Then | None = None,
    ) -> None:
        """Post to a channel of this workspace after commit (``then`` gets the platform's
        reference as the result's value)."""
        args = {"channel": channel_id, "message": message_args(message), "thread": thread}
        self.effect("post", f"channel:{channel_id}", args, then=then)

    async def direct(
        self,
        member: Member,
        message: Message,
        *,
        fallback_channel: str | None = None,
        then: Then | None = None,
    ) -> None:
        """Direct-message a member after commit. One who refuses DMs gets none, or, with
        ``fallback_channel``, is mentioned there with the message (status "fallback")."""
        from bot.kernel.forms import prefill_message  # the kernel's forms need this module

        if message.form_request is not None:  # its form opens with what they already typed
            message = await prefill_message(member, message)
        args = {
            "member": recipient_args(member),
            "message": message_args(message),
            "fallback_channel": fallback_channel,
        }
        self.effect("direct", f"member:{member.id}", args, then=then)
