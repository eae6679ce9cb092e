"""Writes of acceptance criteria: add, change, delete, reorder, and the item's whole list at once.

Each write locks its item's row first (step 3 of the lock order in services/items.py: criteria
after their item), and each add or delete keeps the item's `has_criteria` flag in the same
transaction. An item has at most CRITERIA_PER_ITEM_MAX criteria.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef
from django.utils import timezone

from core.services import instance_update

from ..models import CRITERIA_PER_ITEM_MAX, AcceptanceCriterion, BacklogItem

CRITERIA_FIELDS = ("text", "met")
TOO_MANY = f"An item has at most {CRITERIA_PER_ITEM_MAX} acceptance criteria."


def _lock_item(item_id: int) -> None:
    list(BacklogItem.objects.filter(pk=item_id).select_for_update().values_list("pk"))


def criteria_flag_refresh(*, item_id: int) -> None:
    """Set the item's `has_criteria` from its criteria, after any add or delete of them, in the same
    transaction.

    The item's row is locked first and the flag computed by a later statement, which on PostgreSQL
    sees every criterion committed by then; a writer still adding one sets the flag after this
    transaction ends (it waits for the lock), so concurrent adds and deletes cannot leave it wrong.
    """
    _lock_item(item_id)
    items = BacklogItem.objects.filter(pk=item_id)
    items.update(has_criteria=Exists(AcceptanceCriterion.objects.filter(item_id=OuterRef("pk"))))


def _validated(criterion: AcceptanceCriterion) -> None:
    """The criterion's own field checks, without a query (its item and author are the caller's)."""
    criterion.full_clean(exclude=["item", "created_by"], validate_unique=False, validate_constraints=False)


@transaction.atomic
def criterion_add(*, item: BacklogItem, text: str, actor) -> AcceptanceCriterion:
    _lock_item(item.pk)
    figures = AcceptanceCriterion.objects.filter(item_id=item.pk).aggregate(last=Max("order"), count=Count("pk"))
    if figures["count"] >= CRITERIA_PER_ITEM_MAX:
        raise ValidationError({"acceptance_criteria": TOO_MANY})
    criterion = AcceptanceCriterion(item=item, text=text, order=(figures["last"] or 0) + 1)
    if actor is not None and actor.is_authenticated:
        criterion.created_by = actor
    _validated(criterion)
    criterion.save()
    BacklogItem.objects.filter(pk=item.pk, has_criteria=False).update(has_criteria=True)
    return criterion


@transaction.atomic
def criterion_update(*, criterion: AcceptanceCriterion, data: dict) -> AcceptanceCriterion:
    _lock_item(criterion.item_id)
    return instance_update(instance=criterion, data=data)[0]


@transaction.atomic
def criterion_delete(*, criterion: AcceptanceCriterion) -> None:
    _lock_item(criterion.item_id)
    criterion.delete()
    criteria_flag_refresh(item_id=criterion.item_id)


@transaction.atomic
def criterion_move(*, criterion: AcceptanceCriterion, direction: str) -> AcceptanceCriterion:
    """Move an acceptance criterion one place up or down; the item's criteria are renumbered 1..n."""
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "Direction is up or down."})
    _lock_item(criterion.item_id)
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
    """Make the item's acceptance criteria the given list, in its order, in a handful of statements.

    An entry with an `id` updates that criterion of the item, one without adds one; criteria
    left out are deleted. Each entry is validated like a single criterion (text required and
    capped), without a query per entry; then one INSERT, one UPDATE and one DELETE at most.
    """
    if len(criteria) > CRITERIA_PER_ITEM_MAX:
        raise ValidationError({"acceptance_criteria": TOO_MANY})
    _lock_item(item.pk)
    existing = {c.pk: c for c in AcceptanceCriterion.objects.filter(item_id=item.pk)}
    now = timezone.now()
    author = actor if actor is not None and actor.is_authenticated else None
    new, changed, keep, problems = [], [], set(), []
    for order, entry in enumerate(criteria, start=1):
        data = {k: v for k, v in entry.items() if k in CRITERIA_FIELDS}
        criterion_id = entry.get("id")
        if criterion_id is None:
            criterion = AcceptanceCriterion(item=item, order=order, created_by=author, **data)
            new.append(criterion)
        elif criterion_id not in existing:
            problems.append(f"Criterion {criterion_id} is not one of this item's.")
            continue
        elif criterion_id in keep:
            problems.append(f"Criterion {criterion_id} is listed twice.")
            continue
        else:
            keep.add(criterion_id)
            criterion = existing[criterion_id]
            data["order"] = order
            if all(getattr(criterion, name) == value for name, value in data.items()):
                continue
            for name, value in data.items():
                setattr(criterion, name, value)
            criterion.version += 1
            criterion.updated_at = now
            changed.append(criterion)
        try:
            _validated(criterion)
        except ValidationError as error:
            problems += [f"Criterion {order}: {message}" for message in error.messages]
    if problems:
        raise ValidationError({"acceptance_criteria": problems})
    gone = [pk for pk in existing if pk not in keep]
    if gone:
        AcceptanceCriterion.objects.filter(pk__in=gone).delete()
    if changed:
        AcceptanceCriterion.objects.bulk_update(changed, ["text", "met", "order", "version", "updated_at"])
    if new:
        AcceptanceCriterion.objects.bulk_create(new)
    BacklogItem.objects.filter(pk=item.pk).exclude(has_criteria=bool(criteria)).update(has_criteria=bool(criteria))
    item.has_criteria = bool(criteria)
