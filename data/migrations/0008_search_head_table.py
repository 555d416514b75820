"""PostgreSQL: a narrow table of head vectors, kept by a trigger, in which the head tier is
ranked (see data/search.py, POSTGRES_SCHEMA_V8); nothing to do on SQLite."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from data.search_schema import install_search_head_table


async def _install(apps, schema_editor):  # type: ignore[no-untyped-def]
    await install_search_head_table(schema_editor.client)


class Migration(migrations.Migration):
    dependencies = [("models", "0007_search_gin")]

    initial = False

    operations = [ops.RunPython(_install)]
