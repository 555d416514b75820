"""Commands' effects (kind "effect", ``bot.kernel.effects``) in the delivery engine.

A command writes its posts, direct messages and platform calls as ledger rows, claimed by
this process's worker, in its own transaction; the core hands them to
``DeliveryEngine.deliver_claimed`` once committed. ``CommandEffects`` is the planner that
sends one such row, by the handler the row names, for both paths: at once after the
commit, and through the engine's usual claim when the process that wrote the rows died
before sending them (its claims are freed in seconds by ``scheduler.liveness``). Either
way the send carries the row's key, so a row sent again after a crash is checked against
the platform first.

It plans nothing: command effects are recorded by the commands themselves.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta

from bot.kernel.clock import Clock
from bot.kernel.core import Core
from bot.kernel.effects import KIND, EffectCall
from bot.kernel.registry import Registry
from bot.kernel.sending import Sender, SkipDelivery
from bot.kernel.settings import Settings
from data.models import Delivery, Workspace
from scheduler.engine import DeliveryEngine, EngineOptions
from scheduler.planning import DuePost
from scheduler.sender import OutboxSender

log = logging.getLogger(__name__)


class CommandEffects:
    kinds: tuple[str, ...] = (KIND,)

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    async def due_between(self, start: datetime, end: datetime) -> list[DuePost]:
        return []

    async def send(self, delivery: Delivery, sender: Sender) -> object:
        name = str(delivery.payload.get("effect", ""))
        handler = self.registry.effect_handlers.get(name)
        if handler is None:  # written by a version that had it: nothing here can send it
            raise SkipDelivery(f"no effect handler {name!r} in this version")
        args = delivery.payload.get("args") or {}
        assert isinstance(args, dict)
        return await handler(EffectCall(await _workspace(delivery), args, sender))


async def _workspace(delivery: Delivery) -> Workspace:
    """The row's workspace: already at hand when the command that wrote it sends it."""
    known = delivery.__dict__.get("_workspace")  # tortoise's cache of a related object
    if isinstance(known, Workspace):
        return known
    return await Workspace.get(id=delivery.workspace_id)  # type: ignore[attr-defined]


def attach_command_effects(
    core: Core,
    clock: Clock,
    settings: Settings,
    *,
    worker_id: str | None = None,
    lease: timedelta | None = None,
    record_after: timedelta | None = EngineOptions.record_after,
) -> DeliveryEngine:
    """A delivery engine that only sends commands' effects, attached to ``core``: for a
    core run without the scheduler (tests, benchmarks). ``copbot run`` attaches its
    scheduler's engine instead (``SchedulerService``). ``record_after=None``: each command
    records its effects' outcomes before its reply (what tests look at)."""
    options = EngineOptions(record_after=record_after)
    if lease is not None:
        options = replace(options, lease=lease)
    engine = DeliveryEngine(
        [CommandEffects(core.registry)],
        OutboxSender(core, clock, settings),
        clock,
        worker_id=worker_id,
        options=options,
        on_outcome=core.report_delivery,
    )
    core.attach_effect_delivery(engine)
    return engine
