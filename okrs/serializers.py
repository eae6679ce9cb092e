from django.contrib.auth import get_user_model
from rest_framework import serializers

from core.serializers import BASE_READ_ONLY, StrictIntegerField, StrictModelSerializer, StrictSerializer
from products.models import Product
from workspaces.models import Workspace
from workspaces.viewsets import scoped_fk

from .models import KPI, KeyResult, Measurement, Objective


class ObjectiveSerializer(StrictModelSerializer):
    workspace = scoped_fk(Workspace, "id", required=True, allow_null=False)
    product = scoped_fk(Product, "workspace", help_text="Empty for a workspace-level objective.")
    parent = scoped_fk(Objective, "workspace", help_text="The objective this one supports.")
    owner = scoped_fk(get_user_model(), "memberships__workspace")

    class Meta:
        model = Objective
        fields = [
            "id",
            "workspace",
            "product",
            "parent",
            "title",
            "description",
            "period",
            "owner",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = BASE_READ_ONLY
        create_only_fields = ("workspace",)


class KeyResultSerializer(StrictModelSerializer):
    objective = scoped_fk(Objective, "workspace", required=True, allow_null=False)
    kpi = scoped_fk(KPI, "product__workspace", help_text="When set, the current value follows the KPI.")
    progress_percent = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = KeyResult
        fields = [
            "id",
            "objective",
            "title",
            "unit",
            "direction",
            "start_value",
            "target_value",
            "current_value",
            "weight",
            "kpi",
            "progress_percent",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = BASE_READ_ONLY
        create_only_fields = ("objective",)


class CheckInSerializer(StrictSerializer):
    value = serializers.DecimalField(max_digits=16, decimal_places=4)
    confidence = StrictIntegerField(min_value=0, max_value=100)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    measured_at = serializers.DateTimeField(required=False)


class KPISerializer(StrictModelSerializer):
    product = scoped_fk(Product, "workspace", required=True, allow_null=False)

    class Meta:
        model = KPI
        fields = ["id", "product", "name", "unit", "direction", "description", "created_at", "updated_at", "version"]
        read_only_fields = BASE_READ_ONLY
        create_only_fields = ("product",)


class MeasurementSerializer(StrictModelSerializer):
    kpi = scoped_fk(KPI, "product__workspace", help_text="The KPI measured (or give key_result).")
    key_result = scoped_fk(KeyResult, "objective__workspace", help_text="The key result checked in on.")

    class Meta:
        model = Measurement
        fields = [
            "id",
            "kpi",
            "key_result",
            "value",
            "measured_at",
            "note",
            "confidence",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = BASE_READ_ONLY
        create_only_fields = ("kpi", "key_result")

    def validate(self, attrs):
        if self.instance is None and (attrs.get("kpi") is None) == (attrs.get("key_result") is None):
            raise serializers.ValidationError("Give exactly one of kpi or key_result.")
        if self.instance is None and attrs.get("key_result") is not None and attrs.get("confidence") is None:
            raise serializers.ValidationError({"confidence": "A check-in on a key result needs a confidence."})
        return attrs
