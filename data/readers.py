"""The language most of a community's current members read, for its channel posts when
its coordinators chose none (``bot.kernel.lookups.community_language``).

Counting it reads every current membership of the community, so the counts are kept on
the community (``reader_counts``) with the ``readers_version`` they were counted at. A join,
a leave, a member's change of language and a member forgotten move the version, in the
same transaction as the change; a count kept for an older version is counted again. The
count is stored tagged with the version read *before* counting, so a change that commits
meanwhile leaves it stale-tagged, never wrongly current.

What moves the version: ``join`` and ``leave`` (``bot.communities.commands``), ``language``
(``bot.members.profiles``), a language first learned from the platform's locale
(``bot.kernel.identity``) and ``forget-me`` (``bot.privacy.commands``). Anything new that
changes who is in a community, or what a member reads, calls ``readers_changed`` or
``member_readers_changed`` in its transaction (tests/data/test_readers.py)."""

from __future__ import annotations

from functools import cache

from data.db import dialect, quick_rows, quick_write
from data.fixed_sql import mark
from data.models import Community

# language -> members; "" for members who chose none (they read the default)
ReaderCounts = dict[str, int]


@cache
def _count_sql(dialect: str) -> str:
    return (
        "SELECT m.language AS language, count(*) AS members FROM membership s"
        " JOIN member m ON m.id = s.member_id"
        f" WHERE s.community_id = {mark(dialect, 1)} AND s.left_at IS NULL AND NOT m.is_bot"
        " GROUP BY m.language"
    )


async def reader_languages(community_id: int) -> list[tuple[str | None, int]]:
    """How many current members (bots aside) read each language (None: not chosen),
    counted now: one community's membership index entries, thousands at most."""
    rows = await quick_rows(_count_sql(dialect()), [community_id])
    return [(row["language"], int(row["members"])) for row in rows]


async def reader_counts(community: Community) -> ReaderCounts:
    """The community's reader counts: as kept when still current, else counted and kept."""
    version = community.readers_version
    if community.reader_counts is not None and community.reader_counts_of == version:
        return dict(community.reader_counts)
    counts = {language or "": members for language, members in await reader_languages(community.id)}
    await Community.filter(id=community.id).update(reader_counts=counts, reader_counts_of=version)
    community.reader_counts, community.reader_counts_of = counts, version
    return counts


@cache
def _moved_sql(dialect: str) -> str:
    return (
        f"UPDATE community SET readers_version = readers_version + 1 WHERE id = {mark(dialect, 1)}"
    )


async def readers_changed(community_id: int) -> None:
    """A member joined or left the community: its kept counts are no longer current."""
    await quick_write(_moved_sql(dialect()), [community_id])


@cache
def _member_moved_sql(dialect: str) -> str:
    return (
        "UPDATE community SET readers_version = readers_version + 1 WHERE id IN"
        f" (SELECT community_id FROM membership WHERE member_id = {mark(dialect, 1)}"
        " AND left_at IS NULL)"
    )


async def member_readers_changed(member_id: int) -> None:
    """A member's language changed (or they are forgotten): the counts of each community
    they are in are no longer current."""
    await quick_write(_member_moved_sql(dialect()), [member_id])
