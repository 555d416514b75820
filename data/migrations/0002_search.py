"""Full-text search structures, which differ by dialect (see data/search.py)."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from data.search_schema import install_search_schema


async def _install(apps, schema_editor):  # type: ignore[no-untyped-def]
    await install_search_schema(schema_editor.client)


class Migration(migrations.Migration):
    dependencies = [("models", "0001_initial")]

    initial = False

    operations = [ops.RunPython(_install)]
