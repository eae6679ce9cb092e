"""Reads of initiatives: lists with their outcome flag, and progress from their backlog items."""

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from core.figures import cached_figure
from core.keyset import keyset_page

from ..models import Initiative

INITIATIVE_ITEMS_PAGE = 100


def initiatives_with_outcome_flag(queryset: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """Annotate `has_outcome`: whether any outcome (key result or KPI) is linked."""
    kr_link = Initiative.key_results.through.objects.filter(initiative_id=OuterRef("pk"))
    kpi_link = Initiative.kpis.through.objects.filter(initiative_id=OuterRef("pk"))
    return queryset.annotate(has_outcome=Exists(kr_link) | Exists(kpi_link))


def initiative_list(*, product) -> QuerySet[Initiative]:
    """Initiatives with their theme and release, and whether any outcome is linked."""
    return initiatives_with_outcome_flag(Initiative.objects.filter(product=product).select_related("theme", "release"))


def initiative_list_for_products(*, product_ids) -> QuerySet[Initiative]:
    """`initiative_list` over several products at once (dashboards of a whole workspace)."""
    return initiatives_with_outcome_flag(
        Initiative.objects.filter(product_id__in=product_ids).select_related("product", "theme", "release")
    )


def initiatives_with_progress(queryset: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """Annotate `item_count`, `points_total` and `points_done` from each initiative's backlog items.

    Read through the `items` reverse relation, in the same query as the initiatives: the roadmap
    sits below the backlog and does not import it. An item without points counts as one point.
    An item is done when its `done_at` is set: the backlog's services set it whenever an item
    becomes done or accepted and clear it when the item is reopened (or rejected), so `done_at`
    says "done or accepted" without the roadmap repeating the backlog's list of statuses.
    Only items of the initiative's own product are counted (the backlog refuses any other link).
    """
    own = Q(items__product_id=F("product_id"))
    points = Coalesce("items__story_points", 1)
    return queryset.annotate(
        item_count=Count("items", filter=own),
        points_total=Coalesce(Sum(points, filter=own), 0),
        points_done=Coalesce(Sum(points, filter=own & Q(items__done_at__isnull=False)), 0),
    )


def progress_by_initiative(*, product) -> dict[int, tuple[int, int, int]]:
    """(item count, points, points done) of each initiative of a product with items, summed over its
    items once per version of the workspace's figures (core.figures), not on every page."""

    def compute() -> dict[int, tuple[int, int, int]]:
        rows = initiatives_with_progress(Initiative.objects.filter(product=product)).values_list(
            "pk", "item_count", "points_total", "points_done"
        )
        return {pk: (count, total, done) for pk, count, total, done in rows if count}

    return cached_figure(
        workspace_id=product.workspace_id, name="roadmap.progress", parts=(product.pk,), compute=compute
    )


def progress_attach(*, initiatives: list[Initiative], product) -> list[Initiative]:
    """Set item_count, points_total and points_done (as `initiatives_with_progress` would) from the cache."""
    figures = progress_by_initiative(product=product)
    for initiative in initiatives:
        initiative.item_count, initiative.points_total, initiative.points_done = figures.get(initiative.pk, (0, 0, 0))
    return initiatives


def initiative_progress(initiative: Initiative) -> dict | None:
    """Progress of an initiative annotated by `initiatives_with_progress`; None when it has no items."""
    if not initiative.item_count:
        return None
    done, total = initiative.points_done, initiative.points_total
    return {
        "item_count": initiative.item_count,
        "done": done,
        "total": total,
        "percent": round(100 * done / total) if total else None,
    }


def initiative_progress_of(*, initiative: Initiative) -> dict | None:
    """`initiative_progress` of one initiative, in one query (its page)."""
    figures = initiatives_with_progress(Initiative.objects.filter(pk=initiative.pk)).only("pk").get()
    return initiative_progress(figures)


def initiative_items(*, initiative: Initiative) -> QuerySet:
    """The backlog items of an initiative in backlog order, with their product (for the PAY-42 key)."""
    return initiative.items.filter(product_id=initiative.product_id).select_related("product").order_by("rank")


def initiative_items_page(*, initiative: Initiative, params) -> dict:
    """A keyset page of the initiative's items in backlog order (`params`: ?after=, ?before=, ?page=last)."""
    page = keyset_page(
        initiative_items(initiative=initiative), ordering="rank", size=INITIATIVE_ITEMS_PAGE, params=params
    )
    return {"items": page.object_list, "page": page}


def outcome_links(*, initiative_ids) -> dict[str, set[int]]:
    """The key results and KPIs linked to some initiatives (two queries)."""
    ids = list(initiative_ids)
    return {
        "key_results": set(
            Initiative.key_results.through.objects.filter(initiative_id__in=ids).values_list("keyresult_id", flat=True)
        ),
        "kpis": set(Initiative.kpis.through.objects.filter(initiative_id__in=ids).values_list("kpi_id", flat=True)),
    }
