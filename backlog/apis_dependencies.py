"""API v1: dependencies between backlog items (this item waits for that one)."""

import django_filters
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.db import retry_on_conflict
from core.schema import resource_docs
from core.serializers import StrictSerializer
from products.models import Product
from workspaces.models import Capability
from workspaces.viewsets import ResourceViewSet, make_filterset, scoped_fk

from .models import BacklogItem, ItemDependency
from .serializers import ItemDependencySerializer
from .services.dependencies import (
    DEPENDENCIES_PER_ITEM_MAX,
    item_dependencies_set,
    item_dependency_add,
    item_dependency_remove,
)


class DependenciesSetSerializer(StrictSerializer):
    item = scoped_fk(
        BacklogItem, "product__workspace", required=True, allow_null=False, help_text="The item that waits."
    )
    depends_on = serializers.ListField(
        child=scoped_fk(BacklogItem, "product__workspace", required=True, allow_null=False),
        max_length=DEPENDENCIES_PER_ITEM_MAX,
        help_text=f"Everything the item waits for (its full list; at most {DEPENDENCIES_PER_ITEM_MAX}).",
    )


@resource_docs(
    "item dependencies (item waits for depends_on)",
    "Filter with ?item=, ?depends_on=, ?product= or ?workspace=. A self-dependency or a loop is refused (400).",
)
class ItemDependencyViewSet(ResourceViewSet):
    model = ItemDependency
    serializer_class = ItemDependencySerializer
    workspace_path = "item__product__workspace"
    parent_field = "item"
    capability = Capability.EDIT_ITEMS
    select_related = ("item__product", "depends_on__product")
    http_method_names = ["get", "post", "delete", "head", "options"]
    ordering = ["id"]
    filterset_class = make_filterset(
        ItemDependency,
        ["item", "depends_on"],
        "item__product__workspace",
        product=django_filters.ModelChoiceFilter(field_name="item__product", queryset=Product.objects.all()),
    )

    def parent_workspace_id(self, data: dict) -> int:
        return data["item"].product.workspace_id

    def create_service(self, *, data, access, actor):
        return item_dependency_add(item=data["item"], depends_on=data["depends_on"], actor=actor)

    def delete_service(self, *, obj, access, actor):
        item_dependency_remove(dependency=obj, actor=actor)

    @extend_schema(
        request=DependenciesSetSerializer,
        responses={200: ItemDependencySerializer(many=True)},
        description="Replace everything one item waits for (bulk edits and importers): all or nothing; a "
        "self-dependency or a loop is refused with a 400.",
    )
    @action(detail=False, methods=["post"], url_path="set", pagination_class=None)
    @retry_on_conflict
    def set_all(self, request):
        body = DependenciesSetSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        item = body.validated_data["item"]
        with transaction.atomic():
            self.access_to(item.product.workspace_id).require(Capability.EDIT_ITEMS)
            rows = item_dependencies_set(item=item, depends_on=body.validated_data["depends_on"], actor=request.user)
        return Response(ItemDependencySerializer(rows, many=True).data)
