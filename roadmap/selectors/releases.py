from django.db.models import Count, Q, QuerySet, Sum

from ..models import Initiative, Release


def release_list(*, product) -> QuerySet[Release]:
    return Release.objects.filter(product=product).annotate(
        initiative_count=Count("initiatives", distinct=True), item_count=Count("items", distinct=True)
    )


def release_initiative_ids(*, release_id: int) -> list[int]:
    return list(Initiative.objects.filter(release_id=release_id).values_list("pk", flat=True))


def releases_for_products(*, product_ids) -> QuerySet[Release]:
    return Release.objects.filter(product_id__in=list(product_ids))


def release_contents(*, release: Release) -> dict:
    """A release's initiatives and items (its own, and those of its initiatives without a release), and
    its figures: items and points, finished, and the change since its baseline (three queries)."""
    from_initiatives = Q(release__isnull=True, initiative__release=release)
    items = (
        release.items.model.objects.filter(Q(release=release) | from_initiatives)
        .exclude(kind="epic")
        .select_related("product")
        .order_by("rank")
    )
    done = Q(status__in=["done", "accepted"])
    figures = items.aggregate(
        items=Count("id"),
        points=Sum("story_points", default=0),
        done_items=Count("id", filter=done),
        done_points=Sum("story_points", filter=done, default=0),
    )
    if release.baseline_points is not None:
        figures["change_points"] = figures["points"] - release.baseline_points
        figures["change_items"] = figures["items"] - release.baseline_items
    total = figures["points"] or figures["items"]
    figures["percent"] = round(100 * (figures["done_points"] or figures["done_items"]) / total) if total else None
    return {
        "initiatives": Initiative.objects.filter(release=release).select_related("theme"),
        "items": items[:500],
        "figures": figures,
    }
