"""The App Home tab: the member's communities, upcoming meetings (with RSVP buttons) and
recent resources, built from the core's own commands (adapters never read the database).
A section whose command does not exist (yet) or answers with an error is left out."""

from __future__ import annotations

from typing import Any

from adapters.slack.render import MAX_VIEW_BLOCKS, Block, Renderer, mrkdwn
from bot.kernel.core import Core
from bot.kernel.i18n import N_
from bot.kernel.identity import language_from_locale
from bot.kernel.who import Who

# (core command, heading key); each section gets at most a third of the view
SECTIONS = (
    ("communities", N_("Communities")),
    ("meetings", N_("Upcoming meetings")),
    ("resources", N_("Recent resources")),
)
SECTION_BLOCKS = (MAX_VIEW_BLOCKS - 2) // len(SECTIONS)


async def home_view(core: Core, who: Who, app_command: str) -> dict[str, Any]:
    tr = core.translator(language_from_locale(who.locale, core.settings))
    renderer = Renderer()
    blocks: list[Block] = []
    for name, heading in SECTIONS:
        if name not in core.registry.commands:
            continue
        reply = await core.handle(who, name, {})
        if reply.is_error or not reply.parts:
            continue
        start = len(renderer.blocks)
        renderer.add_message(reply)
        section = renderer.blocks[start:][:SECTION_BLOCKS]
        # the command's own first heading would repeat ours
        if section and section[0].get("type") == "header":
            section = section[1:]
        blocks.append({"type": "header", "text": {"type": "plain_text", "text": tr(heading)}})
        blocks.extend(section)
        blocks.append({"type": "divider"})
    if not blocks:
        blocks.append(
            {
                "type": "section",
                "text": mrkdwn(
                    tr(
                        "Type `{command} help` in any channel to see what I can do.",
                        command=app_command,
                    )
                ),
            }
        )
    return {"type": "home", "blocks": blocks[:MAX_VIEW_BLOCKS]}
