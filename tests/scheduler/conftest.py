"""Fixtures the scheduler's real-process tests share."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.scheduler.fanout import Copbot


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Callable[[dict[str, str]], Copbot]]:
    """Starts ``copbot run`` processes with the given environment; all are closed after
    the test."""
    started: list[Copbot] = []

    def start(env: dict[str, str]) -> Copbot:
        copbot = Copbot(env, tmp_path / f"copbot{len(started)}.log")
        started.append(copbot)
        return copbot

    yield start
    for copbot in started:
        copbot.close()
