"""API v1: webhook subscriptions and code-host integrations of a workspace, with their deliveries (admins only)."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.schema import resource_docs, rules_text
from workspaces.models import Capability
from workspaces.viewsets import AdminOnlyMixin, ResourceViewSet, make_filterset

from . import codehosts, webhooks
from .models import CodeHostIntegration, WebhookSubscription
from .serializers import (
    CodeHostCreatedSerializer,
    CodeHostDeliverySerializer,
    CodeHostSerializer,
    DeliverySerializer,
    WebhookCreatedSerializer,
    WebhookSerializer,
)


@resource_docs(
    "webhook subscriptions",
    "Only workspace admins see and change them. Deliveries are POSTed as JSON with "
    "X-PMHub-Signature-256: sha256=<HMAC of the body with the secret>.",
)
class WebhookViewSet(AdminOnlyMixin, ResourceViewSet):
    model = WebhookSubscription
    serializer_class = WebhookSerializer
    workspace_path = "workspace"
    parent_field = "workspace"
    capability = Capability.MANAGE_WORKSPACE
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]
    search_fields = ["url", "description"]
    filterset_class = make_filterset(WebhookSubscription, ["workspace", "is_active"])

    def get_serializer_class(self):
        return WebhookCreatedSerializer if self.action == "create" else WebhookSerializer

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        self.access_to(data["workspace"].pk).require(self.capability)
        subscription, secret = webhooks.webhook_create(
            workspace=data["workspace"],
            url=data["url"],
            events=data["events"],
            description=data.get("description", ""),
            actor=request.user,
        )
        if data.get("is_active") is False:
            subscription = webhooks.webhook_update(subscription=subscription, data={"is_active": False})
        body = WebhookCreatedSerializer(subscription, context=self.get_serializer_context()).data
        body["secret"] = secret
        return Response(body, status=status.HTTP_201_CREATED, headers={"ETag": f'"{subscription.version}"'})

    def update_service(self, *, obj, data, access, actor):
        return webhooks.webhook_update(subscription=obj, data=dict(data))

    def delete_service(self, *, obj, access, actor):
        webhooks.webhook_delete(subscription=obj)

    @extend_schema(
        responses={200: DeliverySerializer(many=True)},
        description="The subscription's deliveries, newest first: status, response code, duration, attempts.",
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        subscription = self.get_object()
        page = self.paginate_queryset(subscription.deliveries.order_by("-created_at", "-id"))
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)

    @extend_schema(
        request=None,
        responses={202: DeliverySerializer},
        description="Queue a `ping` delivery to test the receiver." + rules_text([webhooks.PAUSED_PING]),
    )
    @action(detail=True, methods=["post"])
    def ping(self, request, pk=None):
        subscription = self.get_object()
        delivery = webhooks.webhook_ping(subscription=subscription)
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


@resource_docs(
    "code-host integrations",
    "Only workspace admins see and change them. A GitHub or GitLab webhook pointed at `hook_url` links pull/merge "
    "requests and commits naming an item key (PAY-12) to the item, and moves it to done when a merge says it fixes it.",
)
class CodeHostViewSet(AdminOnlyMixin, ResourceViewSet):
    model = CodeHostIntegration
    serializer_class = CodeHostSerializer
    workspace_path = "workspace"
    parent_field = "workspace"
    capability = Capability.MANAGE_WORKSPACE
    ordering = ["name", "id"]
    search_fields = ["name"]
    filterset_class = make_filterset(CodeHostIntegration, ["workspace", "provider", "is_active"])

    def get_serializer_class(self):
        return CodeHostCreatedSerializer if self.action == "create" else CodeHostSerializer

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        self.access_to(data["workspace"].pk).require(self.capability)
        integration, secret = codehosts.code_host_create(
            workspace=data["workspace"],
            provider=data["provider"],
            name=data["name"],
            close_on_merge=data.get("close_on_merge", True),
            actor=request.user,
        )
        if data.get("is_active") is False:
            integration = codehosts.code_host_update(integration=integration, data={"is_active": False})
        body = CodeHostCreatedSerializer(integration, context=self.get_serializer_context()).data
        body["secret"] = secret
        return Response(body, status=status.HTTP_201_CREATED, headers={"ETag": f'"{integration.version}"'})

    def update_service(self, *, obj, data, access, actor):
        return codehosts.code_host_update(integration=obj, data=dict(data))

    @extend_schema(
        responses={200: CodeHostDeliverySerializer(many=True)},
        description="The deliveries received from the code host, newest first, with what each did.",
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        integration = self.get_object()
        page = self.paginate_queryset(integration.deliveries.order_by("-received_at", "-id"))
        return self.get_paginated_response(CodeHostDeliverySerializer(page, many=True).data)
