"""Writes of backlog items: create, update (also against a loaded version), delete, move, bulk changes.

Every write of an item's fields goes through `item_create` or `item_update` (the bulk paths call
them per row, or apply the same rules set-based). They refuse a decision (accepted, rejected) from
a role that does not manage sprints, record when the item became done, and store its RICE and WSJF
scores in the same write, so every answer carries fresh scores. Scores that depend on more than the
item (the custom scorecard) are left to prioritisation, told by the `item.saved` event.

Lock order. Every write path of the backlog takes its row locks in one order, so that no two
transactions can each hold a lock the other waits for (a deadlock, which PostgreSQL resolves by
failing one of them):

1. the product row (`products_lock`), taken first by every write that numbers, orders or changes
   several items: create, move (and the rebalance under it), bulk update, bulk save, sprint planning,
   the score refresh and MoSCoW assignments (services/scores.py); several products in ascending id;
2. item rows in ascending id (`items_lock`); a write of one item's fields (a PATCH, the edit form,
   the inline row, accept, reject) takes only its item's row and never asks for the product after it;
3. an item's acceptance criteria, only once the item's row is locked (the criteria services lock
   it first, even when the caller already holds it).

A path that holds a later lock never asks for an earlier one. Inserting a row that references
another (an item's product or parent, a criterion's item) share-locks the referenced row, which is
why criteria writes lock their item before inserting. The API runs its write transactions under
`core.db.retry_on_conflict`, which runs one again if the database still aborts it.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.events import publish
from core.exceptions import ApplicationError
from core.ranks import check_anchors, rank_for_move
from core.ranks import ranks_rebalance as rebalance
from core.services import instance_create, instance_delete, instance_update
from customfields.models import FieldTarget
from customfields.values import custom_values_clean
from products.models import Product
from roadmap.models import Release
from workspaces.models import Capability, Membership

from ..models import (
    BULK_ITEMS_MAX,
    DECISION_STATUSES,
    DONE_STATUSES,
    RANK_GAP,
    RICE_FIELDS,
    SCORE_INPUTS,
    WSJF_FIELDS,
    BacklogItem,
    Sprint,
    SprintStatus,
    rice_score,
    wsjf_score,
)
from .criteria import item_criteria_sync
from .item_sets import items_set
from .labels import labels_m2m
from .sprint_history import item_state, scope_changes_record

DECISION_REFUSED = "Only a product owner or an admin can accept or reject work."
BULK_FIELDS = ("sprint", "release", "status")
# The fields a started sprint's ledger follows (services/sprint_history.py).
SPRINT_LEDGER_FIELDS = frozenset({"sprint", "story_points", "status"})


def stale_version_message(current_version: int) -> str:
    return f"The item changed since you read it; it is at version {current_version} now. Nothing was saved."


class StaleWriteError(ApplicationError):
    """The item changed since the editor loaded it; `current` holds the newer values."""

    def __init__(self, current: BacklogItem):
        super().__init__(
            "Someone else saved this item meanwhile. Their values are shown; nothing was overwritten.",
            extra={"version": current.version},
        )
        self.current = current


def products_lock(product_ids) -> None:
    """Lock product rows (step 1 of the lock order), in ascending id.

    The product lock serialises writes to a product's backlog order (numbers and ranks).
    """
    ids = sorted(set(product_ids))
    list(Product.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


def items_lock(item_ids, *, product_id: int | None = None) -> dict[int, BacklogItem]:
    """Lock item rows (step 2 of the lock order), in ascending id; returns them, with their product, by id.

    With `product_id`, only that product's items among `item_ids` (others are neither locked nor returned).
    """
    locked = BacklogItem.objects.select_for_update(of=("self",)).select_related("product").filter(pk__in=set(item_ids))
    if product_id is not None:
        locked = locked.filter(product_id=product_id)
    return {item.pk: item for item in locked.order_by("pk")}


def item_lock(item_id: int) -> BacklogItem:
    """Lock one item's row and read it again (BacklogItem.DoesNotExist if it is gone)."""
    try:
        return items_lock([item_id])[item_id]
    except KeyError:
        raise BacklogItem.DoesNotExist(f"No backlog item {item_id}.") from None


