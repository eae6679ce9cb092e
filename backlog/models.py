import re
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from core.bounds import DATE_WINDOW_MESSAGE, TEXT_SHORT, BoundedTextField, validate_date_in_window
from core.models import BaseModel
from core.ranks import RANK_GAP

__all__ = ["RANK_GAP"]

# A sprint is a few weeks; its burndown has a point per day.
SPRINT_DAYS_MAX = 92
# Acceptance criteria of one item: a longer list is a sign the item should be split.
CRITERIA_PER_ITEM_MAX = 100
# Items one bulk change or bulk save may touch.
BULK_ITEMS_MAX = 500


class SprintStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


class Sprint(BaseModel):
    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="sprints")
    name = models.CharField(max_length=120)
    goal = BoundedTextField(max_length=TEXT_SHORT, blank=True)
    start_date = models.DateField(validators=[validate_date_in_window], help_text=DATE_WINDOW_MESSAGE)
    end_date = models.DateField(validators=[validate_date_in_window], help_text=DATE_WINDOW_MESSAGE)
    capacity_points = models.PositiveIntegerField(default=0, help_text="Story points the team can take on.")
    status = models.CharField(max_length=10, choices=SprintStatus.choices, default=SprintStatus.PLANNED)

    class Meta:
        ordering = ["start_date", "id"]
        constraints = [models.UniqueConstraint(fields=["product", "name"], name="sprint_unique_name_per_product")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start_date and self.end_date:
            if self.end_date < self.start_date:
                raise ValidationError({"end_date": "The end date cannot be before the start date."})
            if (self.end_date - self.start_date).days >= SPRINT_DAYS_MAX:
                raise ValidationError({"end_date": f"A sprint lasts at most {SPRINT_DAYS_MAX} days."})


class ItemKind(models.TextChoices):
    EPIC = "epic", "Epic"
    FEATURE = "feature", "Feature"
    STORY = "story", "Story"
    BUG = "bug", "Bug"
    CHORE = "chore", "Chore"
    SPIKE = "spike", "Spike"


class ItemStatus(models.TextChoices):
    NEW = "new", "New"
    READY = "ready", "Ready"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


# Finished work: it counts towards burndowns and progress, and records when it became done.
DONE_STATUSES = (ItemStatus.DONE, ItemStatus.ACCEPTED)
# The product owner's verdict on finished work: only roles that manage sprints may set it.
DECISION_STATUSES = (ItemStatus.ACCEPTED, ItemStatus.REJECTED)


class MoSCoW(models.TextChoices):
    MUST = "must", "Must have"
    SHOULD = "should", "Should have"
    COULD = "could", "Could have"
    WONT = "wont", "Won't have (this time)"


IMPACT_CHOICES = [
    (Decimal("3"), "3 · massive"),
    (Decimal("2"), "2 · high"),
    (Decimal("1"), "1 · medium"),
    (Decimal("0.5"), "0.5 · low"),
    (Decimal("0.25"), "0.25 · minimal"),
]
IMPACT_VALUES = frozenset(value for value, _ in IMPACT_CHOICES)
RICE_FIELDS = ("reach", "impact", "confidence", "effort")
WSJF_FIELDS = ("business_value", "time_criticality", "risk_reduction", "job_size")
SCORE_INPUTS = frozenset(RICE_FIELDS + WSJF_FIELDS)


def rice_score(*, reach, impact, confidence, effort) -> Decimal | None:
    """RICE = reach × impact × confidence ÷ effort, with confidence a percentage; None if an input is missing."""
    if reach is None or impact is None or confidence is None or effort is None or effort <= 0:
        return None
    # One division of the exact product, rounded half up: what PostgreSQL's round() stores from
    # the same expression in a set-based re-score, so both paths agree to the cent.
    score = Decimal(reach) * Decimal(impact) * Decimal(confidence) / (100 * Decimal(effort))
    return score.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def wsjf_score(*, business_value, time_criticality, risk_reduction, job_size) -> Decimal | None:
    """WSJF = (business value + time criticality + risk reduction) ÷ job size; None if an input is missing."""
    if None in (business_value, time_criticality, risk_reduction) or job_size is None or job_size <= 0:
        return None
    cost_of_delay = Decimal(business_value + time_criticality + risk_reduction)
    return (cost_of_delay / Decimal(job_size)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class BacklogItem(BaseModel):
    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="items")
    number = models.PositiveIntegerField(editable=False, help_text="Shown with the product key: PAY-42.")
    kind = models.CharField(max_length=10, choices=ItemKind.choices, default=ItemKind.STORY)
    title = models.CharField(max_length=250)
    description = BoundedTextField(blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="The epic or feature this item belongs to.",
    )
    initiative = models.ForeignKey(
        "roadmap.Initiative", null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    release = models.ForeignKey(
        "roadmap.Release", null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    sprint = models.ForeignKey(Sprint, null=True, blank=True, on_delete=models.SET_NULL, related_name="items")
    status = models.CharField(max_length=12, choices=ItemStatus.choices, default=ItemStatus.NEW, db_index=True)
    rank = models.BigIntegerField(editable=False, help_text="Position in the product's manual order.")
    story_points = models.PositiveSmallIntegerField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_items"
    )
    # RICE inputs and stored score
    reach = models.PositiveIntegerField(null=True, blank=True, help_text="People or events per period.")
    impact = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True, choices=IMPACT_CHOICES)
    confidence = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)], help_text="Percentage: 100 high, 80 medium, 50 low."
    )
    effort = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Person-months.",
    )
    rice_score = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True, editable=False)
    moscow = models.CharField("MoSCoW", max_length=6, choices=MoSCoW.choices, blank=True)
    # WSJF inputs and stored score
    business_value = models.PositiveSmallIntegerField(null=True, blank=True)
    time_criticality = models.PositiveSmallIntegerField(null=True, blank=True)
    risk_reduction = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Risk reduction or opportunity enablement."
    )
    job_size = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    wsjf_score = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True, editable=False)
    # User story
    as_a = models.CharField("As a", max_length=200, blank=True)
    i_want = BoundedTextField("I want", max_length=TEXT_SHORT, blank=True)
    so_that = BoundedTextField("So that", max_length=TEXT_SHORT, blank=True)
    # Sprint review
    rejection_reason = BoundedTextField(
        max_length=TEXT_SHORT, blank=True, help_text="Why the product owner rejected the work."
    )
    done_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the item last became done or accepted (burndown)."
    )
    # Kept by the criteria services (criteria_flag_refresh): lets a page of items skip the criteria
    # lookup for the many items that have none.
    has_criteria = models.BooleanField(default=False, db_default=False, editable=False)
    # Values of the workspace's custom fields ({key: value}), checked by customfields.values in the
    # item services; GIN-indexed on PostgreSQL (migration 0006) so that filtering by one stays indexed.
    custom_fields = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["rank"]
        constraints = [
            # Checked at the end of each statement, so one UPDATE can rebalance a whole backlog.
            models.UniqueConstraint(
                fields=["product", "rank"],
                name="item_unique_rank_per_product",
                deferrable=models.Deferrable.IMMEDIATE,
            ),
            models.UniqueConstraint(fields=["product", "number"], name="item_unique_number_per_product"),
            models.CheckConstraint(
                condition=models.Q(effort__isnull=True) | models.Q(effort__gt=0), name="item_effort_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(job_size__isnull=True) | models.Q(job_size__gt=0), name="item_job_size_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(confidence__isnull=True) | models.Q(confidence__lte=100),
                name="item_confidence_percentage",
            ),
        ]
        indexes = [
            models.Index(fields=["product", "status"]),
            models.Index(fields=["product", "-rice_score"]),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.title}"

    @property
    def key(self) -> str:
        return f"{self.product.key}-{self.number}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.impact is not None and Decimal(self.impact) not in IMPACT_VALUES:
            errors["impact"] = "Impact is one of 3 (massive), 2 (high), 1 (medium), 0.5 (low) or 0.25 (minimal)."
        if self.confidence is not None and not 0 <= self.confidence <= 100:
            errors["confidence"] = "Confidence is a percentage between 0 and 100."
        if self.effort is not None and self.effort <= 0:
            errors["effort"] = "Effort must be positive."
        if self.job_size is not None and self.job_size <= 0:
            errors["job_size"] = "Job size must be positive."
        for field in ("initiative", "release", "sprint"):
            related = getattr(self, field) if getattr(self, f"{field}_id") else None
            if related is not None and related.product_id != self.product_id:
                errors[field] = f"The {field} belongs to another product."
        if self.parent_id:
            if self.parent.product_id != self.product_id:
                errors["parent"] = "The parent item belongs to another product."
            elif self.pk and self._has_ancestor(self.pk):
                errors["parent"] = "An item cannot be its own ancestor."
        if errors:
            raise ValidationError(errors)

    def _has_ancestor(self, pk: int) -> bool:
        seen: set[int] = set()
        node = self.parent
        while node is not None and node.pk not in seen:
            if node.pk == pk:
                return True
            seen.add(node.pk)
            node = node.parent
        return False

    @property
    def computed_rice_score(self) -> Decimal | None:
        return rice_score(reach=self.reach, impact=self.impact, confidence=self.confidence, effort=self.effort)

    @property
    def computed_wsjf_score(self) -> Decimal | None:
        return wsjf_score(
            business_value=self.business_value,
            time_criticality=self.time_criticality,
            risk_reduction=self.risk_reduction,
            job_size=self.job_size,
        )

    @property
    def is_story_complete(self) -> bool:
        return bool(self.as_a and self.i_want and self.so_that)


