from django.db import migrations, models

# Keyset pages sorted by a score walk (product, score DESC NULLS LAST, id). SQLite cannot index
# NULLS LAST (and has no need: it serves one user), so these two are made on PostgreSQL only and
# are not part of the model state.
SCORE_INDEXES = {
    "item_rice_keyset": "rice_score",
    "item_wsjf_keyset": "wsjf_score",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in SCORE_INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "backlog_backlogitem" ("product_id", "{column}" DESC NULLS LAST, "id")'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in SCORE_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("backlog", "0007_done_at_for_items_done_before")]

    operations = [
        migrations.RunPython(create, drop),
        migrations.AddIndex(
            model_name="backlogitem",
            index=models.Index(fields=["product", "kind", "rank"], name="item_product_kind_rank"),
        ),
    ]
