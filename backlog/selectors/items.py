"""Reads of backlog items and sprints for pages, the API's hot list, and other apps' figures."""

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from ..models import DONE_STATUSES, AcceptanceCriterion, BacklogItem, ExternalLink, ItemStatus


def item_list(*, product) -> QuerySet[BacklogItem]:
    """A product's items, fetched plainly: no aggregate over the product before ORDER BY … LIMIT, so a
    page of rows costs an index range scan. What a row shows beyond its columns comes from
    `items_decorate`, for the rows shown only."""
    return BacklogItem.objects.filter(product=product).select_related(
        "product", "parent", "initiative", "sprint", "release", "owner"
    )


# What a backlog row, or the label of its group, shows of the rows it points to, read as plain values
# (`item.sprint_name`…): a page builds no model for them.
ROW_RELATED = {
    "parent_number": "parent__number",
    "initiative_title": "initiative__title",
    "sprint_name": "sprint__name",
    "owner_username": "owner__username",
}


def item_rows(*, product, deferred: tuple[str, ...] = ()) -> QuerySet[BacklogItem]:
    """A product's items as the backlog's rows read them: their own columns (but `deferred`) and, as
    values, ROW_RELATED of their parent, initiative, sprint and owner. The product is not joined:
    `items_with_product` gives each row the page's own, so a page of 100 rows builds 100 models, not 600."""
    own = [f.attname for f in BacklogItem._meta.concrete_fields if f.name not in deferred and f.name != "product"]
    return (
        BacklogItem.objects.filter(product=product)
        .only(*own)
        .annotate(**{name: F(path) for name, path in ROW_RELATED.items()})
    )


def items_with_product(items: list[BacklogItem], product) -> list[BacklogItem]:
    """Give rows read by `item_rows` their product (the one they were filtered by), without a query."""
    for item in items:
        item.product = product
    return items


def items_decorate(*, items: list[BacklogItem], children: bool = False) -> list[BacklogItem]:
    """Set `criteria_count` and `criteria_met` on some items (one query, for the flagged ones only),
    and with `children` their `child_count` (one grouped count, not the child rows themselves)."""
    flagged = [item.pk for item in items if item.has_criteria]
    counts = {}
    if flagged:
        counts = {
            row["item_id"]: row
            for row in AcceptanceCriterion.objects.filter(item_id__in=flagged)
            .order_by()
            .values("item_id")
            .annotate(total=Count("id"), met=Count("id", filter=Q(met=True)))
        }
    for item in items:
        row = counts.get(item.pk)
        item.criteria_count = row["total"] if row else 0
        item.criteria_met = row["met"] if row else 0
    if children:
        found = dict(
            BacklogItem.objects.filter(parent_id__in=[item.pk for item in items])
            .order_by()
            .values("parent_id")
            .annotate(n=Count("id"))
            .values_list("parent_id", "n")
        )
        for item in items:
            item.child_count = found.get(item.pk, 0)
    return items


def item_parent_search(*, product, query: str, exclude: int | None = None, limit: int = 20) -> list[dict]:
    """Epics and features of a product matching a title fragment or a number (PAY-42, 42), in rank
    order: what a parent picker offers as the user types (index on product, kind, rank)."""
    items = BacklogItem.objects.filter(product=product, kind__in=("epic", "feature"))
    if exclude is not None:
        items = items.exclude(pk=exclude)
    query = query.strip()[:100]
    if query:
        number = query.rsplit("-", 1)[-1]
        match = Q(title__icontains=query)
        if number.isdigit() and len(number) < 10:
            match |= Q(number=int(number))
        items = items.filter(match)
    rows = items.order_by("rank").values("id", "number", "title")[:limit]
    return [{"id": row["id"], "label": f"{product.key}-{row['number']} {row['title']}"} for row in rows]


CHILDREN_SHOWN = 100


def item_detail_queryset(*, product) -> QuerySet[BacklogItem]:
    return (
        BacklogItem.objects.filter(product=product)
        .select_related("product", "parent", "initiative", "sprint", "release", "owner")
        .prefetch_related(
            Prefetch("acceptance_criteria", queryset=AcceptanceCriterion.objects.order_by("order", "id")),
            # The first CHILDREN_SHOWN children, and one more to say that there are more.
            Prefetch(
                "children",
                queryset=BacklogItem.objects.select_related("product").order_by("rank", "id")[: CHILDREN_SHOWN + 1],
                to_attr="children_first",
            ),
            Prefetch("external_links", queryset=ExternalLink.objects.order_by("created_at", "id")),
            "labels",
        )
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
