"""Tags: one tag however it is accented or capitalised.

``#évaluation``, ``#Evaluation`` and ``#EVALUATION`` share one key (``data.search.tag_key``)
and one row per workspace, whose label is the tag as it was first written; everything
shown uses that label, everything compared uses the key.
"""

from __future__ import annotations

from collections.abc import Iterable

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from data.hotpath import tag_labels
from data.models import Tag, Workspace
from data.search import tag_key

__all__ = ["canonical_tags", "tag_key", "tags_text"]


async def canonical_tags(
    workspace: Workspace, tags: Iterable[str], *, record: bool = True
) -> list[str]:
    """The workspace's labels for ``tags``, one per key, in the order given. New ones are
    recorded as written (unless ``record`` is False: a search names tags, it makes none)."""
    wanted: dict[str, str] = {}
    for tag in tags:
        wanted.setdefault(tag_key(tag), tag.lstrip("#"))
    if not wanted:
        return []
    known = await tag_labels(workspace.id, list(wanted))
    for key, label in wanted.items():
        if key in known or not record:
            known.setdefault(key, label)
            continue
        try:
            async with in_transaction():  # a savepoint: a racing first writer wins
                await Tag.create(workspace=workspace, key=key[:40], label=label[:40])
            known[key] = label
        except IntegrityError:
            row = await Tag.get(workspace=workspace, key=key[:40])
            known[key] = row.label
    return [known[key] for key in wanted]


def tags_text(tags: Iterable[str]) -> str:
    """The searchable form of a resource's tags: their keys, space-separated."""
    return " ".join(tag_key(tag) for tag in tags)
