"""The search structures of both dialects and how they are kept in step with ``resource``:
the DDL the search migrations run (0002, 0004, 0007, 0008, 0009 and 0011), and, on SQLite,
the indexing of resources that wait for it. How searches use them: ``data.search``.

On SQLite two FTS5 indexes hold the repertoire: ``resource_fts`` (every field, external
content) and ``resource_head_fts`` (title and tags, contentless, rowids ordered by row
length). On PostgreSQL generated tsvector columns with GIN indexes, and ``resource_head``,
a narrow copy of the head vectors kept by triggers.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import OperationalError, TransactionManagementError
from tortoise.transactions import in_transaction

from data.db import in_open_transaction, quick_rows

log = logging.getLogger(__name__)

_FTS_TABLE = """CREATE VIRTUAL TABLE IF NOT EXISTS resource_fts USING fts5(
        title, description, tags_text, url,
        content='resource', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2', prefix='2 3 4')"""

SQLITE_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS resource_fts_insert AFTER INSERT ON resource BEGIN
        INSERT INTO resource_fts(rowid, title, description, tags_text, url)
        VALUES (new.id, new.title, new.description, new.tags_text, new.url);
    END""",
    """CREATE TRIGGER IF NOT EXISTS resource_fts_delete AFTER DELETE ON resource BEGIN
        INSERT INTO resource_fts(resource_fts, rowid, title, description, tags_text, url)
        VALUES ('delete', old.id, old.title, old.description, old.tags_text, old.url);
    END""",
    """CREATE TRIGGER IF NOT EXISTS resource_fts_update AFTER UPDATE ON resource BEGIN
        INSERT INTO resource_fts(resource_fts, rowid, title, description, tags_text, url)
        VALUES ('delete', old.id, old.title, old.description, old.tags_text, old.url);
        INSERT INTO resource_fts(rowid, title, description, tags_text, url)
        VALUES (new.id, new.title, new.description, new.tags_text, new.url);
    END""",
]

SQLITE_SCHEMA = [
    _FTS_TABLE.replace(", prefix='2 3 4'", ""),  # the first version, before migration 0004
    *SQLITE_TRIGGERS,
    "INSERT INTO resource_fts(resource_fts) VALUES ('rebuild')",
]

# 0004: prefix indexes for two- and three-letter prefixes (a short prefix otherwise merges
# hundreds of terms), and the (workspace, newest) order that tag-only listings walk.
SQLITE_SCHEMA_V3 = [
    "DROP TRIGGER IF EXISTS resource_fts_insert",
    "DROP TRIGGER IF EXISTS resource_fts_delete",
    "DROP TRIGGER IF EXISTS resource_fts_update",
    "DROP TABLE IF EXISTS resource_fts",
    _FTS_TABLE,
    *SQLITE_TRIGGERS,
    "INSERT INTO resource_fts(resource_fts) VALUES ('rebuild')",
    "CREATE INDEX IF NOT EXISTS resource_recent_idx ON resource (workspace_id, shared_at, id)",
]

# PostgreSQL has no built-in accent folding that may be used in a generated column
# (unaccent is an extension and not IMMUTABLE), so the unstemmed copy is folded with
# translate(); query words are folded the same way in Python (fold_accents).
_ACCENTED = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿ"
_PLAIN = "aaaaaaceeeeiiiinooooouuuuyy"


def _folded(column: str) -> str:
    return f"translate(lower(coalesce({column}, '')), '{_ACCENTED}', '{_PLAIN}')"


_PG_HEAD = f"""
    setweight(to_tsvector('simple', {_folded("title")}), 'A') ||
    setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('french', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('simple', {_folded("tags_text")}), 'A')"""

_PG_VECTOR = f"""{_PG_HEAD} ||
    setweight(to_tsvector('english', coalesce(description, '')), 'B') ||
    setweight(to_tsvector('french', coalesce(description, '')), 'B') ||
    setweight(to_tsvector('simple', coalesce(url, '')), 'C')
"""

POSTGRES_SCHEMA = [
    f"""ALTER TABLE resource ADD COLUMN IF NOT EXISTS search_vector tsvector
        GENERATED ALWAYS AS ({_PG_VECTOR}) STORED""",
    "CREATE INDEX IF NOT EXISTS resource_search_idx ON resource USING GIN (search_vector)",
]

# 0004: the head tier (title and tags only) gets its own small vector and index
POSTGRES_SCHEMA_V3 = [
    f"""ALTER TABLE resource ADD COLUMN IF NOT EXISTS search_head tsvector
        GENERATED ALWAYS AS ({_PG_HEAD}) STORED""",
    "CREATE INDEX IF NOT EXISTS resource_search_head_idx ON resource USING GIN (search_head)",
    "CREATE INDEX IF NOT EXISTS resource_recent_idx ON resource (workspace_id, shared_at, id)",
]


# a resource's tag keys as an array, indexed (GIN) so a tag filter finds its resources
# without reading the title words that search_head also holds
PG_TAG_KEYS = "string_to_array(r.tags_text, ' ')"

# 0007: the GIN indexes write straight into their posting trees. With fastupdate (the
# default) new entries wait in a pending list that every search scans linearly until a
# vacuum merges it: after a bulk load of 100,000 resources, 480 pages of it doubled a
# common word's index scan. Shares are rare and searches many, so writes pay instead.
POSTGRES_SCHEMA_V6 = [
    "CREATE INDEX IF NOT EXISTS resource_tag_keys_idx ON resource"
    " USING GIN (string_to_array(tags_text, ' '))",
    *(
        statement
        for index in ("resource_search_idx", "resource_search_head_idx")
        for statement in (
            f"ALTER INDEX {index} SET (fastupdate = off)",
            f"SELECT gin_clean_pending_list('{index}'::regclass)",
        )
    ),
]


# 0008: the head tier's matches, ranked where their rows are small. Ranking a common word's
# head (13,800 rows at 100,000 resources) on ``resource`` visits 8,600 heap pages of ~1 KB
# rows (two vectors are 70% of a row): ~12 ms of the ~20. The same matches in this table
# of ~230-byte rows fill 2,900 pages and are ranked in ~9 ms; only the best OVERFETCH are
# then read from ``resource`` and ranked exactly. A trigger keeps it in step with
# ``resource``'s own generated head vector; a deleted resource takes its row with it.
POSTGRES_SCHEMA_V8 = [
    """CREATE TABLE IF NOT EXISTS resource_head (
        id integer PRIMARY KEY REFERENCES resource (id) ON DELETE CASCADE,
        workspace_id integer NOT NULL,
        shared_at timestamptz NOT NULL,
        head tsvector NOT NULL)""",
    """CREATE INDEX IF NOT EXISTS resource_head_idx ON resource_head USING GIN (head)
        WITH (fastupdate = off)""",
    """CREATE OR REPLACE FUNCTION resource_head_sync() RETURNS trigger
        LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO resource_head (id, workspace_id, shared_at, head)
        VALUES (NEW.id, NEW.workspace_id, NEW.shared_at, NEW.search_head)
        ON CONFLICT (id) DO UPDATE SET workspace_id = EXCLUDED.workspace_id,
            shared_at = EXCLUDED.shared_at, head = EXCLUDED.head;
        RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS resource_head_insert ON resource",
    """CREATE TRIGGER resource_head_insert AFTER INSERT ON resource
        FOR EACH ROW EXECUTE FUNCTION resource_head_sync()""",
    # a vote or an edit of the description saves the whole row: no write for those
    "DROP TRIGGER IF EXISTS resource_head_update ON resource",
    """CREATE TRIGGER resource_head_update AFTER UPDATE ON resource FOR EACH ROW
        WHEN (OLD.search_head IS DISTINCT FROM NEW.search_head
            OR OLD.workspace_id IS DISTINCT FROM NEW.workspace_id
            OR OLD.shared_at IS DISTINCT FROM NEW.shared_at)
        EXECUTE FUNCTION resource_head_sync()""",
    """INSERT INTO resource_head (id, workspace_id, shared_at, head)
        SELECT id, workspace_id, shared_at, search_head FROM resource
        ON CONFLICT (id) DO NOTHING""",
    "ANALYZE resource_head",
]


