"""Sprint planning's models: the scope-change ledger of started sprints and item dependencies (loaded
by backlog.models so that Django registers them with the app)."""

from django.conf import settings
from django.db import models

from core.models import BaseModel


class ScopeChangeKind(models.TextChoices):
    BASELINE = "baseline", "In scope at the start"
    ADDED = "added", "Added after the start"
    REMOVED = "removed", "Removed after the start"
    REESTIMATED = "reestimated", "Re-estimated"
    COMPLETED = "completed", "Finished"
    REOPENED = "reopened", "Reopened"
    REJECTED = "rejected", "Rejected"
    CARRIED_OVER = "carried_over", "Carried over at the end"


class SprintScopeChange(models.Model):
    """One entry of a started sprint's ledger, written by the item services on every path while the
    sprint is active: its burndown is the running sum of the ledger, and a closed sprint keeps its chart.
    A rejected or carried-over item leaves the sprint but not its scope: it shows as work not done."""

    sprint = models.ForeignKey("backlog.Sprint", on_delete=models.CASCADE, related_name="scope_changes")
    item = models.ForeignKey(
        "backlog.BacklogItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="sprint_scope_changes"
    )
    kind = models.CharField(max_length=14, choices=ScopeChangeKind.choices)
    scope_points = models.IntegerField(default=0, help_text="Change of the sprint's scope in points.")
    done_points = models.IntegerField(default=0, help_text="Change of the sprint's finished points.")
    scope_items = models.SmallIntegerField(default=0)
    done_items = models.SmallIntegerField(default=0)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["sprint", "at"])]

    def __str__(self) -> str:
        return f"{self.sprint_id}: {self.kind} {self.scope_points:+}/{self.done_points:+}"


class ItemDependency(BaseModel):
    """`item` cannot be finished before `depends_on` (depends_on blocks item). Both in one workspace."""

    workspace_path = "item__product__workspace"

    item = models.ForeignKey("backlog.BacklogItem", on_delete=models.CASCADE, related_name="dependencies")
    depends_on = models.ForeignKey("backlog.BacklogItem", on_delete=models.CASCADE, related_name="dependents")

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "item dependencies"
        constraints = [
            models.UniqueConstraint(fields=["item", "depends_on"], name="item_dependency_unique"),
            models.CheckConstraint(condition=~models.Q(item=models.F("depends_on")), name="item_dependency_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} waits for {self.depends_on_id}"
