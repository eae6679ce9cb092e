from rest_framework import serializers

from core.serializers import BASE_READ_ONLY, StrictModelSerializer
from workspaces.models import Workspace
from workspaces.viewsets import scoped_fk

from .models import BusinessCase, Persona, Product, Vision


class ProductSerializer(StrictModelSerializer):
    workspace = scoped_fk(Workspace, "id", required=True, allow_null=False)

    class Meta:
        model = Product
        fields = [
            "id",
            "workspace",
            "name",
            "key",
            "description",
            "stage",
            "allow_parallel_sprints",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = BASE_READ_ONLY
        create_only_fields = ("workspace",)


class VisionSerializer(StrictModelSerializer):
    product = scoped_fk(Product, "workspace", required=True, allow_null=False)

    class Meta:
        model = Vision
        fields = [
            "id",
            "product",
            "statement",
            "target_customers",
            "problem",
            "value_proposition",
            "differentiators",
            "time_horizon",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = BASE_READ_ONLY
        create_only_fields = ("product",)


class BusinessCaseSerializer(StrictModelSerializer):
    product = scoped_fk(Product, "workspace", required=True, allow_null=False)
    roi_percent = serializers.DecimalField(max_digits=20, decimal_places=1, read_only=True, allow_null=True)

    class Meta:
        model = BusinessCase
        fields = [
            "id",
            "product",
            "title",
            "problem_statement",
            "validation_status",
            "evidence",
            "expected_annual_benefit",
            "expected_annual_cost",
            "roi_percent",
            "pricing_strategy",
            "decision",
            "decision_date",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = BASE_READ_ONLY
        create_only_fields = ("product",)


class PersonaSerializer(StrictModelSerializer):
    product = scoped_fk(Product, "workspace", required=True, allow_null=False)

    class Meta:
        model = Persona
        fields = ["id", "product", "name", "description", "goals", "pains", "created_at", "updated_at", "version"]
        read_only_fields = BASE_READ_ONLY
        create_only_fields = ("product",)
