"""What serves a key result: the initiatives linked to it, with their progress, and the backlog items
of those initiatives (directly, or through their epic), for the key result's page.

Items are read through the initiatives' `items` reverse relation (the roadmap sits below the
backlog and does not import it); "done" is `done_at` set, as in `initiatives_with_progress`.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from ..models import Initiative
from .initiatives import initiative_progress, initiatives_with_progress

SERVING_ITEMS_SHOWN = 50


@dataclass
class Serving:
    initiatives: list = field(default_factory=list)
    items: list = field(default_factory=list)
    item_count: int = 0
    items_done: int = 0

    @property
    def items_hidden(self) -> int:
        return max(0, self.item_count - len(self.items))

    @property
    def items_percent(self) -> int | None:
        return round(100 * self.items_done / self.item_count) if self.item_count else None


def key_result_serving(*, key_result, limit: int = SERVING_ITEMS_SHOWN) -> Serving:
    """The initiatives serving `key_result` (of its workspace) with progress, and up to `limit` of
    their items in backlog order with the counts of all of them: four queries whatever the sizes."""
    workspace_id = key_result.objective.workspace_id
    initiatives = list(
        initiatives_with_progress(Initiative.objects.filter(key_results=key_result, product__workspace_id=workspace_id))
        .select_related("product")
        .order_by("product__key", "title")
    )
    for initiative in initiatives:
        initiative.progress = initiative_progress(initiative)
    if not initiatives:
        return Serving()
    ids = [i.pk for i in initiatives]
    items_model = Initiative._meta.get_field("items").related_model
    items = items_model.objects.filter(
        Q(initiative_id__in=ids) | Q(initiative__isnull=True, parent__initiative_id__in=ids),
        product__workspace_id=workspace_id,
    )
    figures = items.aggregate(total=Count("id"), done=Count("id", filter=Q(done_at__isnull=False)))
    shown = list(
        items.select_related("product", "initiative", "parent__initiative", "parent__product").order_by(
            "product__key", "rank", "id"
        )[:limit]
    )
    for item in shown:
        item.serves_through = item.initiative or item.parent.initiative
    return Serving(initiatives, shown, figures["total"], figures["done"])
