"""REST endpoints of the inbox (/api/v1/notifications/) and watches (/api/v1/watches/): always the caller's own."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from core.serializers import validated

from .models import Notification, Watch
from .selectors.inbox import inbox_for_user, unread_count, watches_for_user
from .selectors.targets import target_for_user
from .serializers import (
    MarkReadInput,
    MarkReadOutput,
    NotificationOutput,
    PreferenceSerializer,
    UnreadOutput,
    WatchInput,
    WatchOutput,
)
from .services.email import email_preference_save, preference_of
from .services.inbox import notification_mark_read
from .services.watching import watch_add, watch_remove
from .targets import Target

UNREAD = OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only unread notifications.")


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your notifications, newest first, in the workspaces you are a member of."""

    serializer_class = NotificationOutput
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator, without a user
            return Notification.objects.none()
        raw = self.request.query_params.get("unread")
        if raw not in (None, "true", "false", "1", "0"):
            raise exceptions.ValidationError({"unread": ['Use "true" or "false".']})
        return inbox_for_user(user=self.request.user, unread_only=raw in ("true", "1"))

    @extend_schema(parameters=[UNREAD])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=MarkReadInput, responses={200: MarkReadOutput})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        """Mark the given notifications (`{"ids": [3, 4]}`) or all unread ones (`{}`) read."""
        data = validated(MarkReadInput, request.data)
        marked = notification_mark_read(user=request.user, notification_ids=data.get("ids"))
        return Response({"marked": marked, "unread": unread_count(user=request.user)})

    @extend_schema(responses={200: UnreadOutput})
    @action(detail=False, methods=["get"])
    def unread(self, request):
        """How many notifications you have not read."""
        return Response({"unread": unread_count(user=request.user)})


class WatchViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """What you watch: items, initiatives, objectives and key results. Any member may watch what they can see."""

    serializer_class = WatchOutput
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Watch.objects.none()
        return watches_for_user(user=self.request.user)

    @extend_schema(request=WatchInput, responses={201: WatchOutput})
    def create(self, request):
        data = validated(WatchInput, request.data)
        target, _ = target_for_user(user=request.user, target_type=data["target_type"], target_id=data["target_id"])
        watch_add(user_ids=[request.user.pk], target=target)
        watch = self.get_queryset().get(target_type=target.type, target_id=target.id)
        return Response(self.get_serializer(watch).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        watch_remove(
            user=self.request.user,
            target=Target(type=instance.target_type, id=instance.target_id, workspace_id=instance.workspace_id),
        )


class PreferenceApi(APIView):
    """Your email preferences: mentions and assignments at once, a daily digest of the rest."""

    @extend_schema(responses={200: PreferenceSerializer})
    def get(self, request):
        preference = preference_of(request.user.pk)
        return Response({"immediate": preference.immediate, "digest": preference.digest})

    @extend_schema(request=PreferenceSerializer, responses={200: PreferenceSerializer})
    def put(self, request):
        data = validated(PreferenceSerializer, request.data)
        preference = email_preference_save(user=request.user, **data)
        return Response({"immediate": preference.immediate, "digest": preference.digest})
