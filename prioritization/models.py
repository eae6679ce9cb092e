from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from core.models import BaseModel


class Framework(models.TextChoices):
    RICE = "rice", "RICE"
    WSJF = "wsjf", "WSJF"
    CUSTOM = "custom", "Custom scorecard"


class PrioritySettings(BaseModel):
    """A product's prioritisation settings; a product without a row uses the defaults."""

    product = models.OneToOneField("products.Product", on_delete=models.CASCADE, related_name="priority_settings")
    default_framework = models.CharField(max_length=10, choices=Framework.choices, default=Framework.RICE)
    value_threshold = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Value (reach × impact × confidence) at or above which an item is high value. Empty: the median.",
    )
    effort_threshold = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Effort at or above which an item is high effort. Empty: the median.",
    )
    must_share_limit = models.DecimalField(
        "must-have share limit (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("60"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("100"))],
        help_text="Must-haves may take at most this share of the capacity (DSDM: 60 %).",
    )
    capacity = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Effort the team can deliver in a release or sprint, in the effort unit.",
    )
    effort_unit = models.CharField(max_length=30, default="person-months")

    class Meta:
        verbose_name = "prioritisation settings"
        verbose_name_plural = "prioritisation settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(must_share_limit__gt=0) & models.Q(must_share_limit__lte=100),
                name="priority_must_share_is_a_percentage",
            ),
        ]

    def __str__(self) -> str:
        return f"Prioritisation settings of {self.product}"


class CriterionSource(models.TextChoices):
    MANUAL = "manual", "Entered per item"
    CUSTOMER_IMPACT = "customer_impact", "Customer impact (from discovery's evidence)"
    CUSTOM_FIELD = "custom_field", "A custom field of the items (number or single select)"


# The custom field types a criterion can read as a number (a single select: its option's number, or
# its position in the list of options, 1 for the first).
CRITERION_FIELD_TYPES = ("number", "single_select")


class ScorecardCriterion(BaseModel):
    """A criterion of a product's custom scorecard, e.g. strategic fit with weight 2.

    A criterion whose source is the customer impact takes each item's value from the item's stored
    customer impact score (kept by discovery): its values are written by the scorecard services, not by hand.
    """

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="scorecard_criteria")
    name = models.CharField(max_length=80)
    weight = models.DecimalField(
        max_digits=6, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(Decimal("0.01"))]
    )
    order = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=20, choices=CriterionSource.choices, default=CriterionSource.MANUAL)
    field = models.ForeignKey(
        "customfields.FieldDefinition",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="scorecard_criteria",
        verbose_name="custom field",
        help_text="With values from a custom field: a number or a single select of the items of this product.",
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "scorecard criterion"
        verbose_name_plural = "scorecard criteria"
        constraints = [
            models.UniqueConstraint(fields=["product", "name"], name="criterion_unique_name_per_product"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="criterion_weight_positive"),
            models.CheckConstraint(
                condition=models.Q(source="custom_field", field__isnull=False)
                | (~models.Q(source="custom_field") & models.Q(field__isnull=True)),
                name="criterion_field_with_custom_field_source",
            ),
        ]

    def clean(self) -> None:
        """A custom field criterion reads a number or a single select of the items of its product."""
        if self.source != CriterionSource.CUSTOM_FIELD:
            if self.field_id is not None:
                raise ValidationError({"field": "Only a criterion with values from a custom field names one."})
            return
        field = self.field
        if field is None:
            raise ValidationError({"field": "Pick the custom field the values come from."})
        product = self.product if self.product_id else None
        if product is None or field.workspace_id != product.workspace_id or field.product_id not in (None, product.pk):
            raise ValidationError({"field": "Pick a custom field of this product or of its whole workspace."})
        if field.target != "item" or field.field_type not in CRITERION_FIELD_TYPES:
            raise ValidationError({"field": "Pick a number or a single select field of the backlog items."})

    def __str__(self) -> str:
        return f"{self.name} ×{self.weight.normalize()}"


class CriterionValue(models.Model):
    """One item's value on one criterion of the custom scorecard."""

    criterion = models.ForeignKey(ScorecardCriterion, on_delete=models.CASCADE, related_name="values")
    item = models.ForeignKey("backlog.BacklogItem", on_delete=models.CASCADE, related_name="criterion_values")
    value = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["criterion", "item"], name="criterion_value_unique_per_item"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="criterion_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.name}: {self.value}"


class CustomScore(models.Model):
    """An item's stored custom-scorecard score (None: unscored, some input missing)."""

    item = models.OneToOneField(
        "backlog.BacklogItem", primary_key=True, on_delete=models.CASCADE, related_name="custom_score"
    )
    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="+")
    score = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["product", "-score"])]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.score}"


class Snapshot(models.Model):
    """The result of a full run: the ranked ids and scores, so a PM sees how the order moved since."""

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="priority_snapshots")
    framework = models.CharField(max_length=10, choices=Framework.choices)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ranking = models.JSONField(help_text="[[item id, score as text], …] best first.")
    scored_count = models.PositiveIntegerField()
    unscored_count = models.PositiveIntegerField()

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_framework_display()} snapshot of {self.created_at:%Y-%m-%d %H:%M}"


class ScenarioStatus(models.TextChoices):
    OPEN = "open", "Open"
    APPLIED = "applied", "Applied"
    DISCARDED = "discarded", "Discarded"


class Scenario(BaseModel):
    """A what-if: changed weights and item inputs, compared with live data and applied only on request."""

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="priority_scenarios")
    name = models.CharField(max_length=120)
    framework = models.CharField(max_length=10, choices=Framework.choices, default=Framework.RICE)
    status = models.CharField(max_length=10, choices=ScenarioStatus.choices, default=ScenarioStatus.OPEN)
    weights = models.JSONField(default=dict, blank=True, help_text='{"criterion id": "weight"}')
    item_inputs = models.JSONField(default=dict, blank=True, help_text='{"item id": {"reach": 100, …}}')
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name
