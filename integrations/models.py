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


class CodeHostProvider(models.TextChoices):
    GITHUB = "github", "GitHub"
    GITLAB = "gitlab", "GitLab"


class CodeHostIntegration(BaseModel):
    """A repository host that tells PMHub about pull/merge requests and commits naming item keys (PAY-12).

    Its webhook secret is not stored: it is derived from SECRET_KEY and `secret_salt` and shown
    once, as for outgoing webhooks; GitHub signs each delivery with it (HMAC-SHA256), GitLab sends
    it back as a token.
    """

    workspace_path = "workspace"
    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="code_hosts")
    provider = models.CharField(max_length=10, choices=CodeHostProvider.choices)
    name = models.CharField(max_length=100, help_text="Which repository or group this is, for people.")
    hook_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False, help_text="In the webhook's URL.")
    secret_salt = models.CharField(max_length=64, editable=False)
    close_on_merge = models.BooleanField(
        default=True, help_text="Merging a pull/merge request that says “fixes PAY-12” moves PAY-12 to done."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.get_provider_display()}: {self.name}"


class CodeHostDelivery(models.Model):
    """A delivery received from a code host, by its id: the same delivery sent again changes nothing."""

    integration = models.ForeignKey(CodeHostIntegration, on_delete=models.CASCADE, related_name="deliveries")
    delivery_id = models.CharField(max_length=100)
    event = models.CharField(max_length=60)
    received_at = models.DateTimeField(auto_now_add=True)
    result = models.JSONField(default=dict)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["integration", "delivery_id"], name="code_host_delivery_unique_id")
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.delivery_id}"
