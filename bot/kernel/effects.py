"""A command's effects (posts, direct messages, platform calls) kept in the ``Delivery``
ledger, so none is lost when the process dies between the commit and the send.

A handler queues them on its ``Ctx`` (``ctx.post``, ``ctx.direct``, ``ctx.effect``); the
core writes them with ``write`` as ledger rows of kind ``effect`` *inside* the command's
transaction, so they commit with the data that caused them and a command that fails
writes none. The rows are written already claimed by this process's delivery worker,
which sends them the moment the transaction has committed (the member's reply waits for
them as before). If the process dies first, the scheduler of a surviving or restarted
process notices the dead claimer within seconds, takes the rows over and sends them, each
with the idempotency key of its row, so a send the dead process had already made is not
made twice.

Each row names its *handler*: ``post``, ``direct`` and ``join_channel`` here, and any an
area declares with ``@effect("area.name")`` for effects that are more than one message
(a native calendar event, a greeting with its fallback). A handler gets the row's JSON
arguments and a ``Sender``, and may write what it learns (an external id) in statements
of its own: no transaction is open while it runs.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.kernel.message_json import message_from_json, message_to_json
from bot.kernel.messages import Message
from bot.kernel.sending import Sender
from data.hotpath import insert_all
from data.models import Delivery, Member, Workspace

KIND = "effect"
# what an effect's outcome says when it failed now and will be sent later (by the scheduler)
RETRY = "retry"


@dataclass(frozen=True)
class EffectResult:
    """How an effect went, for the reply of the command that queued it: ``status`` is the
    ledger's (sent, fallback, failed, skipped) or ``retry`` (failed now, sent later);
    ``value`` is what the handler returned (a posted message's reference, a prompt's
    text...)."""

    status: str
    value: Any = None

    @property
    def sent(self) -> bool:
        return self.status == "sent"


Then = Callable[[EffectResult], None]


@dataclass
class QueuedEffect:
    handler: str  # the effect handler's name
    target: str  # "channel:<id>", "member:<Member.id>", "meeting:<id>"... (forget-me uses it)
    args: dict[str, Any]  # JSON: what the handler needs, read when it runs
    then: Then | None = None  # told the outcome when sent at once (adds reply notes)


@dataclass(frozen=True)
class EffectCall:
    """What a named effect handler gets when it runs."""

    workspace: Workspace
    args: dict[str, Any]
    send: Sender


EffectHandler = Callable[[EffectCall], Awaitable[object]]
_EFFECT_META = "__copbot_effect__"


def effect(name: str) -> Callable[[EffectHandler], EffectHandler]:
    """Mark a function as the handler of the effects named ``name`` (the registry collects
    it). It may run in another process than the one that queued it, and again after a
    crash: it reads everything from its arguments or the database, never from memory."""

    def mark(handler: EffectHandler) -> EffectHandler:
        setattr(handler, _EFFECT_META, name)
        return handler

    return mark


def effect_name(handler: object) -> str | None:
    name = getattr(handler, _EFFECT_META, None)
    return name if isinstance(name, str) else None


# ---- what a direct message needs to know of its recipient, with no query ---------------


def recipient_args(member: Member) -> dict[str, Any]:
    return {
        "id": member.id,
        "external_id": member.external_id,
        "name": member.display_name,
        "language": member.language,
    }


def recipient(args: dict[str, Any]) -> Member:
    """The member a direct message goes to, as the row recorded them (not read again: a
    fan-out to thirty members costs no query per member)."""
    return Member(
        id=int(args["id"]),
        external_id=str(args["external_id"]),
        display_name=str(args.get("name") or ""),
        language=args.get("language"),
    )


def message_args(message: Message) -> dict[str, Any]:
    return message_to_json(message)


# ---- the kernel's handlers ------------------------------------------------------------


@effect("post")
async def post_effect(call: EffectCall) -> str | None:
    """A message in a channel (or a thread of it); returns the platform's reference."""
    message = message_from_json(call.args["message"])
    return await call.send.to_channel(
        call.workspace, str(call.args["channel"]), message, thread=call.args.get("thread")
    )


@effect("direct")
async def direct_effect(call: EffectCall) -> str:
    """A direct message; "direct", "fallback" (mentioned in ``fallback_channel``) or
    "failed" (refused, and no fallback)."""
    message = message_from_json(call.args["message"])
    return await call.send.to_member(
        call.workspace,
        recipient(call.args["member"]),
        message,
        fallback_channel=call.args.get("fallback_channel"),
    )


@effect("join_channel")
async def join_channel_effect(call: EffectCall) -> None:
    """The bot joins a channel where the platform needs it to receive its events (Slack)."""
    joiner: Callable[[str, str], Awaitable[object]] | None = getattr(
        call.send.outbox_for(call.workspace), "join_channel", None
    )
    if joiner is not None:
        await joiner(call.workspace.external_id, str(call.args["channel"]))


def kernel_effect_handlers() -> dict[str, EffectHandler]:
    handlers = (post_effect, direct_effect, join_channel_effect)
    return {str(effect_name(handler)): handler for handler in handlers}


# ---- writing the rows ------------------------------------------------------------------


class EffectDelivery(Protocol):
    """The process's delivery worker (the scheduler's engine), which the core hands a
    command's rows to once they are committed."""

    worker_id: str
    # a graceful stop is under way: it claims nothing more, so new rows are left pending
    stopping: bool

    @property
    def lease(self) -> timedelta: ...

    async def hold(self) -> None:
        """Be seen alive before rows are claimed in its name (``scheduler.liveness``)."""
        ...

    async def deliver_claimed(self, rows: Sequence[Delivery]) -> list[EffectResult]:
        """Send rows this worker claimed, in order; one outcome per row."""
        ...

    @property
    def in_background(self) -> bool:
        """Whether ``deliver_soon`` may be used (else the reply waits for the sends)."""
        ...

    def deliver_soon(self, rows: Sequence[Delivery]) -> None:
        """Send rows this worker claimed, in order, while the command replies."""
        ...


async def write(
    queued: Sequence[QueuedEffect],
    workspace: Workspace,
    now: datetime,
    worker: EffectDelivery | None,
) -> list[Delivery]:
    """The command's effects as ledger rows, in the order queued: one INSERT however many
    there are (their ids come back with it), inside the command's transaction.

    With a worker they are written claimed by it, so no other process sends them while it
    does; if it dies, ``scheduler.liveness`` frees them within seconds. Without one (a
    process with no scheduler) they are written pending, for whichever scheduler runs."""
    if not queued:
        return []
    if worker is not None and worker.stopping:
        worker = None  # stopping: whoever claims next (another process, or after restart)
    if worker is not None:
        await worker.hold()
    rows = [
        Delivery(
            workspace=workspace,
            kind=KIND,
            target=item.target[:128],
            # a fresh token per effect: unique, and never the same in another transaction
            subject=f"{item.handler}:{secrets.token_hex(8)}",
            due_at=now,
            status="claimed" if worker is not None else "pending",
            claimed_by=worker.worker_id if worker is not None else None,
            lease_until=now + worker.lease if worker is not None else None,
            attempts=1 if worker is not None else 0,
            payload={"effect": item.handler, "args": item.args},
        )
        for item in queued
    ]
    await insert_all(rows, key="subject")  # one statement; ids set from RETURNING
    return rows
