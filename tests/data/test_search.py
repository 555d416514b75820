"""The two search implementations pass the same tests and survive any input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data import search
from data.db import connection
from data.models import Community, Resource, Workspace
from data.search import SearchFilter, search_resource_ids
from tests.support.search import head_index_ids

NOW = datetime(2027, 1, 1, tzinfo=UTC)


async def seed() -> tuple[Workspace, Community]:
    workspace = await Workspace.create(platform="console", external_id="W", created_at=NOW)
    community = await Community.create(
        workspace=workspace, name="Design", name_key="design", created_at=NOW
    )
    rows = [
        ("https://a.example", "Rubric templates for grading", "", "assessment"),
        ("https://b.example", "Grading", "how to write a rubric quickly", "assessment"),
        ("https://c.example", "Évaluation par les pairs", "une grille d'évaluation", "évaluation"),
        ("https://d.example", "C++ for teachers", "", "code"),
    ]
    for index, (url, title, description, tags) in enumerate(rows):
        await Resource.create(
            workspace=workspace,
            community=community,
            url=url,
            url_key=url,
            title=title,
            description=description,
            tags=[tags],
            tags_text=tags,
            shared_at=NOW + timedelta(minutes=index),
        )
    return workspace, community


async def titles(ids: list[int]) -> list[str]:
    by_id = {r.id: r.title for r in await Resource.filter(id__in=ids)}
    return [by_id[i] for i in ids]


async def test_title_outranks_description(db: str) -> None:
    workspace, _ = await seed()
    found = await titles(await search_resource_ids("rubric", SearchFilter(workspace.id)))
    assert found == ["Rubric templates for grading", "Grading"]


async def test_accents_prefixes_and_symbols(db: str) -> None:
    workspace, _ = await seed()
    where = SearchFilter(workspace.id)
    assert await titles(await search_resource_ids("evaluation", where)) == [
        "Évaluation par les pairs"
    ]
    assert await titles(await search_resource_ids("templ", where)) == [
        "Rubric templates for grading"
    ]
    assert await titles(await search_resource_ids('c++ & "teach', where)) == ["C++ for teachers"]


async def test_filters_by_tag_community_and_workspace(db: str) -> None:
    workspace, community = await seed()
    assert (
        len(await search_resource_ids("grading", SearchFilter(workspace.id, None, ("code",)))) == 0
    )
    assert (
        len(await search_resource_ids("grading", SearchFilter(workspace.id, [community.id + 1])))
        == 0
    )
    assert len(await search_resource_ids("grading", SearchFilter(workspace.id + 1))) == 0


async def test_updates_and_deletes_reach_the_index(db: str) -> None:
    workspace, _ = await seed()
    resource = await Resource.get(url="https://d.example")
    resource.title = "Python for teachers"
    await resource.save()
    where = SearchFilter(workspace.id)
    assert await titles(await search_resource_ids("python", where)) == ["Python for teachers"]
    await resource.delete()
    assert await search_resource_ids("python", where) == []


async def test_edits_and_deletes_reach_the_head_tier(db: str) -> None:
    # one result asked: the head tier answers alone (on PostgreSQL from resource_head, which
    # a trigger keeps in step with resource)
    workspace, _ = await seed()
    resource = await Resource.get(url="https://d.example")
    resource.title = "Python course"
    await resource.save()
    where = SearchFilter(workspace.id)
    assert await search_resource_ids("teachers", where, limit=1) == []
    assert await search_resource_ids("python", where, limit=1) == [resource.id]
    resource.description = "for teachers"  # the head unchanged: no write, still found
    await resource.save()
    assert await search_resource_ids("python", where, limit=1) == [resource.id]
    await resource.delete()
    assert await search_resource_ids("python", where, limit=1) == []


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(max_size=80))
async def test_any_query_text_is_safe(db: str, text: str) -> None:
    ids = await search_resource_ids(text, SearchFilter(1))
    assert isinstance(ids, list)


async def test_head_index_stays_in_step_with_share_edit_and_unshare(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # no query is small enough to rank exactly: every search goes through the head tier
    monkeypatch.setattr(search, "EXACT_MATCHES", 0)
    workspace, community = await seed()
    where = SearchFilter(workspace.id)
    shared = await Resource.create(
        workspace=workspace,
        community=community,
        url="https://e.example",
        url_key="https://e.example",
        title="Python course",
        description="a long description of the course",
        tags=["scripting"],
        tags_text="scripting",
        shared_at=NOW + timedelta(hours=1),
    )
    assert await head_index_ids("python") == [shared.id]
    assert await head_index_ids("scripting") == [shared.id]
    assert await search_resource_ids("python", where, limit=1) == [shared.id]

    shared.title = "Ruby course"
    shared.tags, shared.tags_text = ["gems"], "gems"
    await shared.save()
    assert await head_index_ids("python") == []
    assert await head_index_ids("scripting") == []
    assert await head_index_ids("ruby") == [shared.id]
    assert await head_index_ids("gems") == [shared.id]
    assert await search_resource_ids("python", where, limit=1) == []
    assert await search_resource_ids("gems", where, limit=1) == [shared.id]

    shared.description = "short"  # the row's length changes (SQLite weighs it): rewritten
    shared.votes = 3  # a vote alone leaves the index alone
    await shared.save()
    assert await head_index_ids("ruby") == [shared.id]
    assert await search_resource_ids("ruby", where, limit=1) == [shared.id]

    await shared.delete()
    assert await head_index_ids("ruby") == []
    assert await head_index_ids("gems") == []
    assert await search_resource_ids("ruby", where, limit=1) == []
    # the resources seeded first are still found by their titles and tags
    assert len(await head_index_ids("grading")) == 2
    assert len(await head_index_ids("code")) == 1
    if connection().capabilities.dialect == "sqlite":
        # a contentless index is only as right as the values its triggers hand back on
        # delete: FTS5 checks its own structure
        await connection().execute_script(
            "INSERT INTO resource_head_fts(resource_head_fts) VALUES ('integrity-check')"
        )


@pytest.mark.parametrize(
    "text", ["grading", "rubric templ", "évaluation", "the rubric", "rubric or code", "c++ teach"]
)
async def test_postgres_finds_with_fewer_operands_what_it_ranks(db: str, text: str) -> None:
    # the tsquery that finds rows drops stemmed operands the prefixes already cover; it must
    # match exactly the rows the ranking query matches (SQLite has no such split)
    if connection().capabilities.dialect == "sqlite":
        return
    await seed()
    sql = f"""{search._PG_QUERY}
        SELECT array(SELECT r.id FROM resource r, q WHERE r.search_vector @@ q.query
            ORDER BY r.id) AS ranked,
        array(SELECT r.id FROM resource r, q WHERE r.search_vector @@ q.find
            ORDER BY r.id) AS found"""
    rows = await connection().execute_query_dict(sql, search._pg_params(search.query_words(text)))
    assert rows[0]["found"] == rows[0]["ranked"]
    assert rows[0]["found"]  # every text finds something in the seeded rows


async def test_a_scoped_search_finds_head_matches_past_the_shortest(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite's head index scores its HEAD_SHORTEST shortest matches first; a search scoped
    # to a community none of them belongs to then ranks the whole head with its filter
    monkeypatch.setattr(search, "EXACT_MATCHES", 0)
    monkeypatch.setattr(search, "HEAD_SHORTEST", 1)
    workspace, design = await seed()
    other = await Community.create(
        workspace=workspace, name="Other", name_key="other", created_at=NOW
    )
    ids = {}
    for community, title in ((design, "Python"), (other, "Python course for teachers")):
        resource = await Resource.create(
            workspace=workspace,
            community=community,
            url=f"https://{community.name_key}.example",
            url_key=f"https://{community.name_key}.example",
            title=title,
            shared_at=NOW + timedelta(hours=1),
        )
        ids[community.name_key] = resource.id
    if connection().capabilities.dialect == "sqlite":
        # bm25 ranks the shorter row first (ts_rank ignores length)
        found = await search_resource_ids("python", SearchFilter(workspace.id), limit=1)
        assert found == [ids["design"]]
    scoped = SearchFilter(workspace.id, [other.id])
    assert await search_resource_ids("python", scoped, limit=1) == [ids["other"]]
