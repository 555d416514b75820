"""The ``Delivery`` ledger: the only record of what is due and what was sent.

Every function here is one statement (or a read followed by single-statement writes), so
several processes can share one database without holding transactions open:

* ``record`` inserts planned posts with ``bulk_create(ignore_conflicts=True)``; the
  (kind, target, subject) unique key makes re-planning, and two processes planning the
  same window, harmless.
* ``claim_due`` makes a process the owner of due rows for a lease. A row is won only if
  the conditional ``UPDATE ... WHERE status='pending'`` changed it; on PostgreSQL one
  statement claims a batch with ``FOR UPDATE SKIP LOCKED`` so processes don't queue on
  each other's rows.
* ``reap`` puts rows whose lease ran out (their process died between claim and send)
  back to pending, so they are sent by whoever claims next.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import F, Q

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
        query = Delivery.filter(status="pending", due_at__lte=now, kind__in=kinds)
        if served is not None:
            query = query.filter(workspace__platform__in=served)
        candidates = (
            await query.filter(_due_filter(now))
            .order_by("due_at")
            .limit(limit)
            .values_list("id", flat=True)
        )
        won = []
        for delivery_id in candidates:
            changed = (
                await Delivery.filter(id=delivery_id, status="pending")
                .filter(_due_filter(now))
                .update(
                    status="claimed",
                    claimed_by=worker,
                    lease_until=now + lease,
                    attempts=F("attempts") + 1,
                )
            )
            if changed == 1:  # anyone else changed it first: not ours
                won.append(delivery_id)
    if not won:
        return []
    return list(await Delivery.filter(id__in=won).order_by("due_at", "id"))


async def finish(
    delivery: Delivery, worker: str, status: str, now: datetime, *, late: bool, detail: str = ""
) -> bool:
    """Record the outcome; False when the lease was lost meanwhile (someone re-claimed)."""
    changed = await Delivery.filter(id=delivery.id, status="claimed", claimed_by=worker).update(
        status=status,
        sent_at=now if status in ("sent", "fallback") else None,
        late=late,
        lease_until=None,
        detail=detail[:DETAIL_LENGTH],
    )
    if changed != 1:
        log.warning("delivery %s finished as %s after its lease was lost", delivery.id, status)
    return changed == 1


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


async def reap(now: datetime) -> int:
    """Rows whose claimer died (lease expired) go back to pending."""
    count = await Delivery.filter(status="claimed", lease_until__lte=now).update(
        status="pending", claimed_by=None, lease_until=None
    )
    if count:
        log.warning("re-queued %s deliveries whose lease expired (a process stopped)", count)
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
