"""SQLite: resources are full-text indexed in batches, and before every search, instead of
one by one as they are written (see data/search_schema.py, SQLITE_SCHEMA_V11); a vote no
longer rewrites a resource's index entries. Nothing to do on PostgreSQL."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from data.search_schema import install_search_batches


async def _install(apps, schema_editor):  # type: ignore[no-untyped-def]
    await install_search_batches(schema_editor.client)


class Migration(migrations.Migration):
    dependencies = [("models", "0010_meeting_community_index")]

    initial = False

    operations = [ops.RunPython(_install)]
