"""The delivery engine: plan, claim, send, record; exactly once.

``tick()`` is the whole job, and it only reads the injected clock, so tests run weeks of
schedule in seconds by moving a ``ManualClock`` and calling it:

1. ask every planner for the posts due in a short window around now and record the new
   ones in the ledger (a post already useless, missed while the bot was down, is
   recorded as skipped and logged);
2. re-queue rows claimed by a process that died (``scheduler.liveness`` notices in
   seconds) or whose lease expired (a process alive but stuck);
3. claim due rows in batches and send each through its planner; a post that became
   useless meanwhile is skipped, one sent after its due time is marked late, a failure is
   retried after a back-off and given up after a few attempts.

Only the window is ever in memory, so 100,000 future occurrences cost a few queries.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.kernel.clock import Clock
from bot.kernel.effects import EffectResult
from bot.kernel.logcontext import log_context
from data.models import Delivery
from scheduler import ledger
from scheduler.liveness import Liveness, liveness_for, new_worker_id
from scheduler.planning import Planner, SkipDelivery
from scheduler.sender import OutboxSender

log = logging.getLogger(__name__)


def default_worker_id() -> str:
    return new_worker_id()


@dataclass(frozen=True)
class EngineOptions:
    lease: timedelta = timedelta(minutes=2)
    # how far ahead each tick plans; the wake-up timer covers the rest
    horizon: timedelta = timedelta(hours=1)
    # how far back the first tick after start-up looks for posts missed while down
    catch_up: timedelta = timedelta(days=8)
    # how far back later ticks look (a meeting moved or an RSVP made can make a post due now)
    lookback: timedelta = timedelta(days=1)
    batch: int = 100
    concurrency: int = 8
    late_after: timedelta = timedelta(minutes=1)
    max_attempts: int = 5
    # how long the outcomes of commands' effects wait to be recorded together (None: each
    # command records its own before its reply). See ``_LaterRecords``.
    record_after: timedelta | None = timedelta(milliseconds=50)


@dataclass
class RunReport:
    claimed: int = 0
    sent: int = 0
    late: int = 0
    skipped: int = 0
    fallback: int = 0
    failed: int = 0
    retried: int = 0
    planned: int = 0
    recorded: int = 0
    reaped: int = 0
    lateness: list[float] = field(default_factory=list)  # seconds after due, per post sent

    def add(self, other: RunReport) -> None:
        for name in ("claimed", "sent", "late", "skipped", "fallback", "failed", "retried"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.lateness += other.lateness


RETRY = "retry"  # an attempt that failed: pending again after a back-off, or given up


@dataclass
class _Attempt:
    """One send of a claimed row, before it is recorded."""

    delivery: Delivery
    status: str  # sent | fallback | failed | skipped | retry
    at: datetime
    late: bool = False
    detail: str = ""
    value: object = None  # what the planner's send returned (a command effect's result)
    sent: bool = False  # the send went through (``at`` is when)

    @property
    def sent_at(self) -> datetime | None:
        return self.at if self.sent else None

    @property
    def outcome(self) -> ledger.Outcome:
        return ledger.Outcome(self.delivery, self.status, self.at, self.late, self.detail)


class _GroupFinish:
    """Records outcomes with group commit: the outcomes of sends that ended while an
    earlier write was under way are written together, in one transaction, by whichever
    of them gets the turn next. No outcome waits for sends still running, so a process
    stopped between a send and its record leaves no more rows to re-send than before;
    it just spends one commit per group instead of one per post."""

    def __init__(self, worker: str) -> None:
        self.worker = worker
        self.waiting: list[tuple[ledger.Outcome, asyncio.Future[bool]]] = []
        self.turn = asyncio.Lock()

    async def finish(self, outcome: ledger.Outcome) -> bool:
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.waiting.append((outcome, future))
        async with self.turn:
            if not future.done():  # no earlier group took ours: write every waiting one
                group, self.waiting = self.waiting, []
                try:
                    results = await ledger.finish_many([o for o, _ in group], self.worker)
                except Exception as error:
                    for _, waiter in group:
                        waiter.set_exception(error)
                except BaseException:  # cancelled: the others are written by the next turn
                    self.waiting[:0] = [item for item in group if item[1] is not future]
                    raise
                else:
                    for (_, waiter), result in zip(group, results, strict=True):
                        waiter.set_result(result)
        return await future


# how long a graceful stop waits for commands' effects still being sent
SETTLE_WITHIN = 5.0


class _LaterRecords:
    """Outcomes of commands' effects, recorded a moment later, many in one statement.

    Recording an outcome is a write of its own after the send (the command's transaction
    has committed by then), so on SQLite every command that posts would pay a second
    commit and its disk flush. Waiting ``delay`` lets the outcomes of the commands of that
    moment share one. Nothing is lost meanwhile: the rows stay claimed by this live
    worker; if the process dies first they are taken over and re-sent with ``again``, so
    the platform is asked (Slack history, Discord nonce) before anything is posted twice.
    A graceful stop records them before releasing anything (``flush``)."""

    def __init__(self, worker: str, delay: timedelta) -> None:
        self.worker = worker
        self.delay = delay.total_seconds()
        self.waiting: list[ledger.Outcome] = []
        self.writing: asyncio.Task[None] | None = None
        self.hurry = asyncio.Event()  # set by ``flush``: write without waiting

    def add(self, outcomes: Sequence[ledger.Outcome]) -> None:
        self.waiting += outcomes
        if self.writing is None or self.writing.done():
            self.writing = asyncio.create_task(self._write_soon())

    async def _write_soon(self) -> None:
        while self.waiting:  # what arrives during a write waits for the next group
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.hurry.wait(), self.delay)
            await self._write()

    async def _write(self) -> None:
        group, self.waiting = self.waiting, []
        if not group:
            return
        try:
            await ledger.finish_many(group, self.worker)
        except Exception:  # the rows stay claimed: re-sent after a check, never lost
            log.exception("recording %s command effects failed", len(group))

    async def flush(self) -> None:
        """Record every outcome now (a graceful stop; a test or bench that counts)."""
        self.hurry.set()
        try:
            if self.writing is not None:
                await self.writing
            while self.waiting:
                await self._write()
        finally:
            self.hurry.clear()


class DeliveryEngine:
    def __init__(
        self,
        planners: Sequence[Planner],
        sender: OutboxSender,
        clock: Clock,
        *,
        worker_id: str | None = None,
        options: EngineOptions | None = None,
        on_outcome: Callable[[str, str], None] | None = None,
        liveness: Liveness | None = None,
    ) -> None:
        self.planners = list(planners)
        # told (kind, outcome) for every delivery handled: the metrics hook
        self.on_outcome = on_outcome
        self.by_kind: dict[str, Planner] = {}
        for planner in self.planners:
            for kind in planner.kinds:
                if kind in self.by_kind:
                    raise ValueError(f"two planners send {kind!r}")
                self.by_kind[kind] = planner
        self.sender = sender
        self.clock = clock
        self.worker_id = worker_id or default_worker_id()
        self.options = options or EngineOptions()
        self.planned_once = False
        self.finisher = _GroupFinish(self.worker_id)
        delay = self.options.record_after
        self.later = _LaterRecords(self.worker_id, delay) if delay is not None else None
        self._liveness = liveness
        # set by a graceful stop: claim nothing more, release what is claimed but unsent
        self.stopping = False
        # commands' effects being sent after their replies (``deliver_soon``)
        self.sending: set[asyncio.Task[None]] = set()

    @property
    def liveness(self) -> Liveness:
        """Chosen on first use, once the database is open (it depends on the dialect)."""
        if self._liveness is None:
            self._liveness = liveness_for(self.worker_id)
        return self._liveness

    @property
    def kinds(self) -> list[str]:
        return sorted(self.by_kind)

    # ---- planning ---------------------------------------------------------------------

    async def plan(self, start: datetime, end: datetime) -> ledger.RecordReport:
        """Record every planner's posts due in [start, end)."""
        now = self.clock.now()
        total = ledger.RecordReport()
        for planner in self.planners:
            try:
                posts = await planner.due_between(start, end)
            except Exception:
                # one broken planner must not stop the others' reminders
                log.exception("planner %s failed for %s..%s", type(planner).__name__, start, end)
                continue
            report = await ledger.record(posts, now, start, end)
            total.planned += report.planned
            total.inserted += report.inserted
            total.stale += report.stale
        return total

    # ---- sending ----------------------------------------------------------------------

    async def run_due(self, now: datetime | None = None) -> RunReport:
        """Claim and send everything due (at ``now``, default the clock's), batch by batch."""
        report = RunReport()
        while not self.stopping:
            # seen alive before claiming: others must not take what we are about to send
            await self.liveness.hold()
            at = now or self.clock.now()
            batch = await ledger.claim_due(
                at,
                self.worker_id,
                self.options.lease,
                self.options.batch,
                self.kinds,
                self.sender.platforms(),
            )
            if not batch:
                return report
            report.claimed += len(batch)
            limit = asyncio.Semaphore(self.options.concurrency)
            # one channel's (or member's) posts go out one after another, in the order they
            # were due (claimed in that order): two sent late together, a meeting's
            # announcement and its reminder, must not swap; different targets in parallel
            by_target: dict[str, list[Delivery]] = {}
            for delivery in batch:
                by_target.setdefault(delivery.target, []).append(delivery)

            async def in_order(
                rows: list[Delivery], at: datetime = at, limit: asyncio.Semaphore = limit
            ) -> RunReport:
                sent = RunReport()
                for delivery in rows:
                    async with limit:
                        if self.stopping:  # stopping: left claimed, released below
                            break
                        sent.add(await self.deliver(delivery, at))
                return sent

            for result in await asyncio.gather(*(in_order(r) for r in by_target.values())):
                report.add(result)
            if self.stopping:
                await ledger.release(self.worker_id)
        return report

    async def release(self) -> None:
        """A graceful stop's end: claims not sent go back to pending, and this process
        stops being seen as alive."""
        await self.settle()
        if self.later is not None:
            await self.later.flush()  # sent rows are recorded as sent, not released
        await ledger.release(self.worker_id)
        await self.liveness.release()

    async def take_over(self, now: datetime | None = None) -> int:
        """Re-queue the claims of processes that died (and of expired leases)."""
        others = await ledger.claimers() - {self.worker_id}
        dead = await self.liveness.dead(others) if others else set()
        return await ledger.reap(now or self.clock.now(), dead)

    async def deliver(self, delivery: Delivery, now: datetime) -> RunReport:
        """Send one claimed row and record what happened (logs carry the delivery id)."""
        with log_context(delivery=delivery.id):
            attempt = await self._attempt(delivery, now)
            if attempt.status == RETRY:
                attempt.status = await self._retry(attempt)
            else:
                await self.finisher.finish(attempt.outcome)
        return self._reported(attempt)

    async def deliver_claimed(self, rows: Sequence[Delivery]) -> list[EffectResult]:
        """A committed command's effects, claimed by this worker in its transaction: sent
        at once, in the order queued, and recorded together (one statement however many
        rows, so a fan-out to thirty members costs what one DM costs; by default a moment
        later, with other commands' outcomes: ``_LaterRecords``). A row that fails is left
        for the scheduler to retry after a back-off."""
        attempts: list[_Attempt] = []
        for delivery in rows:
            with log_context(delivery=delivery.id):
                attempts.append(await self._attempt(delivery, self.clock.now()))
        final = [attempt.outcome for attempt in attempts if attempt.status != RETRY]
        if final and self.later is not None:
            self.later.add(final)
        elif final:
            await ledger.finish_many(final, self.worker_id)
        for attempt in attempts:
            if attempt.status == RETRY:
                attempt.status = await self._retry(attempt)
            self._reported(attempt)
        return [EffectResult(attempt.status, attempt.value) for attempt in attempts]

    @property
    def in_background(self) -> bool:
        """Whether a command's effects may go out after its reply: when outcomes are
        recorded later (``copbot run``); not when each command records them before its
        reply (``record_after`` None: tests that look at both together)."""
        return self.later is not None

    def deliver_soon(self, rows: Sequence[Delivery]) -> None:
        """``deliver_claimed`` without keeping the command's reply waiting: a member's
        answer should not wait for the channel post's round trip to the platform. Tasks
        start in commit order, so one member's commands post in the order they ran."""
        task = asyncio.create_task(self._deliver_logged(rows))
        self.sending.add(task)
        task.add_done_callback(self.sending.discard)

    async def _deliver_logged(self, rows: Sequence[Delivery]) -> None:
        try:
            await self.deliver_claimed(rows)
        except Exception:  # the rows stay claimed: retried by the scheduler, never lost
            log.exception("sending the effects of a command failed; the scheduler retries them")

    async def settle(self, within: float = SETTLE_WITHIN) -> None:
        """Wait for the effects being sent after their replies (a graceful stop, a bench).
        What is still under way after ``within`` seconds is stopped: its rows stay
        claimed, so a stop releases them and they are sent again after a check."""
        while self.sending:
            _, late = await asyncio.wait(set(self.sending), timeout=within)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late)

    @property
    def lease(self) -> timedelta:
        return self.options.lease

    async def hold(self) -> None:
        """Be seen alive before claiming (a command's effects are claimed in its name)."""
        await self.liveness.hold()

    def _reported(self, attempt: _Attempt) -> RunReport:
        """The attempt as counts, told to the metrics hook."""
        report = RunReport()
        status = attempt.status
        if status == "skipped":
            report.skipped += 1
        elif status == RETRY:
            report.retried += 1
        elif attempt.sent_at is None:  # given up after its last attempt
            report.failed += 1
        else:
            report.lateness.append((attempt.sent_at - attempt.delivery.due_at).total_seconds())
            report.late += int(attempt.late)
            report.fallback += int(status == "fallback")
            report.failed += int(status == "failed")
            report.sent += int(status != "failed")
        if self.on_outcome is not None:
            for outcome in ("sent", "late", "skipped", "failed", "fallback"):
                if getattr(report, outcome):
                    self.on_outcome(attempt.delivery.kind, outcome)
        return report

    async def _retry(self, attempt: _Attempt) -> str:
        """After a failed send: "retry" (pending again after a back-off) or "failed"."""
        return await ledger.retry_later(
            attempt.delivery,
            self.worker_id,
            attempt.at,
            attempt.detail,
            max_attempts=self.options.max_attempts,
        )

    async def _attempt(self, delivery: Delivery, now: datetime) -> _Attempt:
        """Send one claimed row through its planner; records nothing."""
        useless_after = ledger.stale_at(delivery)
        if useless_after is not None and useless_after <= now:
            log.info(
                "skipping %s %s %s: due %s, no longer useful since %s",
                delivery.kind,
                delivery.target,
                delivery.subject,
                delivery.due_at.isoformat(),
                useless_after.isoformat(),
            )
            return _Attempt(delivery, "skipped", now, detail="no longer useful")
        planner = self.by_kind[delivery.kind]
        tracking = self.sender.for_delivery(delivery)
        # never send past our own lease: after it, another process may send it too
        timeout = self.options.lease.total_seconds() * 0.75
        try:
            value = await asyncio.wait_for(planner.send(delivery, tracking), timeout=timeout)
        except SkipDelivery as reason:
            log.info(
                "skipped %s %s %s: %s", delivery.kind, delivery.target, delivery.subject, reason
            )
            return _Attempt(delivery, "skipped", now, detail=str(reason))
        except Exception as error:
            log.warning(
                "sending %s %s %s failed (attempt %s)",
                delivery.kind,
                delivery.target,
                delivery.subject,
                delivery.attempts,
                exc_info=True,
            )
            return _Attempt(delivery, RETRY, now, detail=f"{type(error).__name__}: {error}")
        sent_at = self.clock.now()
        late = sent_at - delivery.due_at > self.options.late_after
        if late:
            log.info(
                "sent %s %s %s late (due %s)",
                delivery.kind,
                delivery.target,
                delivery.subject,
                delivery.due_at.isoformat(),
            )
        return _Attempt(delivery, tracking.outcome, sent_at, late=late, value=value, sent=True)

    # ---- the whole job ----------------------------------------------------------------

    async def tick(self) -> RunReport:
        now = self.clock.now()
        back = self.options.lookback if self.planned_once else self.options.catch_up
        recorded = await self.plan(now - back, now + self.options.horizon)
        self.planned_once = True
        reaped = await self.take_over(now)
        report = await self.run_due()
        report.planned, report.recorded, report.reaped = (
            recorded.planned,
            recorded.inserted,
            reaped,
        )
        return report

    async def next_wake(self) -> datetime | None:
        return await ledger.next_wake(self.kinds)
