"""Labels of backlog items (models, loaded by backlog.models so that Django registers them with the app).

A label belongs to one product: its items share it, and another product's items never see it. Names
are unique per product whatever their case ("UX" and "ux" are one label); the item services
(services/labels.py) find or create them by name, so every path (page, API, bulk, admin, importers)
applies the same rules.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower

from core.models import BaseModel

LABEL_NAME_MAX = 50
LABELS_PER_ITEM_MAX = 20
# No control characters (NUL among them) and no comma: a comma separates labels in the item form and
# in the Labels column of an export. Something besides spaces (names are trimmed before they are read).
LABEL_NAME_PATTERN = r"^[^\u0000-\u001f,]*[^\s\u0000-\u001f,][^\u0000-\u001f,]*$"
LABEL_NAME_RULE = "A label name is up to 50 characters, not blank, without commas or control characters."
COLOUR_PATTERN = r"^#[0-9a-fA-F]{6}$"


def label_names_sorted(names) -> list[str]:
    """Label names in the order every page, answer and export shows them: alphabetical, case aside."""
    return sorted(names, key=lambda name: (name.casefold(), name))


class Label(BaseModel):
    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="labels")
    name = models.CharField(max_length=LABEL_NAME_MAX, validators=[RegexValidator(LABEL_NAME_PATTERN, LABEL_NAME_RULE)])
    colour = models.CharField(
        max_length=7,
        blank=True,
        validators=[RegexValidator(COLOUR_PATTERN, "A colour is written #rrggbb, like #1f77b4.")],
        help_text="Optional, #rrggbb.",
    )

    class Meta:
        ordering = [Lower("name"), "id"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "product", name="label_unique_name_per_product"),
        ]

    def __str__(self) -> str:
        return self.name
