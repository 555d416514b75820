from __future__ import annotations

import asyncio

from bot.kernel.messages import message_text
from data.models import Community, Resource, ResourceVote
from tests.support.harness import Harness


async def community_with_members(h: Harness) -> None:
    await h.say("Ada", 'community create python "Python in teaching"', channel="C1")
    await h.say("Bob", "join python")


async def test_share_posts_to_home_channel_and_search_finds_it(db: str) -> None:
    h = Harness.build()
    await community_with_members(h)
    h.outbox.clear()
    reply = await h.text(
        "Bob", 'share https://example.org/rubric "Assessment rubric template" #assessment template'
    )
    assert "Shared “Assessment rubric template” in python" in reply
    posted = h.outbox.to("C1")
    assert len(posted) == 1
    assert "Bob shared a resource" in posted[0].text
    assert "https://example.org/rubric" not in posted[0].text  # shown as a link with its title
    found = await h.text("Ada", "resources rubric")
    assert "Assessment rubric template" in found and "(template)" in found
    resource = await Resource.get()
    assert resource.tags == ["assessment"] and resource.kind == "template"


async def test_search_ranks_and_filters(db: str) -> None:
    h = Harness.build()
    await community_with_members(h)
    await h.say("Bob", 'share https://a.example "Grading with rubrics" #assessment')
    await h.say("Bob", 'share https://b.example "Video lectures" #video')
    await h.say("Bob", 'share https://c.example "Peer review of rubrics and grading" #peer')
    text = await h.text("Ada", "resources grading rubrics")
    assert text.index("Grading with rubrics") < text.index("Peer review of rubrics")
    assert "Video lectures" not in text
    tagged = await h.text("Ada", "resources #video")
    assert "Video lectures" in tagged and "Grading" not in tagged
    assert "Nothing found" in await h.text("Ada", "resources quantum")


async def test_duplicate_url_says_who_shared_first(db: str) -> None:
    h = Harness.build()
    await community_with_members(h)
    await h.say("Bob", "share https://www.example.org/page/?utm_source=x")
    reply = await h.say("Ada", "share http://example.org/page#top")
    assert reply.is_error
    from bot.kernel.messages import message_text

    assert "already in python: shared by @Bob" in message_text(reply)
    assert await Resource.all().count() == 1


async def test_non_http_urls_are_refused(db: str) -> None:
    h = Harness.build()
    await community_with_members(h)
    for bad in ("javascript:alert(1)", "data:text/html,hi", "ftp://x.org/file", "https://"):
        reply = await h.say("Bob", f"share {bad} title")
        assert reply.is_error, bad
    assert await Resource.all().count() == 0


async def test_over_long_title_is_refused(db: str) -> None:
    h = Harness.build()
    await community_with_members(h)
    reply = await h.say("Bob", "share https://x.example " + "t" * 201)
    assert reply.is_error and await Resource.all().count() == 0


async def test_only_members_share_and_vote_once(db: str) -> None:
    h = Harness.build()
    await community_with_members(h)
    outsider = await h.say("Eve", "share https://x.example in python")
    assert outsider.is_error
    await h.say("Bob", "share https://x.example Handy")
    resource = await Resource.get()
    assert "now has 1 vote." in await h.text("Ada", f"upvote {resource.id}")
    assert "already voted" in await h.text("Ada", "upvote handy")
    await h.core.press(h.who("Bob"), "upvote", str(resource.id))
    assert await ResourceVote.all().count() == 2
    assert (await Resource.get()).votes == 2


async def test_a_double_click_on_upvote_counts_once(db: str) -> None:
    h = Harness.build()
    await community_with_members(h)
    await h.say("Bob", "share https://x.example Handy")
    resource = await Resource.get()
    replies = await asyncio.gather(
        *(h.core.press(h.who("Ada"), "upvote", str(resource.id)) for _ in range(2))
    )
    texts = sorted(message_text(reply) for reply in replies)
    assert "now has 1 vote." in texts[0] and "already voted" in texts[1], texts
    assert await ResourceVote.all().count() == 1
    assert (await Resource.get()).votes == 1


