"""The SPEC flow through copbot's real HTTP server, signed like Slack signs, against the
fake Slack Web API: every reply is asserted where Slack would show it."""

from __future__ import annotations

from collections import Counter

from data.models import Community, Member, Resource
from tests.slack.fake_slack import FakeSlack
from tests.slack.stack import block_text, buttons, slack_stack


async def test_create_join_share_search_upvote(db: str, fake_slack: FakeSlack) -> None:
    async with slack_stack(fake_slack) as slack:
        created = await slack.command(
            "UADA", 'community create python "Python in teaching" #code', channel="C1"
        )
        assert created.payload["response_type"] == "ephemeral"
        text = block_text(created.payload["blocks"])
        assert "created" in text and "<#C1>" in text
        community = await Community.get(name_key="python")
        assert community.home_channel_id == "C1"

        joined = await slack.command("UBOB", "join python", channel="C2")
        assert "Welcome" in block_text(joined.payload["blocks"])

        shared = await slack.command(
            "UBOB", 'https://example.org/rubric "Rubric template" #assessment', command="/share"
        )
        assert "Rubric template" in block_text(shared.payload["blocks"])
        posted = await fake_slack.wait_until(lambda: fake_slack.posts_to("C1"))
        announcement = block_text(posted[0]["blocks"])
        assert "<@UBOB>" in announcement and "https://example.org/rubric" in announcement
        assert await Resource.filter(community=community).count() == 1

        found = await slack.command("UCY", "rubric", command="/resources", channel="C9")
        assert "Rubric template" in block_text(found.payload["blocks"])

        # Cy is not a member: the upvote button on the channel post says so, in French
        upvote = buttons(posted[0]["blocks"])[0]
        refused = await slack.press("UCY", upvote)
        assert refused.payload["response_type"] == "ephemeral"
        assert "Vous n'êtes pas membre" in block_text(refused.payload["blocks"])
        assert refused.payload["blocks"][0]["text"]["text"].startswith(":warning:")
        # Bob can upvote through the same button
        voted = await slack.press("UBOB", upvote)
        assert "now has 1 vote" in block_text(voted.payload["blocks"])
        resource = await Resource.get(community=community)
        assert resource.votes == 1

        # the Join button in the communities list joins
        listing = await slack.command("UCY", "communities")
        join = next(
            b for b in buttons(listing.payload["blocks"]) if "python" in b["text"]["text"].lower()
        )
        welcome = await slack.press("UCY", join)
        assert "Bienvenue" in block_text(welcome.payload["blocks"])
        cy = await Member.get(external_id="UCY")
        assert cy.language == "fr" and cy.timezone == "America/Montreal"
        ada = await Member.get(external_id="UADA")
        assert ada.is_admin and not cy.is_admin
        # each profile was looked up once (with its locale), then cached
        lookups = Counter(c.args["user"] for c in fake_slack.calls_to("users.info"))
        assert lookups == {"UADA": 1, "UBOB": 1, "UCY": 1}
        assert all(c.args["include_locale"] for c in fake_slack.calls_to("users.info"))
