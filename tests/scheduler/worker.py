"""One OS process running the delivery engine against a shared database, for the
exactly-once tests: ``python -m tests.scheduler.worker --db URL --out FILE --now ISO``.

Its outbox appends one line per post to ``--out`` (O_APPEND: lines from several
processes never interleave). With ``--stall-after-claim READY`` the first send writes
READY and hangs, so the test can SIGKILL it after claiming and before sending."""

from __future__ import annotations

import argparse
import asyncio
import os
from datetime import datetime, timedelta
from pathlib import Path

from bot.kernel.clock import ManualClock
from bot.kernel.core import Core
from bot.kernel.discovery import default_registry
from bot.kernel.messages import Message, message_text
from bot.kernel.outbox import SendKey
from data.db import close_database, init_database
from scheduler.engine import EngineOptions
from scheduler.service import SchedulerService
from tests.support.harness import test_settings


class FileOutbox:
    platform = "console"

    def __init__(self, path: str, stall_ready: str | None) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.stall_ready = stall_ready

    async def _write(self, target: str, message: Message) -> str:
        if self.stall_ready:
            await asyncio.to_thread(Path(self.stall_ready).write_text, str(os.getpid()))
            await asyncio.sleep(3600)  # claimed, never sent: the test kills us here
        first_line = message_text(message).split("\n", 1)[0]
        os.write(self.fd, f"{os.getpid()}\t{target}\t{first_line}\n".encode())
        return f"{target}:{os.getpid()}"

    async def post(
        self,
        workspace_id: str,
        channel_id: str,
        message: Message,
        *,
        thread: str | None = None,
        key: SendKey | None = None,
    ) -> str:
        return await self._write(f"channel:{channel_id}", message)

    async def direct(
        self, workspace_id: str, user_id: str, message: Message, *, key: SendKey | None = None
    ) -> str:
        return await self._write(f"member:{user_id}", message)


async def wait_for_go(go: str) -> None:
    """Say we are ready, then wait for the test's signal so both workers start together."""
    ready, signal = Path(go + f".ready.{os.getpid()}"), Path(go)
    await asyncio.to_thread(ready.write_text, "ready")
    # the signal comes from another process: a file is the simplest shared thing
    while not await asyncio.to_thread(signal.exists):  # noqa: ASYNC110
        await asyncio.sleep(0.01)


async def main(args: argparse.Namespace) -> None:
    await init_database(args.db)
    clock = ManualClock(datetime.fromisoformat(args.now))
    settings = test_settings(DATABASE_URL=args.db, REMINDER_OFFSETS=args.offsets)
    core = Core(settings, clock, default_registry())
    core.attach_outbox(FileOutbox(args.out, args.stall_after_claim))  # type: ignore[arg-type]
    options = EngineOptions(lease=timedelta(seconds=args.lease), batch=args.batch)
    # default worker ids (host:pid:token): the liveness lock of each worker is real
    service = SchedulerService(core, settings, clock, options=options)
    if args.go:
        await wait_for_go(args.go)
    try:
        await service.tick()
    finally:
        await close_database()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--now", required=True)
    parser.add_argument("--offsets", default="15m")
    parser.add_argument("--lease", type=float, default=120)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--go")
    parser.add_argument("--stall-after-claim")
    asyncio.run(main(parser.parse_args()))
