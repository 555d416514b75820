from __future__ import annotations

from tests.discord.conftest import ADA, Bed


async def test_help(bed: Bed) -> None:
    reply = await bed.cmd(ADA, "help")
    assert reply.type == 4
    assert "What I can do" in reply.text
