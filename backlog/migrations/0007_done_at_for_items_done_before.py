"""Items that were done before `done_at` existed (0003) get a completion time: their last update, the
best record there is. Throughput, forecasts and "done this week" count them from then on."""

from django.db import migrations
from django.db.models import F

DONE = ("done", "accepted")  # backlog.models.DONE_STATUSES, as the values stood when this was written


def fill_done_at(apps, schema_editor):
    BacklogItem = apps.get_model("backlog", "BacklogItem")
    BacklogItem.objects.filter(status__in=DONE, done_at__isnull=True).update(done_at=F("updated_at"))


class Migration(migrations.Migration):
    dependencies = [("backlog", "0006_item_customer_impact")]

    operations = [migrations.RunPython(fill_done_at, migrations.RunPython.noop)]
