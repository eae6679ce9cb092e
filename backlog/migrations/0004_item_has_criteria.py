from django.db import migrations, models
from django.db.models import Exists, OuterRef


def flag_items_with_criteria(apps, schema_editor):
    BacklogItem = apps.get_model("backlog", "BacklogItem")
    AcceptanceCriterion = apps.get_model("backlog", "AcceptanceCriterion")
    BacklogItem.objects.update(has_criteria=Exists(AcceptanceCriterion.objects.filter(item_id=OuterRef("pk"))))


class Migration(migrations.Migration):
    dependencies = [
        ("backlog", "0003_item_done_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="backlogitem",
            name="has_criteria",
            field=models.BooleanField(default=False, db_default=False, editable=False),
        ),
        migrations.RunPython(flag_items_with_criteria, migrations.RunPython.noop, elidable=True),
    ]
