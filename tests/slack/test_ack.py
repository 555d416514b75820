"""Slack gets its acknowledgement at once, however long the work takes; a reply ready within
half a second rides on the acknowledgement itself, a slower one follows
through the response_url (or, for a modal whose ack could not wait, as a message)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time

import pytest

from bot.kernel.discovery import area_modules
from bot.kernel.registry import Registry
from tests.slack import slow_area
from tests.slack.fake_slack import FakeSlack
from tests.slack.signed import slash_command, slash_command_fields, view_submission
from tests.slack.stack import TEST_LIMITS, block_text, slack_stack


async def test_ack_comes_before_slow_work(db: str, fake_slack: FakeSlack) -> None:
    slow_area.GATE["open"] = asyncio.Event()
    registry = Registry.from_modules([*area_modules(), slow_area])
    async with slack_stack(fake_slack, registry=registry) as slack:
        url = fake_slack.response_url()
        request = slash_command("/cop", "slow", user_id="UADA", user_name="ada", response_url=url)
        started = time.perf_counter()
        status, body = await slack.send(request)
        assert status == 200 and body == ""
        assert time.perf_counter() - started < 1.0
        await asyncio.sleep(0.2)
        assert fake_slack.responses == []  # still working
        slow_area.GATE["open"].set()
        answer = (await fake_slack.wait_for_responses(1))[0]
        assert "done at last" in block_text(answer.payload["blocks"])


async def test_a_request_gone_before_its_ack_still_gets_its_reply(
    db: str, fake_slack: FakeSlack
) -> None:
    # the listener waiting to put the reply in the acknowledgement is cancelled (its HTTP
    # request went away, or a stop): the command's task then delivers it itself
    slow_area.GATE["open"] = asyncio.Event()
    registry = Registry.from_modules([*area_modules(), slow_area])
    async with slack_stack(fake_slack, registry=registry) as slack:
        url = fake_slack.response_url()
        body = slash_command_fields(
            "/cop", "slow", user_id="UADA", user_name="ada", response_url=url
        )
        acks: list[dict[str, object]] = []

        async def ack(**reply: object) -> None:
            acks.append(reply)

        listener = asyncio.create_task(slack.adapter._on_command(ack, body))
        await asyncio.sleep(0.1)
        listener.cancel()
        with pytest.raises(asyncio.CancelledError):
            await listener
        slow_area.GATE["open"].set()
        answer = (await fake_slack.wait_for_responses(1))[0]
        assert "done at last" in block_text(answer.payload["blocks"])
        assert acks == []


async def test_modal_submission_too_slow_for_its_ack(db: str, fake_slack: FakeSlack) -> None:
    slow_area.GATE["open"] = asyncio.Event()
    registry = Registry.from_modules([*area_modules(), slow_area])
    limits = dataclasses.replace(TEST_LIMITS, view_deadline=0.5)
    async with slack_stack(fake_slack, registry=registry, limits=limits) as slack:
        request = slash_command(
            "/cop",
            "slowform",
            user_id="UADA",
            user_name="ada",
            response_url=fake_slack.response_url(),
        )
        await slack.send(request)
        view = (await fake_slack.wait_for_calls("views.open"))[0].args["view"]
        started = time.perf_counter()
        status, body = await slack.send(
            view_submission(user_id="UADA", view=view, values={"answer": "42"})
        )
        waited = time.perf_counter() - started
        # the ack waited for the core up to the deadline, then closed the modal
        assert status == 200 and body == ""
        assert 0.5 <= waited < 1.5
        slow_area.GATE["open"].set()
        answer = (await fake_slack.wait_for_calls("chat.postEphemeral"))[0]
        assert answer.args["user"] == "UADA" and "got 42" in block_text(answer.args["blocks"])


async def test_a_quick_reply_is_the_acknowledgement_itself(db: str, fake_slack: FakeSlack) -> None:
    async with slack_stack(fake_slack) as slack:
        url = fake_slack.response_url()
        request = slash_command("/cop", "help", user_id="UADA", user_name="ada", response_url=url)
        status, body = await slack.send(request)
        assert status == 200
        answer = json.loads(body)  # one HTTP exchange: the reply rides on the ack
        assert answer["response_type"] == "ephemeral"
        assert "communities" in block_text(answer["blocks"])
        await slack.adapter.idle()
        # nothing else was sent: the response_url was not used, no message was posted
        assert len(fake_slack.responses) == 1 and fake_slack.responses[0].payload == answer
        assert not fake_slack.calls_to("chat.postEphemeral")
