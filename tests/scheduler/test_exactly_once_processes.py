"""Exactly once, for real: separate OS processes running the engine against one
PostgreSQL database (several processes belong on PostgreSQL; see TECH-NOTES), and
against one SQLite file."""

from __future__ import annotations

import asyncio
import collections
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from data.db import close_database, init_database
from data.models import (
    Community,
    Delivery,
    Meeting,
    Member,
    Membership,
    Occurrence,
    Rsvp,
    Workspace,
)

ROOT = Path(__file__).resolve().parents[2]
START = datetime(2027, 3, 1, 18, 0, tzinfo=UTC)  # the meeting starts here
NOW = START - timedelta(minutes=10)  # its 15-minute reminders are due


async def seed(members: int) -> None:
    """One meeting in 10 minutes, a channel and ``members`` members going: with
    REMINDER_OFFSETS=15m that is ``members + 1`` due reminders plus the announcement."""
    created = START - timedelta(days=2)
    workspace = await Workspace.create(platform="console", external_id="T1", created_at=created)
    community = await Community.create(
        workspace=workspace,
        name="python",
        name_key="python",
        home_channel_id="C1",
        created_at=created,
    )
    meeting = await Meeting.create(
        community=community,
        title="Python hour",
        start_local="2027-03-01T10:00",
        timezone="America/Vancouver",
        created_at=created,
    )
    occurrence = await Occurrence.create(meeting=meeting, original_start=START, starts_at=START)
    await Member.bulk_create(
        [
            Member(
                workspace=workspace, external_id=f"U{i}", display_name=f"m{i}", first_seen=created
            )
            for i in range(members)
        ],
        batch_size=500,
    )
    people = await Member.filter(workspace=workspace)
    await Membership.bulk_create(
        [Membership(member=m, community=community, joined_at=created) for m in people],
        batch_size=500,
    )
    await Rsvp.bulk_create(
        [Rsvp(occurrence=occurrence, member=m, status="going", at=created) for m in people],
        batch_size=500,
    )


def worker(db: str, out: Path, now: datetime, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.scheduler.worker",
            "--db",
            db,
            "--out",
            str(out),
            "--now",
            now.isoformat(),
            *extra,
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stderr=subprocess.PIPE,
    )


def lines(out: Path) -> list[tuple[str, str, str]]:
    rows = [line.split("\t") for line in out.read_text().splitlines()]
    return [(row[0], row[1], row[2]) for row in rows]


async def wait_for(folder: Path, pattern: str, count: int) -> None:
    async with asyncio.timeout(60):
        # other processes signal through files
        while len(await asyncio.to_thread(lambda: list(folder.glob(pattern)))) < count:  # noqa: ASYNC110
            await asyncio.sleep(0.02)


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_two_processes_deliver_1000_reminders_exactly_once(db: str, tmp_path: Path) -> None:
    await seed(999)
    out, go = tmp_path / "sent.tsv", tmp_path / "go"
    procs = [worker(db, out, NOW, "--go", str(go)) for _ in range(2)]
    await wait_for(tmp_path, "go.ready.*", 2)
    go.write_text("go")  # both plan and claim at the same moment
    for proc in procs:
        _, err = await asyncio.to_thread(proc.communicate, timeout=120)
        assert proc.returncode == 0, err.decode()[-2000:]
    sent = lines(out)
    reminders = [(target, text) for _, target, text in sent if text.startswith("Reminder")]
    assert len(reminders) == 1000  # 0 lost
    assert len(set(reminders)) == 1000  # 0 duplicates
    assert len(sent) == 1001  # and the announcement, once
    assert collections.Counter(pid for pid, _, _ in sent).keys() == {str(p.pid) for p in procs}
    assert await Delivery.filter(status="sent").count() == 1001
    assert await Delivery.filter(attempts__gt=1).count() == 0


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_process_killed_after_claiming_loses_nothing(db: str, tmp_path: Path) -> None:
    await seed(199)
    out, ready = tmp_path / "sent.tsv", tmp_path / "claimed"
    victim = worker(db, out, NOW, "--lease", "60", "--stall-after-claim", str(ready))
    deadline = time.monotonic() + 60
    while not await asyncio.to_thread(ready.exists):
        assert victim.poll() is None, victim.stderr.read().decode() if victim.stderr else ""
        assert time.monotonic() < deadline
        await asyncio.sleep(0.02)
    victim.send_signal(signal.SIGKILL)  # claimed, sending, nothing sent yet
    await asyncio.to_thread(victim.wait, timeout=30)
    claimed = await Delivery.filter(status="claimed").count()
    assert claimed == 50  # one batch was held by the dead process
    assert not out.exists() or out.read_text() == ""
    # a process started long before the 60 s lease runs out takes them over at once: the
    # victim's liveness lock ended with its connection
    later = worker(db, out, NOW + timedelta(seconds=1))
    assert await asyncio.to_thread(later.wait, timeout=120) == 0
    assert await Delivery.filter(status="claimed").count() == 0
    sent = lines(out)
    assert len(sent) == len({(t, x) for _, t, x in sent}) == 201  # 200 reminders + announcement
    assert await Delivery.filter(status="sent").count() == 201
    assert await Delivery.filter(attempts=2).count() == 50


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_four_processes_on_one_sqlite_file_deliver_exactly_once(
    db: str, tmp_path: Path
) -> None:
    """SQLite claims a batch with one UPDATE ... RETURNING: atomic, so several processes
    sharing the file (not the recommended set-up, but it must not send twice) split the
    posts with no duplicates, no losses and no "database is locked" failures."""
    await seed(599)
    await close_database()  # the workers own the file now
    out, go = tmp_path / "sent.tsv", tmp_path / "go"
    procs = [worker(db, out, NOW, "--go", str(go), "--batch", "10") for _ in range(4)]
    await wait_for(tmp_path, "go.ready.*", 4)
    go.write_text("go")  # all plan and claim at the same moment
    for proc in procs:
        _, err = await asyncio.to_thread(proc.communicate, timeout=120)
        assert proc.returncode == 0, err.decode()[-2000:]
    await init_database(db)
    sent = lines(out)
    reminders = [(target, text) for _, target, text in sent if text.startswith("Reminder")]
    assert len(reminders) == 600  # 0 lost
    assert len(set(reminders)) == 600  # 0 duplicates
    assert len(sent) == 601  # and the announcement, once
    assert await Delivery.filter(status="sent").count() == 601
    assert await Delivery.filter(attempts__gt=1).count() == 0
    # the processes really competed: the posts were split between them
    assert len({pid for pid, _, _ in sent}) >= 2
