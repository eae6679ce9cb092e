import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    # The app was called `api` until tokens and webhooks moved here: a database that applied that
    # app's first migration has this one applied too, and keeps its tables until 0003 renames them.
    replaces = [("api", "0001_tokens_and_webhooks")]
    initial = True

    dependencies = [
        ("products", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="WebhookSubscription",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                ("url", models.URLField(max_length=500)),
                (
                    "events",
                    models.JSONField(
                        default=list, help_text='Event names or patterns, like "item.created" or "initiative.*".'
                    ),
                ),
                ("description", models.CharField(blank=True, max_length=200)),
                ("secret_salt", models.CharField(editable=False, max_length=64)),
                ("is_active", models.BooleanField(default=True)),
                ("consecutive_failures", models.PositiveIntegerField(default=0, editable=False)),
                ("paused_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("pause_reason", models.CharField(blank=True, editable=False, max_length=300)),
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
                    "workspace",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="webhooks", to="products.workspace"
                    ),
                ),
            ],
            options={
                "db_table": "api_webhooksubscription",
                "ordering": ["-created_at"],
            },
        ),
        migrations.CreateModel(
            name="WebhookDelivery",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("event_id", models.UUIDField(default=uuid.uuid4, editable=False)),
                ("event", models.CharField(max_length=60)),
                ("payload", models.JSONField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("retrying", "Retrying"),
                            ("succeeded", "Succeeded"),
                            ("failed", "Failed"),
                        ],
                        default="pending",
                        max_length=10,
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("response_code", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("duration_ms", models.PositiveIntegerField(blank=True, null=True)),
                ("error", models.TextField(blank=True)),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("delivered_at", models.DateTimeField(blank=True, null=True)),
                (
                    "subscription",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deliveries",
                        to="integrations.webhooksubscription",
                    ),
                ),
            ],
            options={
                "db_table": "api_webhookdelivery",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                ("name", models.CharField(max_length=100)),
                (
                    "prefix",
                    models.CharField(
                        help_text="The first characters, so the owner can tell tokens apart.", max_length=16
                    ),
                ),
                ("digest", models.CharField(editable=False, max_length=64, unique=True)),
                ("expires_at", models.DateTimeField(blank=True, null=True)),
                ("last_used_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("revoked_at", models.DateTimeField(blank=True, editable=False, null=True)),
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
                        related_name="api_tokens",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "db_table": "api_apitoken",
                "ordering": ["-created_at"],
                "constraints": [
                    models.UniqueConstraint(fields=("user", "name"), name="api_token_unique_name_per_user")
                ],
            },
        ),
        migrations.AddIndex(
            model_name="webhooksubscription",
            index=models.Index(fields=["workspace", "is_active"], name="api_webhook_workspa_a58fd5_idx"),
        ),
        migrations.AddConstraint(
            model_name="webhookdelivery",
            constraint=models.UniqueConstraint(
                fields=("subscription", "event_id"), name="delivery_unique_event_per_subscription"
            ),
        ),
    ]
