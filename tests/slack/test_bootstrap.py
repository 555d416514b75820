"""``copbot run`` itself with Slack settings: migrate, serve HTTP, start the adapter and
the scheduler; a signed command through it is answered; SIGTERM shuts it all down cleanly
(the fixture fails the test on any ERROR logged on the way)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import signal
import socket
from pathlib import Path

import aiohttp

from copbot.bootstrap import run
from tests.slack.fake_slack import FakeSlack
from tests.slack.signed import slash_command
from tests.slack.stack import SECRET, block_text
from tests.support.harness import test_settings as make_settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def asyncio_handles_sigterm() -> bool:
    """True once the event loop owns SIGTERM (``loop.add_signal_handler`` was called)."""
    handler = signal.getsignal(signal.SIGTERM)
    return callable(handler) and getattr(handler, "__module__", "") == "asyncio.unix_events"


async def test_copbot_run_serves_slack_over_http(tmp_path: Path, fake_slack: FakeSlack) -> None:
    port = free_port()
    settings = make_settings(
        DATABASE_URL=f"sqlite://{tmp_path / 'run.sqlite3'}",
        SLACK_BOT_TOKEN=fake_slack.bot_token,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake_slack.api_url,
        HTTP_PORT=port,
    )
    gc.unfreeze()  # whatever an earlier test froze
    running = asyncio.create_task(run(settings))
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            await fake_slack.wait_for_calls("auth.test")
            for _ in range(100):  # until the adapter is started (503 before)
                response_url = fake_slack.response_url()
                request = slash_command(
                    "/cop",
                    "community create python",
                    user_id="UADA",
                    user_name="ada",
                    response_url=response_url,
                )
                async with http.post(
                    f"{base}/slack/events", data=request.body, headers=request.headers(SECRET)
                ) as answer:
                    if answer.status == 200:
                        # the reply may come in the acknowledgement itself
                        await fake_slack.show_ack_reply(response_url, await answer.text())
                        break
                    assert answer.status == 503
                await asyncio.sleep(0.05)
            reply = (await fake_slack.wait_for_responses(1))[0]
            assert "created" in block_text(reply.payload["blocks"])
            async with http.get(f"{base}/healthz") as health:
                assert health.status == 200
                report = await health.json()
            assert report["adapters"]["slack"]["up"] is True
        # copbot stops on SIGTERM once it has installed its handler (after everything started)
        for _ in range(200):
            if asyncio_handles_sigterm():
                break
            await asyncio.sleep(0.02)
        assert asyncio_handles_sigterm()
        # once started, what start-up built is out of the collector's way (copbot/heap.py)
        assert gc.get_freeze_count() > 10_000
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(running, 15)
    finally:
        gc.unfreeze()
        if not running.done():
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running
