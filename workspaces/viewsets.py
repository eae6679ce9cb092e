"""The scoped generic API: every endpoint of /api/v1/ reads and writes inside the caller's workspaces.

Endpoints live in each app's `apis.py` and are routed from the app's `api_urls.py`, which
`pmhub/api_urls.py` includes under /api/v1/. Authentication (session or Bearer token), the
per-token throttle, pagination, the JSON renderer and the error shape are project-wide
defaults in settings.REST_FRAMEWORK, so every endpoint inherits them.
"""

from collections.abc import Callable

import django_filters
from django.db import models, transaction
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.utils.functional import SimpleLazyObject
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from core.db import retry_on_conflict
from core.serializers import IF_MATCH, PreconditionFailed, etag, if_match_version
from core.services import instance_create, instance_update

from .graph import workspace_path_of
from .models import Capability, Membership, Role, Workspace
from .selectors import Access, workspace_access, workspace_ids_for_user


def api_workspace_access(request, workspace_id: int, capability: str | None = None) -> Access:
    """Access to a workspace for an API call: 404 when not a member, 403 without the capability."""
    access = workspace_access(user=request.user, workspace_id=workspace_id)
    if capability is not None:
        access.require(capability)
    return access


def user_scoped(model: type[models.Model], workspace_path: str) -> Callable:
    """A queryset factory for related fields and filters: objects of the request user's workspaces."""

    def queryset(request):
        if request is None or not request.user.is_authenticated:
            return model.objects.none()
        return model.objects.filter(**{f"{workspace_path}__in": workspace_ids_for_user(user=request.user)})

    return queryset


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id that must name an object of one of the user's workspaces (else: 400, "does not exist")."""

    def __init__(self, *, model=None, workspace_path: str = "", **kwargs):
        self.scoped_model, self.workspace_path = model, workspace_path
        if not kwargs.get("read_only"):
            kwargs["queryset"] = model.objects.all()
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return user_scoped(self.scoped_model, self.workspace_path)(request)


def scoped_fk(model, workspace_path: str, **kwargs) -> ScopedPrimaryKeyRelatedField:
    kwargs.setdefault("required", False)
    kwargs.setdefault("allow_null", True)
    return ScopedPrimaryKeyRelatedField(model=model, workspace_path=workspace_path, **kwargs)


WRITE_ACTIONS = {"update", "partial_update", "destroy"}


