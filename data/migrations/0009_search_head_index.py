"""SQLite: the head tier's own full-text index, title and tags only, kept by triggers (see
data/search.py, SQLITE_SCHEMA_V9); nothing to do on PostgreSQL (resource_head, 0008)."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from data.search_schema import install_search_head_index


async def _install(apps, schema_editor):  # type: ignore[no-untyped-def]
    await install_search_head_index(schema_editor.client)


class Migration(migrations.Migration):
    dependencies = [("models", "0008_search_head_table")]

    initial = False

    operations = [ops.RunPython(_install)]
