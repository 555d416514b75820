"""The ``Delivery`` ledger: the only record of what is due and what was sent.

Every function here is one statement (or a read followed by single-statement writes), so
several processes can share one database without holding transactions open:

* ``record`` inserts planned posts with ``bulk_create(ignore_conflicts=True)``; the
  (kind, target, subject) unique key makes re-planning, and two processes planning the
  same window, harmless.
* ``claim_due`` makes a process the owner of due rows for a lease: one conditional
  ``UPDATE ... WHERE status='pending' ... RETURNING id`` claims a whole batch, and a row
  is won only if that statement changed it. On PostgreSQL the batch is picked with
  ``FOR UPDATE SKIP LOCKED`` so processes don't queue on each other's rows; on SQLite
  the single statement holds the write lock, so another process's claim runs after it
  and finds the rows taken.
* ``finish_many`` records several outcomes in one statement (one commit): each row
  still changes only if this worker still holds its claim.
* ``reap`` puts rows claimed by a dead process (``scheduler.liveness`` says which, in
  seconds) or whose lease ran out back to pending, so they are sent by whoever claims
  next; ``release`` does the same for a process's own claims when it stops.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import Q

from bot.kernel.effects import KIND as EFFECT
from data.db import connection, dialect
from data.models import Delivery
from scheduler.planning import DuePost

log = logging.getLogger(__name__)

# where a post's "no longer useful after" instant travels in the row's payload
STALE_KEY = "_stale_at"
DETAIL_LENGTH = 500


def stale_at(delivery: Delivery) -> datetime | None:
    value = (delivery.payload or {}).get(STALE_KEY)
    return datetime.fromisoformat(str(value)) if value else None


@dataclass
class RecordReport:
    planned: int = 0  # posts the planners gave
    inserted: int = 0  # rows new to the ledger (attempted: another process may have won)
    stale: int = 0  # new rows already useless: recorded as skipped


def _due_filter(now: datetime) -> Q:
    return Q(lease_until__isnull=True) | Q(lease_until__lte=now)


async def record(
    posts: Sequence[DuePost], now: datetime, start: datetime, end: datetime
) -> RecordReport:
    """Add the posts of [start, end) that the ledger does not hold yet."""
    report = RecordReport(planned=len(posts))
    if not posts:
        return report
    kinds = sorted({post.kind for post in posts})
    known = set(
        await Delivery.filter(kind__in=kinds, due_at__gte=start, due_at__lt=end).values_list(
            "kind", "target", "subject"
        )
    )
    rows: list[Delivery] = []
    for post in posts:
        if (post.kind, post.target, post.subject) in known:
            continue
        payload = dict(post.payload)
        if post.stale_at is not None:
            payload[STALE_KEY] = post.stale_at.isoformat()
        useless = post.stale_at is not None and post.stale_at <= now
        if useless:
            report.stale += 1
            log.info(
                "skipping %s %s %s: due %s, no longer useful since %s",
                post.kind,
                post.target,
                post.subject,
                post.due_at.isoformat(),
                post.stale_at.isoformat() if post.stale_at else "",
            )
        rows.append(
            Delivery(
                workspace_id=post.workspace_id,
                kind=post.kind,
                target=post.target,
                subject=post.subject,
                due_at=post.due_at,
                status="skipped" if useless else "pending",
                detail="stale when planned (missed while down)" if useless else "",
                payload=payload,
            )
        )
    if rows:
        await Delivery.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    report.inserted = len(rows)
    return report


# a CTE, not "WHERE id IN (SELECT ... LIMIT n)": PostgreSQL may run such a subquery more
# than once and claim more than n rows; a data-modifying query's CTE runs exactly once
_PG_CLAIM = """
WITH picked AS (
    SELECT id FROM delivery
    WHERE status = 'pending' AND due_at <= $3
      AND (lease_until IS NULL OR lease_until <= $3)
      AND kind = ANY($4::varchar[])
      AND ($6::varchar[] IS NULL OR workspace_id IN
           (SELECT id FROM workspace WHERE platform = ANY($6::varchar[])))
    ORDER BY due_at
    LIMIT $5
    FOR UPDATE SKIP LOCKED
)
UPDATE delivery SET status = 'claimed', claimed_by = $1, lease_until = $2,
       attempts = delivery.attempts + 1
