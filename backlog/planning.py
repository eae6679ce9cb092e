"""Writes behind backlog grooming and sprint planning pages: checked inline edits, bulk changes,
planning items into a sprint, accepting and rejecting work, ordering acceptance criteria.

Every write of one item goes through `item_update`/`item_move` (which also record when an item
became done, for the burndown).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.events import publish
from core.exceptions import ApplicationError
from roadmap.models import Release

from .models import AcceptanceCriterion, BacklogItem, ItemStatus, Sprint, SprintStatus
from .services import DECISION_STATUSES, DONE_STATUSES, item_move, item_update

BULK_FIELDS = ("sprint", "release", "status")


class StaleWriteError(ApplicationError):
    """The item changed since the editor loaded it; `current` holds the newer values."""

    def __init__(self, current: BacklogItem):
        super().__init__(
            "Someone else saved this item meanwhile. Their values are shown; nothing was overwritten.",
            extra={"version": current.version},
        )
        self.current = current


@transaction.atomic
def item_update_checked(*, item: BacklogItem, data: dict, version: int, actor, may_decide: bool) -> BacklogItem:
    """`item_update` for editors that loaded `version`: a save based on an older copy is refused.

    The row is locked while compared, so of two saves of the same version exactly one wins.
    """
    current = BacklogItem.objects.select_for_update().select_related("product").get(pk=item.pk)
    if current.version != version:
        raise StaleWriteError(current)
    return item_update(item=current, data=data, actor=actor, may_decide=may_decide)


@transaction.atomic
def item_bulk_update(*, product, item_ids: list[int], data: dict, actor, may_decide: bool) -> int:
    """Set the sprint, release or status of many items of one product at once; returns how many.

    Ids from another product are ignored (never updated); the change is one UPDATE per status group.
    """
    data = {k: v for k, v in data.items() if k in BULK_FIELDS}
    if not data:
        raise ApplicationError("Choose what to change: a sprint, a release or a status.")
    if not item_ids:
        raise ApplicationError("Select at least one item.")
    sprint, release = data.get("sprint"), data.get("release")
    if isinstance(sprint, Sprint) and sprint.product_id != product.pk:
        raise ValidationError({"sprint": "The sprint belongs to another product."})
    if isinstance(release, Release) and release.product_id != product.pk:
        raise ValidationError({"release": "The release belongs to another product."})
    if isinstance(sprint, Sprint) and sprint.status == SprintStatus.CLOSED:
        raise ValidationError({"sprint": "This sprint is closed; plan work into an open one."})
    status = data.get("status")
    if status in DECISION_STATUSES and not may_decide:
        raise ValidationError({"status": "Only a product owner or an admin can accept or reject work."})
    items = BacklogItem.objects.select_for_update().filter(product=product, pk__in=item_ids)
    ids = list(items.values_list("pk", flat=True))
    updates = {**data, "version": F("version") + 1, "updated_at": timezone.now()}
    if status in DONE_STATUSES:
        BacklogItem.objects.filter(pk__in=ids, done_at__isnull=True).update(done_at=timezone.now())
    elif status is not None:
        updates["done_at"] = None
    count = BacklogItem.objects.filter(pk__in=ids).update(**updates)
    changed = sorted(data)
    for item_id, number, title, status, version in BacklogItem.objects.filter(pk__in=ids).values_list(
        "pk", "number", "title", "status", "version"
    ):
        payload = {"id": item_id, "product": product.pk, "number": number, "title": title, "status": status}
        publish(
            event="item.updated",
            workspace_id=product.workspace_id,
            data={**payload, "version": version, "changed": changed},
        )
    return count


@transaction.atomic
def sprint_plan_item(
    *, item: BacklogItem, sprint: Sprint | None, actor, before: int | None = None, after: int | None = None
) -> BacklogItem:
    """Put an item into a sprint (or back into the backlog with `sprint=None`), optionally next to another."""
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
    current = BacklogItem.objects.select_for_update().get(pk=item.pk)
    if current.status != ItemStatus.DONE:
        raise ApplicationError("Only finished work (status Done) can be accepted.")
    return item_update(item=current, data={"status": ItemStatus.ACCEPTED, "rejection_reason": ""}, actor=actor)


@transaction.atomic
def item_reject(*, item: BacklogItem, reason: str, actor) -> BacklogItem:
    """The product owner rejects finished work with a reason; it leaves the sprint for the backlog."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the work is rejected, so the team can fix it."})
    current = BacklogItem.objects.select_for_update().get(pk=item.pk)
    if current.status not in (ItemStatus.DONE, ItemStatus.ACCEPTED):
        raise ApplicationError("Only finished work (status Done) can be rejected.")
    return item_update(
        item=current,
        data={"status": ItemStatus.REJECTED, "rejection_reason": reason, "sprint": None},
        actor=actor,
    )


@transaction.atomic
def criterion_move(*, criterion: AcceptanceCriterion, direction: str) -> AcceptanceCriterion:
    """Move an acceptance criterion one place up or down; the item's criteria are renumbered 1..n."""
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "Direction is up or down."})
    BacklogItem.objects.select_for_update().filter(pk=criterion.item_id).first()
    criteria = list(AcceptanceCriterion.objects.filter(item_id=criterion.item_id).order_by("order", "id"))
    index = next(i for i, c in enumerate(criteria) if c.pk == criterion.pk)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(criteria):
        criteria[index], criteria[target] = criteria[target], criteria[index]
    for position, c in enumerate(criteria, start=1):
        c.order = position
    AcceptanceCriterion.objects.bulk_update(criteria, ["order"])
    return next(c for c in criteria if c.pk == criterion.pk)
