"""API v1: comments (/comments/), the activity history (/activity/) and the trash (/trash/)."""

import django_filters
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from backlog.apis import IdFilter
from core.exceptions import ApplicationError
from core.pagination import KeysetPagination
from core.schema import resource_docs, rules_text
from workspaces.models import Workspace
from workspaces.selectors import workspace_access, workspace_ids_for_user
from workspaces.viewsets import ApiFilterSet, ResourceViewSet, make_filterset

from .history import TRACKED
from .models import Comment, TrashEntry
from .registry import kind_named
from .selectors.comments import comment_target_for_user, comments_for_user, require_comment
from .selectors.history import PAGE_MAX, activity_page
from .selectors.trash import can_restore, entry_label, trash_for_user
from .serializers import ActivitySerializer, CommentSerializer, TrashEntrySerializer, commentable_labels
from .services.comments import comment_create, comment_delete, comment_update
from .services.trash import trash_restore


class CommentFilter(ApiFilterSet):
    target_type = django_filters.ChoiceFilter(
        method="by_target_type", choices=[(label, label) for label in commentable_labels()]
    )
    target_id = IdFilter(field_name="target_id", help_text="The id of the object commented on.")
    workspace = django_filters.ModelChoiceFilter(queryset=Workspace.objects.all())
    author = IdFilter(field_name="author_id", help_text="A user id.")
    parent = IdFilter(field_name="parent_id", help_text="The comment answered.")

    class Meta:
        model = Comment
        fields = ["target_type", "target_id", "workspace", "author", "parent"]

    def by_target_type(self, queryset, name, value):
        app_label, model = value.split(".")
        return queryset.filter(target_type=ContentType.objects.get_by_natural_key(app_label, model))


@resource_docs(
    "comments",
    "Oldest first, cursor-paginated (`page_size` up to 500). Filter with ?target_type= and ?target_id= (one "
    "object's comments), ?workspace=, ?author=, ?parent=. Every member but a viewer may comment; only the "
    "author edits or deletes a comment. Posting sends the comment.created webhook event.",
    rules=["No such object in your workspaces."],
)
class CommentViewSet(ResourceViewSet):
    model = Comment
    serializer_class = CommentSerializer
    workspace_path = "workspace"
    capability = ""
    filter_backends = [DjangoFilterBackend]
    filterset_class = CommentFilter
    pagination_class = KeysetPagination
    keyset_orderings = ("created_at", "-created_at")
    keyset_default = "created_at"

    def base_queryset(self):
        return comments_for_user(user=self.request.user)

    def _target(self, label: str, target_id: int):
        try:
            return comment_target_for_user(user=self.request.user, label=label, target_id=target_id)
        except Http404 as error:
            raise exceptions.ValidationError({"target_id": ["No such object in your workspaces."]}) from error

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        kind, target, access = self._target(data["target_type"], data["target_id"])
        require_comment(access)
        parent = None
        if data.get("parent_id") is not None:
            parent = Comment.objects.filter(
                pk=data["parent_id"], target_type=ContentType.objects.get_for_model(kind.model), target_id=target.pk
            ).first()
            if parent is None:
                raise exceptions.ValidationError({"parent": ["No such comment on this object."]})
        comment = comment_create(kind=kind, target=target, body=data["body"], author=request.user, parent=parent)
        return self.respond(comment, status.HTTP_201_CREATED)

    def _kind_target(self, comment):
        label = f"{comment.target_type.app_label}.{comment.target_type.model}"
        kind = kind_named(label)
        target = kind.model.objects.select_related(*kind.select_related).get(pk=comment.target_id)
        return kind, target

    def update_service(self, *, obj, data, access, actor):
        kind, target = self._kind_target(obj)
        return comment_update(comment=obj, kind=kind, target=target, body=data.get("body", obj.body), actor=actor)

    def delete_service(self, *, obj, access, actor):
        kind, target = self._kind_target(obj)
        comment_delete(comment=obj, kind=kind, target=target, actor=actor)

    def access_to(self, workspace_id, obj=None):
        access = super().access_to(workspace_id, obj)
        return _AnyMember(access)


