from django.db.models import Count, Prefetch, QuerySet

from .models import KPI, KeyResult, Measurement, Objective


def objective_list(*, workspace) -> QuerySet[Objective]:
    return (
        Objective.objects.filter(workspace=workspace)
        .select_related("product", "parent", "owner")
        .prefetch_related("key_results")
        .annotate(key_result_count=Count("key_results", distinct=True))
    )


def objective_detail_queryset(*, workspace) -> QuerySet[Objective]:
    return (
        Objective.objects.filter(workspace=workspace)
        .select_related("product", "parent", "owner")
        .prefetch_related(
            Prefetch("key_results", queryset=KeyResult.objects.select_related("kpi")),
            Prefetch("children", queryset=Objective.objects.select_related("product")),
        )
    )


def key_result_list(*, workspace) -> QuerySet[KeyResult]:
    return KeyResult.objects.filter(objective__workspace=workspace).select_related("objective", "kpi")


def kpi_list(*, product) -> QuerySet[KPI]:
    return KPI.objects.filter(product=product).annotate(measurement_count=Count("measurements"))


def measurements_of(*, kpi: KPI | None = None, key_result: KeyResult | None = None, limit: int = 100):
    qs = Measurement.objects.select_related("created_by")
    qs = qs.filter(kpi=kpi) if kpi is not None else qs.filter(key_result=key_result)
    return qs.order_by("-measured_at", "-id")[:limit]


def measurement_for_workspace(*, workspace, pk: int) -> Measurement:
    from django.db.models import Q
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Measurement.objects.select_related("kpi", "key_result"),
        Q(kpi__product__workspace=workspace) | Q(key_result__objective__workspace=workspace),
        pk=pk,
    )
