from django.urls import reverse
from rest_framework import serializers

from core.serializers import BASE_READ_ONLY, StrictModelSerializer
from workspaces.models import Workspace
from workspaces.viewsets import scoped_fk

from .models import CodeHostDelivery, CodeHostIntegration, WebhookDelivery, WebhookSubscription


class EventPatternField(serializers.CharField):
    """An event name or a pattern like initiative.*; the service checks it against the event registry
    (its OpenAPI schema, listing the events, is integrations.schema.EventPatternSchema)."""


class WebhookSerializer(StrictModelSerializer):
    workspace = scoped_fk(Workspace, "id", required=True, allow_null=False)
    events = serializers.ListField(
        child=EventPatternField(max_length=60),
        min_length=1,
        help_text="Event names or patterns like initiative.*, each matching at least one event.",
    )

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "workspace",
            "url",
            "events",
            "description",
            "is_active",
            "consecutive_failures",
            "paused_at",
            "pause_reason",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ("consecutive_failures", "paused_at", "pause_reason", *BASE_READ_ONLY)
        create_only_fields = ("workspace",)


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="The signing secret, shown this once. Verify X-PMHub-Signature-256 with it."
    )

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_id",
            "event",
            "status",
            "attempts",
            "response_code",
            "duration_ms",
            "error",
            "payload",
            "created_at",
            "delivered_at",
        ]
        read_only_fields = fields


class CodeHostSerializer(StrictModelSerializer):
    workspace = scoped_fk(Workspace, "id", required=True, allow_null=False)
    hook_url = serializers.SerializerMethodField(help_text="Where the code host sends its webhooks (JSON).")

    class Meta:
        model = CodeHostIntegration
        fields = [
            "id",
            "workspace",
            "provider",
            "name",
            "close_on_merge",
            "is_active",
            "hook_url",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ("hook_url", *BASE_READ_ONLY)
        create_only_fields = ("workspace", "provider")

    def get_hook_url(self, obj) -> str:
        path = reverse("integrations:code_host_hook", kwargs={"provider": obj.provider, "hook_id": obj.hook_id})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class CodeHostCreatedSerializer(CodeHostSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text="The webhook secret, shown this once: GitHub's “Secret” (it signs with X-Hub-Signature-256), "
        "GitLab's “Secret token” (sent as X-Gitlab-Token).",
    )

    class Meta(CodeHostSerializer.Meta):
        fields = [*CodeHostSerializer.Meta.fields, "secret"]


class CodeHostDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = CodeHostDelivery
        fields = ["id", "delivery_id", "event", "received_at", "result"]
        read_only_fields = fields
