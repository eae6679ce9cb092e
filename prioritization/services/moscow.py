"""Applying MoSCoW categories (a proposal as is or edited) to items."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from backlog.models import BacklogItem
from products.models import Product

from .. import scoring

MOSCOW_VALUES = (scoring.MUST, scoring.SHOULD, scoring.COULD, scoring.WONT)


@transaction.atomic
def moscow_apply(*, product: Product, assignments: dict[int, str], actor) -> int:
    """Set the MoSCoW of several items of one product at once (a proposal, as is or edited).

    Ids from the request are checked against the product first; one UPDATE per category, and
    only items whose category changes are written. Returns how many changed.
    """
    bad = sorted({v for v in assignments.values() if v not in MOSCOW_VALUES})
    if bad:
        raise ValidationError({"moscow": f"Unknown MoSCoW category: {', '.join(map(str, bad))}."})
    ids = set(BacklogItem.objects.filter(product=product, pk__in=assignments).values_list("pk", flat=True))
    if ids != set(assignments):
        raise ValidationError({"items": "Some items are not in this product's backlog."})
    changed = 0
    for category in MOSCOW_VALUES:
        chosen = [pk for pk, value in assignments.items() if value == category]
        if chosen:
            changed += (
                BacklogItem.objects.filter(pk__in=chosen)
                .exclude(moscow=category)
                .update(moscow=category, version=F("version") + 1, updated_at=timezone.now())
            )
    return changed