class AcceptanceCriterion(BaseModel):
    item = models.ForeignKey(BacklogItem, on_delete=models.CASCADE, related_name="acceptance_criteria")
    order = models.PositiveIntegerField(default=0)
    text = BoundedTextField(max_length=TEXT_SHORT, help_text="Given … when … then …")
    met = models.BooleanField(default=False)

    class Meta:
        ordering = ["order", "id"]
        verbose_name_plural = "acceptance criteria"

    def __str__(self) -> str:
        return self.text[:60]


# ---- saved views of the backlog ------------------------------------------------------------------


class GroupBy(models.TextChoices):
    STATUS = "status", "Status"
    SPRINT = "sprint", "Sprint"
    INITIATIVE = "initiative", "Initiative"
    ASSIGNEE = "owner", "Assignee"
    MOSCOW = "moscow", "MoSCoW"


class ViewOrdering(models.TextChoices):
    RANK = "rank", "Manual order"
    RICE = "-rice_score", "RICE, highest first"
    WSJF = "-wsjf_score", "WSJF, highest first"
    NEWEST = "-created_at", "Newest first"
    UPDATED = "-updated_at", "Recently changed"


# The query parameters a view may carry, and the columns of the backlog table it may show.
VIEW_FILTERS = ("search", "kind", "status", "moscow", "theme", "initiative", "release", "sprint", "owner")
VIEW_COLUMNS = {
    "kind": "Kind",
    "status": "Status",
    "points": "Points",
    "rice": "RICE",
    "wsjf": "WSJF",
    "moscow": "MoSCoW",
    "sprint": "Sprint",
    "owner": "Assignee",
    "criteria": "Criteria",
}
DEFAULT_COLUMNS = ("kind", "status", "points", "rice", "wsjf", "moscow", "sprint", "criteria")
VIEW_FILTER_VALUE_MAX = 200
CUSTOM_FILTER = re.compile(r"^cf_[a-z][a-z0-9_]{0,39}$")  # a select custom field: cf_<key>
SAVED_VIEWS_PER_PRODUCT_MAX = 200


