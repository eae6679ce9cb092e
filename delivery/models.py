from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from core.bounds import DATE_WINDOW_MESSAGE, TEXT_SHORT, BoundedTextField, validate_date_in_window
from core.models import BaseModel

# Tasks of one launch checklist, and entries of a workspace's checklist template.
CHECKLIST_TASKS_MAX = 100
# The longest wait before an outcome review is asked for.
REVIEW_DELAY_DAYS_MAX = 730


class LaunchArea(models.TextChoices):
    DOCS = "docs", "Documentation"
    SUPPORT = "support", "Support trained"
    MARKETING = "marketing", "Marketing"
    LEGAL = "legal", "Legal and compliance"
    ROLLOUT = "rollout", "Rollout plan"
    OTHER = "other", "Other"


class ChecklistTemplateTask(BaseModel):
    """One task of a workspace's launch checklist template, copied into each release's checklist."""

    workspace_path = "workspace"
    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="checklist_tasks")
    title = models.CharField(max_length=200)
    area = models.CharField(max_length=10, choices=LaunchArea.choices, default=LaunchArea.OTHER)
    days_before = models.PositiveSmallIntegerField(
        default=7, help_text="Due this many days before the release's target date."
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class LaunchTask(BaseModel):
    """A go-to-market task of one release: docs, support trained, marketing, legal, rollout plan."""

    workspace_path = "release__product__workspace"
    release = models.ForeignKey("roadmap.Release", on_delete=models.CASCADE, related_name="launch_tasks")
    title = models.CharField(max_length=200)
    area = models.CharField(max_length=10, choices=LaunchArea.choices, default=LaunchArea.OTHER)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="launch_tasks"
    )
    due_date = models.DateField(
        null=True, blank=True, validators=[validate_date_in_window], help_text=DATE_WINDOW_MESSAGE
    )
    done = models.BooleanField(default=False)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class Verdict(models.TextChoices):
    WORKED = "worked", "It worked"
    PARTLY = "partly", "It partly worked"
    DID_NOT = "did_not", "It did not work"


class ReviewStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    DUE = "due", "Due"
    RECORDED = "recorded", "Recorded"


class OutcomeReview(BaseModel):
    """Did shipped work move what it was meant to? Asked for a chosen time after an initiative or a release ships.

    `baseline` holds the linked key results' and KPIs' values when the work shipped:
    {"key_results": {id: value}, "kpis": {id: value}} (values as strings, None when unknown).
    """

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="outcome_reviews")
    initiative = models.ForeignKey(
        "roadmap.Initiative", null=True, blank=True, on_delete=models.CASCADE, related_name="outcome_reviews"
    )
    release = models.ForeignKey(
        "roadmap.Release", null=True, blank=True, on_delete=models.CASCADE, related_name="outcome_reviews"
    )
    shipped_at = models.DateTimeField(editable=False)
    due_on = models.DateField(
        validators=[validate_date_in_window], help_text="When to review: the effect needs time to show."
    )
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.SCHEDULED, editable=False
    )
    baseline = models.JSONField(default=dict, editable=False)
    verdict = models.CharField(max_length=8, choices=Verdict.choices, blank=True)
    learning = BoundedTextField(max_length=TEXT_SHORT, blank=True, help_text="What we learned, for the next bet.")
    metric_moved = models.BooleanField(
        null=True, editable=False, help_text="Whether a linked metric moved the right way (set when recorded)."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(initiative__isnull=False, release__isnull=True)
                | models.Q(initiative__isnull=True, release__isnull=False),
                name="outcome_review_of_one_thing",
            ),
            models.UniqueConstraint(
                fields=["initiative", "shipped_at"], name="outcome_review_once_per_initiative_ship"
            ),
            models.UniqueConstraint(fields=["release", "shipped_at"], name="outcome_review_once_per_release_ship"),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"Outcome review of {self.subject}"

    @property
    def subject(self):
        return self.initiative if self.initiative_id else self.release

    def clean(self) -> None:
        for field in ("initiative", "release"):
            related = getattr(self, field) if getattr(self, f"{field}_id") else None
            if related is not None and related.product_id != self.product_id:
                raise ValidationError({field: f"The {field} belongs to another product."})
