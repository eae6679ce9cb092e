import uuid

from django.conf import settings
from django.db import models

from core.models import BaseModel


class ApiToken(BaseModel):
    """A personal API token. Only a SHA-256 digest of it is stored; the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, help_text="The first characters, so the owner can tell tokens apart.")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="api_token_unique_name_per_user")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class WebhookSubscription(BaseModel):
    """A URL of a workspace that receives signed JSON deliveries of the events it subscribed to.

    The signing secret is not stored: it is derived from SECRET_KEY and `secret_salt`, shown
    once on creation, so a copy of the database alone cannot forge deliveries.
    """

    workspace_path = "workspace"
    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list, help_text='Event names or patterns, like "item.created" or "initiative.*".')
    description = models.CharField(max_length=200, blank=True)
    secret_salt = models.CharField(max_length=64, editable=False)
    is_active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    paused_at = models.DateTimeField(null=True, blank=True, editable=False)
    pause_reason = models.CharField(max_length=300, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["workspace", "is_active"])]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RETRYING = "retrying", "Retrying"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField(default=uuid.uuid4, editable=False)
    event = models.CharField(max_length=60)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event_id"], name="delivery_unique_event_per_subscription")
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription_id} ({self.status})"