class SavedView(BaseModel):
    """A named backlog view: filters, columns, grouping and sort. Personal (its owner's) or shared
    with everyone in the workspace."""

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="saved_views")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(max_length=80)
    shared = models.BooleanField(default=False, help_text="Everyone in the workspace sees a shared view.")
    filters = models.JSONField(default=dict, blank=True)
    columns = models.JSONField(default=list, blank=True)
    group_by = models.CharField(max_length=12, choices=GroupBy.choices, blank=True)
    ordering = models.CharField(max_length=16, choices=ViewOrdering.choices, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "owner", "name"], name="saved_view_unique_name_per_owner")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not isinstance(self.filters, dict):
            errors["filters"] = "Filters are an object of names and values."
        else:
            unknown = sorted(k for k in self.filters if k not in VIEW_FILTERS and not CUSTOM_FILTER.match(str(k)))
            if unknown:
                errors["filters"] = f"Unknown filters: {', '.join(unknown)}. Known: {', '.join(VIEW_FILTERS)}."
            elif any(not isinstance(v, str) or len(v) > VIEW_FILTER_VALUE_MAX for v in self.filters.values()):
                errors["filters"] = f"Each filter value is text of at most {VIEW_FILTER_VALUE_MAX} characters."
        if not isinstance(self.columns, list) or any(c not in VIEW_COLUMNS for c in self.columns):
            errors["columns"] = f"Columns are a list of: {', '.join(VIEW_COLUMNS)}."
        elif len(set(self.columns)) != len(self.columns):
            errors["columns"] = "Each column once."
        if errors:
            raise ValidationError(errors)

    @property
    def query(self) -> str:
        """The view as the backlog page's query string (only what is set)."""
        params = {k: v for k, v in self.filters.items() if v}
        if self.columns:
            params["columns"] = ",".join(self.columns)
        if self.group_by:
            params["group"] = self.group_by
        if self.ordering and self.ordering != ViewOrdering.RANK:
            params["ordering"] = self.ordering
        return urlencode(params)