# 0009 (SQLite): the head tier's own full-text index. Ranked in ``resource_fts`` with a
# column filter, a head match cost bm25 a walk of every column's postings of its words
# and a docsize row four columns wide; here the postings hold the title and the tags
# only. bm25 normalises by the whole row's length (a long description lowers a title
# match), so a third column, ``pad``, never searched and weighted 0, gives each row its
# length: the url (its tokens) and one ``x`` per word of the description. The rowid is
# the row's length in words, then its id (``length << 32 | id``): FTS5 returns matches in
# rowid order, shortest first, so the HEAD_SHORTEST shortest are read and scored without
# touching the rest (see the module docstring). Contentless (its text is derived), so
# the triggers hand a deleted row's values back from ``resource``. Prefix indexes up to
# six letters: a longer typed prefix otherwise merges the doclists of every word it
# starts before the first match is read (``hohone``: 8.7 ms instead of 12.2 for its head,
# ``dufiga`` 2.8 instead of 4.8); title and tag words are few, so a share writes little
# more (its insert cost did not move measurably).
ID_BITS = 32


def _words(column: str) -> str:
    """How many words ``column`` holds, counted by its spaces (line breaks count as
    spaces); FTS5's tokenizer splits on punctuation too, so this is an estimate."""
    text = f"coalesce({column}, '')"
    for control in (10, 13, 9):
        text = f"replace({text}, char({control}), ' ')"
    spaced = f"trim({text})"
    return f"(length({spaced}) - length(replace({spaced}, ' ', '')) + ({spaced} != ''))"


