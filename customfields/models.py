"""Custom fields: what an admin adds to items or initiatives, per product or for the whole workspace.

The values live on the items and initiatives themselves (a JSONB `custom_fields` object keyed by the
definition's key, GIN-indexed so that filtering stays indexed), validated by `values.py` in the
item and initiative services."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from core.models import BaseModel

OPTIONS_MAX, OPTION_LENGTH_MAX = 50, 80
FIELDS_PER_WORKSPACE_MAX = 100


class FieldType(models.TextChoices):
    TEXT = "text", "Text"
    NUMBER = "number", "Number"
    SINGLE_SELECT = "single_select", "Single select"
    MULTI_SELECT = "multi_select", "Multi select"
    DATE = "date", "Date"
    USER = "user", "Person"
    URL = "url", "Link (URL)"


SELECT_TYPES = (FieldType.SINGLE_SELECT, FieldType.MULTI_SELECT)


class FieldTarget(models.TextChoices):
    ITEM = "item", "Backlog items"
    INITIATIVE = "initiative", "Initiatives"


class FieldDefinition(BaseModel):
    workspace_path = "workspace"
    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="field_definitions")
    product = models.ForeignKey(
        "products.Product",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="field_definitions",
        help_text="Leave empty for every product of the workspace.",
    )
    target = models.CharField("Applies to", max_length=12, choices=FieldTarget.choices, default=FieldTarget.ITEM)
    name = models.CharField(max_length=80)
    key = models.CharField(
        max_length=40,
        validators=[RegexValidator(r"^[a-z][a-z0-9_]{0,39}$", "Lower-case letters, digits and _, like customer_tier.")],
        help_text="How the API and exports name it, like customer_tier.",
    )
    field_type = models.CharField("Type", max_length=14, choices=FieldType.choices, default=FieldType.TEXT)
    options = models.JSONField(default=list, blank=True, help_text="The choices of a select, one per line.")
    help_text = models.CharField(max_length=200, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "target", "key"], name="field_definition_unique_key"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        options = self.options
        if self.field_type in SELECT_TYPES:
            if not isinstance(options, list) or not options:
                errors["options"] = "A select needs at least one choice."
            elif len(options) > OPTIONS_MAX:
                errors["options"] = f"At most {OPTIONS_MAX} choices."
            elif any(not isinstance(o, str) or not o.strip() or len(o) > OPTION_LENGTH_MAX for o in options):
                errors["options"] = f"Each choice is text of 1 to {OPTION_LENGTH_MAX} characters."
            elif len(set(options)) != len(options):
                errors["options"] = "Each choice once."
        elif options:
            errors["options"] = "Only selects have choices."
        if self.product_id and self.workspace_id and self.product.workspace_id != self.workspace_id:
            errors["product"] = "The product belongs to another workspace."
        if errors:
            raise ValidationError(errors)
