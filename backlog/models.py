from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from core.bounds import (
    DATE_WINDOW_MESSAGE,
    END_BEFORE_START,
    TEXT_SHORT,
    BoundedTextField,
    validate_date_in_window,
)
from core.models import BaseModel
from core.ranks import RANK_GAP
from core.services import changing_fields

__all__ = ["RANK_GAP"]

# A sprint is a few weeks; its burndown has a point per day.
SPRINT_DAYS_MAX = 92
SPRINT_TOO_LONG = f"A sprint lasts at most {SPRINT_DAYS_MAX} days."
SPRINT_RULES = (END_BEFORE_START, SPRINT_TOO_LONG)  # across fields: stated in the API schema
# Rules of items (across fields, over stored rows) that the API states beside its schema.
ITEM_RULES = [
    "Unknown custom fields: …",
    "The parent item belongs to another product.",
    "An item cannot be its own ancestor.",
    "Criterion 1 is not one of this item's.",
    "Criterion 1 is listed twice.",
]
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
    status = models.CharField(
        max_length=10,
        choices=SprintStatus.choices,
        default=SprintStatus.PLANNED,
        editable=False,
        help_text="Changed by starting and completing the sprint, never by hand.",
    )
    # Set by sprint_start: the scope at that moment is the baseline of the burndown.
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set by sprint_complete: the figures of the sprint as it closed (velocity reads them).
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    committed_points = models.PositiveIntegerField(null=True, blank=True, editable=False)
    completed_points = models.PositiveIntegerField(null=True, blank=True, editable=False)
    carried_over_points = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["start_date", "id"]
        constraints = [models.UniqueConstraint(fields=["product", "name"], name="sprint_unique_name_per_product")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start_date and self.end_date:
            if self.end_date < self.start_date:
                raise ValidationError({"end_date": END_BEFORE_START})
            if (self.end_date - self.start_date).days >= SPRINT_DAYS_MAX:
                raise ValidationError({"end_date": SPRINT_TOO_LONG})


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
IMPACT_INPUTS = [format(value.normalize(), "f") for value, _ in IMPACT_CHOICES]  # as the API takes them: "0.5"
IMPACT_OUTPUTS = [format(value.quantize(Decimal("0.01")), "f") for value, _ in IMPACT_CHOICES]  # as it writes them
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
    # Kept by discovery (item_customer_impact_set) from the insights linked to the item: the sum of
    # importance × customer weight, and how many pieces of evidence there are. Backlog only stores them.
    customer_impact = models.DecimalField(
        max_digits=16, decimal_places=2, default=0, db_default=0, editable=False, help_text="Customer impact score."
    )
    evidence_count = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    # Values of the workspace's custom fields ({key: value}), checked by customfields.values in the
    # item services; GIN-indexed on PostgreSQL (migration 0006) so that filtering by one stays indexed.
    custom_fields = models.JSONField(default=dict, blank=True)
    labels = models.ManyToManyField("backlog.Label", blank=True, related_name="items")  # services/labels.py

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
            models.Index(fields=["product", "-rice_score"]),
            # A grouped backlog reads each group as one range of these (core/keyset_groups.py), in rank
            # order, and finds a product's groups by skipping through them (selectors/view_groups.py).
            models.Index(fields=["product", "status", "rank", "id"], name="item_status_rank"),
            models.Index(fields=["product", "moscow", "rank", "id"], name="item_moscow_rank"),
            models.Index(fields=["product", "sprint", "rank", "id"], name="item_sprint_rank"),
            models.Index(fields=["product", "initiative", "rank", "id"], name="item_initiative_rank"),
            models.Index(fields=["product", "owner", "rank", "id"], name="item_owner_rank"),
            # The parent picker (epics and features in rank order). Keyset pages by score, date and
            # customer impact use (product, field DESC NULLS LAST, id) indexes made on PostgreSQL only
            # by migrations 0008 and 0016 (SQLite cannot index NULLS LAST).
            models.Index(fields=["product", "kind", "rank"], name="item_product_kind_rank"),
            # Daily throughput (forecasts, release plans): the items finished in a window of days.
            models.Index(
                fields=["product", "done_at"], name="item_product_done_at", condition=models.Q(done_at__isnull=False)
            ),
            # A release's scope: items without a release of their own that serve its initiatives.
            models.Index(
                fields=["initiative"], name="item_initiative_no_release", condition=models.Q(release__isnull=True)
            ),
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
        changing = changing_fields(self)  # on an update, only the relations that change are checked

        def check(field: str) -> bool:
            return changing is None or field in changing or "product" in changing

        for field in ("initiative", "release", "sprint"):
            related = getattr(self, field) if getattr(self, f"{field}_id") and check(field) else None
            if related is not None and related.product_id != self.product_id:
                errors[field] = f"The {field} belongs to another product."
        if self.parent_id and check("parent"):
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


class ExternalLinkKind(models.TextChoices):
    ISSUE = "issue", "Issue"
    PULL_REQUEST = "pull_request", "Pull request"
    MERGE_REQUEST = "merge_request", "Merge request"
    COMMIT = "commit", "Commit"


class ExternalLink(BaseModel):
    """A link from an item to something outside PMHub: an issue of another tracker, a pull or merge
    request, a commit. Written by people, by importers and by the code-host webhooks."""

    workspace_path = "item__product__workspace"
    item = models.ForeignKey(BacklogItem, on_delete=models.CASCADE, related_name="external_links")
    url = models.URLField(max_length=500)
    key = models.CharField(max_length=120, blank=True, help_text="How the other system names it: JIRA-12, repo#42.")
    kind = models.CharField(max_length=14, choices=ExternalLinkKind.choices, default=ExternalLinkKind.ISSUE)
    title = models.CharField(max_length=250, blank=True)
    state = models.CharField(max_length=20, blank=True, help_text="open, merged, closed… as the other system says.")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "url"], name="external_link_unique_url_per_item")]

    def __str__(self) -> str:
        return self.key or self.url


# Models kept in modules of their own (imported here so that Django registers them with the app).
from .label_models import LABEL_NAME_MAX, LABELS_PER_ITEM_MAX, Label  # noqa: E402, F401
from .planning_models import ItemDependency, ScopeChangeKind, SprintScopeChange  # noqa: E402, F401
from .saved_view_models import (  # noqa: E402, F401
    DEFAULT_COLUMNS,
    SAVED_VIEWS_PER_PRODUCT_MAX,
    VIEW_COLUMNS,
    VIEW_FILTER_VALUE_MAX,
    VIEW_FILTERS,
    GroupBy,
    SavedView,
    ViewOrdering,
)
