"""A current value typed on a key result becomes a check-in, so that the one rule (KPI, else latest
check-in) keeps showing it. Only values the rule would not replace are kept: key results without
a check-in whose KPI, if any, has no measurement."""

from django.db import migrations
from django.db.models import Exists, OuterRef

NOTE = "Current value entered on the key result."


def typed_values_to_check_ins(apps, schema_editor):
    KeyResult = apps.get_model("okrs", "KeyResult")
    Measurement = apps.get_model("okrs", "Measurement")
    typed = KeyResult.objects.filter(current_value__isnull=False).filter(
        ~Exists(Measurement.objects.filter(key_result=OuterRef("pk"))),
        ~Exists(Measurement.objects.filter(kpi=OuterRef("kpi_id"))),
    )
    Measurement.objects.bulk_create(
        [
            Measurement(
                key_result_id=key_result.pk,
                value=key_result.current_value,
                measured_at=key_result.updated_at,
                note=NOTE,
                created_by_id=key_result.created_by_id,
            )
            for key_result in typed.iterator()
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("okrs", "0005_key_result_current_value_not_editable"),
    ]

    operations = [migrations.RunPython(typed_values_to_check_ins, migrations.RunPython.noop)]
