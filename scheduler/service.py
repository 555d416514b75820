"""The scheduler service the composition root starts.

It owns one ``DeliveryEngine`` and an APScheduler 3.11 ``AsyncIOScheduler`` with the
default memory job store. APScheduler remembers nothing and decides nothing: it only
wakes this process at the next due time (read from the ledger) and on a periodic
re-plan tick. The database is the only record, so any number of processes may run this.

It is also the process's sender of commands' effects (``scheduler.effects``): the core hands
it a command's committed posts and DMs to send at once. It also wakes soon after every
command a member runs (through ``core.observers``): a
meeting scheduled for five minutes from now gets its announcement now, not at the next
periodic tick.

Every few seconds it asks whether a process holding claims has died
(``scheduler.liveness``) and, if so, takes its posts over at once. ``stop`` is graceful:
it claims nothing more, lets the sends under way finish (within ``grace``), releases what
it claimed but did not send, and lets go of its liveness lock.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.kernel.clock import Clock
from bot.kernel.core import Core
from bot.kernel.settings import Settings
from scheduler.effects import CommandEffects
from scheduler.engine import DeliveryEngine, EngineOptions, RunReport
from scheduler.planners import build_planners
from scheduler.planning import Planner
from scheduler.sender import OutboxSender

log = logging.getLogger(__name__)

REPLAN_EVERY = timedelta(seconds=60)
# how often a process looks for dead processes' claims: with a tick's own time, a crashed
# process's posts are taken over within about this (the issue asks for ~15 s)
WATCH_EVERY = timedelta(seconds=3)
# how long a graceful stop lets the sends under way finish (under Docker's 10 s default)
STOP_GRACE = timedelta(seconds=8)
AFTER_COMMAND = timedelta(seconds=1)
MIN_WAIT = timedelta(milliseconds=500)


class _CommandWake:
    """A core observer: after a command, plan again soon (it may have made something due)."""

    def __init__(self, service: SchedulerService) -> None:
        self.service = service

    def command_handled(self, name: str, outcome: str, seconds: float) -> None:
        if outcome == "ok":
            self.service.wake_in(AFTER_COMMAND)


class SchedulerService:
    def __init__(
        self,
        core: Core,
        settings: Settings,
        clock: Clock,
        *,
        planners: list[Planner] | None = None,
        options: EngineOptions | None = None,
        worker_id: str | None = None,
        replan_every: timedelta = REPLAN_EVERY,
        watch_every: timedelta = WATCH_EVERY,
        grace: timedelta = STOP_GRACE,
    ) -> None:
        self.core = core
        self.settings = settings
        self.clock = clock
        self.sender = OutboxSender(core, clock, settings)
        scheduled = planners if planners is not None else build_planners(settings)
        self.engine = DeliveryEngine(
            # commands' effects too: this engine sends them at once after each command,
            # and takes over those a dead process left
            [*scheduled, CommandEffects(core.registry)],
            self.sender,
            clock,
            worker_id=worker_id,
            options=options,
            on_outcome=core.report_delivery,
        )
        core.attach_effect_delivery(self.engine)
        self.replan_every = replan_every
        self.watch_every = watch_every
        self.grace = grace
        self._ticking: asyncio.Task[Any] | None = None
        self._timer: AsyncIOScheduler | None = None
        self._observer = _CommandWake(self)
        self._lock = asyncio.Lock()
        self._again = False
        self._wake_at: datetime | None = None  # real (wall) time of the pending wake-up
        self._stopped = False

    async def start(self) -> None:
        """Begin waking up for due posts; outboxes are read from ``core.outboxes``."""
        self._timer = AsyncIOScheduler(timezone=UTC)
        self._timer.add_job(
            self._wake,
            IntervalTrigger(seconds=self.replan_every.total_seconds(), timezone=UTC),
            id="replan",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
        self._timer.add_job(
            self._watch,
            IntervalTrigger(seconds=self.watch_every.total_seconds(), timezone=UTC),
            id="watch",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
        self._timer.start()
        self.core.observers.append(self._observer)
        self.wake_in(timedelta(0))  # catch up on what was missed while down, at once
        log.info("scheduler started as %s", self.engine.worker_id)

    async def stop(self) -> None:
        """Stop gracefully: claim nothing more, let the sends under way finish (within
        ``grace``) and record them, release the rest of this process's claims, and let go
        of the liveness lock, so another process takes over at once."""
        self._stopped = True
        self.engine.stopping = True
        if self._observer in self.core.observers:
            self.core.observers.remove(self._observer)
        # APScheduler's shutdown cancels the job tasks still running, so first let a
        # wake-up just handed to the loop start (it sees ``_stopped`` and returns) and a
        # running tick finish its sends
        for _ in range(3):
            await asyncio.sleep(0)
        try:
            await asyncio.wait_for(self._lock.acquire(), self.grace.total_seconds())
        except TimeoutError:
            log.warning("sends still under way after %ss: stopping them", self.grace)
            if self._ticking is not None:
                self._ticking.cancel()
            await self._lock.acquire()
        try:
            if self._timer is not None:
                self._timer.shutdown(wait=False)
                self._timer = None
            await self.engine.release()
        finally:
            self._lock.release()

    def wake_in(self, delay: timedelta) -> None:
        """Have the timer run a tick after ``delay`` (unless one is due sooner)."""
        if self._timer is None:
            return
        # APScheduler runs on wall time; ``delay`` is measured on the injected clock
        real_now = datetime.now(UTC)
        when = real_now + max(delay, timedelta(0))
        if self._wake_at is not None and real_now < self._wake_at <= when:
            return  # a sooner wake-up is already set
        self._wake_at = when
        self._timer.add_job(
            self._wake,
            DateTrigger(run_date=when, timezone=UTC),
            id="wake",
            replace_existing=True,
            misfire_grace_time=None,
            coalesce=True,
        )

    async def _watch(self) -> None:
        """Take over the claims of processes that died; send them if any."""
        if self._stopped or self._lock.locked():
            return  # a tick under way takes them over itself
        try:
            if await self.engine.take_over():
                self.wake_in(timedelta(0))
        except Exception:
            log.exception("looking for stopped processes failed; trying again shortly")

    async def _wake(self) -> None:
        if self._stopped:
            return
        try:
            await self.tick()
        except Exception:
            log.exception("scheduler tick failed; the next one will try again")

    async def tick(self) -> RunReport:
        """Plan, reap and send what is due now; then set the timer for the next due post.
        Ticks never overlap in one process: a wake-up during a tick runs one more after."""
        if self._lock.locked():
            self._again = True
            return RunReport()
        total = RunReport()
        async with self._lock:
            self._ticking = asyncio.current_task()
            while True:
                self._again = False
                report = await self.engine.tick()
                total.add(report)
                total.planned += report.planned
                total.recorded += report.recorded
                total.reaped += report.reaped
                if not self._again:
                    break
            # inside the lock, so ``stop`` waits for this too
            self._wake_at = None
            following = await self.engine.next_wake()
            if following is not None:
                # at least a moment: rows another process holds must not make us spin
                self.wake_in(max(following - self.clock.now(), MIN_WAIT))
            self._ticking = None
        return total
