"""Workspace and Membership now belong to the workspaces app; after every foreign key to them has followed."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0002_webhook_workspace_from_workspaces_app"),
        ("jobs", "0002_job_workspace_from_workspaces_app"),
        ("okrs", "0004_workspace_from_workspaces_app"),
        ("products", "0001_initial"),
        ("workspaces", "0001_tenancy_moved_from_products"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are: only Django's idea of which app owns the models moves.
            state_operations=[
                migrations.RemoveField(
                    model_name="workspace",
                    name="members",
                ),
                migrations.RemoveField(
                    model_name="workspace",
                    name="created_by",
                ),
                migrations.AlterField(
                    model_name="product",
                    name="workspace",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="products", to="workspaces.workspace"
                    ),
                ),
                migrations.DeleteModel(
                    name="Membership",
                ),
                migrations.DeleteModel(
                    name="Workspace",
                ),
            ],
            database_operations=[],
        ),
    ]
