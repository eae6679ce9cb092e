from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from core.bounds import (
    DATE_WINDOW_MESSAGE,
    END_BEFORE_START,
    TEXT_SHORT,
    BoundedTextField,
    validate_date_in_window,
)
from core.models import BaseModel

# An initiative longer than this is a theme or a vision, not a roadmap item.
INITIATIVE_YEARS_MAX = 10
INITIATIVE_TOO_LONG = f"An initiative spans at most {INITIATIVE_YEARS_MAX} years."
THEME_OF_OTHER_PRODUCT = "The theme belongs to another product."
RELEASE_OF_OTHER_PRODUCT = "The release belongs to another product."
# Rules across fields, stated in the API schema.
INITIATIVE_RULES = (END_BEFORE_START, INITIATIVE_TOO_LONG, THEME_OF_OTHER_PRODUCT, RELEASE_OF_OTHER_PRODUCT)
# Key results, KPIs or dependencies linked to one initiative (each list).
INITIATIVE_LINKS_MAX = 100


class Theme(BaseModel):
    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=120)
    description = BoundedTextField(blank=True)
    color = models.CharField(
        max_length=7,
        default="#4f46e5",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a hex colour like #4f46e5.")],
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["product", "name"], name="theme_unique_name_per_product")]

    def __str__(self) -> str:
        return self.name


class ReleaseStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    RELEASED = "released", "Released"
    CANCELLED = "cancelled", "Cancelled"


class Release(BaseModel):
    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="releases")
    name = models.CharField(max_length=120)
    goal = BoundedTextField(max_length=TEXT_SHORT, blank=True)
    target_date = models.DateField(
        null=True, blank=True, validators=[validate_date_in_window], help_text=DATE_WINDOW_MESSAGE
    )
    status = models.CharField(max_length=12, choices=ReleaseStatus.choices, default=ReleaseStatus.PLANNED)
    # The scope a PM committed to (release_baseline_set): the release page shows the change since.
    baseline_points = models.PositiveIntegerField(null=True, blank=True, editable=False)
    baseline_items = models.PositiveIntegerField(null=True, blank=True, editable=False)
    baseline_at = models.DateTimeField(null=True, blank=True, editable=False)
    shipped_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the release was last marked released."
    )

    class Meta:
        ordering = ["target_date", "name"]
        constraints = [models.UniqueConstraint(fields=["product", "name"], name="release_unique_name_per_product")]

    def __str__(self) -> str:
        return self.name


class Horizon(models.TextChoices):
    NOW = "now", "Now"
    NEXT = "next", "Next"
    LATER = "later", "Later"


class InitiativeStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    SHIPPED = "shipped", "Shipped"
    DROPPED = "dropped", "Dropped"


class Initiative(BaseModel):
    """A roadmap item: the why behind a chunk of work, tied to the outcomes it should move."""

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="initiatives")
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="initiatives")
    title = models.CharField(max_length=200)
    description = BoundedTextField(blank=True)
    horizon = models.CharField(max_length=5, choices=Horizon.choices, default=Horizon.LATER)
    start_date = models.DateField(
        null=True, blank=True, validators=[validate_date_in_window], help_text=DATE_WINDOW_MESSAGE
    )
    end_date = models.DateField(
        null=True,
        blank=True,
        validators=[validate_date_in_window],
        help_text=f"{DATE_WINDOW_MESSAGE} At most {INITIATIVE_YEARS_MAX} years after the start.",
    )
    status = models.CharField(max_length=12, choices=InitiativeStatus.choices, default=InitiativeStatus.PROPOSED)
    release = models.ForeignKey(Release, null=True, blank=True, on_delete=models.SET_NULL, related_name="initiatives")
    key_results = models.ManyToManyField("okrs.KeyResult", blank=True, related_name="initiatives")
    # Values of the workspace's custom fields for initiatives, checked by customfields.values.
    custom_fields = models.JSONField(default=dict, blank=True)
    kpis = models.ManyToManyField("okrs.KPI", blank=True, related_name="initiatives", verbose_name="KPIs")
    depends_on = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="blocks",
        help_text="Initiatives that must be done before this one.",
    )
    rank = models.BigIntegerField(default=0, help_text="Order within its now/next/later column.")
    # Kept by discovery (initiative_customer_impact_set) from the insights linked to the initiative.
    customer_impact = models.DecimalField(
        max_digits=16, decimal_places=2, default=0, db_default=0, editable=False, help_text="Customer impact score."
    )
    evidence_count = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    shipped_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the initiative was last marked shipped."
    )

    class Meta:
        ordering = ["rank", "id"]
        indexes = [models.Index(fields=["product", "horizon", "rank"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.start_date and self.end_date:
            if self.end_date < self.start_date:
                errors["end_date"] = END_BEFORE_START
            elif initiative_span_too_long(self.start_date, self.end_date):
                errors["end_date"] = INITIATIVE_TOO_LONG
        if self.theme_id and self.theme.product_id != self.product_id:
            errors["theme"] = THEME_OF_OTHER_PRODUCT
        if self.release_id and self.release.product_id != self.product_id:
            errors["release"] = RELEASE_OF_OTHER_PRODUCT
        if errors:
            raise ValidationError(errors)


def initiative_span_too_long(start_date, end_date) -> bool:
    """Whether an initiative from `start_date` to `end_date` spans more than INITIATIVE_YEARS_MAX years."""
    years = end_date.year - start_date.year
    return years > INITIATIVE_YEARS_MAX or (
        years == INITIATIVE_YEARS_MAX and (end_date.month, end_date.day) > (start_date.month, start_date.day)
    )


class RoadmapShareLink(BaseModel):
    """A read-only link to a product's roadmap for people without an account.

    Only a SHA-256 hash of the token is stored; the link itself is shown once, when it is made.
    Revoking keeps the row (who made it, when it was revoked) and the link stops working at once.
    """

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="roadmap_share_links")
    label = models.CharField(max_length=120, blank=True, help_text="Who the link is for, like “Board review”.")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_prefix = models.CharField(
        max_length=8, editable=False, help_text="The first characters, to tell links apart."
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.label or f"Link {self.token_prefix}…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
