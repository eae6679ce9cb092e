"""Reads of item dependencies, with the warning when a dependent is scheduled before what it waits for."""

from dataclasses import dataclass

from django.db.models import QuerySet

from ..models import DONE_STATUSES, BacklogItem, ItemDependency


def schedule_conflict(*, waiter: BacklogItem, waited_for: BacklogItem) -> str | None:
    """Why `waiter` is scheduled before `waited_for` is (sprint order, release order), or None.

    Finished work never conflicts. Reads the items' sprints and releases (select them with the items).
    """
    if waited_for.status in DONE_STATUSES:
        return None
    if waiter.sprint_id is not None:
        if waited_for.sprint_id is None:
            return f"planned in {waiter.sprint.name}, but {waited_for.key} is in no sprint yet"
        if waited_for.sprint.start_date > waiter.sprint.start_date:
            return f"planned in {waiter.sprint.name}, before {waited_for.key}'s {waited_for.sprint.name}"
    waiter_date = waiter.release.target_date if waiter.release_id else None
    waited_date = waited_for.release.target_date if waited_for.release_id else None
    if waiter_date and waited_date and waited_date > waiter_date:
        return f"in release {waiter.release.name}, before {waited_for.key}'s {waited_for.release.name}"
    return None


@dataclass
class DependencyRow:
    dependency: ItemDependency
    other: BacklogItem
    conflict: str | None


def _related() -> tuple[str, ...]:
    return ("product", "sprint", "release")


def item_dependency_rows(*, item: BacklogItem) -> dict[str, list[DependencyRow]]:
    """What the item waits for and what waits for it, each with its scheduling conflict (two queries)."""
    me = BacklogItem.objects.select_related(*_related()).get(pk=item.pk)
    waits_for = ItemDependency.objects.filter(item=item).select_related(*(f"depends_on__{r}" for r in _related()))
    blocks = ItemDependency.objects.filter(depends_on=item).select_related(*(f"item__{r}" for r in _related()))
    return {
        "waits_for": [
            DependencyRow(d, d.depends_on, schedule_conflict(waiter=me, waited_for=d.depends_on)) for d in waits_for
        ],
        "blocks": [DependencyRow(d, d.item, schedule_conflict(waiter=d.item, waited_for=me)) for d in blocks],
    }


def dependencies_of_products(*, product_ids) -> QuerySet[ItemDependency]:
    """Dependencies whose waiting item belongs to one of `product_ids`, with both items' schedule."""
    related = [f"{side}__{r}" for side in ("item", "depends_on") for r in _related()]
    return ItemDependency.objects.filter(item__product_id__in=list(product_ids)).select_related(*related)