def _head_row(row: str) -> str:
    """The values of ``row``'s entry in resource_head_fts: rowid, title, tags_text, pad."""
    length = (
        f"{_words(f'{row}.title')} + {_words(f'{row}.tags_text')} + {_words(f'{row}.description')}"
    )
    pad = f"{row}.url || ' ' || replace(hex(zeroblob({_words(f'{row}.description')})), '00', 'x ')"
    return f"(({length}) << {ID_BITS}) + {row}.id, {row}.title, {row}.tags_text, {pad}"


_HEAD_INSERT_TRIGGER = f"""CREATE TRIGGER IF NOT EXISTS resource_head_fts_insert
    AFTER INSERT ON resource BEGIN
        INSERT INTO resource_head_fts(rowid, title, tags_text, pad) VALUES ({_head_row("new")});
    END"""

# every resource, in rowid order: FTS5 writes out its pending terms whenever a rowid is not
# above the last one, so an unordered fill would write a tiny segment every other row
_HEAD_FILL = [
    "INSERT INTO resource_head_fts(resource_head_fts) VALUES ('delete-all')",
    f"""INSERT INTO resource_head_fts(rowid, title, tags_text, pad)
        SELECT {_head_row("resource")} FROM resource ORDER BY 1""",
]

SQLITE_SCHEMA_V9 = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS resource_head_fts USING fts5(
        title, tags_text, pad, content='',
        tokenize='porter unicode61 remove_diacritics 2', prefix='2 3 4 5 6')""",
    _HEAD_INSERT_TRIGGER,
    f"""CREATE TRIGGER IF NOT EXISTS resource_head_fts_delete AFTER DELETE ON resource BEGIN
        INSERT INTO resource_head_fts(resource_head_fts, rowid, title, tags_text, pad)
        VALUES ('delete', {_head_row("old")});
    END""",
    # a vote saves the whole row: only a change of what the index holds rewrites it
    f"""CREATE TRIGGER IF NOT EXISTS resource_head_fts_update AFTER UPDATE ON resource
        WHEN old.id IS NOT new.id OR old.title IS NOT new.title
            OR old.tags_text IS NOT new.tags_text OR old.url IS NOT new.url
            OR old.description IS NOT new.description
    BEGIN
        INSERT INTO resource_head_fts(resource_head_fts, rowid, title, tags_text, pad)
        VALUES ('delete', {_head_row("old")});
        INSERT INTO resource_head_fts(rowid, title, tags_text, pad) VALUES ({_head_row("new")});
    END""",
    *_HEAD_FILL,
]


async def _install(
    client: BaseDBAsyncClient, *, sqlite: Sequence[str] = (), postgres: Sequence[str] = ()
) -> None:
    """Run the dialect's statements, one script each (each is idempotent)."""
    on_sqlite = client.capabilities.dialect == "sqlite"
    for statement in sqlite if on_sqlite else postgres:
        await client.execute_script(statement)


