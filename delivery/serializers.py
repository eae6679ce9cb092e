from django.contrib.auth import get_user_model
from rest_framework import serializers

from core.bounds import DATE_MAX, DATE_MIN, TEXT_SHORT
from core.serializers import BASE_READ_ONLY, StrictModelSerializer, StrictSerializer
from roadmap.models import Release
from workspaces.models import Workspace
from workspaces.viewsets import scoped_fk

from .forecast import GROWTH_MAX, PERCENTILES, TRIALS_DEFAULT, TRIALS_MAX
from .models import ChecklistTemplateTask, LaunchTask, OutcomeReview, Verdict
from .selectors.forecasts import SCOPES, TOP_MAX, WINDOW_MAX, WINDOW_MIN


class ForecastInput(serializers.Serializer):
    scope = serializers.ChoiceField(choices=SCOPES, help_text="epic, initiative, release, or top (of the backlog).")
    id = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="The epic, initiative or release."
    )
    top = serializers.IntegerField(required=False, min_value=1, max_value=TOP_MAX, help_text="With scope=top: N.")
    window = serializers.IntegerField(
        required=False, min_value=WINDOW_MIN, max_value=WINDOW_MAX, help_text="Days of throughput history."
    )
    trials = serializers.IntegerField(required=False, min_value=100, max_value=TRIALS_MAX, default=TRIALS_DEFAULT)
    growth_min = serializers.FloatField(required=False, min_value=1.0, max_value=GROWTH_MAX, default=1.0)
    growth_max = serializers.FloatField(
        required=False, min_value=1.0, max_value=GROWTH_MAX, help_text="Scope growth range, e.g. 1.0 to 1.3."
    )
    by = serializers.DateField(required=False, help_text="Also answer: how many items by this date?")

    def validate(self, attrs):
        if attrs["scope"] != "top" and not attrs.get("id"):
            raise serializers.ValidationError({"id": "Say which one: the id of the epic, initiative or release."})
        high = attrs.get("growth_max", attrs["growth_min"])
        if high < attrs["growth_min"]:
            raise serializers.ValidationError({"growth_max": "The upper growth factor cannot be below the lower one."})
        by = attrs.get("by")
        if by is not None and not DATE_MIN <= by <= DATE_MAX:
            raise serializers.ValidationError({"by": f"Pick a date between {DATE_MIN} and {DATE_MAX}."})
        attrs["growth"] = (attrs["growth_min"], high)
        return attrs


class PercentileSerializer(serializers.Serializer):
    p = serializers.ChoiceField(choices=PERCENTILES)
    date = serializers.DateField(allow_null=True, help_text="Done by then in p % of trials; null: not within 3 years.")
    count = serializers.IntegerField(allow_null=True, help_text="With ?by=: at least this many items in p % of trials.")


class ForecastSerializer(serializers.Serializer):
    scope = serializers.CharField()
    remaining = serializers.IntegerField(help_text="Unfinished items of the scope.")
    window = serializers.IntegerField()
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    finished_in_window = serializers.IntegerField()
    trials = serializers.IntegerField()
    growth = serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2)
    by_date = serializers.DateField(allow_null=True)
    percentiles = PercentileSerializer(many=True)
    beyond_horizon_share = serializers.FloatField()
    caveats = serializers.ListField(child=serializers.CharField())


class ReleasePlanRowSerializer(serializers.Serializer):
    release = serializers.IntegerField(source="release.pk")
    name = serializers.CharField(source="release.name")
    target_date = serializers.DateField(source="release.target_date", allow_null=True)
    status = serializers.CharField(source="release.status")
    items = serializers.IntegerField()
    points = serializers.IntegerField()
    done_items = serializers.IntegerField()
    done_points = serializers.IntegerField()
    unestimated = serializers.IntegerField()
    progress = serializers.IntegerField(allow_null=True)
    scope_change_points = serializers.IntegerField(allow_null=True)
    scope_change_items = serializers.IntegerField(allow_null=True)
    p50 = serializers.DateField(allow_null=True)
    p85 = serializers.DateField(allow_null=True)
    risk = serializers.ChoiceField(choices=["none", "low", "medium", "high", "shipped"])
    risk_reason = serializers.CharField()
    readiness_done = serializers.IntegerField(source="readiness.done")
    readiness_total = serializers.IntegerField(source="readiness.total")
    readiness_overdue = serializers.IntegerField(source="readiness.overdue")


class LaunchTaskSerializer(StrictModelSerializer):
    release = scoped_fk(Release, "product__workspace", required=True, allow_null=False)
    owner = scoped_fk(get_user_model(), "memberships__workspace")

    class Meta:
        model = LaunchTask
        fields = ["id", "release", "title", "area", "owner", "due_date", "done", "order", "created_at", "updated_at"]
        fields += ["version"]
        read_only_fields = ("order", *BASE_READ_ONLY)
        create_only_fields = ("release",)


class FromTemplateSerializer(StrictSerializer):
    release = scoped_fk(Release, "product__workspace", required=True, allow_null=False)


class ChecklistTemplateTaskSerializer(StrictModelSerializer):
    workspace = scoped_fk(Workspace, "id", required=True, allow_null=False)

    class Meta:
        model = ChecklistTemplateTask
        fields = ["id", "workspace", "title", "area", "days_before", "order", "created_at", "updated_at", "version"]
        read_only_fields = ("order", *BASE_READ_ONLY)
        create_only_fields = ("workspace",)
        extra_kwargs = {"days_before": {"max_value": 365}}


class OutcomeReviewSerializer(StrictModelSerializer):
    class Meta:
        model = OutcomeReview
        fields = [
            "id",
            "product",
            "initiative",
            "release",
            "shipped_at",
            "due_on",
            "status",
            "baseline",
            "verdict",
            "learning",
            "metric_moved",
            "recorded_by",
            "recorded_at",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = [f for f in fields if f not in ("due_on", "verdict", "learning")]


class OutcomeRecordSerializer(StrictSerializer):
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    learning = serializers.CharField(max_length=TEXT_SHORT, help_text="What we learned, for the next bet.")