class _AnyMember:
    """Comment writes check authorship in the service; membership is what the viewset checks."""

    def __init__(self, access):
        self.access = access

    def require(self, capability):
        if capability:
            self.access.require(capability)

    def __getattr__(self, name):
        return getattr(self.access, name)


ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
OBJECT_WITHOUT_KIND = "Give kind with object_id."
NOT_A_MEMBER = "Not a member of your workspaces."
ACTIVITY_PARAMETERS = [
    OpenApiParameter("workspace", ID_SCHEMA, description="One of your workspaces (default: all of them)."),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=sorted(TRACKED), description="One kind of object."),
    OpenApiParameter("object_id", ID_SCHEMA, description="With kind: one object's timeline."),
    OpenApiParameter("user", ID_SCHEMA, description="Changes made by this user id."),
    OpenApiParameter("since", OpenApiTypes.DATETIME, description="Changes at or after this moment."),
    OpenApiParameter("until", OpenApiTypes.DATETIME, description="Changes before this moment."),
    OpenApiParameter("cursor", OpenApiTypes.STR, description="The `next` cursor of the previous page."),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": PAGE_MAX},
        description=f"1 to {PAGE_MAX} (default 50).",
    ),
]


class ActivityQuery(serializers.Serializer):
    workspace = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    kind = serializers.ChoiceField(choices=sorted(TRACKED), required=False)
    object_id = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    user = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)
    cursor = serializers.CharField(required=False, max_length=300)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=PAGE_MAX)

    def validate(self, attrs):
        if attrs.get("object_id") is not None and not attrs.get("kind"):
            raise serializers.ValidationError({"object_id": [OBJECT_WITHOUT_KIND]})
        return attrs


@extend_schema_serializer(many=False)  # one page object, though the action is a list
class ActivityPageSerializer(serializers.Serializer):
    next = serializers.CharField(allow_null=True)
    results = ActivitySerializer(many=True)

    class Meta:
        ref_name = "ActivityPage"


class ActivityViewSet(viewsets.ViewSet):
    """Read-only: the history of changes in your workspaces, newest first."""

    @extend_schema(
        parameters=ACTIVITY_PARAMETERS,
        responses=ActivityPageSerializer,
        description="The recorded changes of your workspaces' objects, newest first, in cursor pages: who, when, "
        "and which fields went from what to what (bulk updates and moves included). On SQLite nothing is "
        "recorded and the list is empty." + rules_text([OBJECT_WITHOUT_KIND, NOT_A_MEMBER]),
    )
    def list(self, request):
        query = ActivityQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        workspace_ids = workspace_ids_for_user(user=request.user)
        if q.get("workspace") is not None:
            if not workspace_ids.filter(workspace_id=q["workspace"]).exists():
                raise exceptions.ValidationError({"workspace": ["Not one of your workspaces."]})
            workspace_ids = [q["workspace"]]
        user_id = q.get("user")
        if (
            user_id is not None
            and not get_user_model()
            .objects.filter(memberships__workspace_id__in=workspace_ids)
            .filter(pk=user_id)
            .exists()
        ):
            raise exceptions.ValidationError({"user": [NOT_A_MEMBER]})
        try:
            rows, next_cursor = activity_page(
                workspace_ids=workspace_ids,
                kinds=[q["kind"]] if q.get("kind") else None,
                target=(q["kind"], q["object_id"]) if q.get("object_id") else None,
                user_id=user_id,
                since=q.get("since"),
                until=q.get("until"),
                cursor=q.get("cursor"),
                limit=q.get("page_size", 50),
            )
        except ValueError as error:
            raise exceptions.ValidationError({"cursor": [str(error)]}) from error
        next_link = None
        if next_cursor:
            params = request.query_params.copy()
            params["cursor"] = next_cursor
            next_link = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
        if not settings.HISTORY_RECORDED:
            rows = []
        return Response({"next": next_link, "results": ActivitySerializer(rows, many=True).data})


@extend_schema_view(
    list=extend_schema(
        description="The deleted objects of your workspaces that can still be restored, newest first; each is "
        "purged for good 30 days after its deletion. Filter with ?workspace=."
    ),
    retrieve=extend_schema(description="One entry of the trash."),
)
class TrashViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TrashEntrySerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = make_filterset(TrashEntry, ["workspace"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TrashEntry.objects.none()
        return trash_for_user(user=self.request.user).defer("snapshot")

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer("Restored", {"type": serializers.CharField(), "id": serializers.IntegerField()}),
            400: OpenApiResponse(description="What it belonged to is gone; it cannot be restored."),
        },
        description="Restore the object with what went with it (criteria, check-ins, links, comments). Needs the "
        "capability deleting it needed.",
    )
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        entry = self.get_object()
        access = workspace_access(user=request.user, workspace_id=entry.workspace_id)
        if not can_restore(access, entry):
            raise exceptions.PermissionDenied("Your role may not restore this.")
        try:
            obj = trash_restore(entry=entry, actor=request.user)
        except ApplicationError as error:
            raise exceptions.ValidationError({"detail": [error.message]}) from error
        return Response({"type": entry_label(entry), "id": obj.pk if obj is not None else entry.target_id})
