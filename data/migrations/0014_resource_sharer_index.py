"""A community's resources by date carry who shared them: the dashboard's activity and
newcomer figures (data/stats_sql.py) read the sharer of every resource of the last 90 days,
which cost a look-up of each row (7,600 of them, ~1.6 ms of 16 on SQLite, for a community
of 20,000 resources). The index replaces the one on (community_id, shared_at), whose
queries it still serves, so a share writes no more index entries than before."""

from tortoise import migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0013_readers_triggers")]

    initial = False

    operations = [
        ops.RemoveIndex(model_name="Resource", fields=["community_id", "shared_at"]),
        ops.AddIndex(
            model_name="Resource", index=Index(fields=["community_id", "shared_at", "shared_by_id"])
        ),
    ]
