"""The fixed-SQL look-ups of ``data.hotpath`` and ``data.meeting_reads`` on both
databases: they return what the ORM would, a read inside a transaction sees that
transaction's writes, and on SQLite a read made on the event loop's thread never sees
another task's uncommitted work."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from bot.kernel.messages import message_text
from data.db import close_database, dialect, quick_rows
from data.fixed_sql import load
from data.hotpath import (
    acquaintances,
    coordinated_ids,
    home_community,
    insert_unless_taken,
    joined_communities,
    member_by_id,
    members_named,
    tag_labels,
)
from data.meeting_reads import agenda_texts, answer_counts, meetings_of, occurrences_in
from data.models import (
    AgendaItem,
    Community,
    Meeting,
    Member,
    Membership,
    Occurrence,
    Resource,
    Rsvp,
    Tag,
    Workspace,
)
from data.readers import reader_languages
from data.sqlite_engine import INLINE_COMMIT_BUDGET, CommitTimes
from tests.support.databases import open_empty, sqlite_copy
from tests.support.harness import Harness

NOW = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)


async def _world() -> tuple[Workspace, Member, Member, Community, Community]:
    workspace = await Workspace.create(
        platform="console", external_id="T1", name="T", created_at=NOW
    )
    ada = await Member.create(
        workspace=workspace, external_id="ada", display_name="Ada", first_seen=NOW, language="fr"
    )
    bob = await Member.create(
        workspace=workspace, external_id="bob", display_name="Bob", first_seen=NOW
    )
    python = await Community.create(
        workspace=workspace, name="Python", name_key="python", home_channel_id="C1", created_at=NOW
    )
    moodle = await Community.create(
        workspace=workspace, name="Moodle", name_key="moodle", created_at=NOW
    )
    await Membership.create(member=ada, community=python, role="coordinator", joined_at=NOW)
    await Membership.create(member=bob, community=python, joined_at=NOW)
    await Membership.create(member=bob, community=moodle, joined_at=NOW, left_at=NOW)
    return workspace, ada, bob, python, moodle


async def test_community_look_ups_carry_the_askers_membership(db: str) -> None:
    workspace, ada, bob, python, moodle = await _world()

    found = await home_community(workspace.id, "C1", ada.id)
    assert found is not None
    community, membership = found
    assert community.id == python.id and community.name == "Python"
    assert membership is not None and membership.role == "coordinator"

    stranger = await Member.create(
        workspace=workspace, external_id="cy", display_name="Cy", first_seen=NOW
    )
    found = await home_community(workspace.id, "C1", stranger.id)
    assert found is not None and found[1] is None  # the community, and no membership
    assert await home_community(workspace.id, "C9", ada.id) is None

    # Bob left Moodle: only Python is his
    assert [(c.name, m.role) for c, m in await joined_communities(workspace.id, bob.id)] == [
        ("Python", "member")
    ]
    moodle.archived = True
    await moodle.save()
    python.archived = True
    await python.save()
    assert await joined_communities(workspace.id, bob.id) == []
    assert await home_community(workspace.id, "C1", ada.id) is None


async def test_languages_tags_and_meetings(db: str) -> None:
    workspace, _, _, python, moodle = await _world()
    assert sorted(await reader_languages(python.id), key=str) == [("fr", 1), (None, 1)]
    assert await reader_languages(moodle.id) == []  # Bob left

    await Tag.create(workspace=workspace, key="evaluation", label="Évaluation")
    assert await tag_labels(workspace.id, ["evaluation", "other"]) == {"evaluation": "Évaluation"}

    kept = await Meeting.create(
        community=python,
        title="Weekly",
        start_local="2027-03-02T10:00",
        timezone="UTC",
        created_at=NOW,
    )
    await Meeting.create(
        community=python,
        title="Gone",
        start_local="2027-03-02T10:00",
        timezone="UTC",
        created_at=NOW,
        cancelled=True,
    )
    assert [m.id for m in await meetings_of([python.id, moodle.id])] == [kept.id]
    assert await meetings_of([]) == []


async def test_members_by_platform_id_by_name_and_what_they_coordinate(db: str) -> None:
    workspace, ada, bob, python, moodle = await _world()
    found = await member_by_id(workspace.id, "bob")
    assert found is not None and found.display_name == "Bob"
    assert await member_by_id(workspace.id, "Bob") is None  # a platform id is exact

    assert [m.id for m in await members_named(workspace.id, "bOB")] == [bob.id]
    assert await members_named(workspace.id, "Bo") == []
    await Member.create(workspace=workspace, external_id="bob2", display_name="BOB", first_seen=NOW)
    assert len(await members_named(workspace.id, "bob")) == 2  # the caller asks which

    assert await coordinated_ids(ada.id, [python.id, moodle.id]) == {python.id}
    assert await coordinated_ids(bob.id, [python.id, moodle.id]) == set()
    assert await coordinated_ids(ada.id, []) == set()
    await Membership.filter(member=ada).update(left_at=NOW)  # a coordinator who left is not
    assert await coordinated_ids(ada.id, [python.id]) == set()


async def test_acquaintances_are_the_profiled_members_and_the_coordinators(db: str) -> None:
    workspace, ada, bob, python, moodle = await _world()  # Ada coordinates Python

    async def joined(name: str, minute: int, **profile: object) -> Member:
        member = await Member.create(
            workspace=workspace, external_id=name, display_name=name, first_seen=NOW, **profile
        )
        at = NOW.replace(minute=minute)
        await Membership.create(member=member, community=python, joined_at=at)
        return member

    early = await joined("early", 1, interests=["moodle"])
    await joined("blank", 2)  # nothing to be suggested for
    late = await joined("late", 3, can_help_with="video editing")
    learner = await joined("learner", 4, wants_to_learn="python")
    await joined("bot", 5, interests=["moodle"], is_bot=True)
    gone = await joined("gone", 6, interests=["moodle"])
    await Membership.filter(member=gone).update(left_at=NOW)

    found = await acquaintances(workspace.id, bob.id, [python.id, moodle.id], 10)
    assert [(a.member.id, a.role, a.community_id) for a in found] == [
        (ada.id, "coordinator", python.id),
        (learner.id, "member", python.id),
        (late.id, "member", python.id),
        (early.id, "member", python.id),
    ]
    assert found[1].member.wants_to_learn == "python"  # whole members, as the ORM loads them
    assert [a.member.id for a in await acquaintances(workspace.id, ada.id, [python.id], 2)] == [
        learner.id,
        late.id,
    ]
    assert await acquaintances(workspace.id, bob.id, [], 10) == []


async def test_occurrences_answers_and_agenda_as_the_orm_reads_them(db: str) -> None:
    _, ada, bob, python, _ = await _world()
    meeting = await Meeting.create(
        community=python,
        title="Weekly",
        start_local="2027-03-01T10:00",
        timezone="UTC",
        rrule="FREQ=WEEKLY",
        created_at=NOW,
    )

    def at(day: int) -> datetime:
        return datetime(2027, 3, day, 10, 0, tzinfo=UTC)

    inside = await Occurrence.create(meeting=meeting, original_start=at(8), starts_at=at(9))
    moved_in = await Occurrence.create(meeting=meeting, original_start=at(29), starts_at=at(10))
    moved_out = await Occurrence.create(meeting=meeting, original_start=at(15), starts_at=at(29))
    await Occurrence.create(meeting=meeting, original_start=at(22), starts_at=at(22))
    start, end = at(2), at(16)
    found = await occurrences_in([meeting.id], start, end)
    expected = await Occurrence.filter(meeting_id__in=[meeting.id]).filter(
        starts_at__gte=start, starts_at__lt=end
    ) + await Occurrence.filter(
        meeting_id__in=[meeting.id], original_start__gte=start, original_start__lt=end
    )
    assert sorted(o.id for o in found) == sorted({o.id for o in expected})
    assert sorted(o.id for o in found) == sorted([inside.id, moved_in.id, moved_out.id])
    loaded = next(o for o in found if o.id == moved_in.id)
    assert (loaded.original_start, loaded.starts_at) == (at(29), at(10))
    assert await occurrences_in([], start, end) == []

    for member, status in ((ada, "going"), (bob, "going")):
        await Rsvp.create(occurrence=inside, member=member, status=status, at=NOW)
    await Rsvp.create(occurrence=moved_in, member=ada, status="maybe", at=NOW)
    assert sorted(await answer_counts([inside.id, moved_in.id, moved_out.id])) == [
        (inside.id, "going", 2),
        (moved_in.id, "maybe", 1),
    ]
    await AgendaItem.create(occurrence=inside, member=bob, text="Second", at=at(3))
    await AgendaItem.create(occurrence=inside, member=ada, text="First", at=at(2))
    await AgendaItem.create(occurrence=moved_in, member=None, text="Other", at=at(1))
    assert await agenda_texts([inside.id, moved_in.id]) == [
        (moved_in.id, "Other"),
        (inside.id, "First"),
        (inside.id, "Second"),
    ]
    assert await answer_counts([]) == [] and await agenda_texts([]) == []


async def test_insert_unless_taken_inserts_once(db: str) -> None:
    workspace, ada, _, python, _ = await _world()

    def resource(title: str) -> Resource:
        return Resource(
            workspace=workspace,
            community=python,
            url="https://example.org/a",
            url_key="https://example.org/a",
            title=title,
            tags=["x"],
            tags_text="x",
            shared_by=ada,
            shared_at=NOW,
        )

    first = resource("First")
    assert await insert_unless_taken(first, ("community_id", "url_key"))
    stored = await Resource.get(id=first.id)
    assert (stored.title, stored.tags, stored.shared_at) == ("First", ["x"], NOW)

    # the same link again in the same community: nothing inserted, nothing raised, and the
    # transaction it ran in is still usable (a failed INSERT would abort it on PostgreSQL)
    async with in_transaction():
        assert not await insert_unless_taken(resource("Second"), ("community_id", "url_key"))
        assert await Resource.filter(community=python).count() == 1


async def test_a_read_sees_its_own_transaction_and_no_one_elses(db: str) -> None:
    workspace, *_ = await _world()
    count_sql = "SELECT count(*) AS n FROM community WHERE workspace_id = " + (
        "?" if dialect() == "sqlite" else "$1"
    )

    async def count() -> int:
        return int((await quick_rows(count_sql, [workspace.id]))[0]["n"])

    written, release = asyncio.Event(), asyncio.Event()

    async def writer() -> None:
        async with in_transaction():
            await Community.create(
                workspace=workspace, name="Maths", name_key="maths", created_at=NOW
            )
            assert await count() == 3  # its own insert, seen inside its transaction
            written.set()
            await release.wait()
            raise RuntimeError("rolled back")

    task = asyncio.create_task(writer())
    await written.wait()
    reader = asyncio.create_task(count())
    await asyncio.sleep(0.05)
    if dialect() == "sqlite":
        # one connection: the reader waits for the transaction rather than read into it
        assert not reader.done()
    release.set()
    assert await reader == 2  # never the rolled-back community
    with pytest.raises(RuntimeError):
        await task
    assert await count() == 2


async def test_rows_load_as_the_orm_loads_them(db: str) -> None:
    """``load`` (the C date parser) gives what tortoise's own loader gives, value and
    type, for every model the look-ups return."""
    await _world()
    await Meeting.create(
        community=await Community.get(name="Python"),
        title="Weekly",
        start_local="2027-03-02T10:00",
        timezone="UTC",
        created_at=datetime(2027, 3, 1, 15, 0, 7, 123456, tzinfo=UTC),
    )
    for model in (Workspace, Member, Community, Membership, Meeting):
        rows = await quick_rows(f'SELECT * FROM "{model._meta.db_table}"', [])
        assert rows
        for row in rows:
            ours, theirs = load(model, row), model._init_from_db(**row)
            for name in model._meta.db_fields:
                attribute = model._meta.fields_db_projection_reverse[name]
                mine, orm = getattr(ours, attribute), getattr(theirs, attribute)
                assert (mine, type(mine)) == (orm, type(orm)), (model.__name__, attribute)
                if isinstance(orm, datetime):
                    assert mine.utcoffset() == orm.utcoffset() and mine.tzinfo == orm.tzinfo
            assert ours._saved_in_db and not ours._partial
            await ours.save()  # a loaded instance saves like any other


async def test_a_command_waits_off_the_loop_while_another_process_writes(
    sqlite_template: Path, tmp_path: Path
) -> None:
    """On SQLite a command's transaction takes the write lock as it begins, without
    waiting on the event loop's thread: while another process holds the lock, it waits on
    aiosqlite's thread, the loop goes on, and the command succeeds once the lock is free.
    (It began deferred before: its first write, after its reads and under the full-text
    triggers, failed at once with "database is locked".)"""
    await open_empty(sqlite_copy(sqlite_template, tmp_path))  # SQLite's own lock
    try:
        await _waits_for_the_other_writer()
    finally:
        await close_database()


async def _waits_for_the_other_writer() -> None:
    h = Harness.build()
    await h.say("Ada", "community create python", channel="C1")
    other = sqlite3.connect(connections.get("default").filename, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process writing
    other.execute("UPDATE workspace SET name = 'Renamed'")

    task = asyncio.create_task(h.say("Ada", "share https://example.org/w Waits"))
    ticks = 0
    for _ in range(20):
        await asyncio.sleep(0.01)
        ticks += 1
    assert ticks == 20 and not task.done()  # the loop went on; the command waits
    other.execute("COMMIT")
    other.close()
    reply = await asyncio.wait_for(task, 5)
    assert not reply.is_error, message_text(reply)
    assert await Resource.filter(title="Waits").count() == 1
    assert await Workspace.filter(name="Renamed").exists()


async def test_a_command_that_gives_up_on_the_write_lock_leaves_the_next_ones_working(
    sqlite_template: Path, tmp_path: Path
) -> None:
    """When another process holds the write lock past the wait, the command is told to try
    again and changes nothing; the commands after it work as soon as the lock is free.
    (tortoise's transaction took its lock and kept it when BEGIN failed: every later
    command of the process waited on it forever.)"""
    await open_empty(sqlite_copy(sqlite_template, tmp_path))
    try:
        h = Harness.build()
        await h.say("Ada", "community create python", channel="C1")
        client = connections.get("default")
        client.busy_ms = 50  # the wait for another process's lock, short for the test
        other = sqlite3.connect(client.filename, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process writing, for longer than that

        refused = await asyncio.wait_for(h.say("Ada", "share https://example.org/a A"), 5)
        assert refused.is_error
        assert "busy with other requests right now" in message_text(refused)
        other.execute("COMMIT")
        other.close()

        reply = await asyncio.wait_for(h.say("Ada", "share https://example.org/b B"), 5)
        assert not reply.is_error, message_text(reply)
        assert [r.title for r in await Resource.all().order_by("id")] == ["B"]
    finally:
        await close_database()


async def test_a_quick_disk_commits_on_the_loop_and_a_slow_one_on_the_worker(
    sqlite_template: Path, tmp_path: Path
) -> None:
    """A commit waits on the event loop's thread only while this connection's commits
    have lately been quick; once they are slow (a slow disk, a checkpoint), they go to
    aiosqlite's thread, so the loop is free while the disk syncs, until they are quick
    again."""
    await open_empty(sqlite_copy(sqlite_template, tmp_path))
    try:
        client = connections.get("default")
        assert not await Workspace.exists()  # the connection opens
        threads: list[int] = []

        def seen(statement: str) -> None:
            if statement == "COMMIT":
                threads.append(threading.get_ident())

        client._connection._conn.set_trace_callback(seen)

        async def one_commit(name: str) -> int:
            async with in_transaction():
                await Workspace.create(
                    platform="console", external_id=name, name=name, created_at=NOW
                )
            return threads[-1]

        loop_thread = threading.get_ident()
        assert await one_commit("quick") == loop_thread
        client.commits.recent = 10 * INLINE_COMMIT_BUDGET  # as after a slow commit
        assert await one_commit("slow") != loop_thread
        client.commits.recent = 0.0  # quick again (how fast it gets there: below)
        assert await one_commit("quick again") == loop_thread
        assert await Workspace.filter(external_id__in=["quick", "slow", "quick again"]).count() == 3
    finally:
        await close_database()


def test_commit_times_forget_a_slow_commit_after_a_few_quick_ones() -> None:
    times = CommitTimes()
    times.add(0.015)  # a commit that ran a checkpoint on a slow disk
    assert not times.quick
    quick_ones = 0
    while not times.quick:
        times.add(0.0005)
        quick_ones += 1
    assert 3 <= quick_ones <= 15