async def test_unshare_by_sharer_or_coordinator_only(db: str) -> None:
    h = Harness.build()
    await community_with_members(h)
    await h.say("Cy", "join python")
    await h.say("Bob", "share https://x.example Handy")
    assert (await h.say("Cy", "unshare handy")).is_error
    assert "Removed" in await h.text("Ada", "unshare handy")
    assert await Resource.all().count() == 0


async def test_search_never_crosses_workspaces(db: str) -> None:
    first = Harness.build(workspace="T1")
    second = Harness.build(workspace="T2")
    await community_with_members(first)
    await community_with_members(second)
    await first.say("Bob", "share https://secret.example Secret plans")
    elsewhere = await second.text("Ada", "resources secret")
    assert "Secret plans" not in elsewhere and "repertoire is empty" in elsewhere
    assert "Secret plans" in await first.text("Ada", "resources secret")


async def test_in_followed_by_words_that_are_no_community_is_text(db: str) -> None:
    h = Harness.build()
    await community_with_members(h)
    reply = await h.text("Bob", "share https://x.example Grading in large classes in python")
    assert "Shared “Grading in large classes” in python" in reply
    reply = await h.text("Bob", "share https://y.example Feedback in large classes", channel="C1")
    assert "Shared “Feedback in large classes” in python" in reply
    # a real typo in the community name is still reported as such
    typo = await h.text("Bob", "share https://z.example Notes in pyton")
    assert "There is no community called “pyton”" in typo
    assert await Resource.all().count() == 2


async def test_vote_counts_are_singular_for_one(db: str) -> None:
    h = Harness.build()
    await community_with_members(h)
    await h.say("Bob", "share https://x.example Handy")
    assert "· 0 votes ·" in await h.text("Ada", "resources handy")
    assert "· 0 vote ·" in await h.text("Zoé", "resources handy", locale="fr-CA")
    await h.say("Ada", "upvote handy")
    listing = await h.text("Ada", "resources handy")
    assert "· 1 vote ·" in listing and "1 votes" not in listing
    await h.say("Bob", "upvote handy")
    assert "now has 2 votes" not in listing and "· 2 votes ·" in await h.text("Ada", "resources")


async def test_a_stale_upvote_button_votes_for_nothing_else(db: str) -> None:
    h = Harness.build()
    await community_with_members(h)
    await h.say("Bob", "share https://a.example Handy")
    gone = await Resource.get()
    # a resource whose title contains the removed one's number
    await h.say("Bob", f"share https://b.example Top {gone.id}{gone.id} tips")
    await h.say("Bob", f"unshare {gone.id}")
    reply = await h.core.press(h.who("Ada"), "upvote", str(gone.id))
    assert reply.is_error
    assert await ResourceVote.all().count() == 0


async def test_an_archived_communitys_resources_stay_searchable_and_marked(db: str) -> None:
    h = Harness.build()
    await community_with_members(h)
    await h.say("Ada", 'community create old "Old one"')
    await h.say("Ada", "share https://old.example Grading of old in old")
    await h.say("Bob", "share https://new.example Grading today")
    await h.say("Ada", "community archive old")
    assert await Community.filter(archived=True).count() == 1
    for query in ("resources grading", "resources"):
        text = await h.text("Bob", query)
        assert "Grading today" in text and "Grading of old [archived]" in text, query
        assert "Grading today [archived]" not in text


async def test_a_tag_is_found_whole_however_many_resources_share_its_letters(db: str) -> None:
    h = Harness.build()
    await community_with_members(h)
    await h.say("Bob", "share https://first.example First #py")
    for index in range(30):
        await h.say("Bob", f"share https://x.example/{index} Other{index} #pyx #a_b")
    await h.say("Bob", "share https://axb.example Wildcard #axb")
    tagged = await h.text("Ada", "resources #py")
    assert "Latest resources tagged #py" in tagged
    assert "First" in tagged and "Other" not in tagged
    assert "Wildcard" not in await h.text("Ada", "resources wildcard #a_b")
    assert "Wildcard" in await h.text("Ada", "resources wildcard #axb")


async def test_french_kind_words_are_understood(db: str) -> None:
    h = Harness.build()
    await community_with_members(h)
    reply = await h.text("Bob", 'share https://x.example "Grille d\'évaluation" #evaluation modèle')
    assert "Shared “Grille d'évaluation”" in reply
    resource = await Resource.get()
    assert resource.kind == "template" and resource.title == "Grille d'évaluation"
