"""API v1: workspaces, their members and invitations."""

from django.db.models import OuterRef, Subquery
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action

from core.exceptions import ApplicationError
from core.schema import resource_docs

from . import services
from .emails import site_url_for
from .models import Capability, Invitation, Membership, Workspace
from .serializers import InvitationSerializer, MembershipSerializer, WorkspaceSerializer
from .viewsets import AdminOnlyMixin, ResourceViewSet, make_filterset


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


@extend_schema_view(create=extend_schema(exclude=True))
@resource_docs(
    "memberships",
    "Filter with ?workspace=. Admins change roles and remove members; people join by accepting an invitation"
    " (`/api/v1/invitations/`).",
)
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

    def create(self, request, *args, **kwargs):
        raise ApplicationError(
            "Nobody is added to a workspace without accepting: invite them with POST /api/v1/invitations/"
            " {workspace, email, role}; they become a member when they accept the emailed link.",
            {"non_field_errors": ["Members join by invitation: use /api/v1/invitations/."]},
        )

    def update_service(self, *, obj, data, access, actor):
        return services.membership_change_role(membership=obj, role=data.get("role", obj.role))

    def delete_service(self, *, obj, access, actor):
        services.membership_remove(membership=obj)


@extend_schema_view(
    create=extend_schema(
        description=(
            "Invite an email address to a workspace with a role (admins). PMHub emails a link that works once,"
            " for INVITATION_LIFETIME_DAYS days; the person becomes a member when they accept it. The answer is"
            " the same whether or not the address has an account. Inviting an address with an open invitation"
            " renews it (new link, new expiry, this role)."
        )
    ),
    destroy=extend_schema(
        description="Revoke an invitation (admins): its link stops working; it stays listed as revoked."
    ),
)
@resource_docs("invitations", "Admins only: the invitations of the workspaces you administer.")
class InvitationViewSet(AdminOnlyMixin, ResourceViewSet):
    model = Invitation
    serializer_class = InvitationSerializer
    workspace_path = "workspace"
    parent_field = "workspace"
    capability = Capability.MANAGE_WORKSPACE
    select_related = ("created_by",)
    http_method_names = ["get", "post", "delete", "head", "options"]
    search_fields = ["email"]
    ordering_fields = ["created_at", "expires_at", "email"]
    ordering = ["-created_at", "-id"]
    filterset_class = make_filterset(Invitation, ["workspace", "role", "email"])

    def create_service(self, *, data, access, actor):
        return services.invitation_create(
            workspace=data["workspace"],
            email=data["email"],
            role=data["role"],
            actor=actor,
            site_url=site_url_for(self.request),
        )

    def delete_service(self, *, obj, access, actor):
        services.invitation_revoke(invitation=obj)

    @extend_schema(
        request=None,
        responses={200: InvitationSerializer},
        description="Email the invitation again with a new link and a new expiry (admins); the old link stops working.",
    )
    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        invitation = services.invitation_resend(
            invitation=self.get_object(), actor=request.user, site_url=site_url_for(request)
        )
        return self.respond(invitation, status.HTTP_200_OK)
