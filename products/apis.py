"""API v1: products, visions, business cases and personas."""

from core.schema import resource_docs
from workspaces.models import Capability
from workspaces.viewsets import ResourceViewSet, make_filterset

from . import services
from .models import BusinessCase, Persona, Product, Vision
from .serializers import (
    BusinessCaseSerializer,
    PersonaSerializer,
    ProductSerializer,
    VisionSerializer,
)


@resource_docs("products", "Filter with ?workspace= and ?stage=.")
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


@resource_docs("product visions (one per product)", "Filter with ?product= or ?workspace=.")
class VisionViewSet(ResourceViewSet):
    model = Vision
    serializer_class = VisionSerializer
    capability = Capability.EDIT_STRATEGY
    search_fields = ["statement"]
    ordering_fields = ["created_at", "updated_at"]
    ordering = ["product_id"]
    filterset_class = make_filterset(Vision, ["product"], "product__workspace")

    def create_service(self, *, data, access, actor):
        data = dict(data)
        return services.vision_create(product=data.pop("product"), actor=actor, data=data)


@resource_docs("business cases", "Filter with ?product=, ?workspace=, ?validation_status= or ?decision=.")
class BusinessCaseViewSet(ResourceViewSet):
    model = BusinessCase
    serializer_class = BusinessCaseSerializer
    capability = Capability.EDIT_STRATEGY
    search_fields = ["title"]
    ordering_fields = ["title", "created_at", "updated_at", "decision_date"]
    ordering = ["-created_at"]
    filterset_class = make_filterset(BusinessCase, ["product", "validation_status", "decision"], "product__workspace")


@resource_docs("personas", "Filter with ?product= or ?workspace=.")
class PersonaViewSet(ResourceViewSet):
    model = Persona
    serializer_class = PersonaSerializer
    capability = Capability.EDIT_STRATEGY
    search_fields = ["name"]
    ordering_fields = ["name", "created_at", "updated_at"]
    ordering = ["name"]
    filterset_class = make_filterset(Persona, ["product"], "product__workspace")
