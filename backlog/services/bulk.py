"""Set-based writes of many items at once, for importers: create in batches, link parents, reorder.

They apply the rules of `item_create` (the decision check, numbers and ranks after the last, the
done time, stored scores, the model's validation, one workspace per object graph) without a query
per row: the product is locked once (step 1 of the lock order in services/items.py), its last
number and rank read once, and the rows inserted with one statement per batch. Each created item
is announced as `item.created`, as one created through the page would be.
"""

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from core.events import publish_many
from core.exceptions import ApplicationError
from core.services import write_checks
from customfields.models import FieldTarget
from customfields.selectors import field_definitions_for
from customfields.values import custom_values_clean
from products.models import Product
from workspaces.models import Membership

from ..models import DONE_STATUSES, RANK_GAP, SCORE_INPUTS, AcceptanceCriterion, BacklogItem
from .items import _scores, item_decision_check, products_lock
from .sprint_history import item_state, scope_changes_record

CHECKED_RELATIONS = ("parent", "initiative", "release", "sprint")
# The model's own checks on each row; relations are checked once for the batch below.
CLEAN_EXCLUDE = ["product", "parent", "initiative", "release", "sprint", "owner", "created_by"]


def _errors_of(error: ValidationError) -> dict:
    return error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}


def items_validate(*, product: Product, instances: Sequence[BacklogItem], actor) -> dict[int, dict]:
    """The errors of each instance (by index) that `items_bulk_create` would refuse; {} when all are valid.

    Writes nothing, so an importer's dry run and its real run report the same errors.
    """
    errors: dict[int, dict] = {}
    decided: dict[str, dict | None] = {}
    definitions = None  # of the product's custom fields, read once if a row has custom values
    owners = {i.owner_id for i in instances if i.owner_id is not None}
    members = set(
        Membership.objects.filter(workspace_id=product.workspace_id, user_id__in=owners).values_list(
            "user_id", flat=True
        )
    )
    for index, instance in enumerate(instances):
        instance.product = product
        found: dict = {}
        if instance.status not in decided:
            try:
                item_decision_check(actor=actor, product_id=product.pk, status=instance.status)
                decided[instance.status] = None
            except ValidationError as error:
                decided[instance.status] = _errors_of(error)
        if decided[instance.status]:
            found.update(decided[instance.status])
        try:
            instance.full_clean(exclude=CLEAN_EXCLUDE, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            found.update(_errors_of(error))
        if instance.custom_fields:  # checked against the definitions, as item_create does
            if definitions is None:
                definitions = list(field_definitions_for(product=product, target=FieldTarget.ITEM))
            try:
                instance.custom_fields = custom_values_clean(
                    values=instance.custom_fields, product=product, target=FieldTarget.ITEM, definitions=definitions
                )
            except ValidationError as error:
                found.update(_errors_of(error))
        for name in CHECKED_RELATIONS[1:]:
            related = getattr(instance, name) if getattr(instance, f"{name}_id") else None
            if related is not None and related.product_id != product.pk:
                found[name] = [f"The {name} belongs to another product."]
        if instance.owner_id is not None and instance.owner_id not in members:
            found["owner"] = ["The owner is not a member of this workspace."]
        if not found:
            fields = [name for name in CHECKED_RELATIONS if getattr(instance, f"{name}_id") is not None]
            try:
                for check in write_checks():
                    check(instance=instance, fields=fields, m2m={})
            except ValidationError as error:
                found.update(_errors_of(error))
        if found:
            errors[index] = found
    return errors


@transaction.atomic
def items_bulk_create(
    *,
    product: Product,
    instances: Sequence[BacklogItem],
    actor,
    criteria: dict[int, list[tuple[str, bool]]] | None = None,
    announce: bool = True,
) -> list[BacklogItem]:
    """Insert items at the bottom of the product's backlog, in the given order; all of them or none.

    `criteria` maps an index of `instances` to its acceptance criteria as (text, met) pairs.
    Parents are set afterwards with `items_parents_set` (a parent may come later in the source).
    Refuses the whole batch with ApplicationError(extra={"items": {index: errors}}) when a row is
    not valid.
    """
    if not instances:
        return []
    products_lock([product.pk])
    errors = items_validate(product=product, instances=instances, actor=actor)
    if errors:
        raise ApplicationError("Some rows are not valid; nothing was saved.", {"items": errors})
    figures = BacklogItem.objects.filter(product_id=product.pk).aggregate(
        last_rank=Max("rank"), last_number=Max("number")
    )
    rank, number = figures["last_rank"] or 0, figures["last_number"] or 0
    now = timezone.now()
    creator = actor if actor is not None and actor.is_authenticated else None
    for index, instance in enumerate(instances):
        rank, number = rank + RANK_GAP, number + 1
        instance.rank, instance.number, instance.created_by = rank, number, creator
        if instance.status in DONE_STATUSES and instance.done_at is None:
            instance.done_at = now
        for name, value in _scores({name: getattr(instance, name) for name in SCORE_INPUTS}).items():
            setattr(instance, name, value)
        instance.has_criteria = bool(criteria and criteria.get(index))
    created = BacklogItem.objects.bulk_create(instances, batch_size=1000)
    rows = []
    for index, texts in (criteria or {}).items():
        item = created[index]
        rows += [AcceptanceCriterion(item=item, order=o, text=t, met=m) for o, (t, m) in enumerate(texts, 1)]
    AcceptanceCriterion.objects.bulk_create(rows, batch_size=2000)
    # Like `item_create`: an item born in an active sprint is scope added to it (its burndown's ledger).
    scope_changes_record(changes=[(item.pk, None, item_state(item)) for item in created], actor=actor)
    if announce:
        publish_many(event="item.created", workspace_id=product.workspace_id, data=[_created(item) for item in created])
    return created


def _created(item: BacklogItem) -> dict:
    """The `item.created` announcement of services/items.py, for one item of a batch."""
    return {
        "id": item.pk,
        "product": item.product_id,
        "number": item.number,
        "title": item.title,
        "status": item.status,
        "rank": item.rank,
        "version": item.version,
    }


@transaction.atomic
def items_parents_set(*, product: Product, parents: dict[int, int | None], actor) -> int:
    """Set the parent of many items of one product ({item id: parent id or None}); returns how many changed.

    Both ends must be items of the product, and no item may become its own ancestor (checked on the
    whole tree as it will be). Refuses everything with ApplicationError when one link is wrong.
    """
    if not parents:
        return 0
    products_lock([product.pk])
    tree = dict(BacklogItem.objects.filter(product_id=product.pk).values_list("pk", "parent_id"))
    errors: dict[int, dict] = {}
    for child, parent in parents.items():
        if child not in tree:
            errors[child] = {"id": ["No such item in this product."]}
        elif parent is not None and parent not in tree:
            errors[child] = {"parent": ["The parent item belongs to another product."]}
    if errors:
        raise ApplicationError("Some parent links are not valid; nothing was saved.", {"items": errors})
    changed = {c: p for c, p in parents.items() if tree[c] != p}
    tree.update(changed)
    for start in changed:
        seen, node = {start}, tree[start]
        while node is not None:
            if node in seen:
                raise ApplicationError(
                    "An item cannot be its own ancestor; nothing was saved.",
                    {"items": {start: {"parent": ["An item cannot be its own ancestor."]}}},
                )
            seen.add(node)
            node = tree[node]
    _update_from_values("parent_id", changed)
    return len(changed)


@transaction.atomic
def items_reorder(*, product: Product, ordered_ids: Iterable[int]) -> int:
    """Put these items of the product in this order among themselves; the others keep their places.

    The items take the ranks they hold between them, sorted, in the new order: one statement.
    Returns how many moved.
    """
    products_lock([product.pk])
    ids = list(dict.fromkeys(ordered_ids))
    ranks = dict(BacklogItem.objects.filter(product_id=product.pk, pk__in=ids).values_list("pk", "rank"))
    ids = [pk for pk in ids if pk in ranks]
    new = dict(zip(ids, sorted(ranks[pk] for pk in ids), strict=True))
    moved = {pk: rank for pk, rank in new.items() if ranks[pk] != rank}
    # One statement: the (product, rank) constraint is checked at its end, and ranks pass through each other.
    _update_from_values("rank", moved, batch=None)
    return len(moved)


def _update_from_values(column: str, values: dict[int, int | None], batch: int | None = 5000) -> None:
    """UPDATE the items' `column` from {id: value}, one statement per batch (`batch=None`: one statement)."""
    table = connection.ops.quote_name(BacklogItem._meta.db_table)
    pairs = list(values.items())
    now = timezone.now()
    size = batch or max(1, len(pairs))
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), size):
            chunk = pairs[start : start + size]
            rows = ", ".join(["(%s::bigint, %s::bigint)"] * len(chunk))
            params = [v for pair in chunk for v in pair]
            cursor.execute(
                f"UPDATE {table} AS t SET {column} = v.value, version = t.version + 1, updated_at = %s "
                f"FROM (VALUES {rows}) AS v(id, value) WHERE t.id = v.id",
                [now, *params],
            )
