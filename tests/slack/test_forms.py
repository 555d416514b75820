"""Forms as modals: opened from a slash command (its trigger) or from a button in a posted
message, validation errors shown on the fields, the answer delivered after the modal
closes. The form and its handler are a real core area registered for the test."""

from __future__ import annotations

import json

from adapters.slack.forms import errors_for_view, modal_view, read_submission
from bot.kernel.discovery import area_modules
from bot.kernel.registry import Registry
from data.models import Member
from tests.slack import survey_area
from tests.slack.fake_slack import FakeSlack
from tests.slack.signed import block_action, slash_command, view_submission
from tests.slack.stack import block_text, buttons, slack_stack


def survey_registry() -> Registry:
    return Registry.from_modules([*area_modules(), survey_area])


def test_modal_fields_and_submission_round_trip() -> None:
    view = modal_view(survey_area.SURVEY, channel_id="C7")
    assert view["title"]["text"] == "A rather long survey ti…" and len(view["title"]["text"]) <= 24
    kinds = [b["element"]["type"] for b in view["blocks"]]
    assert kinds == ["plain_text_input", "plain_text_input", "plain_text_input", "static_select"]
    assert view["blocks"][2]["element"]["multiline"] is True
    assert [b["optional"] for b in view["blocks"]] == [False, True, True, True]
    submitted = {**view, "state": {"values": {
        "name": {"value": {"type": "plain_text_input", "value": "Ada"}},
        "age": {"value": {"type": "plain_text_input", "value": None}},
        "colour": {"value": {"type": "static_select", "selected_option": {"value": "blue"}}},
    }}}  # fmt: skip
    read = read_submission(submitted)
    assert read is not None
    assert (read.form_id, read.context, read.channel_id) == ("survey", "ctx-42", "C7")
    assert read.values == {"name": "Ada", "age": "", "colour": "blue"}
    assert read_submission({"callback_id": "someone-else"}) is None


def test_errors_land_on_their_fields() -> None:
    names = ("name", "age")
    assert errors_for_view({"age": "a number"}, names, None) == {"age": "a number"}
    # an error about no field of this modal is shown on the first one
    assert errors_for_view({"zzz": "odd"}, names, None) == {"name": "odd"}
    assert errors_for_view({}, names, "Not a member") == {"name": "Not a member"}


async def test_form_from_command_validates_then_answers(db: str, fake_slack: FakeSlack) -> None:
    async with slack_stack(fake_slack, registry=survey_registry()) as slack:
        url = fake_slack.response_url()
        request = slash_command(
            "/survey", "", user_id="UADA", user_name="ada", response_url=url, channel_id="C5"
        )
        assert (await slack.send(request))[0] == 200
        opened = (await fake_slack.wait_for_calls("views.open"))[0]
        assert opened.args["trigger_id"].startswith("trigger.")
        view = opened.args["view"]
        assert view["callback_id"] == "cop-form"
        await slack.adapter.idle()
        assert fake_slack.responses == []  # the form was the whole reply

        bad = view_submission(
            user_id="UADA", view=view, values={"name": "Ada", "age": "old", "colour": "red"}
        )
        status, body = await slack.send(bad)
        assert status == 200
        assert json.loads(body) == {
            "response_action": "errors",
            "errors": {"age": "Your age must be a number."},
        }

        good = view_submission(
            user_id="UADA", view=view, values={"name": "<!here> Ada", "age": "36", "colour": "red"}
        )
        status, body = await slack.send(good)
        assert status == 200 and body == ""  # the modal closes
        answer = (await fake_slack.wait_for_calls("chat.postEphemeral"))[0]
        assert answer.args["channel"] == "C5" and answer.args["user"] == "UADA"
        assert "Thanks, &lt;!here&gt; Ada red!" in block_text(answer.args["blocks"])


async def test_form_button_in_a_posted_message_opens_the_modal(
    db: str, fake_slack: FakeSlack
) -> None:
    async with slack_stack(fake_slack, registry=survey_registry()) as slack:
        later = slash_command(
            "/cop",
            "survey later",
            user_id="UADA",
            user_name="ada",
            response_url=fake_slack.response_url(),
            channel_id="C5",
        )
        assert (await slack.send(later))[0] == 200
        post = (await fake_slack.wait_until(lambda: fake_slack.posts_to("C5")))[0]
        button = buttons(post["blocks"])[0]
        assert button["text"]["text"] == "Open the survey"
        await slack.send(
            block_action(
                user_id="UBOB",
                action_id=button["action_id"],
                value=button["value"],
                response_url=fake_slack.response_url(),
                channel_id="C5",
            )
        )
        opened = (await fake_slack.wait_for_calls("views.open"))[0]
        assert [b["block_id"] for b in opened.args["view"]["blocks"]] == [
            "name",
            "age",
            "about",
            "colour",
        ]
        assert json.loads(opened.args["view"]["private_metadata"])["context"] == "ctx-42"


async def test_intro_command_opens_the_real_introduction_modal(
    db: str, fake_slack: FakeSlack
) -> None:
    async with slack_stack(fake_slack) as slack:
        request = slash_command(
            "/intro", "", user_id="UCY", user_name="cy", response_url=fake_slack.response_url()
        )
        assert (await slack.send(request))[0] == 200
        view = (await fake_slack.wait_for_calls("views.open"))[0].args["view"]
        assert view["blocks"][0]["block_id"] == "title"
        assert view["title"]["text"]  # in French for Cy (fr-CA), within Slack's 24 characters
        assert len(view["title"]["text"]) <= 24
        status, body = await slack.send(
            view_submission(
                user_id="UCY", view=view, values={"title": "Conseillère", "networking": "no"}
            )
        )
        assert status == 200 and body == ""
        await slack.adapter.idle()
        assert (await Member.get(external_id="UCY")).title == "Conseillère"
