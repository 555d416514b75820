"""Full-text search of the shared repertoire: one interface, one implementation per dialect.

SQLite uses an FTS5 external-content table kept in sync by triggers and ranked with
bm25; PostgreSQL a weighted tsvector (English, French and unstemmed) with a GIN index,
queried with ``websearch_to_tsquery``. Both take any text a member types: the input is
reduced to words before it reaches the query syntax, so ``c++ & "foo`` cannot break it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient

from data.db import connection

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 12

SQLITE_SCHEMA = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS resource_fts USING fts5(
        title, description, tags_text, url,
        content='resource', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
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
    "INSERT INTO resource_fts(resource_fts) VALUES ('rebuild')",
]

# PostgreSQL has no built-in accent folding that may be used in a generated column
# (unaccent is an extension and not IMMUTABLE), so the unstemmed copy is folded with
# translate(); query words are folded the same way in Python (fold_accents).
_ACCENTED = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿ"
_PLAIN = "aaaaaaceeeeiiiinooooouuuuyy"


def _folded(column: str) -> str:
    return f"translate(lower(coalesce({column}, '')), '{_ACCENTED}', '{_PLAIN}')"


_PG_VECTOR = f"""
    setweight(to_tsvector('simple', {_folded("title")}), 'A') ||
    setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('french', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('simple', {_folded("tags_text")}), 'A') ||
    setweight(to_tsvector('english', coalesce(description, '')), 'B') ||
    setweight(to_tsvector('french', coalesce(description, '')), 'B') ||
    setweight(to_tsvector('simple', coalesce(url, '')), 'C')
"""

POSTGRES_SCHEMA = [
    f"""ALTER TABLE resource ADD COLUMN IF NOT EXISTS search_vector tsvector
        GENERATED ALWAYS AS ({_PG_VECTOR}) STORED""",
    "CREATE INDEX IF NOT EXISTS resource_search_idx ON resource USING GIN (search_vector)",
]


async def install_search_schema(client: BaseDBAsyncClient) -> None:
    """Create the dialect's search structures (idempotent); called from a migration."""
    statements = SQLITE_SCHEMA if client.capabilities.dialect == "sqlite" else POSTGRES_SCHEMA
    for statement in statements:
        await client.execute_script(statement)


def fold_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tag_key(tag: str) -> str:
    """What makes two tags one: no accents, no letter case, no leading ``#``
    (``#Évaluation``, ``evaluation`` and ``EVALUATION`` are one tag)."""
    return fold_accents(tag.lstrip("#").casefold())


def query_words(text: str) -> list[str]:
    """The words of a member's query, safe to put into either dialect's query syntax."""
    return _WORD.findall(text.lower())[:MAX_QUERY_WORDS]


@dataclass(frozen=True)
class SearchFilter:
    workspace_id: int
    community_ids: list[int] | None = None  # None = every community of the workspace
    tags: tuple[str, ...] = ()
    # an archived community's repertoire is kept, but no longer offered
    include_archived: bool = False


async def search_resource_ids(text: str, where: SearchFilter, limit: int = 10) -> list[int]:
    """Ids of matching resources, best first, newest breaking ties. Empty when no words."""
    words = query_words(text)
    if not words:
        return []
    client = connection()
    if client.capabilities.dialect == "sqlite":
        return await _search_sqlite(client, words, where, limit)
    return await _search_postgres(client, words, where, limit)


def _filters(where: SearchFilter, placeholder: str, start: int) -> tuple[str, list[object]]:
    """SQL conditions on table ``r`` for workspace, communities and tags."""

    def mark(position: int) -> str:
        return placeholder if placeholder == "?" else f"${position}"

    params: list[object] = [where.workspace_id]
    clauses = [f"r.workspace_id = {mark(start)}"]
    if where.community_ids is not None:
        ids = [int(i) for i in where.community_ids] or [-1]
        clauses.append(f"r.community_id IN ({', '.join(str(i) for i in ids)})")
    if not where.include_archived:
        params.append(False)
        clauses.append(
            "r.community_id IN (SELECT c.id FROM community c"
            f" WHERE c.archived = {mark(start + len(params) - 1)})"
        )
    for tag in where.tags:
        # a whole tag, compared literally: "_" and "%" in a tag are no LIKE wildcards;
        # tags_text holds each tag's key, so any accents or capitals find it
        escaped = tag_key(tag).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params.append(f"% {escaped} %")
        clauses.append(
            f"(' ' || r.tags_text || ' ') LIKE {mark(start + len(params) - 1)} ESCAPE '\\'"
        )
    return " AND ".join(clauses), params


async def latest_resource_ids(where: SearchFilter, limit: int = 10) -> list[int]:
    """Ids of the newest resources that pass the filter (no words to rank by)."""
    client = connection()
    dialect = client.capabilities.dialect
    conditions, params = _filters(where, "?" if dialect == "sqlite" else "$", 1)
    sql = f"""
        SELECT r.id AS id FROM resource r WHERE {conditions}
        ORDER BY r.shared_at DESC, r.id DESC
        LIMIT {int(limit)}"""
    rows = await client.execute_query_dict(sql, params)
    return [int(row["id"]) for row in rows]


async def _search_sqlite(
    client: BaseDBAsyncClient, words: list[str], where: SearchFilter, limit: int
) -> list[int]:
    # every word must match; each as a quoted prefix so partial words find results too
    match = " ".join(f'"{word}"*' for word in words)
    conditions, params = _filters(where, "?", 2)
    sql = f"""
        SELECT r.id AS id FROM resource_fts f JOIN resource r ON r.id = f.rowid
        WHERE resource_fts MATCH ? AND {conditions}
        ORDER BY bm25(resource_fts, 10.0, 3.0, 8.0, 1.0), r.shared_at DESC
        LIMIT {int(limit)}"""
    rows = await client.execute_query_dict(sql, [match, *params])
    return [int(row["id"]) for row in rows]


async def _search_postgres(
    client: BaseDBAsyncClient, words: list[str], where: SearchFilter, limit: int
) -> list[int]:
    text = " ".join(words)
    conditions, params = _filters(where, "$", 2)
    # prefix matching on the unstemmed words, stemmed matching in both languages
    prefix = " & ".join(f"{fold_accents(word)}:*" for word in words)
    query = (
        "(websearch_to_tsquery('english', $1) || websearch_to_tsquery('french', $1)"
        f" || to_tsquery('simple', ${len(params) + 2}))"
    )
    sql = f"""
        SELECT r.id AS id FROM resource r
        WHERE r.search_vector @@ {query} AND {conditions}
        ORDER BY ts_rank_cd(r.search_vector, {query}) DESC, r.shared_at DESC
        LIMIT {int(limit)}"""
    rows = await client.execute_query_dict(sql, [text, *params, prefix])
    return [int(row["id"]) for row in rows]
