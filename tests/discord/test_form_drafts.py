"""Issue 12 item 1 on Discord: a modal closes when submitted, so a bad answer is reported
with a button that opens the form again filled with everything that was typed."""

from __future__ import annotations

from typing import Any

from data.models import Member
from tests.discord.conftest import BOB, GUILD, Bed
from tests.discord.fake_discord import custom_ids


def defaults(modal: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}

    def visit(component: dict[str, Any]) -> None:
        if component.get("type") == 4 and component.get("value"):
            out[component["custom_id"]] = component["value"]
        for child in component.get("components", []) or []:
            visit(child)
        if isinstance(component.get("component"), dict):
            visit(component["component"])

    for component in modal.get("components", []):
        visit(component)
    return out


async def test_failed_modal_reopens_with_what_was_typed(bed: Bed) -> None:
    fake = bed.fake
    reply = await bed.cmd(BOB, "intro", {})
    button = next(cid for _, cid in custom_ids(reply.final) if cid.startswith("co:intro:"))
    modal = await fake.press(GUILD, BOB, reply.final, button)
    typed = {
        "title": "Designer",
        "organization": "Red River College",
        "location": "Winnipeg",
        "interests": "#moodle #bad!tag",
    }
    answer = await fake.submit_modal(GUILD, BOB, modal.data["custom_id"], typed)
    assert "bad!tag" in answer.text
    assert (await Member.get(external_id=BOB.id)).title == ""
    fix = [
        cid
        for label, cid in custom_ids(answer.final)
        if cid.startswith("co:intro:") and "Fix my answers" in label
    ]
    assert len(fix) == 1
    reopened = await fake.press(GUILD, BOB, answer.final, fix[0])
    assert reopened.type == 9 and fake.rejected_modals == []
    assert defaults(reopened.data) == typed
