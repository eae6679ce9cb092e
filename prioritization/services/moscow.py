"""Applying MoSCoW categories (a proposal as is or edited) to items."""

from django.db import transaction

from backlog.services.scores import items_moscow_set
from products.models import Product


@transaction.atomic
def moscow_apply(*, product: Product, assignments: dict[int, str], actor) -> int:
    """Set the MoSCoW of several items of one product at once (a proposal, as is or edited)."""
    return items_moscow_set(product=product, assignments=assignments)
