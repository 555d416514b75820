"""A small core area used by the form tests: a command that asks for a form, and the
form's handler with validation, registered through the core's ordinary registry."""

from __future__ import annotations

from typing import Annotated

from bot.kernel.context import Ctx
from bot.kernel.errors import UserError
from bot.kernel.messages import Choice, Form, FormField, FormRequest, Message, Paragraph, Text
from bot.kernel.registry import Arg, command, form

SURVEY = Form(
    form_id="survey",
    title="A rather long survey title that Slack would refuse",
    fields=(
        FormField("name", "Your name", required=True, max_length=50),
        FormField("age", "Your age", placeholder="42"),
        FormField("about", "About you", kind="long", max_length=500),
        FormField(
            "colour",
            "Colour",
            kind="choice",
            choices=(Choice("Red", "red"), Choice("Blue", "blue")),
        ),
    ),
    submit_label="Send",
    context="ctx-42",
)


@command("survey", usage="survey [later]", examples=["survey"])
async def survey(
    ctx: Ctx, when: Annotated[str | None, Arg("later", kind="word")] = None
) -> Message:
    """Answer the survey"""
    request = FormRequest(SURVEY, ctx.tr("Open the survey"))
    if when == "later":  # a form inside a posted message: a button opens it
        await ctx.post(ctx.channel_id or "C1", Message().add(request))
        return Message(ephemeral=True)
    return Message(ephemeral=True).add(request)


@form("survey")
async def submit_survey(
    ctx: Ctx, values: dict[str, str], context: Annotated[str, Arg("the survey", kind="word")]
) -> Message:
    if context != "ctx-42":
        raise UserError("That button no longer works. Try the command again.")
    if values.get("age") and not values["age"].isdigit():
        raise UserError("Your age must be a number.", field="age")
    reply = Message(ephemeral=True)
    return reply.add(
        Paragraph(
            ctx.tr.spans("Thanks, {name}!", name=Text(values["name"] + " " + values["colour"]))
        )
    )
