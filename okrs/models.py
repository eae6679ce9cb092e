from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from core.models import BaseModel

from .choices import Direction, Health, KeyResultDirection
from .periods import period_validator
from .progress import Thresholds, key_result_progress, progress_percent

DEFAULT_THRESHOLDS = Thresholds()
RECOMPUTE_JOB_KIND = "okr_recompute"  # the kind of the jobs that recompute a workspace's OKRs on demand

OBJECTIVE_CYCLE = "An objective cannot support itself or one of the objectives below it."
TARGET_EQUALS_START = "The target must differ from the start value."
TARGET_NOT_ABOVE = "To increase, the target must be above the start value."
TARGET_NOT_BELOW = "To decrease, the target must be below the start value."
RANGE_INVERTED = "For a range, the target (upper bound) must be above the start (lower bound)."
# Rules across fields or over stored objects, stated in the API schema.
OBJECTIVE_RULES = (OBJECTIVE_CYCLE,)
KEY_RESULT_RULES = (TARGET_EQUALS_START, TARGET_NOT_ABOVE, TARGET_NOT_BELOW, RANGE_INVERTED)


class Objective(BaseModel):
    workspace_path = "workspace"
    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="objectives")
    product = models.ForeignKey(
        "products.Product",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="objectives",
        help_text="Leave empty for a workspace-level objective.",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="The objective this one supports.",
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    period = models.CharField(max_length=7, validators=[period_validator], help_text="For example 2027-Q1.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="objectives"
    )
    weight = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="How much this objective counts in the progress of the objective it supports.",
    )
    # Figures written by the rollup (okrs.services.rollup); never edited by hand.
    progress = models.DecimalField(max_digits=7, decimal_places=6, null=True, blank=True, editable=False)
    expected_progress = models.DecimalField(max_digits=7, decimal_places=6, null=True, blank=True, editable=False)
    confidence = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    health = models.CharField(max_length=10, choices=Health.choices, blank=True, editable=False)
    rolled_up_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["period", "title"]
        indexes = [models.Index(fields=["workspace", "period"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.period})"

    def clean(self) -> None:
        errors = {}
        # A product or parent of another workspace is refused by workspaces.graph, as every relation is.
        if self.parent_id and self.pk and _is_ancestor(self, self.parent):
            errors["parent"] = OBJECTIVE_CYCLE
        if errors:
            raise ValidationError(errors)

    @property
    def progress_percent(self) -> int | None:
        return progress_percent(self.progress)


def _is_ancestor(node, candidate) -> bool:
    """True when `node` is `candidate` or one of its ancestors (walking parent links)."""
    seen = set()
    while candidate is not None and candidate.pk not in seen:
        if candidate.pk == node.pk:
            return True
        seen.add(candidate.pk)
        candidate = candidate.parent
    return False


class KPI(BaseModel):
    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(max_length=120)
    unit = models.CharField(max_length=30, blank=True, help_text="For example %, EUR, users.")
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.INCREASE)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "KPI"
        constraints = [models.UniqueConstraint(fields=["product", "name"], name="kpi_unique_name_per_product")]

    def __str__(self) -> str:
        return self.name


