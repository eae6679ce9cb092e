"""Set-based writes of several locked items at once (bulk change, sprint carry-over)."""

from django.db.models import F
from django.utils import timezone

from core.events import publish
from products.models import Product

from ..models import DONE_STATUSES, BacklogItem
from .sprint_history import ItemState, item_state, scope_changes_record


def items_set(*, product: Product, items: list[BacklogItem], data: dict, actor, carry_over: bool = False) -> int:
    """Set `data` (of BULK_FIELDS, already checked) on locked items of `product` in one UPDATE.

    Keeps the done times and the sprints' ledgers as one edit would, and announces each item.
    `carry_over`: the items leave a completing sprint as its spillover (sprint_complete).
    Caller holds the product lock and the items' locks.
    """
    ids = sorted(item.pk for item in items)
    status = data.get("status")
    updates = {**data, "version": F("version") + 1, "updated_at": timezone.now()}
    if status in DONE_STATUSES:
        BacklogItem.objects.filter(pk__in=ids, done_at__isnull=True).update(done_at=timezone.now())
    elif status is not None:
        updates["done_at"] = None
    count = BacklogItem.objects.filter(pk__in=ids).update(**updates)
    changed = sorted(data)
    before = {item.pk: item_state(item) for item in items}
    history = []
    for item_id, number, title, status, version, sprint_id, points in BacklogItem.objects.filter(
        pk__in=ids
    ).values_list("pk", "number", "title", "status", "version", "sprint_id", "story_points"):
        history.append((item_id, before[item_id], ItemState(sprint_id, points or 0, status)))
        payload = {"id": item_id, "product": product.pk, "number": number, "title": title, "status": status}
        publish(
            event="item.updated",
            workspace_id=product.workspace_id,
            data={**payload, "version": version, "changed": changed, "actor": getattr(actor, "pk", None)},
        )
    scope_changes_record(changes=history, actor=actor, carry_over=carry_over)
    return count