def _lock_product(product_id: int) -> None:
    products_lock([product_id])


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
        "owner": item.owner_id,
        **extra,
    }
    publish(event=event, workspace_id=product.workspace_id, data=data)


def _announce_saved(item: BacklogItem, inputs: list[str]) -> None:
    """Tell prioritisation that an item's score inputs changed (it keeps the scores that need more than the item)."""
    data = {"id": item.pk, "product": item.product_id, "changed": inputs}
    publish(event="item.saved", workspace_id=item.product.workspace_id, data=data)


def item_decision_check(*, actor, product_id: int | None, status: str, current_status: str | None = None) -> None:
    """Refuse to set an item's status to accepted or rejected unless the actor's role in the product's
    workspace manages sprints (product owner, admin).

    A status that stays what it was is no decision. `actor=None` is the system (a task, a command),
    not a person: it is not checked.
    """
    if status == current_status or status not in DECISION_STATUSES or actor is None:
        return
    membership = Membership.objects.filter(user_id=actor.pk, workspace__products=product_id).only("role").first()
    if membership is None or not membership.can(Capability.MANAGE_SPRINTS):
        raise ValidationError({"status": DECISION_REFUSED})


def _typed(name: str, value):
    try:
        return BacklogItem._meta.get_field(name).to_python(value)
    except ValidationError as error:
        raise ValidationError({name: error.messages}) from error


def _scores(values: dict) -> dict:
    """The stored scores that follow from an item's inputs ({field: value} of SCORE_INPUTS)."""
    values = {name: _typed(name, value) for name, value in values.items()}
    return {
        "rice_score": rice_score(**{name: values[name] for name in RICE_FIELDS}),
        "wsjf_score": wsjf_score(**{name: values[name] for name in WSJF_FIELDS}),
    }


def _custom_fields(product, values) -> dict:
    """Custom field values as stored, checked against the definitions of the item's product."""
    return custom_values_clean(values=values, product=product, target=FieldTarget.ITEM)


def _insert(*, instance: BacklogItem, actor, labels=None) -> BacklogItem:
    item_decision_check(actor=actor, product_id=instance.product_id, status=instance.status)
    _lock_product(instance.product_id)
    figures = BacklogItem.objects.filter(product_id=instance.product_id).aggregate(
        last_rank=Max("rank"), last_number=Max("number")
    )
    instance.rank = (figures["last_rank"] or 0) + RANK_GAP
    instance.number = (figures["last_number"] or 0) + 1
    if instance.status in DONE_STATUSES and instance.done_at is None:
        instance.done_at = timezone.now()
    for name, value in _scores({name: getattr(instance, name) for name in SCORE_INPUTS}).items():
        setattr(instance, name, value)
    instance.custom_fields = _custom_fields(instance.product, instance.custom_fields)
    item = instance_create(instance=instance, actor=actor, m2m=labels_m2m(product_id=instance.product_id, names=labels))
    if item.sprint_id is not None:
        scope_changes_record(changes=[(item.pk, None, item_state(item))], actor=actor)
    _announce("item.created", item, actor=getattr(actor, "pk", None))
    return item


