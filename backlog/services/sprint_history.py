"""The ledger of started sprints: every change of an active sprint's scope or finished work, recorded.

The item services call `scope_changes_record` with each item's state before and after a write
(create, update, bulk update, bulk save, planning, review, delete, carry-over), so whichever path
changed an item, its sprint's burndown knows. Only active sprints keep a ledger: before the start
the scope is a plan, after the completion the chart stands as it was.
"""

from dataclasses import dataclass

from django.db.models import Sum
from django.utils import timezone

from ..models import DONE_STATUSES, ItemStatus, ScopeChangeKind, Sprint, SprintScopeChange, SprintStatus


@dataclass(frozen=True)
class ItemState:
    """What of an item a sprint's ledger depends on."""

    sprint_id: int | None
    points: int
    status: str

    @property
    def done(self) -> bool:
        return self.status in DONE_STATUSES


def item_state(item) -> ItemState:
    return ItemState(item.sprint_id, item.story_points or 0, item.status)


@dataclass(frozen=True)
class Entry:
    sprint_id: int
    kind: str
    scope_points: int = 0
    done_points: int = 0
    scope_items: int = 0
    done_items: int = 0


def scope_entries(
    before: ItemState | None,
    after: ItemState | None,
    *,
    active: set[int],
    carry_over: bool = False,
    in_scope: tuple[int, int] = (0, 0),
) -> list[Entry]:
    """The ledger entries one item's change makes in the active sprints it leaves, stays in or joins.

    `before` is None for a new item, `after` None for a deleted one. An item that leaves a sprint
    rejected or carried over stays in that sprint's scope as work not done (its spillover); one
    removed otherwise leaves the scope. `in_scope` is what of the item the sprint it joins still
    counts (points, items): a rejected item planned back into its sprint is already in its scope, so
    it adds only a change of its points, never itself a second time.
    """
    entries: list[Entry] = []
    old_sprint = before.sprint_id if before else None
    new_sprint = after.sprint_id if after else None
    if old_sprint is not None and old_sprint == new_sprint:
        if old_sprint not in active:
            return entries
        if before.points != after.points:
            delta = after.points - before.points
            entries.append(Entry(old_sprint, ScopeChangeKind.REESTIMATED, delta, delta if before.done else 0))
        if before.done != after.done:
            sign = 1 if after.done else -1
            if after.done:
                kind = ScopeChangeKind.COMPLETED
            elif after.status == ItemStatus.REJECTED:
                kind = ScopeChangeKind.REJECTED
            else:
                kind = ScopeChangeKind.REOPENED
            entries.append(Entry(old_sprint, kind, 0, sign * after.points, 0, sign))
        return entries
    if old_sprint in active:
        was_done = before.done
        done_points, done_items = (-before.points, -1) if was_done else (0, 0)
        if after is not None and (carry_over or after.status == ItemStatus.REJECTED):
            kind = ScopeChangeKind.CARRIED_OVER if carry_over else ScopeChangeKind.REJECTED
            entries.append(Entry(old_sprint, kind, 0, done_points, 0, done_items))
        else:
            entries.append(Entry(old_sprint, ScopeChangeKind.REMOVED, -before.points, done_points, -1, done_items))
    if new_sprint in active:
        done_points, done_items = (after.points, 1) if after.done else (0, 0)
        scope_points, scope_items = after.points - in_scope[0], 1 - in_scope[1]
        entries.append(Entry(new_sprint, ScopeChangeKind.ADDED, scope_points, done_points, scope_items, done_items))
    return entries


def scope_changes_record(
    *, changes: list[tuple[int, ItemState | None, ItemState | None]], actor, carry_over: bool = False
) -> int:
    """Record what `changes` ((item id, before, after) each) did to active sprints; returns the entries written.

    One query for the sprints' status (none when no sprint is involved), one for what of the items
    joining an active sprint its scope still counts (only when some join one) and one insert.
    """
    sprint_ids = {s.sprint_id for _, b, a in changes for s in (b, a) if s is not None and s.sprint_id is not None}
    if not sprint_ids:
        return 0
    active = set(Sprint.objects.filter(pk__in=sprint_ids, status=SprintStatus.ACTIVE).values_list("pk", flat=True))
    if not active:
        return 0
    in_scope = _counted_in_scope(changes, active)
    now = timezone.now()
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    rows = [
        SprintScopeChange(
            sprint_id=entry.sprint_id,
            item_id=item_id if after is not None else None,
            kind=entry.kind,
            scope_points=entry.scope_points,
            done_points=entry.done_points,
            scope_items=entry.scope_items,
            done_items=entry.done_items,
            at=now,
            actor_id=actor_id,
        )
        for item_id, before, after in changes
        for entry in scope_entries(
            before,
            after,
            active=active,
            carry_over=carry_over,
            in_scope=in_scope.get((after.sprint_id, item_id), (0, 0)) if after is not None else (0, 0),
        )
    ]
    SprintScopeChange.objects.bulk_create(rows)
    return len(rows)


def _counted_in_scope(changes, active: set[int]) -> dict[tuple[int, int], tuple[int, int]]:
    """(sprint, item) → the points and items the sprint's ledger still counts of an item joining it."""
    joining = {
        (after.sprint_id, item_id)
        for item_id, before, after in changes
        if after is not None
        and after.sprint_id in active
        and (before is None or before.sprint_id != after.sprint_id)
        and item_id is not None
    }
    if not joining:
        return {}
    rows = (
        SprintScopeChange.objects.filter(sprint_id__in={s for s, _ in joining}, item_id__in={i for _, i in joining})
        .values("sprint_id", "item_id")
        .annotate(points=Sum("scope_points"), items=Sum("scope_items"))
    )
    return {
        (row["sprint_id"], row["item_id"]): (row["points"], row["items"])
        for row in rows
        if (row["sprint_id"], row["item_id"]) in joining and row["items"] > 0
    }
