"""Writes of backlog items, their manual order, acceptance criteria and sprints."""

from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from core.events import publish
from core.exceptions import ApplicationError
from core.ranks import check_anchors, rank_for_move
from core.ranks import ranks_rebalance as rebalance
from core.services import instance_create, instance_update
from products.models import Product

from .models import RANK_GAP, RICE_FIELDS, WSJF_FIELDS, AcceptanceCriterion, BacklogItem, ItemStatus

SCORE_INPUTS = frozenset(RICE_FIELDS + WSJF_FIELDS)
DECISION_STATUSES = (ItemStatus.ACCEPTED, ItemStatus.REJECTED)
DONE_STATUSES = (ItemStatus.DONE, ItemStatus.ACCEPTED)


def _lock_product(product_id: int) -> Product:
    """Serialise writes to one product's backlog order (numbers and ranks) behind a row lock."""
    return Product.objects.select_for_update().get(pk=product_id)


def _announce(event: str, item: BacklogItem, **extra) -> None:
    product = item.product
    data = {
        "id": item.pk,
        "product": item.product_id,
        "number": item.number,
        "title": item.title,
        "status": item.status,
        "rank": item.rank,
        "version": item.version,
        **extra,
    }
    publish(event=event, workspace_id=product.workspace_id, data=data)


def _schedule_rescore(item_id: int) -> None:
    from .tasks import item_rescore

    transaction.on_commit(partial(item_rescore.delay, item_id=item_id))


@transaction.atomic
def item_create(*, instance: BacklogItem, actor, rescore: bool = True) -> BacklogItem:
    """Insert an item at the bottom of its product's backlog with the next number (PAY-43).

    `rescore=False` leaves scoring to the caller (a bulk save re-scores the product as one job).
    """
    _lock_product(instance.product_id)
    figures = BacklogItem.objects.filter(product_id=instance.product_id).aggregate(
        last_rank=Max("rank"), last_number=Max("number")
    )
    instance.rank = (figures["last_rank"] or 0) + RANK_GAP
    instance.number = (figures["last_number"] or 0) + 1
    if instance.status in DONE_STATUSES and instance.done_at is None:
        instance.done_at = timezone.now()
    item = instance_create(instance=instance, actor=actor)
    if rescore and any(getattr(item, f) is not None for f in SCORE_INPUTS):
        _schedule_rescore(item.pk)
    _announce("item.created", item)
    return item


@transaction.atomic
def item_update(*, item: BacklogItem, data: dict, actor, may_decide: bool = True, rescore: bool = True) -> BacklogItem:
    """Apply changes to an item; a change of prioritisation inputs re-scores it after commit.

    `may_decide` is False for roles that may not accept or reject work (only the product
    owner and admins may). The moment an item becomes done is recorded for the burndown,
    and forgotten when it is reopened.
    """
    new_status = data.get("status", item.status)
    if new_status != item.status and new_status in DECISION_STATUSES and not may_decide:
        raise ValidationError({"status": "Only a product owner or an admin can accept or reject work."})
    was_done, is_done = item.status in DONE_STATUSES, new_status in DONE_STATUSES
    if is_done and (not was_done or item.done_at is None):
        data = {**data, "done_at": timezone.now()}
    elif was_done and not is_done:
        data = {**data, "done_at": None}
    inputs_changed = any(f in data and data[f] != getattr(item, f) for f in SCORE_INPUTS)
    before = {f: getattr(item, f) for f in data}
    item, changed = instance_update(instance=item, data=data)
    if rescore and changed and inputs_changed:
        _schedule_rescore(item.pk)
    if changed:
        changed_fields = sorted(f for f in data if before[f] != getattr(item, f))
        _announce("item.updated", item, changed=changed_fields)
    return item


@transaction.atomic
def item_delete(*, item: BacklogItem) -> None:
    item_id = item.pk
    item.delete()
    item.pk = item_id
    _announce("item.deleted", item)


def item_scores_recompute(*, item_id: int) -> BacklogItem | None:
    """Recompute and store an item's RICE and WSJF scores from its inputs (idempotent)."""
    item = BacklogItem.objects.filter(pk=item_id).first()
    if item is None:
        return None
    rice, wsjf = item.computed_rice_score, item.computed_wsjf_score
    if (item.rice_score, item.wsjf_score) != (rice, wsjf):
        BacklogItem.objects.filter(pk=item_id).update(rice_score=rice, wsjf_score=wsjf)
        item.rice_score, item.wsjf_score = rice, wsjf
    return item


# ---- manual order ------------------------------------------------------------------------------


def ranks_rebalance(*, product_id: int) -> None:
    """Spread the product's ranks RANK_GAP apart again, in one statement. Caller holds the product lock."""
    rebalance(BacklogItem.objects.filter(product_id=product_id))


@transaction.atomic
def item_move(
    *, item: BacklogItem, actor, before: int | None = None, after: int | None = None, position: str | None = None
) -> BacklogItem:
    """Move one item in its product's manual order, writing only the moved row.

    Clients send an anchor (`before`/`after` an item id, or `position` top/bottom), never a
    rank. Moves in one product are serialised by a lock on the product row; when two
    neighbours have no gap left the product's ranks are rebalanced under the same lock.
    """
    check_anchors(pk=item.pk, before=before, after=after, position=position, noun="item")
    _lock_product(item.product_id)
    current = BacklogItem.objects.filter(pk=item.pk).values_list("rank", flat=True).get()
    rank = rank_for_move(
        BacklogItem.objects.filter(product_id=item.product_id),
        pk=item.pk,
        before=before,
        after=after,
        position=position,
        current=current,
        noun="item",
        where="backlog",
    )
    if rank == current:
        item.rank = current  # already there: nothing to write
        return item
    BacklogItem.objects.filter(pk=item.pk).update(rank=rank)
    item.rank = rank
    _announce("item.moved", item, before=before, after=after, position=position)
    return item


# ---- acceptance criteria -------------------------------------------------------------------------


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


@transaction.atomic
def items_bulk_save(*, rows: list[dict], actor) -> list[BacklogItem]:
    """Create or update many items in one transaction: all of them, or none.

    Each row is {"item": BacklogItem | None, "data": {...}, "may_decide": bool}; a row
    without an item creates one. Errors are collected by row index and raised together as
    one ApplicationError with extra {"items": {index: errors}}, after which nothing is kept.
    """
    saved: list[BacklogItem] = []
    errors: dict[int, dict] = {}
    for index, row in enumerate(rows):
        data = dict(row["data"])
        criteria = data.pop("acceptance_criteria", None)
        try:
            with transaction.atomic():
                if row["item"] is None:
                    item = item_create(instance=BacklogItem(**data), actor=actor, rescore=False)
                else:
                    item = item_update(
                        item=row["item"], data=data, actor=actor, may_decide=row["may_decide"], rescore=False
                    )
                if criteria is not None:
                    item_criteria_sync(item=item, criteria=criteria, actor=actor)
        except ValidationError as error:
            errors[index] = error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
            continue
        saved.append(item)
    if errors:
        raise ApplicationError("Some rows are not valid; nothing was saved.", {"items": errors})
    # One announcement per product: prioritisation re-scores each product as one tracked job.
    by_product: dict[int, list[BacklogItem]] = {}
    for item in saved:
        by_product.setdefault(item.product_id, []).append(item)
    for items in by_product.values():
        publish(
            event="item.bulk_saved",
            workspace_id=items[0].product.workspace_id,
            data={"product": items[0].product_id, "ids": [i.pk for i in items], "actor": getattr(actor, "pk", None)},
        )
    return saved
