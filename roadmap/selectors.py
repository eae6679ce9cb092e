from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from .models import Initiative, Release, Theme


def theme_list(*, product) -> QuerySet[Theme]:
    return Theme.objects.filter(product=product).annotate(initiative_count=Count("initiatives"))


def release_list(*, product) -> QuerySet[Release]:
    return Release.objects.filter(product=product).annotate(
        initiative_count=Count("initiatives", distinct=True), item_count=Count("items", distinct=True)
    )


def initiative_list(*, product) -> QuerySet[Initiative]:
    """Initiatives with their theme and release, and whether any outcome (key result or KPI) is linked."""
    kr_link = Initiative.key_results.through.objects.filter(initiative_id=OuterRef("pk"))
    kpi_link = Initiative.kpis.through.objects.filter(initiative_id=OuterRef("pk"))
    return (
        Initiative.objects.filter(product=product)
        .select_related("theme", "release")
        .annotate(has_outcome=Exists(kr_link) | Exists(kpi_link))
    )


def outcome_unlinked_initiatives(*, product) -> QuerySet[Initiative]:
    return initiative_list(product=product).filter(~Q(status="dropped"), has_outcome=False)


def initiative_list_for_products(*, product_ids) -> QuerySet[Initiative]:
    """`initiative_list` over several products at once (dashboards of a whole workspace)."""
    kr_link = Initiative.key_results.through.objects.filter(initiative_id=OuterRef("pk"))
    kpi_link = Initiative.kpis.through.objects.filter(initiative_id=OuterRef("pk"))
    return (
        Initiative.objects.filter(product_id__in=product_ids)
        .select_related("product", "theme", "release")
        .annotate(has_outcome=Exists(kr_link) | Exists(kpi_link))
    )
