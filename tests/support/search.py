"""What the search structures hold, read directly (tests of the triggers that keep them),
as a search finds them: on SQLite the resources waiting to be indexed are indexed first."""

from __future__ import annotations

from data.db import connection
from data.search_schema import ID_BITS, index_waiting


async def head_index_ids(word: str) -> list[int]:
    """The resources whose title or tags hold ``word``, read from the head tier's own
    structure: ``resource_head_fts`` on SQLite, ``resource_head`` on PostgreSQL."""
    client = connection()
    if client.capabilities.dialect == "sqlite":
        await index_waiting(client)
        sql = f"""SELECT rowid & {(1 << ID_BITS) - 1} AS id FROM resource_head_fts
            WHERE resource_head_fts MATCH ? ORDER BY rowid"""
        rows = await client.execute_query_dict(sql, [f'{{title tags_text}} : "{word}"'])
    else:
        sql = "SELECT id FROM resource_head WHERE head @@ to_tsquery('simple', $1) ORDER BY id"
        rows = await client.execute_query_dict(sql, [word])
    return [int(row["id"]) for row in rows]