FROM picked
WHERE delivery.id = picked.id AND delivery.status = 'pending'
RETURNING delivery.id
"""


# one statement, so atomic on SQLite too (a second process's claim waits for the write
# lock, then finds the rows no longer pending): SQLite >= 3.35 for RETURNING
_SQLITE_CLAIM = """
UPDATE delivery SET status = 'claimed', claimed_by = ?, lease_until = ?,
       attempts = attempts + 1
WHERE id IN (
    SELECT id FROM delivery
    WHERE status = 'pending' AND due_at <= ?
      AND (lease_until IS NULL OR lease_until <= ?)
      AND kind IN ({kinds}){platforms}
    ORDER BY due_at
    LIMIT ?
) AND status = 'pending'
RETURNING id
"""


async def _sqlite_claim(
    now: datetime,
    worker: str,
    lease: timedelta,
    limit: int,
    kinds: list[str],
    served: list[str] | None,
) -> list[int]:
    if not kinds or served == []:
        return []
    platforms = ""
    if served is not None:
        marks = ", ".join("?" * len(served))
        platforms = (
            f"\n      AND workspace_id IN (SELECT id FROM workspace WHERE platform IN ({marks}))"
        )
    sql = _SQLITE_CLAIM.format(kinds=", ".join("?" * len(kinds)), platforms=platforms)
    # datetimes as parameters, as the ORM passes them: tortoise's sqlite3 adapter writes
    # the same text the stored values have
    values: list[object] = [worker, now + lease, now, now, *kinds, *(served or []), limit]
    rows = await connection().execute_query_dict(sql, values)
    return [row["id"] for row in rows]


async def claim_due(
    now: datetime,
    worker: str,
    lease: timedelta,
    limit: int,
    kinds: Iterable[str],
    platforms: Iterable[str] | None = None,
) -> list[Delivery]:
    """Claim up to ``limit`` due rows for ``worker``; each row goes to exactly one worker.

    ``platforms``: only posts for workspaces of these platforms (the adapters this process
    runs), so a Slack-only process never claims, fails and retries a Discord post."""
    kinds = list(kinds)
    served = sorted(platforms) if platforms is not None else None
    if dialect() == "postgres":
        rows = await connection().execute_query_dict(
            _PG_CLAIM, [worker, now + lease, now, kinds, limit, served]
        )
        won = [row["id"] for row in rows]
    else:
        won = await _sqlite_claim(now, worker, lease, limit, kinds, served)
    if not won:
        return []
    return list(await Delivery.filter(id__in=won).order_by("due_at", "id"))


@dataclass(frozen=True)
class Outcome:
    """What happened to one claimed row, for ``finish_many``."""

    delivery: Delivery
    status: str
    at: datetime
    late: bool = False
    detail: str = ""


async def finish(
    delivery: Delivery, worker: str, status: str, now: datetime, *, late: bool, detail: str = ""
) -> bool:
    """Record the outcome; False when the lease was lost meanwhile (someone re-claimed)."""
    [done] = await finish_many([Outcome(delivery, status, now, late, detail)], worker)
    return done


# one statement records a whole group: atomic, one commit, and RETURNING tells which rows
# this worker still held (a row whose lease was lost is left alone). A command effect's
# payload (a DM's text, a welcome post's profile) is not kept once it is done with.
_FINISH = """
UPDATE delivery SET status = v.{c[1]}, sent_at = v.{c[2]}, late = v.{c[3]},
       lease_until = NULL, detail = v.{c[4]},
       payload = CASE WHEN delivery.kind = '{effect}' THEN '{{}}' ELSE delivery.payload END
