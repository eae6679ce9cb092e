"""Output shapes of the prioritisation endpoints: each renders a response and documents it in the
OpenAPI schema, so the two cannot drift apart. Scores and other decimals are strings, as written."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backlog.models import ItemKind, ItemStatus, MoSCoW

from . import scoring
from .models import Framework, PrioritySettings, ScenarioStatus

QUADRANTS = list(scoring.QUADRANT_LABELS.items())


@extend_schema_field({"type": "string", "format": "decimal"})
class DecimalText(serializers.Field):
    """A number rendered as its exact text ("400.00"), or null (output only)."""

    def to_representation(self, value) -> str:
        return str(value)


class Page(serializers.Serializer):
    """The envelope of a paginated list."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)


def page_data(paginator, results, **extra) -> dict:
    """What a Page serializer renders, from a paginator that has paginated a list."""
    return {
        "count": paginator.page.paginator.count,
        "next": paginator.get_next_link(),
        "previous": paginator.get_previous_link(),
        "results": results,
        **extra,
    }


class JobOutput(serializers.Serializer):
    """A tracked job that was started; poll its status_url."""

    job_id = serializers.IntegerField(source="pk")
    state = serializers.CharField()
    status_url = serializers.SerializerMethodField()

    def get_status_url(self, job) -> str:
        return f"/api/v1/jobs/{job.pk}/"


# ---- ranking -----------------------------------------------------------------------------------


class FactorOutput(serializers.Serializer):
    label = serializers.CharField()
    value = DecimalText(allow_null=True)
    effect = serializers.CharField(help_text="What the factor does to the score, like “× 2” or “÷ 4”.")
    share = DecimalText(allow_null=True, help_text="Percent of an additive total, when the formula adds.")


class RankedRowOutput(serializers.Serializer):
    id = serializers.IntegerField(source="item.pk")
    key = serializers.CharField(source="item.key")
    title = serializers.CharField(source="item.title")
    kind = serializers.ChoiceField(source="item.kind", choices=ItemKind.choices)
    status = serializers.ChoiceField(source="item.status", choices=ItemStatus.choices)
    score = DecimalText(allow_null=True)
    position = serializers.IntegerField(source="score_position", allow_null=True)
    manual_position = serializers.IntegerField(allow_null=True)
    gap = serializers.IntegerField(
        allow_null=True, help_text="How far the manual order puts the item below (+) or above (−) its score."
    )
    moved_since_snapshot = serializers.IntegerField(
        source="moved", allow_null=True, help_text="Places gained (+) or lost since the compared snapshot."
    )
    formula = serializers.CharField(source="explanation.formula")
    factors = FactorOutput(source="explanation.factors", many=True)
    missing = serializers.ListField(source="explanation.missing", child=serializers.CharField())


class RankingPage(Page):
    results = RankedRowOutput(many=True)
    framework = serializers.ChoiceField(choices=Framework.choices)
    snapshot_id = serializers.IntegerField(allow_null=True, help_text="The snapshot positions are compared with.")


class UnscoredRowOutput(serializers.Serializer):
    id = serializers.IntegerField(source="item.pk")
    key = serializers.CharField(source="item.key")
    title = serializers.CharField(source="item.title")
    missing = serializers.ListField(source="explanation.missing", child=serializers.CharField())


class UnscoredPage(Page):
    results = UnscoredRowOutput(many=True)
    framework = serializers.ChoiceField(choices=Framework.choices)


# ---- matrix ------------------------------------------------------------------------------------


class MatrixPointOutput(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    title = serializers.CharField()
    value = DecimalText()
    effort = DecimalText()
    quadrant = serializers.ChoiceField(choices=QUADRANTS)


class ThresholdsAreMedians(serializers.Serializer):
    value = serializers.BooleanField(help_text="The value threshold is the median (none is set).")
    effort = serializers.BooleanField(help_text="The effort threshold is the median (none is set).")


class MatrixOutput(serializers.Serializer):
    value_threshold = DecimalText(allow_null=True)
    effort_threshold = DecimalText(allow_null=True)
    thresholds_are_medians = serializers.SerializerMethodField()
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="Items per quadrant.")
    unplaced = serializers.IntegerField(help_text="Items without a value or an effort.")
    total = serializers.IntegerField()
    points = MatrixPointOutput(many=True)

    @extend_schema_field(ThresholdsAreMedians)
    def get_thresholds_are_medians(self, matrix) -> dict:
        value, effort = matrix.thresholds_are_medians
        return {"value": value, "effort": effort}