async def install_search_schema(client: BaseDBAsyncClient) -> None:
    """The dialect's first search structures; migration 0002."""
    await _install(client, sqlite=SQLITE_SCHEMA, postgres=POSTGRES_SCHEMA)


async def install_search_tiers(client: BaseDBAsyncClient) -> None:
    """Prefix indexes, the head tier and the newest-first index; migration 0004."""
    await _install(client, sqlite=SQLITE_SCHEMA_V3, postgres=POSTGRES_SCHEMA_V3)


async def install_search_gin_settings(client: BaseDBAsyncClient) -> None:
    """The tag-key index, and no pending list on the GIN indexes (PostgreSQL only);
    migration 0007."""
    await _install(client, postgres=POSTGRES_SCHEMA_V6)


async def install_search_head_table(client: BaseDBAsyncClient) -> None:
    """The narrow table of head vectors the head tier is ranked in (PostgreSQL only);
    migration 0008."""
    await _install(client, postgres=POSTGRES_SCHEMA_V8)


async def install_search_head_index(client: BaseDBAsyncClient) -> None:
    """The head tier's own full-text index (SQLite only); migration 0009."""
    await _install(client, sqlite=SQLITE_SCHEMA_V9)


# 0011 (SQLite): resources are full-text indexed in batches. FTS5 writes each transaction's
# terms as a new segment of each index, so a share's commit wrote 25 WAL pages instead of
# 11, and its statements took 560-670 µs instead of ~300 (through sqlite3, 640 shares).
# Now a new or edited resource's id only goes into ``resource_fts_pending``, and the rows
# waiting there are indexed together: by a trigger once WAITING_BATCH of them wait, and
# before every search (``index_waiting``), so a search never misses what was just shared.
# Batched by 16 or more: 13 pages and 360-470 µs a share, the batch's indexing included.
# A waiting row has no index entries yet, and asking an external-content FTS5 index to
# delete entries it does not hold corrupts it: the triggers remove a row's entries only
# when it is not waiting. A vote saves the whole row: only a change of what the indexes
# hold re-indexes it (``resource_fts`` was rewritten on every vote before). Any future
# ``'rebuild'`` of an index must empty ``resource_fts_pending`` in the same transaction.
WAITING_BATCH = 32
_WAITING = "SELECT id FROM resource_fts_pending"
_INDEX_WAITING = [
    f"""INSERT INTO resource_fts(rowid, title, description, tags_text, url)
        SELECT id, title, description, tags_text, url FROM resource
        WHERE id IN ({_WAITING}) ORDER BY id""",
    # in rowid order: FTS5 writes a segment whenever a rowid is not above the last one
    f"""INSERT INTO resource_head_fts(rowid, title, tags_text, pad)
        SELECT {_head_row("resource")} FROM resource WHERE id IN ({_WAITING}) ORDER BY 1""",
    "DELETE FROM resource_fts_pending",
]
_BATCH_TRIGGER = f"""CREATE TRIGGER IF NOT EXISTS resource_search_batch
    AFTER INSERT ON resource_fts_pending
    WHEN (SELECT count(*) FROM resource_fts_pending) >= {WAITING_BATCH}
    BEGIN {"; ".join(_INDEX_WAITING)}; END"""


