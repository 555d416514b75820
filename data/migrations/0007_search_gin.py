"""PostgreSQL: an index of tag keys, and GIN indexes without a pending list, so no search
scans unmerged entries (see data/search.py, POSTGRES_SCHEMA_V6); nothing to do on SQLite."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from data.search_schema import install_search_gin_settings


async def _install(apps, schema_editor):  # type: ignore[no-untyped-def]
    await install_search_gin_settings(schema_editor.client)


class Migration(migrations.Migration):
    dependencies = [("models", "0006_stats_indexes")]

    initial = False

    operations = [ops.RunPython(_install)]
