from rest_framework import serializers

from core.serializers import BASE_READ_ONLY, BoundedManyRelatedField, StrictModelSerializer
from okrs.models import KPI, KeyResult
from products.models import Product
from workspaces.viewsets import ScopedPrimaryKeyRelatedField, scoped_fk

from .models import INITIATIVE_LINKS_MAX, Initiative, Release, Theme


class ThemeSerializer(StrictModelSerializer):
    product = scoped_fk(Product, "workspace", required=True, allow_null=False)

    class Meta:
        model = Theme
        fields = ["id", "product", "name", "description", "color", "order", "created_at", "updated_at", "version"]
        read_only_fields = BASE_READ_ONLY
        create_only_fields = ("product",)


class ReleaseSerializer(StrictModelSerializer):
    product = scoped_fk(Product, "workspace", required=True, allow_null=False)

    class Meta:
        model = Release
        fields = ["id", "product", "name", "goal", "target_date", "status", "created_at", "updated_at", "version"]
        read_only_fields = BASE_READ_ONLY
        create_only_fields = ("product",)


def _many(model, path: str, help_text: str):
    return BoundedManyRelatedField(
        child_relation=ScopedPrimaryKeyRelatedField(model=model, workspace_path=path),
        max_length=INITIATIVE_LINKS_MAX,
        required=False,
        help_text=f"{help_text} At most {INITIATIVE_LINKS_MAX}.",
    )


class InitiativeSerializer(StrictModelSerializer):
    product = scoped_fk(Product, "workspace", required=True, allow_null=False)
    theme = scoped_fk(Theme, "product__workspace")
    release = scoped_fk(Release, "product__workspace")
    key_results = _many(KeyResult, "objective__workspace", "Key results this initiative should move.")
    kpis = _many(KPI, "product__workspace", "KPIs this initiative should move.")
    depends_on = _many(Initiative, "product__workspace", "Initiatives that must be done before this one.")
    has_outcome = serializers.BooleanField(read_only=True, help_text="Linked to at least one key result or KPI.")
    custom_fields = serializers.DictField(
        required=False,
        help_text="Values of the workspace's custom fields for initiatives, by key; checked against their definitions.",
    )

    class Meta:
        model = Initiative
        fields = [
            "id",
            "product",
            "theme",
            "title",
            "description",
            "horizon",
            "start_date",
            "end_date",
            "status",
            "release",
            "key_results",
            "kpis",
            "depends_on",
            "has_outcome",
            "custom_fields",
            "rank",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ("rank", *BASE_READ_ONLY)
        create_only_fields = ("product",)
