"""API v1: workspaces and their members."""

from django.db.models import OuterRef, Subquery

from core.schema import resource_docs

from . import services
from .models import Capability, Membership, Workspace
from .serializers import MembershipSerializer, WorkspaceSerializer
from .viewsets import ResourceViewSet, make_filterset


@resource_docs("workspaces", "Any signed-in user may create a workspace and becomes its admin.")
class WorkspaceViewSet(ResourceViewSet):
    model = Workspace
    serializer_class = WorkspaceSerializer
    workspace_path = "id"
    capability = Capability.MANAGE_WORKSPACE
    search_fields = ["name"]
    ordering_fields = ["name", "created_at"]
    ordering = ["name"]
    filterset_class = make_filterset(Workspace, ["slug"])

    def base_queryset(self):
        role = Membership.objects.filter(workspace=OuterRef("pk"), user=self.request.user).values("role")[:1]
        return Workspace.objects.annotate(role=Subquery(role))

    def workspace_id_of(self, obj) -> int:
        return obj.pk

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        workspace = services.workspace_create(name=serializer.validated_data["name"], actor=request.user)
        return self.respond(workspace, 201)

    def update_service(self, *, obj, data, access, actor):
        return services.workspace_update(workspace=obj, name=data.get("name", obj.name))


@resource_docs("memberships", "Filter with ?workspace=. Admins add members with roles.")
class MemberViewSet(ResourceViewSet):
    model = Membership
    serializer_class = MembershipSerializer
    workspace_path = "workspace"
    parent_field = "workspace"
    capability = Capability.MANAGE_WORKSPACE
    select_related = ("user",)
    search_fields = ["user__username"]
    ordering_fields = ["created_at", "role"]
    ordering = ["workspace_id", "user__username"]
    filterset_class = make_filterset(Membership, ["workspace", "role"])

    def create_service(self, *, data, access, actor):
        return services.membership_add(workspace=data["workspace"], user=data["user"], role=data["role"], actor=actor)

    def update_service(self, *, obj, data, access, actor):
        return services.membership_change_role(membership=obj, role=data.get("role", obj.role))

    def delete_service(self, *, obj, access, actor):
        services.membership_remove(membership=obj)
