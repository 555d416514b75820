"""The cost of Prometheus metrics on the command path: the same commands through the core
with and without the metrics observer, in one run, interleaved in blocks so that drift
(disk cache, CPU frequency, the other tenants of the machine) hits both sides alike.
Also the observer's own cost per call, measured alone.

Run: python -m benchmarks ops_metrics
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from copbot.metrics import Metrics
from data.db import close_database, init_database, migrate
from tests.support.harness import Harness

BLOCKS = 20
PER_BLOCK = 40
COMMANDS = ("communities", "help join", "members python", "stats python")
OBSERVER_CALLS = 100_000


async def command_timings(url: str) -> tuple[list[float], list[float], Metrics]:
    await migrate(url)
    await init_database(url)
    h = Harness.build()
    await h.say("Ada", "community create python", channel="C1")
    for name in ("Bob", "Cy", "Dee"):
        await h.say(name, "join python")
    metrics = Metrics()
    with_metrics: list[float] = []
    without: list[float] = []

    async def block(timings: list[float]) -> None:
        for index in range(PER_BLOCK):
            line = COMMANDS[index % len(COMMANDS)]
            started = time.perf_counter()
            await h.say("Ada", line)
            timings.append(time.perf_counter() - started)

    await block([])  # warm-up: caches, first queries
    for round_ in range(BLOCKS):
        # alternate which side goes first, so neither always runs on a warmer cache
        order = (True, False) if round_ % 2 == 0 else (False, True)
        for attached in order:
            h.core.observers[:] = [metrics] if attached else []
            await block(with_metrics if attached else without)
    await close_database()
    return with_metrics, without, metrics


def observer_cost() -> float:
    metrics = Metrics()
    started = time.perf_counter()
    for index in range(OBSERVER_CALLS):
        metrics.command_handled(COMMANDS[index % len(COMMANDS)], "ok", 0.003)
    return (time.perf_counter() - started) / OBSERVER_CALLS


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite://{Path(folder) / 'bench.sqlite3'}"
        with_metrics, without, metrics = asyncio.run(command_timings(url))
    on = statistics.mean(with_metrics)
    off = statistics.mean(without)
    print(
        f"commands ({len(without)} per side, SQLite): without metrics "
        f"{off * 1000:.3f} ms, with metrics {on * 1000:.3f} ms per command"
    )
    print(
        f"ratio with/without: {on / off:.3f} (medians "
        f"{statistics.median(with_metrics) / statistics.median(without):.3f})"
    )
    per_call = observer_cost()
    print(
        f"the observer alone: {per_call * 1e6:.2f} µs per command "
        f"({per_call / off * 100:.2f}% of a command)"
    )
    counted = sum(
        s.value
        for family in metrics.registry.collect()
        if family.name == "copbot_commands"
        for s in family.samples
        if s.name == "copbot_commands_total"
    )
    assert counted == len(with_metrics), (counted, len(with_metrics))


if __name__ == "__main__":
    main()
