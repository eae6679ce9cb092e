"""Writes of a sprint's life: start (the baseline), planning items in, accepting and rejecting work,
and completing it with its unfinished items carried over.

Item changes go through `item_update` / `items_set`, so the decision rule, the done time, the
events and the sprint ledger (services/sprint_history.py) are those of any other edit.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from core.events import publish
from core.exceptions import ApplicationError
from core.services import instance_create

from ..models import (
    DONE_STATUSES,
    SPRINT_DAYS_MAX,
    BacklogItem,
    ItemStatus,
    ScopeChangeKind,
    Sprint,
    SprintScopeChange,
    SprintStatus,
)
from .item_sets import items_set
from .items import item_lock, item_move, item_update, items_lock, products_lock


class CarryOver:
    """Where a completing sprint's unfinished items go."""

    NEXT = "next"
    NEW = "new"
    BACKLOG = "backlog"
    CHOICES = [(NEXT, "The next planned sprint"), (NEW, "A new sprint after this one"), (BACKLOG, "The backlog")]


def _announce(event: str, sprint: Sprint, **extra) -> None:
    data = {"id": sprint.pk, "product": sprint.product_id, "name": sprint.name, "status": sprint.status, **extra}
    publish(event=event, workspace_id=sprint.product.workspace_id, data=data)


def _sprint_lock(sprint: Sprint) -> Sprint:
    """Lock the product (step 1 of the backlog's lock order), then read the sprint again under it."""
    products_lock([sprint.product_id])
    return Sprint.objects.select_related("product").get(pk=sprint.pk)


@transaction.atomic
def sprint_start(*, sprint: Sprint, actor) -> Sprint:
    """Start a planned sprint: its items at this moment become the burndown's baseline.

    One sprint runs at a time in a product, unless the product allows parallel sprints.
    """
    sprint = _sprint_lock(sprint)
    if sprint.status != SprintStatus.PLANNED:
        raise ApplicationError(f"Only a planned sprint can start; this one is {sprint.get_status_display().lower()}.")
    if not sprint.product.allow_parallel_sprints:
        running = Sprint.objects.filter(product_id=sprint.product_id, status=SprintStatus.ACTIVE).first()
        if running is not None:
            raise ApplicationError(
                f"“{running.name}” is still active: complete it first, or allow parallel sprints in the product's "
                "settings."
            )
    now = timezone.now()
    items = items_lock(BacklogItem.objects.filter(sprint=sprint).values_list("pk", flat=True))
    SprintScopeChange.objects.bulk_create(
        SprintScopeChange(
            sprint=sprint,
            item_id=item.pk,
            kind=ScopeChangeKind.BASELINE,
            scope_points=item.story_points or 0,
            done_points=(item.story_points or 0) if item.status in DONE_STATUSES else 0,
            scope_items=1,
            done_items=1 if item.status in DONE_STATUSES else 0,
            at=now,
            actor_id=getattr(actor, "pk", None),
        )
        for item in items.values()
    )
    Sprint.objects.filter(pk=sprint.pk).update(status=SprintStatus.ACTIVE, started_at=now, version=sprint.version + 1)
    sprint.refresh_from_db()
    points = sum(item.story_points or 0 for item in items.values())
    _announce("sprint.started", sprint, baseline_points=points, baseline_items=len(items))
    return sprint


def next_sprint(*, sprint: Sprint) -> Sprint | None:
    """The planned sprint of the same product that comes next by start date, if any."""
    return (
        Sprint.objects.filter(product_id=sprint.product_id, status=SprintStatus.PLANNED)
        .exclude(pk=sprint.pk)
        .filter(start_date__gte=sprint.start_date)
        .order_by("start_date", "id")
        .first()
    )


def _new_sprint_after(sprint: Sprint, actor) -> Sprint:
    length = min((sprint.end_date - sprint.start_date).days, SPRINT_DAYS_MAX - 1)
    start = sprint.end_date + timedelta(days=1)
    base = f"{sprint.name[:100]} (continued)"
    name, n = base, 2
    while Sprint.objects.filter(product_id=sprint.product_id, name=name).exists():
        name, n = f"{base} {n}", n + 1
    return instance_create(
        instance=Sprint(
            product_id=sprint.product_id,
            name=name,
            goal=sprint.goal,
            start_date=start,
            end_date=start + timedelta(days=length),
            capacity_points=sprint.capacity_points,
        ),
        actor=actor,
    )


@transaction.atomic
def sprint_complete(*, sprint: Sprint, carry_over: str, actor, target: Sprint | None = None) -> Sprint:
    """Complete an active sprint, moving its unfinished items in the same transaction.

    `carry_over` is CarryOver.NEXT (the next planned sprint, or `target` if given), NEW (a new sprint
    of the same length right after this one) or BACKLOG. The unfinished items stay in this sprint's
    scope as its spillover; the figures of the sprint as it closes are kept for velocity.
    """
    if carry_over not in (CarryOver.NEXT, CarryOver.NEW, CarryOver.BACKLOG):
        raise ValidationError({"carry_over": "Choose where unfinished items go: next, new or backlog."})
    sprint = _sprint_lock(sprint)
    if sprint.status != SprintStatus.ACTIVE:
        raise ApplicationError("Only an active sprint can be completed.")
    unfinished = items_lock(
        BacklogItem.objects.filter(sprint=sprint).exclude(status__in=DONE_STATUSES).values_list("pk", flat=True)
    )
    destination = None
    if unfinished:
        if carry_over == CarryOver.NEXT:
            destination = target or next_sprint(sprint=sprint)
            if destination is None:
                raise ValidationError({"carry_over": "There is no planned sprint after this one: pick a new sprint."})
            if destination.product_id != sprint.product_id or destination.status == SprintStatus.CLOSED:
                raise ValidationError({"target": "Pick an open sprint of the same product."})
            if destination.pk == sprint.pk:
                raise ValidationError({"target": "Pick another sprint than the one that ends."})
        elif carry_over == CarryOver.NEW:
            destination = _new_sprint_after(sprint, actor)
        data = {"sprint": destination}
        items_set(product=sprint.product, items=list(unfinished.values()), data=data, actor=actor, carry_over=True)
    figures = SprintScopeChange.objects.filter(sprint=sprint).aggregate(
        committed=Sum("scope_points", filter=Q(kind=ScopeChangeKind.BASELINE)), done=Sum("done_points")
    )
    carried = sum(item.story_points or 0 for item in unfinished.values())
    Sprint.objects.filter(pk=sprint.pk).update(
        status=SprintStatus.CLOSED,
        completed_at=timezone.now(),
        committed_points=max(figures["committed"] or 0, 0),
        completed_points=max(figures["done"] or 0, 0),
        carried_over_points=carried,
        version=sprint.version + 1,
    )
    sprint.refresh_from_db()
    _announce(
        "sprint.completed",
        sprint,
        completed_points=sprint.completed_points,
        carried_over=[item.pk for item in unfinished.values()],
        carried_to=destination.pk if destination is not None else None,
    )
    return sprint


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
