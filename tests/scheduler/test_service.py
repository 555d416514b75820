"""The scheduler service as ``copbot run`` starts it: APScheduler wake-ups on real time,
and the console printing a reminder at the right minute."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta

from adapters.console.adapter import ConsoleAdapter
from bot.kernel.clock import ManualClock, SystemClock
from bot.kernel.core import Core
from bot.kernel.discovery import default_registry
from data.models import Delivery
from scheduler.service import SchedulerService
from tests.support import harness
from tests.support.harness import Harness


class ShiftedClock:
    """Real time, shifted: APScheduler's real wake-ups meet a meeting at a fixed instant."""

    def __init__(self, now: datetime) -> None:
        self.shift = now - SystemClock().now()

    def now(self) -> datetime:
        return SystemClock().now() + self.shift


async def test_the_timer_wakes_the_process_when_a_reminder_is_due(db: str) -> None:
    # 1.5 s before the 1-minute reminder of a meeting at 18:01
    clock = ShiftedClock(datetime(2027, 3, 1, 17, 59, 58, 500000, tzinfo=UTC))
    h = Harness.build(REMINDER_OFFSETS="1m")
    h.clock = clock  # type: ignore[assignment]
    h.core.clock = clock
    await h.say("Ada", "community create python", channel="C1")
    assert "Scheduled" in await h.text("Ada", "meeting schedule python 2027-03-01 13:01 Demo")
    service = SchedulerService(h.core, h.core.settings, clock)
    await service.start()
    try:
        for _ in range(100):  # at most 10 s
            if await Delivery.filter(kind="reminder", status="sent").exists():
                break
            await asyncio.sleep(0.1)
    finally:
        await service.stop()
    reminder = await Delivery.get(kind="reminder", status="sent")
    assert reminder.sent_at is not None
    assert timedelta(0) <= reminder.sent_at - reminder.due_at < timedelta(seconds=3)
    # the announcement went out at start-up, the reminder when the timer fired
    assert [s.text.split("\n")[0] for s in h.outbox.to("C1")] == [
        "Upcoming meeting",
        "Reminder: Demo (python) starts 2027-03-01T18:01:00+00:00.",
    ]


async def test_console_prints_the_reminder_at_the_right_minute(db: str) -> None:
    clock = ManualClock(datetime(2027, 3, 1, 18, 0, tzinfo=UTC))  # 13:00 in Toronto
    core = Core(harness.test_settings(REMINDER_OFFSETS="1m"), clock, default_registry())
    out = io.StringIO()
    console = ConsoleAdapter(core, asyncio.Event(), stdin=io.StringIO(""), stdout=out)
    core.attach_outbox(console.outbox)
    for line in (
        "/channel general",
        "/community create python",
        "/meeting schedule python in 3 minutes Demo",
    ):
        await console.handle_line(line)
    assert (
        "I understood: Monday, March 1, 2027 at 1:03\u202fPM for 1 hour (America/Toronto)"
        in out.getvalue()
    )
    service = SchedulerService(core, core.settings, clock)
    printed: dict[str, str] = {}
    for _ in range(5):
        before = len(out.getvalue())
        await service.tick()
        printed[clock.now().strftime("%H:%M")] = out.getvalue()[before:]
        clock.advance(timedelta(minutes=1))
    assert "[#general] == Upcoming meeting ==" in printed["18:00"]
    assert "Reminder" not in printed["18:00"] + printed["18:01"]
    assert "[#general] Reminder: Demo (python) starts" in printed["18:02"]
    assert printed["18:03"] == printed["18:04"] == ""


async def test_deliveries_are_counted_in_the_metrics(db: str) -> None:
    from copbot.metrics import attach_metrics

    clock = ManualClock(datetime(2027, 3, 1, 18, 0, tzinfo=UTC))
    h = Harness.build(start=clock.now(), REMINDER_OFFSETS="1m")
    metrics = attach_metrics(h.core)
    await h.say("Ada", "community create python", channel="C1")
    await h.say("Ada", "meeting schedule python 2027-03-01 13:05 Demo")
    service = SchedulerService(h.core, h.core.settings, h.clock)
    await service.tick()  # the announcement
    h.clock.set(datetime(2027, 3, 1, 18, 4, tzinfo=UTC))
    await service.tick()  # the 1-minute reminder
    page = metrics.exposition()[0].decode()
    assert 'copbot_deliveries_total{kind="announcement",outcome="sent"} 1.0' in page
    assert 'copbot_deliveries_total{kind="reminder",outcome="sent"} 1.0' in page
