"""Saved views of the backlog: filters, columns, grouping and sort, personal or shared (models, loaded
by backlog.models so that Django registers them with the app)."""

import re
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from core.models import BaseModel


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
VIEW_FILTERS = (
    "search", "kind", "status", "moscow", "theme", "initiative", "release", "sprint", "owner", "evidence", "label",
)  # fmt: skip
VIEW_COLUMNS = {
    "kind": "Kind",
    "status": "Status",
    "points": "Points",
    "rice": "RICE",
    "wsjf": "WSJF",
    "impact": "Impact",
    "moscow": "MoSCoW",
    "sprint": "Sprint",
    "owner": "Assignee",
    "criteria": "Criteria",
}
DEFAULT_COLUMNS = ("kind", "status", "points", "rice", "wsjf", "impact", "moscow", "sprint", "criteria")
VIEW_FILTER_VALUE_MAX = 200
CUSTOM_FILTER = re.compile(r"^cf_[a-z][a-z0-9_]{0,39}$")  # a select custom field: cf_<key>
# A custom field as a column, a group (single select or person) or a sort (-: last to first): cf_<key>.
CUSTOM_COLUMN = CUSTOM_GROUP = CUSTOM_FILTER
CUSTOM_ORDERING = re.compile(r"^-?cf_[a-z][a-z0-9_]{0,39}$")
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
    group_by = models.CharField(
        max_length=43, blank=True, help_text="status, sprint, initiative, owner, moscow, or cf_<key> of a custom field."
    )
    ordering = models.CharField(
        max_length=44,
        blank=True,
        help_text="One of the sorts of the backlog, or cf_<key> / -cf_<key> of a custom field.",
    )

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
        if not isinstance(self.columns, list) or any(
            not isinstance(c, str) or (c not in VIEW_COLUMNS and not CUSTOM_COLUMN.match(c)) for c in self.columns
        ):
            errors["columns"] = f"Columns are a list of: {', '.join(VIEW_COLUMNS)}, or cf_<key> of a custom field."
        elif len(set(self.columns)) != len(self.columns):
            errors["columns"] = "Each column once."
        if self.group_by and self.group_by not in GroupBy.values and not CUSTOM_GROUP.match(self.group_by):
            errors["group_by"] = f"Group by one of: {', '.join(GroupBy.values)}, or cf_<key> of a custom field."
        if self.ordering and self.ordering not in ViewOrdering.values and not CUSTOM_ORDERING.match(self.ordering):
            errors["ordering"] = f"Sort by one of: {', '.join(ViewOrdering.values)}, or (-)cf_<key> of a custom field."
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
