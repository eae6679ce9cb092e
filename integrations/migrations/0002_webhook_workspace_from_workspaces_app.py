"""The workspace foreign key now names workspaces.Workspace (the same table as before)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0001_initial"),
        ("workspaces", "0001_tenancy_moved_from_products"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are: only Django's idea of which app owns the models moves.
            state_operations=[
                migrations.AlterField(
                    model_name="webhooksubscription",
                    name="workspace",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="webhooks", to="workspaces.workspace"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
