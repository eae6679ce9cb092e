"""Writes of sprint planning and review: planning items into a sprint, accepting and rejecting work.

Each goes through `item_update`, so the decision rule, the done time and the events are those of
any other edit.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from core.exceptions import ApplicationError

from ..models import DONE_STATUSES, BacklogItem, ItemStatus, Sprint, SprintStatus
from .items import item_lock, item_move, item_update, products_lock


@transaction.atomic
def sprint_plan_item(
    *, item: BacklogItem, sprint: Sprint | None, actor, before: int | None = None, after: int | None = None
) -> BacklogItem:
    """Put an item into a sprint (or back into the backlog with `sprint=None`), optionally next to another.

    Locks the product, then the item (the lock order of services/items.py), since it may move the item.
    """
    products_lock([item.product_id])
    item = item_lock(item.pk)
    if sprint is not None:
        if sprint.product_id != item.product_id:
            raise ValidationError({"sprint": "The sprint belongs to another product."})
        if sprint.status == SprintStatus.CLOSED:
            raise ValidationError({"sprint": "This sprint is closed; plan work into an open one."})
    item = item_update(item=item, data={"sprint": sprint}, actor=actor)
    if before is not None or after is not None:
        item = item_move(item=item, actor=actor, before=before, after=after)
    return item


@transaction.atomic
def item_accept(*, item: BacklogItem, actor) -> BacklogItem:
    """The product owner accepts finished work."""
    current = item_lock(item.pk)
    if current.status != ItemStatus.DONE:
        raise ApplicationError("Only finished work (status Done) can be accepted.")
    return item_update(item=current, data={"status": ItemStatus.ACCEPTED, "rejection_reason": ""}, actor=actor)


@transaction.atomic
def item_reject(*, item: BacklogItem, reason: str, actor) -> BacklogItem:
    """The product owner rejects finished work with a reason; it leaves the sprint for the backlog."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the work is rejected, so the team can fix it."})
    current = item_lock(item.pk)
    if current.status not in DONE_STATUSES:
        raise ApplicationError("Only finished work (status Done) can be rejected.")
    return item_update(
        item=current,
        data={"status": ItemStatus.REJECTED, "rejection_reason": reason, "sprint": None},
        actor=actor,
    )
