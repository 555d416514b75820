"""Questions other areas ask about meetings (kept apart so they don't import the whole
meetings area)."""

from __future__ import annotations

from datetime import datetime

from data.models import Community


async def next_occurrence_start(community: Community, now: datetime) -> datetime | None:
    """When the community's next meeting starts, or None. Filled in by the meetings area."""
    return None
