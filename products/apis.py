"""API v1: workspaces, members, products, visions, business cases and personas."""

from django.db.models import OuterRef, Subquery
from drf_spectacular.utils import extend_schema, extend_schema_view

from pmhub.api import ResourceViewSet, make_filterset

from . import services
from .models import BusinessCase, Capability, Membership, Persona, Product, Vision, Workspace
from .serializers import (
    BusinessCaseSerializer,
    MembershipSerializer,
    PersonaSerializer,
    ProductSerializer,
    VisionSerializer,
    WorkspaceSerializer,
)


def _docs(entity: str, extra: str = ""):
    return extend_schema_view(
        list=extend_schema(description=f"List the {entity} of your workspaces. {extra}".strip()),
        retrieve=extend_schema(description=f"One of the {entity}, with its `version` (also sent as ETag)."),
        create=extend_schema(description=f"Create one of the {entity}."),
        update=extend_schema(description=f"Replace one of the {entity}; send If-Match with its version."),
        partial_update=extend_schema(description=f"Change fields of one of the {entity}; send If-Match."),
        destroy=extend_schema(description=f"Delete one of the {entity}; send If-Match."),
    )


@_docs("workspaces", "Any signed-in user may create a workspace and becomes its admin.")
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


@_docs("memberships", "Filter with ?workspace=. Admins add members with roles.")
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


@_docs("products", "Filter with ?workspace= and ?stage=.")
class ProductViewSet(ResourceViewSet):
    model = Product
    serializer_class = ProductSerializer
    workspace_path = "workspace"
    parent_field = "workspace"
    capability = Capability.EDIT_STRATEGY
    search_fields = ["name", "key"]
    ordering_fields = ["name", "key", "created_at", "updated_at"]
    ordering = ["name"]
    filterset_class = make_filterset(Product, ["workspace", "stage", "key"])

    def create_service(self, *, data, access, actor):
        data = dict(data)
        return services.product_create(workspace=data.pop("workspace"), actor=actor, **data)


@_docs("product visions (one per product)", "Filter with ?product= or ?workspace=.")
class VisionViewSet(ResourceViewSet):
    model = Vision
    serializer_class = VisionSerializer
    capability = Capability.EDIT_STRATEGY
    search_fields = ["statement"]
    ordering_fields = ["created_at", "updated_at"]
    ordering = ["product_id"]
    filterset_class = make_filterset(Vision, ["product"], "product__workspace")

    def create_service(self, *, data, access, actor):
        from pmhub.exceptions import ApplicationError

        data = dict(data)
        product = data.pop("product")
        if Vision.objects.filter(product=product).exists():
            raise ApplicationError("This product has a vision already: change that one.", {"product": ["Taken."]})
        return services.vision_save(product=product, actor=actor, data=data)


@_docs("business cases", "Filter with ?product=, ?workspace=, ?validation_status= or ?decision=.")
class BusinessCaseViewSet(ResourceViewSet):
    model = BusinessCase
    serializer_class = BusinessCaseSerializer
    capability = Capability.EDIT_STRATEGY
    search_fields = ["title"]
    ordering_fields = ["title", "created_at", "updated_at", "decision_date"]
    ordering = ["-created_at"]
    filterset_class = make_filterset(BusinessCase, ["product", "validation_status", "decision"], "product__workspace")


@_docs("personas", "Filter with ?product= or ?workspace=.")
class PersonaViewSet(ResourceViewSet):
    model = Persona
    serializer_class = PersonaSerializer
    capability = Capability.EDIT_STRATEGY
    search_fields = ["name"]
    ordering_fields = ["name", "created_at", "updated_at"]
    ordering = ["name"]
    filterset_class = make_filterset(Persona, ["product"], "product__workspace")
