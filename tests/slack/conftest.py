from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import pytest

from tests.slack.fake_slack import FakeSlack


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack(hang=0.8)
    fake.add_user("UADA", "Ada", is_admin=True)
    fake.add_user("UBOB", "Bob", tz="America/Vancouver")
    fake.add_user("UCY", "Cy", locale="fr-CA", tz="America/Montreal")
    await fake.start()
    yield fake
    await fake.stop()
    # Slack refuses a message or view that breaks a Block Kit limit: none may have been sent
    assert not fake.rejected, f"Slack would have refused: {fake.rejected}"


@pytest.fixture(autouse=True)
def no_logged_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Work after the ack runs in background tasks, whose exceptions are only logged:
    any ERROR record fails the test that caused it."""
    yield
    errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
    assert not errors, "errors were logged: " + "; ".join(r.getMessage() for r in errors)