FROM (VALUES {rows}) AS v{alias}
WHERE delivery.id = v.{c[0]} AND delivery.status = 'claimed' AND delivery.claimed_by = {worker}
RETURNING delivery.id
"""
_FINISH_CHUNK = 500  # rows per statement: far below either database's parameter limit


def _finish_sql(count: int) -> str:
    if dialect() == "postgres":
        rows = ", ".join(
            f"(${i * 5 + 1}::integer, ${i * 5 + 2}::varchar, ${i * 5 + 3}::timestamptz,"
            f" ${i * 5 + 4}::boolean, ${i * 5 + 5}::varchar)"
            for i in range(count)
        )
        names = ("id", "status", "sent_at", "late", "detail")
        return _FINISH.format(
            c=names,
            rows=rows,
            alias=f"({', '.join(names)})",
            worker=f"${count * 5 + 1}",
            effect=EFFECT,
        )
    # SQLite (>= 3.33 for UPDATE ... FROM) names a VALUES list's columns column1, column2...
    rows = ", ".join(["(?, ?, ?, ?, ?)"] * count)
    sqlite_names = tuple(f"column{i}" for i in range(1, 6))
    return _FINISH.format(c=sqlite_names, rows=rows, alias="", worker="?", effect=EFFECT)


async def finish_many(outcomes: Sequence[Outcome], worker: str) -> list[bool]:
    """Record several outcomes with one statement; per row, False when its lease was lost
    meanwhile (someone re-claimed it): that row is left alone."""
    done: set[int] = set()
    for first in range(0, len(outcomes), _FINISH_CHUNK):
        chunk = outcomes[first : first + _FINISH_CHUNK]
        values: list[object] = []
        for outcome in chunk:
            sent_at = outcome.at if outcome.status in ("sent", "fallback") else None
            detail = outcome.detail[:DETAIL_LENGTH]
            values += [outcome.delivery.id, outcome.status, sent_at, outcome.late, detail]
        values.append(worker)
        rows = await connection().execute_query_dict(_finish_sql(len(chunk)), values)
        done.update(row["id"] for row in rows)
    results = [outcome.delivery.id in done for outcome in outcomes]
    for outcome, finished in zip(outcomes, results, strict=True):
        if not finished:
            log.warning(
                "delivery %s finished as %s after its lease was lost",
                outcome.delivery.id,
                outcome.status,
            )
    return results


async def retry_later(
    delivery: Delivery, worker: str, now: datetime, error: str, *, max_attempts: int
) -> str:
    """After a failed send: pending again after a back-off, or failed for good."""
    if delivery.attempts >= max_attempts:
        await finish(delivery, worker, "failed", now, late=False, detail=error)
        log.error(
            "delivery %s failed %s times, giving up: %s", delivery.id, delivery.attempts, error
        )
        return "failed"
    backoff = timedelta(seconds=min(30 * 2 ** max(delivery.attempts - 1, 0), 1800))
    await Delivery.filter(id=delivery.id, status="claimed", claimed_by=worker).update(
        status="pending", claimed_by=None, lease_until=now + backoff, detail=error[:DETAIL_LENGTH]
    )
    return "retry"


async def claimers() -> set[str]:
    """The workers holding claims now (usually none: claims last while a post is sent)."""
    rows = await Delivery.filter(status="claimed").distinct().values_list("claimed_by", flat=True)
    return {str(row) for row in rows if row}


async def reap(now: datetime, dead: Iterable[str] = ()) -> int:
    """Rows whose claimer died go back to pending: those of ``dead`` workers at once, any
    other one when its lease runs out (a process alive but stuck). Their ``attempts``
    stay counted, so whoever claims them next checks the platform before re-sending."""
    dead = sorted(dead)
    gone = Q(lease_until__lte=now) | Q(claimed_by__in=dead) if dead else Q(lease_until__lte=now)
    count = await Delivery.filter(gone, status="claimed").update(
        status="pending", claimed_by=None, lease_until=None
    )
    if count:
        log.warning(
            "re-queued %s deliveries of stopped processes (%s)",
            count,
            ", ".join(dead) or "lease expired",
        )
    return count


async def release(worker: str) -> int:
    """A graceful stop: this worker's claims not sent yet go back to pending at once."""
    count = await Delivery.filter(status="claimed", claimed_by=worker).update(
        status="pending", claimed_by=None, lease_until=None
    )
    if count:
        log.info("released %s claimed deliveries for other processes", count)
    return count


async def next_wake(kinds: Iterable[str]) -> datetime | None:
    """The next instant something may need doing: a due row, a back-off or a lease ending."""
    kinds = list(kinds)
    due = await (
        Delivery.filter(status="pending", kind__in=kinds, lease_until__isnull=True)
        .order_by("due_at")
        .limit(1)
        .values_list("due_at", flat=True)
    )
    waits = await (
        Delivery.filter(
            status__in=("pending", "claimed"), kind__in=kinds, lease_until__isnull=False
        )
        .order_by("lease_until")
        .limit(1)
        .values_list("lease_until", flat=True)
    )
    values: list[object] = [*due, *waits]
    candidates = [value for value in values if isinstance(value, datetime)]
    return min(candidates) if candidates else None
