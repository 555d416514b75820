"""The scheduler service the composition root starts. (Filled in by the scheduler work.)"""

from __future__ import annotations

from bot.clock import Clock
from bot.core import Core
from bot.settings import Settings


class SchedulerService:
    def __init__(self, core: Core, settings: Settings, clock: Clock) -> None:
        self.core = core
        self.settings = settings
        self.clock = clock

    async def start(self) -> None:
        """Begin waking up for due posts; outboxes are read from ``core.outboxes``."""

    async def stop(self) -> None:
        """Stop waking up; posts already claimed finish or are re-claimed after the lease."""