def _apply(*, item: BacklogItem, data: dict, actor) -> tuple[BacklogItem, list[str]]:
    new_status = data.get("status", item.status)
    item_decision_check(actor=actor, product_id=item.product_id, status=new_status, current_status=item.status)
    was_done, is_done = item.status in DONE_STATUSES, new_status in DONE_STATUSES
    if is_done and (not was_done or item.done_at is None):
        data = {**data, "done_at": timezone.now()}
    elif was_done and not is_done:
        data = {**data, "done_at": None}
    if "custom_fields" in data:
        data = {**data, "custom_fields": _custom_fields(item.product, data["custom_fields"])}
    inputs = {name: data[name] if name in data else getattr(item, name) for name in SCORE_INPUTS}
    before, fields = item_state(item), {k: v for k, v in data.items() if k != "labels"}
    m2m = labels_m2m(product_id=getattr(data.get("product"), "pk", item.product_id), names=data.get("labels"))
    item, changed = instance_update(instance=item, data={**fields, **_scores(inputs)}, m2m=m2m)
    if SPRINT_LEDGER_FIELDS.intersection(changed):
        scope_changes_record(changes=[(item.pk, before, item_state(item))], actor=actor)
    if changed:
        _announce("item.updated", item, changed=changed, actor=getattr(actor, "pk", None))
    return item, changed


@transaction.atomic
def item_create(*, instance: BacklogItem, actor, labels: list[str] | None = None) -> BacklogItem:
    """Insert an item at the bottom of its product's backlog with the next number (PAY-43), its scores
    and its `labels` (names: services/labels.py; data["labels"] of item_update alike)."""
    item = _insert(instance=instance, actor=actor, labels=labels)
    inputs = sorted(name for name in SCORE_INPUTS if getattr(item, name) is not None)
    if inputs:
        _announce_saved(item, inputs)
    return item


@transaction.atomic
def item_update(*, item: BacklogItem, data: dict, actor) -> BacklogItem:
    """Apply changes to an item and store the scores that follow from them.

    The moment an item becomes done is recorded for the burndown, and forgotten when it is reopened.
    """
    item, changed = _apply(item=item, data=data, actor=actor)
    inputs = sorted(SCORE_INPUTS.intersection(changed))
    if inputs:
        _announce_saved(item, inputs)
    return item


@transaction.atomic
def item_update_checked(*, item: BacklogItem, data: dict, version: int, actor) -> BacklogItem:
    """`item_update` for editors that loaded `version`: a save based on an older copy is refused.

    The row is locked while compared, so of two saves of the same version exactly one wins.
    """
    current = item_lock(item.pk)
    if current.version != version:
        raise StaleWriteError(current)
    return item_update(item=current, data=data, actor=actor)


@transaction.atomic
def item_delete(*, item: BacklogItem, actor=None) -> None:
    """Delete an item (with its criteria and children); the delete hooks keep it in the trash."""
    item_id = item.pk
    if item.sprint_id is not None:
        scope_changes_record(changes=[(item_id, item_state(item), None)], actor=actor)
    instance_delete(instance=item, actor=actor)
    item.pk = item_id
    _announce("item.deleted", item, actor=getattr(actor, "pk", None))


# ---- manual order ------------------------------------------------------------------------------


def ranks_rebalance(*, product_id: int) -> None:
    """Spread the product's ranks RANK_GAP apart again, in one statement. Caller holds the product lock."""
    rebalance(BacklogItem.objects.filter(product_id=product_id))


@transaction.atomic
def item_move(
    *,
    item: BacklogItem,
    actor,
    before: int | None = None,
    after: int | None = None,
    position: str | None = None,
    version: int | None = None,
) -> BacklogItem:
    """Move one item in its product's manual order, writing only the moved row.

    Clients send an anchor (`before`/`after` an item id, or `position` top/bottom), never a
    rank. Moves in one product are serialised by a lock on the product row; when two
    neighbours have no gap left the product's ranks are rebalanced under the same lock.
    With `version` (the one the client read), a move of an item changed since is refused
    (StaleWriteError); a move itself changes no version, it changes no field an editor sees.
    """
    check_anchors(pk=item.pk, before=before, after=after, position=position, noun="item")
    _lock_product(item.product_id)
    current, current_version = BacklogItem.objects.filter(pk=item.pk).values_list("rank", "version").get()
    if version is not None and version != current_version:
        raise StaleWriteError(BacklogItem.objects.select_related("product").get(pk=item.pk))
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
    _announce("item.moved", item, before=before, after=after, position=position, actor=getattr(actor, "pk", None))
    return item


