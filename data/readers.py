"""The language most of a community's current members read, for its channel posts when
its coordinators chose none (``bot.kernel.lookups.community_language``).

Counting it reads every current membership of the community, so the counts are kept on
the community (``reader_counts``) with the ``readers_version`` they were counted at; a
count kept for an older version is counted again. The count is stored tagged with the
version read *before* counting, so a change that commits meanwhile leaves it
stale-tagged, never wrongly current.

The database itself moves the version (migration 0013, ``READERS_TRIGGERS_*``), in the
statement that changes who reads: a membership added, ended, revived or deleted (a join,
a leave, a forgotten member, a community's creator, an import), and a member's change of
language or of being a bot. Commands called a function for it before, and a change made
anywhere else (a new command that forgot to, a bulk import, an edit by hand) left a
stale count in place until the next join (tests/data/test_readers.py)."""

from __future__ import annotations

from functools import cache

from tortoise.backends.base.client import BaseDBAsyncClient

from data.db import dialect, quick_rows
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


def readers_moved(community: Community) -> None:
    """A membership of ``community`` began or ended in the statement just made, and the
    database's triggers moved its version by one: the instance in memory follows, so a post
    the same command makes with it (the welcome after a join) counts the readers as they
    now are instead of taking the count kept before. Never ahead of the row's version: a
    change made meanwhile elsewhere only leaves a count made now stale-tagged."""
    community.readers_version += 1


# the version moves when the readers may have: a current membership begins or ends, or a
# current member's language or bot flag changes (tortoise's ``save`` sets every column it
# is given, so each trigger compares the values rather than trust ``UPDATE OF``)
_BUMP = "UPDATE community SET readers_version = readers_version + 1 WHERE id"
READERS_TRIGGERS_SQLITE = [
    f"""CREATE TRIGGER IF NOT EXISTS membership_readers_insert AFTER INSERT ON membership
        WHEN new.left_at IS NULL
        BEGIN {_BUMP} = new.community_id; END""",
    f"""CREATE TRIGGER IF NOT EXISTS membership_readers_update AFTER UPDATE ON membership
        WHEN old.left_at IS NOT new.left_at OR old.community_id IS NOT new.community_id
            OR old.member_id IS NOT new.member_id
        BEGIN {_BUMP} IN (old.community_id, new.community_id); END""",
    f"""CREATE TRIGGER IF NOT EXISTS membership_readers_delete AFTER DELETE ON membership
        WHEN old.left_at IS NULL
        BEGIN {_BUMP} = old.community_id; END""",
    f"""CREATE TRIGGER IF NOT EXISTS member_readers_update AFTER UPDATE ON member
        WHEN old.language IS NOT new.language OR old.is_bot IS NOT new.is_bot
        BEGIN {_BUMP} IN (SELECT community_id FROM membership
            WHERE member_id = new.id AND left_at IS NULL); END""",
]
READERS_TRIGGERS_POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION membership_readers_moved() RETURNS trigger
        LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            {_BUMP} = NEW.community_id;
        ELSIF TG_OP = 'DELETE' THEN
            {_BUMP} = OLD.community_id;
        ELSE
            {_BUMP} IN (OLD.community_id, NEW.community_id);
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION member_readers_moved() RETURNS trigger
        LANGUAGE plpgsql AS $$
    BEGIN
        {_BUMP} IN (SELECT community_id FROM membership
            WHERE member_id = NEW.id AND left_at IS NULL);
        RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS membership_readers_insert ON membership",
    """CREATE TRIGGER membership_readers_insert AFTER INSERT ON membership FOR EACH ROW
        WHEN (NEW.left_at IS NULL) EXECUTE FUNCTION membership_readers_moved()""",
    "DROP TRIGGER IF EXISTS membership_readers_update ON membership",
    """CREATE TRIGGER membership_readers_update AFTER UPDATE ON membership FOR EACH ROW
        WHEN (OLD.left_at IS DISTINCT FROM NEW.left_at
            OR OLD.community_id IS DISTINCT FROM NEW.community_id
            OR OLD.member_id IS DISTINCT FROM NEW.member_id)
        EXECUTE FUNCTION membership_readers_moved()""",
    "DROP TRIGGER IF EXISTS membership_readers_delete ON membership",
    """CREATE TRIGGER membership_readers_delete AFTER DELETE ON membership FOR EACH ROW
        WHEN (OLD.left_at IS NULL) EXECUTE FUNCTION membership_readers_moved()""",
    "DROP TRIGGER IF EXISTS member_readers_update ON member",
    """CREATE TRIGGER member_readers_update AFTER UPDATE ON member FOR EACH ROW
        WHEN (OLD.language IS DISTINCT FROM NEW.language OR OLD.is_bot IS DISTINCT FROM NEW.is_bot)
        EXECUTE FUNCTION member_readers_moved()""",
]


async def install_readers_triggers(client: BaseDBAsyncClient) -> None:
    """The triggers that move ``readers_version``; migration 0013. Each statement is
    idempotent, and the counts kept so far are dropped: kept before the triggers existed,
    they may have missed a change."""
    on_sqlite = client.capabilities.dialect == "sqlite"
    for statement in READERS_TRIGGERS_SQLITE if on_sqlite else READERS_TRIGGERS_POSTGRES:
        await client.execute_script(statement)
    await client.execute_script("UPDATE community SET reader_counts = NULL")
