"""Full-text search of the shared repertoire: one interface, one implementation per dialect.

SQLite uses an FTS5 external-content table ranked with bm25; PostgreSQL a weighted
tsvector (English, French and unstemmed) with a GIN index, ranked with ``ts_rank``. Both
take any text a member types: the input is reduced to words before it reaches the query
syntax, so ``c++ & "foo`` cannot break it. The structures, and how triggers keep them in
step with ``resource``, are in ``data.search_schema``: on SQLite resources are indexed in
batches, and every search here first indexes those still waiting (``index_waiting``).

Why ranking is bounded (issue 14)
---------------------------------
Ranking every match exactly costs time in proportion to the number of matches: at 100,000
resources a common word matches 15,000-32,000 of them. FTS5's bm25 costs ~0.6-1 µs a row
(a docsize lookup each), PostgreSQL a heap visit and a ``ts_rank`` each (~1.5 µs). So no
design that scores every match of a common word stays under 20 ms.

What is scored instead is the **head** of a query: its matches with every word in the
title or the tags, the fields that weigh 8-10 times a description. A common word has
~40% of its matches there, and the exact top 10 is nearly always among them (a body-only
match cannot climb above thousands of title hits): over the bench's 48 queries at 100,000
resources, 9.5 of the exact top 10 on average on SQLite; on PostgreSQL 9.9 when the whole
head is ranked exactly, 9.6 as it is ranked now (below).

SQLite asks one bounded question first: are there at most ``EXACT_MATCHES`` matches?
(a walk of the doclists that stops after ``EXACT_MATCHES + 1``, no scoring, ~0.2-1 ms).
If so, every match is ranked: that is the exact ranking. Otherwise the head is ranked,
in its own full-text index (migration 0009), ``resource_head_fts``: title and tags,
asked ``{title tags_text} : (...)``. bm25 costs ~0.9 µs a row there (its docsize lookup
and the auxiliary-function call, whatever the index holds), so what makes the head cheap
is ranking fewer of its rows, and bm25 itself says which: it divides a match's weight by
the length of its whole row, and with title and tag weights of 10 and 8 that division
decides more than which head fields hold the word (a title match in a 10-word row
outscores a title-and-tags match in a 40-word row). So the head index's rowid is the
row's length in words, then its id (``length << 32 | id``); FTS5 returns matches in
rowid order, so the ``HEAD_SHORTEST`` (4,000) shortest head matches are read, scored as
they come and the rest never touched: the commonest word's head (13,700 matches) ranks
in 4.1 ms instead of 10.8, and over the bench's 36 word queries the head's top 10 holds
9.03 of the exact top 10 instead of 9.06 (2,000 shortest: 8.81). The length is counted
by spaces (FTS5 also splits on punctuation): it orders the rows, bm25 scores them with
its own counts. For bm25 to see the whole row's length, a third column, ``pad``, never
searched and weighted 0, holds the url and one ``x`` per word of the description:
without it the head ranked by title-and-tags length alone and agreement fell to 5.8/10.

Before 0009 the head was ranked in ``resource_fts`` with that column filter: bm25 walked
every column's postings of each word to weigh it (idf) and read docsize rows four
columns wide, 1.2-2 µs a head match, 14.5 ms for the commonest word. FTS5 writes out its
pending terms whenever a rowid is not above the previous one, and rows in id order
arrive in no length order: row by row, inserting 20,000 resources in one transaction
took 3.5 s instead of 1.9. Since migration 0011 rows are indexed in batches, each in
rowid order, and an import indexes all its rows at the end. An earlier design ANDed a
column-restricted copy of the words to the whole query; bm25 then scored those copies
too, over-weighting short titles (6.9/10 agreement on the title tier). The ranking runs
inside the full-text index alone, keeping the best ``OVERFETCH``, and only
those are joined to ``resource`` for the workspace filter (a join per match costs as
much as the scoring). When the filter leaves fewer than ``limit`` of them (a small
community), every head match is ranked with the filter applied; when even that finds too
few (a tag), the whole query is ranked over its newest matches. ``EXACT_MATCHES``
is 1,500 (it was 4,000): exact ranking costs ~2 µs a match over four columns, so a
two-word query with 3,200 matches took 6.3 ms to rank exactly and takes ~2.5 in the
head, for 9 instead of 10 of its exact top 10.

PostgreSQL ranks the head first, with no count before it: counting through the GIN index
costs as much as ranking, since both visit every match's heap row. A GIN index returns no
data, so every match costs a visit to its row, and ``resource`` rows are ~1 KB (the two
vectors are 70% of one): a common word's head touched 8,600 of its pages, which cost
more than the index scan and ``ts_rank`` together (a 23 MB copy of the same head vectors
made the same ranking 2x faster; a 76 MB one with ``search_vector`` was no faster). So a
search of a whole workspace ranks the head in two steps (migration 0008): its matches in
``resource_head``, a narrow copy of ``search_head`` kept by triggers (~230-byte rows, 2,900
pages), ranked by the head vector alone, keeping the best ``OVERFETCH``; those 400 are
read from ``resource``, filtered and ranked exactly. The head ranking only lacks what a
description adds: a description holding the word lifts a resource a little (weight B),
and the 400 keep the newest of each head score, so it nearly always lies among them; a
description word extending a typed prefix (``pepedu`` → ``pepeduka``) lifts an older one
further, and that one is missed (9.9 → 9.6 of 10 on the bench; 200 candidates: 8.8).
A search narrowed to communities, tags or kinds ranks its whole head in ``resource`` (most
of the best 400 might not pass its filter). Only when the head holds fewer than ``limit``
matches that pass the filter (the words are rare, or mostly in descriptions) is every
match ranked. Scores are computed as rows are found: a CTE of candidates copied every
matched tsvector (13,000 of ~500 bytes for a common word) past ``work_mem`` onto disk,
+10 ms. Its GIN indexes have no pending list (migration 0007):
with ``fastupdate`` every search scans the entries not yet merged by a vacuum, which
after a bulk load doubled a common word's index scan. A tag filter goes through its own
index of tag keys (``string_to_array(tags_text, ' ')``), not through ``search_head``,
whose posting lists also hold every title word (a tag listing: 10 ms to 0.5 ms).
Two cheap savings in the head step: rows are found with ``q.find``, the query without
its stemmed operands that the typed prefixes already cover (``lima`` is its own English
stem; ``lima:*`` finds all it finds), so the GIN index reads fewer posting lists, while
``ts_rank`` still scores the whole query (same rows, same scores); and the best 400 are
kept by one float8 key, score then id, instead of a float4 and a timestamp. Interleaved
over the bench's queries, p50 9.2 vs 10.9 ms for one word, 9.9 vs 11.0 for a prefix,
agreement unchanged (9.6).

What bounds it now, at 100,000 resources on an idle core: on PostgreSQL the commonest
word's head (13,800 rows) costs ~2-3 ms of GIN scan (``'lim' | 'lima':*`` to find, the
French stem and the prefix: a prefix gathers its matches into a bitmap first), ~4-7 ms
of visits to 2,900 ``resource_head`` pages (nearly every page of it: a common word's
head is everywhere), ~3 ms of ``ts_rank`` and ~2 ms keeping the best 400 (ties on the
score arrive oldest first, so nearly every row still enters the top-N heap), then
~1.5 ms for the 400 rows of ``resource``: 10-13 ms, twice that when the machine is busy.
Every head match is visited because the exact top 10 of a common word lies anywhere in
time (over the bench's one-word queries, from the 8th to the 13,700th newest head
match), so no window of recent rows holds it. On SQLite a common word is one bounded
count (~0.3 ms) and bm25 over its 4,000 shortest head matches (~0.9 µs each, ~4 ms); a
two-word query is one bounded count (~1-2 ms, an AND walk of both doclists) and either
the head's ranking or the exact one over at most 1,500 matches (~2-4 ms: each phrase's
whole doclist walked once by bm25 to weigh the word, then ~2 µs a match).

One- and two-letter words (prefixes matching much of any repertoire) are ranked over
their newest matches only, except in SQLite's head index, which ranks its 4,000 shortest
matches whatever the words.

The ranking function on PostgreSQL is ``ts_rank`` (it was ``ts_rank_cd`` without
normalization), for the bounded search and for the exact reference alike: cover density
gave integer-like scores (12, 12, 10...) that tie thousands of resources for a common
word, broken by date alone, and it costs about twice as much (40 vs 23 ms over 13,800
head matches). ``ts_rank`` grades by field weight and saturating term frequency, as bm25
does on SQLite; the proximity that cover density rewards matters little for the one- to
three-word queries members type, whose head matches hold all their words in a title or
a tag list anyway.

``make bench`` (benchmarks/search_scale.py) prints, for a fixed set of 48 queries, how
many of these top 10 are in the exact top 10 (every match scored), beside p50/p95.

PostgreSQL's generic-plan trap: tortoise prepares statements, and after five runs
PostgreSQL may switch to a generic plan in which ``websearch_to_tsquery(...)`` calls are
re-evaluated for every row in both the filter and the ORDER BY. The query is therefore
built once per statement in a ``MATERIALIZED`` CTE and referenced as a value.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient

from data.db import connection, long_rows
from data.search_schema import ID_BITS, PG_TAG_KEYS, index_waiting

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 12
# SQLite: a query with at most EXACT_MATCHES matches is ranked over all of them; past that,
# over its head matches (words in the title or the tags). bm25 costs ~0.9 µs a head row and
# ~2 µs a row of the whole index (docsize lookups, four columns), so 1,500 rows are ~3 ms;
# the commonest words have ~14,000 head matches at 100,000 resources (~12 ms). One- and
# two-letter words match too much to rank: their newest NEWEST_MATCHES matches are ranked.
EXACT_MATCHES = 1_500
NEWEST_MATCHES = 12_000
# the head tier ranks its shortest matches (bm25 favours short rows, see the docstring)
HEAD_SHORTEST = 4_000
_BM25_WEIGHTS = "10.0, 3.0, 8.0, 1.0"  # title, description, tags, url
_HEAD_BM25_WEIGHTS = "10.0, 8.0, 0.0"  # resource_head_fts: title, tags, pad (length only)
# how many of the best matches of a tier are kept before the workspace filter is applied
OVERFETCH = 400
# PostgreSQL: how many of the newest matches are ranked for one- and two-letter words
PG_NEWEST = 3_000


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
    kinds: tuple[str, ...] = ()  # resource kinds (tool, template...); empty = any
    # an archived community's repertoire is kept, but no longer offered
    include_archived: bool = False


async def search_resource_ids(text: str, where: SearchFilter, limit: int = 10) -> list[int]:
    """Ids of matching resources, best first, newest breaking ties. Empty when no words.

    Ranks the broadest tier small enough to rank exactly (see the module docstring)."""
    words = query_words(text)
    if not words:
        return []
    client = connection()
    if client.capabilities.dialect == "sqlite":
        await index_waiting(client)
        return await _search_sqlite(client, words, where, limit)
    return await _search_postgres(client, words, where, limit)


async def exact_resource_ids(text: str, where: SearchFilter, limit: int = 10) -> list[int]:
    """The reference ranking: every match scored. Used by the bench to measure how often
    the bounded ranking agrees with it; too slow at scale for the command path."""
    words = query_words(text)
    if not words:
        return []
    client = connection()
    if client.capabilities.dialect == "sqlite":
        await index_waiting(client)
        return await _rank_sqlite(client, _fts_words(words), where, limit)
    return await _rank_postgres(client, words, "search_vector", None, where, limit)


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
    if where.kinds:
        marks = []
        for kind in where.kinds:
            params.append(kind)
            marks.append(mark(start + len(params) - 1))
        clauses.append(f"r.kind IN ({', '.join(marks)})")
    for tag in where.tags:
        key = tag_key(tag)
        if placeholder == "$" and key and " " not in key:
            # the same test through resource_tag_keys_idx (PostgreSQL, migration 0007)
            params.append([key])
            clauses.append(f"{PG_TAG_KEYS} @> {mark(start + len(params) - 1)}::text[]")
            continue
        # a whole tag, compared literally: "_" and "%" in a tag are no LIKE wildcards;
        # tags_text holds each tag's key, so any accents or capitals find it
        escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params.append(f"% {escaped} %")
        clauses.append(
            f"(' ' || r.tags_text || ' ') LIKE {mark(start + len(params) - 1)} ESCAPE '\\'"
        )
    return " AND ".join(clauses), params


async def latest_resource_ids(where: SearchFilter, limit: int = 10) -> list[int]:
    """Ids of the newest resources that pass the filter (no words to rank by).

    Walks resource_recent_idx newest first and stops at ``limit``. On SQLite a tag filter
    is first narrowed by the full-text index (tags are indexed words), then checked
    literally; PostgreSQL has an index of tag keys for it (see ``_filters``)."""
    client = connection()
    sqlite = client.capabilities.dialect == "sqlite"
    conditions, params = _filters(where, "?" if sqlite else "$", 1)
    hint = ""
    tag_words = [word for tag in where.tags for word in query_words(tag)]
    if tag_words and sqlite:
        await index_waiting(client)
        match = "{tags_text} : (" + " ".join(f'"{w}"' for w in tag_words) + ")"
        params.append(match)
        hint = " AND r.id IN (SELECT rowid FROM resource_fts WHERE resource_fts MATCH ?)"
    sql = f"""
        SELECT r.id AS id FROM resource r WHERE {conditions}{hint}
        ORDER BY r.shared_at DESC, r.id DESC
        LIMIT {int(limit)}"""
    rows = await long_rows(sql, params, client)
    return [int(row["id"]) for row in rows]


# ---- SQLite -------------------------------------------------------------------------


def _fts_words(words: list[str]) -> str:
    # every word must match; each as a quoted prefix so partial words find results too
    return " ".join(f'"{word}"*' for word in words)


def _fts_head(match: str) -> str:
    # the same words, found in the title or the tags only (never in resource_head_fts's pad)
    return f"{{title tags_text}} : ({match})"


def _bounded_count(position: int, bound: int) -> str:
    # counts matches of the ``position``-th parameter, reading no more than bound + 1
    return f"""(SELECT count(*) FROM (SELECT 1 FROM resource_fts
        WHERE resource_fts MATCH ?{position} LIMIT {bound + 1}))"""


async def _search_sqlite(
    client: BaseDBAsyncClient, words: list[str], where: SearchFilter, limit: int
) -> list[int]:
    match = _fts_words(words)
    # a walk of the doclists that stops at EXACT_MATCHES + 1, no scoring (~0.3-2 ms)
    sizes = f"SELECT {_bounded_count(1, EXACT_MATCHES)} AS every"
    rows = await long_rows(sizes, [match], client)
    if int(rows[0]["every"]) <= EXACT_MATCHES:
        return await _rank_sqlite(client, match, where, limit)
    found = await _rank_sqlite(
        client, _fts_head(match), where, limit, head=True, newest_only=_too_short(words)
    )
    if len(found) < limit:
        # too few head matches pass the filter (a small community, a tag): the body too
        found = await _rank_sqlite(client, match, where, limit, newest_only=True)
    return found


def _too_short(words: list[str]) -> bool:
    """Words of one or two letters match (as prefixes) a large share of every repertoire:
    too many to rank, so their newest matches are ranked instead."""
    return max(len(word) for word in words) <= 2


async def _rank_sqlite(
    client: BaseDBAsyncClient,
    expression: str,
    where: SearchFilter,
    limit: int,
    *,
    head: bool = False,
    newest_only: bool = False,
) -> list[int]:
    """The best ``limit`` matches of ``expression``, in the head tier's own index
    (``resource_head_fts``, title and tags: its HEAD_SHORTEST shortest matches first) or in
    the whole one (with ``newest_only``, its NEWEST_MATCHES newest; in the head, never more
    than its HEAD_SHORTEST shortest). Ranked inside the full-text
    index first (bm25 needs no join), keeping the best OVERFETCH; those are then filtered by
    workspace, community and tags. Only when the filter leaves fewer than ``limit`` is the
    tier ranked again with the filter applied to every match (a search scoped to one small
    community)."""
    bound, bound_params = "", []
    if newest_only and not head:
        # the newest NEWEST_MATCHES matches: FTS5 reads its doclists in rowid order, stopping early
        bound = f"""AND rowid >= coalesce((
            SELECT rowid FROM resource_fts WHERE resource_fts MATCH ?
            ORDER BY rowid DESC LIMIT 1 OFFSET {NEWEST_MATCHES - 1}), 0)"""
        bound_params = [expression]
    conditions, params = _filters(where, "?", 2 + len(bound_params))
    ranked = f"""
        SELECT rowid AS id, bm25(resource_fts, {_BM25_WEIGHTS}) AS score
        FROM resource_fts WHERE resource_fts MATCH ? {bound}"""
    every = ranked
    if head:
        every = f"""
            SELECT rowid & {(1 << ID_BITS) - 1} AS id,
                bm25(resource_head_fts, {_HEAD_BM25_WEIGHTS}) AS score
            FROM resource_head_fts WHERE resource_head_fts MATCH ?"""
        # shortest first (the rowid's high bits), scored as read, stopping at HEAD_SHORTEST
        ranked = f"SELECT id, score FROM ({every} ORDER BY rowid LIMIT {HEAD_SHORTEST})"
        if newest_only:
            every = ranked  # one- or two-letter words: too many matches to rank them all
    best_first = f"""
        SELECT r.id AS id FROM ({ranked} ORDER BY score, id DESC LIMIT {OVERFETCH}) f
        CROSS JOIN resource r ON r.id = f.id WHERE {conditions}
        ORDER BY f.score, r.shared_at DESC LIMIT {int(limit)}"""
    rows = await long_rows(best_first, [expression, *bound_params, *params], client)
    if len(rows) < limit:
        # the whole tier this time (a search scoped to a small community: its best matches
        # may be longer ones). CROSS JOIN keeps the full-text index as the outer loop: left
        # to itself, SQLite may walk resource_recent_idx and run the MATCH once per resource
        filtered = f"""
            SELECT r.id AS id FROM ({every}) f CROSS JOIN resource r ON r.id = f.id
            WHERE {conditions} ORDER BY f.score, r.shared_at DESC LIMIT {int(limit)}"""
        rows = await long_rows(filtered, [expression, *bound_params, *params], client)
    return [int(row["id"]) for row in rows]


# ---- PostgreSQL ---------------------------------------------------------------------

# built once per statement (MATERIALIZED: never inlined, so never re-run per row, whatever
# plan PostgreSQL keeps for the prepared statement): stemmed in both languages, or any
# word of the unstemmed copy starting with the typed letters. ``query`` ranks; ``find``
# matches the same rows with fewer posting lists: a stemmed query whose words are the
# typed ones (``lima``, whose English stem is itself) finds nothing the prefixes miss,
# yet the GIN index would read its posting lists again (0.9 ms of a common word's 2.3).
_PG_QUERY = """WITH s AS MATERIALIZED (SELECT websearch_to_tsquery('english', $1) AS english,
        websearch_to_tsquery('french', $1) AS french, to_tsquery('simple', $2) AS prefixes),
    t AS MATERIALIZED (SELECT *, english @> prefixes AND prefixes @> english AS english_typed,
        french @> prefixes AND prefixes @> french AS french_typed FROM s),
    q AS MATERIALIZED (SELECT english || french || prefixes AS query, CASE
        WHEN english_typed AND french_typed THEN prefixes
        WHEN english_typed THEN french || prefixes
        WHEN french_typed THEN english || prefixes
        ELSE english || french || prefixes END AS find FROM t)"""


def _pg_params(words: list[str]) -> list[object]:
    return [" ".join(words), " & ".join(f"{fold_accents(word)}:*" for word in words)]


async def _search_postgres(
    client: BaseDBAsyncClient, words: list[str], where: SearchFilter, limit: int
) -> list[int]:
    """The head tier is ranked first, with no count before it (a count costs as much as
    the ranking: both visit every match's row); only when it holds fewer than ``limit``
    matches that pass the filter is every match ranked (then the words are rare)."""
    newest = PG_NEWEST if _too_short(words) else None
    if newest is None and _workspace_wide(where):
        candidates, found = await _rank_postgres_head(client, words, where, limit)
        if len(found) >= limit:
            return found
        if candidates < OVERFETCH:
            # every head match was a candidate: the head holds no more, the body may
            return await _rank_postgres(client, words, "search_vector", None, where, limit)
    found = await _rank_postgres(client, words, "search_head", newest, where, limit)
    if len(found) < limit:
        found = await _rank_postgres(client, words, "search_vector", newest, where, limit)
    return found


def _workspace_wide(where: SearchFilter) -> bool:
    """Only archived communities are left out: nearly every head match passes the filter,
    so the best OVERFETCH by head alone keep ``limit`` of them."""
    return where.community_ids is None and not where.tags and not where.kinds


# the head step's order as one float8: its score scaled by 2^32, plus the id (ids grow
# with time). Ties arrive oldest first, so nearly every row of a common word replaces one
# in the top-N heap; one number to compare instead of a float4 and a timestamp makes each
# replacement cheaper. A float4 score's last bit is worth 32-256 once scaled, so scores
# within a few parts in 100,000 of each other are ordered by id, newest first: that only
# decides which near-ties are among the 400 ranked exactly next (agreement 9.6 either way).
_HEAD_ORDER = "ts_rank(h.head, q.query)::float8 * 4294967296 + h.id"


async def _rank_postgres_head(
    client: BaseDBAsyncClient, words: list[str], where: SearchFilter, limit: int
) -> tuple[int, list[int]]:
    """The head tier in two steps: its matches ranked by their head vector alone in the
    narrow ``resource_head`` (migration 0008), the best OVERFETCH then read from
    ``resource``, filtered and ranked exactly. Returns how many candidates there were.

    The head ranking differs from the exact one only by what descriptions add (weight B,
    and longer words sharing a typed prefix), which lifts a resource by less than the gap
    between head classes, except for rare prefix extensions: 9.x of 10 agree."""
    conditions, params = _filters(where, "$", 3)
    sql = f"""{_PG_QUERY}, top AS MATERIALIZED (
            SELECT h.id FROM resource_head h, q
            WHERE h.head @@ q.find AND h.workspace_id = $3
            ORDER BY {_HEAD_ORDER} DESC LIMIT {OVERFETCH})
        SELECT (SELECT count(*) FROM top) AS candidates, ARRAY(
            SELECT r.id FROM top t JOIN resource r ON r.id = t.id, q WHERE {conditions}
            ORDER BY ts_rank(r.search_vector, q.query) DESC, r.shared_at DESC
            LIMIT {int(limit)}) AS ids"""
    rows = await client.execute_query_dict(sql, [*_pg_params(words), *params])
    return int(rows[0]["candidates"]), [int(i) for i in rows[0]["ids"]]


async def _rank_postgres(
    client: BaseDBAsyncClient,
    words: list[str],
    column: str,
    newest: int | None,
    where: SearchFilter,
    limit: int,
) -> list[int]:
    conditions, params = _filters(where, "$", 3)
    if newest is None:
        # ranked as they are found: a CTE of candidates would copy every matched vector
        # (13,000 of ~500 bytes for a common word, past work_mem onto disk: +10 ms)
        sql = f"""{_PG_QUERY}
            SELECT r.id AS id FROM resource r, q
            WHERE r.{column} @@ q.find AND {conditions}
            ORDER BY ts_rank(r.search_vector, q.query) DESC, r.shared_at DESC
            LIMIT {int(limit)}"""
    else:
        # a tier too big to rank (one- or two-letter words): its newest matches (ids grow
        # with time)
        sql = f"""{_PG_QUERY}, candidates AS MATERIALIZED (
                SELECT r.id, r.search_vector, r.shared_at FROM resource r, q
                WHERE r.{column} @@ q.find AND {conditions}
                ORDER BY r.id DESC LIMIT {int(newest)})
            SELECT c.id AS id FROM candidates c, q
            ORDER BY ts_rank(c.search_vector, q.query) DESC, c.shared_at DESC
            LIMIT {int(limit)}"""
    rows = await client.execute_query_dict(sql, [*_pg_params(words), *params])
    return [int(row["id"]) for row in rows]
