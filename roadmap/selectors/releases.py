"""Reads of releases: lists with their counts, and a release's contents (paged) with its figures."""

from django.db.models import Count, Q, QuerySet, Sum

from core.counts import related_count
from core.figures import cached_figure
from core.keyset import KeysetPage, keyset_page

from ..models import Initiative, Release

RELEASE_ITEMS_PAGE = 100


def release_list(*, product) -> QuerySet[Release]:
    return Release.objects.filter(product=product)


def release_counts(*, product) -> dict[int, tuple[int, int]]:
    """(initiatives, items) of each release of the product, counted once per version of the
    workspace's figures (core.figures: every write bumps it): the counts grow with the backlog."""

    def compute() -> dict[int, tuple[int, int]]:
        items = Release._meta.get_field("items").related_model
        rows = (
            release_list(product=product)
            .annotate(initiative_count=related_count(Initiative, "release"), item_count=related_count(items, "release"))
            .values_list("pk", "initiative_count", "item_count")
        )
        return {pk: (initiatives, count) for pk, initiatives, count in rows}

    return cached_figure(
        workspace_id=product.workspace_id, name="roadmap.release_counts", parts=(product.pk,), compute=compute
    )


def release_initiative_ids(*, release_id: int) -> list[int]:
    return list(Initiative.objects.filter(release_id=release_id).values_list("pk", flat=True))


def releases_for_products(*, product_ids) -> QuerySet[Release]:
    return Release.objects.filter(product_id__in=list(product_ids))


def release_scope(*, release_id: int) -> Q:
    """The items a release holds: its own, and those of its initiatives that have no release of their
    own. The initiatives are read first, so that both halves are index scans (not a join)."""
    initiatives = release_initiative_ids(release_id=release_id)
    return Q(release_id=release_id) | Q(release__isnull=True, initiative_id__in=initiatives)


def release_items(*, release: Release) -> QuerySet:
    """A release's work items (release_scope, epics aside: they are containers, not work)."""
    items = Release._meta.get_field("items").related_model
    return (
        items.objects.filter(release_scope(release_id=release.pk), product_id=release.product_id)
        .exclude(kind="epic")
        .select_related("product")
    )


def release_figures(*, release: Release, workspace_id: int) -> dict:
    """Items and points, finished, and the change since the baseline; summed once per version of the
    workspace's figures (core.figures: every write bumps it), not on every visit."""

    def compute() -> dict:
        done = Q(status__in=["done", "accepted"])
        return release_items(release=release).aggregate(
            items=Count("id"),
            points=Sum("story_points", default=0),
            done_items=Count("id", filter=done),
            done_points=Sum("story_points", filter=done, default=0),
        )

    figures = dict(
        cached_figure(workspace_id=workspace_id, name="roadmap.release", parts=(release.pk,), compute=compute)
    )
    if release.baseline_points is not None:
        figures["change_points"] = figures["points"] - release.baseline_points
        figures["change_items"] = figures["items"] - release.baseline_items
    total = figures["points"] or figures["items"]
    figures["percent"] = round(100 * (figures["done_points"] or figures["done_items"]) / total) if total else None
    return figures


def release_contents(*, release: Release, workspace_id: int, params) -> dict:
    """A release's initiatives, a keyset page of its items in backlog order (`params`: ?after=,
    ?before=, ?page=last), and its figures."""
    page: KeysetPage = keyset_page(
        release_items(release=release), ordering="rank", size=RELEASE_ITEMS_PAGE, params=params
    )
    return {
        "initiatives": Initiative.objects.filter(release=release).select_related("theme"),
        "items": page.object_list,
        "page": page,
        "figures": release_figures(release=release, workspace_id=workspace_id),
    }
