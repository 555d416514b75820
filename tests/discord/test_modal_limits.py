"""Issue 12 item 8: Discord accepts every modal we send. A pre-filled value longer than its
field's max_length makes Discord refuse the whole modal (the fake refuses it the same way)."""

from __future__ import annotations

from data.models import Member
from tests.discord.conftest import BOB, GUILD, Bed
from tests.discord.fake_discord import custom_ids

LONG_TAGS = [f"{'interest' * 4}{n:02d}"[:40] for n in range(10)]  # ten 34-40 letter tags


async def test_intro_with_ten_long_interests_opens(bed: Bed) -> None:
    await bed.cmd(BOB, "intro", {})
    bob = await Member.get(external_id=BOB.id)
    # saved before the limit was checked on the joined text: 10 tags, over 300 characters
    bob.interests = LONG_TAGS
    await bob.save()
    assert len(", ".join(LONG_TAGS)) > 300
    reply = await bed.cmd(BOB, "intro", {})
    button = next(cid for _, cid in custom_ids(reply.final) if cid.startswith("co:intro:"))
    modal = await bed.fake.press(GUILD, BOB, reply.final, button)
    assert bed.fake.rejected_modals == []
    assert modal.type == 9
