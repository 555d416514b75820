"""An index of meetings by community: ``communities`` asks which communities meet, and
``meetings`` and the planner read a community's meetings; without it each read scanned
every meeting of every workspace."""

from tortoise import migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0009_search_head_index")]

    initial = False

    operations = [
        ops.AddIndex(model_name="Meeting", index=Index(fields=["community_id", "cancelled"])),
    ]
