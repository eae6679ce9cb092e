"""Writes of item dependencies (this item waits for that one), for every path: page, API, bulk, import.

A self-dependency and a loop (A waits for B … waits for A) are refused here, whichever path asks.
The check and the insert run under a per-workspace advisory lock, so two requests that each close
half of a loop cannot both pass the check.
"""

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from core.dependencies import CYCLE, SELF_DEPENDENCY, cycle_path, first_cycle
from core.events import publish
from core.services import instance_create

from ..models import BacklogItem, ItemDependency

# Dependencies one item may have (its list on the page, in the API).
DEPENDENCIES_PER_ITEM_MAX = 100
# The namespace of the advisory lock that serialises dependency writes of one workspace.
_LOCK_NAMESPACE = 15_001


def dependencies_lock(workspace_id: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, workspace_id])


def _edges(workspace_id: int):
    return ItemDependency.objects.filter(item__product__workspace_id=workspace_id).values_list(
        "item_id", "depends_on_id"
    )


def _keys(ids: list[int]) -> str:
    rows = BacklogItem.objects.filter(pk__in=set(ids)).values_list("pk", "product__key", "number").order_by()
    keys = {pk: f"{key}-{number}" for pk, key, number in rows}
    return " → ".join(keys.get(i, "?") for i in ids)


def _check(item: BacklogItem, depends_on: BacklogItem) -> int:
    workspace_id = item.product.workspace_id
    if item.pk == depends_on.pk:
        raise ValidationError({"depends_on": SELF_DEPENDENCY})
    if depends_on.product.workspace_id != workspace_id:
        raise ValidationError({"depends_on": "That item belongs to another workspace."})
    return workspace_id


@transaction.atomic
def item_dependency_add(*, item: BacklogItem, depends_on: BacklogItem, actor) -> ItemDependency:
    """`item` waits for `depends_on` from now on; refused if it is itself or would close a loop."""
    workspace_id = _check(item, depends_on)
    dependencies_lock(workspace_id)
    existing = ItemDependency.objects.filter(item=item, depends_on=depends_on).first()
    if existing is not None:
        return existing
    if ItemDependency.objects.filter(item=item).count() >= DEPENDENCIES_PER_ITEM_MAX:
        raise ValidationError({"depends_on": f"An item waits for at most {DEPENDENCIES_PER_ITEM_MAX} others."})
    path = cycle_path(edges=_edges(workspace_id), waiter=item.pk, waited_for=depends_on.pk)
    if path is not None:
        raise ValidationError({"depends_on": CYCLE.format(path=_keys(path))})
    dependency = instance_create(instance=ItemDependency(item=item, depends_on=depends_on), actor=actor)
    publish(
        event="item.dependency_added",
        workspace_id=workspace_id,
        data={"id": dependency.pk, "item": item.pk, "depends_on": depends_on.pk},
    )
    return dependency


@transaction.atomic
def item_dependency_remove(*, dependency: ItemDependency, actor) -> None:
    workspace_id = dependency.item.product.workspace_id
    data = {"id": dependency.pk, "item": dependency.item_id, "depends_on": dependency.depends_on_id}
    dependency.delete()
    publish(event="item.dependency_removed", workspace_id=workspace_id, data=data)


@transaction.atomic
def item_dependencies_set(*, item: BacklogItem, depends_on: list[BacklogItem], actor) -> list[ItemDependency]:
    """Make `depends_on` the full list of what `item` waits for (bulk saves and importers)."""
    if len(depends_on) > DEPENDENCIES_PER_ITEM_MAX:
        raise ValidationError({"depends_on": f"An item waits for at most {DEPENDENCIES_PER_ITEM_MAX} others."})
    workspace_id = item.product.workspace_id
    for other in depends_on:
        _check(item, other)
    dependencies_lock(workspace_id)
    wanted = {other.pk for other in depends_on}
    current = {d.depends_on_id: d for d in ItemDependency.objects.filter(item=item)}
    for other_id, dependency in current.items():
        if other_id not in wanted:
            item_dependency_remove(dependency=dependency, actor=actor)
    edges = [(a, b) for a, b in _edges(workspace_id) if a != item.pk or b in wanted]
    new = [(item.pk, other.pk) for other in depends_on if other.pk not in current]
    path = first_cycle(edges=edges, new_edges=new)
    if path is not None:
        raise ValidationError({"depends_on": CYCLE.format(path=_keys(path))})
    for other in depends_on:
        if other.pk not in current:
            item_dependency_add(item=item, depends_on=other, actor=actor)
    return list(ItemDependency.objects.filter(item=item))