class ResourceViewSet(viewsets.ModelViewSet):
    """CRUD of one kind of object, scoped to the user's workspaces, writing through services.

    Subclasses declare the model, its `workspace_path` (how to reach its workspace), the
    serializer, the capability that writes need, and override the `*_service` hooks with
    calls to their app's services. Reads are open to every member of the object's workspace.
    Updates and deletes lock the row and honour `If-Match`.
    """

    model: type[models.Model]
    workspace_path: str = "product__workspace"
    parent_field: str = "product"  # the body field that places a new object in a workspace
    capability: str
    delete_capability: str | None = None
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple = ()
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    # ---- reads -------------------------------------------------------------------------------
    def base_queryset(self):
        qs = self.model.objects.all()
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return qs

    def scope(self, qs):
        if getattr(self, "swagger_fake_view", False):
            return qs.none()
        return qs.filter(**{f"{self.workspace_path}__in": workspace_ids_for_user(user=self.request.user)})

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request user
            return self.model.objects.none()
        if self.action in WRITE_ACTIONS:
            qs = self.model.objects.select_for_update(of=("self",))
            qs = self.scope(qs.select_related(*self.select_related) if self.select_related else qs)
        else:
            qs = self.scope(self.base_queryset())
        if self.detail and type(self).scope is ResourceViewSet.scope:
            # One query for the object (and its row lock) and the caller's membership of its workspace
            # (a viewset with a scope of its own, reaching its workspace by several paths, looks it up).
            mine = Membership.objects.filter(workspace_id=OuterRef(self.workspace_path), user=self.request.user)
            qs = qs.annotate(
                access_role=Subquery(mine.values("role")[:1]), access_membership_id=Subquery(mine.values("pk")[:1])
            )
        return qs

    # ---- access ------------------------------------------------------------------------------
    def workspace_id_of(self, obj) -> int:
        value = obj
        for part in self.workspace_path.split("__"):
            if part == "workspace":
                return value.workspace_id
            value = getattr(value, part)
        return value.pk

    def access_to(self, workspace_id: int, obj=None) -> Access:
        """The caller's access to a workspace: from the membership fetched with `obj`'s row lock when
        there is one (no query), otherwise looked up; 404 for a workspace they are not a member of."""
        role = getattr(obj, "access_role", None)
        if role is not None:
            membership = Membership(
                pk=obj.access_membership_id, workspace_id=workspace_id, user=self.request.user, role=role
            )
            workspace = SimpleLazyObject(lambda: Workspace.objects.get(pk=workspace_id))
            return Access(workspace=workspace, membership=membership)
        try:
            membership = Membership.objects.select_related("workspace").get(
                workspace_id=workspace_id, user=self.request.user
            )
        except Membership.DoesNotExist as error:
            raise Http404 from error
        return Access(workspace=membership.workspace, membership=membership)

    def parent_workspace_id(self, data: dict) -> int:
        parent = data[self.parent_field]
        if hasattr(parent, "workspace_id"):
            return parent.workspace_id
        return parent.pk

    # ---- service hooks -----------------------------------------------------------------------
    def split_m2m(self, data: dict) -> tuple[dict, dict]:
        m2m = {k: data.pop(k) for k in list(data) if isinstance(self.model._meta.get_field(k), models.ManyToManyField)}
        return data, m2m

    def create_service(self, *, data: dict, access: Access, actor):
        data, m2m = self.split_m2m(dict(data))
        return instance_create(instance=self.model(**data), actor=actor, m2m=m2m)

    def update_service(self, *, obj, data: dict, access: Access, actor):
        data, m2m = self.split_m2m(dict(data))
        return instance_update(instance=obj, data=data, m2m=m2m)[0]

    def delete_service(self, *, obj, access: Access, actor) -> None:
        obj.delete()

    # ---- actions -----------------------------------------------------------------------------
    def respond(self, obj, status_code=status.HTTP_200_OK) -> Response:
        response = Response(self.get_serializer(self.refetch(obj)).data, status=status_code)
        if getattr(obj, "version", None) is not None:
            response["ETag"] = etag(obj)
        return response

    def refetch(self, obj):
        """The object as the read endpoints show it (with their annotations)."""
        return self.scope(self.base_queryset()).get(pk=obj.pk)

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        response = Response(self.get_serializer(obj).data)
        if getattr(obj, "version", None) is not None:
            response["ETag"] = etag(obj)
        return response

    @retry_on_conflict
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # retry_on_conflict already runs this in a transaction that any error rolls back whole: a
        # savepoint here would only cost two more round trips (here, in update and in destroy).
        with transaction.atomic(savepoint=False):
            access = self.access_to(self.parent_workspace_id(serializer.validated_data))
            access.require(self.capability)
            obj = self.create_service(data=serializer.validated_data, access=access, actor=request.user)
        return self.respond(obj, status.HTTP_201_CREATED)

    def check_version(self, request, obj) -> None:
        expected = if_match_version(request)
        if expected is not None and expected != obj.version:
            raise PreconditionFailed(self.get_serializer(self.refetch(obj)).data)

    @extend_schema(parameters=[IF_MATCH])
    @retry_on_conflict
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        with transaction.atomic(savepoint=False):
            obj = self.get_object()
            access = self.access_to(self.workspace_id_of(obj), obj)
            access.require(self.capability)
            # A request that is not valid is a 400 whatever the version (RFC 9110 § 13.2.1): a
            # precondition is only weighed for a request that would otherwise succeed.
            serializer = self.get_serializer(obj, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            self.check_version(request, obj)
            obj = self.update_service(obj=obj, data=serializer.validated_data, access=access, actor=request.user)
        return self.respond(obj)

    @extend_schema(parameters=[IF_MATCH])
    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    @extend_schema(parameters=[IF_MATCH])
    @retry_on_conflict
    def destroy(self, request, *args, **kwargs):
        with transaction.atomic(savepoint=False):
            obj = self.get_object()
            access = self.access_to(self.workspace_id_of(obj), obj)
            access.require(self.delete_capability or self.capability)
            self.check_version(request, obj)
            self.delete_service(obj=obj, access=access, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---- filters -----------------------------------------------------------------------------------


class ApiFilterSet(django_filters.FilterSet):
    """Related-object filters accept only ids of the user's workspaces: any other id is a 400."""

    def in_workspace(self, queryset, name, workspace):
        """?workspace= for measurements, which reach a workspace through a KPI or a key result."""
        if workspace is None:
            return queryset
        return queryset.filter(
            models.Q(kpi__product__workspace=workspace) | models.Q(key_result__objective__workspace=workspace)
        )

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            # Only the filters a request uses: copying and building the others costs on every request.
            self.base_filters = {name: f for name, f in type(self).base_filters.items() if name in data}
        super().__init__(data, *args, **kwargs)
        for f in self.filters.values():
            if isinstance(f, django_filters.ModelChoiceFilter) and not callable(f.queryset):
                model = f.queryset.model
                f.queryset = user_scoped(model, workspace_path_of(model) or "product__workspace")


@extend_schema_field(OpenApiTypes.INT)
class WorkspaceFilter(django_filters.ModelChoiceFilter):
    """?workspace=<id> filtered by a method (for objects with two ways to their workspace)."""


def make_filterset(model, fields: list[str], workspace_path: str | None = None, **declared) -> type:
    """A FilterSet on `fields` (exact matches), plus ?workspace= for objects that reach it through a parent."""
    attrs = {"Meta": type("Meta", (), {"model": model, "fields": fields}), **declared}
    if workspace_path and "__" in workspace_path:
        attrs["workspace"] = django_filters.ModelChoiceFilter(
            field_name=workspace_path, queryset=Workspace.objects.all()
        )
    return type(f"{model.__name__}Filter", (ApiFilterSet,), attrs)


class AdminOnlyMixin:
    """For resources only a workspace's admins see (webhooks, invitations): the list shows those of the
    workspaces the user administers, and any one object needs the capability to manage its workspace."""

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "list" and not getattr(self, "swagger_fake_view", False):
            admin_of = Membership.objects.filter(user=self.request.user, role=Role.ADMIN).values("workspace_id")
            qs = qs.filter(workspace__in=admin_of)
        return qs

    def get_object(self):
        obj = super().get_object()
        self.access_to(obj.workspace_id).require(Capability.MANAGE_WORKSPACE)
        return obj
