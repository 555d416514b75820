"""Issue 12 item 1 on Slack: a modal submission with a bad answer keeps the modal open
with the error on that field only, and what was typed is the member's draft: the form
opened again later is pre-filled with it."""

from __future__ import annotations

import json

from data.models import Member
from tests.slack.fake_slack import FakeSlack
from tests.slack.signed import view_submission
from tests.slack.stack import slack_stack


def initial_values(view: dict) -> dict[str, str]:  # type: ignore[type-arg]
    out = {}
    for block in view["blocks"]:
        element = block.get("element") or {}
        if "initial_value" in element:
            out[block["block_id"]] = element["initial_value"]
        elif "initial_option" in element:
            out[block["block_id"]] = element["initial_option"]["value"]
    return out


async def test_failed_modal_keeps_what_was_typed(db: str, fake_slack: FakeSlack) -> None:
    async with slack_stack(fake_slack) as slack:
        await slack.command("UBOB", "intro", channel="C2")
        view = (await fake_slack.wait_for_calls("views.open"))[0].args["view"]
        typed = {
            "title": "Instructional designer",
            "organization": "Red River College",
            "interests": "#moodle, #bad!tag",
            "networking": "yes",
        }
        status, body = await slack.send(view_submission(user_id="UBOB", view=view, values=typed))
        assert status == 200
        answer = json.loads(body)
        assert answer["response_action"] == "errors"
        assert list(answer["errors"]) == ["interests"]  # only the bad answer
        assert (await Member.get(external_id="UBOB")).title == ""  # nothing saved yet

        # the modal closed without fixing it; the next one opens with what was typed
        await slack.command("UBOB", "intro", channel="C2")
        again = (await fake_slack.wait_for_calls("views.open", count=2))[1].args["view"]
        shown = initial_values(again)
        assert shown["title"] == "Instructional designer"
        assert shown["organization"] == "Red River College"
        assert shown["interests"] == "#moodle, #bad!tag"
        assert shown["networking"] == "yes"

        fixed = {**typed, "interests": "#moodle, #h5p"}
        status, body = await slack.send(view_submission(user_id="UBOB", view=again, values=fixed))
        assert status == 200 and body == ""
        bob = await Member.get(external_id="UBOB")
        assert bob.title == "Instructional designer" and bob.interests == ["moodle", "h5p"]
        # saved: no draft left, the form opens with the saved profile
        await slack.command("UBOB", "intro", channel="C2")
        third = (await fake_slack.wait_for_calls("views.open", count=3))[2].args["view"]
        assert initial_values(third)["interests"] == "moodle, h5p"
