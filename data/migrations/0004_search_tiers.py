"""Search tiers: prefix indexes, the PostgreSQL head vector and a newest-first index
(see data/search.py, "Why ranking is bounded")."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from data.search_schema import install_search_tiers


async def _install(apps, schema_editor):  # type: ignore[no-untyped-def]
    await install_search_tiers(schema_editor.client)


class Migration(migrations.Migration):
    dependencies = [("models", "0003_conversations")]

    initial = False

    operations = [ops.RunPython(_install)]