# ---- MoSCoW ------------------------------------------------------------------------------------


class MoscowCheckOutput(serializers.Serializer):
    effort = serializers.DictField(child=DecimalText(), help_text="Effort per category.")
    must_share = DecimalText(allow_null=True, help_text="Must-haves' percent of the capacity.")
    over_must_limit = serializers.BooleanField()
    over_capacity = serializers.BooleanField()


class MoscowRowOutput(serializers.Serializer):
    id = serializers.IntegerField(source="item.pk")
    key = serializers.CharField(source="item.key")
    title = serializers.CharField(source="item.title")
    score = DecimalText(allow_null=True)
    effort = DecimalText(source="item.effort", allow_null=True)
    moscow = serializers.SerializerMethodField()
    proposed = serializers.ChoiceField(choices=MoSCoW.choices, allow_null=True)
    missing = serializers.ListField(child=serializers.CharField())

    @extend_schema_field(serializers.ChoiceField(choices=MoSCoW.choices, allow_null=True))
    def get_moscow(self, row) -> str | None:
        return row.item.moscow or None


class MoscowProposalOutput(serializers.Serializer):
    framework = serializers.ChoiceField(choices=Framework.choices)
    capacity = DecimalText(allow_null=True)
    must_share_limit = DecimalText()
    current = MoscowCheckOutput(allow_null=True)
    proposed = MoscowCheckOutput(allow_null=True)
    items = MoscowRowOutput(source="rows", many=True)


class MoscowAppliedOutput(serializers.Serializer):
    changed = serializers.IntegerField(help_text="How many items got another category.")


# ---- settings ----------------------------------------------------------------------------------

SETTINGS_FIELDS = [
    "default_framework",
    "value_threshold",
    "effort_threshold",
    "must_share_limit",
    "capacity",
    "effort_unit",
]


class SettingsOutput(serializers.ModelSerializer):
    class Meta:
        model = PrioritySettings
        fields = SETTINGS_FIELDS
        read_only_fields = SETTINGS_FIELDS


class SettingsChangedOutput(SettingsOutput):
    job = serializers.SerializerMethodField()

    class Meta(SettingsOutput.Meta):
        fields = [*SETTINGS_FIELDS, "job"]

    @extend_schema_field(JobOutput(allow_null=True))
    def get_job(self, settings) -> dict | None:
        """The re-score the change started (context["job"]), or null when nothing that moves scores changed."""
        job = self.context.get("job")
        return None if job is None else JobOutput(job).data


# ---- scenarios ---------------------------------------------------------------------------------


class ScenarioMoveOutput(serializers.Serializer):
    id = serializers.IntegerField(source="item_id")
    key = serializers.CharField()
    title = serializers.CharField()
    live_score = DecimalText(allow_null=True)
    scenario_score = DecimalText(allow_null=True)
    live_position = serializers.IntegerField(allow_null=True)
    scenario_position = serializers.IntegerField(allow_null=True)
    delta = serializers.IntegerField(allow_null=True, help_text="Places gained (+) or lost in the scenario.")


class ScenarioOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    framework = serializers.ChoiceField(choices=Framework.choices)
    status = serializers.ChoiceField(choices=ScenarioStatus.choices)
    weights = serializers.DictField(child=serializers.CharField(), help_text="Criterion id → weight.")
    item_inputs = serializers.DictField(
        child=serializers.DictField(child=serializers.CharField(allow_null=True)),
        help_text="Item id → {input: value}; null makes an input missing.",
    )
    created_at = serializers.DateTimeField()
    applied_at = serializers.DateTimeField(allow_null=True)


class ScenarioDetailOutput(ScenarioOutput):
    moves = serializers.SerializerMethodField()

    @extend_schema_field(ScenarioMoveOutput(many=True))
    def get_moves(self, scenario) -> list:
        """The moves the scenario would cause (context["moves"]), biggest first."""
        return ScenarioMoveOutput(self.context["moves"], many=True).data


class ScenarioPage(Page):
    results = ScenarioOutput(many=True)


class SnapshotOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    framework = serializers.ChoiceField(choices=Framework.choices)
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField(source="created_by.username", allow_null=True)
    job_id = serializers.IntegerField(allow_null=True)
    scored = serializers.IntegerField(source="scored_count")
    unscored = serializers.IntegerField(source="unscored_count")


class SnapshotPage(Page):
    results = SnapshotOutput(many=True)
