"""Workspace and Membership move from the products app to workspaces, keeping their tables and rows."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = ("workspace", "membership")


def content_types_follow(apps, schema_editor):
    """Permissions and admin history of the two models keep pointing at them under their new app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="products", model__in=MODELS).update(app_label="workspaces")


def content_types_return(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="workspaces", model__in=MODELS).update(app_label="products")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("products", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are: only Django's idea of which app owns the models moves.
            state_operations=[
                migrations.CreateModel(
                    name="Membership",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("version", models.PositiveIntegerField(default=1, editable=False)),
                        (
                            "role",
                            models.CharField(
                                choices=[
                                    ("admin", "Admin"),
                                    ("product_manager", "Product manager"),
                                    ("product_owner", "Product owner"),
                                    ("contributor", "Contributor"),
                                    ("executive", "Executive"),
                                    ("viewer", "Viewer"),
                                ],
                                default="viewer",
                                max_length=20,
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "products_membership",
                        "ordering": ["workspace", "user__username"],
                    },
                ),
                migrations.CreateModel(
                    name="Workspace",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("version", models.PositiveIntegerField(default=1, editable=False)),
                        ("name", models.CharField(max_length=120)),
                        ("slug", models.SlugField(max_length=60, unique=True)),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "members",
                            models.ManyToManyField(
                                related_name="workspaces",
                                through="workspaces.Membership",
                                through_fields=("workspace", "user"),
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "products_workspace",
                        "ordering": ["name"],
                    },
                ),
                migrations.AddField(
                    model_name="membership",
                    name="workspace",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="memberships",
                        to="workspaces.workspace",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="membership",
                    constraint=models.UniqueConstraint(
                        fields=("workspace", "user"), name="membership_unique_user_per_workspace"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_follow, content_types_return),
    ]
