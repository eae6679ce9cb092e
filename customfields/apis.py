"""API v1: custom field definitions (every member reads them; admins write them)."""

from core.schema import resource_docs
from core.serializers import BASE_READ_ONLY, StrictModelSerializer
from products.models import Product
from workspaces.models import Capability, Workspace
from workspaces.viewsets import ResourceViewSet, make_filterset, scoped_fk

from . import services
from .models import FieldDefinition


class FieldDefinitionSerializer(StrictModelSerializer):
    workspace = scoped_fk(Workspace, "id", required=True, allow_null=False)
    product = scoped_fk(Product, "workspace", help_text="Only this product's items or initiatives; null for all.")

    class Meta:
        model = FieldDefinition
        fields = [
            "id",
            "workspace",
            "product",
            "target",
            "name",
            "key",
            "field_type",
            "options",
            "help_text",
            "order",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = BASE_READ_ONLY
        create_only_fields = ("workspace", "key", "target", "field_type")


@resource_docs(
    "custom field definitions",
    "Values are read and written on items and initiatives as `custom_fields` by key. "
    "Filter with ?workspace=, ?product=, ?target=, ?field_type=.",
    rules=["Only selects have choices."],
)
class FieldDefinitionViewSet(ResourceViewSet):
    model = FieldDefinition
    serializer_class = FieldDefinitionSerializer
    workspace_path = "workspace"
    parent_field = "workspace"
    capability = Capability.MANAGE_WORKSPACE
    select_related = ("product",)
    filterset_class = make_filterset(FieldDefinition, ["workspace", "product", "target", "field_type"])

    def create_service(self, *, data, access, actor):
        return services.field_definition_create(instance=FieldDefinition(**data), actor=actor)

    def update_service(self, *, obj, data, access, actor):
        return services.field_definition_update(definition=obj, data=data)
