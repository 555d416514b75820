"""Indexes for the figures of ``stats`` and the dashboard (data/stats_sql.py): joins and
leaves counted by range, current members counted per community, the most upvoted."""

from tortoise import migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0005_web")]

    initial = False

    operations = [
        ops.AddIndex(
            model_name="MembershipEvent",
            index=Index(fields=["community_id", "kind", "at", "member_id"]),
        ),
        ops.AddIndex(
            model_name="Membership",
            index=Index(fields=["community_id", "left_at"]),
        ),
        ops.AddIndex(
            model_name="Resource",
            index=Index(fields=["community_id", "votes", "shared_at"]),
        ),
    ]
