from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from data.models import new_ical_uid
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

from data.search import tag_key


def _mark(client, position: int) -> str:  # type: ignore[no-untyped-def]
    return "?" if client.capabilities.dialect == "sqlite" else f"${position}"


async def _backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Existing rows: tags_text holds tag keys (so any accents or capitals find a tag), one
    tag row per key as first written, and a random calendar UID for each meeting."""
    client = schema_editor.client
    m1, m2, m3 = (_mark(client, i) for i in (1, 2, 3))
    labels: dict[tuple[int, str], str] = {}
    rows = await client.execute_query_dict(
        "SELECT id, workspace_id, tags FROM resource ORDER BY shared_at, id"
    )
    for row in rows:
        tags = row["tags"]
        tags = loads(tags) if isinstance(tags, str) else (tags or [])
        keys = []
        for tag in tags:
            key = tag_key(tag)
            labels.setdefault((row["workspace_id"], key), tag)
            keys.append(key)
        await client.execute_query(
            f"UPDATE resource SET tags_text = {m1} WHERE id = {m2}", [" ".join(keys), row["id"]]
        )
    for (workspace_id, key), label in labels.items():
        await client.execute_query(
            f"INSERT INTO tag (workspace_id, key, label) VALUES ({m1}, {m2}, {m3})",
            [workspace_id, key[:40], label[:40]],
        )
    for row in await client.execute_query_dict("SELECT id FROM meeting WHERE ical_uid IS NULL"):
        await client.execute_query(
            f"UPDATE meeting SET ical_uid = {m1} WHERE id = {m2}", [new_ical_uid(), row["id"]]
        )

class Migration(migrations.Migration):
    dependencies = [('models', '0002_search')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FormDraft',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('form_id', fields.CharField(max_length=32)),
                ('values', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'form_draft', 'app': 'models', 'unique_together': (('member', 'form_id'),), 'pk_attr': 'id', 'table_description': 'The answers a member has given to a form so far: kept until the form is saved, so'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Tag',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace', fields.ForeignKeyField('models.Workspace', source_field='workspace_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('key', fields.CharField(max_length=40)),
                ('label', fields.CharField(max_length=40)),
            ],
            options={'table': 'tag', 'app': 'models', 'unique_together': (('workspace', 'key'),), 'pk_attr': 'id', 'table_description': 'A tag of one workspace, one row however it is accented or capitalised: ``key`` is the'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Community',
            name='language',
            field=fields.CharField(null=True, max_length=4),
        ),
        ops.AddField(
            model_name='Community',
            name='digest_since',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Meeting',
            name='ical_uid',
            field=fields.CharField(null=True, default=new_ical_uid, max_length=64),
        ),
        ops.AddField(
            model_name='Meeting',
            name='revised_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Meeting',
            name='sequence',
            field=fields.IntField(default=0, db_default=0),  # meetings there already: 0
        ),
        ops.RunPython(_backfill),
    ]
