from django.contrib.auth import get_user_model
from rest_framework import serializers

from core.serializers import (
    BASE_READ_ONLY,
    StrictCharField,
    StrictIntegerField,
    StrictModelSerializer,
    StrictSerializer,
)
from products.models import Product
from workspaces.models import Workspace
from workspaces.viewsets import scoped_fk

from .models import KPI, Health, KeyResult, Measurement, Objective

OBJECTIVE_PROGRESS_HELP = (
    "From 0 to 1, as of the last rollup: the weighted mean of its key results' progress and of the "
    "objectives supporting it (okrs.progress.objective_progress); null with nothing to average."
)
KEY_RESULT_PROGRESS_HELP = (
    "From 0 to 1: (current − start) ÷ (target − start) clamped to 0–1, or for a range 1 inside the "
    "bounds and 0 outside; 0 before the first value (okrs.progress.key_result_progress)."
)


def health_field() -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=Health.choices,
        allow_blank=True,
        read_only=True,
        help_text="On track, at risk or off track as of the last rollup; blank before it, or with nothing to measure.",
    )


class ObjectiveSerializer(StrictModelSerializer):
    workspace = scoped_fk(Workspace, "id", required=True, allow_null=False)
    product = scoped_fk(Product, "workspace", help_text="Empty for a workspace-level objective.")
    parent = scoped_fk(Objective, "workspace", help_text="The objective this one supports.")
    owner = scoped_fk(get_user_model(), "memberships__workspace")
    health = health_field()

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
            "progress",
            "health",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = BASE_READ_ONLY
        create_only_fields = ("workspace",)
        extra_kwargs = {
            "progress": {"help_text": OBJECTIVE_PROGRESS_HELP},
        }


class KeyResultSerializer(StrictModelSerializer):
    objective = scoped_fk(Objective, "workspace", required=True, allow_null=False)
    kpi = scoped_fk(KPI, "product__workspace", help_text="When set, the current value follows the KPI.")
    progress = serializers.DecimalField(
        max_digits=7, decimal_places=6, read_only=True, help_text=KEY_RESULT_PROGRESS_HELP
    )
    progress_percent = serializers.IntegerField(read_only=True, help_text="The progress as a whole percentage.")
    health = health_field()
    read_only_hints = {
        "current_value": "The current value follows the latest check-in, or the tracked KPI's latest "
        "measurement: post a check-in to move it."
    }

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
            "progress",
            "progress_percent",
            "health",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = BASE_READ_ONLY
        create_only_fields = ("objective",)
        extra_kwargs = {
            "current_value": {
                "help_text": "The tracked KPI's latest measurement, else the latest check-in "
                "(okrs.progress.key_result_current_value); null before either."
            },
        }


class CheckInSerializer(StrictSerializer):
    value = serializers.DecimalField(max_digits=16, decimal_places=4)
    confidence = StrictIntegerField(min_value=0, max_value=100)
    note = StrictCharField(required=False, allow_blank=True, default="")
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
        schema_exactly_one = (("kpi",), ("key_result", "confidence"))

    def validate(self, attrs):
        if self.instance is None and (attrs.get("kpi") is None) == (attrs.get("key_result") is None):
            raise serializers.ValidationError("Give exactly one of kpi or key_result.")
        if self.instance is None and attrs.get("key_result") is not None and attrs.get("confidence") is None:
            raise serializers.ValidationError({"confidence": "A check-in on a key result needs a confidence."})
        return attrs