class KeyResult(BaseModel):
    workspace_path = "objective__workspace"
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="key_results")
    title = models.CharField(max_length=200)
    unit = models.CharField(max_length=30, blank=True)
    direction = models.CharField(
        max_length=10,
        choices=KeyResultDirection.choices,
        default=KeyResultDirection.INCREASE,
        help_text="To stay within a range, the start value is its lower bound and the target its upper bound.",
    )
    start_value = models.DecimalField(max_digits=16, decimal_places=4)
    target_value = models.DecimalField(max_digits=16, decimal_places=4)
    current_value = models.DecimalField(
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        editable=False,
        help_text="The tracked KPI's latest measurement, else the latest check-in; never typed in.",
    )
    weight = models.DecimalField(
        max_digits=6, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(Decimal("0.01"))]
    )
    kpi = models.ForeignKey(
        KPI,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="key_results",
        help_text="When set, the current value follows the KPI's latest measurement.",
    )
    # Figures written by the rollup (okrs.services.rollup); never edited by hand.
    rollup_progress = models.DecimalField(max_digits=7, decimal_places=6, null=True, blank=True, editable=False)
    confidence = models.PositiveSmallIntegerField(
        null=True, blank=True, editable=False, help_text="Confidence of the latest check-in."
    )
    last_check_in_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_check_in_note = models.TextField(blank=True, editable=False)
    health = models.CharField(max_length=10, choices=Health.choices, blank=True, editable=False)
    rolled_up_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["objective", "id"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.start_value is not None and self.target_value is not None:
            if self.target_value == self.start_value:
                errors["target_value"] = TARGET_EQUALS_START
            elif self.direction == KeyResultDirection.INCREASE and self.target_value < self.start_value:
                errors["target_value"] = TARGET_NOT_ABOVE
            elif self.direction == KeyResultDirection.DECREASE and self.target_value > self.start_value:
                errors["target_value"] = TARGET_NOT_BELOW
            elif self.direction == KeyResultDirection.RANGE and self.target_value < self.start_value:
                errors["target_value"] = RANGE_INVERTED
        if errors:
            raise ValidationError(errors)

    @property
    def progress(self) -> Decimal:
        """From 0 to 1: okrs.progress.key_result_progress of the current value."""
        return key_result_progress(
            start=self.start_value, target=self.target_value, current=self.current_value, direction=self.direction
        )

    @property
    def progress_percent(self) -> int:
        return progress_percent(self.progress)


class Measurement(BaseModel):
    """A value of a KPI, or a check-in on a key result (with a confidence)."""

    kpi = models.ForeignKey(KPI, null=True, blank=True, on_delete=models.CASCADE, related_name="measurements")
    key_result = models.ForeignKey(
        KeyResult, null=True, blank=True, on_delete=models.CASCADE, related_name="measurements"
    )
    value = models.DecimalField(max_digits=16, decimal_places=4)
    measured_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)
    confidence = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)], help_text="0–100 %, for check-ins."
    )

    class Meta:
        ordering = ["-measured_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kpi__isnull=False) & models.Q(key_result__isnull=True))
                | (models.Q(kpi__isnull=True) & models.Q(key_result__isnull=False)),
                name="measurement_of_kpi_xor_key_result",
                violation_error_message="A measurement belongs to exactly one KPI or one key result.",
            ),
            models.CheckConstraint(condition=models.Q(confidence__lte=100), name="measurement_confidence_at_most_100"),
        ]
        indexes = [
            models.Index(fields=["kpi", "-measured_at"]),
            models.Index(fields=["key_result", "-measured_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.value} at {self.measured_at:%Y-%m-%d}"


HEALTH_POLICY_FIELDS = ("at_risk_gap", "off_track_gap", "at_risk_confidence", "off_track_confidence")


class HealthPolicy(BaseModel):
    """A workspace's thresholds for on track / at risk / off track.

    Stored per workspace (not in settings) because what counts as "at risk" is a management
    choice that differs between organisations sharing one PMHub, and an admin can change it
    without a deploy. A workspace without a row uses the defaults of okrs.progress.Thresholds.
    """

    workspace = models.OneToOneField("workspaces.Workspace", on_delete=models.CASCADE, related_name="health_policy")
    at_risk_gap = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        default=DEFAULT_THRESHOLDS.at_risk_gap,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text="Progress behind the expected share of the period (0.1 = 10 points) that makes it at risk.",
    )
    off_track_gap = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        default=DEFAULT_THRESHOLDS.off_track_gap,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text="Progress behind the expected share of the period that makes it off track.",
    )
    at_risk_confidence = models.PositiveSmallIntegerField(
        default=DEFAULT_THRESHOLDS.at_risk_confidence,
        validators=[MaxValueValidator(100)],
        help_text="A latest confidence below this is at risk.",
    )
    off_track_confidence = models.PositiveSmallIntegerField(
        default=DEFAULT_THRESHOLDS.off_track_confidence,
        validators=[MaxValueValidator(100)],
        help_text="A latest confidence below this is off track.",
    )

    class Meta:
        verbose_name_plural = "health policies"

    def __str__(self) -> str:
        return f"Health policy of {self.workspace}"

    def clean(self) -> None:
        errors = {}
        if self.at_risk_gap is not None and self.off_track_gap is not None and self.off_track_gap < self.at_risk_gap:
            errors["off_track_gap"] = "The off-track gap must be at least the at-risk gap."
        if (
            self.at_risk_confidence is not None
            and self.off_track_confidence is not None
            and self.off_track_confidence > self.at_risk_confidence
        ):
            errors["off_track_confidence"] = "The off-track confidence must be at most the at-risk confidence."
        if errors:
            raise ValidationError(errors)


class ObjectiveSnapshot(models.Model):
    """An objective's progress and health on one day (written by the nightly rollup)."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="snapshots")
    day = models.DateField()
    progress = models.DecimalField(max_digits=7, decimal_places=6, null=True)
    expected_progress = models.DecimalField(max_digits=7, decimal_places=6, null=True)
    confidence = models.PositiveSmallIntegerField(null=True)
    health = models.CharField(max_length=10, choices=Health.choices, blank=True)

    class Meta:
        ordering = ["objective", "day"]
        constraints = [models.UniqueConstraint(fields=["objective", "day"], name="objective_snapshot_one_a_day")]

    def __str__(self) -> str:
        return f"Objective {self.objective_id} on {self.day}"


class KeyResultSnapshot(models.Model):
    """A key result's value, progress and health on one day (written by the nightly rollup)."""

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="snapshots")
    day = models.DateField()
    current_value = models.DecimalField(max_digits=16, decimal_places=4, null=True)
    progress = models.DecimalField(max_digits=7, decimal_places=6, null=True)
    confidence = models.PositiveSmallIntegerField(null=True)
    health = models.CharField(max_length=10, choices=Health.choices, blank=True)

    class Meta:
        ordering = ["key_result", "day"]
        constraints = [models.UniqueConstraint(fields=["key_result", "day"], name="key_result_snapshot_one_a_day")]

    def __str__(self) -> str:
        return f"Key result {self.key_result_id} on {self.day}"
