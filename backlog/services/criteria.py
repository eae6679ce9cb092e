"""Writes of acceptance criteria: add, change, delete, reorder, and the item's whole list at once.

Each add or delete keeps the item's `has_criteria` flag in the same transaction.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef

from core.services import instance_create, instance_update

from ..models import AcceptanceCriterion, BacklogItem


def criteria_flag_refresh(*, item_id: int) -> None:
    """Set the item's `has_criteria` from its criteria, after any add or delete of them, in the same
    transaction.

    The item's row is locked first and the flag computed by a later statement, which on PostgreSQL
    sees every criterion committed by then; a writer still adding one sets the flag after this
    transaction ends (it waits for the lock), so concurrent adds and deletes cannot leave it wrong.
    """
    items = BacklogItem.objects.filter(pk=item_id)
    list(items.select_for_update().values_list("pk"))
    items.update(has_criteria=Exists(AcceptanceCriterion.objects.filter(item_id=OuterRef("pk"))))


@transaction.atomic
def criterion_add(*, item: BacklogItem, text: str, actor) -> AcceptanceCriterion:
    last = item.acceptance_criteria.aggregate(m=Max("order"))["m"]
    criterion = instance_create(instance=AcceptanceCriterion(item=item, text=text, order=(last or 0) + 1), actor=actor)
    criteria_flag_refresh(item_id=item.pk)
    return criterion


@transaction.atomic
def criterion_update(*, criterion: AcceptanceCriterion, data: dict) -> AcceptanceCriterion:
    return instance_update(instance=criterion, data=data)[0]


@transaction.atomic
def criterion_delete(*, criterion: AcceptanceCriterion) -> None:
    criterion.delete()
    criteria_flag_refresh(item_id=criterion.item_id)


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


@transaction.atomic
def item_criteria_sync(*, item: BacklogItem, criteria: list[dict], actor) -> None:
    """Make the item's acceptance criteria the given list, in its order.

    An entry with an `id` updates that criterion of the item, one without adds one; criteria
    left out are deleted.
    """
    existing = {c.pk: c for c in item.acceptance_criteria.all()}
    keep: set[int] = set()
    for order, entry in enumerate(criteria, start=1):
        data = {k: v for k, v in entry.items() if k in ("text", "met")}
        criterion_id = entry.get("id")
        if criterion_id is None:
            instance_create(instance=AcceptanceCriterion(item=item, order=order, **data), actor=actor)
            continue
        if criterion_id not in existing:
            raise ValidationError({"acceptance_criteria": f"Criterion {criterion_id} is not one of this item's."})
        keep.add(criterion_id)
        instance_update(instance=existing[criterion_id], data={**data, "order": order})
    AcceptanceCriterion.objects.filter(item=item).exclude(pk__in=keep).filter(pk__in=list(existing)).delete()
    criteria_flag_refresh(item_id=item.pk)
