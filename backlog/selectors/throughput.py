"""Reads that forecasts and release plans need from the backlog: daily throughput and the work left in a scope.

Epics are containers, not work: they count neither as finished work nor as work left.
"""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from roadmap.selectors.releases import release_scope

from ..models import DONE_STATUSES, BacklogItem, ItemKind


def work_items(*, product_id: int) -> QuerySet[BacklogItem]:
    return BacklogItem.objects.filter(product_id=product_id).exclude(kind=ItemKind.EPIC)


def daily_throughput(*, product_id: int, first: date, last: date) -> list[int]:
    """Items of the product finished on each day from `first` to `last` (both included), zero days included.

    One aggregate query; a day is the local day the item became done.
    """
    if last < first:
        return []
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(first, time.min), tz)
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min), tz)
    rows = (
        work_items(product_id=product_id)
        .filter(status__in=DONE_STATUSES, done_at__gte=start, done_at__lt=end)
        .annotate(day=TruncDate("done_at"))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_day = {row["day"]: row["n"] for row in rows}
    return [by_day.get(first + timedelta(days=i), 0) for i in range((last - first).days + 1)]


def scope_items(*, product_id: int, scope: str, scope_id: int | None = None) -> QuerySet[BacklogItem]:
    """The work items of a scope: an epic (its children and theirs), an initiative, a release (its items
    and those of its initiatives) or the whole backlog ("top", in rank order)."""
    items = work_items(product_id=product_id)
    if scope == "epic":
        return items.filter(Q(parent_id=scope_id) | Q(parent__parent_id=scope_id))
    if scope == "initiative":
        return items.filter(initiative_id=scope_id)
    if scope == "release":
        return items.filter(release_scope(release_id=scope_id))
    return items.order_by("rank")


def scope_figures(*, items: QuerySet[BacklogItem]) -> dict:
    """Items and points of a scope, in all and finished (one aggregate)."""
    done = Q(status__in=DONE_STATUSES)
    return items.aggregate(
        items=Count("id"),
        points=Sum("story_points", default=0),
        done_items=Count("id", filter=done),
        done_points=Sum("story_points", filter=done, default=0),
        unestimated=Count("id", filter=Q(story_points__isnull=True) & ~done),
    )


def remaining_top(*, product_id: int, count: int) -> int:
    """How many of the first `count` unfinished items of the backlog exist (at most `count`)."""
    return work_items(product_id=product_id).exclude(status__in=DONE_STATUSES).order_by("rank")[:count].count()


def release_item_figures(*, product_id: int) -> dict[int, dict]:
    """Per release of the product: items and points, in all and finished, and unestimated ones (one query).

    An item counts towards its own release, or its initiative's release when it has none.
    """
    done = Q(status__in=DONE_STATUSES)
    rows = (
        work_items(product_id=product_id)
        .annotate(
            plan_release=Coalesce("release_id", "initiative__release_id"),
        )
        .filter(plan_release__isnull=False)
        .values("plan_release")
        .annotate(
            items=Count("id"),
            points=Sum("story_points", default=0),
            done_items=Count("id", filter=done),
            done_points=Sum("story_points", filter=done, default=0),
            unestimated=Count("id", filter=Q(story_points__isnull=True) & ~done),
        )
        .order_by()
    )
    return {row.pop("plan_release"): row for row in rows}


def scope_remaining(*, product_id: int, scope: str, scope_id: int | None = None, top: int = 20) -> int:
    """Unfinished work items of a scope (see scope_items); for "top", of the first `top` of the backlog."""
    if scope == "top":
        return remaining_top(product_id=product_id, count=top)
    return scope_items(product_id=product_id, scope=scope, scope_id=scope_id).exclude(status__in=DONE_STATUSES).count()
