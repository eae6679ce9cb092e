"""The customer evidence columns of items, written by discovery (which computes them from its insights).

Backlog stores the figures so its lists can show, sort and filter by them without knowing discovery.
"""

from decimal import Decimal

from django.db import transaction

from core.events import publish
from products.models import Product

from ..events import ITEM_SAVED
from ..models import BacklogItem


@transaction.atomic
def item_customer_impact_set(*, figures: dict[int, tuple[Decimal, int]]) -> int:
    """Store each item's (customer impact, evidence count); returns how many rows changed.

    Idempotent: the caller recomputes the figures from source rows and passes them whole.
    """
    if not figures:
        return 0
    items = list(
        BacklogItem.objects.filter(pk__in=list(figures))
        .only("id", "product_id", "customer_impact", "evidence_count")
        .order_by("pk")
    )
    changed = []
    for item in items:
        impact, count = figures[item.pk]
        impact = Decimal(impact).quantize(Decimal("0.01"))
        if item.customer_impact != impact or item.evidence_count != count:
            item.customer_impact, item.evidence_count = impact, count
            changed.append(item)
    BacklogItem.objects.bulk_update(changed, ["customer_impact", "evidence_count"], batch_size=500)
    if changed:
        workspace_id = Product.objects.filter(pk=changed[0].product_id).values_list("workspace_id", flat=True).get()
        for item in changed:  # prioritisation re-scores what reads the customer impact (a scorecard criterion)
            data = {"id": item.pk, "product": item.product_id, "changed": ["customer_impact"]}
            publish(event=ITEM_SAVED, workspace_id=workspace_id, data=data)
    return len(changed)
