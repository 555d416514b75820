"""The outbox under Slack's failure modes: 429 with Retry-After, 500s, and time-outs both
before and after Slack acted. A fan-out of posts and direct messages arrives once each."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter

import pytest

from adapters.slack.api import SlackUnavailable
from adapters.slack.limits import SlackLimits
from bot.kernel.errors import DirectMessagesBlocked
from bot.kernel.messages import Message
from tests.slack.fake_slack import FakeSlack
from tests.slack.stack import TEST_LIMITS, slack_stack


def note(text: str) -> Message:
    return Message().paragraph(text)


async def test_fan_out_through_faults_delivers_each_post_once(fake_slack: FakeSlack) -> None:
    fake_slack.fail("chat.postMessage", "429", retry_after=1)
    fake_slack.fail("chat.postMessage", "500", times=2)
    fake_slack.fail("chat.postMessage", "timeout_before")
    fake_slack.fail("chat.postMessage", "timeout_after", times=2)
    fake_slack.fail("conversations.open", "500")
    fake_slack.fail("conversations.open", "timeout_before")
    async with slack_stack(fake_slack) as slack:
        outbox = slack.adapter.outbox
        channels = ["C1", "C2", "C3", "C4"]
        sends = [
            outbox.post("T1", ch, note(f"reminder {ch}-{i}")) for ch in channels for i in range(3)
        ]
        sends += [outbox.direct("T1", user, note(f"dm {user}")) for user in ("UADA", "UBOB", "UCY")]
        refs = await asyncio.gather(*sends)

        assert not fake_slack.faults, "every injected fault was met"
        texts = Counter(m["text"] for m in fake_slack.messages)
        expected = [f"reminder {ch}-{i}" for ch in channels for i in range(3)]
        expected += [f"dm {u}" for u in ("UADA", "UBOB", "UCY")]
        assert sorted(texts) == sorted(expected)
        assert set(texts.values()) == {1}, f"duplicates: {texts}"
        # each caller got the ts of its own message back (usable as a thread later)
        by_text = {m["text"]: m["ts"] for m in fake_slack.messages}
        assert refs == [by_text[t] for t in expected]
        # the lost answers were looked up, not blindly retried
        assert fake_slack.calls_to("conversations.history")

        # Retry-After was honoured for the channel that met the 429
        limited = next(c for c in fake_slack.faulted if c.fault == "429")
        later = [
            c.at
            for c in fake_slack.calls + fake_slack.faulted
            if c.method == "chat.postMessage"
            and c.args["channel"] == limited.args["channel"]
            and c.at > limited.at
        ]
        assert min(later) - limited.at >= 0.95
        # and no channel got two posts closer together than the pace allows
        for channel in channels:
            times = sorted(
                c.at
                for c in fake_slack.calls + fake_slack.faulted
                if c.method == "chat.postMessage" and c.args["channel"] == channel
            )
            gaps = [b - a for a, b in itertools.pairwise(times)]
            # measured where the posts arrive, after their trip through a busy loop: the
            # pace is kept when sending, so allow arrival jitter, not back-to-back posts
            assert min(gaps) >= TEST_LIMITS.channel_interval * 0.6


async def test_thread_reply_that_timed_out_after_posting_is_not_repeated(
    fake_slack: FakeSlack,
) -> None:
    async with slack_stack(fake_slack) as slack:
        outbox = slack.adapter.outbox
        parent = await outbox.post("T1", "C1", note("Meeting thread"))
        fake_slack.fail("chat.postMessage", "timeout_after")
        reply = await outbox.post("T1", "C1", note("agenda item"), thread=parent)
        replies = [m for m in fake_slack.messages if m["thread_ts"] == parent]
        assert len(replies) == 1 and replies[0]["ts"] == reply
        assert fake_slack.calls_to("conversations.replies")


async def test_blocked_direct_messages_raise_the_core_error(fake_slack: FakeSlack) -> None:
    fake_slack.dm_refused = {
        "UBOT2": "cannot_dm_bot",
        "UGONE": "user_not_found",
        "UQUIET": "messages_tab_disabled",
    }
    async with slack_stack(fake_slack) as slack:
        for user in ("UBOT2", "UGONE", "UQUIET"):
            with pytest.raises(DirectMessagesBlocked):
                await slack.adapter.outbox.direct("T1", user, note("hello"))
        assert fake_slack.messages == []


async def test_retries_are_bounded(fake_slack: FakeSlack) -> None:
    limits = SlackLimits(timeout=0.5, max_attempts=3, backoff_base=0.01, channel_interval=0.0)
    fake_slack.fail("chat.postMessage", "500", times=3)
    async with slack_stack(fake_slack, limits=limits) as slack:
        with pytest.raises(SlackUnavailable):
            await slack.adapter.outbox.post("T1", "C1", note("never"))
        assert len(fake_slack.faulted) == 3 and fake_slack.messages == []
