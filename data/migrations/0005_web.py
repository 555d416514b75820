from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0004_search_tiers')]

    initial = False

    operations = [
        ops.CreateModel(
            name='WebToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workspace', fields.ForeignKeyField('models.Workspace', source_field='workspace_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=8)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'web_token', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A web sign-in link (single use, minutes) or the session it opened (a cookie).'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Community',
            name='visibility',
            # communities there already: members only, as before there was a choice
            field=fields.CharField(default='members', db_default='members', max_length=8),
        ),
        ops.AddIndex(
            model_name='Resource',
            index=Index(fields=['community_id', 'shared_at']),
        ),
    ]
