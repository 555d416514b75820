"""Driving the scheduler on a moved clock: weeks of schedule in seconds."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from data.models import Delivery
from scheduler.engine import EngineOptions, RunReport
from scheduler.service import SchedulerService
from tests.support.harness import Harness

# plan two days ahead so each step can jump straight to the next due post
FAST = EngineOptions(horizon=timedelta(days=2))


def service_for(
    h: Harness, options: EngineOptions = FAST, worker: str = "test"
) -> SchedulerService:
    return SchedulerService(h.core, h.core.settings, h.clock, options=options, worker_id=worker)


async def run_until(h: Harness, service: SchedulerService, end: datetime) -> RunReport:
    """Tick at every due instant (and at least daily) until ``end``, like the wake-up timer."""
    total = RunReport()
    while h.clock.now() < end:
        total.add(await service.tick())
        following = await service.engine.next_wake()
        step = h.clock.now() + timedelta(days=1)
        if following is not None and following > h.clock.now():
            step = min(step, following)
        h.clock.set(min(step, end))
    total.add(await service.tick())
    return total


async def sent_rows(kind: str, target: str | None = None) -> list[Delivery]:
    query = Delivery.filter(kind=kind, status__in=("sent", "fallback"))
    if target is not None:
        query = query.filter(target=target)
    return list(await query.order_by("sent_at", "id"))


def local(instant: datetime | None, zone: str) -> datetime:
    assert instant is not None
    return instant.astimezone(ZoneInfo(zone))
