"""The real ``copbot run`` process during a meeting's fan-out, against the fake Slack and
Discord servers running in the test's own event loop: seeding, starting and watching
copbot processes, and reading what each member received."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from data.models import Community, Delivery, Meeting, Member, Membership, Occurrence, Rsvp
from data.models import Workspace as WorkspaceRow
from tests.slack.stack import SECRET

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = 30
# the announcement, the channel's reminder and one DM per member
POSTS = MEMBERS + 2
FINAL = ("sent", "fallback", "skipped", "failed")


@dataclass(frozen=True)
class Fanout:
    platform: str
    workspace: str  # the team or guild id
    channel: str
    members: list[str]  # platform user ids
    starts_at: datetime


async def seed(
    platform: str, workspace: str, channel: str, users: list[str], due_in: float, offset: timedelta
) -> Fanout:
    """A meeting whose ``offset`` reminders fall due ``due_in`` seconds from now (real
    time: copbot runs on the system clock), with every member going."""
    now = datetime.now(UTC)
    starts_at = (now + offset + timedelta(seconds=due_in)).replace(microsecond=0)
    # a one-off meeting at a whole minute, its only occurrence moved to the exact second
    original = starts_at.replace(second=0)
    created = now - timedelta(days=1)
    ws = await WorkspaceRow.create(platform=platform, external_id=workspace, created_at=created)
    community = await Community.create(
        workspace=ws, name="python", name_key="python", home_channel_id=channel, created_at=created
    )
    meeting = await Meeting.create(
        community=community,
        title="Python hour",
        start_local=original.strftime("%Y-%m-%dT%H:%M"),
        timezone="UTC",
        created_at=created,
    )
    occurrence = await Occurrence.create(
        meeting=meeting, original_start=original, starts_at=starts_at
    )
    for index, user in enumerate(users):
        member = await Member.create(
            workspace=ws, external_id=user, display_name=f"m{index}", first_seen=created
        )
        await Membership.create(member=member, community=community, joined_at=created)
        await Rsvp.create(occurrence=occurrence, member=member, status="going", at=created)
    return Fanout(platform, workspace, channel, users, starts_at)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Copbot:
    """One ``copbot run`` OS process."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        self.port = free_port()
        clean = {
            k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "HTTP_"))
        }
        self.stderr = log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "copbot.cli", "run"],
            cwd=ROOT,
            env={
                **clean,
                "PYTHONPATH": str(ROOT),
                "LOG_LEVEL": "INFO",
                "HTTP_PORT": str(self.port),
                **env,
            },
            stdin=subprocess.DEVNULL,
            stdout=self.stderr,
            stderr=self.stderr,
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def kill(self, sig: int = signal.SIGKILL) -> None:
        self.proc.send_signal(sig)

    async def wait(self, within: float) -> int:
        return await asyncio.to_thread(self.proc.wait, timeout=within)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)
        self.stderr.close()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def slack_env(db: str, api_url: str, token: str, offsets: str) -> dict[str, str]:
    return {
        "DATABASE_URL": db,
        "SLACK_BOT_TOKEN": token,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api_url,
        "REMINDER_OFFSETS": offsets,
    }


def discord_env(db: str, api_url: str, token: str, offsets: str) -> dict[str, str]:
    return {
        "DATABASE_URL": db,
        "DISCORD_TOKEN": token,
        "DISCORD_API_URL": api_url,
        "REMINDER_OFFSETS": offsets,
    }


async def wait_until(check: object, within: float, what: str, *procs: Copbot) -> None:
    """Poll ``check`` (a sync or async callable) until true; fail with the copbot logs."""
    deadline = time.monotonic() + within
    while True:
        result = check()  # type: ignore[operator]
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            logs = "\n---\n".join(p.output() for p in procs)
            raise AssertionError(f"timed out waiting for {what}\n{logs}")
        await asyncio.sleep(0.05)


async def all_final() -> bool:
    rows = await Delivery.filter(kind__in=("reminder", "announcement")).values_list(
        "status", flat=True
    )
    return len(rows) == POSTS and all(status in FINAL for status in rows)


async def claims_by_pid() -> Counter[int]:
    """How many rows each process holds claimed now (worker ids are ``host:pid:token``)."""
    rows = await Delivery.filter(status="claimed").values_list("claimed_by", flat=True)
    return Counter(int(str(row).split(":")[-2]) for row in rows if row)
