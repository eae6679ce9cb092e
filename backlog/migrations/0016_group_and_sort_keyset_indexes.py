from django.conf import settings
from django.db import migrations, models

# Keyset pages sorted by a date or by customer impact walk (product, field <direction> NULLS LAST,
# id), as core.keyset.keyset_page orders them (ascending: NULLS LAST is the default). Like 0008's
# score indexes these are made on PostgreSQL only and are not part of the model state. The one on
# customer impact replaces the model's (product, customer_impact DESC), of which it is a superset.
SORT_INDEXES = {
    "item_created_keyset": '"created_at" ASC NULLS LAST',
    "item_created_desc_keyset": '"created_at" DESC NULLS LAST',
    "item_updated_keyset": '"updated_at" ASC NULLS LAST',
    "item_updated_desc_keyset": '"updated_at" DESC NULLS LAST',
    "item_impact_desc_keyset": '"customer_impact" DESC NULLS LAST',
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in SORT_INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "backlog_backlogitem" ("product_id", {column}, "id")'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in SORT_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("backlog", "0015_throughput_and_release_scope_indexes"),
        ("products", "0004_product_allow_parallel_sprints"),
        ("roadmap", "0006_initiative_custom_fields"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(create, drop),
        migrations.RemoveIndex(
            model_name="backlogitem",
            name="backlog_bac_product_b4859b_idx",
        ),
        migrations.RemoveIndex(
            model_name="backlogitem",
            name="backlog_bac_product_545d21_idx",
        ),
        migrations.AddIndex(
            model_name="backlogitem",
            index=models.Index(fields=["product", "status", "rank", "id"], name="item_status_rank"),
        ),
        migrations.AddIndex(
            model_name="backlogitem",
            index=models.Index(fields=["product", "moscow", "rank", "id"], name="item_moscow_rank"),
        ),
        migrations.AddIndex(
            model_name="backlogitem",
            index=models.Index(fields=["product", "sprint", "rank", "id"], name="item_sprint_rank"),
        ),
        migrations.AddIndex(
            model_name="backlogitem",
            index=models.Index(fields=["product", "initiative", "rank", "id"], name="item_initiative_rank"),
        ),
        migrations.AddIndex(
            model_name="backlogitem",
            index=models.Index(fields=["product", "owner", "rank", "id"], name="item_owner_rank"),
        ),
    ]
