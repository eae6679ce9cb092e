from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from .models import AcceptanceCriterion, BacklogItem, ItemStatus, Sprint

DONE_STATUSES = (ItemStatus.DONE, ItemStatus.ACCEPTED)


def item_list(*, product) -> QuerySet[BacklogItem]:
    return (
        BacklogItem.objects.filter(product=product)
        .select_related("product", "parent", "initiative", "sprint", "release", "owner")
        .annotate(
            criteria_count=Count("acceptance_criteria"),
            criteria_met=Count("acceptance_criteria", filter=Q(acceptance_criteria__met=True)),
        )
    )


def item_detail_queryset(*, product) -> QuerySet[BacklogItem]:
    return (
        BacklogItem.objects.filter(product=product)
        .select_related("product", "parent", "initiative", "sprint", "release", "owner")
        .prefetch_related(
            Prefetch("acceptance_criteria", queryset=AcceptanceCriterion.objects.order_by("order", "id")),
            Prefetch("children", queryset=BacklogItem.objects.select_related("product").order_by("rank")),
        )
    )


def sprint_list(*, product) -> QuerySet[Sprint]:
    return Sprint.objects.filter(product=product).annotate(
        planned_points=Coalesce(Sum("items__story_points"), 0),
        accepted_points=Coalesce(Sum("items__story_points", filter=Q(items__status=ItemStatus.ACCEPTED)), 0),
        item_count=Count("items"),
    )


def item_progress_for_initiatives(*, initiative_ids) -> dict[int, dict]:
    """Per initiative: done or accepted points ÷ all points of its items.

    An item without points counts as one point, so an initiative whose items are not
    estimated still shows progress by count.
    """
    rows = (
        BacklogItem.objects.filter(initiative_id__in=initiative_ids)
        .values("initiative_id")
        .annotate(
            total=Sum(Coalesce("story_points", 1)),
            done=Coalesce(Sum(Coalesce("story_points", 1), filter=Q(status__in=DONE_STATUSES)), 0),
            item_count=Count("id"),
        )
    )
    return {
        row["initiative_id"]: {
            **row,
            "percent": round(100 * row["done"] / row["total"]) if row["total"] else None,
        }
        for row in rows
    }


def planned_effort_by_initiative(*, product_ids) -> dict[int | None, int]:
    """Story points of the open and finished (not rejected) items of some products, per initiative
    (None for items tied to no initiative). An item without points counts as one point."""
    rows = (
        BacklogItem.objects.filter(product_id__in=product_ids)
        .exclude(status=ItemStatus.REJECTED)
        .order_by()
        .values("initiative_id")
        .annotate(points=Sum(Coalesce("story_points", 1)))
    )
    return {row["initiative_id"]: row["points"] for row in rows}
