"""The tables of tokens and webhooks take the app's name (they were made when it was called `api`)."""

from django.db import migrations


MODELS = ("apitoken", "webhooksubscription", "webhookdelivery")


def content_types_follow(apps, schema_editor):
    """Permissions and admin history of the models keep pointing at them under the app's new name."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="api", model__in=MODELS).update(app_label="integrations")


def content_types_return(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="integrations", model__in=MODELS).update(app_label="api")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("integrations", "0002_webhook_workspace_from_workspaces_app"),
    ]

    operations = [
        migrations.RenameIndex(
            model_name="webhooksubscription",
            new_name="integration_workspa_ca5d0c_idx",
            old_name="api_webhook_workspa_a58fd5_idx",
        ),
        migrations.AlterModelTable(
            name="apitoken",
            table=None,
        ),
        migrations.AlterModelTable(
            name="webhookdelivery",
            table=None,
        ),
        migrations.AlterModelTable(
            name="webhooksubscription",
            table=None,
        ),
        migrations.RunPython(content_types_follow, content_types_return),
    ]
