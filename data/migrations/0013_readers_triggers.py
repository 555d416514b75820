"""The database moves a community's ``readers_version`` itself, by triggers on
``membership`` and ``member`` (``data.readers``): commands did it by a call of their own,
and a change made anywhere else left a stale count of the channel's readers in place."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from data.readers import install_readers_triggers


async def _install(apps, schema_editor):  # type: ignore[no-untyped-def]
    await install_readers_triggers(schema_editor.client)


class Migration(migrations.Migration):
    dependencies = [("models", "0012_community_readers")]

    initial = False

    operations = [ops.RunPython(_install)]
