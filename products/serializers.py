from django.contrib.auth import get_user_model
from rest_framework import serializers

from pmhub.api import BASE_READ_ONLY, StrictModelSerializer, scoped_fk

from .models import BusinessCase, Membership, Persona, Product, Role, Vision, Workspace


class WorkspaceSerializer(StrictModelSerializer):
    role = serializers.CharField(read_only=True, help_text="Your role in the workspace.")

    class Meta:
        model = Workspace
        fields = ["id", "name", "slug", "role", "created_at", "updated_at", "version"]
        read_only_fields = ["slug", *BASE_READ_ONLY]


class MembershipSerializer(StrictModelSerializer):
    workspace = scoped_fk(Workspace, "id", required=True, allow_null=False)
    user = serializers.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.filter(is_active=True), help_text="A username."
    )
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = Membership
        fields = ["id", "workspace", "user", "role", "created_at", "updated_at", "version"]
        read_only_fields = BASE_READ_ONLY
        create_only_fields = ("workspace", "user")


class ProductSerializer(StrictModelSerializer):
    workspace = scoped_fk(Workspace, "id", required=True, allow_null=False)

    class Meta:
        model = Product
        fields = ["id", "workspace", "name", "key", "description", "stage", "created_at", "updated_at", "version"]
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