# ---- many items at once ------------------------------------------------------------------------


@transaction.atomic
def item_bulk_update(*, product: Product, item_ids: list[int], data: dict, actor) -> int:
    """Set the sprint, release or status of many items of one product at once; returns how many.

    Ids from another product are ignored (never updated); the change is one UPDATE. These fields
    are no score inputs, so the stored scores stand.
    """
    data = {k: v for k, v in data.items() if k in BULK_FIELDS}
    if not data:
        raise ApplicationError("Choose what to change: a sprint, a release or a status.")
    if not item_ids:
        raise ApplicationError("Select at least one item.")
    if len(item_ids) > BULK_ITEMS_MAX:
        raise ApplicationError(f"Select at most {BULK_ITEMS_MAX} items at once.")
    sprint, release = data.get("sprint"), data.get("release")
    if isinstance(sprint, Sprint) and sprint.product_id != product.pk:
        raise ValidationError({"sprint": "The sprint belongs to another product."})
    if isinstance(release, Release) and release.product_id != product.pk:
        raise ValidationError({"release": "The release belongs to another product."})
    if isinstance(sprint, Sprint) and sprint.status == SprintStatus.CLOSED:
        raise ValidationError({"sprint": "This sprint is closed; plan work into an open one."})
    status = data.get("status")
    if status is not None:
        item_decision_check(actor=actor, product_id=product.pk, status=status)
    _lock_product(product.pk)
    locked = items_lock(item_ids, product_id=product.pk)
    return items_set(product=product, items=list(locked.values()), data=data, actor=actor)


@transaction.atomic
def items_bulk_save(*, rows: list[dict], actor) -> list[BacklogItem]:
    """Create or update many items in one transaction: all of them, or none.

    Each row is {"item": BacklogItem | None, "data": {...}, "version": int | None}; a row without
    an item creates one (`data` may hold "acceptance_criteria", the item's full list). The products
    of all rows are locked first, then the items to update (the lock order above); those are read
    again under their lock and changed through the same rules as one edit. A row with the
    `version` its client read is refused when the item changed since. Errors are collected by
    row index and raised together as one ApplicationError with extra {"items": {index: errors}},
    after which nothing is kept. Prioritisation hears of the save once per product
    (`item.bulk_saved`) and re-scores that product as one job.
    """
    if len(rows) > BULK_ITEMS_MAX:
        raise ApplicationError(f"At most {BULK_ITEMS_MAX} items in one bulk save.")
    products_lock(
        row["item"].product_id if row["item"] is not None else row["data"]["product"].pk
        for row in rows
        if row["item"] is not None or row["data"].get("product") is not None
    )
    current = items_lock(row["item"].pk for row in rows if row["item"] is not None)
    saved: list[BacklogItem] = []
    errors: dict[int, dict] = {}
    for index, row in enumerate(rows):
        data = dict(row["data"])
        criteria = data.pop("acceptance_criteria", None)
        try:
            with transaction.atomic():
                if row["item"] is None:
                    labels = data.pop("labels", None)
                    item = _insert(instance=BacklogItem(**data), actor=actor, labels=labels)
                elif row["item"].pk in current:
                    item = current[row["item"].pk]
                    version = row.get("version")
                    if version is not None and version != item.version:
                        raise ValidationError({"version": stale_version_message(item.version)})
                    item = _apply(item=item, data=data, actor=actor)[0]
                else:
                    raise ValidationError({"id": "No such item in your workspaces."})
                if criteria is not None:
                    item_criteria_sync(item=item, criteria=criteria, actor=actor)
        except ValidationError as error:
            errors[index] = error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
            continue
        saved.append(item)
    if errors:
        raise ApplicationError("Some rows are not valid; nothing was saved.", {"items": errors})
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
