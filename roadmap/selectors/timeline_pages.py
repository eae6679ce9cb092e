"""The timelines a page of bars at a time: a product's (a lane per theme) and a workspace's portfolio
(a lane per product), in a fixed number of queries whatever the number of initiatives.

Bars are paged in lane order, then by start date, rank and id (TIMELINE_PAGE a page); the window of
dates comes from an aggregate over every scheduled initiative, so it is the same on every page.
Unscheduled initiatives are listed apart, the first UNSCHEDULED_SHOWN with their count. Dependency
arrows join only bars of the page; warnings are those of the initiatives on the page.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Max, Min, Q, QuerySet
from django.db.models.functions import Coalesce

from ..models import Initiative, Release
from .board import Lane, Timeline, roadmap_timeline
from .columns import LONG_FIELDS, _unranked_last, decorate
from .initiatives import initiative_list, initiative_list_for_products

TIMELINE_PAGE = 50
UNSCHEDULED_SHOWN = 20


@dataclass
class TimelinePaging:
    number: int
    pages: int
    total: int  # scheduled initiatives (bars), on every page
    first: int  # 1-based position of the first bar of this page (0 when there is none)
    last: int
    unscheduled_total: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def unscheduled_more(self) -> int:
        return max(self.unscheduled_total - UNSCHEDULED_SHOWN, 0)


def page_number(value) -> int:
    """A page number from the query string: 1 for anything that is not a positive number."""
    try:
        return max(int(value), 1)
    except (TypeError, ValueError):
        return 1


def _figures(queryset: QuerySet[Initiative]) -> dict:
    """Counts of scheduled and unscheduled initiatives and the span of the scheduled ones (one query)."""
    return queryset.aggregate(
        scheduled=Count("pk", filter=Q(start_date__isnull=False)),
        unscheduled=Count("pk", filter=Q(start_date__isnull=True)),
        first=Min("start_date"),
        last=Max(Coalesce("end_date", "start_date")),
    )


def _page(*, scheduled: QuerySet[Initiative], figures: dict, number: int, size: int):
    total = figures["scheduled"]
    pages = max((total + size - 1) // size, 1)
    number = min(number, pages)
    offset = (number - 1) * size
    rows = list(scheduled[offset : offset + size])  # a page number over at most a few hundred rows
    paging = TimelinePaging(
        number=number,
        pages=pages,
        total=total,
        first=offset + 1 if rows else 0,
        last=offset + len(rows),
        unscheduled_total=figures["unscheduled"],
    )
    return rows, paging


def _unscheduled(queryset: QuerySet[Initiative]) -> list[Initiative]:
    return list(queryset.filter(start_date__isnull=True).order_by(_unranked_last(), "rank", "id")[:UNSCHEDULED_SHOWN])


def timeline_page(
    *, product, page: int = 1, zoom: str = "quarter", today: date | None = None, size: int = TIMELINE_PAGE
) -> tuple[Timeline, TimelinePaging]:
    """One page of a product's timeline (six queries, progress from the cache)."""
    base = initiative_list(product=product).defer(*LONG_FIELDS)
    figures = _figures(Initiative.objects.filter(product=product))
    scheduled = base.filter(start_date__isnull=False).order_by(
        F("theme__order").asc(nulls_last=True),
        F("theme__name").asc(nulls_last=True),
        "theme_id",
        "start_date",
        "rank",
        "id",
    )
    rows, paging = _page(scheduled=scheduled, figures=figures, number=page, size=size)
    unscheduled = _unscheduled(base)
    decorate(rows + unscheduled, products=[product])
    timeline = roadmap_timeline(
        product=product,
        initiatives=rows,
        unscheduled=unscheduled,
        span=(figures["first"], figures["last"]),
        today=today,
        zoom=zoom,
    )
    return timeline, paging


def portfolio_page(
    *, workspace, page: int = 1, zoom: str = "quarter", today: date | None = None, size: int = TIMELINE_PAGE
) -> tuple[Timeline, TimelinePaging]:
    """One page of the workspace's portfolio: a lane per product, bars in product order (six queries)."""
    products = list(workspace.products.order_by("name", "id"))
    product_ids = [p.pk for p in products]
    figures = _figures(Initiative.objects.filter(product_id__in=product_ids))
    scheduled = (
        initiative_list_for_products(product_ids=product_ids)
        .defer(*LONG_FIELDS)
        .filter(start_date__isnull=False)
        .order_by("product__name", "product_id", "start_date", "rank", "id")
    )
    rows, paging = _page(scheduled=scheduled, figures=figures, number=page, size=size)
    decorate(rows, products=products)
    releases = list(
        Release.objects.filter(product__workspace=workspace, target_date__isnull=False)
        .select_related("product")
        .order_by("target_date")
    )
    timeline = roadmap_timeline(
        product=None,
        initiatives=rows,
        unscheduled=[],
        span=(figures["first"], figures["last"]),
        today=today,
        zoom=zoom,
        releases=releases,
        lanes=[Lane(None, label=f"{p.key} · {p.name}", lane_key=f"p{p.pk}") for p in products],
        lane_of=lambda initiative: f"p{initiative.product_id}",
    )
    return timeline, paging