def _unindexed(row: str) -> str:
    """Trigger statements taking ``row`` (old) out of both indexes, or out of the waiting
    rows when it was never indexed."""
    indexed = f"WHERE NOT EXISTS (SELECT 1 FROM resource_fts_pending WHERE id = {row}.id)"
    return f"""
        INSERT INTO resource_fts(resource_fts, rowid, title, description, tags_text, url)
        SELECT 'delete', {row}.id, {row}.title, {row}.description, {row}.tags_text, {row}.url
        {indexed};
        INSERT INTO resource_head_fts(resource_head_fts, rowid, title, tags_text, pad)
        SELECT 'delete', {_head_row(row)} {indexed};
        DELETE FROM resource_fts_pending WHERE id = {row}.id;"""


_OLD_TRIGGERS = (
    "resource_fts_insert",
    "resource_fts_delete",
    "resource_fts_update",
    "resource_head_fts_insert",
    "resource_head_fts_delete",
    "resource_head_fts_update",
)

SQLITE_SCHEMA_V11 = [
    "CREATE TABLE IF NOT EXISTS resource_fts_pending (id INTEGER PRIMARY KEY)",
    *(f"DROP TRIGGER IF EXISTS {name}" for name in _OLD_TRIGGERS),
    """CREATE TRIGGER IF NOT EXISTS resource_search_insert AFTER INSERT ON resource BEGIN
        INSERT INTO resource_fts_pending(id) VALUES (new.id);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS resource_search_delete AFTER DELETE ON resource BEGIN
        {_unindexed("old")}
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS resource_search_update AFTER UPDATE ON resource
        WHEN old.id IS NOT new.id OR old.title IS NOT new.title
            OR old.description IS NOT new.description
            OR old.tags_text IS NOT new.tags_text OR old.url IS NOT new.url
    BEGIN
        {_unindexed("old")}
        INSERT INTO resource_fts_pending(id) VALUES (new.id);
    END""",
    _BATCH_TRIGGER,
]


async def install_search_batches(client: BaseDBAsyncClient) -> None:
    """Full-text indexing in batches (SQLite only); migration 0011."""
    await _install(client, sqlite=SQLITE_SCHEMA_V11)


async def index_waiting(client: BaseDBAsyncClient) -> None:
    """Index the resources waiting for it, before a search reads the indexes (SQLite; a
    look at an empty table when none wait). Inside the caller's transaction if it has one,
    else in one of its own. If the write lock cannot be had (another process holds it past
    the busy timeout), the search goes on without them rather than fail: it is logged."""
    if client.capabilities.dialect != "sqlite":
        return
    [row] = await quick_rows("SELECT EXISTS (SELECT 1 FROM resource_fts_pending) AS w", [])
    if not row["w"]:
        return
    try:
        if in_open_transaction():
            for statement in _INDEX_WAITING:
                await client.execute_query(statement)
            return
        async with in_transaction() as transaction:
            for statement in _INDEX_WAITING:
                await transaction.execute_query(statement)
    except (OperationalError, TransactionManagementError) as error:
        log.warning("search: resources waiting to be indexed were left waiting: %s", error)


@asynccontextmanager
async def search_indexed_after(client: BaseDBAsyncClient) -> AsyncIterator[None]:
    """Around a bulk insert of resources (an import), inside its transaction: on SQLite the
    batch trigger is set aside and every new resource indexed once at the end. Batch by
    batch, the head index's rowids (length first) arrive in no order and FTS5 writes a
    segment for each batch; at the end they go in rowid order, one segment. Nothing to do
    on PostgreSQL. Single statements only: ``execute_script`` would commit the transaction
    first. If the insert fails, its transaction's rollback brings the trigger back
    (SQLite's DDL is transactional)."""
    sqlite = client.capabilities.dialect == "sqlite"
    if sqlite:
        await client.execute_query("DROP TRIGGER IF EXISTS resource_search_batch")
    yield
    if sqlite:
        for statement in (*_INDEX_WAITING, _BATCH_TRIGGER):
            await client.execute_query(statement)
